// Runs inside the isolate (bundled as one IIFE; no Node, no imports at run
// time). It installs `__haloBoot`, which the child calls once with the only
// host functions the isolate ever gets: `send`, a copying callback in
// "ignored" mode (the isolate never waits on the child's thread), and
// `readRun`, a synchronous copying callback that reads one stored run's spans
// or its records' lines (a lazily installed window's, by position: nothing
// else can be named). Boot keeps
// `send` in a closure, deletes itself, publishes the sandbox API on the global
// object and hands the child a private object (ingest, cells, host-call
// settlement) that isolate code cannot reach.
//
// A cell only makes progress while the child is inside the isolate (starting
// it, or settling host calls), so after each such entry the child polls the
// cell: finished (here is the result), waiting on host calls, or stalled.
import { createIngestor, describeTimeOutliers, isUndated, repairNotices, undatedNotice } from '../src/ingest/ingestor.ts';
import { buildOverview, overviewBuilder } from '../src/ingest/overview.ts';
import { PredicatePass, runPredicates, verifyFindings, type PredicateRun, type VerifyResult } from '../src/findings/verify.ts';
import { compilePredicate } from './compile-predicate.ts';
import { sampleIds } from '../src/findings/audit.ts';
import { buildReportData } from '../src/report/data.ts';
import type { IngestOptions, IngestResult, IngestStats, LineBatch, WindowSpec } from '../src/ingest/api.ts';
import type { AgentOutcomes } from '../src/findings/impact.ts';
import type { IngestRepairs } from '../src/ingest/api.ts';
import { BatchBuilder, rawHeader, recordLine, RunAssembler, StoredAssembler } from '../src/store/records.ts';
import { StringPool } from '../src/ingest/values.ts';
import type { NormalizedBatch } from '../src/store/api.ts';
import type { StoredInput, WindowAnchors } from '../src/ingest/ingestor.ts';
import type { Span, Trace } from '../src/types.ts';
import type { FindingInput } from '../src/findings/schema.ts';
import type { DatasetOverview } from '../src/ingest/overview.ts';
import type { ReportFindingInput } from '../src/report/data/types.ts';
import type { EngineCalls, HostCallName, HostCalls, SubsetMeta } from '../src/sandbox/rpc-types.ts';
import type { KeptDetection } from '../src/store/assembled.ts';
import { detect, detectEach, detectFromObservations, observeRun, steps, type RunObservations } from './detectors/index.ts';
import { summaryOf, type RunPasses } from './detectors/two-step.ts';
import { runOutcomes } from './detectors/outcomes.ts';
import { runMetrics } from './run-metrics.ts';
import { diagnoseItem } from './diagnose.ts';
import { lockdown } from './lockdown.ts';
import { systemPrompts } from './system-prompts.ts';
import { renderRuns, runIndex, runInputs } from './run-cases.ts';
import { repoApi } from './repo-api.ts';
import { capText, formatValue, render, thousands, toPlain } from './render.ts';

/** `send(id, name, argsJson)`: one host call. */
type Send = (id: number, name: string, args: string) => void;
/**
 * `readRun(i, n)`: runs `i` to `i + n - 1` of a stored window installed
 * lazily, synchronous (the child reads them from the store's files): per run,
 * its stored size and its spans as kept (null when kept as its records), and
 * the lines of the records of those kept as records, by file name, to
 * assemble again here.
 */
type ReadRun = (i: number, n: number) => [bytes: number[], spans: (Span[] | null)[], lines: [file: string, text: string][]];
/**
 * `readObservations(name, b)`: one detector's per-run observations of the
 * `b`th batch of runs a window assembled run by run (streamRuns) returned,
 * one entry a run, and the serialized bytes the child decoded for them;
 * synchronous; the child holds them (on disk), not the isolate.
 */
type ReadObservations = (name: string, b: number, want?: { at?: number[]; apart?: boolean }) => [decoded: number, obs: unknown[]];

/** Stored bytes of runs read lazily between full collections (4x the span cache, SPAN_CACHE_BYTES). */
const GC_AFTER_BYTES = 4 * 48 * 1024 * 1024;

/**
 * Serialized bytes of observations a global step's pass reads between full collections: counted by what a pass
 * decodes, not by runs, so a pass that reads a few numbers a run or only a few runs collects seldom (a full
 * collection over a week's summaries costs the same whatever the pass read).
 */
const GC_AFTER_DECODED = 64 * 1024 * 1024;

/** Runs read at once when code reads a lazy window's runs in order (verification, scans): records they share are assembled once. */
const READ_AHEAD = 64;

/** A predicate's run over a whole window as kept with it: source, status, error, matched ids, ids it threw on with why. */
export type KeptPredicateRun = [source: string, status: 'ok' | 'error', error: string | null, matched: string[], threw: [string, string][]];

/** A run's observations as kept between runs: without its summary, which its trace gives again. */
type KeptObservations = Omit<RunObservations, 'run'>;

export interface BootConfig {
  ingest: IngestOptions;
  /** Largest JSON payload of one host call's arguments, in characters. */
  maxCallChars: number;
}

const g = globalThis as any;

/** Freezes a JSON-shaped value and everything under it, iteratively (spans nest deeply). */
function deepFreeze(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
    Object.freeze(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') stack.push(v[i]);
    } else {
      for (const k in v as Record<string, unknown>) {
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') stack.push(c);
      }
    }
  }
}

/** `meta` for a child analysis: what its subset holds, in the shape of a small overview. */
function describeSubset(traces: readonly Trace[]): SubsetMeta {
  const top = (pick: (s: Span, t: Trace) => string | null | undefined) => {
    const m = new Map<string, number>();
    for (const t of traces) for (const s of t.spans) {
      const k = pick(s, t);
      if (k) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...m].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, count]) => ({ name, count }));
  };
  let start = Infinity;
  let end = -Infinity;
  let spans = 0;
  for (const t of traces) {
    start = Math.min(start, t.startTime);
    end = Math.max(end, t.endTime);
    spans += t.spans.length;
  }
  return {
    subset: true,
    traces: traces.length,
    spans,
    errorTraces: traces.filter((t) => t.status === 'error').length,
    window: traces.length ? { start: new Date(start).toISOString(), end: new Date(end).toISOString() } : null,
    agents: top((s, t) => (s === t.spans[0] ? t.agentName || t.agentId : null)),
    tools: top((s) => s.tool?.name),
    errors: top((s) => (s.status === 'error' ? String(s.error?.message || s.statusMessage || s.name).slice(0, 160) : null)),
  };
}

/** Freezes a run summary's fields without reading `spans` (a lazy getter). */
function freezeSummary(t: Trace): void {
  for (const k of Object.keys(t)) if (k !== 'spans') deepFreeze((t as unknown as Record<string, unknown>)[k]);
  Object.freeze(t);
}

/** A lazy run's position in its window (lazyRunMaker): a symbol, so it is neither enumerated nor serialized. */
const RUN_AT = Symbol('run');

/** Window positions of the lazily installed runs the findings cite (runs held whole have none). */
function citedPositions(found: readonly FindingInput[], view: readonly Trace[]): Set<number> {
  const ids = new Set<string>();
  for (const f of found) if (Array.isArray(f?.evidence)) for (const e of f.evidence) if (typeof e?.traceId === 'string') ids.add(e.traceId);
  const out = new Set<number>();
  if (ids.size === 0) return out;
  for (let i = 0; i < view.length; i++) {
    const t = view[i]!;
    if (!ids.has(t.traceId)) continue;
    const at = (t as unknown as Record<symbol, unknown>)[RUN_AT];
    if (typeof at === 'number') out.add(at);
  }
  return out;
}

