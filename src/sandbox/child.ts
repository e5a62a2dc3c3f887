// The sandbox child process (forked by the supervisor with --no-node-snapshot
// and a scrubbed environment). It owns one isolate, streams the trace files
// into it, runs cells, and relays host calls to the parent. It never holds
// the parsed dataset itself: batches of text go in, only capped results and
// small messages come out.
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import { deserialize, getHeapStatistics, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { distPath } from '../paths.ts';
import { readInputs, resolveInputs } from '../ingest/reader.ts';
import { transformCell } from '../../sandbox/cell-script.ts';
import { parseIsolateJson, toChild, type CellPayload, type FromChild, type ToChild } from './ipc.ts';
import type { BootConfig, KeptPredicateRun } from '../../sandbox/runtime.ts';
import { HaloError } from '../errors.ts';
import { createRepoCalls, type RepoCallHandler } from './repo-calls.ts';
import { runPurePredicate } from './pure-predicate.ts';
import { sizeYoungSpace } from './young-space.ts';
import { openStore, type StoreSpec } from '../store/open.ts';
import { syncInputs, type FileNormalizer, type SyncResult } from '../store/sync.ts';
import type { NormalizedBatch, RunLines, Store, StoredFile } from '../store/api.ts';
import type { IngestStats } from '../ingest/api.ts';
import { observationsKey } from '../store/observation-key.ts';
import { planWindow, type WindowPlan } from '../store/load.ts';
import { createSqlCalls, type SqlWindow } from '../store/sql-calls.ts';
import { planClickHouseWindow, type ClickHouseSpec } from '../store/clickhouse.ts';
import { hostCallDispatcher } from './rpc.ts';
import { AssembledRuns, assembledRoot, windowHash, type KeptDetection } from '../store/assembled.ts';
import { KeptLines, mergeRunLines } from '../store/kept-lines.ts';
import { ObservationSpill, type SpillRead } from '../store/observation-spill.ts';
import { APART } from '../../sandbox/detectors/apart.ts';
import { WindowPlaces } from './window-places.ts';

const MAX_CALL_CHARS = 32 * 1024 * 1024;
/** How often the watchdog thread looks for the parent. */
const PARENT_CHECK_MS = 500;

const post = (m: FromChild) => {
  process.send?.(m);
};

let isolate: ivm.Isolate | null = null;
let context: ivm.Context | null = null;
let refs: {
  pushBatch: ivm.Reference;
  finishLoad: ivm.Reference;
  pushStored: ivm.Reference;
  ingestBatch: ivm.Reference;
  finishFile: ivm.Reference;
  keepStored: ivm.Reference;
  resetStored: ivm.Reference;
  collect: ivm.Reference;
  streamRuns: ivm.Reference;
  finishStreamed: ivm.Reference;
  finishStored: ivm.Reference;
  observeStored: ivm.Reference;
  keptWindow: ivm.Reference;
  exportRuns: ivm.Reference;
  installLazy: ivm.Reference;
  pushSummaries: ivm.Reference;
  takePredicates: ivm.Reference;
  takeDetection: ivm.Reference;
  takeViews: ivm.Reference;
  loadTraces: ivm.Reference;
  runCell: ivm.Reference;
  poll: ivm.Reference;
  settle: ivm.Reference;
  evaluate: ivm.Reference;
  outputSoFar: ivm.Reference;
  engineTraces: ivm.Reference;
  recordPredicate: ivm.Reference;
} | null = null;
let memoryLimitMb = 0;
// The runtime bundle's source: it holds the detectors, so it is part of what kept observations are valid for.
let runtimeSource = '';
let repoCalls: RepoCallHandler = createRepoCalls(undefined);
// sql() is answered here too, from the store, over the window's runs (set once the window is read from the store).
let sqlWindow: SqlWindow | null = null;
let sqlCalls = hostCallDispatcher({ sql: createSqlCalls(undefined, () => sqlWindow) });
// A stored window installed without assembling it: its runs' spans (or their records' lines) are read from here when isolate code reads them.
let lazyWindow: { runs: AssembledRuns; ids: string[]; lines: KeptLines; fileIds: readonly number[] } | null = null;
// The stored window this run keeps (or installed from), for the detectors' predicate runs made over it later.
let keptWindow: { runs: AssembledRuns; hash: string } | null = null;
// A window assembled run by run: its runs' detector observations, per detector on disk, until the global steps read them.
let spill: ObservationSpill | null = null;
process.on('exit', () => spill?.close());

/**
 * readObservations(name, b, want) for the isolate: one detector's observations of the `b`th batch of a window
 * assembled run by run (ObservationSpill.read), and the serialized bytes decoded for them.
 */
function readObservations(name: unknown, b: unknown, want?: unknown): [number, unknown[]] {
  if (spill === null || typeof name !== 'string' || !Number.isInteger(b)) throw new Error('no such observations');
  const w = (want ?? {}) as SpillRead;
  // The global steps read every run's observations through here: what went to the isolate before is garbage.
  collectHereIfGrown();
  if (typeof w !== 'object' || (w.at !== undefined && !(Array.isArray(w.at) && w.at.every((i) => Number.isInteger(i) && i >= 0)))) throw new Error('no such observations');
  const values = spill.read(name, b as number, { ...(w.at ? { at: w.at } : {}), ...(w.apart === false ? { apart: false } : {}) });
  return [spill.decoded, values];
}

/**
 * readRun(i, n) for the isolate: the lazy window's runs at positions `i` to
 * `i + n - 1` as kept: per run, its stored size and its spans (null when kept
 * as its records' places), and the lines of the records of those kept as
 * places, by file name, for the isolate to assemble again (a record several
 * of them share is read once).
 */
function readRun(i: unknown, n: unknown = 1): [number[], unknown[], [string, string][]] {
  if (lazyWindow === null || !Number.isInteger(i) || !Number.isInteger(n) || (i as number) < 0 || (n as number) < 1 || (i as number) >= lazyWindow.ids.length) throw new Error('no such stored run');
  // Verification reads every run of a streamed window through here: what went to the isolate before is garbage.
  collectHereIfGrown();
  const ids = lazyWindow.ids.slice(i as number, (i as number) + (n as number));
  const sizes: number[] = [];
  const spans: unknown[] = [];
  const places: RunLines[] = [];
  for (const id of ids) {
    const r = lazyWindow.runs.spans(id);
    if (Array.isArray(r.spans)) {
      sizes.push(r.bytes);
      spans.push(r.spans);
      continue;
    }
    let bytes = 0;
    for (const [, , , lens] of r.spans.lines) for (const len of lens) bytes += len;
    sizes.push(bytes);
    spans.push(null);
    places.push(r.spans.lines);
  }
  return [sizes, spans, places.length > 0 ? lazyWindow.lines.read(mergeRunLines(places, lazyWindow.fileIds)) : []];
}

// The one cell in progress (cells run one at a time).
let cell: { id: number; timeoutMs: number; finish: (r: CellPayload, fatal?: boolean) => void } | null = null;

function fail(kind: NonNullable<CellPayload['error']>['kind'], message: string, line?: number): CellPayload {
  return { ok: false, output: '', outputLength: 0, truncated: false, error: { kind, message, ...(line ? { line } : {}) } };
}

/**
 * A cell stopped by its CPU time limit: what it printed before is often the
 * clue to what was slow, so it goes back with the timeout message.
 */
function failWithOutput(kind: NonNullable<CellPayload['error']>['kind'], message: string): CellPayload {
  const result = fail(kind, message);
  try {
    const printed = parseIsolateJson(refs!.outputSoFar.applySync(undefined, [], { timeout: 2000 }) as string) as Pick<CellPayload, 'output' | 'outputLength' | 'truncated'>;
    return { ...result, output: printed.output, outputLength: printed.outputLength, truncated: printed.truncated };
  } catch {
    return result;
  }
}

/** Classifies an error isolated-vm raised out of the isolate. */
function classify(err: unknown, timeoutMs: number): { kind: 'timeout' | 'memory' | 'crash' | 'runtime'; message: string; fatal: boolean } {
  const msg = String((err as Error)?.message ?? err);
  if (/timed out/i.test(msg)) {
    return { kind: 'timeout', message: `The cell ran past its ${timeoutMs / 1000}s time limit and was stopped (variables are kept). Work on a smaller slice or a cheaper loop.`, fatal: false };
  }
  if (/memory limit/i.test(msg)) {
    return { kind: 'memory', message: `The cell exceeded the sandbox memory limit of ${memoryLimitMb} MB; aggregate as you go instead of copying spans.`, fatal: true };
  }
  if (/disposed/i.test(msg) || isolate?.isDisposed) {
    return { kind: 'crash', message: `The sandbox isolate failed: ${msg}`, fatal: true };
  }
  return { kind: 'runtime', message: msg, fatal: false };
}

const canCompile = (src: string) => {
  try {
    isolate!.compileScriptSync(src).release();
    return true;
  } catch {
    return false;
  }
};

// Host calls leave in batches: every call the isolate made since the last
// turn of the event loop goes out in one message.
let outbox: { callId: number; name: string; args: string }[] = [];
function onSend(id: number, name: string, args: string): void {
  // repo.* is answered here, next to the files, never by the parent.
  if (name.startsWith('repo.')) {
    setImmediate(() => settle({ type: 'hostResults', results: [serveRepoCall(id, name, args)] }));
    return;
  }
  if (name === 'sql') {
    void serveSqlCall(id, args).then((r) => settle({ type: 'hostResults', results: [r] }));
    return;
  }
  outbox.push({ callId: id, name, args });
  if (outbox.length === 1) setImmediate(flushCalls);
}
function flushCalls(): void {
  const calls = outbox;
  outbox = [];
  if (calls.length) post({ type: 'hostCalls', calls });
}

function serveRepoCall(callId: number, name: string, args: string): { callId: number; ok: boolean; payload: string } {
  try {
    const parsed = parseIsolateJson(args);
    const value = repoCalls(name, Array.isArray(parsed) ? parsed : []);
    return { callId, ok: true, payload: value === undefined ? '' : JSON.stringify(value) };
  } catch (err) {
    return { callId, ok: false, payload: String((err as Error)?.message ?? err) };
  }
}

async function serveSqlCall(callId: number, args: string): Promise<{ callId: number; ok: boolean; payload: string }> {
  try {
    const parsed = parseIsolateJson(args);
    const value = await sqlCalls('sql', Array.isArray(parsed) ? parsed : []);
    return { callId, ok: true, payload: JSON.stringify(value) };
  } catch (err) {
    return { callId, ok: false, payload: String((err as Error)?.message ?? err) };
  }
}

async function isolateAlive(): Promise<boolean> {
  if (!isolate || isolate.isDisposed) return false;
  try {
    await context!.eval('0', { timeout: 1000 });
    return true;
  } catch (err) {
    return !/disposed/i.test(String((err as Error)?.message));
  }
}

const STALLED = 'The cell awaited a promise that can never settle (no host call is pending), so it was stopped. Sandbox code has no timers or I/O.';

/**
 * After each entry into the isolate: collect the cell's result if it finished,
 * or stop it if it waits on nothing that can ever settle.
 */
function pollCell(): void {
  const current = cell;
  if (!current) return;
  let state: string;
  try {
    state = refs!.poll.applySync(undefined, [current.id], { timeout: 5000 }) as string;
  } catch (err) {
    const c = classify(err, current.timeoutMs);
    current.finish(c.kind === 'timeout' && !c.fatal ? failWithOutput(c.kind, c.message) : fail(c.kind, c.message), c.fatal);
    return;
  }
  if (state === 'pending') return;
  if (state === 'stalled') {
    current.finish(fail('runtime', STALLED));
    return;
  }
  let result: CellPayload;
  try {
    result = parseIsolateJson(state) as CellPayload;
  } catch {
    result = fail('output', 'The cell result could not be read.');
  }
  current.finish(result);
}

async function load(msg: Extract<ToChild, { type: 'load' }>): Promise<void> {
  const t0 = performance.now();
  memoryLimitMb = msg.memoryLimitMb;
  sizeYoungSpace(msg.memoryLimitMb);
  isolate = new ivm.Isolate({
    memoryLimit: msg.memoryLimitMb,
    onCatastrophicError: (m: string) => {
      process.stderr.write(`halo sandbox: catastrophic isolate error: ${m}\n`);
      process.abort();
    },
  });
  context = await isolate.createContext();
  runtimeSource = readFileSync(distPath('sandbox-runtime.js'), 'utf8');
  const runtime = await isolate.compileScript(runtimeSource, { filename: 'halo-runtime.js' });
  await runtime.run(context);
  const boot = (await context.global.get('__haloBoot', { reference: true })) as ivm.Reference;
  repoCalls = createRepoCalls(msg.repo);
  sqlCalls = hostCallDispatcher({ sql: createSqlCalls(msg.store, () => sqlWindow) });
  const config: BootConfig = { ingest: { strict: msg.strict, keepBad: msg.keepBad, ...(msg.fields ? { fields: msg.fields } : {}), ...(msg.outcomes ? { outcomes: msg.outcomes } : {}) }, maxCallChars: MAX_CALL_CHARS };
  const handle = (await boot.apply(undefined, [new ivm.Callback(onSend, { ignored: true }), new ivm.ExternalCopy(config).copyInto(), new ivm.Callback(readRun), new ivm.Callback(readObservations)], {
    result: { reference: true },
  })) as ivm.Reference;
  boot.release();
  const get = (name: string) => handle.get(name, { reference: true }) as Promise<ivm.Reference>;
  refs = {
    pushBatch: await get('pushBatch'),
    finishLoad: await get('finishLoad'),
    pushStored: await get('pushStored'),
    ingestBatch: await get('ingestBatch'),
    finishFile: await get('finishFile'),
    keepStored: await get('keepStored'),
    resetStored: await get('resetStored'),
    collect: await get('collect'),
    streamRuns: await get('streamRuns'),
    finishStreamed: await get('finishStreamed'),
    finishStored: await get('finishStored'),
    observeStored: await get('observeStored'),
    keptWindow: await get('keptWindow'),
    exportRuns: await get('exportRuns'),
    installLazy: await get('installLazy'),
    pushSummaries: await get('pushSummaries'),
    takePredicates: await get('takePredicates'),
    takeDetection: await get('takeDetection'),
    takeViews: await get('takeViews'),
    loadTraces: await get('loadTraces'),
    runCell: await get('runCell'),
    poll: await get('poll'),
    settle: await get('settle'),
    evaluate: await get('evaluate'),
    outputSoFar: await get('outputSoFar'),
    engineTraces: await get('engineTraces'),
    recordPredicate: await get('recordPredicate'),
  };
  handle.release();

  let lastProgress = 0;
  const onProgress = (p: { bytesRead: number; bytesTotal: number; file: string }) => {
    const now = performance.now();
    if (now - lastProgress < 200 && p.bytesRead < p.bytesTotal) return;
    lastProgress = now;
    post({ type: 'progress', ...p });
  };
  let summary: string;
  let storeCounts: Extract<FromChild, { type: 'loaded' }>['store'];
  if (msg.store?.backend === 'clickhouse' && msg.traces === undefined) {
    summary = await loadFromClickHouse(msg, msg.store);
  } else if (msg.store !== undefined && msg.traces === undefined) {
    ({ summary, counts: storeCounts } = await loadFromStore(msg, msg.store, onProgress));
  } else if (msg.traces !== undefined) {
    // A subset another sandbox loaded: canonical traces, no files to read or parse.
    summary = (await refs!.loadTraces.apply(undefined, [msg.traces], { arguments: { copy: true }, result: { copy: true } })) as string;
  } else {
    // Parse batch k in the isolate while the reader fetches batch k+1.
    let inFlight: Promise<unknown> | null = null;
    for await (const batch of readInputs(msg.files, { onProgress })) {
      if (inFlight) await inFlight;
      inFlight = refs!.pushBatch.apply(undefined, [batch], { arguments: { copy: true } });
    }
    if (inFlight) await inFlight;
    summary = (await refs!.finishLoad.apply(undefined, [JSON.stringify(msg.window), msg.now], {
      result: { copy: true },
    })) as string;
  }
  const heap = await isolate.getHeapStatistics();
  post({
    type: 'loaded',
    summary,
    heapBytes: heap.used_heap_size + (heap.externally_allocated_size ?? 0),
    loadMs: performance.now() - t0,
    ...(storeCounts ? { store: storeCounts } : {}),
  });
}

/**
 * Brings the store up to date with the files (only new bytes are read), then
 * streams the window's stored records into the isolate, which assembles them.
 * Bytes read in this run are normalized in the isolate, which keeps their
 * records: when every input was read whole (a first run), that is the whole
 * input and nothing is read back; otherwise they are dropped and the window
 * is read from the store.
 */
async function loadFromStore(
  msg: Extract<ToChild, { type: 'load' }>,
  spec: StoreSpec,
  onProgress: (p: { bytesRead: number; bytesTotal: number; file: string }) => void,
): Promise<{ summary: string; counts: NonNullable<Extract<FromChild, { type: 'loaded' }>['store']> }> {
  const store = await openStore(spec);
  try {
    const ingest = { strict: msg.strict, keepBad: msg.keepBad, ...(msg.fields ? { fields: msg.fields } : {}) };
    // One batch in the isolate while the next is gathered.
    let inFlight: Promise<unknown> | null = null;
    const push = async (text: string, file: string) => {
      if (inFlight) await inFlight;
      inFlight = refs!.pushStored.apply(undefined, [text, file], { arguments: { copy: true } });
    };
    // Files read in this run are normalized in the isolate, once: it assembles
    // their records for this window and hands their lines and index rows back
    // to be stored. When every input was read whole (a first run), that is the
    // whole window and nothing is read back.
    // A large read assembles its window run by run from the store afterwards (streamWindow): the isolate keeps nothing of it now.
    const stream = spec.backend === 'duckdb' && store.recordRanges !== undefined && msg.outcomes === undefined && (await inputBytes(msg.files)) >= (spec.streamAbove ?? STREAM_ABOVE);
    const assemble = !stream;
    // Streamed, the isolate keeps nothing of a batch: all its heap grows by while ingesting is garbage (the end
    // of the 1.77 GB week's ingest held 456 MB of it, the tree's peak, before this collected it).
    const collectGarbage = stream ? garbageCollector() : async () => {};
    const synced = await syncInputs(store, msg.files, {
      ...ingest,
      onProgress,
      normalizer: (file, keepBad): FileNormalizer => ({
        push: async (batch) => {
          const made = (await refs!.ingestBatch.apply(undefined, [batch, keepBad, assemble], { arguments: { copy: true }, result: { copy: true } })) as NormalizedBatch;
          await collectGarbage();
          return made;
        },
        finish: () => refs!.finishFile.apply(undefined, [file, keepBad, assemble], { arguments: { copy: true }, result: { copy: true } }) as Promise<{ stats: IngestStats; records: NormalizedBatch }>,
      }),
    });
    const plan = await planWindow(store, synced, msg.window, msg.now, { ...(msg.keepBad !== undefined ? { keepBad: msg.keepBad } : {}) });
    sqlWindow = { ids: plan.keep };
    const whole = synced.files.every((f) => f.action === 'read' || f.action === 'reread' || f.action === 'unreadable');
    // Complete: the isolate assembled every run read (not only the window's), as the memory path does.
    const input = whole && !stream ? { ...plan.input, complete: true } : plan.input;
    // Only a store that outlives the run can give observations and assembled runs back; in memory they would be made for nothing.
    const key = store.backend === 'duckdb' && spec.backend === 'duckdb' ? observationsKey(runtimeSource, { strict: msg.strict, fields: msg.fields, outcomes: msg.outcomes }, await inputFiles(store, synced)) : null;
    let kept: AssembledRuns | null = null;
    let hash = '';
    let summary: string | null = null;
    let lazyObservations: [string, unknown][] | undefined;
    let detectionKept = false;
    if (key !== null && spec.backend === 'duckdb') {
      try {
        // Kept runs point into the files' line files: a file read again (a new one) starts a new generation.
        kept = AssembledRuns.open(assembledRoot(spec.path), windowHash([key, plan.fileIds.map((id) => store.recordSegment?.(id) ?? null)]));
        // What the store knew of the window, not how this run came by it (`complete`: a first run's own reading gives the same stats).
        hash = windowHash([msg.window, plan.window, plan.input, plan.keep, msg.keepBad ?? null]);
        const win = kept.window(hash);
        if (win && win.ids.every((id) => kept!.has(id))) {
          // This window was assembled before from the same files: publish its summaries, spans on demand.
          if (whole) await refs!.resetStored.apply(undefined, []);
          // In batches: this process never holds every run's summary at once.
          await pushKeptSummaries(kept, win.ids);
          lazyWindow = { runs: kept, ids: win.ids, lines: new KeptLines(store, plan.fileIds, synced), fileIds: plan.fileIds };
          summary = (await refs!.installLazy.apply(undefined, [win.loaded, win.overview, win.outcomes, win.predicates ?? [], win.detection ?? null, win.views ?? null], { arguments: { copy: true }, result: { copy: true } })) as string;
          keptWindow = { runs: kept, hash };
          // With the detectors' findings kept, their global steps do not run again: no observations are needed.
          detectionKept = win.detection !== undefined;
          if (!detectionKept) lazyObservations = kept.observations(hash) ?? undefined;
        }
      } catch (err) {
        lazyWindow = null;
        process.stderr.write(`halo: assembled runs kept in the store were not read (${String((err as Error)?.message ?? err).split('\n')[0]})\n`);
      }
    }
    let streamed = false;
    if (summary === null && stream && kept !== null && key !== null) {
      try {
        summary = await streamWindow(store, plan, synced, msg, key, kept, hash, assembledRoot(spec.path));
        streamed = summary !== null;
      } catch (err) {
        // Nothing is published until the end: the window is assembled whole instead.
        lazyWindow?.lines.close();
        lazyWindow = null;
        spill?.close();
        spill = null;
        summary = null;
        process.stderr.write(`halo: the window was not assembled run by run (${String((err as Error)?.message ?? err).split('\n')[0]})\n`);
      }
    }
    if (summary === null) {
      // A streaming read left nothing in the isolate: the window is read back whole.
      if (!whole || stream) {
        await refs!.resetStored.apply(undefined, []);
        await refs!.keepStored.apply(undefined, [JSON.stringify(plan.keep)], { arguments: { copy: true } });
        await plan.read(push);
        if (inFlight) await inFlight;
      }
      summary = (await refs!.finishStored.apply(undefined, [JSON.stringify(msg.window), msg.now, JSON.stringify(input)], { result: { copy: true } })) as string;
      if (kept !== null) {
        try {
          await keepAssembled(kept, hash, summary, store, plan.fileIds);
          keptWindow = { runs: kept, hash };
        } catch (err) {
          // Kept runs are a cache: without them the next run assembles its window again.
          process.stderr.write(`halo: assembled runs were not kept in the store (${String((err as Error)?.message ?? err).split('\n')[0]})\n`);
          kept.close();
        }
      }
    }
    const counts = { read: 0, appended: 0, unchanged: 0, reread: 0, bytesRead: synced.bytesRead, observed: 0, reused: 0, lazy: lazyWindow !== null, streamed };
    for (const f of synced.files) if (f.action !== 'unreadable') counts[f.action === 'read' ? 'read' : f.action]++;
    if (detectionKept) {
      // Every run's kept observations stand behind the kept findings (they were made from them).
      counts.reused = plan.keep.length;
    } else if (streamed) {
      // Observed run by run as the window was assembled, and kept then.
      counts.observed = plan.keep.length;
    } else if (key !== null) {
      try {
        ({ observed: counts.observed, reused: counts.reused } = await observeWindow(store, key, plan.keep, lazyObservations));
      } catch (err) {
        // Kept observations are a cache: without them the detectors observe every run when they run.
        process.stderr.write(`halo: detector observations were not kept in the store (${String((err as Error)?.message ?? err).split('\n')[0]})\n`);
      }
    }
    return { summary, counts };
  } finally {
    await store.close();
  }
}

/**
 * Input bytes at or above which a DuckDB store's window is assembled run by
 * run (streamWindow) instead of whole in the isolate. Whole, a window costs
 * 2-3x its JSON in memory; run by run, memory is bounded but a first run
 * normalizes each record two or three times (for the store, for the window,
 * for verification) and costs more CPU (bench/RESULTS.md, Store); below this
 * the whole window fits comfortably.
 */
const STREAM_ABOVE = 512 * 1024 * 1024;

/** Input bytes this run names (files, and files under directories). */
async function inputBytes(files: string[]): Promise<number> {
  let n = 0;
  for (const f of await resolveInputs(files)) n += f.size;
  return n;
}

/** Bytes of record lines per batch of runs handed to the isolate to assemble (streamWindow). */
const STREAM_BATCH_BYTES = 4 * 1024 * 1024;
const STREAM_BATCH_RUNS = 512;

/**
 * Assembles the window run by run from its records' stored lines, in window
 * order, so the isolate never holds every run's spans (DESIGN.md §10): each
 * run is folded into `meta` and the outcomes, observed by the detectors'
 * per-run steps and kept (its summary; its spans as where its records are),
 * then let go; the window is installed as a kept one is (installLazy), its
 * spans read again when touched. Each run is built from its own records, as
 * the whole window's assembly builds it, unless records claimed one id with
 * different content (identity conflicts) or a record holds spans of many runs
 * (each would normalize it again): then null, and the window is assembled whole.
 */
async function streamWindow(
  store: Store,
  plan: WindowPlan,
  synced: SyncResult,
  msg: Extract<ToChild, { type: 'load' }>,
  key: string,
  kept: AssembledRuns,
  hash: string,
  spillDir: string,
): Promise<string | null> {
  if (store.recordRanges === undefined || (await store.wholeClaims?.(plan.fileIds)) !== false) return null;
  // Window order: the assembler's (start time, then id).
  const runs = plan.runs.slice().sort((a, b) => a.startTime - b.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
  const order = runs.map((r) => r.traceId);
  // Held as columns in window order through the assembly, not as the store's Map of every run's arrays.
  const places = await placesInOrder(store, plan, order);
  if (places === null) return null;
  const rank = new Map(plan.fileIds.map((id, i) => [id, i]));
  // A run's first place in the input: where the whole window's assembly first met it (the order it notes repairs in).
  const firstPlace = (lines: RunLines) => rank.get(lines[0]![0])! * 2 ** 40 + lines[0]![2][0]!;
  const lines = new KeptLines(store, plan.fileIds, synced);
  lazyWindow = { runs: kept, ids: order, lines, fileIds: plan.fileIds };
  spill?.close();
  const held = (spill = new ObservationSpill(spillDir, APART));
  type Made = [string, Record<string, unknown>, unknown][];
  // The runs come back in window order, one entry a run (streamRuns).
  let keptAt = 0;
  const keep = async (made: Made) => {
    kept.append(
      made.map(([id, summary]) => {
        if (order[keptAt] !== id) throw new Error(`run ${id} assembled where ${order[keptAt]} was next`);
        return [id, summary, { lines: places.at(keptAt++) }] as const;
      }),
    );
    await store.putObservations(key, made.map(([id, , o]) => [id, serialize(o)] as const));
    // One batch a call of streamRuns, in window order, as the isolate counts them.
    held.append(made.map(([, , o]) => o as { obs: Record<string, unknown> }));
  };
  // The isolate assembles one batch while the next is read and the last is kept.
  let inFlight: Promise<Made> | null = null;
  let batch: [string, number][] = [];
  let batchLines: RunLines[] = [];
  let bytes = 0;
  const send = async () => {
    const next = refs!.streamRuns.apply(undefined, [batch, lines.read(mergeRunLines(batchLines, plan.fileIds))], { arguments: { copy: true }, result: { copy: true } }) as Promise<Made>;
    next.catch(() => {});
    batch = [];
    batchLines = [];
    bytes = 0;
    if (inFlight) await keep(await inFlight);
    inFlight = next;
    await collectGarbage();
  };
  // What is kept grows slowly here, the garbage quickly: collected with the next batch in flight.
  const collectGarbage = garbageCollector();
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i]!;
    const at = places.at(i);
    for (const [, , , lens] of at) for (const n of lens) bytes += n;
    batch.push([r.traceId, firstPlace(at)]);
    batchLines.push(at);
    if (bytes >= STREAM_BATCH_BYTES || batch.length >= STREAM_BATCH_RUNS) await send();
  }
  if (batch.length > 0) await send();
  if (inFlight) await keep(await inFlight);
  const [loaded, overview, outcomes] = (await refs!.finishStreamed.apply(undefined, [JSON.stringify(msg.window), msg.now, JSON.stringify(plan.input)], {
    arguments: { copy: true },
    result: { copy: true },
  })) as [string, unknown, unknown];
  const ids = order;
  kept.putWindow(hash, { loaded, overview, outcomes, ids });
  // The runs' summaries back from where they were kept, in batches, as a kept window's are: the isolate did not hold
  // them while it assembled (each would be held there twice at the end, as assembled and as installed).
  await pushKeptSummaries(kept, ids);
  const summary = (await refs!.installLazy.apply(undefined, [loaded, overview, outcomes, [], null, null, true], { arguments: { copy: true }, result: { copy: true } })) as string;
  keptWindow = { runs: kept, hash };
  return summary;
}

