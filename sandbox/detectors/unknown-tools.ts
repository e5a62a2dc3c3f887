// Tool calls whose name the model was never offered. The offered list is the
// union of tools declared in the agent's LLM spans (one agent's tool set is
// stable across its runs, and some runs record no declarations). Agents that
// record no declarations at all fall back to the tool's own error message.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, lit, shareText, type Citation } from './finding.ts';
import { excerpt, textOf } from './text.ts';
import { AGENT_EXPR, agentOf, declaredInTrace, errorMessage, groupBy, indexTrace, isErrorSpan, toolName, agentLabel, agentPhrase } from './trace-index.ts';

const UNKNOWN_MSG = /\b(unknown|unrecognized|undefined|invalid|unsupported|no such) (tool|function|action)\b|\b(tool|function|action) (\S+ )?(not found|does not exist|is not available|not available)\b/i;

export function unknownTools(traces: Trace[], opts: { minTraces?: number } = {}): FindingInput[] {
  const minTraces = opts.minTraces ?? 1;
  const out: FindingInput[] = [];
  for (const [agent, list] of groupBy(traces, agentOf)) {
    const declared = new Set<string>();
    for (const t of list) for (const name of declaredInTrace(t).keys()) declared.add(name);
    const byDeclaration = declared.size > 0;
    // tool name → affected traces and citations
    const hits = new Map<string, { traces: Set<string>; citations: Citation[]; calls: number }>();
    for (const t of list) {
      for (const s of indexTrace(t).tools) {
        const name = toolName(s);
        const unknown = byDeclaration ? !declared.has(name) : isErrorSpan(s) && UNKNOWN_MSG.test(errorMessage(s) || textOf(s.tool?.result ?? s.output));
        if (!unknown) continue;
        let h = hits.get(name);
        if (!h) hits.set(name, (h = { traces: new Set(), citations: [], calls: 0 }));
        h.calls++;
        h.traces.add(t.traceId);
        h.citations.push(cite(t, s));
      }
    }
    for (const [name, h] of hits) {
      if (h.traces.size < minTraces) continue;
      const offered = [...declared].sort();
      out.push(
        buildFinding({
          title: `${agentLabel(agent)} calls unknown tool \`${name}\``,
          category: 'tool_selection',
          severity: 'high',
          summary: `${shareText(h.traces.size, list.length)} of ${agentPhrase(agent)} call \`${name}\` (${h.calls} calls), ${byDeclaration ? `which is not among the ${offered.length} tools declared to the model (${offered.slice(0, 12).join(', ')}${offered.length > 12 ? ', …' : ''})` : 'and the call fails because no such tool exists'}.`,
          rootCause: byDeclaration
            ? `The model invents the tool name \`${name}\`: it is not in the tool list the agent sends, so the call cannot succeed.`
            : `The model calls \`${name}\`, which the runtime rejects as an unknown tool.`,
          confirmed: true,
          fix: `Either add a \`${name}\` tool (if the model needs that capability) or name the closest existing tool in the system prompt for this intent; reject unknown tool names before execution with a message listing the valid tools so the model can correct itself.`,
          fixKind: 'prompt',
          component: `tool:${name}`,
          signature: 'unknown_tool',
          monitor: `Count of tool calls to names outside ${agent}'s declared tool list per day (should be 0).`,
          detector: 'unknown-tools',
          traceIds: h.traces,
          citations: h.citations,
          total: list.length,
          predicate: byDeclaration
            ? `(t) => ${AGENT_EXPR} === ${lit(agent)} && t.spans.some((s) => (s.kind === "tool" || s.tool != null) && ((s.tool && s.tool.name) || s.name) === ${lit(name)})`
            : undefined,
          data: { agent, tool: name, calls: h.calls, declaredTools: offered },
        }),
      );
    }
  }
  return out;
}

function cite(t: Trace, s: Span): Citation {
  const msg = errorMessage(s);
  if (msg) return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(msg) };
  return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(toolNameText(s)) };
}

function toolNameText(s: Span): string {
  return s.tool?.name || '';
}
