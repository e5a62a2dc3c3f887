// The memory backend: the same contract held in arrays, for one process.
// Nothing survives the process; tests use it as the reference the DuckDB
// backend must agree with.
import type { RunSummary, SpanRow, SqlResult, Store, StoredFile, StoreInfo } from './api.ts';
import { dayOf, summarize } from './summaries.ts';
import { StoreError } from './errors.ts';
import { spanRowsOf } from './records.ts';

export function createMemoryStore(): Store {
  const files = new Map<number, StoredFile>();
  let rows: SpanRow[] = [];
  /** Record lines by file, in record order. */
  let lines = new Map<number, { seq: number; line: string }[]>();
  let runs = new Map<string, RunSummary>();
  /** Detector observations: one key's, by run (a cache: outside transactions). */
  let observed = { key: '', runs: new Map<string, Uint8Array>() };
  const touched = new Set<string>();
  let nextId = 1;

  const recompute = (ids: Iterable<string>) => {
    const want = new Set(ids);
    const groups = new Map<string, SpanRow[]>();
    for (const r of rows) {
      if (!want.has(r.traceId)) continue;
      let g = groups.get(r.traceId);
      if (!g) groups.set(r.traceId, (g = []));
      g.push(r);
    }
    for (const id of want) {
      const g = groups.get(id);
      const s = g ? summarize(id, g) : null;
      if (s) runs.set(id, s);
      else runs.delete(id);
    }
  };

  return {
    backend: 'memory',
    async files() {
      return [...files.values()].map((f) => ({ ...f }));
    },
    async putFile(file) {
      const fileId = file.fileId ?? nextId++;
      files.set(fileId, { ...file, fileId });
      return fileId;
    },
    async dropSpans(fileId) {
      lines.delete(fileId);
      rows = rows.filter((r) => {
        if (r.fileId !== fileId) return true;
        touched.add(r.traceId);
        return false;
      });
    },
    async append(fileId, batch) {
      let list = lines.get(fileId);
      if (!list) lines.set(fileId, (list = []));
      batch.lines.forEach((l, i) => {
        list.push({ seq: batch.firstSeq + i, line: l.tail === undefined ? l.line : l.line + Buffer.from(l.tail.buffer, l.tail.byteOffset, l.tail.byteLength).toString('utf8') });
      });
      for (const r of spanRowsOf(fileId, batch)) {
        rows.push(r);
        touched.add(r.traceId);
      }
    },
    async finalize() {
      recompute(touched);
      touched.clear();
    },
    async summaries(fileIds) {
      if (fileIds === undefined) return [...runs.values()];
      const keep = new Set(fileIds);
      const groups = new Map<string, SpanRow[]>();
      for (const r of rows) {
        if (!keep.has(r.fileId)) continue;
        let g = groups.get(r.traceId);
        if (!g) groups.set(r.traceId, (g = []));
        g.push(r);
      }
      const out: RunSummary[] = [];
      for (const [id, g] of groups) {
        const s = summarize(id, g);
        if (s) out.push(s);
      }
      return out;
    },
    async records(fileIds, runs, onText, opts = {}) {
      const batchChars = opts.batchBytes ?? 8 * 1024 * 1024;
      const ids = runs === null ? null : new Set(runs.map((r) => r.traceId));
      for (const fileId of fileIds) {
        let keep: Set<number> | null = null;
        if (ids !== null) {
          keep = new Set();
          for (const r of rows) if (r.fileId === fileId && ids.has(r.traceId)) keep.add(r.seq);
        }
        let parts: string[] = [];
        let chars = 0;
        for (const rec of lines.get(fileId) ?? []) {
          if (keep !== null && !keep.has(rec.seq)) continue;
          parts.push(rec.line);
          chars += rec.line.length + 1;
          if (chars >= batchChars) {
            await onText(fileId, parts.join('\n') + '\n');
            parts = [];
            chars = 0;
          }
        }
        if (parts.length > 0) await onText(fileId, parts.join('\n') + '\n');
      }
    },
    async firstFiles(traceIds, fileIds) {
      const asked = new Set(traceIds);
      const rank = new Map(fileIds.map((id, i) => [id, i]));
      const out = new Map<string, number>();
      for (const r of rows) {
        if (!asked.has(r.traceId) || !rank.has(r.fileId)) continue;
        const cur = out.get(r.traceId);
        if (cur === undefined || rank.get(r.fileId)! < rank.get(cur)!) out.set(r.traceId, r.fileId);
      }
      return out;
    },
    async scan(fn) {
      for (const r of rows) fn(r);
    },
    async sql(): Promise<SqlResult> {
      throw new StoreError('sql() needs the DuckDB store (--store duckdb)');
    },
    async observations(key, traceIds) {
      const out = new Map<string, Uint8Array>();
      if (key !== observed.key) return out;
      for (const id of traceIds) {
        const data = observed.runs.get(id);
        if (data) out.set(id, data);
      }
      return out;
    },
    async putObservations(key, rows) {
      if (key !== observed.key) observed = { key, runs: new Map() };
      for (const [id, data] of rows) observed.runs.set(id, data);
    },
    async prune(before) {
      const gone = new Set([...runs.values()].filter((r) => r.startTime < before).map((r) => r.traceId));
      for (const id of gone) observed.runs.delete(id);
      const n = rows.length;
      rows = rows.filter((r) => !gone.has(r.traceId));
      for (const id of gone) runs.delete(id);
      const live = new Set(rows.map((r) => `${r.fileId}:${r.seq}`));
      for (const [fileId, list] of lines) lines.set(fileId, list.filter((l) => live.has(`${fileId}:${l.seq}`)));
      return { runs: gone.size, spans: n - rows.length };
    },
    async info(): Promise<StoreInfo> {
      const days = new Map<string, { runs: number; spans: number }>();
      for (const r of runs.values()) {
        const d = days.get(dayOf(r.startTime)) ?? { runs: 0, spans: 0 };
        d.runs++;
        d.spans += r.spans;
        days.set(dayOf(r.startTime), d);
      }
      return {
        backend: 'memory',
        location: '(memory)',
        files: [...files.values()],
        runs: runs.size,
        spans: rows.filter((r) => r.part === 'span').length,
        days: [...days].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, d]) => ({ day, ...d })),
        sizeBytes: 0,
      };
    },
    async transaction(fn) {
      // Snapshot and restore: a failed file leaves nothing behind, like a rolled-back transaction.
      const saved = { files: new Map(files), rows: rows.slice(), lines: new Map([...lines].map(([k, v]) => [k, v.slice()])), runs: new Map(runs), touched: new Set(touched), nextId };
      try {
        return await fn();
      } catch (err) {
        files.clear();
        for (const [k, v] of saved.files) files.set(k, v);
        rows = saved.rows;
        lines = saved.lines;
        runs = saved.runs;
        touched.clear();
        for (const t of saved.touched) touched.add(t);
        nextId = saved.nextId;
        throw err;
      }
    },
    async close() {
      rows = [];
      lines.clear();
      runs.clear();
    },
  };
}
