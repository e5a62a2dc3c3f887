// Detectors in two steps (DESIGN.md §10). A week larger than memory cannot be
// handed to a detector as one Trace[]: each run goes through a per-run step
// that sees that run alone and keeps a few small observations, and a global
// step over every run's observations (plus the run's own fields, without its
// spans) applies what needs all runs: support thresholds, outlier statistics,
// trials per task, grouping, citations and wording. The two composed over one
// Trace[] are the detector model code calls as `detect.x(traces)`.
//
// Observations are plain data (structured-clone serializable: no spans, no
// functions), so they can be computed batch by batch, kept while the spans go,
// and stored. The global step reads runs in window order: which runs' per-run
// steps ran together never changes the findings (tests/detectors-two-step).
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Trace } from '../../src/types.ts';
import { agentOf } from './trace-index.ts';

/** A run without its spans: the trace's own fields, and the agent it is counted under. */
export type RunSummary = Omit<Trace, 'spans'> & { agent: string };

/** One run's observations for one detector, with the run they came from. */
export interface RunObs<O> {
  run: RunSummary;
  obs: O;
}

/**
 * Every run's observations in window order, to be read once or more. An array
 * is one; a window held on disk (the child's spill) reads its batches again on
 * each pass, so a global step that passes over them rather than keeping them
 * holds only what it keeps.
 */
export interface RunPasses<O> {
  readonly length: number;
  /**
   * Each run in window order with its position; `r` is a new object on each pass unless the runs are an array.
   * `want` says what the pass needs, so a source on disk can read less: only the runs at these positions, and
   * without the observation's key kept apart (apart.ts) when `apart` is false. A source may hand more than asked.
   */
  forEach(fn: (r: RunObs<O>, i: number) => void, want?: PassNeeds): void;
}

export interface PassNeeds {
  at?: ReadonlySet<number>;
  apart?: boolean;
}

/** Runs in an array as RunPasses: every pass hands every run, whole. */
export function arrayPasses<O>(runs: readonly RunObs<O>[]): RunPasses<O> {
  return { length: runs.length, forEach: (fn) => runs.forEach((r, i) => fn(r, i)) };
}

export interface TwoStep<O, P extends object = Record<string, unknown>> {
  /** One run to its observations; never looks at another run. */
  perRun(t: Trace, opts: P): O;
  /** Every run's observations, in window order, to findings. */
  global(runs: RunObs<O>[], opts: P): FindingInput[];
  /** The global step reads its runs in passes (`global` takes any RunPasses), so they need not be held as an array. */
  passes?: true;
}

/** The runs as an array: for a global step that holds them all. */
export function runArray<O>(runs: RunPasses<O>): RunObs<O>[] {
  if (Array.isArray(runs)) return runs as RunObs<O>[];
  const out: RunObs<O>[] = [];
  runs.forEach((r) => out.push(r));
  return out;
}

/** A trace's keys as the assembler makes them (src/ingest/assemble.ts), in its order. */
const TRACE_KEYS = ['traceId', 'spans', 'rootSpanId', 'startTime', 'endTime', 'durationMs', 'status', 'agentId', 'agentName', 'sessionId', 'userId', 'taskId', 'trial', 'outcome', 'tokens', 'costUsd', 'service', 'source'];

export function summaryOf(t: Trace): RunSummary {
  // Key by key, never touching `spans`: a stored window's runs load their spans only when read (runtime.ts).
  const keys = Object.keys(t);
  if (keys.length === TRACE_KEYS.length && keys.every((k, i) => k === TRACE_KEYS[i])) {
    // The same keys in the same order, written as one literal: V8 keeps such an object in a compact fixed layout,
    // where one filled key by key goes to a hash table of its properties (about 0.9 KB a run, and the global steps
    // hold every run's summary).
    return {
      traceId: t.traceId,
      rootSpanId: t.rootSpanId,
      startTime: t.startTime,
      endTime: t.endTime,
      durationMs: t.durationMs,
      status: t.status,
      agentId: t.agentId,
      agentName: t.agentName,
      sessionId: t.sessionId,
      userId: t.userId,
      taskId: t.taskId,
      trial: t.trial,
      outcome: t.outcome,
      tokens: t.tokens,
      costUsd: t.costUsd,
      service: t.service,
      source: t.source,
      agent: agentOf(t),
    };
  }
  const rest: Record<string, unknown> = {};
  for (const k of keys) if (k !== 'spans') rest[k] = t[k as keyof Trace];
  return { ...(rest as Omit<Trace, 'spans'>), agent: agentOf(t) };
}

/** The two steps over one Trace[]: what `detect.x(traces)` runs. */
export function oneShot<O, P extends object>(steps: TwoStep<O, P>): (traces: Trace[], opts?: P) => FindingInput[] {
  return (traces, opts = {} as P) => steps.global(traces.map((t) => ({ run: summaryOf(t), obs: steps.perRun(t, opts) })), opts);
}

/**
 * Per agent (in order of its first run), how many runs it has and those of them `keep` keeps, in window order: the
 * usual first cut for a global step that reads only the runs with something to say, in one pass, so that the rest
 * are never held.
 */
export function keptByAgent<O>(runs: RunPasses<O>, keep: (r: RunObs<O>) => boolean): Map<string, { runs: number; kept: RunObs<O>[] }> {
  const m = new Map<string, { runs: number; kept: RunObs<O>[] }>();
  runs.forEach((r) => {
    let a = m.get(r.run.agent);
    if (!a) m.set(r.run.agent, (a = { runs: 0, kept: [] }));
    a.runs++;
    if (keep(r)) a.kept.push(r);
  });
  return m;
}

/** Per agent, its runs in window order (the global steps' usual first cut). */
export function runsByAgent<O>(runs: RunObs<O>[]): Map<string, RunObs<O>[]> {
  const m = new Map<string, RunObs<O>[]>();
  for (const r of runs) {
    const list = m.get(r.run.agent);
    if (list) list.push(r);
    else m.set(r.run.agent, [r]);
  }
  return m;
}
