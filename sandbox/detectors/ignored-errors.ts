// Errors the agent ignores: a tool call fails, nothing after it succeeds or
// speaks of it before the model's next reply, that reply goes on without a
// word about it, and the run still reports success (no error, and no verdict). The user gets an answer
// built on a result that never arrived. A failure the agent routes around
// (a retry, changed inputs, another tool that works) is recovered, not ignored.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Message, Span, Trace } from '../../src/types.ts';
import { buildFinding, count, shareText, type Citation } from './finding.ts';
import { outcomeJudged, runEndedOk } from './outcomes.ts';
import { emittingCall } from './owner.ts';
import { spanAgent } from './origin.ts';
import { oneShot, type RunObs, type TwoStep, arrayPasses, type RunPasses } from './two-step.ts';
import { argumentText, excerpt, stringsIn, textOf } from './text.ts';
import { parseArguments } from './tool-arguments.ts';
import { agentOf, errorMessage, indexTrace, isErrorSpan, isToolSpan, othersCallsBetween, toolName, agentLabel, agentPhrase } from './trace-index.ts';

/** Words with which a model acknowledges a failed step. */
const ACKNOWLEDGE = /\b(errors?|fail(ed|s|ure|ing)?|unable|could ?n[o']t|can ?n[o']t|sorry|unfortunately|problems?|issues?|retry(ing)?|try(ing)? again|unavailable|timed? ?out|not (found|available|working|work)|didn'?t work|went wrong|apologi[sz]e|apologies|instead|unsuccessful|did ?n[o']t (?:yield|return|give|produce|succeed)|no results?)\b/i;

/** The run's last model reply with words in it, after `failed` ended. */
function lastReplyAfter(steps: Span[], failed: Span): Span | undefined {
  return [...steps].reverse().find((x) => x.kind === 'llm' && x.startTime >= failed.endTime && replyText(x).trim() !== '');
}

/** The step after `i` that starts once span i has ended (concurrent calls are not "next"). */
function nextStep(steps: Span[], i: number): number {
  const end = steps[i]!.endTime;
  for (let j = i + 1; j < steps.length; j++) if (steps[j]!.startTime >= end) return j;
  return -1;
}

/** The model's next reply mentions the failure, or names the tool that failed (e.g. "x is not available; using y instead"). */
export function acknowledges(llm: Span, failedTool: string): boolean {
  const text = replyText(llm).slice(0, 20_000);
  return ACKNOWLEDGE.test(text) || (failedTool.length > 2 && text.includes(failedTool));
}

/**
 * What the model said in this step: its output, plus the assistant messages
 * that close the span's message list (sources that record the conversation
 * put the reply after the input messages).
 */
export function replyText(llm: Span): string {
  return [textOf(llm.output), ...closingReplies(llm).map((m) => textOf(m.content))].join('\n');
}

/** The assistant messages that close a model call's message list: its reply, where the source records the conversation. */
export function closingReplies(llm: Span): Message[] {
  const msgs = Array.isArray(llm.messages) ? llm.messages : [];
  let i = msgs.length;
  while (i > 0 && msgs[i - 1]?.role === 'assistant') i--;
  return msgs.slice(i);
}

/**
 * Failed tool calls the run carries on from as if they had worked. A failure
 * is recovered — not ignored — when, before the model's next reply, a tool
 * call succeeds (the same call retried, changed inputs, or another tool taking
 * over), or when a tool call's arguments or the next reply speak of the
 * failure, or when the same tool is called again later in the run. It is
 * ignored only when none of that happens, the model's next
 * reply goes on without a word about it, and the run still ends reported as
 * a success: each of those is checked on the spans.
 */
/** Each ignored call, with the run's last reply after it (none when the run said nothing more). */
export function ignoredErrors(trace: Trace): { span: Span; lastReply: Span | undefined }[] {
  // A verdict of success says the answer was right all the same: the failure cost nothing the user sees, so
  // nothing was ignored that mattered (AutoAct's judged-correct answers, round 24). Only a run's own report of
  // success, which no grader checked, can hide a failure from whoever reads it.
  if (!runEndedOk(trace) || outcomeJudged(trace)) return [];
  const steps = indexTrace(trace).steps;
  const lastCall = new Map<string, number>();
  steps.forEach((s, i) => {
    if (isToolSpan(s)) lastCall.set(toolName(s), i);
  });
  const ignored: { span: Span; lastReply: Span | undefined }[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (!isToolSpan(s) || !isErrorSpan(s)) continue;
    // Called again later in the run: the agent came back to it.
    if (lastCall.get(toolName(s))! > i) continue;
    if (!carriedOnWithout(trace, steps, i)) continue;
    // The run's last reply says the failure happened (the answer admits what could not be done): not carried on as if it worked.
    const last = lastReplyAfter(steps, s);
    if (last && acknowledges(last, toolName(s))) continue;
    // The harness acted on the failure itself before the model's next step (an install it ran on its own): not the model's to take up.
    const next = steps.slice(i + 1).find((x) => x.kind === 'llm');
    if (othersCallsBetween(trace, s.startTime, next?.startTime ?? Infinity).length) continue;
    ignored.push({ span: s, lastReply: last });
  }
  return ignored;
}

