// pass^k per task, the τ-bench consistency metric: with n trials of a task of
// which c passed, pass^k = C(c,k) / C(n,k) is the chance that k trials drawn
// without replacement all pass. Averaged over tasks, the curve falls with k as
// fast as the agent is inconsistent; tasks that sometimes pass and sometimes
// fail are where it collapses.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Trace } from '../../src/types.ts';
import { buildFinding, lit, type Citation } from './finding.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { AGENT_EXPR, groupBy, indexTrace, agentLabel, agentPhrase } from './trace-index.ts';

/** C(n,k) as a float; exact for the small n of repeated trials. */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** pass^k for one task with n trials and c passes. */
export function passHatK(n: number, c: number, k: number): number {
  return choose(n, k) ? choose(c, k) / choose(n, k) : 0;
}

/** Whether a trial passed: success when recorded, else reward ≥ threshold; null when unknown. */
export function trialPassed(t: Pick<Trace, 'outcome'>, threshold = 1): boolean | null {
  const o = t.outcome;
  if (!o) return null;
  if (typeof o.success === 'boolean') return o.success;
  if (typeof o.reward === 'number') return o.reward >= threshold - 1e-9;
  return null;
}

export interface TaskConsistency {
  taskId: string;
  trials: number;
  passes: number;
  passK: { k: number; value: number }[];
  traceIds: string[];
}

/**
 * Per task (trials with a known outcome) and the mean curve. For k beyond a
 * task's own trial count the task drops out of the mean for that k, so mixed
 * trial counts still give a meaningful curve.
 */
export function passK(traces: Pick<Trace, 'traceId' | 'taskId' | 'outcome'>[], threshold = 1): { tasks: TaskConsistency[]; curve: { k: number; value: number; tasks: number }[] } {
  const tasks: TaskConsistency[] = [];
  for (const [taskId, list] of groupBy(traces.filter((t) => typeof t.taskId === 'string' && t.taskId !== ''), (t) => t.taskId!)) {
    const judged = list.filter((t) => trialPassed(t, threshold) !== null);
    if (!judged.length) continue;
    const n = judged.length;
    const c = judged.filter((t) => trialPassed(t, threshold)).length;
    const curve = [];
    for (let k = 1; k <= n; k++) curve.push({ k, value: passHatK(n, c, k) });
    tasks.push({ taskId, trials: n, passes: c, passK: curve, traceIds: judged.map((t) => t.traceId) });
  }
  return { tasks, curve: passKCurve(tasks) };
}

/** Mean pass^k over tasks, for k = 1..max trials; each k averages the tasks with at least k trials. */
export function passKCurve(tasks: TaskConsistency[]): { k: number; value: number; tasks: number }[] {
  const maxN = tasks.reduce((m, t) => Math.max(m, t.trials), 0);
  const curve = [];
  for (let k = 1; k <= maxN; k++) {
    const eligible = tasks.filter((t) => t.trials >= k);
    curve.push({ k, value: eligible.reduce((s, t) => s + t.passK[k - 1]!.value, 0) / eligible.length, tasks: eligible.length });
  }
  return curve;
}

/** Per run, the span a citation of the run points at (its root); everything else is the run's own fields. */
export const consistencySteps: TwoStep<ConsistencyObs, { threshold?: number; minTrials?: number }> = {
  perRun: (t) => ({ root: indexTrace(t).root?.spanId, config: configOf(t) }),
  global: consistencyFindings,
  passes: true,
};

interface ConsistencyObs {
  root?: string;
  /** What the run was made with, as far as the data shows: its model, or else the file it came from. */
  config: string;
}

/**
 * Runs of one task are trials of one agent only when made the same way: two
 * result files of one benchmark, one per model, are a comparison of models,
 * not flakiness. The run's most used model says how it was made; a source
 * that records no model leaves only its file to tell configurations apart.
 */
