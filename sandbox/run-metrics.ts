// Per-run numbers for window comparison (src/compare): the verdict, agent
// steps, tokens, cost and latency, and per tool and per model their calls,
// time and cost. Runs in the isolate over the engine's view; only these rows
// leave it. What a run does not record stays null, never zero: a run with no
// token counts must not read as a run that used none.
import type { Trace } from '../src/types.ts';
import type { CallTotals, RunMetric } from '../src/compare/types.ts';
import { agentSteps } from '../src/eval/steps.ts';
import { isUndated } from '../src/ingest/ingestor.ts';
import { agentOf, isToolSpan, toolName } from './detectors/trace-index.ts';
import { outcomeFailed, outcomeJudged } from './detectors/outcomes.ts';

function add(into: Record<string, CallTotals>, name: string, ms: number | null, cost: number | null): void {
  const cur = into[name] ?? (into[name] = [0, null, null]);
  cur[0]++;
  if (ms !== null) cur[1] = (cur[1] ?? 0) + ms;
  if (cost !== null) cur[2] = (cur[2] ?? 0) + cost;
}

export function runMetric(t: Trace): RunMetric {
  const dated = !isUndated(t);
  let hasTokens = false;
  let hasCost = false;
  const tools: Record<string, CallTotals> = Object.create(null);
  const models: Record<string, CallTotals> = Object.create(null);
  for (const s of t.spans) {
    if (s.tokens != null) hasTokens = true;
    const cost = typeof s.costUsd === 'number' ? s.costUsd : null;
    if (cost !== null) hasCost = true;
    const ms = dated && typeof s.durationMs === 'number' ? s.durationMs : null;
    if (isToolSpan(s)) add(tools, toolName(s) || '(unnamed)', ms, null);
    else if (s.kind === 'llm' && typeof s.model === 'string' && s.model) add(models, s.model, ms, cost);
  }
  const total = t.tokens?.total;
  return {
    id: t.traceId,
    agent: agentOf(t),
    task: t.taskId ?? null,
    start: dated ? t.startTime : null,
    ok: outcomeJudged(t) ? !outcomeFailed(t) : null,
    steps: agentSteps(t).steps,
    tokens: hasTokens && typeof total === 'number' && total > 0 ? total : null,
    cost: hasCost && typeof t.costUsd === 'number' && t.costUsd > 0 ? t.costUsd : null,
    ms: dated && typeof t.durationMs === 'number' ? t.durationMs : null,
    tools: { ...tools },
    models: { ...models },
  };
}

export function runMetrics(traces: readonly Trace[]): RunMetric[] {
  return traces.map(runMetric);
}
