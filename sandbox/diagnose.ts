// The isolate side of diagnose(): each run to diagnose, rendered step by step
// with the span ids and agents a diagnosis may cite. Everything comes from
// the engine's own view of the window, never from objects sandbox code
// passes in, so the host can check each cited span against this list.
import type { Trace } from '../src/types.ts';
import { render } from './render.ts';

export interface DiagnoseItem {
  traceId: string;
  text: string;
  spans: { spanId: string; agent: string | null; step: number }[];
}

/** Steps of a run (spans in time order), each headed by its id and agent, within `budget` characters. */
export function diagnoseItem(t: Trace, budget: number): DiagnoseItem {
  const per = Math.max(160, Math.floor(budget / Math.max(1, t.spans.length)));
  const spans: DiagnoseItem['spans'] = [];
  const lines = [`run ${t.traceId} · agent ${t.agentName ?? t.agentId ?? '-'} · status ${t.status}${t.outcome ? ` · outcome ${JSON.stringify(t.outcome)}` : ''}`];
  let used = lines[0]!.length;
  t.spans.forEach((s, step) => {
    const agent = s.agentName ?? t.agentName ?? t.agentId ?? null;
    spans.push({ spanId: s.spanId, agent, step });
    if (used > budget) return;
    const head = `step ${step} · span ${s.spanId} · agent ${agent ?? '-'}`;
    const body = render(s, { budget: per });
    lines.push(head, body);
    used += head.length + body.length + 2;
  });
  if (used > budget) lines.push(`… ${t.spans.length} steps in all; later steps cut to fit`);
  return { traceId: t.traceId, text: lines.join('\n'), spans };
}
