// Reads a window back out of the store as the memory path would have built
// it: the same records, in the same order, go to the same assembler (see
// records.ts), so findings do not depend on how the data reached the store.
// Only the window's runs are fetched (their start times come from the
// finalized summaries), and they leave as text batches of stored JSON that
// this process never parses.
import type { IngestOptions, IngestResult, IngestStats, WindowSpec } from '../ingest/api.ts';
import { DEFAULT_KEEP_BAD, type StoredInput } from '../ingest/ingestor.ts';
import { findTimeOutliers } from '../ingest/time-outliers.ts';
import { inWindow, resolveWindow } from '../ingest/window.ts';
import type { FileIngestStats, RunSummary, SpanRow, Store } from './api.ts';
import { compareRuns } from './order.ts';
import { emptyRepairs, mergeFileStats } from './stats.ts';
import { StoredAssembler } from './records.ts';
import type { SyncResult } from './sync.ts';

/** Characters per text batch handed on (a run is never split). */
const BATCH_CHARS = 8 * 1024 * 1024;

export interface ReadWindowOptions {
  keepBad?: number;
  batchChars?: number;
}

/**
 * Streams the window's records to `onText` as batches of lines (see
 * StoredAssembler) in the memory path's order, and returns the stats the
 * memory path would have reported, but for what only assembly knows.
 */
export async function readWindow(
  store: Store,
  synced: SyncResult,
  spec: WindowSpec,
  now: number,
  onText: (text: string) => Promise<void> | void,
  opts: ReadWindowOptions = {},
): Promise<StoredInput> {
  const keepBad = opts.keepBad ?? DEFAULT_KEEP_BAD;
  const batchChars = opts.batchChars ?? BATCH_CHARS;
  const ranks = new Map<number, number>();
  const names = new Map<number, string>();
  synced.files.forEach((f, i) => {
    if (f.fileId === null) return;
    ranks.set(f.fileId, i);
    names.set(f.fileId, f.name);
  });
  const runs = await store.summaries([...ranks.keys()]);
  // Runs without a clock (placeholder times) are in every window, as in the
  // memory path, and neither anchor `--until latest` nor count as outliers.
  const dated = runs.filter((r) => !r.undated);
  const outliers = findTimeOutliers(dated);
  let latest: number | null = null;
  for (const r of dated) if (!outliers.has(r) && (latest === null || r.startTime > latest)) latest = r.startTime;
  const window = resolveWindow(spec, { now, latest });
  const open = window.start === null && window.end === null;
  const wanted = (open ? runs : runs.filter((r) => r.undated || inWindow(r.startTime, window))).sort(compareRuns);

  const quoted = new Map([...names].map(([id, name]) => [id, JSON.stringify(name)]));
  const lines = new RecordLines(quoted);
  let parts: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (parts.length === 0) return;
    const text = parts.join('\n');
    parts = [];
    chars = 0;
    await onText(text);
  };
  const take = (line: string) => {
    parts.push(line);
    chars += line.length + 1;
  };
  await store.fetch(wanted, ranks, async (rows) => {
    for (const r of rows) lines.push(r, take);
    if (chars >= batchChars) await flush();
  });
  lines.end(take);
  await flush();

  let merged: FileIngestStats | null = null;
  const files: IngestStats['files'] = [];
  const stored = new Map((await store.files()).map((f) => [f.fileId, f.stats]));
  for (const f of synced.files) {
    const st = f.stats ?? stored.get(f.fileId!)!;
    files.push({ ...st.file, file: f.name });
    merged = merged === null ? st : mergeFileStats(merged, st, keepBad);
  }
  return {
    files,
    records: merged?.records ?? 0,
    badRecords: merged?.badRecords ?? 0,
    badExamples: merged?.badExamples.slice(0, keepBad) ?? [],
    badReasons: merged?.badReasons ?? [],
    repairs: merged?.repairs ?? emptyRepairs(),
    latest,
    outliers: await outlierExamples(store, [...outliers], ranks, names),
    outlierCount: outliers.size,
    outsideWindow: runs.length - wanted.length,
  };
}

/** The window's traces and stats in this process (tests, benchmarks). */
export async function loadWindow(store: Store, synced: SyncResult, spec: WindowSpec, now: number, opts: ReadWindowOptions & IngestOptions = {}): Promise<IngestResult> {
  const assembler = new StoredAssembler(opts);
  const stored = await readWindow(store, synced, spec, now, (text) => assembler.push(text), opts);
  return assembler.finish(spec, now, stored);
}

/** The five newest outliers with the file each came from (only they are fetched). */
async function outlierExamples(store: Store, outliers: RunSummary[], ranks: Map<number, number>, names: Map<number, string>) {
  const newest = outliers.sort((x, y) => y.startTime - x.startTime).slice(0, 5);
  const fileOf = new Map<string, string>();
  await store.fetch(newest, ranks, (rows) => {
    for (const r of rows) if (!fileOf.has(r.traceId)) fileOf.set(r.traceId, names.get(r.fileId) ?? '');
  });
  return newest.map((r) => ({ traceId: r.traceId, startTime: r.startTime, file: fileOf.get(r.traceId) ?? '' }));
}

/** Rows back into record lines (one per file and record number), spans as stored, never parsed here. */
class RecordLines {
  private spans: string[] = [];
  private hints: string[] = [];
  private fileId = -1;
  private seq = -1;
  private head = '';

  constructor(private readonly names: Map<number, string>) {}

  push(r: SpanRow, emit: (line: string) => void): void {
    if (r.fileId !== this.fileId || r.seq !== this.seq) {
      this.end(emit);
      this.fileId = r.fileId;
      this.seq = r.seq;
      this.head = `{"file":${this.names.get(r.fileId)},"format":"${r.format}","at":{"line":${r.line},"unit":"${r.unit}"},${r.whole ? '"wholeTrace":true,' : ''}`;
    }
    if (r.part === 'span') this.spans.push(r.data);
    else this.hints.push(`{"traceId":${JSON.stringify(r.traceId)},"hints":${r.data}}`);
  }

  end(emit: (line: string) => void): void {
    if (this.fileId === -1) return;
    emit(`${this.head}"spans":[${this.spans.join(',')}]${this.hints.length ? `,"traceHints":[${this.hints.join(',')}]` : ''}}`);
    this.spans = [];
    this.hints = [];
    this.fileId = -1;
  }
}