/**
 * A full collection of the isolate's heap once it is twice what the last one
 * left (and 64 MB more), and of this process's once it is 64 MB more than
 * its last left. V8 lets a heap grow far past what it holds before
 * collecting it when its limit is large, and the isolate's is sized for a
 * whole window: where the isolate keeps little and makes garbage quickly (a
 * streamed ingest, the run by run assembly) the child collects it. This
 * process's own heap grew from about 120 to 320 MB through the 1.77 GB
 * week's assembly, and stays at 70-90 MB collected so: garbage (copies of
 * what went in and out of the isolate), made far more slowly than the
 * isolate's, so collecting it costs little.
 */
function garbageCollector(): () => Promise<void> {
  let left = 0;
  return async () => {
    collectHereIfGrown();
    const h = await isolate!.getHeapStatistics();
    if (h.used_heap_size < 2 * left + COLLECT_SLACK) return;
    await refs!.collect.apply(undefined, []);
    left = (await isolate!.getHeapStatistics()).used_heap_size;
  };
}

const COLLECT_SLACK = 64 * 1024 * 1024;
const collectHere = (globalThis as { gc?: () => void }).gc;
let leftHere = 0;

/** A full collection of this process's heap once it is COLLECT_SLACK more than the last one left (see garbageCollector). */
function collectHereIfGrown(): void {
  if (collectHere === undefined || getHeapStatistics().used_heap_size < leftHere + COLLECT_SLACK) return;
  collectHere();
  leftHere = getHeapStatistics().used_heap_size;
}