function configOf(t: Trace): string {
  const counts = new Map<string, number>();
  for (const s of t.spans) if (s.kind === 'llm' && s.model) counts.set(s.model, (counts.get(s.model) ?? 0) + 1);
  let best: string | null = null;
  for (const [m, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && m < best)) best = m;
  return best !== null ? `model ${best}` : `file ${t.source.file}`;
}

export const consistency = oneShot(consistencySteps);

/** A run as a trial of its task: kept only when the run names its task and its outcome says whether it passed. */
interface Trial {
  traceId: string;
  taskId: string;
  outcome: { success: boolean };
  root: string | undefined;
}

const PASSED = Object.freeze({ success: true });
const FAILED = Object.freeze({ success: false });

/** Predicates longer than this are left out of a finding (consistencyOf). */
const MAX_PREDICATE = 4000;

/** What the global step keeps of one agent's runs made one way. */
interface ConfigRuns {
  runs: number;
  trials: Trial[];
  /** Each task named, by its first run (judged or not): the order passK meets the tasks in over all the runs. */
  tasks: Map<string, number>;
  /** The runs' ids while, as a list in a predicate, they fit in MAX_PREDICATE; null past that (no predicate names them). */
  ids: string[] | null;
  idsLength: number;
}

/** One pass over the runs, keeping of each run its trial (ids and whether it passed), so that a week's runs are never held whole. */
function consistencyFindings(given: RunPasses<ConsistencyObs>, opts: { threshold?: number; minTrials?: number }): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<ConsistencyObs>[]) : given;
  const out: FindingInput[] = [];
  const agents = new Map<string, Map<string, ConfigRuns>>();
  runs.forEach(({ run, obs }) => {
    let configs = agents.get(run.agent);
    if (!configs) agents.set(run.agent, (configs = new Map()));
    let c = configs.get(obs.config);
    if (!c) configs.set(obs.config, (c = { runs: 0, trials: [], tasks: new Map(), ids: [], idsLength: 1 }));
    c.runs++;
    if (c.ids !== null) {
      c.idsLength += lit(run.traceId).length + 1;
      if (c.idsLength > MAX_PREDICATE) c.ids = null;
      else c.ids.push(run.traceId);
    }
    // What passK counts: runs with a task, whose outcome says whether they passed.
    const named = typeof run.taskId === 'string' && run.taskId !== '';
    if (named && !c.tasks.has(run.taskId!)) c.tasks.set(run.taskId!, c.tasks.size);
    const passed = named ? trialPassed(run, opts.threshold) : null;
    if (passed !== null) c.trials.push({ traceId: run.traceId, taskId: run.taskId!, outcome: passed ? PASSED : FAILED, root: obs.root });
  });
  for (const [agent, configs] of agents) {
    for (const [config, c] of configs) out.push(...consistencyOf(agent, configs.size > 1 ? config : null, c, opts));
  }
  return out;
}

