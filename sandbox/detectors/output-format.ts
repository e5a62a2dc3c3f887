// Model output the agent framework could not parse: the model answered, but
// not in the format its framework turns into an action (a code block in the
// required fence, a "Thought/Action" pair, a tool call) — smolagents' "Error
// in code parsing … regex pattern … was not found", LangChain's "Could not
// parse LLM output" / OutputParserException, "Invalid Format: Missing
// 'Action:'". The step is lost: nothing runs, and the model is sent a parse
// error instead of an observation. The messages quote the model's output, so
// no two read the same and error signatures never group them; this groups
// them per agent by what the message says happened.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, shareText, minPatternTraces } from './finding.ts';
import { excerpt, firstLine } from './text.ts';
import { agentLabel, agentPhrase, errorMessage } from './trace-index.ts';
import { addOccurrence, hitsByAgent, runHits, type RunHits } from './agent-hits.ts';
import { oneShot, type RunPasses, type TwoStep } from './two-step.ts';
import { originErrors } from './origin.ts';
import { probeOf, receivingCall } from './received.ts';

/** Messages that say the framework failed to parse the model's output into an action (not: the action failed). */
export const OUTPUT_FORMAT_ERROR =
  /error in code parsing|code snippet is invalid|regex pattern [\s\S]{0,80}? was not found|could not parse (?:llm|model) output|output ?parser ?exception|invalid format: missing '?(?:action|thought|final answer)|failed to parse (?:the )?(?:llm|model|assistant)(?:'s)? (?:output|response|reply)/i;

/** The steps of a run whose error says the framework could not parse the model's output. */
function* rejectedOutputs(t: Trace): Iterable<{ span: Span; msg: string; at: number }> {
  for (const s of originErrors(t)) {
    // The run's own top-level error repeats the failing step's.
    if (s.spanId === t.rootSpanId && t.spans.length > 1) continue;
    const msg = errorMessage(s);
    const m = OUTPUT_FORMAT_ERROR.exec(msg);
    if (m) yield { span: s, msg, at: m.index };
  }
}

/** Per rejected output, the first line of the framework's message (its variant). */
export const outputFormatSteps: TwoStep<RunHits<string>, { minTraces?: number }> = {
  perRun: (t) =>
    runHits(t, rejectedOutputs, ({ msg }) => firstLine(msg, 100), (acc, { span: s, msg, at }, t) => {
      addOccurrence(acc, { traceId: t.traceId, spanId: s.spanId });
      const reader = receivingCall(t, s, probeOf(msg));
      if (reader) {
        acc.received++;
        addOccurrence(acc, { traceId: t.traceId, spanId: reader.spanId, role: 'received', of: s.spanId });
      }
      acc.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(msg, Math.max(0, at - 40), 200) || undefined });
    }),
  global: outputFormatFindings,
  passes: true,
};

export const outputFormat = oneShot(outputFormatSteps);

function outputFormatFindings(runs: RunPasses<RunHits<string>>, opts: { minTraces?: number }): FindingInput[] {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const out: FindingInput[] = [];
  const gathered = hitsByAgent(runs);
  for (const { agent, runs: agentRuns, hits, affected, citations, occurrences, received: read } of gathered) {
    if (affected.size < minTraces) continue;
    const steps = hits.length;
    const variants = new Map<string, number>();
    for (const variant of hits) {
      variants.set(variant, (variants.get(variant) ?? 0) + 1);
    }
    const top = [...variants].sort((a, b) => b[1] - a[1]);
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: the framework could not parse the model's output into an action`,
        category: 'other',
        severity: 'medium',
        summary: `In ${shareText(affected.size, agentRuns)} of ${agentPhrase(agent)}, the agent framework rejected what the model wrote because it was not in the format it parses (${count(steps, 'such step')}${read ? `; ${read} of them sent back to the model in its next call` : ''}), e.g. "${top[0]![0]}". Nothing ran in those steps.`,
        rootCause: `The model answered outside the action format its framework parses; the framework's error and the rejected output are cited.`,
        fix: `Enforce the format at generation (tool calling or structured output instead of parsing free text, stop sequences), show the exact format in the prompt with an example, and make the parse-error message quote the expected format so the next attempt can comply.`,
        fixKind: 'prompt',
        component: `agent:${agent}`,
        signature: 'output_format',
        monitor: `Share of ${agentLabel(agent)} runs with a model output the framework could not parse, per day.`,
        detector: 'output-format',
        traceIds: affected,
        citations,
        total: agentRuns,
        data: { agent, steps, received: read, variants: Object.fromEntries(top.slice(0, 10)), occurrences },
      }),
    );
  }
  return out;
}