/** Where the records of each run in `order` (window order) are, or null when the store cannot say for every kept run. */
async function placesInOrder(store: Store, plan: WindowPlan, order: readonly string[]): Promise<WindowPlaces | null> {
  const found = await store.recordRanges!(plan.fileIds, new Set(plan.keep), MAX_SHARED_RECORD);
  if (found.size !== plan.keep.length) return null;
  return new WindowPlaces(found, order);
}

/** The store's state of this run's input files, in input order: what kept observations and runs are valid for. */
async function inputFiles(store: Store, synced: SyncResult): Promise<StoredFile[]> {
  const ids = new Set(synced.files.map((f) => f.fileId));
  const files = (await store.files()).filter((f) => ids.has(f.fileId));
  const order = new Map(synced.files.map((f, i) => [f.fileId, i]));
  files.sort((a, b) => order.get(a.fileId)! - order.get(b.fileId)!);
  return files;
}

/** Runs observed per batch at load (their observations are copied out of the isolate whole). */
const OBSERVE_BATCH = 1024;

/** Kept run summaries handed to the isolate per batch. */
const SUMMARY_BATCH = 2048;

/** Batches of summaries handed over between full collections of the isolate's heap. */
const SUMMARY_BATCHES_PER_GC = 32;

/**
 * The kept summaries of a window's runs, in window order, handed to the isolate
 * in batches (installLazy publishes them). Each batch copied in is garbage once
 * its runs are made, and V8, with the isolate's limit sized for a whole window,
 * would let it pile up: on a week of 425,000 runs the heap reached 0.86 GB used
 * for 0.51 GB kept (the child's RSS while installing 1.20 GB; 1.02 GB with these).
 */