/**
 * A stored window's runs, made as their kept summaries arrive (the whole window's
 * summaries are never held twice): frozen, each with its summary's keys in their
 * order and `spans` read through the window's `spansAt(position)` (bound at
 * install) when first touched. One constructor with one shared getter (the
 * run's position kept under a symbol) keeps each run a plain object with a
 * fixed layout: a getter defined on each object with a closure of its own turns
 * it into a hash table of its properties, about 0.9 KB more a run (a week of
 * 425,000 runs holds them all).
 */
function lazyRunMaker() {
  const runs: Trace[] = [];
  const ids: string[] = [];
  let spansAt: ((i: number) => Span[]) | null = null;
  const spans = {
    enumerable: true,
    configurable: false,
    get(this: unknown): Span[] {
      const i = this !== null && typeof this === 'object' ? (this as Record<symbol, unknown>)[RUN_AT] : undefined;
      if (typeof i !== 'number' || !(i >= 0 && i < runs.length) || spansAt === null) throw new TypeError('spans read from something not a run of this window');
      return spansAt(i);
    },
  };
  const at = { value: 0, enumerable: false, writable: false, configurable: false };
  // A summary copied in brings its own copy of every string: the agent, service, status, file name, format, task and
  // user repeat from run to run, and are held once (a run's own ids are not looked up).
  const strings = new Map<string, string>();
  const one = (v: string): string => {
    const had = strings.get(v);
    if (had !== undefined) return had;
    strings.set(v, v);
    return v;
  };
  const shared = (v: unknown): unknown => {
    if (typeof v === 'string') return one(v);
    if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.isFrozen(v)) return v;
    const o = v as Record<string, unknown>;
    for (const k in o) if (typeof o[k] === 'string') o[k] = one(o[k] as string);
    return o;
  };
  function LazyRun(this: Record<string | symbol, unknown>, s: Record<string, unknown>, i: number) {
    for (const k in s) {
      if (k === 'spans') Object.defineProperty(this, 'spans', spans);
      else this[k] = k === 'traceId' || k === 'rootSpanId' ? s[k] : shared(s[k]);
    }
    at.value = i;
    Object.defineProperty(this, RUN_AT, at);
  }
  // Plain objects, as a loaded window's traces are.
  LazyRun.prototype = Object.prototype;
  const Made = LazyRun as unknown as new (s: Record<string, unknown>, i: number) => Trace;
  return {
    runs,
    ids,
    add(s: Record<string, unknown>): void {
      const t = new Made(s, runs.length);
      freezeSummary(t);
      runs.push(t);
      ids.push(t.traceId);
    },
    bind(fn: (i: number) => Span[]): void {
      spansAt = fn;
    },
  };
}

/**
 * Replaces each string a run's observations hold by the window's one instance
 * of it, a fresh copy the first time: every run's observations stay in the
 * isolate for the detectors' global steps, and an excerpt cut from a span's
 * text would otherwise keep that whole text alive after the spans are gone.
 */
function shareObservationStrings(root: object, strings: Map<string, string>): void {
  const one = (v: string): string => {
    const had = strings.get(v);
    if (had !== undefined) return had;
    // A string made by parsing is a string of its own, not a slice of a longer one.
    const own = JSON.parse(JSON.stringify(v)) as string;
    strings.set(own, own);
    return own;
  };
  const stack: object[] = [root];
  while (stack.length > 0) {
    const o = stack.pop() as Record<string, unknown>;
    if (Object.isFrozen(o)) continue;
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') o[i] = one(v);
        else if (v !== null && typeof v === 'object') stack.push(v);
      }
    } else if (o instanceof Map || o instanceof Set) {
      continue;
    } else {
      for (const k of Object.keys(o)) {
        const v = o[k];
        if (typeof v === 'string') o[k] = one(v);
        else if (v !== null && typeof v === 'object') stack.push(v);
      }
    }
  }
}

/** Serialized bytes of spans the isolate keeps loaded at most (the most recent run always stays). */
const SPAN_CACHE_BYTES = 48 * 1024 * 1024;