/**
 * Follows the run from failed step i to the model's next reply with words in
 * it: true when nothing on the way succeeded or spoke of the failure and that
 * reply does not either, nor made a call that went through. No such reply (the run stops there): nothing shows
 * it carried on, so false.
 */
function carriedOnWithout(trace: Trace, steps: Span[], i: number): boolean {
  const name = toolName(steps[i]!);
  for (let j = nextStep(steps, i); j >= 0; j = nextStep(steps, j)) {
    const step = steps[j]!;
    if (isToolSpan(step)) {
      if (!isErrorSpan(step)) return false;
      if (ACKNOWLEDGE.test(argumentsText(step))) return false;
      continue;
    }
    if (acknowledges(step, name)) return false;
    // A reply that only carries tool calls says nothing yet; keep following the run.
    if (replyText(step).trim() !== '') {
      // That reply routed around the failure when a call it made (another tool, changed inputs) went through.
      return !steps.some((x) => isToolSpan(x) && x.startTime >= step.startTime && !isErrorSpan(x) && emittingCall(trace, x) === step);
    }
  }
  return false;
}

/**
 * A value the failed call was given that its run's last reply (`last`) names (an order, a path, a URL): that reply goes on
 * as if the call had done its work. Values of 4 characters or more, whole words in the reply; null when none.
 */
export function claimedTarget(failed: Span, last: Span | undefined): string | null {
  if (!last) return null;
  const reply = replyText(last).slice(0, 20_000);
  const parsed = parseArguments(failed);
  const values = stringsIn(parsed.value ?? (parsed.text || failed.input), 3)
    .map((v) => v.trim())
    .filter((v) => v.length >= 4 && v.length <= 200 && !v.includes('\n'));
  for (const value of values) {
    const at = reply.indexOf(value);
    if (at < 0) continue;
    const before = reply[at - 1] ?? ' ';
    const after = reply[at + value.length] ?? ' ';
    if (!/[\w]/.test(before) && !/[\w]/.test(after)) return value;
  }
  return null;
}

/** A value inside a code span: short, and without the backticks that would end it. */
function quoted(v: string): string {
  return excerpt(v, 0, 80).replace(/`/g, "'");
}

function argumentsText(s: Span): string {
  return argumentText(s).slice(0, 20_000);
}

interface IgnoredRun {
  /** Agents that produced a span in this run (for the runs an owner acts in). */
  actors: string[];
  ignored: { owner?: string; tool: string; claimed: string | null; citation: Citation }[];
}

export const ignoredErrorSteps: TwoStep<IgnoredRun, { minTraces?: number }> = {
  perRun(t) {
    const agent0 = agentOf(t);
    const actors = new Set<string>();
    for (const y of t.spans) {
      const a = spanAgent(y);
      if (a !== undefined) actors.add(a);
    }
    const ignored: IgnoredRun['ignored'] = [];
    for (const { span: s, lastReply } of ignoredErrors(t)) {
      // A run that names no agent still names the one whose model emitted the call (a role prompt, an agent span).
      const owner = agent0 === 'unknown' ? spanAgent(emittingCall(t, s) ?? s) : undefined;
      const tool = toolName(s);
      const msg = errorMessage(s);
      const claimed = claimedTarget(s, lastReply);
      const said = claimed !== null ? `; the run's last reply names \`${quoted(claimed)}\`, which the failed call was given` : '';
      ignored.push({ owner, tool, claimed, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : undefined, note: `\`${tool}\` failed; no later call succeeded before the model's next reply, which does not mention the failure${said}; the run ended without an error and no verdict is recorded` } });
    }
    return { actors: [...actors], ignored };
  },
  global: ignoredFindings,
  passes: true,
};

export const ignoredErrorsDetector = oneShot(ignoredErrorSteps);