async function pushKeptSummaries(kept: AssembledRuns, ids: readonly string[]): Promise<void> {
  for (let i = 0, b = 0; i < ids.length; i += SUMMARY_BATCH, b++) {
    if (b > 0 && b % SUMMARY_BATCHES_PER_GC === 0) await refs!.collect.apply(undefined, []);
    await refs!.pushSummaries.apply(undefined, [kept.summaries(ids.slice(i, i + SUMMARY_BATCH))], { arguments: { copy: true } });
  }
}

/**
 * Runs a record may hold spans of for its runs to be kept as its lines: each
 * such run, assembled again, normalizes the record again (a file that is one
 * record of many runs would be normalized once per run).
 */
const MAX_SHARED_RECORD = 4;

/** Runs of the window kept per batch (each batch is copied out of the isolate whole). */
const KEEP_BATCH = 256;

/**
 * Keeps the window the isolate just assembled (src/store/assembled.ts): the
 * runs not kept yet, then the window itself, so a later run over the same
 * files and window can install it without assembling.
 */
async function keepAssembled(kept: AssembledRuns, hash: string, loaded: string, store: Store, fileIds: readonly number[]): Promise<void> {
  const w = (await refs!.keptWindow.apply(undefined, [], { result: { copy: true } })) as { ids: string[]; overview: unknown; outcomes: unknown; alone: boolean } | null;
  if (w === null) return;
  const todo: number[] = [];
  for (let i = 0; i < w.ids.length; i++) if (!kept.has(w.ids[i]!)) todo.push(i);
  // A run's spans are kept as where its records' lines are, when assembly built every run from its own
  // records and few runs share them; otherwise as the spans.
  const places = w.alone && store.recordRanges !== undefined ? await store.recordRanges(fileIds, new Set(todo.map((i) => w.ids[i]!)), MAX_SHARED_RECORD) : new Map<string, RunLines>();
  const exportFrom = (i: number) => {
    const batch = todo.slice(i, i + KEEP_BATCH);
    const withSpans = batch.map((p) => !places.has(w.ids[p]!));
    const p = refs!.exportRuns.apply(undefined, [batch, withSpans], { arguments: { copy: true }, result: { copy: true } }) as Promise<[string, unknown, unknown[] | null][]>;
    // Awaited in turn below; one left behind by a failed write must not count as unhandled.
    p.catch(() => {});
    return p;
  };
  // The isolate copies the next batch out while this one is serialized and written here.
  let next = todo.length > 0 ? exportFrom(0) : null;
  for (let i = 0; i < todo.length; i += KEEP_BATCH) {
    const runs = await next!;
    next = i + KEEP_BATCH < todo.length ? exportFrom(i + KEEP_BATCH) : null;
    kept.append(runs.map(([id, summary, spans]) => [id, summary, spans ?? { lines: places.get(id)! }] as const));
  }
  kept.putWindow(hash, { loaded, overview: w.overview, outcomes: w.outcomes, ids: w.ids });
}

