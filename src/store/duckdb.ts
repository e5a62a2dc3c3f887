// The DuckDB backend: an index in the state directory (`.halo/store.duckdb`)
// and, beside it, one append-only file of record lines per input file
// (`store.duckdb.records/`). The index (files, runs, one row per span, where
// each record's line is) goes in through DuckDB's Appender; runs are
// recomputed in SQL for the traces a sync touched. The lines themselves never
// pass through DuckDB: writing them is an append to a file, and reading a
// window is reading byte ranges, handed on as text without being parsed
// (measured on a 166 MB week: DuckDB's JSON column took 2.2–4.4 s to read
// back whole and most of a 12.6 s ingest to write).
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBResult } from '@duckdb/node-api';
import { duckdbApi } from './duckdb-api.ts';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunLines, RunSummary, SpanRow, SqlResult, Store, StoredBatch, StoredFile, StoreInfo } from './api.ts';
import { StoreError } from './errors.ts';
import { RecordFiles, type LineRange } from './record-files.ts';
import { assembledBytes, dropAssembled } from './assembled.ts';

const SCHEMA_VERSION = '3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS files (
  file_id INTEGER, path VARCHAR, size DOUBLE, mtime_ms DOUBLE, head_hash VARCHAR, tail_hash VARCHAR,
  bytes_read DOUBLE, appendable BOOLEAN, lines DOUBLE, records DOUBLE, ingest_key VARCHAR, stats JSON, ingested_at DOUBLE);
CREATE TABLE IF NOT EXISTS spans (
  file_id INTEGER, seq INTEGER, idx INTEGER, part VARCHAR, line INTEGER, unit VARCHAR, whole BOOLEAN, synthetic BOOLEAN, trace_id VARCHAR, span_id VARCHAR, parent_id VARCHAR,
  name VARCHAR, kind VARCHAR, start_time DOUBLE, end_time DOUBLE, status VARCHAR, model VARCHAR, tool_name VARCHAR,
  format VARCHAR);
CREATE TABLE IF NOT EXISTS records (file_id INTEGER, seq INTEGER, off DOUBLE, len INTEGER);
CREATE TABLE IF NOT EXISTS segments (file_id INTEGER, name VARCHAR);
CREATE TABLE IF NOT EXISTS runs (trace_id VARCHAR, start_time DOUBLE, end_time DOUBLE, spans INTEGER, error_spans INTEGER, undated BOOLEAN);
CREATE TABLE IF NOT EXISTS observations (key VARCHAR, trace_id VARCHAR, data BLOB);
`;

export interface DuckDbStoreOptions {
  /**
   * DuckDB's own memory cap before it spills to disk (default 128MB: the
   * isolate needs the memory more). At 256MB the sandbox child rose in
   * spikes of up to 200 MB while a streamed first run of the 1.77 GB week
   * assembled its runs, the run's peak once ingest no longer set it; at
   * 96MB it did not (bench/RESULTS.md, Store).
   */
  memoryLimit?: string;
  threads?: number;
  /**
   * How long to wait for another halo process that has the store open (a
   * scheduled run, a second analysis) before giving up; default 10 minutes.
   */
  lockWaitMs?: number;
}

const LOCK_POLL_MS = 250;

export async function openDuckDbStore(path: string, opts: DuckDbStoreOptions = {}): Promise<Store> {
  mkdirSync(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  const waitUntil = Date.now() + (opts.lockWaitMs ?? 600_000);
  for (;;) {
    try {
      instance = await duckdbApi().DuckDBInstance.create(path, {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        memory_limit: opts.memoryLimit ?? '128MB',
        threads: String(opts.threads ?? 2),
        temp_directory: `${path}.tmp`,
      });
      break;
    } catch (err) {
      const msg = String((err as Error)?.message ?? err);
      // One process at a time has the file: a second run waits its turn.
      if (/lock/i.test(msg) && Date.now() < waitUntil) {
        await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
        continue;
      }
      throw new StoreError(/lock/i.test(msg) ? `${path}: the store is in use by another halo process (${msg.split('\n')[0]})` : `${path}: cannot open the store: ${msg}`);
    }
  }
  const conn = await instance.connect();
  // The store reads only its own file: no files or URLs from queries, and no
  // query can turn that back on. (Set here: at creation it conflicts with temp_directory.)
  // fetch() relies on insertion order (it also checks it).
  await conn.run('SET preserve_insertion_order = true; SET enable_external_access = false; SET lock_configuration = true');
  await conn.run(SCHEMA);
  const version = (await conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema'`)).getRowsJS()[0]?.[0];
  if (version === undefined) await conn.run(`INSERT INTO meta VALUES ('schema', '${SCHEMA_VERSION}')`);
  else if (version !== SCHEMA_VERSION) throw new StoreError(`${path}: store schema ${String(version)} is not ${SCHEMA_VERSION}; delete it and ${path}.records to rebuild it`);
  const segments = new Map<number, string>();
  for (const [id, name] of (await conn.runAndReadAll('SELECT file_id, name FROM segments')).getRowsJS()) segments.set(Number(id), String(name));
  const lines = new RecordFiles(`${path}.records`);
  // A process killed mid-file may have left a generation no committed row names: it is never read, so it goes.
  lines.removeAllBut(new Set(segments.values()));
  const store = new DuckDbStore(path, instance, conn, lines, segments);
  // A run killed between committing a file's spans and finalizing left runs stale: roll them all up again.
  const dirty = (await conn.runAndReadAll(`SELECT count(*) FROM meta WHERE key = 'unfinalized'`)).getRowsJS()[0]![0];
  if (Number(dirty) > 0) await store.refinalizeAll();
  return store;
}

