// Two windows of runs, side by side: per agent, per agent and task, per tool
// and per model, each metric this window against the baseline with intervals,
// a test, and a verdict after Holm's correction over every test made. A change
// is called only when it is significant after correction AND at least the
// minimum effect (a 2% rise in steps over 50,000 runs is significant and
// nobody's problem). Pure: rows in, table out.
import type { RunMetric } from './types.ts';
import type { Comparison, ComparisonRow, Group, MetricName, Side } from './schema.ts';
import { bootstrapMedianDifference, differenceInterval, holm, mannWhitney, medianInterval, proportionTest, seedOf, wilson } from './stats.ts';

export interface CompareOptions {
  /** Family-wise error rate across all tests (Holm). */
  alpha?: number;
  /** Smallest relative change of a median (0.1 = 10%), or of a success rate in points (0.1 = 10 points), worth a verdict. */
  minEffect?: number;
  /** Runs each side must have for a group's metric to be tested. */
  minRuns?: number;
  /** Bootstrap resamples for the interval of a change in medians. */
  resamples?: number;
  labels?: { baseline: string; current: string };
}

export const COMPARE_DEFAULTS = { alpha: 0.05, minEffect: 0.1, minRuns: 8, resamples: 1000 } as const;

/** Higher is worse for every metric but success. */
export const HIGHER_IS_WORSE: Record<MetricName, boolean> = {
  success: false, steps: true, tokens: true, cost: true, latency: true, toolLatency: true, modelLatency: true, modelCost: true,
};

/** A metric's per-run value for one group, or null when the run does not record it. */
type Extract = (r: RunMetric) => number | null;

const RUN_METRICS: Array<{ metric: Exclude<MetricName, 'success' | 'toolLatency' | 'modelLatency' | 'modelCost'>; value: Extract }> = [
  { metric: 'steps', value: (r) => r.steps },
  { metric: 'tokens', value: (r) => r.tokens },
  { metric: 'cost', value: (r) => r.cost },
  { metric: 'latency', value: (r) => r.ms },
];

const meanMs = (t: RunMetric['tools'][string] | undefined): number | null => (t && t[1] !== null && t[0] > 0 ? t[1] / t[0] : null);

/** The per-run value a row compares, for citing runs and building predicates (findings.ts). */
export function metricValue(metric: MetricName, group: Group, r: RunMetric): number | null {
  switch (metric) {
    case 'success':
      return r.ok === null ? null : r.ok ? 1 : 0;
    case 'toolLatency':
      return meanMs(r.tools[group.tool!]);
    case 'modelLatency':
      return meanMs(r.models[group.model!]);
    case 'modelCost':
      return r.models[group.model!]?.[2] ?? null;
    default:
      return RUN_METRICS.find((m) => m.metric === metric)!.value(r);
  }
}

/** Does the run belong to the group? */
export function inGroup(group: Group, r: RunMetric): boolean {
  if (group.agent !== undefined && r.agent !== group.agent) return false;
  if (group.task !== undefined && r.task !== group.task) return false;
  if (group.tool !== undefined && !r.tools[group.tool]) return false;
  if (group.model !== undefined && !r.models[group.model]) return false;
  return true;
}

export function groupLabel(g: Group): string {
  if (g.tool !== undefined) return `tool ${g.tool}`;
  if (g.model !== undefined) return `model ${g.model}`;
  return g.task !== undefined ? `${g.agent} · task ${g.task}` : (g.agent ?? 'all runs');
}

interface Candidate {
  group: Group;
  metric: MetricName;
  base: number[];
  cur: number[];
}

function candidates(base: RunMetric[], cur: RunMetric[]): Candidate[] {
  const groups: Group[] = [];
  const agents = new Set(cur.map((r) => r.agent));
  for (const a of [...agents].sort()) {
    groups.push({ agent: a });
    const tasks = new Set(cur.filter((r) => r.agent === a && r.task !== null).map((r) => r.task!));
    for (const t of [...tasks].sort()) groups.push({ agent: a, task: t });
  }
  const out: Candidate[] = [];
  const collect = (group: Group, metric: MetricName) => {
    const pick = (rows: RunMetric[]) => rows.filter((r) => inGroup(group, r)).map((r) => metricValue(metric, group, r)).filter((v): v is number => v !== null);
    out.push({ group, metric, base: pick(base), cur: pick(cur) });
  };
  for (const g of groups) {
    collect(g, 'success');
    for (const m of RUN_METRICS) collect(g, m.metric);
  }
  const names = (rows: RunMetric[], key: 'tools' | 'models') => new Set(rows.flatMap((r) => Object.keys(r[key])));
  for (const tool of [...names(cur, 'tools')].sort()) collect({ tool }, 'toolLatency');
  for (const model of [...names(cur, 'models')].sort()) {
    collect({ model }, 'modelLatency');
    collect({ model }, 'modelCost');
  }
  return out;
}

const round = (x: number, digits = 4) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