/** One agent's runs made one way (`config` named when the agent's runs were made more than one way). */
function consistencyOf(agent: string, config: string | null, observed: ConfigRuns, opts: { threshold?: number; minTrials?: number }): FindingInput[] {
  const minTrials = opts.minTrials ?? 2;
  const out: FindingInput[] = [];
  {
    const order = observed.tasks;
    const repeated = passK(observed.trials, opts.threshold)
      .tasks.sort((a, b) => order.get(a.taskId)! - order.get(b.taskId)!)
      .filter((t) => t.trials >= minTrials);
    if (!repeated.length) return out;
    // Single-trial tasks say nothing about consistency and would inflate pass^1.
    const curve = passKCurve(repeated);
    const flaky = repeated.filter((t) => t.passes > 0 && t.passes < t.trials).sort((a, b) => naturalCompare(a.taskId, b.taskId));
    if (!flaky.length) return out;
    const byId = new Map(observed.trials.map((r) => [r.traceId, r]));
    const traceIds = flaky.flatMap((t) => t.traceIds);
    const citations: Citation[] = [];
    // Cite a failing and a passing trial of each flaky task: the pair is the evidence of inconsistency.
    for (const task of flaky) {
      const trials = task.traceIds.map((id) => byId.get(id)!);
      const fail = trials.find((t) => trialPassed(t, opts.threshold) === false);
      const pass = trials.find((t) => trialPassed(t, opts.threshold) === true);
      for (const [t, what] of [[fail, 'failed'], [pass, 'passed']] as const) {
        if (t) citations.push({ traceId: t.traceId, spanId: t.root, note: `task ${task.taskId}: this trial ${what}; ${task.passes}/${task.trials} trials passed` });
      }
    }
    const p1 = curve[0]!.value;
    const last = curve[Math.min(curve.length, maxCommonK(repeated)) - 1]!;
    const taskIds = flaky.map((t) => t.taskId);
    const inConfig = config === null ? '' : ` && ${observed.ids !== null ? lit(observed.ids) : '[…]'}.includes(t.traceId)`;
    const predicate = `(t) => ${AGENT_EXPR} === ${lit(agent)}${inConfig} && ${lit(taskIds)}.includes(t.taskId) && t.outcome != null && (typeof t.outcome.success === "boolean" || typeof t.outcome.reward === "number")`;
    const made = config === null ? '' : ` (${config.replace(/^file .*[\\/]/, 'file ')})`;
    out.push(
      buildFinding({
        // The runs vary, not necessarily the agent: a simulated user or the environment can differ between trials.
        title: `${agentLabel(agent)} runs${made}: the same task passes on some trials and fails on others (pass^${last.k} ${fmt(last.value)} vs pass^1 ${fmt(p1)})`,
        category: 'consistency',
        severity: p1 - last.value >= 0.15 ? 'high' : 'medium',
        summary: `${flaky.length} of ${repeated.length} tasks of ${agentPhrase(agent)}${made} with repeated trials pass on some trials and fail on others. pass^k falls from ${fmt(p1)} at k=1 to ${fmt(last.value)} at k=${last.k}: the chance that ${last.k} trials of the same task all pass. Flaky tasks: ${taskIds.slice(0, 15).join(', ')}${taskIds.length > 15 ? ', …' : ''}.`,
        rootCause: `The same task passes on some trials and fails on others, so the outcome is not fixed by the task; the traces show that it varies, not which decision made the difference (compare a passing and a failing trial of one flaky task).`,
        fix: `Compare a passing and a failing trial of each flaky task (cited pairs) to find the first point where they diverge (the agent's decision, or what the user or environment said); if it is the agent's, tighten the instruction or tool description that governs it; either way, track pass^k (not only pass^1) in the ${agent === 'unknown' ? "agent's" : agent} eval.`,
        fixKind: 'eval',
        component: `agent:${agent}`,
        signature: config === null ? 'consistency:pass_k' : `consistency:pass_k:${config}`,
        monitor: `pass^k of ${agent} (k = 1..${last.k}) on a fixed task set, per release; alert when pass^${last.k} drops.`,
        detector: 'consistency',
        traceIds,
        citations,
        total: observed.runs,
        predicate: predicate.length <= MAX_PREDICATE && (config === null || observed.ids !== null) ? predicate : undefined,
        maxEvidence: 40,
        data: {
          agent,
          ...(config === null ? {} : { config }),
          passK: curve.map(({ k, value }) => ({ k, value })),
          tasksPerK: curve.map(({ k, tasks }) => ({ k, tasks })),
          flakyTasks: taskIds,
          tasks: repeated.slice(0, 2000).map(({ taskId, trials, passes, passK }) => ({ taskId, trials, passes, passK })),
        },
      }),
    );
  }
  return out;
}

/** The largest k every repeated task reaches: where the mean curve is comparable across tasks. */
function maxCommonK(tasks: TaskConsistency[]): number {
  return tasks.reduce((m, t) => Math.min(m, t.trials), Infinity);
}

/** Task ids in reading order: numeric ids by value ("2" before "11"), others as text. */
function naturalCompare(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

function fmt(v: number): string {
  return v.toFixed(2);
}