class DuckDbStore implements Store {
  readonly backend = 'duckdb' as const;
  private appender: DuckDBAppender | null = null;
  private recordAppender: DuckDBAppender | null = null;
  private readonly touched = new Set<string>();
  /** The segments as they were when the open transaction began (restored on rollback); null outside one. */
  private txSegments: Map<number, string> | null = null;

  constructor(
    private readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly lines: RecordFiles,
    /** Each file's current generation of record lines (mirrors the `segments` table). */
    private segments: Map<number, string>,
  ) {}

  async files(): Promise<StoredFile[]> {
    const rows = (await this.conn.runAndReadAll('SELECT * FROM files ORDER BY file_id')).getRowObjectsJS();
    return rows.map((r) => ({
      fileId: Number(r.file_id),
      path: String(r.path),
      size: Number(r.size),
      mtimeMs: Number(r.mtime_ms),
      headHash: String(r.head_hash),
      tailHash: String(r.tail_hash),
      bytesRead: Number(r.bytes_read),
      appendable: Boolean(r.appendable),
      lines: Number(r.lines),
      records: Number(r.records),
      ingestKey: String(r.ingest_key),
      stats: JSON.parse(String(r.stats)),
      ingestedAt: Number(r.ingested_at),
    }));
  }

  async putFile(file: Omit<StoredFile, 'fileId'> & { fileId?: number }): Promise<number> {
    let id = file.fileId;
    if (id === undefined) {
      const max = (await this.conn.runAndReadAll('SELECT coalesce(max(file_id), 0) FROM files')).getRowsJS()[0]![0];
      id = Number(max) + 1;
    }
    await this.conn.run('DELETE FROM files WHERE file_id = $1', [id]);
    await this.conn.run('INSERT INTO files VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [
      id, file.path, file.size, file.mtimeMs, file.headHash, file.tailHash, file.bytesRead, file.appendable, file.lines, file.records,
      file.ingestKey, JSON.stringify(file.stats), file.ingestedAt,
    ]);
    return id;
  }

  async dropSpans(fileId: number): Promise<void> {
    await this.flush();
    const ids = (await this.conn.runAndReadAll('SELECT DISTINCT trace_id FROM spans WHERE file_id = $1', [fileId])).getRowsJS();
    for (const [id] of ids) this.touched.add(String(id));
    await this.markUnfinalized();
    for (const table of ['spans', 'records', 'segments']) await this.conn.run(`DELETE FROM ${table} WHERE file_id = $1`, [fileId]);
    const old = this.segments.get(fileId);
    if (old !== undefined) this.lines.retire(old);
    this.segments.delete(fileId);
    if (this.txSegments === null) await this.lines.commit();
  }

  async append(fileId: number, batch: StoredBatch): Promise<void> {
    const records = batch.lines.length;
    if (records === 0) return;
    if (this.appender === null) await this.markUnfinalized();
    let segment = this.segments.get(fileId);
    if (segment === undefined) {
      segment = this.lines.fresh(fileId);
      this.segments.set(fileId, segment);
      await this.conn.run('INSERT INTO segments VALUES ($1, $2)', [fileId, segment]);
    }
    const ranges = await this.lines.append(segment, batch.lines);
    const ra = (this.recordAppender ??= await this.conn.createAppender('records'));
    const a = (this.appender ??= await this.conn.createAppender('spans'));
    const str = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
    const num = (v: number) => (!Number.isFinite(v) ? a.appendNull() : a.appendDouble(v));
    let row = 0;
    for (let i = 0; i < records; i++) {
      const seq = batch.firstSeq + i;
      ra.appendInteger(fileId);
      ra.appendInteger(seq);
      ra.appendDouble(ranges[i]!.off);
      ra.appendInteger(ranges[i]!.len);
      ra.endRow();
      const spans = batch.spans[i]!;
      const n = spans + batch.hints[i]!;
      const line = batch.line[i]!;
      const unit = batch.unit[i]!;
      const whole = batch.whole[i] === 1;
      const format = batch.format[i]!;
      for (let k = 0; k < n; k++, row++) {
        const traceId = batch.traceId[row]!;
        a.appendInteger(fileId);
        a.appendInteger(seq);
        a.appendInteger(k < spans ? k : k - spans);
        a.appendVarchar(k < spans ? 'span' : 'hints');
        a.appendInteger(line);
        a.appendVarchar(unit);
        a.appendBoolean(whole);
        a.appendBoolean(batch.synthetic[row] === 1);
        a.appendVarchar(traceId);
        str(batch.spanId[row]!);
        str(batch.parentId[row]!);
        str(batch.name[row]!);
        str(batch.kind[row]!);
        num(batch.startTime[row]!);
        num(batch.endTime[row]!);
        str(batch.status[row]!);
        str(batch.model[row]!);
        str(batch.toolName[row]!);
        a.appendVarchar(format);
        a.endRow();
        this.touched.add(traceId);
      }
    }
  }

  private async markUnfinalized(): Promise<void> {
    await this.conn.run(`DELETE FROM meta WHERE key = 'unfinalized'; INSERT INTO meta VALUES ('unfinalized', '1')`);
  }

  async refinalizeAll(): Promise<void> {
    await this.conn.run(`BEGIN TRANSACTION; DELETE FROM runs; INSERT INTO runs
      SELECT trace_id, min(start_time), max(end_time), count(*), count(*) FILTER (WHERE status = 'error'), bool_or(synthetic)
      FROM spans WHERE part = 'span' GROUP BY trace_id; DELETE FROM meta WHERE key = 'unfinalized'; COMMIT`);
    this.touched.clear();
  }

  private async flush(): Promise<void> {
    this.appender?.closeSync();
    this.appender = null;
    this.recordAppender?.closeSync();
    this.recordAppender = null;
    if (this.txSegments === null) await this.lines.commit();
  }

  async finalize(): Promise<void> {
    await this.flush();
    if (this.touched.size === 0) return;
    await this.conn.run('CREATE OR REPLACE TEMP TABLE touched (trace_id VARCHAR)');
    const a = await this.conn.createAppender('touched', 'main', 'temp');
    for (const id of this.touched) {
      a.appendVarchar(id);
      a.endRow();
    }
    a.closeSync();
    this.touched.clear();
    await this.conn.run('DELETE FROM runs WHERE trace_id IN (SELECT trace_id FROM touched)');
    await this.conn.run(`INSERT INTO runs
      SELECT trace_id, min(start_time), max(end_time), count(*), count(*) FILTER (WHERE status = 'error'), bool_or(synthetic)
      FROM spans WHERE part = 'span' AND trace_id IN (SELECT trace_id FROM touched) GROUP BY trace_id`);
    await this.conn.run(`DROP TABLE touched; DELETE FROM meta WHERE key = 'unfinalized'`);
  }

  async summaries(fileIds?: number[]): Promise<RunSummary[]> {
    await this.flush();
    let sql = 'SELECT trace_id, start_time, end_time, spans, error_spans, undated FROM runs';
    if (fileIds !== undefined) {
      // The finalized runs serve when the files asked for are all the store holds;
      // otherwise the runs are rolled up from those files' spans alone.
      const all = (await this.conn.runAndReadAll('SELECT DISTINCT file_id FROM spans')).getRowsJS().map((r) => Number(r[0]));
      const want = new Set(fileIds);
      if (!all.every((id) => want.has(id))) {
        sql = `SELECT trace_id, min(start_time), max(end_time), count(*), count(*) FILTER (WHERE status = 'error'), bool_or(synthetic)
          FROM spans WHERE part = 'span' AND file_id IN (${fileIds.map((n) => Number(n)).join(',') || 'NULL'}) GROUP BY trace_id`;
      }
    }
    const out: RunSummary[] = [];
    const result = await this.conn.stream(sql);
    for await (const rows of result.yieldRowsJs()) {
      for (const r of rows) out.push({ traceId: String(r[0]), startTime: Number(r[1]), endTime: Number(r[2]), spans: Number(r[3]), errorSpans: Number(r[4]), undated: r[5] === true });
    }
    return out;
  }

  async records(
    fileIds: readonly number[],
    runs: readonly RunSummary[] | null,
    onText: (fileId: number, text: string) => void | Promise<void>,
    opts: { batchBytes?: number } = {},
  ): Promise<void> {
    await this.flush();
    const batchBytes = opts.batchBytes ?? 8 * 1024 * 1024;
    if (runs !== null) await this.tempIds('wanted', runs.map((r) => r.traceId));
    try {
      for (const fileId of fileIds) {
        const segment = this.segments.get(fileId);
        if (segment === undefined) continue;
        const id = Number(fileId);
        const sql =
          runs === null
            ? `SELECT off, len FROM records WHERE file_id = ${id} ORDER BY seq`
            : `SELECT r.off, r.len FROM records r JOIN (SELECT DISTINCT seq FROM spans WHERE file_id = ${id} AND trace_id IN (SELECT trace_id FROM wanted)) k ON r.seq = k.seq
               WHERE r.file_id = ${id} ORDER BY r.seq`;
        const ranges: LineRange[] = [];
        for await (const chunk of await this.conn.stream(sql)) {
          const off = chunk.getColumnVector(0);
          const len = chunk.getColumnVector(1);
          for (let k = 0; k < chunk.rowCount; k++) ranges.push({ off: off.getItem(k) as number, len: len.getItem(k) as number });
        }
        await this.lines.read(segment, ranges, batchBytes, (text) => onText(fileId, text));
      }
    } finally {
      if (runs !== null) await this.conn.run('DROP TABLE IF EXISTS wanted');
    }
  }

  get linesDir(): string {
    return this.lines.dir;
  }

  recordSegment(fileId: number): string | null {
    return this.segments.get(fileId) ?? null;
  }

  async recordRanges(fileIds: readonly number[], traceIds: ReadonlySet<string>, maxShared: number): Promise<Map<string, RunLines>> {
    await this.flush();
    await this.lines.settle();
    const out = new Map<string, RunLines>();
    if (fileIds.length === 0 || traceIds.size === 0) return out;
    const rank = `CASE k.file_id ${fileIds.map((id, i) => `WHEN ${Number(id)} THEN ${i}`).join(' ')} END`;
    const result = await this.conn.stream(
      `SELECT k.trace_id, k.file_id, r.off, r.len, k.shared FROM (
         SELECT trace_id, file_id, seq, count(*) OVER (PARTITION BY file_id, seq) AS shared
         FROM (SELECT DISTINCT trace_id, file_id, seq FROM spans WHERE file_id IN (${fileIds.map((n) => Number(n)).join(',')}))) k
       JOIN records r ON r.file_id = k.file_id AND r.seq = k.seq ORDER BY ${rank}, k.seq`,
    );
    const tooShared = new Set<string>();
    for await (const chunk of result) {
      const ids = chunk.getColumnVector(0);
      const files = chunk.getColumnVector(1);
      const offs = chunk.getColumnVector(2);
      const lens = chunk.getColumnVector(3);
      const shared = chunk.getColumnVector(4);
      for (let k = 0; k < chunk.rowCount; k++) {
        const id = ids.getItem(k) as string;
        if (!traceIds.has(id) || tooShared.has(id)) continue;
        if (Number(shared.getItem(k)) > maxShared) {
          tooShared.add(id);
          out.delete(id);
          continue;
        }
        const fileId = files.getItem(k) as number;
        let run = out.get(id);
        if (run === undefined) out.set(id, (run = []));
        let last = run[run.length - 1];
        if (last === undefined || last[0] !== fileId) {
          const segment = this.segments.get(fileId);
          if (segment === undefined) throw new StoreError(`file ${fileId} has records but no line file`);
          run.push((last = [fileId, segment, [], []]));
        }
        last[2].push(offs.getItem(k) as number);
        last[3].push(lens.getItem(k) as number);
      }
    }
    return out;
  }

  async wholeClaims(fileIds: readonly number[]): Promise<boolean> {
    await this.flush();
    if (fileIds.length === 0) return false;
    const rows = await this.conn.runAndReadAll(
      `SELECT 1 FROM spans WHERE whole AND part = 'span' AND file_id IN (${fileIds.map((n) => Number(n)).join(',')})
       GROUP BY trace_id HAVING count(DISTINCT file_id::BIGINT * 4294967296 + seq) > 1 LIMIT 1`,
    );
    return rows.getRowsJS().length > 0;
  }

  async firstFiles(traceIds: readonly string[], fileIds: readonly number[]): Promise<Map<string, number>> {
    await this.flush();
    const rank = new Map(fileIds.map((id, i) => [id, i]));
    const out = new Map<string, number>();
    if (traceIds.length === 0) return out;
    await this.tempIds('asked', traceIds);
    try {
      const rows = (await this.conn.runAndReadAll('SELECT DISTINCT trace_id, file_id FROM spans WHERE trace_id IN (SELECT trace_id FROM asked)')).getRowsJS();
      for (const [t, f] of rows) {
        const id = String(t);
        const file = Number(f);
        if (!rank.has(file)) continue;
        const cur = out.get(id);
        if (cur === undefined || rank.get(file)! < rank.get(cur)!) out.set(id, file);
      }
    } finally {
      await this.conn.run('DROP TABLE IF EXISTS asked');
    }
    return out;
  }

  /** A temporary table of trace ids to join with. */
  private async tempIds(table: string, ids: readonly string[]): Promise<void> {
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (trace_id VARCHAR)`);
    const a = await this.conn.createAppender(table, 'main', 'temp');
    for (const id of ids) {
      a.appendVarchar(id);
      a.endRow();
    }
    a.closeSync();
  }

  async scan(fn: (row: SpanRow) => void): Promise<void> {
    await this.flush();
    const result = await this.conn.stream(
      'SELECT 0, file_id, seq, idx, part, trace_id, format, NULL, line, unit, whole, span_id, parent_id, name, kind, start_time, end_time, status, model, tool_name, synthetic FROM spans',
    );
    for await (const rows of rowsOf(result, 21)) for (const r of rows) fn(fullRowOf(r));
  }

  async sql(query: string, opts: SqlLimits = {}): Promise<SqlResult> {
    await this.flush();
    return selectOnly(this.conn, query, opts);
  }

  async observations(key: string, traceIds: readonly string[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    // Joined in DuckDB: a narrower window than the one observed (a day of the week) reads only its runs' blobs.
    await this.tempIds('wanted_obs', traceIds);
    try {
      const rows = (await this.conn.runAndReadAll('SELECT o.trace_id, o.data FROM observations o SEMI JOIN wanted_obs w ON o.trace_id = w.trace_id WHERE o.key = $1', [key])).getRows();
      for (const [id, data] of rows) if (data instanceof duckdbApi().DuckDBBlobValue) out.set(String(id), data.bytes);
    } finally {
      await this.conn.run('DROP TABLE IF EXISTS wanted_obs');
    }
    return out;
  }

  async putObservations(key: string, rows: readonly (readonly [string, Uint8Array])[]): Promise<void> {
    await this.conn.run('DELETE FROM observations WHERE key <> $1', [key]);
    if (rows.length === 0) return;
    await this.conn.run('CREATE OR REPLACE TEMP TABLE new_obs (trace_id VARCHAR)');
    const ids = await this.conn.createAppender('new_obs');
    for (const [id] of rows) {
      ids.appendVarchar(id);
      ids.endRow();
    }
    ids.closeSync();
    await this.conn.run('DELETE FROM observations WHERE trace_id IN (SELECT trace_id FROM new_obs)');
    await this.conn.run('DROP TABLE new_obs');
    const app = await this.conn.createAppender('observations');
    for (const [id, data] of rows) {
      app.appendVarchar(key);
      app.appendVarchar(id);
      app.appendBlob(data);
      app.endRow();
    }
    app.closeSync();
  }

  async prune(before: number): Promise<{ runs: number; spans: number }> {
    await this.flush();
    await this.conn.run('CREATE OR REPLACE TEMP TABLE gone AS SELECT trace_id FROM runs WHERE start_time < $1', [before]);
    const runs = Number((await this.conn.runAndReadAll('SELECT count(*) FROM gone')).getRowsJS()[0]![0]);
    const spans = Number((await this.conn.runAndReadAll("SELECT count(*) FROM spans WHERE part = 'span' AND trace_id IN (SELECT trace_id FROM gone)")).getRowsJS()[0]![0]);
    await this.conn.run('DELETE FROM spans WHERE trace_id IN (SELECT trace_id FROM gone)');
    await this.conn.run('DELETE FROM runs WHERE trace_id IN (SELECT trace_id FROM gone)');
    await this.conn.run('DELETE FROM observations WHERE trace_id IN (SELECT trace_id FROM gone)');
    await this.conn.run('DROP TABLE gone');
    // A record whose every span went is no longer read; a file of lines none of
    // which is read any more goes (a partly pruned one keeps its bytes until its input is read again).
    await this.conn.run('DELETE FROM records r WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.file_id = r.file_id AND s.seq = r.seq)');
    const empty = (await this.conn.runAndReadAll('SELECT file_id FROM segments g WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.file_id = g.file_id)')).getRowsJS();
    for (const [id] of empty) {
      const fileId = Number(id);
      await this.conn.run('DELETE FROM segments WHERE file_id = $1', [fileId]);
      const name = this.segments.get(fileId);
      if (name !== undefined) this.lines.retire(name);
      this.segments.delete(fileId);
    }
    await this.lines.commit();
    await this.conn.run('CHECKPOINT');
    if (runs > 0) dropAssembled(this.path);
    return { runs, spans };
  }

  async info(): Promise<StoreInfo> {
    await this.flush();
    const days = (
      await this.conn.runAndReadAll(
        `SELECT strftime(make_timestamp(CAST(start_time * 1000 AS BIGINT)), '%Y-%m-%d') AS day, count(*), sum(spans) FROM runs GROUP BY day ORDER BY day`,
      )
    )
      .getRowsJS()
      .map((r) => ({ day: String(r[0]), runs: Number(r[1]), spans: Number(r[2]) }));
    const totals = (await this.conn.runAndReadAll('SELECT count(*), coalesce(sum(spans), 0) FROM runs')).getRowsJS()[0]!;
    let sizeBytes = 0;
    try {
      sizeBytes = statSync(this.path).size;
    } catch {
      // not yet written
    }
    sizeBytes += this.lines.size() + assembledBytes(this.path);
    return { backend: 'duckdb', location: this.path, files: await this.files(), runs: Number(totals[0]), spans: Number(totals[1]), days, sizeBytes };
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.flush();
    await this.conn.run('BEGIN TRANSACTION');
    this.txSegments = new Map(this.segments);
    try {
      const out = await fn();
      await this.flush();
      // The lines are on disk before the rows that point at them commit.
      await this.lines.settle();
      await this.conn.run('COMMIT');
      this.txSegments = null;
      await this.lines.commit();
      return out;
    } catch (err) {
      // Close the appenders inside the transaction so their pending rows are rolled back too.
      for (const a of [this.appender, this.recordAppender]) {
        try {
          a?.closeSync();
        } catch {
          // the rollback discards whatever it held
        }
      }
      this.appender = null;
      this.recordAppender = null;
      await this.conn.run('ROLLBACK').catch(() => {});
      this.segments = this.txSegments ?? this.segments;
      this.txSegments = null;
      await this.lines.rollback();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export interface SqlLimits {
  /** Rows returned at most (default 1000); more sets `truncated`. */
  maxRows?: number;
  /** Characters of the rows as JSON at most; more sets `truncated`. */
  maxChars?: number;
  /** The query is interrupted past this. */
  timeoutMs?: number;
}

/** One SELECT (or WITH … SELECT) statement, with caps; anything else is refused before it runs. */
export async function selectOnly(conn: DuckDBConnection, query: string, opts: SqlLimits = {}): Promise<SqlResult> {
  const maxRows = opts.maxRows ?? 1000;
  const maxChars = opts.maxChars ?? Infinity;
  let extracted;
  try {
    extracted = await conn.extractStatements(query);
  } catch (err) {
    throw new StoreError(`sql(): ${(err as Error).message}`);
  }
  if (extracted.count !== 1) throw new StoreError(`sql(): one statement at a time (got ${extracted.count})`);
  let prepared;
  try {
    prepared = await extracted.prepare(0);
  } catch (err) {
    throw new StoreError(`sql(): ${(err as Error).message}`);
  }
  if (prepared.statementType !== duckdbApi().StatementType.SELECT) throw new StoreError('sql(): only SELECT (or WITH … SELECT) queries are allowed');
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        conn.interrupt();
      }, opts.timeoutMs)
    : null;
  try {
    const result = await prepared.stream();
    const columns = result.columnNames();
    const rows: unknown[][] = [];
    let chars = 0;
    let truncated = false;
    for await (const chunk of result.yieldRowsJson()) {
      for (const r of chunk) {
        chars += JSON.stringify(r).length + 1;
        if (rows.length >= maxRows || chars > maxChars) {
          truncated = true;
          break;
        }
        rows.push(r);
      }
      if (truncated) break;
    }
    return { columns, rows, truncated };
  } catch (err) {
    if (timedOut) throw new StoreError(`sql(): the query ran past its ${opts.timeoutMs! / 1000}s limit and was stopped; aggregate more, or filter first`);
    throw new StoreError(`sql(): ${(err as Error).message}`);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Rows of a streamed result, read column vector by column vector: several
 * times faster than the converting row readers on long JSON strings.
 */
async function* rowsOf(result: DuckDBResult, columns: number): AsyncGenerator<unknown[][]> {
  for await (const chunk of result) {
    const vectors = Array.from({ length: columns }, (_, i) => chunk.getColumnVector(i));
    const rows: unknown[][] = [];
    for (let k = 0; k < chunk.rowCount; k++) rows.push(vectors.map((v) => v.getItem(k)));
    yield rows;
  }
}

function rowOf(r: unknown[]): SpanRow {
  return {
    fileId: r[1] as number,
    seq: r[2] as number,
    idx: r[3] as number,
    part: r[4] as SpanRow['part'],
    traceId: r[5] as string,
    format: r[6] as SpanRow['format'],
    line: r[8] as number,
    unit: r[9] as SpanRow['unit'],
    whole: r[10] as boolean,
    synthetic: r[20] === true,
    spanId: null,
    parentId: null,
    name: null,
    kind: null,
    startTime: null,
    endTime: null,
    status: null,
    model: null,
    toolName: null,
  };
}

function fullRowOf(r: unknown[]): SpanRow {
  return {
    ...rowOf(r),
    spanId: r[11] as string | null,
    parentId: r[12] as string | null,
    name: r[13] as string | null,
    kind: r[14] as string | null,
    startTime: r[15] as number | null,
    endTime: r[16] as number | null,
    status: r[17] as string | null,
    model: r[18] as string | null,
    toolName: r[19] as string | null,
  };
}
