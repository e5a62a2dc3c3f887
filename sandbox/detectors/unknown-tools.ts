// Tool calls whose name the model was never offered. The offered list is the
// union of tools declared in the agent's LLM spans (one agent's tool set is
// stable across its runs, and some runs record no declarations). Agents that
// record no declarations at all fall back to the tool's own error message.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { oneShot, runsByAgent, type RunObs, type TwoStep } from './two-step.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { findErrorText, resultText } from './error-text.ts';
import { excerpt, textOf } from './text.ts';
import { declaredInTrace, errorMessage, indexTrace, isErrorSpan, toolName, agentLabel, agentPhrase } from './trace-index.ts';

const UNKNOWN_MSG = /\b(unknown|unrecognized|undefined|invalid|unsupported|no such) (tool|function|action)\b|\b(tool|function|action) (\S+ )?(not found|does not exist|is not available|not available)\b/i;

interface FailedCall {
  name: string;
  /** The error or result says the tool is unknown (the rule for agents that declare no tools). */
  saysUnknown: boolean;
  citation: Citation;
}

interface UnknownToolsRun {
  /** Tools declared to the model in this run. */
  declared: string[];
  /** Failed tool calls: an invented tool cannot run, so a call that did not fail is a tool the declarations missed. */
  failed: FailedCall[];
}

export const unknownToolSteps: TwoStep<UnknownToolsRun, { minTraces?: number }> = {
  perRun(t) {
    const failed: FailedCall[] = [];
    for (const s of indexTrace(t).tools) {
      // An invented tool cannot run: a call that did not fail is a tool the
      // declarations missed (a hosted tool, a handler added outside the model's list).
      if (!(isErrorSpan(s) || findErrorText(resultText(s)) !== null)) continue;
      failed.push({ name: toolName(s), saysUnknown: UNKNOWN_MSG.test(errorMessage(s) || textOf(s.tool?.result ?? s.output)), citation: cite(t, s) });
    }
    return { declared: [...declaredInTrace(t).keys()], failed };
  },
  global: unknownToolFindings,
};

export const unknownTools = oneShot(unknownToolSteps);

function unknownToolFindings(runs: RunObs<UnknownToolsRun>[], opts: { minTraces?: number }): FindingInput[] {
  const minTraces = opts.minTraces ?? 1;
  const out: FindingInput[] = [];
  for (const [agent, list] of runsByAgent(runs)) {
    const declared = new Set<string>();
    for (const r of list) for (const name of r.obs.declared) declared.add(name);
    const byDeclaration = declared.size > 0;
    const traceIds = new Set<string>();
    const citations: Citation[] = [];
    const calls = new Map<string, number>();
    for (const { run, obs } of list) {
      for (const { name, saysUnknown, citation } of obs.failed) {
        const unknown = byDeclaration ? !declared.has(name) : saysUnknown;
        if (!unknown) continue;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        traceIds.add(run.traceId);
        citations.push(citation);
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
