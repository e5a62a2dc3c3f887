// Failed outcomes per agent: runs whose outcome says the task failed (success
// false, reward 0, a failure label), and separately runs that ended in an
// error status without an outcome verdict.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import type { AgentOutcomes, RunOutcomes } from '../../src/findings/impact.ts';
import { errorSignature, spanComponent } from './error-signatures.ts';
import { buildFinding, count, lit, shareText, type Citation } from './finding.ts';
import { AGENT_EXPR, agentOf, errorMessage, indexTrace, isErrorSpan, agentLabel, agentPhrase } from './trace-index.ts';
import { excerpt, firstLine, textOf } from './text.ts';
import { oneShot, runsByAgent, type RunObs, type TwoStep } from './two-step.ts';

const FAIL_LABEL = /\b(fail(ed|ure)?|error|incorrect|wrong|unresolved|rejected|timeout|abandoned)\b/i;
const FAIL_LABEL_SRC = FAIL_LABEL.source;

/** The outcome says the task failed. */
export function outcomeFailed(t: Pick<Trace, 'outcome'>): boolean {
  const o = t.outcome;
  if (!o) return false;
  if (o.success === false) return true;
  if (o.success === true) return false;
  if (typeof o.reward === 'number') return o.reward <= 0;
  return typeof o.label === 'string' && FAIL_LABEL.test(o.label);
}
/**
 * The run carries a verdict (success, a label, or a reward that is one). A
 * reward alone strictly between 0 and 1 is partial credit (DA-Code's ML
 * scores): neither a pass nor a failure, so it stays out of the runs that
 * impact compares; counted as a pass it would dilute every failure rate.
 */
export function outcomeJudged(t: Pick<Trace, 'outcome'>): boolean {
  const o = t.outcome;
  if (o == null) return false;
  if (typeof o.success === 'boolean' || typeof o.label === 'string') return true;
  return typeof o.reward === 'number' && !(o.reward > 0 && o.reward < 1);
}

/**
 * Judged and failed run ids, for impact (src/findings/impact.ts), and per
 * agent how many runs failed or ended in an error: the report's context. How
 * many runs failed is what the outcomes say, not something a detector found,
 * so it is stated there and never ranked as a finding.
 */
export function runOutcomes(traces: Trace[]): RunOutcomes {
  const judged: string[] = [];
  const failed: string[] = [];
  const agents = new Map<string, AgentOutcomes>();
  for (const t of traces) {
    const agent = agentOf(t);
    let a = agents.get(agent);
    if (!a) agents.set(agent, (a = { agent, runs: 0, judged: 0, failed: 0, errored: 0 }));
    a.runs++;
    if (erroredWithoutVerdict(t)) a.errored++;
    if (!outcomeJudged(t)) continue;
    a.judged++;
    judged.push(t.traceId);
    if (outcomeFailed(t)) {
      a.failed++;
      failed.push(t.traceId);
    }
  }
  return { judged, failed, byAgent: [...agents.values()].sort((x, y) => y.runs - x.runs || (x.agent < y.agent ? -1 : 1)) };
}
export const OUTCOME_FAILED_EXPR = `(t.outcome != null && (t.outcome.success === false || (t.outcome.success !== true && (typeof t.outcome.reward === "number" ? t.outcome.reward <= 0 : (typeof t.outcome.label === "string" && new RegExp(${lit(FAIL_LABEL_SRC)}, "i").test(t.outcome.label))))))`;

/**
 * The run itself ended in error: its root span says so. A trace's rolled-up
 * status also turns to error when any step failed, even one the agent
 * handled, so it only decides when there is no root.
 */
export function runErrored(t: Trace): boolean {
  const root = indexTrace(t).root;
  return root ? root.status === 'error' || root.error != null : t.status === 'error';
}
const RUN_ERRORED_EXPR = `((r) => r ? (r.status === "error" || r.error != null) : t.status === "error")(t.spans.find((s) => s.spanId === t.rootSpanId) || t.spans.find((s) => s.parentId == null))`;

