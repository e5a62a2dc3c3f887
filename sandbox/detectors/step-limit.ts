// Runs that stop at the most steps any run of their agent takes, in numbers
// that pile up there: the shape a step limit gives a window (KnowAgent's 50
// turns, InterCode's 10, MINT's 5). Those runs used every step the others
// stopped short of and, where outcomes are recorded, mostly failed. The limit
// itself is rarely in the records, so what is said is what the counts show:
// how many runs stopped at exactly K, that none went past it, how few stopped
// just short of it, and how many of them failed. Where only the runs at K
// failed, that count is the failures again, and nothing is said.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Trace } from '../../src/types.ts';
import { buildFinding, count, shareText, type Citation } from './finding.ts';
import { outcomeFailed, outcomeJudged } from './outcomes.ts';
import { agentLabel, agentPhrase, indexTrace, isToolSpan } from './trace-index.ts';
import { oneShot, runsByAgent, type RunObs, type TwoStep } from './two-step.ts';

/** A run's steps: its model calls, or its tool calls where it records no model call; and its last step, to cite. */
export interface StepCount {
  steps: number;
  unit: 'model call' | 'tool call';
  last: string | null;
}

export interface StepLimitOptions {
  /** Runs an agent needs before a pile-up at its maximum means anything. */
  minRuns?: number;
  /** The fewest steps a limit is looked for at (below it, runs of a fixed shape all take the same few steps). */
  minSteps?: number;
}

function observe(t: Trace): StepCount {
  const { steps } = indexTrace(t);
  const models = steps.filter((s) => s.kind === 'llm');
  const list = models.length ? models : steps.filter(isToolSpan);
  return { steps: list.length, unit: models.length ? 'model call' : 'tool call', last: list[list.length - 1]?.spanId ?? null };
}

export const stepLimitSteps: TwoStep<StepCount, StepLimitOptions> = {
  perRun: (t) => observe(t),
  global: stepLimitFindings,
};

export const stepLimit = oneShot(stepLimitSteps);

function stepLimitFindings(runs: RunObs<StepCount>[], opts: StepLimitOptions): FindingInput[] {
  const minRuns = opts.minRuns ?? 20;
  const minSteps = opts.minSteps ?? 5;
  const out: FindingInput[] = [];
  for (const [agent, list] of runsByAgent(runs)) {
    if (list.length < minRuns) continue;
    // One unit across the agent's runs, or the counts do not compare.
    const unit = list[0]!.obs.unit;
    if (list.some((r) => r.obs.unit !== unit)) continue;
    let max = 0;
    for (const r of list) max = Math.max(max, r.obs.steps);
    if (max < minSteps) continue;
    const at = list.filter((r) => r.obs.steps === max);
    const near = list.filter((r) => r.obs.steps < max && r.obs.steps >= max - 2).length;
    // A pile-up, not a tail: a tenth of the runs (three at least), twice as many as stopped one or two steps short, and not every run (a fixed shape).
    if (at.length < Math.max(3, list.length / 10) || at.length < 2 * near || at.length === list.length) continue;
    const judged = at.filter((r) => outcomeJudged(r.run));
    const failed = judged.filter((r) => outcomeFailed(r.run));
    // Stopping at the limit matters where it is how runs fail; without verdicts nothing says it does.
    if (judged.length < 3 || failed.length * 4 < judged.length * 3) continue;
    // Where every run that stopped short passed, stopping at the limit and failing are one and the same (a harness
    // that ends a run only on success or at the limit): the count would be the failures again (round 32, InterCode).
    const short = list.filter((r) => r.obs.steps < max && outcomeJudged(r.run));
    const failedShort = short.filter((r) => outcomeFailed(r.run)).length;
    if (failedShort === 0) continue;
    const ids = new Set(at.map((r) => r.run.traceId));
    const citations: Citation[] = [];
    for (const r of at) if (r.obs.last && citations.length < 50) citations.push({ traceId: r.run.traceId, spanId: r.obs.last, note: `the run's ${max}th ${unit}, its last` });
    const units = `${unit}s`;
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: ${count(at.length, 'run')} stop at exactly ${max} ${units}, the most any run makes, and ${failed.length === judged.length ? 'all' : 'most'} of them fail`,
        category: 'trajectory',
        severity: 'medium',
        summary: `In ${shareText(at.length, list.length)} of ${agentPhrase(agent)}, the run made exactly ${max} ${units}; no run made more, and ${near === 0 ? 'none' : `only ${near}`} stopped one or two short of it: the runs stop at ${max}, as at a step limit. ${judged.length === at.length && failed.length === at.length ? 'Every one failed its task.' : `${judged.length === at.length ? `${failed.length} of them` : `${failed.length} of the ${judged.length} of them with a verdict`} failed their task.`}`,
        rootCause: `These runs reached the most ${units} any run made without finishing, while ${failedShort} of the ${short.length} judged runs that stopped sooner failed as well; halo's checks did not determine where their ${units} went (the cited runs' last steps show it).`,
        fix: `Read the cited runs' last steps for where their ${units} went before raising the limit: a run that repeats a failing step will not finish with more of them. Count runs that reach the limit apart from other failures, so a change to the limit or the agent shows in that count.`,
        fixKind: 'config',
        component: `agent:${agent}`,
        signature: 'step_limit',
        monitor: `Share of ${agentLabel(agent)} runs that stop at ${max} ${units}, per day.`,
        detector: 'step-limit',
        traceIds: ids,
        citations,
        total: list.length,
        // A run out of steps has not finished, so its failing is close to what it means: no failure rate is set against the others.
        data: { agent, limit: max, unit, runs: at.length, near, judged: judged.length, failed: failed.length, noImpact: true, circular: true },
      }),
    );
  }
  return out;
}