/**
 * The detectors' predicate runs the isolate made over the whole stored window
 * (verification), their findings with verification, and the other views of
 * every run (runMetrics, runIndex, systemPrompts), kept with the window: a
 * re-run over it gets the same answers without reading every run's spans again
 * or running the detectors.
 */
async function keepPredicates(w: { runs: AssembledRuns; hash: string }): Promise<void> {
  try {
    const made = (await refs!.takePredicates.apply(undefined, [], { result: { copy: true } })) as KeptPredicateRun[];
    const detection = (await refs!.takeDetection.apply(undefined, [], { result: { copy: true } })) as KeptDetection | null;
    const views = (await refs!.takeViews.apply(undefined, [], { result: { copy: true } })) as [string, string][];
    if (made.length === 0 && detection === null && views.length === 0) return;
    const win = w.runs.window(w.hash);
    if (win === null) return;
    const known = new Map((win.predicates ?? []).map((p) => [p[0], p]));
    for (const p of made) known.set(p[0], p);
    w.runs.putWindow(w.hash, {
      ...win,
      predicates: [...known.values()],
      ...(detection !== null ? { detection } : {}),
      ...(views.length > 0 ? { views: { ...win.views, ...Object.fromEntries(views) } } : {}),
    });
  } catch (err) {
    process.stderr.write(`halo: predicate runs were not kept in the store (${String((err as Error)?.message ?? err).split('\n')[0]})\n`);
  }
}

