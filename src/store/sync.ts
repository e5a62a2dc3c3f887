// Brings the store up to date with the input files: new files are read whole,
// files that grew at the end are read from where the last run stopped, files
// already read are skipped, changed files are read again. Each file lands in
// one transaction, so a run that dies leaves every file either read or not.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createIngestor, IngestError } from '../ingest/ingestor.ts';
import { readAppended, readInputs, resolveInputs, sourceBytes, type InputFile, type ReadProgress } from '../ingest/reader.ts';
import type { IngestOptions, IngestStats, LineBatch } from '../ingest/api.ts';
import { ENGINE_VERSION } from '../version.ts';
import { forEachLine } from '../ingest/lines.ts';
import type { FileIngestStats, NormalizedBatch, Store, StoredFile } from './api.ts';
import { BatchBuilder, rawHeader, recordLine } from './records.ts';
import { endsWithNewline, headHash, isGzipFile, planRead, tailHash } from './fingerprint.ts';
import { emptyRepairs, fileStatsOf, mergeFileStats } from './stats.ts';
import { StoreError } from './errors.ts';
import { DEFAULT_KEEP_BAD } from '../ingest/ingestor.ts';

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
  push(batch: LineBatch): NormalizedBatch | Promise<NormalizedBatch>;
  /** After the last batch: the file's ingest stats, and the records only the end of the file makes (a JSON array of bare chat messages). */
  finish(): { stats: IngestStats; records: NormalizedBatch } | Promise<{ stats: IngestStats; records: NormalizedBatch }>;
}

/** The default normalizer: an ingestor in this process whose records become lines and index rows. */
export function localNormalizer(opts: IngestOptions, keepBad: number): FileNormalizer {
  const out = new BatchBuilder();
  const ingestor = createIngestor({ ...opts, keepBad }, (rec, _file, at, text) => {
    // A record read from a line: its header, the line's own bytes are added from the batch (see ingestInto).
    if (text === undefined) out.add(rec, at, recordLine(rec, at));
    else out.add(rec, at, rawHeader(at), at.line);
  }, { transient: true });
  const take = () => out.take();
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
        const r = await ingestInto(store, prev!.fileId, file, readAppended(file, plan.from, prev!.lines + 1, { keepBytes: true, ...(progress ? { onProgress: (p: ReadProgress) => progress(p) } : {}) }), prev!.records, keepBad, opts);
        stats = mergeFileStats(prev!.stats, r.stats, keepBad);
        lines = r.nextLine - 1 >= prev!.lines ? r.nextLine - 1 : prev!.lines;
        records = r.records;
        appendable = r.linesOnly && endsWithNewline(path, size);
      } else {
        if (prev) await store.dropSpans(prev.fileId);
        fileId ??= await store.putFile(placeholder(path, key));
        const r = await ingestInto(store, fileId, file, readInputs([file.path!], { keepBytes: true, ...(progress ? { onProgress: progress } : {}) }), 0, keepBad, opts);
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
  const append = async (made: NormalizedBatch, batch?: LineBatch, bytes?: Buffer) => {
    const n = made.lines.length;
    const lines: { line: string; tail?: Uint8Array }[] = new Array(n);
    let texts: string[] | null = null;
    let starts: number[] | null = null;
    for (let i = 0; i < n; i++) {
      const source = made.source[i]!;
      if (source < 0) {
        lines[i] = { line: made.lines[i]! };
      } else if (bytes !== undefined) {
        // The line's own bytes: its text would only be encoded back to them.
        starts ??= lineStarts(bytes);
        const k = source - batch!.firstLine;
        let end = k + 1 < starts.length ? starts[k + 1]! - 1 : bytes[bytes.length - 1] === NL ? bytes.length - 1 : bytes.length;
        if (end > starts[k]! && bytes[end - 1] === CR) end--;
        lines[i] = { line: made.lines[i]!, tail: bytes.subarray(starts[k]!, end) };
      } else {
        if (texts === null) {
          const split: string[] = (texts = []);
          forEachLine(batch!.text, 1, (l) => split.push(l));
        }
        lines[i] = { line: made.lines[i]! + texts[source - batch!.firstLine]! };
      }
    }
    const firstSeq = seq;
    seq += n;
    await store.append(fileId, { ...made, firstSeq, lines });
  };
  let nextLine = 1;
  let linesOnly = true;
  // The next batch is normalized while the last one's records are appended.
  let pending: { batch: LineBatch; bytes: Buffer | undefined; made: Promise<NormalizedBatch> } | null = null;
  try {
    for await (const raw of batches) {
      const batch = raw.file === file.name ? raw : { ...raw, file: file.name };
      if (batch.unit === 'element') linesOnly = false;
      nextLine = Math.max(nextLine, batch.firstLine + lineCount(batch));
      const made: Promise<NormalizedBatch> = Promise.resolve().then(() => normalizer.push(batch));
      // Reported when awaited below; meanwhile it must not count as unhandled.
      made.catch(() => {});
      if (pending) await append(await pending.made, pending.batch, pending.bytes);
      pending = { batch, bytes: sourceBytes(raw), made };
    }
    if (pending) await append(await pending.made, pending.batch, pending.bytes);
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

const CR = 0x0d;
const NL = 0x0a;

/** Where each line of a batch's bytes starts (the reader's lines: split at every newline byte). */
function lineStarts(bytes: Buffer): number[] {
  const out = [0];
  for (let i = bytes.indexOf(NL); i !== -1 && i + 1 < bytes.length; i = bytes.indexOf(NL, i + 1)) out.push(i + 1);
  return out;
}

/** Lines a batch covers: its newlines, plus an unterminated last line, at least one when it reports something. */
function lineCount(b: LineBatch): number {
  let n = 0;
  for (let i = b.text.indexOf('\n'); i !== -1; i = b.text.indexOf('\n', i + 1)) n++;
  if (b.text.length > 0 && !b.text.endsWith('\n')) n++;
  return Math.max(n, b.bad?.length ? 1 : 0);
}
