// Runs far outside their agent's typical step count, tokens, cost or latency.
// Per agent (agents differ by orders of magnitude), on a log scale, with a
// fence of median + k·MAD, so no fixed threshold and no tuning per dataset.
import type { Category, FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { agentSteps } from '../../src/eval/steps.ts';
import { buildFinding, lit, shareText } from './finding.ts';
import { median, upperFence } from './stats.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { callKeys } from './repeats.ts';
import { changesState } from './state-change.ts';
import { AGENT_EXPR, declaredInTrace, errorMessage, indexTrace, agentLabel, agentPhrase, isErrorSpan, isToolSpan, toolName } from './trace-index.ts';
import { excerpt } from './text.ts';

interface Metric {
  name: 'steps' | 'tokens' | 'cost' | 'latency';
  category: Category;
  value: (t: Trace) => number;
  /** The same value as a predicate expression over `t`. */
  expr: string;
  /** The value as a sentence states it; `down` rounds down, so that "above it" holds for every value above the exact one. */
  unit: (v: number, down?: boolean) => string;
}

/** v to `digits` decimals, rounded down when `down` (a fence shown as 16 would make "above 16 steps" false for a run of 16). */
function fixed(v: number, digits: number, down = false): string {
  const k = 10 ** digits;
  return (down ? Math.floor(v * k + 1e-9) / k : v).toFixed(digits);
}

const METRICS: Metric[] = [
  {
    name: 'steps',
    category: 'trajectory',
    // Agent steps as the framework counts them (a turn, a "Step N", a model call with its tool calls), not every call.
    value: (t) => agentSteps(t).steps,
    expr: `(${agentSteps.toString()})(t).steps`,
    // A median of an even sample can fall between two counts: said as it is (3.5 steps), not rounded to a count.
    unit: (v, down) => `${Number.isInteger(v) || down ? fixed(v, 0, down) : fixed(v, 1)} steps`,
  },
  { name: 'tokens', category: 'cost', value: (t) => num(t.tokens?.total), expr: '(t.tokens && typeof t.tokens.total === "number" ? t.tokens.total : 0)', unit: (v, down) => `${fixed(v, 0, down)} tokens` },
  { name: 'cost', category: 'cost', value: (t) => num(t.costUsd), expr: '(typeof t.costUsd === "number" ? t.costUsd : 0)', unit: (v, down) => `$${fixed(v, v < 0.01 ? 4 : 2, down)}` },
  { name: 'latency', category: 'latency', value: (t) => num(t.durationMs), expr: '(typeof t.durationMs === "number" ? t.durationMs : 0)', unit: (v, down) => (v >= 60_000 ? `${fixed(v / 60_000, 1, down)} min` : `${fixed(v / 1000, 1, down)} s`) },
];

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

// The same metric for one step, where a run's total is made of its steps. A
// run-level outlier is only actionable once it says which call made it so.
const STEP_VALUE: Partial<Record<Metric['name'], (s: Span) => number>> = {
  latency: (s) => num(s.durationMs),
  cost: (s) => num(s.costUsd),
  tokens: (s) => num(s.tokens?.total),
};

function stepName(s: Span): string {
  return isToolSpan(s) ? toolName(s) : s.model || s.name;
}

function stepLabel(s: Span): string {
  return isToolSpan(s) ? `tool \`${stepName(s)}\`` : `model call \`${stepName(s)}\``;
}

interface Culprit {
  label: string;
  /** The tool or model name alone, for the title. */
  name: string;
  /** Outlier runs where one call of this label makes up most of the run's value. */
  runs: number;
  worst: number;
  /** Median value of this label's calls in the agent's other runs. */
  typical: number;
}

/** A run's largest step for one metric. */
interface TopStep {
  label: string;
  name: string;
  spanId: string;
  value: number;
  /** When the call ran: calls that overlap share their time, so latency counts their union. */
  start: number;
  end: number;
  /** The call ended in an error ('timeout' when it timed out). */
  failed?: 'timeout' | 'error';
}

/** How many of a run's largest steps are kept: enough to say "a few calls" hold the excess, few enough to name. */
const FEW = 3;

type Observed = RunObs<OutlierRun>;

/**
 * The call that dominates most outlier runs: in each, the step with the largest
 * value when it alone is at least half the run's total. Null when no single
 * kind of call explains a clear majority of the runs. Told by the outlier runs
 * alone; what the call typically takes in the agent's other runs is added after
 * (culpritOf), from the values of that one label.
 */
function culpritPick(m: Metric, hits: { r: Observed; v: number }[]): { label: string; runs: number; spans: Map<Observed, TopStep> } | null {
  const value = STEP_VALUE[m.name];
  if (!value) return null;
  const dominant = new Map<Observed, TopStep>();
  const counts = new Map<string, number>();
  for (const { r, v } of hits) {
    const top = r.obs.steps[m.name]?.top;
    if (!top || !(top.value >= v / 2)) continue;
    dominant.set(r, top);
    counts.set(top.label, (counts.get(top.label) ?? 0) + 1);
  }
  const [label, runs] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (runs < Math.max(2, Math.ceil(hits.length * 0.6))) return null;
  return { label, runs, spans: new Map([...dominant].filter(([, s]) => s.label === label)) };
}

/** The culprit picked, with its worst call and its median call in the agent's other runs (`normal`: every value of its label there). */
function culpritOf(pick: { label: string; runs: number; spans: Map<Observed, TopStep> }, normal: number[]): { culprit: Culprit; spans: Map<Observed, TopStep> } {
  const { label, runs, spans } = pick;
  // reduce, not Math.max(...): a big week can have more outlier runs than a call has argument slots.
  const worst = [...spans.values()].reduce((mx, sp) => Math.max(mx, sp.value), 0);
  return { culprit: { label, name: [...spans.values()][0]!.name, runs, worst, typical: median(normal.sort((a, b) => a - b)) }, spans };
}

/** One metric's steps in a run: the largest, the few largest, and every positive value per call label (the typical call elsewhere). */
function stepsOf(t: Trace, value: (s: Span) => number, label: (s: Span) => string): { top: TopStep | null; largest: TopStep[]; byLabel: [string, number[]][] } {
  let top: Span | undefined;
  let topValue = 0;
  const byLabel = new Map<string, number[]>();
  const largest: [Span, number][] = [];
  for (const s of indexTrace(t).steps) {
    const v = value(s);
    if (!top || v > topValue) {
      top = s;
      topValue = v;
    }
    // One more than are ever named: whether the named ones stand out is told by the next one.
    if (v > 0 && (largest.length < FEW + 1 || v > largest[largest.length - 1]![1])) {
      largest.push([s, v]);
      largest.sort((a, b) => b[1] - a[1]);
      if (largest.length > FEW + 1) largest.pop();
    }
    if (v > 0) {
      const l = label(s);
      const list = byLabel.get(l);
      if (list) list.push(v);
      else byLabel.set(l, [v]);
    }
  }
  const step = (s: Span, v: number): TopStep => {
    const failed = isErrorSpan(s) ? (s.error?.type === 'timeout' ? 'timeout' : 'error') : undefined;
    return { label: label(s), name: stepName(s), spanId: s.spanId, value: v, start: s.startTime, end: s.endTime, ...(failed ? { failed } : {}) };
  };
  return { top: top ? step(top, topValue) : null, largest: largest.map(([s, v]) => step(s, v)), byLabel: [...byLabel] };
}

/** What the first k calls hold together: latency counts overlapping calls once (their union), cost and tokens add up. */
function heldBy(m: Metric, calls: TopStep[]): number {
  if (m.name !== 'latency') return calls.reduce((n, c) => n + c.value, 0);
  const spans = [...calls].sort((a, b) => a.start - b.start);
  let held = 0;
  let reach = -Infinity;
  for (const c of spans) {
    const from = Math.max(c.start, reach);
    if (c.end > from) held += c.end - from;
    reach = Math.max(reach, c.end);
  }
  return held;
}

/** Where an outlier run's excess over the typical run went: the fewest of its largest calls (at most FEW) that hold half of it, if any do. */
interface Excess {
  r: Observed;
  v: number;
  excess: number;
  /** The fewest largest calls holding at least half the excess; empty when no FEW calls do. */
  calls: TopStep[];
  held: number;
  /** The largest call's share of the excess. */
  topShare: number;
  /** Calls that would hold half the excess were found, but the next largest is as large as they are: none stands out. */
  even?: true;
}

function excessOf(m: Metric, h: { r: Observed; v: number }, typical: number): Excess {
  const largest = h.r.obs.steps[m.name]?.largest ?? [];
  const excess = h.v - typical;
  const topShare = largest.length > 0 && excess > 0 ? largest[0]!.value / excess : 0;
  for (let k = 1; k <= Math.min(FEW, largest.length) && excess > 0; k++) {
    const held = heldBy(m, largest.slice(0, k));
    if (held >= excess / 2) {
      // Named only when they stand out: a next call at least half as large as the smallest named one would be named as well.
      const next = largest[k];
      if (next && next.value > largest[k - 1]!.value / 2) return { r: h.r, v: h.v, excess, calls: [], held: 0, topShare, even: true };
      return { r: h.r, v: h.v, excess, calls: largest.slice(0, k), held, topShare };
    }
  }
  return { r: h.r, v: h.v, excess, calls: [], held: 0, topShare };
}

const LARGEST: Record<Metric['name'], { adj: string; noun: string }> = {
  steps: { adj: 'largest', noun: 'steps' },
  tokens: { adj: 'largest', noun: 'tokens' },
  cost: { adj: 'costliest', noun: 'cost' },
  latency: { adj: 'slowest', noun: 'time' },
};

/**
 * Where the outlier runs' excess went when no one kind of call explains the runs and no idle gap does:
 * the few calls that hold half or more of a run's excess over the typical run are named; "spread over
 * its calls" is said only of runs where no call holds a quarter of it (round 24: two calls held 62% of
 * a run's excess that was called spread).
 */
function excessText(m: Metric, hits: { r: Observed; v: number }[], all: Excess[], valuesOf: (label: string) => number[], typical: number): { rootCause: string; fix: string; held: Map<Observed, TopStep[]> } {
  const { adj, noun } = LARGEST[m.name];
  const few = all.filter((e) => e.calls.length > 0);
  // A run that records the measure for the whole run only (Letta's usage per run) says nothing of its calls.
  const unrecorded = all.filter((e) => e.calls.length === 0 && (e.r.obs.steps[m.name]?.largest ?? []).length === 0);
  const rest = all.filter((e) => e.calls.length === 0 && !unrecorded.includes(e));
  const single = hits.length === 1;
  const parts: string[] = [];
  if (few.length > 0) {
    // hits are sorted worst first: the worst such run is the example.
    const e = few[0]!;
    const k = e.calls.length;
    const list = e.calls.map((c) => `${c.label} (${m.unit(c.value)}${c.failed === 'timeout' ? ', timed out' : c.failed ? ', ended in an error' : ''})`);
    const listText = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    const pct = Math.round((e.held / e.excess) * 100);
    const calls = `${k === 1 ? `${adj} call` : `${k} ${adj} calls`}, ${listText}, ${k === 1 ? 'holds' : 'hold'} ${m.unit(e.held)}${k > 1 ? ' between them' : ''}: ${pct}% of the ${m.unit(e.excess)} by which ${single ? 'it' : 'that run'} exceeds the typical ${m.unit(typical)}, in ${k === 1 ? 'one call' : `${k} calls`} rather than spread over the run`;
    parts.push(
      single
        ? `This run's ${calls}.${typicalOf(m, e.calls, valuesOf)}`
        : `In ${few.length === hits.length ? `each of these ${hits.length} runs` : `${few.length} of these ${hits.length} runs`} at most ${FEW} calls hold half or more of the ${noun} by which the run exceeds the typical one; in ${e.r.run.traceId} its ${calls}.${typicalOf(m, e.calls, valuesOf)}`,
    );
  }
  if (rest.length > 0) {
    const one = rest.length === 1;
    const who = few.length === 0 ? (single ? 'This run' : `Each of these ${hits.length} runs`) : one ? 'The other run' : `The other ${rest.length} runs`;
    const its = one || few.length === 0 ? 'its' : 'their';
    const noGap = m.name === 'latency' && rest.every((e) => e.r.obs.idle && e.r.obs.idle.idle < e.r.obs.idle.total / 2) ? `, and most of ${its} time a recorded call was running` : '';
    const above = `the ${noun} by which ${one || few.length === 0 ? 'it exceeds' : 'they exceed'} the typical run (${m.unit(typical)})`;
    const top = Math.round(Math.max(...rest.map((e) => e.topShare)) * 100);
    parts.push(
      rest.every((e) => e.even)
        ? `${who} ${one || few.length === 0 ? 'spreads' : 'spread'} the excess over calls of like size: no single call, and no few calls, stand out from the rest${noGap}.`
        : rest.every((e) => e.topShare < 0.25)
        ? `${who} ${one || few.length === 0 ? 'spreads' : 'spread'} the excess over ${its} calls: no call holds a quarter of ${above}${noGap}.`
        : `${who}: no ${FEW} calls hold half of ${above}; the ${adj} call holds ${rest.length > 1 ? 'up to ' : ''}${top}% of it${noGap}. Halo's checks did not determine where the rest went.`,
    );
  }
  if (unrecorded.length > 0) {
    const who = unrecorded.length === hits.length ? (single ? 'This run records' : 'These runs record') : `${unrecorded.length} of these ${hits.length} runs record`;
    parts.push(`${who} ${noun} for the whole run only, not per call: where the excess went is not in the record.`);
  }
  const held = new Map<Observed, TopStep[]>();
  for (const e of few) held.set(e.r, e.calls);
  // The fix for a few large calls does not follow where no call stands out, or none is recorded.
  // Where no run records its calls' share, that none stands out is not known either.
  const spreadFix = unrecorded.length === hits.length ? SPREAD_FIX[m.name].replace(/^No call stands out, so [^:]*: r/, 'R') : SPREAD_FIX[m.name];
  return { rootCause: parts.join(' '), fix: few.length > 0 ? FIX[m.name] : spreadFix, held };
}

function ordinal(n: number): string {
  return n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}

/** The calls excessText names for the worst run it names them in: their labels are the ones typicalOf reads in the other runs. */
function namedCalls(all: Excess[]): TopStep[] {
  return all.find((e) => e.calls.length > 0)?.calls ?? [];
}

/** What the named calls' tools or models typically take in the agent's other runs (`valuesOf`: every value of a label there), when those runs have them. */
function typicalOf(m: Metric, calls: TopStep[], valuesOf: (label: string) => number[]): string {
  const bits: string[] = [];
  for (const label of new Set(calls.map((c) => c.label))) {
    const values = valuesOf(label);
    if (values.length > 0) bits.push(`${m.unit(median(values.sort((a, b) => a - b)))} for ${label}`);
  }
  return bits.length ? ` Typical in the agent's other runs: ${bits.join(', ')} (median per call).` : '';
}

function culpritText(m: Metric, c: Culprit, hits: number): { rootCause: string; fix: string } {
  const typical = Number.isFinite(c.typical) ? `, against a typical ${m.unit(c.typical)} for that call in the agent's other runs` : '';
  const share = `${c.runs === hits ? `In all ${hits}` : `In ${c.runs} of these ${hits}`} runs a single ${c.label}`;
  switch (m.name) {
    case 'latency':
      return {
        rootCause: `${share} takes most of the run's time (up to ${m.unit(c.worst)}${typical}), so the delay comes from that call rather than from extra steps.`,
        fix: `Put a timeout on ${c.label} (a few times its typical duration) with a fallback or a clear error the model can act on, and look at the cited spans for why it stalls (a slow dependency, an unbounded query, a cold start).`,
      };
    case 'cost':
      return {
        rootCause: `${share} accounts for most of the run's cost (up to ${m.unit(c.worst)}${typical}).`,
        fix: `Check what goes into the prompt of ${c.label} in the cited spans (a large tool result or document pasted in whole); truncate or summarise it, cap input tokens per call, and set a per-run cost budget.`,
      };
    default:
      return {
        rootCause: `${share} accounts for most of the run's tokens (up to ${m.unit(c.worst)}${typical}).`,
        fix: `Check what goes into the prompt of ${c.label} in the cited spans (a large tool result or document pasted in whole); truncate or summarise it and cap input tokens per call.`,
      };
  }
}

/** The ingest marks runs whose times it synthesized (root span attribute `halo.synthetic_time`). */
export function syntheticTime(t: Trace): boolean {
  for (const s of t.spans) {
    if (s.parentId == null || s.spanId === t.rootSpanId) {
      const v = s.attributes?.['halo.synthetic_time'];
      if (v === true || v === 'true') return true;
    }
  }
  return false;
}
const SYNTHETIC_EXPR = '!t.spans.some((s) => (s.parentId == null || s.spanId === t.rootSpanId) && s.attributes && (s.attributes["halo.synthetic_time"] === true || s.attributes["halo.synthetic_time"] === "true"))';

/**
 * Runs that record the tools they were offered mostly share one tool set (at
 * least half of them). Runs that record none say nothing either way.
 */
function onePopulation(agent: string, a: { members: number[]; oneFile: boolean; oneService: boolean }, toolSetAt: Int32Array): boolean {
  // Runs whose source names no agent may be any programs at all (a folder of
  // framework examples): one file or one service is what says they are one program.
  if (agent === 'unknown' && !a.oneFile && !a.oneService) return false;
  // Tool sets by number (-1: none recorded).
  let sets = 0;
  const counts = new Map<number, number>();
  for (const i of a.members) {
    const k = toolSetAt[i]!;
    if (k < 0) continue;
    sets++;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  if (sets < a.members.length / 2) return true;
  let most = 0;
  for (const c of counts.values()) most = Math.max(most, c);
  return most * 2 >= sets;
}

export interface OutlierOptions {
  /** Spread multiplier for the fence (default 3.5, the usual modified z-score cut). */
  k?: number;
  /** Minimum runs of an agent before judging outliers (default 20). */
  minSample?: number;
  minTraces?: number;
  metrics?: Metric['name'][];
}

/** What the global step needs of a run: its metrics, the steps that make them, its tool set, its longest idle gap. */
interface OutlierRun {
  values: Record<Metric['name'], number>;
  synthetic: boolean;
  root?: string;
  /** The tools it was offered, sorted and joined ('' when none were recorded). */
  toolSet: string;
  /** Kept apart where the runs are stored (apart.ts): the pass that finds the outlier runs does not read it. */
  steps: Partial<Record<Metric['name'], ReturnType<typeof stepsOf>>>;
  /** The longest stretch with no recorded step running, all such stretches together, and the run's length. */
  idle: { gap: number; idle: number; gaps: number; total: number } | null;
  /** The call made most often with the same tool and arguments in this run, when one was made twice or more. */
  repeat: { name: string; spanId: string; times: number } | null;
  /** The run made some call again, but only after a call that could change what it runs against. */
  freshTry?: boolean;
  /** The run's own error, when its root span ended in one (a harness's abort at a cost or step limit, a crash). */
  ended?: string | null;
}

/**
 * The call this run made most often, same tool and same arguments (calls without recorded arguments never match),
 * counted over calls with nothing in between that could change their result; and whether any call was made twice
 * at all, whatever came between.
 */
function mostRepeated(t: Trace): { repeat: OutlierRun['repeat']; sameCall: boolean } {
  const tools = indexTrace(t).tools;
  const keys = callKeys(tools);
  const counts = new Map<string, { i: number; n: number }>();
  let best: { i: number; n: number } | null = null;
  const last = new Map<string, number>();
  keys.forEach((k, i) => {
    const c = counts.get(k) ?? counts.set(k, { i, n: 0 }).get(k)!;
    // A call made again after one that could change what it runs against (an install, an edit, code run) is a
    // fresh try: the count starts over there.
    const prev = last.get(k);
    if (prev !== undefined && tools.slice(prev + 1, i).some(changesState)) c.n = 0;
    last.set(k, i);
    c.n++;
    if (!best || c.n > best.n) best = { ...c };
  });
  const b = best as { i: number; n: number } | null;
  return { repeat: b && b.n >= 2 ? { name: toolName(tools[b.i]!), spanId: tools[b.i]!.spanId, times: b.n } : null, sameCall: counts.size < keys.length };
}

export const outlierSteps: TwoStep<OutlierRun, OutlierOptions> = {
  perRun(t, opts) {
    const metrics = METRICS.filter((m) => !opts.metrics || opts.metrics.includes(m.name));
    const values = {} as OutlierRun['values'];
    const steps: OutlierRun['steps'] = {};
    // Each metric labels the same steps.
    const labels = new Map<Span, string>();
    const label = (s: Span): string => {
      let l = labels.get(s);
      if (l === undefined) labels.set(s, (l = stepLabel(s)));
      return l;
    };
    for (const m of metrics) {
      values[m.name] = m.value(t);
      const value = STEP_VALUE[m.name];
      if (value) steps[m.name] = stepsOf(t, value, label);
    }
    const root = indexTrace(t).root;
    const ended = root && isErrorSpan(root) ? errorMessage(root).split('\n', 1)[0]!.trim() || null : null;
    const { repeat, sameCall } = mostRepeated(t);
    return { values, synthetic: syntheticTime(t), root: root?.spanId, toolSet: [...declaredInTrace(t).keys()].sort().join(','), steps, idle: idleGap(t), repeat, ...(repeat === null && sameCall ? { freshTry: true } : {}), ended };
  },
  global: outlierFindings,
  passes: true,
};

export const outliers = oneShot(outlierSteps);

/** One agent's metric whose fence some of its runs pass, with those runs by position, worst first. */
interface Fenced {
  agent: string;
  agentId: number;
  m: Metric;
  fence: { cutoff: number; median: number; sample: number };
  /** The agent's runs judged on this metric. */
  total: number;
  hits: { i: number; v: number }[];
}

/**
 * The global step in passes over the runs, so that a week of hundreds of thousands of runs is never held whole (a
 * run's observations list its calls: about 2.6 KB a run serialized). The first pass keeps each run's metrics, agent
 * and tool set as numbers and finds the outlier runs (it does not read the calls); the second keeps those runs'
 * observations; a third, only when the text names a call, gathers what calls of that label take in the agent's
 * other runs.
 */
function outlierFindings(given: RunPasses<OutlierRun>, opts: OutlierOptions): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<OutlierRun>[]) : given;
  const minTraces = opts.minTraces ?? 1;
  const metrics = METRICS.filter((m) => !opts.metrics || opts.metrics.includes(m.name));
  const n = runs.length;
  const agentAt = new Int32Array(n);
  const toolSetAt = new Int32Array(n);
  const synthetic = new Uint8Array(n);
  const columns = new Map(metrics.map((m) => [m.name, new Float64Array(n)]));
  // Per agent, in order of its first run: its runs by position, and whether all share one file and one service.
  const agents = new Map<string, { id: number; members: number[]; file: unknown; service: unknown; oneFile: boolean; oneService: boolean }>();
  const toolSets = new Map<string, number>();
  runs.forEach((r, i) => {
    let a = agents.get(r.run.agent);
    if (a === undefined) agents.set(r.run.agent, (a = { id: agents.size, members: [], file: r.run.source.file, service: r.run.service, oneFile: true, oneService: true }));
    a.members.push(i);
    agentAt[i] = a.id;
    const file = r.run.source.file;
    const service = r.run.service;
    if (file === null || file !== a.file) a.oneFile = false;
    if (service === null || service !== a.service) a.oneService = false;
    const set = r.obs.toolSet;
    let k = set === '' ? -1 : toolSets.get(set);
    if (k === undefined) toolSets.set(set, (k = toolSets.size));
    toolSetAt[i] = k;
    synthetic[i] = r.obs.synthetic ? 1 : 0;
    for (const m of metrics) columns.get(m.name)![i] = r.obs.values[m.name];
  }, { apart: false });
  const fenced: Fenced[] = [];
  for (const [agent, a] of agents) {
    // An outlier needs a population: runs of one agent doing one kind of work. Runs
    // offered different tool sets (a test suite's many small agents under one
    // name) are not one; nothing is compared across them.
    if (!onePopulation(agent, a, toolSetAt)) continue;
    for (const m of metrics) {
      // Times the ingest had to make up (chat transcripts without timestamps)
      // support no timing claim: such runs are left out of latency.
      const list = m.name === 'latency' ? a.members.filter((i) => !synthetic[i]) : a.members;
      const column = columns.get(m.name)!;
      const values = list.map((i) => column[i]!);
      const fence = upperFence(values, { k: opts.k, minSample: opts.minSample });
      if (!fence) continue;
      const hits: { i: number; v: number }[] = [];
      list.forEach((i, j) => {
        if (values[j]! > fence.cutoff) hits.push({ i, v: values[j]! });
      });
      if (hits.length < minTraces) continue;
      hits.sort((x, y) => y.v - x.v);
      // The typical run stated is the median of the values themselves: the fence's centre is on a log scale,
      // which between two middle values of an even sample is not their median (Letta: 3 stated, 3.5 real).
      fenced.push({ agent, agentId: a.id, m, fence: { ...fence, median: median(values.filter((v) => Number.isFinite(v) && v > 0).sort((x, y) => x - y)) }, total: list.length, hits });
    }
  }
  if (fenced.length === 0) return [];
  const wanted = new Set<number>();
  for (const f of fenced) for (const h of f.hits) wanted.add(h.i);
  const kept = new Map<number, Observed>();
  runs.forEach(
    (r, i) => {
      if (wanted.has(i)) kept.set(i, r);
    },
    { at: wanted },
  );
  // What the outlier runs alone tell; the labels of the calls the text will name, whose typical value is read in the agent's other runs.
  const plans = fenced.map((f) => {
    const hits = f.hits.map(({ i, v }) => ({ r: kept.get(i)!, v }));
    const pick = culpritPick(f.m, hits);
    const idle = !pick && f.m.name === 'latency' ? idleGaps(hits) : null;
    const all = !pick && !idle && f.m.name !== 'steps' ? hits.map((h) => excessOf(f.m, h, f.fence.median)) : null;
    const normal = new Map<string, number[]>();
    for (const label of pick ? [pick.label] : all ? namedCalls(all).map((c) => c.label) : []) normal.set(label, []);
    return { ...f, hitRuns: hits, hitSet: new Set(f.hits.map((h) => h.i)), pick, idle, all, normal };
  });
  const reading = new Map<number, typeof plans>();
  for (const p of plans) if (p.normal.size > 0) (reading.get(p.agentId) ?? reading.set(p.agentId, []).get(p.agentId)!).push(p);
  if (reading.size > 0) {
    runs.forEach((r, i) => {
      for (const p of reading.get(agentAt[i]!) ?? []) {
        if ((p.m.name === 'latency' && synthetic[i]) || p.hitSet.has(i)) continue;
        for (const [l, vs] of r.obs.steps[p.m.name]?.byLabel ?? []) {
          const into = p.normal.get(l);
          if (into) for (const v of vs) into.push(v);
        }
      }
    });
  }
  const out: FindingInput[] = [];
  for (const { agent, m, fence, total, hitRuns: hits, pick, idle, all, normal } of plans) {
    const valuesOf = (label: string): number[] => [...(normal.get(label) ?? [])];
    const worst = hits[0]!.v;
    const found = pick ? culpritOf(pick, valuesOf(pick.label)) : null;
    const excess = all ? excessText(m, hits, all, valuesOf, fence.median) : null;
    const text = found
      ? culpritText(m, found.culprit, hits.length)
      : idle
        ? {
            rootCause: `In ${idle.runs === hits.length ? 'each of these runs' : `${idle.runs} of ${hits.length} of these runs`} most of the time passes with no recorded call running (${m.unit(idle.idle)} of ${m.unit(idle.total)} in ${idle.traceId}, ${idle.gaps === 1 ? 'in one gap' : `in ${idle.gaps} gaps, the longest ${m.unit(idle.gap)}`}): time spent outside the calls the trace records — waiting on a person, a queue or the framework — not in slow calls.`,
            fix: `Find what the run waited on in the cited gap (the spans on either side of it say which step it was between) before tuning call timeouts; if it waits on a person, report that wait apart from the agent's own time.`,
          }
        : (excess ?? stepsText(hits));
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: ${m.name} outliers (up to ${timesText(worst / fence.median)} typical)${found ? `, mostly one \`${found.culprit.name}\` call` : ''}`,
        category: m.category,
        severity: m.name === 'cost' || m.name === 'latency' ? 'medium' : 'low',
        summary: `${shareText(hits.length, total)} of ${agentPhrase(agent)} have ${m.name} above ${m.unit(fence.cutoff, true)}, against a typical ${m.unit(fence.median)} (median of ${fence.sample} runs); the worst reaches ${m.unit(worst)}.`,
        rootCause: `${text.rootCause}${endedText(hits)}`,
        fix: text.fix,
        fixKind: m.name === 'latency' ? 'config' : 'code',
        component: `agent:${agent}`,
        signature: `outlier:${m.name}`,
        monitor: `p99 ${m.name} per run of ${agent} per day, and the count of runs above ${m.unit(fence.cutoff, true)}.`,
        detector: 'outliers',
        traceIds: hits.map((h) => h.r.run.traceId),
        citations: hits.flatMap((h) => {
          const note = `${m.name} ${m.unit(h.v)} (${timesText(h.v / fence.median)} median)`;
          const step = found?.spans.get(h.r);
          if (step) return [{ traceId: h.r.run.traceId, spanId: step.spanId, note: `${note}; ${found!.culprit.label}: ${m.unit(step.value)}` }];
          // The calls that hold most of the excess, each cited: the run's first citation leads, the rest follow (pickEvidence).
          const held = excess?.held.get(h.r) ?? [];
          if (held.length) return held.map((c, i) => ({ traceId: h.r.run.traceId, spanId: c.spanId, note: `${note}; its ${i === 0 ? LARGEST[m.name].adj : `${ordinal(i + 1)} ${LARGEST[m.name].adj}`} call, ${c.label}: ${m.unit(c.value)}${c.failed === 'timeout' ? ', timed out' : c.failed ? ', ended in an error' : ''}` }));
          return [{ traceId: h.r.run.traceId, spanId: h.r.obs.root, note }];
        }),
        total,
        predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${m.name === 'latency' ? `${SYNTHETIC_EXPR} && ` : ''}${m.expr} > ${String(fence.cutoff)}`,
        data: { agent, metric: m.name, median: fence.median, cutoff: fence.cutoff, sample: fence.sample, max: worst, ...(found ? { culprit: found.culprit } : {}) },
      }),
    );
  }
  return out;
}

