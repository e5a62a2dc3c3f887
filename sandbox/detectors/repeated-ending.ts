// Runs that end on one call sent again and again, each time answered exactly
// as the first: a command that works, re-run until the turns run out; a
// lookup that says "No more results." six times. No call failed, so the error
// detectors never see it, and where the records do not hold what the model
// was sent, `repeatedCalls` cannot say the model saw its earlier call (it
// claims nothing there). What is checked instead needs no history: the calls
// are identical, their results are identical, no other call came after, and
// the run did not pass. Those repeats could tell the agent nothing the first
// one had not; that is the claim, and the only one.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, minPatternTraces, shareText, type Citation } from './finding.ts';
import { excerpt, textOf } from './text.ts';
import { resultText } from './error-text.ts';
import { failureOf } from './origin.ts';
import { emittingCall } from './owner.ts';
import { callKeys, hasArguments } from './repeats.ts';
import { testsFailed } from './repeated-steps.ts';
import { runsCode } from './error-signatures.ts';
import { reportsTrouble } from '../../src/ingest/exit-answer.ts';
import { sentInput } from './seen-call.ts';
import { agentLabel, agentPhrase, indexTrace, isErrorSpan, toolName } from './trace-index.ts';
import { outcomeFailed, outcomeJudged } from './outcomes.ts';
import { oneShot, type RunObs, type TwoStep, keptByAgent, type RunPasses } from './two-step.ts';

/** The run's closing row of identical calls with identical results, and its model calls (to compare with the agent's most). */
export interface RepeatedEnding {
  row: { name: string; len: number; citation: Citation } | null;
  /** The run ends on such a row whose calls failed: counted apart, since the repeated-failure detectors report them. */
  failingRow?: boolean;
  modelCalls: number;
}

export interface RepeatedEndingOptions {
  /** The fewest identical calls a closing row needs. */
  minRun?: number;
  minTraces?: number;
}

function observe(t: Trace, opts: RepeatedEndingOptions): RepeatedEnding {
  const minRun = opts.minRun ?? 3;
  const { steps, tools } = indexTrace(t);
  const modelCalls = steps.filter((s) => s.kind === 'llm').length;
  const none = { row: null, modelCalls };
  if (tools.length < minRun) return none;
  const keys = callKeys(tools);
  const results = tools.map((s) => resultText(s));
  let start = tools.length - 1;
  while (start > 0 && keys[start - 1] === keys[start] && results[start - 1] === results[start]) start--;
  const row = tools.slice(start);
  if (row.length < minRun || !hasArguments(row[0]!)) return none;
  const models = row.map((s) => emittingCall(t, s));
  // Each call its own model step's, one after another; parallel copies from one reply are another thing.
  if (models.some((m) => !m) || new Set(models).size !== models.length) return none;
  // Where a model call's input is recorded, `repeatedCalls` reads whether it held the earlier call: its claim, not this one.
  if (models.some((m) => sentInput(m!) !== null)) return none;
  // A failing call sent again is a retry or a repeated failure, which other detectors judge; this is about calls that
  // worked. So is a command whose output reports trouble in the shell's words though the source marked it ok (a pipe's
  // status: `xxd … | head` printing "xxd: command not found", round 35): counted apart.
  if (row.some((s) => isErrorSpan(s) || failureOf(t, s) !== null || testsFailed(s) !== null || (runsCode(s) && reportsTrouble(results[start]!)))) return { ...none, failingRow: true };
  const last = row[row.length - 1]!;
  const name = toolName(last);
  const args = last.tool?.arguments;
  return {
    row: {
      name,
      len: row.length,
      citation: { traceId: t.traceId, spanId: last.spanId, excerpt: excerpt(typeof args === 'string' ? args : textOf(args)), note: `the last of ${row.length} identical \`${name}\` calls, each with the same result; the run's last tool call` },
    },
    modelCalls,
  };
}

export const repeatedEndingSteps: TwoStep<RepeatedEnding, RepeatedEndingOptions> = {
  perRun: observe,
  global: repeatedEndingFindings,
  passes: true,
};

export const repeatedEnding = oneShot(repeatedEndingSteps);