/**
 * The per-run detector steps at load: runs whose observations the store kept
 * under this key (same detectors, same files) are read back, the rest are
 * observed in the isolate, and those are kept for the next run. The analysis
 * then runs only the global steps over them.
 */
async function observeWindow(store: Store, key: string, keep: string[], windowKept?: [string, unknown][]): Promise<{ observed: number; reused: number }> {
  // A window installed from kept runs has its runs' observations in one piece beside it.
  const givenBytes = windowKept === undefined ? [...(await store.observations(key, keep))] : [];
  const given = windowKept ?? givenBytes.map(([id, data]): [string, unknown] => [id, deserialize(data)]);
  const all: (readonly [string, Uint8Array])[] = givenBytes;
  let observed = 0;
  // In batches: a first run observes every run, and the child holds one batch's observations at a time.
  for (let from = 0; ; from += OBSERVE_BATCH) {
    const [fresh, done] = (await refs!.observeStored.apply(undefined, [from === 0 ? given : [], from, OBSERVE_BATCH], { arguments: { copy: true }, result: { copy: true } })) as [[string, unknown][], boolean];
    const freshBytes = fresh.map(([id, o]) => [id, serialize(o)] as const);
    if ((windowKept === undefined && from === 0) || fresh.length > 0) await store.putObservations(key, freshBytes);
    for (const r of freshBytes) all.push(r);
    observed += fresh.length;
    if (done) break;
  }
  if (keptWindow !== null && windowKept === undefined) keptWindow.runs.putObservations(keptWindow.hash, all);
  return { observed, reused: given.length };
}