/** How a sentence names k of the n outlying runs: "This run", "All n of these runs", "k of these n runs". */
function whichOfRuns(k: number, n: number): string {
  return k === n ? (n === 1 ? 'This run' : `All ${n} of these runs`) : `${k} of these ${n} runs`;
}

/** Which of the outlying runs ended in an error of the run itself, with the most common one quoted: a run the harness stopped is not one that went on by itself. */
function endedText(hits: { r: Observed }[]): string {
  const ended = hits.filter((h) => h.r.obs.ended);
  if (!ended.length) return '';
  const counts = new Map<string, number>();
  for (const h of ended) counts.set(h.r.obs.ended!, (counts.get(h.r.obs.ended!) ?? 0) + 1);
  const [msg] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  const who = whichOfRuns(ended.length, hits.length);
  return ` ${who} ended in an error of the run itself${counts.size > 1 ? ', most often' : ''}: \`${excerpt(msg, 0, 160)}\` (${ended[0]!.r.run.traceId}).`;
}

/**
 * Runs whose stretches with no recorded step running add up to at least half
 * the run: the time went outside the calls. Null unless that holds in most of
 * the runs; else the run with the most such time, its gaps and its length.
 */
function idleGaps(hits: { r: Observed }[]): { runs: number; gap: number; idle: number; gaps: number; total: number; traceId: string } | null {
  let runs = 0;
  let best: { gap: number; idle: number; gaps: number; total: number; traceId: string } | null = null;
  for (const { r } of hits) {
    if (!r.obs.idle) continue;
    const { idle, total } = r.obs.idle;
    // The gaps together, not the longest alone: a tester's scripted waits between turns are several (review round 43,
    // GoodAI LTM: four waits of about two hours each, none half the run).
    if (total > 0 && idle >= total / 2) {
      runs++;
      if (!best || idle > best.idle) best = { ...r.obs.idle, traceId: r.run.traceId };
    }
  }
  return best && runs * 2 > hits.length ? { runs, ...best } : null;
}

