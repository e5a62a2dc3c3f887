// What the detectors could not check on this data, and why. A detector that
// lacks what its claim rests on stays silent; this list says where that
// silence comes from, so "no finding" is not read as "no problem".
import type { Trace } from '../../src/types.ts';
import { declaredTools } from './tool-declarations.ts';
import { syntheticTime } from './outliers.ts';
import { outcomeFailed, outcomeJudged } from './outcomes.ts';
import { agentOf } from './trace-index.ts';

export interface Unchecked {
  check: string;
  reason: string;
}

/** Runs per agent an outlier fence needs (the outliers detector's default minimum sample). */
const OUTLIER_SAMPLE = 20;

export function uncheckable(traces: Trace[]): Unchecked[] {
  const fold = coverageFold();
  for (const t of traces) fold.add(t);
  return fold.finish();
}

/** uncheckable() as a fold over the window's runs (a window assembled run by run never holds them all). */
export function coverageFold(): { add(t: Trace): void; finish(): Unchecked[] } {
  let runs = 0;
  let declares = false;
  let judged = 0;
  let failed = 0;
  let realTime = 0;
  let told = 0;
  let replies = 0;
  let priced = 0;
  const tasks = new Map<string, number>();
  const perAgent = new Map<string, number>();
  const add = (t: Trace) => {
    runs++;
    if (outcomeJudged(t)) {
      judged++;
      if (outcomeFailed(t)) failed++;
    }
    if (!syntheticTime(t)) realTime++;
    if (t.costUsd || t.tokens?.total) priced++;
    if (t.taskId != null) tasks.set(`${agentOf(t)}\u0000${t.taskId}`, (tasks.get(`${agentOf(t)}\u0000${t.taskId}`) ?? 0) + 1);
    perAgent.set(agentOf(t), (perAgent.get(agentOf(t)) ?? 0) + 1);
    let userText = false;
    let replyText = false;
    for (const s of t.spans) {
      if (!declares && s.kind === 'llm' && declaredTools(s).length) declares = true;
      if (s.parentId == null && typeof s.input === 'string' && s.input.trim()) userText = true;
      if (Array.isArray(s.messages) && s.messages.some((m) => m.role === 'user' && m.content)) userText = true;
      if ((s.kind === 'llm' || s.kind === 'agent') && s.parentId != null && (s.output || s.messages?.some((m) => m.role === 'assistant' && m.content))) replyText = true;
    }
    if (userText) told++;
    if (replyText) replies++;
  };
  const finish = (): Unchecked[] => {
    if (runs === 0) return [];
    const out: Unchecked[] = [];
    if (!declares) out.push({ check: 'tool arguments against declared schemas', reason: 'no model call in the window records the tools it was offered (llm.tools, gen_ai.request.tools, tools)' });
    if (judged === 0) out.push({ check: 'impact (failure rate with vs without a finding)', reason: 'no run carries an outcome (success, reward or a verdict); join one with --outcomes' });
    else if (failed === 0 || failed === judged) out.push({ check: 'impact (failure rate with vs without a finding)', reason: `every judged run ${failed ? 'failed' : 'passed'}, so there is nothing to compare` });
    if (![...tasks.values()].some((n) => n >= 2) || judged === 0) out.push({ check: 'pass^k consistency across trials', reason: judged === 0 ? 'no run carries an outcome' : 'no task has two or more trials (a task id repeated across runs)' });
    if (realTime === 0) out.push({ check: 'latency outliers', reason: 'every run\'s times were synthesized by the ingest (the source records no timestamps)' });
    if (![...perAgent.values()].some((n) => n >= OUTLIER_SAMPLE)) out.push({ check: 'step, token, cost and latency outliers', reason: `no agent has ${OUTLIER_SAMPLE} or more runs to set a fence from` });
    else if (priced === 0) out.push({ check: 'token and cost outliers', reason: 'no run records tokens or cost' });
    if (told === 0) out.push({ check: 'where a failing value came from (the user, a tool, the model, the environment)', reason: 'no run records the task or the user\'s messages' });
    if (replies === 0) out.push({ check: 'whether a failure was acknowledged or ignored, and tool calls left written in a last reply', reason: 'no run records what the model replied' });
    return out;
  };
  return { add, finish };
}
