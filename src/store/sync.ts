// Brings the store up to date with the input files: new files are read whole,
// files that grew at the end are read from where the last run stopped, files
// already read are skipped, changed files are read again. Each file lands in
// one transaction, so a run that dies leaves every file either read or not.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createIngestor, IngestError } from '../ingest/ingestor.ts';
import { readAppended, readInputs, resolveInputs, type InputFile, type ReadProgress } from '../ingest/reader.ts';
import type { IngestOptions, LineBatch } from '../ingest/api.ts';
import type { NormalizedRecord } from '../types.ts';
import type { RecordSource } from '../ingest/identity.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { FileIngestStats, SpanRow, Store, StoredFile, StoredRecord } from './api.ts';
import { recordLine } from './records.ts';
import { endsWithNewline, headHash, isGzipFile, planRead, tailHash } from './fingerprint.ts';
import { emptyRepairs, fileStatsOf, mergeFileStats } from './stats.ts';
import { StoreError } from './errors.ts';
import { DEFAULT_KEEP_BAD } from '../ingest/ingestor.ts';

/** Records per append call: bounds what one file's ingest holds at a time. */
const APPEND_RECORDS = 2048;

export interface SyncOptions extends IngestOptions {
  onProgress?: (p: ReadProgress) => void;
  /**
   * Every record line as it is stored, with the name of its file in this run
   * (a first run hands them on to be assembled instead of reading them back).
   * Called before the record's file is committed (a failed commit fails the sync).
   */
  onRecord?: (file: string, line: string) => void;
  /** Awaited after each batch read from a file: lets onRecord's consumer keep up. */
  drain?: () => Promise<void>;
  /** Clock for `ingestedAt` (default Date.now()). */
  now?: number;
}

/** One input of this run, as the store knows it. */
export interface SyncedFile {
  /** Null for an input the store keeps nothing of (unreadable); `stats` then says why. */
  fileId: number | null;
  /** The name this run shows (as given, or as found under a directory). */
  name: string;
  path: string;
  action: 'read' | 'appended' | 'unchanged' | 'reread' | 'unreadable';
  /** Bytes read from disk for this file in this run. */
  bytesRead: number;
  stats?: FileIngestStats;
}

export interface SyncResult {
  /** Every input, in the order the memory path reads them. */
  files: SyncedFile[];
  bytesRead: number;
}

/** Stored spans depend on the normalizers (the engine version) and on the field mapping. */
export function ingestKey(opts: IngestOptions): string {
  return JSON.stringify({ v: ENGINE_VERSION, fields: opts.fields ?? null });
}

export async function syncInputs(store: Store, inputs: string[], opts: SyncOptions = {}): Promise<SyncResult> {
  const resolved = await resolveInputs(inputs);
  const stored = new Map((await store.files()).map((f) => [f.path, f]));
  const key = ingestKey(opts);
  const keepBad = Math.max(opts.keepBad ?? DEFAULT_KEEP_BAD, DEFAULT_KEEP_BAD);
  const bytesTotal = resolved.reduce((n, f) => n + f.size, 0);
  let bytesBefore = 0;
  const out: SyncResult = { files: [], bytesRead: 0 };
  const unreadable = async (file: InputFile, path: string) =>
    out.files.push({ fileId: null, name: file.name, path, action: 'unreadable', bytesRead: 0, stats: await statsOnly(file, keepBad, opts) });
  for (const file of resolved) {
    if (file.path === null) throw new StoreError('standard input cannot be kept in the store; use --store memory to read it');
    const path = resolve(file.path);
    if (file.skip !== undefined) {
      await unreadable(file, path);
      continue;
    }
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      // Gone between listing and reading: the reader reports it like any unreadable file.
      await unreadable(file, path);
      continue;
    }
    const prev = stored.get(path);
    const plan = planRead(prev, path, size, key);
    const onProgress = opts.onProgress;
    const progress = onProgress ? (p: ReadProgress) => onProgress({ bytesRead: bytesBefore + p.bytesRead, bytesTotal, file: file.name }) : undefined;
    if (plan.kind === 'skip') {
      if (opts.strict && prev!.stats.badRecords > 0 && prev!.stats.badExamples[0]) throw new IngestError(prev!.stats.badExamples[0]);
      out.files.push({ fileId: prev!.fileId, name: file.name, path, action: 'unchanged', bytesRead: 0 });
      bytesBefore += file.size;
      continue;
    }
    const mtimeMs = statSync(path).mtimeMs;
    const fileId = await store.transaction(async () => {
      let fileId = prev?.fileId;
      let stats: FileIngestStats;
      let lines: number;
      let records: number;
      let appendable: boolean;
      if (plan.kind === 'append') {
        const r = await ingestInto(store, prev!.fileId, file, readAppended(file, plan.from, prev!.lines + 1, progress ? { onProgress: (p) => progress(p) } : {}), prev!.records, keepBad, opts);
        stats = mergeFileStats(prev!.stats, r.stats, keepBad);
        lines = r.nextLine - 1 >= prev!.lines ? r.nextLine - 1 : prev!.lines;
        records = r.records;
        appendable = r.linesOnly && endsWithNewline(path, size);
      } else {
        if (prev) await store.dropSpans(prev.fileId);
        fileId ??= await store.putFile(placeholder(path, key));
        const r = await ingestInto(store, fileId, file, readInputs([file.path!], progress ? { onProgress: progress } : {}), 0, keepBad, opts);
        stats = r.stats;
        lines = r.nextLine - 1;
        records = r.records;
        appendable = r.linesOnly && endsWithNewline(path, size) && !isGzipFile(path, size);
      }
      await store.putFile({
        fileId,
        path,
        size,
        mtimeMs,
        headHash: headHash(path, size),
        tailHash: tailHash(path, size),
        bytesRead: size,
        appendable,
        lines,
        records,
        ingestKey: key,
        stats,
        ingestedAt: opts.now ?? Date.now(),
      });
      return fileId!;
    });
    const read = plan.kind === 'append' ? size - plan.from : size;
    out.files.push({ fileId, name: file.name, path, action: plan.kind === 'append' ? 'appended' : prev ? 'reread' : 'read', bytesRead: read });
    out.bytesRead += read;
    bytesBefore += file.size;
  }
  await store.finalize();
  return out;
}