/** Neither errored nor judged failed. */
export function runEndedOk(t: Trace): boolean {
  return !runErrored(t) && !outcomeFailed(t);
}

/** Ended in error with no failing verdict (and no passing one). */
function erroredWithoutVerdict(t: Trace): boolean {
  return runErrored(t) && !outcomeFailed(t) && t.outcome?.success !== true && !(typeof t.outcome?.reward === 'number' && t.outcome.reward > 0);
}
const ERRORED_EXPR = `(${RUN_ERRORED_EXPR} && !${OUTCOME_FAILED_EXPR} && !(t.outcome != null && (t.outcome.success === true || (typeof t.outcome.reward === "number" && t.outcome.reward > 0))))`;

/** What the global step needs of a run beyond its own fields: its verdict, how it ended, what to cite. */
interface OutcomeRun {
  failed: boolean;
  errored: boolean;
  /** A failed run's first failing step (component and message), or null when none failed. */
  firstError?: string | null;
  /** An errored run has a failing step below its root. */
  failingStep?: boolean;
  citation?: Citation;
}

export const failedOutcomeSteps: TwoStep<OutcomeRun, { minTraces?: number }> = {
  perRun(t) {
    const failed = outcomeFailed(t);
    const errored = erroredWithoutVerdict(t);
    const out: OutcomeRun = { failed, errored };
    if (failed) {
      out.firstError = firstError(t);
      out.citation = rootCitation(t, `outcome ${textOf(t.outcome)}`);
    } else if (errored) {
      const root = indexTrace(t).root;
      out.failingStep = t.spans.some((s) => s !== root && isErrorSpan(s));
      out.citation = rootCitation(t);
    }
    return out;
  },
  global: outcomeFindings,
};

export const failedOutcomes = oneShot(failedOutcomeSteps);

function outcomeFindings(runs: RunObs<OutcomeRun>[], opts: { minTraces?: number }): FindingInput[] {
  const minTraces = opts.minTraces ?? 1;
  const out: FindingInput[] = [];
  for (const [agent, list] of runsByAgent(runs)) {
    const failed = list.filter((r) => r.obs.failed);
    if (failed.length >= minTraces) {
      const labels = countLabels(failed.map((r) => r.run));
      const withVerdict = list.filter((r) => r.run.outcome != null).length;
      const first = firstErrors(failed.map((r) => r.obs.firstError ?? null));
      const [topCause, topCount] = first.causes[0] ?? ['', 0];
      const dominant = topCount >= 0.5 * failed.length;
      out.push(
        buildFinding({
          title: `${agentLabel(agent)}: ${count(failed.length, 'run')} failed their task`,
          category: 'outcome',
          severity: failed.length / Math.max(1, withVerdict) >= 0.2 ? 'high' : 'medium',
          summary: `${shareText(failed.length, list.length)} of ${agentPhrase(agent)} ended with a failing outcome (success false, reward 0 or a failure label).${labelText(labels)} First error in the failed runs: ${first.causes.slice(0, 3).map(([c, n]) => `${c} (${n})`).join('; ') || 'none'}; ${first.none} failed without any error span.`,
          rootCause: dominant
            ? `Most failed runs (${topCount} of ${failed.length}) first go wrong at ${topCause}; the failure most likely starts there, though the outcome alone does not prove it.`
            : `The failed runs do not share one first error (${first.none} have no error span at all), so the causes differ per run — check the co-occurring findings (schema violations, loops, ignored errors) on these traces.`,
          fix: dominant
            ? `Fix ${topCause} first (see its error finding), then re-run the failed tasks of ${agentLabel(agent)} as a regression eval to confirm the success rate recovers.`
            : `Group the failed runs by their first error or deviation and fix the largest group first; add the failing tasks to the ${agentLabel(agent)} regression eval so the fix is measured.`,
          fixKind: 'eval',
          component: `agent:${agent}`,
          signature: 'outcome:failed',
          monitor: `Task success rate of ${agentLabel(agent)} per day; alert when the failed share rises above ${pct(failed.length, list.length)}.`,
          detector: 'outcomes',
          traceIds: failed.map((r) => r.run.traceId),
          citations: failed.map((r) => r.obs.citation!),
          total: list.length,
          predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${OUTCOME_FAILED_EXPR}`,
          data: { agent, labels, firstErrors: Object.fromEntries(first.causes.slice(0, 20)), withoutErrorSpan: first.none },
        }),
      );
    }
    const errored = list.filter((r) => r.obs.errored);
    if (errored.length >= minTraces) {
      out.push(
        buildFinding({
          title: `${agentLabel(agent)}: ${count(errored.length, 'run')} ended in an error`,
          category: 'outcome',
          severity: errored.length / list.length >= 0.1 ? 'high' : 'medium',
          summary: `${shareText(errored.length, list.length)} of ${agentPhrase(agent)} ended with an error status on the run itself.`,
          rootCause: runErrorCause(errored.filter((r) => r.obs.failingStep).length, errored.length),
          fix: runErrorFix(errored.filter((r) => r.obs.failingStep).length),
          fixKind: 'code',
          component: `agent:${agent}`,
          signature: 'outcome:run_error',
          monitor: `Share of ${agentLabel(agent)} runs with error status per day.`,
          detector: 'outcomes',
          traceIds: errored.map((r) => r.run.traceId),
          citations: errored.map((r) => r.obs.citation!),
          total: list.length,
          predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${ERRORED_EXPR}`,
          data: { agent },
        }),
      );
    }
  }
  return out;
}