/** One pass over the runs, keeping only those that end on a row of calls, so that a week's runs are never held whole. */
function repeatedEndingFindings(runs: RunPasses<RepeatedEnding>, opts: RepeatedEndingOptions): FindingInput[] {
  const minRun = opts.minRun ?? 3;
  const out: FindingInput[] = [];
  // The most model calls any run of each agent made.
  const mostOf = new Map<string, number>();
  const byAgent = keptByAgent(runs, (r) => {
    mostOf.set(r.run.agent, Math.max(mostOf.get(r.run.agent) ?? -Infinity, r.obs.modelCalls));
    return r.obs.row !== null || r.obs.failingRow === true;
  });
  for (const [agent, { runs: agentRuns, kept: list }] of byAgent) {
    // A run that passed its task ended where it should have, however it got there.
    const hits = list.filter((r) => r.obs.row && !(outcomeJudged(r.run) && !outcomeFailed(r.run)));
    if (hits.length < (opts.minTraces ?? minPatternTraces(agentRuns))) continue;
    const failed = hits.filter((r) => outcomeJudged(r.run) && outcomeFailed(r.run)).length;
    const unjudged = hits.filter((r) => !outcomeJudged(r.run)).length;
    const most = mostOf.get(agent)!;
    const atMost = hits.filter((r) => r.obs.modelCalls === most).length;
    const lens = hits.map((r) => r.obs.row!.len);
    const extra = lens.reduce((a, b) => a + b - 1, 0);
    const failingRows = list.filter((r) => r.obs.failingRow && !(outcomeJudged(r.run) && !outcomeFailed(r.run))).length;
    const byTool = new Map<string, number>();
    for (const r of hits) byTool.set(r.obs.row!.name, (byTool.get(r.obs.row!.name) ?? 0) + 1);
    const tools = [...byTool].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const one = tools.length === 1 ? tools[0]![0] : null;
    const lo = Math.min(...lens);
    const hi = Math.max(...lens);
    const times = lo === hi ? `${lo} times` : `${lo}–${hi} times`;
    const unjudgedText = unjudged ? (unjudged === hits.length ? 'none of them carries a verdict' : `${unjudged} carry no verdict`) : '';
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: ${count(hits.length, 'run')} end on ${one ? `the same \`${one}\` call` : 'the same call'} sent ${times} in a row, each answered as the first`,
        category: 'trajectory',
        severity: 'medium',
        summary:
          `In ${shareText(hits.length, agentRuns)} of ${agentPhrase(agent)}, the last ${minRun} or more tool calls are one call — the same tool with the same arguments — ` +
          `and each returned exactly the result the first did; no tool call came after. ` +
          `That is ${count(extra, 'call')} after the first that could tell the agent nothing new${one ? '' : `; by tool: ${tools.slice(0, 6).map(([n, c]) => `\`${n}\` (${c})`).join(', ')}`}. ` +
          `${capitalized([failed ? (failed === hits.length ? 'every one failed its task' : `${failed} of them failed their task`) : '', unjudgedText].filter(Boolean).join('; '))}` +
          (atMost ? `; ${atMost === hits.length ? 'every one' : `${atMost} of them`} stopped at the most steps any run of the agent took (${most} as recorded).` : '.') +
          (failingRows ? ` ${count(failingRows, 'more run')} that did not pass ${failingRows === 1 ? 'ends' : 'end'} on such a row of calls that failed each time; ${failingRows === 1 ? 'it is' : 'they are'} left out here: a failing call sent again is what the retry and repeated-step findings judge.` : ''),
        rootCause: `Halo did not determine why the agent sent the call again: these traces, as read, give its model calls no recorded input, so whether the model was sent its earlier identical call is not checked. What is checked is that each repeat got back exactly what the first had.`,
        fix: `Have the agent loop compare a call with the one before it, and when it repeats with the same result, say so in what it sends the model ("the same call and result as the previous step") or end the run, instead of spending the remaining steps; check that the model is sent its earlier calls and their results each turn.`,
        fixKind: 'code',
        component: `agent:${agent}`,
        signature: 'repeated_call_at_end',
        monitor: `Count of ${agentLabel(agent)} runs whose last ${minRun} or more tool calls are identical with identical results, per day.`,
        detector: 'repeated-ending',
        traceIds: hits.map((r) => r.run.traceId),
        citations: hits.map((r) => r.obs.row!.citation),
        total: agentRuns,
        // Runs that spend their last steps repeating often stop at the step limit, which is failing by definition: no failure rate is set against the others.
        data: { agent, runs: hits.length, failingRows, failed, unjudged, calls: extra, longest: hi, atMost, most, tools: Object.fromEntries(tools), noImpact: true, circular: true },
      }),
    );
  }
  return out;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