/**
 * Streams the window's rows of a ClickHouse `otel_traces` table into the
 * isolate, where the ingest that reads files reads them (their lines are the
 * table's rows as JSON). Which runs are in the window, the `--until latest`
 * anchor and the time outliers were decided on the server, over the whole table.
 */
async function loadFromClickHouse(msg: Extract<ToChild, { type: 'load' }>, spec: ClickHouseSpec): Promise<string> {
  const plan = await planClickHouseWindow(spec, msg.window, msg.now);
  sqlWindow = { bounds: plan.window };
  let inFlight: Promise<unknown> | null = null;
  let firstLine = 1;
  await plan.read(async (text) => {
    if (inFlight) await inFlight;
    const batch = { file: plan.name, firstLine, text, bytes: Buffer.byteLength(text) + 1 };
    firstLine += countLines(text);
    inFlight = refs!.pushBatch.apply(undefined, [batch], { arguments: { copy: true } });
  });
  if (inFlight) await inFlight;
  return (await refs!.finishLoad.apply(undefined, [JSON.stringify(msg.window), msg.now, JSON.stringify(plan.anchors)], { result: { copy: true } })) as string;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

async function runCell(msg: Extract<ToChild, { type: 'run' }>): Promise<void> {
  const started = cell;
  if (started) started.finish(fail('runtime', 'Another cell started before this one finished.'));
  if (isolate!.isDisposed) {
    // Lost after the previous cell (e.g. external memory over the limit): the parent restarts us and retries.
    post({ type: 'cellResult', id: msg.id, result: fail('crash', 'The sandbox isolate was lost.'), fatal: true, notRun: true });
    return;
  }
  let transformed = transformCell(msg.code, canCompile);
  let script: ivm.Script;
  try {
    script = await isolate!.compileScript(transformed.code, { filename: `cell-${msg.id}.js` });
  } catch {
    // Our rewrite must never turn valid code into an error: retry without it,
    // and if that fails too, report the engine's own syntax error.
    const plain = `(async () => {${msg.code}\n})`;
    try {
      script = await isolate!.compileScript(plain, { filename: `cell-${msg.id}.js` });
      transformed = { code: plain, declared: [], returnsValue: false };
    } catch (err) {
      const text = String((err as Error)?.message ?? err);
      if (isolate!.isDisposed || /isolate is disposed/i.test(text)) {
        post({ type: 'cellResult', id: msg.id, result: fail('crash', 'The sandbox isolate was lost.'), fatal: true, notRun: true });
        return;
      }
      const m = /\s*\[cell-\d+\.js:(\d+):\d+\]$/.exec(text);
      post({ type: 'cellResult', id: msg.id, result: fail('syntax', `SyntaxError: ${m ? text.slice(0, m.index) : text}`, m ? Number(m[1]) : undefined) });
      return;
    }
  }

  await new Promise<void>((resolve) => {
    let finished = false;
    cell = {
      id: msg.id,
      timeoutMs: msg.timeoutMs,
      finish(result, fatal) {
        if (finished) return;
        finished = true;
        cell = null;
        // An isolate disposed under us (memory limit, sometimes only noticed
        // on the next entry) cannot run another cell: probe before answering.
        void isolateAlive().then((alive) => {
          if (!alive) fatal = true;
          post({ type: 'cellResult', id: msg.id, result, ...(fatal ? { fatal } : {}) });
          resolve();
        });
      },
    };
    const current = cell;
    (async () => {
      const fn = (await script.run(context!, { reference: true, timeout: msg.timeoutMs })) as ivm.Reference;
      script.release();
      try {
        await refs!.runCell.apply(undefined, [fn.derefInto(), msg.id, msg.outputLimit, transformed.returnsValue], {
          arguments: { copy: true },
          timeout: msg.timeoutMs,
        });
      } finally {
        fn.release();
      }
      if (cell === current) pollCell();
    })().catch((err) => {
      const c = classify(err, msg.timeoutMs);
      current.finish(c.kind === 'timeout' && !c.fatal ? failWithOutput(c.kind, c.message) : fail(c.kind, c.message), c.fatal);
    });
  });
}

function settle(msg: Extract<ToChild, { type: 'hostResults' }>): void {
  const current = cell;
  const flat: (number | boolean | string)[] = [];
  for (const r of msg.results) flat.push(r.callId, r.ok, r.payload);
  try {
    // Sync: the isolate only ever calls back in "ignored" mode, so it never
    // waits on this thread, and a sync entry skips two thread hand-offs per call.
    refs!.settle.applySync(undefined, [flat], { arguments: { copy: true }, timeout: current?.timeoutMs });
  } catch (err) {
    const c = classify(err, current?.timeoutMs ?? 0);
    if (current && cell === current) current.finish(c.kind === 'timeout' && !c.fatal ? failWithOutput(c.kind, c.message) : fail(c.kind, c.message), c.fatal);
    else if (c.fatal) process.exit(70);
    return;
  }
  if (current && cell === current) pollCell();
}

async function evaluate(msg: Extract<ToChild, { type: 'eval' }>): Promise<void> {
  if (isolate!.isDisposed) {
    post({ type: 'evalResult', id: msg.id, ok: false, payload: 'The sandbox isolate was lost.', kind: 'crash', fatal: true, notRun: true });
    return;
  }
  try {
    if (msg.predicate !== undefined) {
      // Model predicates run in a context of their own, never beside the cells' globals.
      const view = (await refs!.engineTraces.apply(undefined, [], { result: { reference: true } })) as ivm.Reference;
      const json = await runPurePredicate(isolate!, view, msg.predicate, msg.timeoutMs).finally(() => view.release());
      await refs!.recordPredicate.apply(undefined, [msg.predicate, json], { timeout: msg.timeoutMs });
    }
    const script = await isolate!.compileScript(`(async () => (\n${msg.expression}\n))`, { filename: 'eval.js' });
    const fn = (await script.run(context!, { reference: true, timeout: msg.timeoutMs })) as ivm.Reference;
    script.release();
    const json = (await refs!.evaluate.apply(undefined, [fn.derefInto()], {
      result: { promise: true, copy: true },
      timeout: msg.timeoutMs,
    })) as string | undefined;
    fn.release();
    if (keptWindow !== null) await keepPredicates(keptWindow);
    post({ type: 'evalResult', id: msg.id, ok: true, ...(json === undefined ? {} : { payload: json }) });
  } catch (err) {
    const c = classify(err, msg.timeoutMs);
    post({ type: 'evalResult', id: msg.id, ok: false, payload: c.message, kind: c.kind, ...(c.fatal ? { fatal: true } : {}) });
  }
}

process.on('message', (raw) => {
  const parsed = toChild.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`halo sandbox: ignoring a malformed message: ${parsed.error.message}\n`);
    return;
  }
  const msg = parsed.data;
  switch (msg.type) {
    case 'load':
      load(msg).catch((err: unknown) => {
        let message = String((err as Error)?.message ?? err);
        if (/memory limit/i.test(message)) message = `the traces do not fit in the sandbox memory limit of ${memoryLimitMb} MB; raise it with --memory`;
        // A load that fails is the input's fault unless we know better.
        const kind = HaloError.isInstance(err) && err.kind !== 'provider' ? err.kind : 'input';
        post({ type: 'loadError', message, errorKind: kind });
      });
      break;
    case 'run':
      void runCell(msg);
      break;
    case 'eval':
      void evaluate(msg);
      break;
    case 'hostResults':
      settle(msg);
      break;
  }
});

// The parent owns this process: when it goes, so do we, at once. Not
// process.exit: that waits for a running isolate to give the thread back, so
// a busy cell kept a parentless child spinning until its own time limit.
const die = () => process.kill(process.pid, 'SIGKILL');
// The IPC channel closes when the parent exits or is killed.
process.on('disconnect', die);
if (!process.connected) die();
// The main thread can be inside the isolate for a whole cell (a synchronous
// entry), deaf to 'disconnect': a watchdog thread also checks that the parent
// is still ours (a child whose parent died is adopted, so its ppid changes).
// Node has no parent-death signal (prctl PR_SET_PDEATHSIG), so this is the
// portable equivalent; on Windows the ppid stays and 'disconnect' does the work.
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(process.pid, 'SIGKILL'); }, ${PARENT_CHECK_MS});`,
  { eval: true, workerData: { ppid: process.ppid } },
).unref();