/** One pass over the runs, joining each run's ignored errors as it goes, so that a week's runs are never held whole. */
function ignoredFindings(given: RunPasses<IgnoredRun>, opts: { minTraces?: number }): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<IgnoredRun>[]) : given;
  const minTraces = opts.minTraces ?? 1;
  const perAgent = new Map<string, number>();
  // Runs each agent produced a span in: an owner's runs are the ones where it acted at all.
  const actedIn = new Map<string, number>();
  // Owners first met as an owner, before any run of theirs: counted from the runs they acted in (known after the pass) on top of their own runs.
  const byActing = new Set<string>();
  const groups = new Map<string, { traces: Set<string>; claimedIn: Set<string>; example: string | null; citations: Citation[]; spans: number; tools: Map<string, number> }>();
  runs.forEach(({ run, obs }) => {
    for (const a of obs.actors) actedIn.set(a, (actedIn.get(a) ?? 0) + 1);
    const agent0 = run.agent;
    perAgent.set(agent0, (perAgent.get(agent0) ?? 0) + 1);
    for (const { owner, tool, claimed, citation } of obs.ignored) {
      const agent = owner ?? agent0;
      // Its runs are the ones where it acted at all.
      if (owner && !perAgent.has(owner)) {
        perAgent.set(owner, 0);
        byActing.add(owner);
      }
      let g = groups.get(agent);
      if (!g) groups.set(agent, (g = { traces: new Set(), claimedIn: new Set(), example: null, citations: [], spans: 0, tools: new Map() }));
      if (claimed !== null) {
        g.claimedIn.add(run.traceId);
        g.example ??= claimed;
      }
      g.spans++;
      g.tools.set(tool, (g.tools.get(tool) ?? 0) + 1);
      g.traces.add(run.traceId);
      g.citations.push(citation);
    }
  });
  for (const owner of byActing) perAgent.set(owner, perAgent.get(owner)! + (actedIn.get(owner) ?? 0));
  const out: FindingInput[] = [];
  for (const [agent, g] of groups) {
    if (g.traces.size < minTraces) continue;
    const total = perAgent.get(agent) ?? runs.length;
    const tools = [...g.tools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const one = tools.length === 1 ? tools[0]![0] : null;
    const listed = tools.slice(0, 8).map(([n, c]) => `\`${n}\` (${c})`).join(', ');
    const claimed = g.claimedIn.size;
    const all = claimed === g.traces.size;
    const claimText =
      claimed === 0
        ? ''
        : ` In ${all ? (claimed === 1 ? 'that run' : `all ${claimed}`) : `${claimed} of the ${g.traces.size} runs`}, the run's last reply names a value the failed call was given (e.g. \`${quoted(g.example!)}\`), without saying the call failed.`;
    out.push(
      buildFinding({
        title: one ? `${agentLabel(agent)} ignores failed \`${one}\` calls` : `${agentLabel(agent)} carries on after failed tool calls`,
        category: 'errors_recovery',
        // High where the last reply speaks of the very thing the failed call was to act on: the user is told it was done.
        severity: all ? 'high' : 'medium',
        summary: `In ${shareText(g.traces.size, total)} of ${agentPhrase(agent)}, a tool call fails, no call after it succeeds before the model's next reply in words (replies that only call tools are passed over; no retry, no other tool taking over), that reply says nothing about the failure, and the run still ends without an error, with no verdict recorded (${count(g.spans, 'ignored error')}; by tool: ${listed}).${claimText}`,
        rootCause: `After each cited failure the model's next reply goes on without a word about it, no call succeeds in between, and the run's last reply does not mention it either.${claimed > 0 ? ` Where that last reply names what the call was to act on, it reports the work as if the call had done it.` : ` Whether that reply relied on the result that never came is not checked: read the cited replies.`} Whether the error text reached the model clearly is shown per span in the trace (the next call's input), not assumed here.`,
        fix: `Return tool failures to the model as an explicit, structured error ("<tool> failed: <reason>; retry or tell the user"), instruct it in the system prompt to retry once or tell the user, and have evaluation mark runs that end after an unhandled tool error as failed.`,
        fixKind: 'prompt',
        component: `agent:${agent}`,
        signature: 'ignored_error',
        monitor: `Share of ${agentLabel(agent)} runs that end without an error after a tool error not followed by a retry or an acknowledgement, per day.`,
        detector: 'ignored-errors',
        traceIds: g.traces,
        citations: g.citations,
        total,
        data: { agent, spans: g.spans, tools: Object.fromEntries(tools), claimedIn: claimed },
      }),
    );
  }
  return out;
}