/** A run's longest stretch with no recorded step running, and the run's length; null without a root or two steps. */
function idleGap(t: Trace): { gap: number; idle: number; gaps: number; total: number } | null {
  const steps = [...indexTrace(t).steps].sort((a, b) => a.startTime - b.startTime);
  const root = indexTrace(t).root;
  if (!root || steps.length < 2) return null;
  const total = root.endTime - root.startTime;
  let reach = root.startTime;
  let gap = 0;
  let idle = 0;
  let gaps = 0;
  const add = (d: number) => {
    if (d <= 0) return;
    gap = Math.max(gap, d);
    idle += d;
    gaps++;
  };
  for (const s of steps) {
    add(s.startTime - reach);
    reach = Math.max(reach, s.endTime);
  }
  add(root.endTime - reach);
  return { gap, idle, gaps, total };
}

/**
 * Why runs took more steps, as far as one check goes: a call made again with
 * the same tool and arguments is a step the run had already taken. Said only
 * of the runs where it was so; the rest is left unexplained.
 */
function stepsText(hits: { r: Observed }[]): { rootCause: string; fix: string } {
  const repeated = hits.filter((h) => h.r.obs.repeat !== null);
  const unexplained = "Halo's checks did not determine why they ran longer.";
  if (repeated.length === 0) {
    // A call made again after an install, an edit or code run is a fresh try: said as such, not as "no call twice".
    const between = hits.some((h) => h.r.obs.freshTry) ? ' without a call in between that could change what it runs against (an install, an edit, code run)' : '';
    const none = hits.length === 1 ? `This run takes more steps than the fence for this agent, and makes no call (tool and arguments) twice${between}.` : `These runs take more steps than the fence for this agent, and none of them makes the same call (tool and arguments) twice${between}.`;
    return { rootCause: `${none} ${hits.length === 1 ? unexplained.replace('they', 'it') : unexplained}`, fix: FIX.steps };
  }
  const top = repeated.reduce((a, b) => (b.r.obs.repeat!.times > a.r.obs.repeat!.times ? b : a));
  const share = whichOfRuns(repeated.length, hits.length);
  return {
    rootCause: `${share} made the same call (tool and arguments) again with no call in between that could change what it runs against (an install, an edit, code run): up to ${top.r.obs.repeat!.times} times (\`${top.r.obs.repeat!.name}\` in ${top.r.run.traceId}): some of the extra steps are calls already made.${repeated.length < hits.length ? ` ${unexplained.replace('they', 'the others')}` : ''}`,
    // Only the repeats are checked: what made the model call again is for the reader to find, not for halo to name.
    fix: `Read the cited runs that made a call again for what the model had in front of it when it did${repeated.length < hits.length ? ', and the others for what their extra steps do' : ''}, and address that; a cap on steps is a safety net that can end runs that would have passed.`,
  };
}

