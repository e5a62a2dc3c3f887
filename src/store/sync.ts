// Brings the store up to date with the input files: new files are read whole,
// files that grew at the end are read from where the last run stopped, files
// already read are skipped, changed files are read again. Each file lands in
// one transaction, so a run that dies leaves every file either read or not.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createIngestor, IngestError } from '../ingest/ingestor.ts';
import { readAppended, readInputs, resolveInputs, type InputFile, type ReadProgress } from '../ingest/reader.ts';
import type { IngestOptions, IngestStats, LineBatch } from '../ingest/api.ts';
import { ENGINE_VERSION } from '../version.ts';
import { forEachLine } from '../ingest/lines.ts';
import type { FileIngestStats, NormalizedLine, Store, StoredFile, StoredRecord } from './api.ts';
import { rawHeader, recordLine, rowsOf } from './records.ts';
import { endsWithNewline, headHash, isGzipFile, planRead, tailHash } from './fingerprint.ts';
import { emptyRepairs, fileStatsOf, mergeFileStats } from './stats.ts';
import { StoreError } from './errors.ts';
import { DEFAULT_KEEP_BAD } from '../ingest/ingestor.ts';

/** Records per append call: bounds what one file's ingest holds at a time. */
const APPEND_RECORDS = 2048;

export interface SyncOptions extends IngestOptions {
  onProgress?: (p: ReadProgress) => void;
  /**
   * What turns a file's batches into stored records: by default an ingestor
   * in this process. A first run in the sandbox hands the batches to the
   * isolate instead, which normalizes them once, for the store and for its
   * own window (the records it hands back are committed with their file; a
   * failed commit fails the sync).
   */
  normalizer?: (file: string, keepBad: number) => FileNormalizer;
  /** Clock for `ingestedAt` (default Date.now()). */
  now?: number;
}

/** Normalizes one file's batches, in order (a push may be in flight while the last one's records are appended). */
export interface FileNormalizer {
  push(batch: LineBatch): NormalizedLine[] | Promise<NormalizedLine[]>;
  /** After the last batch: the file's ingest stats, and the records only the end of the file makes (a JSON array of bare chat messages). */
  finish(): { stats: IngestStats; records: NormalizedLine[] } | Promise<{ stats: IngestStats; records: NormalizedLine[] }>;
}

/** The default normalizer: an ingestor in this process whose records become lines and index rows. */
export function localNormalizer(opts: IngestOptions, keepBad: number): FileNormalizer {
  let out: NormalizedLine[] = [];
  const ingestor = createIngestor({ ...opts, keepBad }, (rec, _file, at, text) => {
    out.push({ line: text === undefined ? recordLine(rec, at) : rawHeader(at) + text, rows: rowsOf(rec, 0, 0, at) });
  }, { transient: true });
  const take = () => {
    const r = out;
    out = [];
    return r;
  };
  return {
    push(batch) {
      ingestor.pushBatch(batch);
      return take();
    },
    finish() {
      const stats = ingestor.finish({}, 0).stats;
      return { stats, records: take() };
    },
  };
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

/** Reads batches through a normalizer whose records go to the store as lines and index rows. */
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
  const normalizer = opts.normalizer?.(file.name, keepBad) ?? localNormalizer(opts, keepBad);
  const append = async (made: NormalizedLine[], batch?: LineBatch) => {
    const records: StoredRecord[] = new Array(made.length);
    let lines: string[] | null = null;
    for (let i = 0; i < made.length; i++) {
      const s = seq++;
      const m = made[i]!;
      for (const r of m.rows) {
        r.fileId = fileId;
        r.seq = s;
      }
      let line = m.line;
      if (m.source !== undefined) {
        if (lines === null) {
          const split: string[] = (lines = []);
          forEachLine(batch!.text, 1, (l) => split.push(l));
        }
        line += lines[m.source - batch!.firstLine]!;
      }
      records[i] = { seq: s, line, rows: m.rows };
    }
    for (let i = 0; i < records.length; i += APPEND_RECORDS) await store.append(fileId, records.slice(i, i + APPEND_RECORDS));
  };
  let nextLine = 1;
  let linesOnly = true;
  // The next batch is normalized while the last one's records are appended.
  let pending: { batch: LineBatch; made: Promise<NormalizedLine[]> } | null = null;
  try {
    for await (const raw of batches) {
      const batch = raw.file === file.name ? raw : { ...raw, file: file.name };
      if (batch.unit === 'element') linesOnly = false;
      nextLine = Math.max(nextLine, batch.firstLine + lineCount(batch));
      const made: Promise<NormalizedLine[]> = Promise.resolve().then(() => normalizer.push(batch));
      // Reported when awaited below; meanwhile it must not count as unhandled.
      made.catch(() => {});
      if (pending) await append(await pending.made, pending.batch);
      pending = { batch, made };
    }
    if (pending) await append(await pending.made, pending.batch);
    pending = null;
  } finally {
    // A failed read or append leaves no push running against a file whose transaction is rolled back.
    if (pending) await pending.made.catch(() => {});
  }
  const end = await normalizer.finish();
  await append(end.records);
  return { stats: fileStatsOf(end.stats, file.name, keepBad), nextLine, records: seq, linesOnly };
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
