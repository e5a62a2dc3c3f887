// Tool calls whose name the model was never offered. The offered list is the
// union of tools declared in the agent's LLM spans (one agent's tool set is
// stable across its runs, and some runs record no declarations). Agents that
// record no declarations at all fall back to the tool's own error message.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { findErrorText, resultText } from './error-text.ts';
import { excerpt, textOf } from './text.ts';
import { agentOf, declaredInTrace, errorMessage, groupBy, indexTrace, isErrorSpan, toolName, agentLabel, agentPhrase } from './trace-index.ts';

const UNKNOWN_MSG = /\b(unknown|unrecognized|undefined|invalid|unsupported|no such) (tool|function|action)\b|\b(tool|function|action) (\S+ )?(not found|does not exist|is not available|not available)\b/i;

export function unknownTools(traces: Trace[], opts: { minTraces?: number } = {}): FindingInput[] {
  const minTraces = opts.minTraces ?? 1;
  const out: FindingInput[] = [];
  for (const [agent, list] of groupBy(traces, agentOf)) {
    const declared = new Set<string>();
    for (const t of list) for (const name of declaredInTrace(t).keys()) declared.add(name);
    const byDeclaration = declared.size > 0;
    const traceIds = new Set<string>();
    const citations: Citation[] = [];
    const calls = new Map<string, number>();
    for (const t of list) {
      for (const s of indexTrace(t).tools) {
        const name = toolName(s);
        // An invented tool cannot run: a call that did not fail is a tool the
        // declarations missed (a hosted tool, a handler added outside the model's list).
        const failed = isErrorSpan(s) || findErrorText(resultText(s)) !== null;
        const unknown = failed && (byDeclaration ? !declared.has(name) : UNKNOWN_MSG.test(errorMessage(s) || textOf(s.tool?.result ?? s.output)));
        if (!unknown) continue;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        traceIds.add(t.traceId);
        citations.push(cite(t, s));
      }
    }
    if (traceIds.size < minTraces || traceIds.size === 0) continue;
    const names = [...calls].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const listed = names.slice(0, 8).map(([n, c]) => `\`${n}\` ×${c}`).join(', ') + (names.length > 8 ? `, and ${names.length - 8} more` : '');
    const offered = [...declared].sort();
    const one = names.length === 1 ? names[0]![0] : null;
    out.push(
      buildFinding({
        title: one ? `${agentLabel(agent)} calls unknown tool \`${one}\`` : `${agentLabel(agent)} calls ${names.length} tools that do not exist`,
        category: 'tool_selection',
        severity: 'high',
        summary: `${shareText(traceIds.size, list.length)} of ${agentPhrase(agent)} call tools ${byDeclaration ? `that are not among the ${offered.length} tools declared to the model (${offered.slice(0, 12).join(', ')}${offered.length > 12 ? ', …' : ''})` : 'that the runtime rejects as unknown'}: ${listed}.`,
        rootCause: byDeclaration
          ? `The model invents tool names (${names.slice(0, 3).map(([n]) => `\`${n}\``).join(', ')}) that are not in the tool list the agent sends, so those calls cannot succeed.`
          : `The model calls tools (${names.slice(0, 3).map(([n]) => `\`${n}\``).join(', ')}) that the runtime rejects as unknown.`,
        confirmed: true,
        fix: `For each invented name (${names.slice(0, 3).map(([n]) => `\`${n}\``).join(', ')}${names.length > 3 ? ', …' : ''}), either add the tool if the model needs that capability, or say in the system prompt which ${offered.length ? `of the declared tools (${offered.slice(0, 8).join(', ')}${offered.length > 8 ? ', …' : ''})` : 'existing tool'} to use instead; reject unknown tool names before execution with an error listing the valid tools so the model corrects itself in the same run.`,
        fixKind: 'prompt',
        component: `agent:${agent}`,
        signature: 'unknown_tool',
        monitor: `Count of tool calls to names outside ${agentLabel(agent)}'s declared tool list per day (should be 0).`,
        detector: 'unknown-tools',
        traceIds,
        citations,
        total: list.length,
        data: { agent, tools: Object.fromEntries(names), declaredTools: offered },
      }),
    );
  }
  return out;
}

function cite(t: Trace, s: Span): Citation {
  const msg = errorMessage(s);
  if (msg) return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(msg) };
  return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(toolNameText(s)) };
}

function toolNameText(s: Span): string {
  return typeof s.tool?.name === 'string' ? s.tool.name : '';
}