const FIX: Record<Metric['name'], string> = {
  steps: 'Read the longest cited runs for what the extra steps do and address that; a cap on steps is a safety net that can end runs that would have passed.',
  tokens: 'Truncate or summarise large tool results before they go back into the prompt, and cap the conversation length per run.',
  cost: 'Set a per-run cost budget that stops the run (or switches to a cheaper model) when exceeded; check which spans dominate cost in the cited runs.',
  latency: 'Set timeouts on the slow tool and model calls in the cited runs and fail fast with a fallback; alert on runs above the fence.',
};

/** Where no call holds the excess: nothing to truncate or time out, so the reader is sent to what the extra calls do. */
const SPREAD_FIX: Record<Metric['name'], string> = {
  steps: FIX.steps,
  tokens: 'No call stands out, so truncating one would not bring these runs back: read the cited runs for what made them take more calls or send longer prompts, and address that; a cap on conversation length is a safety net that can end runs that would have passed.',
  cost: 'No call stands out, so no one call is what to make cheaper: read the cited runs for what made them take more calls or send longer prompts, and address that; a per-run cost budget is a safety net that can end runs that would have passed.',
  latency: 'No call stands out, so a timeout on one would not bring these runs back: read the cited runs for what their extra calls do, and alert on runs above the fence.',
};

/** A ratio as a title states it, rounded: one decimal below 10 (3.38 → 3.4×, 3.6×, not 4×), whole above. */
export function timesText(x: number): string {
  const tenths = Math.round(x * 10) / 10;
  return tenths < 10 ? `${tenths.toFixed(1).replace(/\.0$/, '')}×` : `${Math.round(x)}×`;
}
