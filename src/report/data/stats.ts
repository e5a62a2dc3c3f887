// Per-agent aggregates: pass^k curves and log-bucketed histograms of cost and
// latency with exact percentiles. Pure: bundled into the isolate.
import type { Trace } from '../../types.ts';
import { agentOf, REPORT_LIMITS, type AgentDistribution, type Histogram, type PassKCurve } from './types.ts';

/** C(c,k)/C(n,k) without large intermediates: the chance k draws without replacement all pass. */
function passRatio(c: number, n: number, k: number): number {
  if (k > n) return NaN;
  if (c < k) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r *= (c - i) / (n - i);
  return r;
}

/** Whether a run's recorded outcome is a pass: success when given, else reward 1; null when unknown. */
export function passed(t: Trace): boolean | null {
  const o = t.outcome;
  if (!o) return null;
  if (typeof o.success === 'boolean') return o.success;
  if (typeof o.reward === 'number' && Number.isFinite(o.reward)) return o.reward >= 1 - 1e-6;
  return null;
}

export function passK(traces: Trace[]): PassKCurve[] {
  const byAgent = new Map<string, Map<string, { n: number; c: number }>>();
  for (const t of traces) {
    if (!t.taskId) continue;
    const p = passed(t);
    if (p === null) continue;
    const agent = agentOf(t);
    let tasks = byAgent.get(agent);
    if (!tasks) byAgent.set(agent, (tasks = new Map()));
    const s = tasks.get(t.taskId) ?? { n: 0, c: 0 };
    s.n += 1;
    if (p) s.c += 1;
    tasks.set(t.taskId, s);
  }
  const curves: PassKCurve[] = [];
  for (const [agent, tasks] of byAgent) {
    // Consistency is only observable on tasks tried more than once; a curve
    // over them all would mix in single-run tasks at k = 1 only.
    const stats = [...tasks.values()].filter((s) => s.n >= 2);
    if (stats.length === 0) continue;
    const trialsMax = Math.max(...stats.map((s) => s.n));
    const trialsMin = Math.min(...stats.map((s) => s.n));
    const points: PassKCurve['points'] = [];
    for (let k = 1; k <= Math.min(trialsMax, REPORT_LIMITS.maxK); k++) {
      let sum = 0;
      let m = 0;
      for (const s of stats) {
        if (s.n < k) continue;
        sum += passRatio(s.c, s.n, k);
        m += 1;
      }
      if (m > 0) points.push({ k, value: sum / m, tasks: m });
    }
    curves.push({ agent, tasks: stats.length, allTasks: tasks.size, trialsMin, trialsMax, points });
  }
  curves.sort((a, b) => b.tasks - a.tasks || a.agent.localeCompare(b.agent));
  return curves.slice(0, REPORT_LIMITS.agents);
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Log-bucketed histogram (4 buckets per decade: edges 1, 1.78, 3.16, 5.62, 10…) with exact percentiles. */
export function histogram(values: number[]): Histogram | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = Float64Array.from(finite).sort();
  const positive = sorted.filter((v) => v > 0);
  const zeros = sorted.length - positive.length;
  const h: Histogram = {
    count: sorted.length,
    zeros,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    buckets: [],
  };
  if (positive.length === 0) return h;
  const perDecade = 4;
  let lo = Math.floor(Math.log10(positive[0]!) * perDecade);
  let hi = Math.floor(Math.log10(positive[positive.length - 1]!) * perDecade) + 1;
  if (hi - lo > 48) hi = lo + 48; // 12 decades is more than any cost or latency needs
  // At least two decades of axis, so a tight distribution reads as tight, not as one wide bar.
  if (hi - lo < 8) {
    const pad = 8 - (hi - lo);
    lo -= Math.floor(pad / 2);
    hi += Math.ceil(pad / 2);
  }
  const edge = (i: number) => Math.pow(10, i / perDecade);
  const counts = new Array<number>(hi - lo).fill(0);
  for (const v of positive) {
    const i = Math.min(hi - lo - 1, Math.max(0, Math.floor(Math.log10(v) * perDecade) - lo));
    counts[i]! += 1;
  }
  h.buckets = counts.map((count, i) => ({ lo: edge(lo + i), hi: edge(lo + i + 1), count }));
  return h;
}

export function distributions(traces: Trace[]): AgentDistribution[] {
  const byAgent = new Map<string, { cost: number[]; latency: number[]; costSeen: boolean }>();
  for (const t of traces) {
    const a = agentOf(t);
    let d = byAgent.get(a);
    if (!d) byAgent.set(a, (d = { cost: [], latency: [], costSeen: false }));
    d.latency.push(t.durationMs);
    d.cost.push(t.costUsd ?? 0);
    if (t.costUsd > 0) d.costSeen = true;
  }
  return [...byAgent.entries()]
    .sort((a, b) => b[1].latency.length - a[1].latency.length || a[0].localeCompare(b[0]))
    .slice(0, REPORT_LIMITS.agents)
    .map(([agent, d]) => ({
      agent,
      traces: d.latency.length,
      cost: d.costSeen ? histogram(d.cost) : null,
      latency: histogram(d.latency),
    }));
}
