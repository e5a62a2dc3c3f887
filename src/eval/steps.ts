// What one agent "step" is, per shape of run, so that counts of steps (an
// outlier "this run took 63 steps") mean the same thing a user sees in their
// framework: one decision of the agent and what it did with it, not every
// model and tool call. In order:
//   1. turn-indexed runs (multi-agent chats, anything whose spans carry a
//      numeric `halo.step`): one step per turn, whoever spoke (Who&When's
//      `mistake_step` indexes these turns);
//   2. runs whose agent span holds step spans (smolagents "Step N",
//      OpenAI Agents SDK turns: children of the agent span that are not
//      themselves calls but contain them): one step per such span;
//   3. otherwise (chat transcripts, τ/τ²-bench, trajectories read as calls):
//      one step per model call not nested in another; the tool calls a model
//      turn made belong to that step.
import type { Span, Trace } from '../types.ts';

export type StepUnit = 'turn' | 'step span' | 'model call';

/** Self-contained: the steps-outlier detector inlines its source into the finding's predicate. */
export function agentSteps(trace: Trace): { steps: number; unit: StepUnit } {
  const isCall = (s: Span) => s.kind === 'llm' || s.kind === 'tool';
  const turns = new Set<number>();
  for (const s of trace.spans) {
    const st = s.attributes?.['halo.step'];
    if (typeof st === 'number') turns.add(st);
  }
  if (turns.size) return { steps: turns.size, unit: 'turn' };

  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  const depth = (s: Span) => {
    let d = 0;
    for (let cur = s; cur.parentId && byId.has(cur.parentId) && d < 1000; d++) cur = byId.get(cur.parentId)!;
    return d;
  };
  const agent = trace.spans.filter((s) => s.kind === 'agent').sort((a, b) => depth(a) - depth(b))[0];
  if (agent) {
    const parents = new Set(trace.spans.filter(isCall).map((s) => s.parentId));
    const stepSpans = trace.spans.filter((s) => s.parentId === agent.spanId && !isCall(s) && parents.has(s.spanId));
    if (stepSpans.length) return { steps: stepSpans.length, unit: 'step span' };
  }

  const insideCall = (s: Span) => {
    for (let cur = s.parentId ? byId.get(s.parentId) : undefined, g = 0; cur && g < 1000; g++, cur = cur.parentId ? byId.get(cur.parentId) : undefined) if (cur.kind === 'llm') return true;
    return false;
  };
  return { steps: trace.spans.filter((s) => s.kind === 'llm' && !insideCall(s)).length, unit: 'model call' };
}
