// Impact: do the runs a finding affects fail more often than the rest? When
// runs carry outcomes (reward, success, a verdict label), each finding gets
// the failure rate of its affected runs against the other judged runs, and the
// difference with a 95% interval (Newcombe's hybrid score interval, built
// from the two Wilson intervals: sound at small counts and at 0% or 100%,
// where a normal approximation collapses). Ranking and severity use it: a
// pattern that predicts failure outranks a more frequent one that is always
// recovered.
import type { Impact, Severity } from './schema.ts';

/** Which runs carry a verdict, and which of those failed (from the isolate). */
export interface RunOutcomes {
  judged: string[];
  failed: string[];
  /** Per agent: runs, judged, failed, and runs that ended in an error with no verdict (report context, not findings). */
  byAgent?: AgentOutcomes[];
  /** Set when the verdicts are a signal's labels (`signal:<name>`), not recorded outcomes. */
  source?: string;
}

export interface AgentOutcomes {
  agent: string;
  runs: number;
  judged: number;
  failed: number;
  errored: number;
}

const Z95 = 1.959964;

/** Wilson score interval for k successes in n trials. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact at the edges: float noise must not put 10/10 below 1.
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

/** Newcombe (1998, method 10) interval for p1 − p2. */
export function differenceInterval(k1: number, n1: number, k2: number, n2: number): [number, number] {
  const p1 = n1 ? k1 / n1 : 0;
  const p2 = n2 ? k2 / n2 : 0;
  const [l1, u1] = wilson(k1, n1);
  const [l2, u2] = wilson(k2, n2);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

export interface OutcomeIndex {
  judged: Set<string>;
  failed: Set<string>;
  source?: string;
}

export function indexOutcomes(o: RunOutcomes | undefined): OutcomeIndex | null {
  if (!o || o.judged.length === 0) return null;
  return { judged: new Set(o.judged), failed: new Set(o.failed), ...(o.source ? { source: o.source } : {}) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The runs a finding's runs are fairly compared with, when not every other judged run could have shown it: the
 * judged runs that meet the finding's precondition and do not show it (a detector counts them; `label` names them).
 */
export interface CompareAmong {
  label: string;
  runs: number;
  failed: number;
}

export function isCompareAmong(v: unknown): v is CompareAmong {
  const c = v as CompareAmong | null;
  return c !== null && typeof c === 'object' && typeof c.label === 'string' && Number.isInteger(c.runs) && Number.isInteger(c.failed) && c.runs >= 0 && c.failed >= 0 && c.failed <= c.runs;
}

/**
 * Impact of one affected set. Null when no affected run carries a verdict or
 * when there is nothing to compare with (every judged run is affected, or
 * every judged run failed: no contrast exists).
 */
export function impactOf(affected: Iterable<string>, ix: OutcomeIndex, among?: CompareAmong): Impact | null {
  let runsWith = 0;
  let failedWith = 0;
  for (const id of new Set(affected)) {
    if (!ix.judged.has(id)) continue;
    runsWith++;
    if (ix.failed.has(id)) failedWith++;
  }
  if (ix.failed.size === ix.judged.size || ix.failed.size === 0) return null;
  const runsWithout = among ? among.runs : ix.judged.size - runsWith;
  const failedWithout = among ? among.failed : ix.failed.size - failedWith;
  if (runsWith === 0 || runsWithout === 0) return null;
  const rateWith = failedWith / runsWith;
  const rateWithout = failedWithout / runsWithout;
  const [lo, hi] = differenceInterval(failedWith, runsWith, failedWithout, runsWithout);
  return {
    runsWith,
    failedWith,
    rateWith: round(rateWith),
    runsWithout,
    failedWithout,
    rateWithout: round(rateWithout),
    difference: round(rateWith - rateWithout),
    interval: [round(lo), round(hi)],
    method: 'newcombe-wilson-95',
    ...(among ? { among: among.label } : {}),
    ...(ix.source ? { source: ix.source } : {}),
  };
}

/**
 * Severity from impact: critical when the affected runs fail clearly more
 * (interval lower bound ≥ 0.3), high when the excess is significant (lower
 * bound > 0), low when they fail no more than the rest, within 5 points (a
 * recovered pattern).
 * When they fail more but the interval reaches zero, the data show neither
 * harm nor its absence: the detector's own severity stands, at most medium
 * (a few runs that all failed are not evidence that the failure is minor),
 * and low for a single affected run (round 20: "medium is too high for one
 * call in one run of 500").
 */
export function severityFromImpact(i: Impact, detector: Severity): Severity {
  // One run failing is an anecdote whatever the interval says: it never raises a finding above medium.
  if (i.runsWith === 1 && i.interval[0] > 0) return detector === 'critical' || detector === 'high' ? 'medium' : detector;
  if (i.interval[0] >= 0.3) return 'critical';
  if (i.interval[0] > 0) return 'high';
  if (i.difference <= 0.05) return 'low';
  // One affected run is an anecdote: its failing says nothing about harm across runs.
  if (i.runsWith === 1) return 'low';
  return detector === 'critical' || detector === 'high' ? 'medium' : detector;
}

/** One sentence for summaries and reports. */
export function impactText(i: Impact): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const sign = i.difference >= 0 ? '+' : '−';
  const by = i.source?.startsWith('signal:') ? `By the signal "${i.source.slice('signal:'.length)}" (a judged label, not a recorded outcome), r` : 'R';
  return (
    `${by}uns with it fail ${pct(i.rateWith)} of the time (${i.failedWith}/${i.runsWith}) against ${pct(i.rateWithout)} ` +
    `(${i.failedWithout}/${i.runsWithout}) ${i.among ? `of the other ${i.among}` : 'without'}: ${sign}${Math.abs(Math.round(i.difference * 100))} points ` +
    `(95% interval ${Math.round(i.interval[0] * 100)} to ${Math.round(i.interval[1] * 100)}).`
  );
}