/**
 * Only claim the error came up from a step when a step below the run span
 * failed (`withStep` runs): a run span that errors with every child ok shows no failing step.
 */
function runErrorFix(withStep: number): string {
  const handle = `Handle the failing step's error where it happens (retry, fallback, or a clear message to the user) instead of letting it end the run.`;
  if (withStep > 0) return handle;
  return `Find where the cited error is raised at run level and handle it there; wrap the work that raises it in its own span so the next failure shows which step it was.`;
}

function runErrorCause(withStep: number, errored: number): string {
  if (withStep === errored) return `An error propagated to the top of these runs; the failing step is in the error findings for the same traces.`;
  if (withStep === 0) return `The error is set on the run's own span and no step below it failed, so the traces do not show where it came from; look at the run-level code (setup, teardown, the final answer) and the error text cited.`;
  return `In ${withStep} of ${errored} runs a step below also failed (see the error findings for the same traces); in the other ${errored - withStep} the error is set on the run's own span with no failing step below it, so the trace does not show where it came from.`;
}

function rootCitation(t: Trace, note?: string): Citation {
  const root = indexTrace(t).root;
  if (!root) return { traceId: t.traceId, note };
  const msg = errorMessage(root);
  return { traceId: t.traceId, spanId: root.spanId, excerpt: msg ? excerpt(msg) : undefined, note };
}

/** A run's earliest failing step (not its root), as component and normalized message; null when none failed. */
function firstError(t: Trace): string | null {
  let first: Span | null = null;
  for (const s of t.spans) {
    if (s.spanId === t.rootSpanId || !isErrorSpan(s)) continue;
    if (!first || s.startTime < first.startTime) first = s;
  }
  return first ? `\`${spanComponent(first)}\` "${firstLine(errorSignature(first), 100)}"` : null;
}

/** The runs' earliest failing steps, grouped; `none` counts runs without one. */
function firstErrors(keys: (string | null)[]): { causes: [string, number][]; none: number } {
  const counts = new Map<string, number>();
  let none = 0;
  for (const key of keys) {
    if (key === null) {
      none++;
      continue;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { causes: [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), none };
}

function countLabels(traces: Pick<Trace, 'outcome'>[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const t of traces) if (t.outcome?.label) m[t.outcome.label] = (m[t.outcome.label] ?? 0) + 1;
  return m;
}

function labelText(labels: Record<string, number>): string {
  const top = Object.entries(labels).sort((a, b) => b[1] - a[1]).slice(0, 3);
  return top.length ? ` Labels: ${top.map(([l, n]) => `${l} (${n})`).join(', ')}.` : '';
}

function pct(n: number, total: number): string {
  return `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;
}