function boot(send: Send, config: BootConfig, readRun?: ReadRun, readObservations?: ReadObservations) {
  delete g.__haloBoot;
  // Sandbox code may replace globals; the engine's own plumbing keeps the originals.
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const then = Promise.prototype.then;
  const apply = Reflect.apply;
  // `--expose-gc` is on in the child so the engine can measure a clean heap
  // after load; sandbox code has no use for it.
  const gc: (() => void) | undefined = typeof g.gc === 'function' ? g.gc : undefined;
  if (gc) {
    // V8 installs it non-configurable; make it unusable instead.
    try {
      delete g.gc;
    } catch {
      g.gc = undefined;
    }
  }

  let dataset: Trace[] = [];
  // The engine's own view of the window: a private, frozen array that only
  // the engine narrows (a child analysis's subset). Sandbox code may reorder,
  // narrow or refill `traces`; verification, the denominator and predicates
  // always use this view.
  let engineView: readonly Trace[] = Object.freeze([]);
  let overview: unknown = null;
  // A child analysis's sandbox describes its subset (set by narrow()).
  let subsetMeta: SubsetMeta | null = null;
  let detectorErrors: string[] = [];
  // runOutcomes() of the whole window as a stored window kept it (installLazy); null once narrowed or otherwise loaded.
  let keptOutcomes: ReturnType<typeof runOutcomes> | null = null;
  // The detectors' predicate runs over this whole window: given by a stored window (installLazy), and those
  // made here since, which the child takes to keep with the window (takePredicates). Null once narrowed.
  let windowPredicates: Map<string, PredicateRun> | null = null;
  let newPredicates: [string, PredicateRun][] = [];
  // How a lazily installed window's span cache serves the detectors' predicate pass (installLazy sets it; null for a
  // window held whole): the pass reads every run once, in order, so a run it read is let go once the pass is past
  // its read-ahead, rather than pushing out what the cache held; the runs the findings cite are held until
  // verification has checked their citations, so it does not read and assemble them again.
  let passCache: { passing(on: boolean): void; pin(positions: ReadonlySet<number>): void; unpin(): void } | null = null;
  // The detectors' findings and their verification over this whole window: as a stored window kept them
  // (installLazy), or as made here (for the child to keep: takeDetection). Null once narrowed.
  let windowDetection: KeptDetection | null = null;
  let newDetection: KeptDetection | null = null;
  // Other pure functions of the whole window that read every run's spans (runMetrics, runIndex, systemPrompts), as JSON
  // by name: as a stored window kept them (installLazy) or made here (for the child to keep: takeViews). Null once narrowed.
  let windowViews: Map<string, string> | null = null;
  let newViews: [string, string][] = [];
  const windowView = <T>(name: string, make: () => T): T => {
    const kept = windowViews?.get(name);
    if (kept !== undefined) return parse(kept) as T;
    const value = make();
    if (windowViews !== null) {
      const json = stringify(value);
      windowViews.set(name, json);
      newViews.push([name, json]);
    }
    return value;
  };
  // What runDetectors() last gave, and whether it came from windowDetection (then its verification did too).
  let detectedKept = false;
  let ingestor: ReturnType<typeof createIngestor> | null = createIngestor(config.ingest);

  // ---- output ------------------------------------------------------------
  let outLimit = 20_000;
  let head = '';
  // The tail is a list of pieces, compacted only when it holds twice what is
  // kept: each write costs its own length (amortized), not the tail's, so a
  // cell printing 100k short lines stays linear.
  let tailParts: string[] = [];
  let tailLen = 0;
  let outLength = 0;
  const tailKeep = () => outLimit - Math.ceil(outLimit / 2);
  const compactTail = () => {
    const keep = tailKeep();
    const joined = tailParts.join('');
    const kept = joined.length > keep ? joined.slice(joined.length - keep) : joined;
    tailParts = [kept];
    tailLen = kept.length;
    return kept;
  };
  const write = (text: string) => {
    outLength += text.length;
    const half = Math.ceil(outLimit / 2);
    if (head.length < half) {
      const take = half - head.length;
      head += text.slice(0, take);
      text = text.length > take ? text.slice(take) : '';
    }
    if (!text) return;
    const keep = tailKeep();
    if (text.length >= keep) {
      tailParts = [text.slice(text.length - keep)];
      tailLen = keep;
      return;
    }
    tailParts[tailParts.length] = text;
    tailLen += text.length;
    if (tailLen > 2 * keep) compactTail();
  };
  const resetOutput = () => {
    head = '';
    tailParts = [];
    tailLen = 0;
    outLength = 0;
  };
  const output = () => {
    const tail = compactTail();
    const cut = outLength - head.length - tail.length;
    return { text: cut > 0 ? `${head}\n…[truncated ${thousands(cut)} chars]…\n${tail}` : head + tail, truncated: cut > 0 };
  };
  // Piece by piece: a huge string is sliced into head/tail, never copied whole.
  const print = (...values: unknown[]) => {
    for (let i = 0; i < values.length; i++) {
      if (i) write(' ');
      write(formatValue(values[i]));
    }
    write('\n');
  };

  // ---- host channel ----------------------------------------------------------
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let callSeq = 0;
  // True while the engine runs model code for verification (predicates): no
  // host calls from there, or a predicate could spend the sub-call budget per trace.
  let verifying = false;
  const hostCall = <K extends HostCallName>(name: K, args: Parameters<HostCalls[K]>): Promise<unknown> => {
    if (verifying) return Promise.reject(new Error(`${name}() is not available inside a predicate`));
    let payload: string;
    try {
      payload = stringify(args) ?? '[]';
    } catch (e) {
      return Promise.reject(new TypeError(`${name}(): arguments must be plain JSON data (${(e as Error)?.message})`));
    }
    if (payload.length > config.maxCallChars) {
      return Promise.reject(new RangeError(`${name}(): arguments are ${thousands(payload.length)} chars of JSON; the limit is ${thousands(config.maxCallChars)}`));
    }
    const id = ++callSeq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send(id, name, payload);
    });
  };

  /** The given traces from the engine's view as JSON, for a child sandbox to load (loadTraces) instead of the files. */
  const exportTraces = (ids: string[]): string => {
    const keep = new Set(ids);
    return JSON.stringify(engineView.filter((t) => keep.has(t.traceId)));
  };

  const traceIdsOf = (x: unknown): string[] => {
    if (!Array.isArray(x)) x = [x];
    return (x as unknown[]).map((t) => (t && typeof t === 'object' && typeof (t as Trace).traceId === 'string' ? (t as Trace).traceId : String(t)));
  };

  // ---- the API sandbox code sees ------------------------------------------------
  const api: Record<string, unknown> = {
    print,
    console: Object.freeze({ log: print, info: print, warn: print, error: print, debug: print }),
    render,
    // A frozen copy: sandbox code may call the detectors, not replace the engine's.
    detect: Object.freeze({ ...detect }),
    llm: (prompt: unknown, opts: unknown = {}) => hostCall('llm', [prompt, opts]),
    llmBatch: (prompts: unknown, opts: unknown = {}) => hostCall('llmBatch', [prompts, opts]),
    // A child's subset travels with the call, from the engine's view: the child loads it instead of the files.
    rlm: (question: unknown, tracesOrIds: unknown, opts: unknown = {}) => {
      const ids = traceIdsOf(tracesOrIds);
      return hostCall('rlm', [question, ids, opts, exportTraces(ids)]);
    },
    rlmBatch: (questions: unknown, subsets: unknown, opts: unknown = {}) => {
      const ids = Array.isArray(subsets) ? subsets.map(traceIdsOf) : subsets;
      return hostCall('rlmBatch', [questions, ids, opts, Array.isArray(ids) ? ids.map(exportTraces) : []]);
    },
    submit: (submission: unknown) => hostCall('submit', [submission]),
    // Runs are looked up in the engine's view, so the spans a diagnosis may cite are the real ones.
    diagnose: (tracesOrIds: unknown, opts: unknown = {}) => {
      const ids = new Set(traceIdsOf(tracesOrIds));
      const budget = Math.min(Math.max(Number((opts as { budget?: number } | null)?.budget) || 6000, 1000), 60_000);
      const items = [];
      for (let i = 0; i < engineView.length; i++) if (ids.has(engineView[i].traceId)) items.push(diagnoseItem(engineView[i], budget));
      return hostCall('diagnose', [items, opts, ids.size - items.length]);
    },
    // The window's runs by id with their spans read now and held by the copies returned (a stored window's
    // runs otherwise read spans on first touch into a capped cache); unknown ids are skipped.
    load: (ids: unknown) => {
      const byId = new Map<string, Trace>();
      for (let i = 0; i < engineView.length; i++) byId.set(engineView[i].traceId, engineView[i]);
      const out: Trace[] = [];
      for (const id of traceIdsOf(ids)) {
        const t = byId.get(id);
        if (!t) continue;
        const copy: Record<string, unknown> = {};
        for (const k of Object.keys(t)) copy[k] = (t as unknown as Record<string, unknown>)[k];
        out.push(Object.freeze(copy) as unknown as Trace);
      }
      return out;
    },
    // One pass over the window in order, a run at a time; what `fn` returns (but undefined) is collected.
    scan: (fn: unknown) => {
      if (typeof fn !== 'function') throw new TypeError('scan(fn): fn must be a function (trace, index) => value');
      const out: unknown[] = [];
      for (let i = 0; i < engineView.length; i++) {
        const v = (fn as (t: Trace, i: number) => unknown)(engineView[i], i);
        if (v !== undefined) out.push(v);
      }
      return out;
    },
    // Always present: without --repo its calls say how to get one.
    repo: repoApi(hostCall),
    // Always present: without a DuckDB store it says how to get one.
    sql: (query: unknown, opts: unknown = {}) => hostCall('sql', [query as string, opts as { maxRows?: number }]),
  };
  for (const [k, v] of Object.entries(api)) g[k] = v;
  g.traces = dataset;
  g.meta = overview;

  // Predicate results, each computed in a fresh context under the host's
  // per-predicate time limit (recordPredicate); kept for the audit until the host clears them.
  const predicateRuns = new Map<string, PredicateRun>();
  // Unlimited field width: every character of the span, in the layout render() shows.
  const renderSpan = (span: Span) => render(span, { budget: 10_000_000 });
  // A model's predicate never compiles here, where earlier cells' globals live: only
  // a run recorded from a fresh context counts (src/sandbox/pure-predicate.ts).
  const notRunAlone = (): never => {
    throw new Error('it was not run on its own, in a fresh context');
  };
  // Findings from the last runDetectors(), kept here until verifyDetected(): they never make a round trip through the host.
  let detected: FindingInput[] = [];
  // The detectors' predicates of these findings still to run over the window: not run already (predicateRuns, or
  // kept with a stored window), not named unfinished.
  const detectorSources = (inputs: FindingInput[], unfinished: Record<string, string> | undefined): { sources: string[]; todo: string[] } => {
    const sources: string[] = [];
    for (const f of inputs) {
      const p = f?.predicate;
      if (typeof p === 'string' && p.trim() !== '' && !predicateRuns.has(p) && !(unfinished && Object.prototype.hasOwnProperty.call(unfinished, p))) sources.push(p);
    }
    const known = windowPredicates;
    return { sources, todo: known ? sources.filter((p) => !known.has(p)) : sources };
  };
  // The detectors' predicates run over the window in pieces (predicatePass), each piece its own bounded evaluation:
  // for these findings (`found`), over this view; `made` once every run was passed over.
  let pass: { found: FindingInput[]; view: readonly Trace[]; todo: string[]; run: PredicatePass; at: number; made: Map<string, PredicateRun> | null } | null = null;
  const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  // `engineOwn`: the detectors' predicates, written by the engine from the data, compile here.
  const verify = (inputs: FindingInput[], opts: { unfinished?: Record<string, string> } = {}, engineOwn = false) => {
    verifying = true;
    try {
      let runs = predicateRuns;
      if (engineOwn) {
        // The detectors' predicates in one pass over the window, not one pass each (or the pieces predicatePass made).
        const { sources, todo } = detectorSources(inputs, opts.unfinished);
        const known = windowPredicates;
        const done = pass;
        pass = null;
        const made = done !== null && done.made !== null && done.found === inputs && done.view === engineView && sameList(done.todo, todo) ? done.made : runPredicates(todo, engineView, compilePredicate);
        if (known) for (const [p, run] of made) {
          known.set(p, run);
          newPredicates.push([p, run]);
        }
        runs = new Map([...predicateRuns, ...(known ? sources.map((p) => [p, known.get(p)!] as const) : []), ...made]);
      }
      return verifyFindings(inputs, engineView, engineOwn ? compilePredicate : notRunAlone, {
        renderSpan,
        predicateRuns: runs,
        ...(opts.unfinished ? { unfinished: opts.unfinished } : {}),
      });
    } finally {
      verifying = false;
    }
  };
  const engineCalls: EngineCalls = {
    verify,
    runPredicate: (source: string) => {
      let run = predicateRuns.get(source);
      if (!run) {
        run = { status: 'error', error: 'predicate was not run: it runs only in a fresh context', matched: new Set(), threw: new Map() };
        predicateRuns.set(source, run);
      }
      return { status: run.status, matched: run.matched.size, threw: run.threw.size, ...(run.error ? { error: run.error } : {}) };
    },
    auditSample: (source: string, cited: string[], n: number, seed: number, budget: number) => {
      const run = predicateRuns.get(source);
      if (!run || run.status !== 'ok') return null;
      const skip = new Set(cited);
      const uncited: string[] = [];
      for (const id of run.matched) if (!skip.has(id)) uncited.push(id);
      const byId = new Map<string, Trace>();
      for (let i = 0; i < engineView.length; i++) byId.set(engineView[i].traceId, engineView[i]);
      const ids = sampleIds(uncited, n, seed);
      return { uncited: uncited.length, sample: ids.map((id) => ({ traceId: id, text: render(byId.get(id)!, { budget }) })) };
    },
    clearPredicates: () => {
      verifying = false;
      predicateRuns.clear();
    },
    narrow: (ids: string[]) => {
      predicateRuns.clear();
      keptOutcomes = null;
      windowPredicates = null;
      newPredicates = [];
      windowDetection = null;
      newDetection = null;
      detectedKept = false;
      windowViews = null;
      newViews = [];
      const keep = new Set(ids);
      engineView = Object.freeze(engineView.filter((t) => keep.has(t.traceId)));
      dataset.length = 0;
      for (let i = 0; i < engineView.length; i++) dataset.push(engineView[i]);
      g.traces = dataset;
      subsetMeta = describeSubset(engineView);
      g.meta = subsetMeta;
      return engineView.length;
    },
    traceCount: () => engineView.length,
    // One broken detector (odd data it did not expect) must not cost the others' findings.
    runDetectors: () => {
      detectorErrors = [];
      if (windowDetection !== null) {
        // This window's findings as the global steps gave them over the same runs and runtime.
        detected = parse(windowDetection.found) as FindingInput[];
        detectorErrors = windowDetection.errors.slice();
        detectedKept = true;
        return detected.length;
      }
      detectedKept = false;
      const onError = (name: string, e: unknown) => detectorErrors.push(`detector ${name} failed: ${String((e as Error)?.message ?? e)}`);
      const held = heldObservations;
      if (held !== null && held.view === engineView && readObservations) {
        // A window assembled run by run: its observations are the child's, read one detector at a time.
        const read = readObservations;
        // Each run's summary is made as the run is read, not held for every run through the global steps (about
        // 0.3 KB a run): a step that reads in passes lets it go with the run, and one handed an array holds its own.
        const view = engineView;
        detected = detectEach((name) => {
          // The last detector's observations are garbage now. The isolate's limit is sized for a whole window, so
          // V8 would let them pile up (several GB on a week of 425,000 runs) before collecting them.
          gc?.();
          for (const [, errors] of held.errors) if (errors[name] !== undefined) throw new Error(errors[name]);
          // Read a batch at a time on each pass: a global step that reads in passes keeps only what it needs of them,
          // and each pass makes garbage of every run's observations, which V8 would let pile up as above.
          const collecting = steps[name]?.passes === true;
          // A step that holds every run's observations holds each repeated string (tool names, argument keys,
          // signatures) once rather than once per run as read (about a third of what they take in the isolate).
          const strings = collecting ? null : new Map<string, string>();
          const runs: RunPasses<unknown> = {
            length: view.length,
            forEach(fn, want = {}) {
              let i = 0;
              let since = 0;
              for (let b = 0; b < held.batches.length; b++) {
                const size = held.batches[b]!;
                const b0 = i;
                i += size;
                // Only the runs asked for, and a batch holding none of them is not read.
                let at: number[] | undefined;
                if (want.at) {
                  at = [];
                  for (let k = b0; k < i; k++) if (want.at.has(k)) at.push(k - b0);
                  if (at.length === 0) continue;
                }
                if (collecting && since >= GC_AFTER_DECODED) {
                  since = 0;
                  gc?.();
                }
                const [decoded, obs] = read(name, b, { ...(at ? { at } : {}), ...(want.apart === false ? { apart: false } : {}) });
                since += decoded;
                if (obs.length !== (at ? at.length : size) || i > view.length) throw new Error(`observations of a batch of ${obs.length} runs where ${at ? at.length : size} were asked for`);
                if (strings !== null) shareObservationStrings(obs, strings);
                for (let k = 0; k < obs.length; k++) {
                  const p = at ? b0 + at[k]! : b0 + k;
                  fn({ run: summaryOf(view[p]!), obs: obs[k] }, p);
                }
              }
              if (i !== view.length) throw new Error(`observations of ${i} runs for a window of ${view.length}`);
            },
          };
          return runs;
        }, null, { onError });
        gc?.();
        return detected.length;
      }
      // Runs observed at load (observeStored) skip their per-run steps; the rest run them here.
      const runs = engineView.map((t): RunObservations => {
        const o = observed?.get(t.traceId);
        return o ? { run: summaryOf(t), ...o } : observeRun(t);
      });
      detected = detectFromObservations(runs, null, { onError });
      return detected.length;
    },
    detectedFindings: () => detected,
    detectorErrors: () => detectorErrors,
    // The detectors' predicates of the last runDetectors() over the next `count` runs of the window; verifyDetected
    // then uses what the pieces made. A large stored window reads every run's spans again for this, so one
    // evaluation over all of it could pass the engine's time limit: the host calls this until it reaches the end.
    predicatePass: (count: number): [number, number] => {
      const total = engineView.length;
      if (detectedKept || detected.length === 0) return [total, total];
      if (pass === null || pass.found !== detected || pass.view !== engineView) {
        const { todo } = detectorSources(detected, undefined);
        pass = { found: detected, view: engineView, todo, run: new PredicatePass(todo, compilePredicate), at: 0, made: null };
        passCache?.pin(citedPositions(detected, engineView));
      }
      if (pass.made !== null) return [total, total];
      verifying = true;
      passCache?.passing(true);
      try {
        const to = Math.min(total, pass.at + Math.max(1, Math.floor(count)));
        pass.run.over(engineView.slice(pass.at, to));
        pass.at = to;
        if (to >= total) pass.made = pass.run.finish(total);
        return [to, total];
      } finally {
        passCache?.passing(false);
        verifying = false;
      }
    },
    verifyDetected: () => {
      const found = detected;
      const kept = detectedKept ? windowDetection : null;
      detected = [];
      detectedKept = false;
      if (kept !== null) return parse(kept.verified) as VerifyResult;
      let result: VerifyResult;
      try {
        result = verify(found, {}, true);
      } finally {
        passCache?.unpin();
      }
      // Over the whole window (not narrowed): kept with it, for a re-run over the same window.
      if (windowPredicates !== null) newDetection = { found: stringify(found), errors: detectorErrors.slice(), verified: stringify(result) };
      return result;
    },
    // A stored window's `meta` counted its spans and error traces already (the same counts): only cited runs' spans are read.
    reportData: (findings: ReportFindingInput[]) => {
      const m = keptOutcomes !== null ? (overview as DatasetOverview) : null;
      return buildReportData(engineView.slice(), findings, m ? { spans: m.spans, errorTraces: m.errorTraces } : undefined);
    },
    overview: () => overview as DatasetOverview,
    meta: () => subsetMeta ?? (overview as DatasetOverview),
    sampleTraceIds: (k: number) => {
      const n = engineView.length;
      const take = Math.min(k, n);
      const step = Math.max(1, Math.floor(n / Math.max(take, 1)));
      return Array.from({ length: take }, (_, i) => engineView[i * step].traceId);
    },
    outcomes: () => keptOutcomes ?? runOutcomes(engineView.slice()),
    systemPrompts: () => windowView('systemPrompts', () => systemPrompts(engineView)),
    detectorNames: () => Object.keys(detect),
    runMetrics: () => windowView('runMetrics', () => runMetrics(engineView)),
    runIndex: () => windowView('runIndex', () => runIndex(engineView)),
    renderRuns: (ids: string[], budget: number) => renderRuns(engineView, ids, budget),
    runInputs: (ids: string[]) => runInputs(engineView, ids),
  };
  Object.defineProperty(g, '__halo', {
    value: Object.freeze(engineCalls),
    enumerable: false,
  });

  let currentCell = -1;
  let cellResult: string | null = null;

  const describeError = (e: unknown) => {
    let message: string;
    let line: number | undefined;
    try {
      if (e instanceof Error || (e && typeof e === 'object' && 'message' in e)) {
        const err = e as Error;
        message = `${String(err.name ?? 'Error')}: ${String(err.message)}`;
        // Frames name the cell they come from (cell-<id>.js): a line in an
        // earlier cell's function is not a line of this one.
        const m = /cell-(\d+)\.js:(\d+)/.exec(String(err.stack));
        if (m && Number(m[1]) === currentCell) line = Number(m[2]);
        else if (m) message += ` (in a function defined by an earlier cell, at its line ${m[2]})`;
      } else {
        message = `Uncaught ${formatValue(e, { depth: 2 }, false)}`;
      }
    } catch {
      message = 'Uncaught exception (unprintable)';
    }
    return { kind: 'runtime', message: capText(message, 2000), line };
  };

  let stored: StoredAssembler | null = null;
  // The runs of a stored window made from its summaries as the child hands them over in batches, until installLazy.
  let lazyMade: ReturnType<typeof lazyRunMaker> | null = null;
  /** The file a first run is storing: its ingestor, whose records go to `stored` and back to the store. */
  let storing: { file: string; ingestor: ReturnType<typeof createIngestor>; take: () => NormalizedBatch } | null = null;
  /** The string pool of a first run's files and of the assembler they go to: one, as in the memory path. */
  let storingPool: StringPool | null = null;
  // `assemble`: false when the window is assembled run by run from the store afterwards (streamRuns): nothing is kept here.
  const storingFile = (file: string, keepBad: number, assemble: boolean) => {
    const out = new BatchBuilder();
    const pool = assemble ? (storingPool ??= new StringPool()) : undefined;
    const fileIngestor = createIngestor({ ...config.ingest, keepBad }, (rec, name, at, text) => {
      // Line and rows first: assembly may change the spans. The record's own text is in the child's copy of the batch.
      if (text === undefined) out.add(rec, at, recordLine(rec, at));
      else out.add(rec, at, rawHeader(at), at.line);
      if (pool !== undefined) (stored ??= new StoredAssembler(config.ingest, pool)).pushRecord(rec, name, at);
    }, pool !== undefined ? { pool } : { transient: true });
    return { file, assemble, ingestor: fileIngestor, take: () => out.take() };
  };
  /** A window being assembled run by run from the store (streamRuns), folded as it goes; its runs' spans are not kept. */
  let streaming: {
    runs: RunAssembler;
    overview: ReturnType<typeof overviewBuilder>;
    traces: number;
    spans: number;
    judged: string[];
    failed: string[];
    agents: Map<string, AgentOutcomes>;
    repairs: { identicalDuplicates: number; duplicateSpanIds: number; parentCycles: number };
    /** The first repairs of each kind by the runs' first place in the input (the memory path notes them in that order). */
    examples: Record<'identical' | 'duplicate' | 'cycle', [number, string][]>;
    undated: { count: number; examples: { traceId: string; file: string }[]; first: Trace | null };
    /** One instance of each string the window's observations hold (most repeat from run to run: tool names, signatures). */
    strings: Map<string, string>;
  } | null = null;
  let storedKeep: Set<string> | undefined;
  /** Per-run detector observations of the loaded window, by run (observeStored); null when none were made at load. */
  let observed: Map<string, KeptObservations> | null = null;
  /**
   * A window streamRuns assembled: its runs' observations went to the child batch by batch (readObservations reads
   * them back); here only how many batches, the runs whose per-run steps threw (by position, with the errors), and
   * the view they are of once installed. Null otherwise.
   */
  let heldObservations: { batches: number[]; errors: [number, Record<string, string>][]; view: readonly Trace[] | null } | null = null;
  /** Whether the loaded window's assembly moved a record's spans to another id (identity conflicts): then its runs cannot be assembled alone. */
  let conflicted = false;
  /** Publishes a loaded window: frozen traces, `meta`, the engine's view. */
  const install = (result: IngestResult): string => {
    conflicted = result.stats.identityConflicts !== undefined;
    lazyMade = null;
    observed = null;
    heldObservations = null;
    keptOutcomes = null;
    windowPredicates = new Map();
    newPredicates = [];
    windowDetection = null;
    newDetection = null;
    detectedKept = false;
    windowViews = new Map();
    newViews = [];
    passCache = null;
    dataset = result.traces;
    // The traces are the evidence the engine verifies citations against:
    // freeze every trace and span so sandbox code cannot plant an excerpt
    // or a span. The `traces` array itself stays mutable (sort, narrow).
    for (let i = 0; i < dataset.length; i++) deepFreeze(dataset[i]);
    lockdown(g);
    engineView = Object.freeze(dataset.slice());
    overview = buildOverview(result);
    g.traces = dataset;
    g.meta = overview;
    gc?.();
    return JSON.stringify({ stats: result.stats, traces: dataset.length, spans: result.stats.spans });
  };

  // ---- the child's private handle --------------------------------------------------
  return {
    pushBatch(batch: LineBatch) {
      ingestor!.pushBatch(batch);
    },
    /** `anchorsJson`: what a store that pushed only the window's rows knows of the rest (a ClickHouse table). */
    finishLoad(specJson: string, now: number, anchorsJson?: string): string {
      const spec = JSON.parse(specJson) as WindowSpec;
      const result = ingestor!.finish(spec, now, anchorsJson === undefined ? undefined : (JSON.parse(anchorsJson) as WindowAnchors));
      ingestor = null;
      return install(result);
    },
    /** A batch of one file's stored record lines (see StoredAssembler). */
    pushStored(text: string, file: string) {
      ingestor = null;
      (stored ??= new StoredAssembler(config.ingest)).push(text, file, storedKeep);
    },
    /**
     * A batch of a file the store is reading (a first run): normalized here,
     * once, both for this window (assembled as the stored records would be)
     * and for the store, which gets each record's line and index rows back.
     */
    ingestBatch(batch: LineBatch, keepBad: number, assemble = true): NormalizedBatch {
      ingestor = null;
      if (storing === null || storing.file !== batch.file) storing = storingFile(batch.file, keepBad, assemble);
      storing.ingestor.pushBatch(batch);
      return storing.take();
    },
    /** The end of a file ingestBatch read: its stats, and what only its end makes (see FileNormalizer). */
    finishFile(file: string, keepBad: number, assemble = true): { stats: IngestStats; records: NormalizedBatch } {
      const f = storing !== null && storing.file === file ? storing : storingFile(file, keepBad, assemble);
      storing = null;
      const stats = f.ingestor.finish({}, 0).stats;
      return { stats, records: f.take() };
    },
    /**
     * The next runs of a window assembled run by run from the store, in window
     * order, from the lines of their records (`pieces`: by file name, see
     * RunAssembler): each as if alone (`first`: its first place in the input,
     * which orders repair examples as the memory path notes them). Each
     * is folded into `meta` and the outcomes, observed by the detectors' per-run
     * steps and kept as its summary (spans read again when touched, installLazy);
     * its spans are let go. Returns each run's id, summary and observations for the store.
     */
    streamRuns(runs: [traceId: string, first: number][], pieces: [string, string][]): [string, Record<string, unknown>, KeptObservations][] {
      ingestor = null;
      if (streaming === null) {
        streaming = {
          runs: new RunAssembler(config.ingest),
          overview: overviewBuilder(),
          traces: 0,
          spans: 0,
          judged: [],
          failed: [],
          agents: new Map(),
          repairs: { identicalDuplicates: 0, duplicateSpanIds: 0, parentCycles: 0 },
          examples: { identical: [], duplicate: [], cycle: [] },
          undated: { count: 0, examples: [], first: null },
          strings: new Map(),
        };
        lazyMade = null;
        // Held by the child when it can read them back; otherwise here, as objects.
        observed = readObservations ? null : new Map();
        heldObservations = readObservations ? { batches: [], errors: [], view: null } : null;
      }
      const st = streaming;
      const out: [string, Record<string, unknown>, KeptObservations][] = [];
      const batch: Trace[] = [];
      const assembled = st.runs.assemble(pieces, runs.map((r) => r[0]));
      for (const [id, first] of runs) {
        const made = assembled.get(id);
        assembled.delete(id);
        if (made === undefined) throw new Error(`run ${id}: its stored records hold none of its spans`);
        const t = made.trace;
        const r = made.repairs;
        st.repairs.identicalDuplicates += r.identicalDuplicates;
        st.repairs.duplicateSpanIds += r.duplicateSpanIds;
        st.repairs.parentCycles += r.parentCycles;
        for (const kind of ['identical', 'duplicate', 'cycle'] as const) {
          const list = st.examples[kind];
          for (const e of r.examples[kind]) list.push([first, e]);
          if (list.length > 5) {
            list.sort((a, b) => a[0] - b[0]);
            list.length = 5;
          }
        }
        if (isUndated(t)) {
          st.undated.count++;
          st.undated.first ??= t;
          if (st.undated.examples.length < 5) st.undated.examples.push({ traceId: t.traceId, file: t.source.file });
        }
        st.traces++;
        st.spans += t.spans.length;
        st.overview.add(t);
        batch.push(t);
        const { obs, errors } = observeRun(t);
        const o: KeptObservations = errors ? { obs, errors } : { obs };
        if (heldObservations !== null) {
          if (errors) heldObservations.errors.push([st.traces - 1, errors]);
        } else {
          shareObservationStrings(o, st.strings);
          observed!.set(id, o);
        }
        // Kept by the child, which hands the summaries back to installLazy: not held here meanwhile.
        const summary: Record<string, unknown> = {};
        for (const k of Object.keys(t)) summary[k] = k === 'spans' ? null : (t as unknown as Record<string, unknown>)[k];
        out.push([id, summary, o]);
      }
      const o = runOutcomes(batch);
      for (const id of o.judged) st.judged.push(id);
      for (const id of o.failed) st.failed.push(id);
      for (const a of o.byAgent ?? []) {
        const had = st.agents.get(a.agent);
        if (had === undefined) st.agents.set(a.agent, { ...a });
        else {
          had.runs += a.runs;
          had.judged += a.judged;
          had.failed += a.failed;
          had.errored += a.errored;
        }
      }
      if (heldObservations !== null) heldObservations.batches.push(out.length);
      return out;
    },
    /**
     * The end of a window assembled by streamRuns: its stats as the memory
     * path reports them (`storedJson`: what the store knew of the input), `meta`
     * and the outcomes. Returns them for the child to keep with the window; installLazy publishes it.
     */
    finishStreamed(specJson: string, now: number, storedJson: string): [string, unknown, ReturnType<typeof runOutcomes>] {
      const spec = JSON.parse(specJson) as WindowSpec;
      const storedInput = JSON.parse(storedJson) as StoredInput;
      const st = streaming ?? { strings: new Map<string, string>(), traces: 0, spans: 0, judged: [], failed: [], agents: new Map<string, AgentOutcomes>(), repairs: { identicalDuplicates: 0, duplicateSpanIds: 0, parentCycles: 0 }, examples: { identical: [], duplicate: [], cycle: [] }, undated: { count: 0, examples: [], first: null }, overview: overviewBuilder() };
      streaming = null;
      // The stats of the input the store read, and of no assembled trace: the window's own are added below.
      const base = createIngestor(config.ingest).finish(spec, now, storedInput).stats;
      const repairs: IngestRepairs = { ...base.repairs!, ...st.repairs };
      const examples = { identical: st.examples.identical.map((e) => e[1]), duplicate: st.examples.duplicate.map((e) => e[1]), cycle: st.examples.cycle.map((e) => e[1]) };
      const notices = repairNotices(repairs, examples);
      const open = base.window.start === null && base.window.end === null;
      if (st.undated.first !== null) notices.push(undatedNotice(st.undated.count, st.undated.first, open));
      const described = describeTimeOutliers(storedInput.outliers, storedInput.outlierCount, spec.until === 'latest');
      if (described) notices.push(described.notice);
      const stats: IngestStats = {
        files: base.files,
        records: base.records,
        spans: st.spans,
        badRecords: base.badRecords,
        badExamples: base.badExamples,
        badReasons: base.badReasons,
        repairs,
        ...(base.timeOutliers ? { timeOutliers: base.timeOutliers } : {}),
        ...(st.undated.count > 0 ? { undated: { count: st.undated.count, examples: st.undated.examples } } : {}),
        notices,
        outsideWindow: base.outsideWindow,
        window: base.window,
      };
      const meta = st.overview.finish(stats);
      const outcomes = { judged: st.judged, failed: st.failed, byAgent: [...st.agents.values()].sort((x, y) => y.runs - x.runs || (x.agent < y.agent ? -1 : 1)) };
      return [JSON.stringify({ stats, traces: st.traces, spans: st.spans }), meta, outcomes];
    },
    /** The window's run ids, when stored records may also hold runs outside it (JSON array). */
    keepStored(idsJson: string) {
      storedKeep = new Set(JSON.parse(idsJson) as string[]);
    },
    /** A full collection, when the child sees the heap grown well past what a window assembled run by run keeps (streamWindow). */
    collect() {
      gc?.();
    },
    /** Forgets the records pushed so far (a first run's, when some input turned out to be stored already). */
    resetStored() {
      stored = null;
      streaming = null;
      storingPool = null;
      storing = null;
      storedKeep = undefined;
      lazyMade = null;
      heldObservations = null;
    },
    /** Assembles the stored window, applying it as the memory path does, with what the store knew of the rest. */
    finishStored(specJson: string, now: number, storedJson: string): string {
      const result = (stored ?? new StoredAssembler(config.ingest)).finish(JSON.parse(specJson) as WindowSpec, now, JSON.parse(storedJson) as StoredInput);
      stored = null;
      storingPool = null;
      storedKeep = undefined;
      return install(result);
    },
    /**
     * The per-run detector steps of the stored window, made at load: `kept`
     * are runs' observations the store kept from an earlier run over the same
     * files and detectors (given with the first batch, `from` 0); every other
     * run of the batch (the window's runs `from` to `from + count`) is
     * observed now. Returns those, for the store to keep, and whether the
     * batch reached the window's end. In batches: the child holds one batch's
     * observations at a time.
     */
    observeStored(kept: [string, KeptObservations][], from: number, count: number): [[string, KeptObservations][], boolean] {
      const end = Math.min(engineView.length, from + count);
      if (from === 0) {
        observed = new Map(kept);
        // Observations are by run id: a window holding one id twice cannot use them.
        if (new Set(engineView.map((t) => t.traceId)).size !== engineView.length) observed = null;
      }
      if (observed === null) return [[], true];
      const fresh: [string, KeptObservations][] = [];
      for (let i = from; i < end; i++) {
        const t = engineView[i];
        if (observed.has(t.traceId)) continue;
        const { obs, errors } = observeRun(t);
        const o: KeptObservations = errors ? { obs, errors } : { obs };
        observed.set(t.traceId, o);
        fresh.push([t.traceId, o]);
      }
      return [fresh, end >= engineView.length];
    },
    /**
     * What a stored window keeps for the next run over it (see
     * src/store/assembled.ts): its run ids in window order, `meta` and the run
     * outcomes, and whether its runs can be assembled again each from its own
     * records (no identity conflicts); null when two runs share an id (runs are kept by id).
     */
    keptWindow(): { ids: string[]; overview: unknown; outcomes: unknown; alone: boolean } | null {
      const ids = engineView.map((t) => t.traceId);
      if (new Set(ids).size !== ids.length) return null;
      return { ids, overview, outcomes: runOutcomes(engineView.slice()), alone: !conflicted };
    },
    /** The detectors' predicate runs over the whole window made since the last call, for the child to keep with the window. */
    takePredicates(): KeptPredicateRun[] {
      const out = newPredicates.map(([p, r]): KeptPredicateRun => [p, r.status, r.error ?? null, [...r.matched], [...r.threw]]);
      newPredicates = [];
      return out;
    },
    /** The detectors' findings and their verification over the whole window, when made since the last call, for the child to keep with the window. */
    takeDetection(): KeptDetection | null {
      const out = newDetection;
      newDetection = null;
      return out;
    },
    /** runMetrics/runIndex/systemPrompts over the whole window made since the last call (JSON by name), for the child to keep with the window. */
    takeViews(): [string, string][] {
      const out = newViews;
      newViews = [];
      return out;
    },
    /** Runs of the window by position, for keeping: id, summary (`spans: null` in its place) and, where `withSpans` says, spans. */
    exportRuns(positions: number[], withSpans: boolean[]): [string, Record<string, unknown>, Span[] | null][] {
      return positions.map((i, k) => {
        const t = engineView[i];
        const summary: Record<string, unknown> = {};
        for (const k of Object.keys(t)) summary[k] = k === 'spans' ? null : (t as unknown as Record<string, unknown>)[k];
        return [t.traceId, summary, withSpans[k] ? t.spans : null];
      });
    },
    /** The next runs' kept summaries of a stored window about to be installed (installLazy), in window order. */
    pushSummaries(batch: Record<string, unknown>[]): void {
      const made = (lazyMade ??= lazyRunMaker());
      for (let i = 0; i < batch.length; i++) made.add(batch[i]);
    },
    /**
     * Publishes a stored window without assembling it: the runs' kept
     * summaries (pushSummaries), whose `spans` load on first read (through `readRun`, by
     * position in this window) into a cache capped by size, and what its load
     * published before (the load summary, `meta`, the outcomes).
     */
    installLazy(
      loaded: string,
      meta: unknown,
      outcomes: ReturnType<typeof runOutcomes>,
      predicates: KeptPredicateRun[],
      detection: KeptDetection | null,
      views: Record<string, string> | null,
      streamed = false,
    ): string {
      if (!readRun) throw new Error('no stored runs to read spans from');
      const made = lazyMade ?? lazyRunMaker();
      lazyMade = null;
      const read = readRun;
      ingestor = null;
      stored = null;
      storingPool = null;
      storedKeep = undefined;
      // A window streamRuns assembled was observed as it went.
      if (!streamed) {
        observed = null;
        heldObservations = null;
      }
      // Loaded spans by position, oldest first in `queue`; a run's spans go when the cache is over its size.
      const queue: { at: number; bytes: number }[] = [];
      let head = 0;
      let bytes = 0;
      const cached: (Span[] | null)[] = new Array<Span[] | null>(made.runs.length).fill(null);
      // The runs' ids, for assembling a run again (`traces` may be sorted in place).
      const ids = made.ids;
      const runs = new RunAssembler(config.ingest);
      // Where a scan in window order would read next: a read there brings the runs after it too.
      let next = -1;
      // The detectors' predicate pass (passCache): while it reads, the cache keeps only what it just read.
      let passing = false;
      let pinned: ReadonlySet<number> = new Set();
      // Pinned runs the cap would have let go: back under the cap once unpinned.
      let held: { at: number; bytes: number }[] = [];
      let heldBytes = 0;
      // Stored bytes read since the last full collection: a scan over the window makes garbage of every run
      // it reads, which V8, with the isolate's limit sized for a whole window, would let pile up.
      let readSince = 0;
      const load = (i: number): Span[] => {
        let n = 1;
        if (i === next) while (n < READ_AHEAD && i + n < cached.length && cached[i + n] === null) n++;
        next = i + n;
        const [sizes, kept, lines] = read(i, n);
        for (let k = 0; k < n; k++) readSince += sizes[k]!;
        if (readSince > GC_AFTER_BYTES) {
          readSince = 0;
          gc?.();
        }
        const again: string[] = [];
        for (let k = 0; k < n; k++) if (kept[k] === null) again.push(ids[i + k]!);
        const made = again.length > 0 ? runs.assemble(lines, again) : null;
        for (let k = 0; k < n; k++) {
          const spans = kept[k] ?? made?.get(ids[i + k]!)?.trace.spans;
          if (spans == null) throw new Error(`run ${ids[i + k]!}: its stored records hold none of its spans`);
          deepFreeze(spans);
          cached[i + k] = spans;
          queue.push({ at: i + k, bytes: sizes[k]! });
          bytes += sizes[k]!;
        }
        // The runs just read stay, whatever the cap; pinned runs stay outside it (up to as many bytes again).
        const cap = passing ? 0 : SPAN_CACHE_BYTES;
        while (bytes > cap && queue.length - head > n) {
          const old = queue[head++]!;
          bytes -= old.bytes;
          if (pinned.has(old.at) && heldBytes + old.bytes <= SPAN_CACHE_BYTES) {
            held.push(old);
            heldBytes += old.bytes;
          } else cached[old.at] = null;
        }
        if (head > 1024 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        return cached[i]!;
      };
      made.bind((i) => cached[i] ?? load(i));
      const unpin = () => {
        pinned = new Set();
        for (const h of held) {
          queue.push(h);
          bytes += h.bytes;
        }
        held = [];
        heldBytes = 0;
      };
      passCache = {
        passing: (on) => {
          passing = on;
        },
        pin: (positions) => {
          unpin();
          pinned = positions;
        },
        unpin,
      };
      dataset = made.runs;
      lockdown(g);
      engineView = Object.freeze(dataset.slice());
      if (heldObservations !== null) heldObservations.view = engineView;
      overview = meta;
      keptOutcomes = outcomes;
      windowPredicates = new Map(predicates.map(([p, status, error, matched, threw]) => [p, { status, ...(error !== null ? { error } : {}), matched: new Set(matched), threw: new Map(threw) }]));
      newPredicates = [];
      windowDetection = detection;
      newDetection = null;
      detectedKept = false;
      windowViews = new Map(Object.entries(views ?? {}));
      newViews = [];
      g.traces = dataset;
      g.meta = overview;
      gc?.();
      return loaded;
    },
    /**
     * Loads canonical traces another sandbox exported (exportTraces): a child
     * analysis's subset, checked and normalized once already. Frozen and
     * locked down like a normal load; `meta` is set by the engine's narrow step.
     */
    loadTraces(json: string): string {
      ingestor = null;
      observed = null;
      heldObservations = null;
      keptOutcomes = null;
      windowPredicates = null;
      newPredicates = [];
      windowDetection = null;
      newDetection = null;
      detectedKept = false;
      windowViews = null;
      newViews = [];
      passCache = null;
      dataset = JSON.parse(json) as Trace[];
      for (let i = 0; i < dataset.length; i++) deepFreeze(dataset[i]);
      lockdown(g);
      engineView = Object.freeze(dataset.slice());
      let spans = 0;
      for (let i = 0; i < dataset.length; i++) spans += dataset[i].spans.length;
      overview = { subset: true, traces: dataset.length, spans };
      g.traces = dataset;
      g.meta = overview;
      const stats = { files: [], records: dataset.length, spans, badRecords: 0, badExamples: [] };
      return JSON.stringify({ stats, traces: dataset.length, spans });
    },
    /** The engine's frozen view of the window, which the child hands to a fresh context by reference. */
    engineTraces(): readonly Trace[] {
      return engineView;
    },
    /** Keeps what a predicate gave in its fresh context (JSON from predicate-runtime.ts). */
    recordPredicate(source: string, json: string): void {
      const r = parse(json) as { status: 'ok' | 'error'; error?: string; matched: string[]; threw: [string, string][] };
      predicateRuns.set(source, { status: r.status, ...(r.error ? { error: r.error } : {}), matched: new Set(r.matched), threw: new Map(r.threw) });
    },
    /** Starts a cell; its result is collected with poll(). */
    runCell(fn: () => Promise<unknown>, cellId: number, limit: number, returnsValue: boolean) {
      // A predicate stopped by its time limit never reached its `finally`.
      verifying = false;
      outLimit = Math.max(100, limit);
      resetOutput();
      currentCell = cellId;
      cellResult = null;
      const finish = (value: unknown, error: ReturnType<typeof describeError> | null) => {
        if (currentCell !== cellId) return;
        // Object literals only: sandbox code may have planted setters on Object.prototype.
        const shown = !error && returnsValue && value !== undefined;
        let res: Record<string, unknown>;
        try {
          const out = output();
          res = {
            ok: !error,
            outputLength: outLength,
            truncated: out.truncated,
            output: out.text,
            ...(error ? { error } : {}),
            ...(shown ? { value: toPlain(value, outLimit), valueText: capText(formatValue(value), outLimit) } : {}),
          };
        } catch (e) {
          res = { ok: false, outputLength: 0, truncated: false, output: '', error: { kind: 'output', message: `The cell's result could not be copied out: ${String((e as Error)?.message)}` } };
        }
        cellResult = stringify(res);
      };
      let p: Promise<unknown>;
      try {
        p = fn();
      } catch (e) {
        finish(undefined, describeError(e));
        return;
      }
      apply(then, p, [(v: unknown) => finish(v, null), (e: unknown) => finish(undefined, describeError(e))]);
    },
    /**
     * The cell's state after an entry: its result JSON when finished, 'pending'
     * while host calls it may be awaiting are out, else 'stalled' (it awaits
     * something nothing can ever settle: the isolate has no timers or I/O).
     */
    poll(cellId: number): string {
      if (currentCell !== cellId) return 'stalled';
      if (cellResult !== null) {
        const r = cellResult;
        cellResult = null;
        currentCell = -1;
        return r;
      }
      return pending.size > 0 ? 'pending' : 'stalled';
    },
    /** What the current cell printed so far (a cell stopped by its time limit still shows it). */
    outputSoFar(): string {
      const out = output();
      return stringify({ output: out.text, outputLength: outLength, truncated: out.truncated });
    },
    /** Delivers host-call results: [id, ok, payload] triples, flattened. */
    settle(batch: (number | boolean | string)[]) {
      for (let i = 0; i + 2 < batch.length; i += 3) {
        const id = batch[i] as number;
        const p = pending.get(id);
        if (!p) continue;
        pending.delete(id);
        const payload = batch[i + 2] as string;
        if (batch[i + 1]) {
          try {
            p.resolve(payload === '' ? undefined : parse(payload));
          } catch (e) {
            p.reject(e as Error);
          }
        } else p.reject(new Error(payload));
      }
    },
    /** Engine evaluation: full JSON of the value, no caps. */
    async evaluate(fn: () => Promise<unknown>): Promise<string | undefined> {
      const v = await fn();
      return v === undefined ? undefined : stringify(v);
    },
  };
}

g.__haloBoot = boot;