function rateSide(v: number[]): Side {
  const k = v.filter((x) => x === 1).length;
  const [low, high] = wilson(k, v.length);
  return { n: v.length, k, value: round(k / v.length), low: round(low), high: round(high) };
}

function medianSide(v: number[]): Side {
  const m = medianInterval(v);
  return { n: v.length, value: round(m.value), low: round(m.low), high: round(m.high) };
}

type Tested = Omit<ComparisonRow, 'pAdjusted' | 'verdict'>;

function testRate(c: Candidate): Tested {
  const b = rateSide(c.base);
  const cu = rateSide(c.cur);
  const [low, high] = differenceInterval(cu.k!, cu.n, b.k!, b.n);
  return {
    group: c.group, metric: c.metric, baseline: b, current: cu,
    change: { value: round(cu.k! / cu.n - b.k! / b.n), low: round(low), high: round(high), relative: null },
    method: 'rate: Wilson intervals, Newcombe interval of the difference, two-proportion score test',
    p: proportionTest(b.k!, b.n, cu.k!, cu.n),
  };
}

function testMedians(c: Candidate, resamples: number): Tested {
  const b = medianSide(c.base);
  const cu = medianSide(c.cur);
  const diff = cu.value - b.value;
  const ci = bootstrapMedianDifference(c.base, c.cur, { resamples, seed: seedOf(`${groupLabel(c.group)}|${c.metric}`) });
  return {
    group: c.group, metric: c.metric, baseline: b, current: cu,
    change: { value: round(diff), low: round(ci.low), high: round(ci.high), relative: b.value > 0 ? round(diff / b.value) : null },
    method: 'median: order-statistic intervals, bootstrap interval of the difference, Mann-Whitney U test',
    p: mannWhitney(c.base, c.cur).p,
  };
}

function verdictOf(row: Tested, pAdjusted: number, o: Required<Pick<CompareOptions, 'alpha' | 'minEffect'>>): ComparisonRow['verdict'] {
  if (!(pAdjusted < o.alpha)) return 'none';
  const { value, low, high, relative } = row.change;
  // The interval of the change must agree with the test: both sides of zero is no verdict.
  if (low <= 0 && high >= 0) return 'none';
  const size = row.metric === 'success' ? Math.abs(value) : relative === null ? Infinity : Math.abs(relative);
  if (size < o.minEffect) return 'none';
  const up = value > 0;
  return up === HIGHER_IS_WORSE[row.metric] ? 'worse' : 'better';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function span(rows: RunMetric[]): { start: string | null; end: string | null } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) if (r.start !== null) { lo = Math.min(lo, r.start); hi = Math.max(hi, r.start); }
  return { start: lo === Infinity ? null : iso(lo), end: hi === -Infinity ? null : iso(hi) };
}

export function compareWindows(base: RunMetric[], cur: RunMetric[], opts: CompareOptions = {}): Comparison {
  const alpha = opts.alpha ?? COMPARE_DEFAULTS.alpha;
  const minEffect = opts.minEffect ?? COMPARE_DEFAULTS.minEffect;
  const minRuns = opts.minRuns ?? COMPARE_DEFAULTS.minRuns;
  const resamples = opts.resamples ?? COMPARE_DEFAULTS.resamples;
  const tested: Tested[] = [];
  const untested: Comparison['untested'] = [];
  for (const c of candidates(base, cur)) {
    if (c.base.length < minRuns || c.cur.length < minRuns) {
      // Per-task groups with a handful of runs are the norm; list only groups that had data at all.
      if (c.base.length + c.cur.length > 0 && c.group.task === undefined) {
        untested.push({ group: c.group, metric: c.metric, reason: c.base.length === 0 && c.metric !== 'success' && c.cur.length === 0 ? 'not recorded' : `too few runs (${c.base.length} baseline, ${c.cur.length} this window; ${minRuns} needed)` });
      }
      continue;
    }
    tested.push(c.metric === 'success' ? testRate(c) : testMedians(c, resamples));
  }
  const adjusted = holm(tested.map((t) => t.p));
  const rows = tested.map((t, i) => ({ ...t, p: round(t.p), pAdjusted: round(adjusted[i]!), verdict: verdictOf(t, adjusted[i]!, { alpha, minEffect }) }));
  const notes: string[] = [];
  if (!base.length) notes.push('The baseline holds no runs: nothing could be compared.');
  if (cur.some((r) => r.ok !== null) && !base.some((r) => r.ok !== null)) notes.push('Runs in this window carry outcomes and the baseline\'s do not: success rates were not compared.');
  const labels = opts.labels ?? { baseline: 'baseline', current: 'this window' };
  return {
    baseline: { label: labels.baseline, runs: base.length, ...span(base) },
    current: { label: labels.current, runs: cur.length, ...span(cur) },
    alpha,
    minEffect,
    minRuns,
    tests: tested.length,
    rows,
    untested: untested.slice(0, 200),
    notes,
  };
}