function placeholder(path: string, key: string): Omit<StoredFile, 'fileId'> {
  return {
    path, size: 0, mtimeMs: 0, headHash: '', tailHash: '', bytesRead: 0, appendable: false, lines: 0, records: 0, ingestKey: key,
    stats: { file: { file: path, bytes: 0, records: 0, bad: 0, formats: {} }, records: 0, badRecords: 0, badExamples: [], badReasons: [], repairs: emptyRepairs() },
    ingestedAt: 0,
  };
}

/** Reads batches through an ingestor whose records go to the store as lines and index rows. */
async function ingestInto(
  store: Store,
  fileId: number,
  file: InputFile,
  batches: AsyncIterable<LineBatch>,
  firstSeq: number,
  keepBad: number,
  opts: SyncOptions,
): Promise<{ stats: FileIngestStats; nextLine: number; records: number; linesOnly: boolean }> {
  let seq = firstSeq;
  let records: StoredRecord[] = [];
  const onRecord = opts.onRecord;
  const sink = (rec: NormalizedRecord, _file: string, at: RecordSource) => {
    const s = seq++;
    const line = recordLine(rec, at);
    records.push({ seq: s, line, rows: rowsOf(rec, fileId, s, at) });
    onRecord?.(file.name, line);
  };
  const ingestor = createIngestor({ ...opts, keepBad }, sink);
  let nextLine = 1;
  let linesOnly = true;
  for await (const raw of batches) {
    const batch = raw.file === file.name ? raw : { ...raw, file: file.name };
    if (batch.unit === 'element') linesOnly = false;
    ingestor.pushBatch(batch);
    nextLine = Math.max(nextLine, batch.firstLine + lineCount(batch));
    for (let i = 0; i < records.length; i += APPEND_RECORDS) await store.append(fileId, records.slice(i, i + APPEND_RECORDS));
    records = [];
    await opts.drain?.();
  }
  const stats = ingestor.finish({}, 0).stats;
  return { stats: fileStatsOf(stats, file.name, keepBad), nextLine, records: seq, linesOnly };
}

/** Reads a file no store row is kept for (unreadable): only its stats (the reader's warning) count. */
async function statsOnly(file: InputFile, keepBad: number, opts: IngestOptions): Promise<FileIngestStats> {
  const ingestor = createIngestor({ ...opts, keepBad }, () => {});
  for await (const b of readInputs([file.path!])) ingestor.pushBatch(b.file === file.name ? b : { ...b, file: file.name });
  return fileStatsOf(ingestor.finish({}, 0).stats, file.name, keepBad);
}

/** Lines a batch covers: its newlines, plus an unterminated last line, at least one when it reports something. */
function lineCount(b: LineBatch): number {
  let n = 0;
  for (let i = b.text.indexOf('\n'); i !== -1; i = b.text.indexOf('\n', i + 1)) n++;
  if (b.text.length > 0 && !b.text.endsWith('\n')) n++;
  return Math.max(n, b.bad?.length ? 1 : 0);
}

export function rowsOf(rec: NormalizedRecord, fileId: number, seq: number, at: RecordSource): SpanRow[] {
  const out: SpanRow[] = [];
  const where = { line: at.line, unit: at.unit ?? 'line', whole: rec.wholeTrace === true, synthetic: false } as const;
  rec.spans.forEach((s, idx) => {
    out.push({
      fileId, seq, idx, part: 'span', ...where, synthetic: s.attributes['halo.synthetic_time'] === true, traceId: s.traceId, spanId: s.spanId, parentId: s.parentId, name: s.name, kind: s.kind,
      startTime: s.startTime, endTime: s.endTime, status: s.status, model: s.model ?? null, toolName: s.tool?.name ?? null,
      format: rec.format,
    });
  });
  rec.traceHints?.forEach((th, idx) => {
    out.push({
      fileId, seq, idx, part: 'hints', ...where, traceId: th.traceId, spanId: null, parentId: null, name: null, kind: null,
      startTime: null, endTime: null, status: null, model: null, toolName: null, format: rec.format,
    });
  });
  return out;
}
