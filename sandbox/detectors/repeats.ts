// Trajectory waste: the same tool called with identical arguments several
// times in a row, and loops where a short cycle of calls repeats. Failed calls
// repeated in a row are retries, which the retries detector reports instead.
// A call repeats an earlier identical one only when the model that emitted it
// had the earlier call (or its result) in its input (seen-call.ts): separate
// requests that each start afresh send identical calls without repeating.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span } from '../../src/types.ts';
import { oneShot, type RunObs, type TwoStep, keptByAgent, type RunPasses } from './two-step.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { excerpt, textOf } from './text.ts';
import { attemptSeenBy, sawEarlierCall } from './seen-call.ts';
import { emittingCall } from './owner.ts';
import { resultText } from './error-text.ts';
import { callKey, indexTrace, isErrorSpan, toolName, agentLabel, agentPhrase } from './trace-index.ts';

/**
 * Arguments were recorded: absent or null ones cannot show that two calls are
 * the same (a source that drops arguments makes every call look alike). An
 * empty object is a real, parameterless call.
 */
export function hasArguments(s: Span): boolean {
  const a = s.tool?.arguments;
  if (a == null) return false;
  if (typeof a === 'string') return a.trim() !== '' && a.trim() !== 'null';
  return true;
}

/** Call identities; a call without arguments gets one of its own (it is never "the same call"). */
export function callKeys(tools: Span[]): string[] {
  return tools.map((s, i) => (hasArguments(s) ? callKey(s) : `\u0001${i}`));
}

/**
 * Runs of ≥ minRun identical successful calls: [start, length] pairs over the
 * tool sequence. With `seen`, each call after the first must have been made
 * by a model that saw one of the calls before it in the run of calls; with
 * `leftOut`, by one whose input is not known to leave any of them out (a
 * search tree's sibling branch holds the calls above it, not those beside it:
 * the row ends there).
 */
export function identicalRuns(tools: Span[], minRun = 3, keys = callKeys(tools), seen?: (earlier: Span, later: Span) => boolean, leftOut?: (earlier: Span, later: Span) => boolean): [number, number][] {
  const runs: [number, number][] = [];
  let i = 0;
  while (i < tools.length) {
    let j = i + 1;
    if (!isErrorSpan(tools[i]!) && hasArguments(tools[i]!)) {
      const key = keys[i];
      const follows = (k: number) => (!seen || tools.slice(i, k).some((e) => seen(e, tools[k]!))) && (!leftOut || !tools.slice(i, k).some((e) => leftOut(e, tools[k]!)));
      while (j < tools.length && !isErrorSpan(tools[j]!) && keys[j] === key && follows(j)) j++;
      if (j - i >= minRun) runs.push([i, j - i]);
    }
    i = j;
  }
  return runs;
}

/**
 * Loops: a cycle of 2–3 calls (not all the same) that repeats ≥ minRepeats
 * times back to back. Returns the cycle (tool names) and where it starts.
 */
export function findLoop(tools: Span[], minRepeats = 3, keys = callKeys(tools)): { start: number; period: number; repeats: number } | null {
  for (const period of [2, 3]) {
    let runStart = 0;
    for (let i = period; i <= keys.length; i++) {
      if (i < keys.length && keys[i] === keys[i - period]) continue;
      // keys[runStart .. i) is periodic with this period
      const len = i - runStart;
      if (len >= period * minRepeats && new Set(keys.slice(runStart, runStart + period)).size === period) {
        return { start: runStart, period, repeats: Math.floor(len / period) };
      }
      runStart = i - period + 1;
      if (runStart < 0) runStart = 0;
    }
  }
  return null;
}

interface RepeatsRun {
  /** Each stretch of identical successful calls: the tool, how many in a row, the last call cited. */
  identical: { name: string; len: number; citation: Citation; nothing: boolean; flagged?: boolean }[];
  /** The run's first loop: its cycle of tool names, the call cited. */
  loop: { label: string; citation: Citation } | null;
}

// A result that says the lookup found nothing (a search's "Could not find [X]. Similar: …", "No results").
const NOTHING_FOUND = /^(?:could not find|couldn't find|no results?\b|nothing found|not found\b|no (?:matching|matches)\b)/i;

type RepeatsOptions = { minRun?: number; minTraces?: number };

export const repeatedCallSteps: TwoStep<RepeatsRun, RepeatsOptions> = {
  perRun(t, opts) {
    const minRun = opts.minRun ?? 3;
    const out: RepeatsRun = { identical: [], loop: null };
    const tools = indexTrace(t).tools;
    if (tools.length < 3) return out;
    const keys = callKeys(tools);
    // A call its own model call emitted beside the later one is not one that model could have been sent.
    const leftOut = (e: Span, l: Span) => emittingCall(t, e) !== emittingCall(t, l) && attemptSeenBy(t, e, l) === false;
    for (const [start, len] of identicalRuns(tools, minRun, keys, (e, l) => sawEarlierCall(t, e, l), leftOut)) {
      const s = tools[start + len - 1]!;
      const name = toolName(s);
      // Not marked failed is not a success: a search that answers "Could not find [...]" each time found nothing.
      const nothing = tools.slice(start, start + len).every((x) => NOTHING_FOUND.test(resultText(x).trim().split('\n', 1)[0]!.slice(0, 300)));
      // A call the source flagged as an error whose result carried the data asked for (the reader kept it as a success, `halo.flagged_error`).
      const flagged = !nothing && tools.slice(start, start + len).some((x) => typeof x.attributes['halo.flagged_error'] === 'string');
      out.identical.push({ name, len, nothing, flagged, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: argsExcerpt(s), note: `${len} identical \`${name}\` calls in a row${nothing ? ', each answered that nothing was found' : ''}` } });
    }
    const loop = findLoop(tools, 3, keys);
    // A cycle repeats only where each of its calls was made by a model that saw the same call one cycle earlier.
    if (loop && Array.from({ length: loop.period * (loop.repeats - 1) }, (_, k) => loop.start + loop.period + k).every((j) => sawEarlierCall(t, tools[j - loop.period]!, tools[j]!))) {
      const cycle = tools.slice(loop.start, loop.start + loop.period).map(toolName);
      const label = cycle.join(' → ');
      const s = tools[loop.start + loop.period * (loop.repeats - 1)]!;
      out.loop = { label, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: argsExcerpt(s), note: `cycle ${label} repeated ${loop.repeats}×` } };
    }
    return out;
  },
  global: repeatFindings,
  passes: true,
};

export const repeatedCalls = oneShot(repeatedCallSteps);

/** What the repeated calls' results say: nothing found, flagged by the source though they carried data, or not marked failed. */
function statusClause(rep: { runs: number; nothing: number; flagged: number }): string {
  if (rep.nothing === rep.runs) return ', each call answering that nothing was found';
  if (!rep.nothing && !rep.flagged) return ' although the calls were not marked failed';
  const parts = [
    rep.nothing ? `in ${rep.nothing} of ${rep.runs} such stretches each call answered that nothing was found` : '',
    rep.flagged ? `in ${rep.flagged} of ${rep.runs} such stretches the source flagged calls as errors although their results carried data` : '',
  ].filter(Boolean);
  return ` (${parts.join('; ')}; in the others the calls were not marked failed)`;
}

/** One pass over the runs, keeping only those with a repeat or a loop, so that a week's runs are never held whole. */
function repeatFindings(runs: RunPasses<RepeatsRun>, opts: RepeatsOptions): FindingInput[] {
  const minRun = opts.minRun ?? 3;
  // A pattern across runs needs two of them (one run is an anecdote), unless only one run is given.
  const minTraces = opts.minTraces ?? (runs.length > 1 ? 2 : 1);
  const out: FindingInput[] = [];
  for (const [agent, { runs: agentRuns, kept: list }] of keptByAgent(runs, (r) => r.obs.identical.length > 0 || Boolean(r.obs.loop))) {
    const rep = { traces: new Set<string>(), citations: [] as Citation[], longest: 0, runs: 0, nothing: 0, flagged: 0, tools: new Map<string, number>() };
    for (const { run, obs } of list) {
      for (const { name, len, citation, nothing, flagged } of obs.identical) {
        rep.traces.add(run.traceId);
        rep.runs++;
        if (nothing) rep.nothing++;
        if (flagged) rep.flagged++;
        rep.longest = Math.max(rep.longest, len);
        rep.tools.set(name, (rep.tools.get(name) ?? 0) + 1);
        rep.citations.push(citation);
      }
    }
    if (rep.traces.size >= minTraces && rep.traces.size > 0) {
      const tools = [...rep.tools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const one = tools.length === 1 ? tools[0]![0] : null;
      const listed = tools.slice(0, 8).map(([n, c]) => `\`${n}\` (${c})`).join(', ');
      out.push(
        buildFinding({
          title: one ? `${agentLabel(agent)} repeats identical \`${one}\` calls` : `${agentLabel(agent)} repeats identical tool calls`,
          category: 'trajectory',
          severity: 'medium',
          summary: `${shareText(rep.traces.size, agentRuns)} of ${agentPhrase(agent)} call the same tool with identical arguments ${minRun} or more times in a row${statusClause(rep)}, each repeat emitted by a model call whose input already held the identical call or its result (longest run: ${rep.longest}); by tool: ${listed}. Each repeat costs a step and tokens without new information.`,
          rootCause: `The model was sent the earlier identical call (or its result) and made it again: each repeat ${rep.nothing === rep.runs ? 'asks again for what it was already told is not there' : 'fetches a result the agent already had'}.`,
          fix: `Show the model that the call already ran (keep tool results in context, or answer a duplicate with "same call as step N: <result>"), and add a guard in the agent loop that refuses a third identical call in a row.`,
          fixKind: 'code',
          component: `agent:${agent}`,
          signature: 'repeated_identical_call',
          monitor: `Count of ${agentLabel(agent)} runs with ≥ ${minRun} identical consecutive tool calls, per day.`,
          detector: 'repeats',
          traceIds: rep.traces,
          citations: rep.citations,
          total: agentRuns,
          // No predicate: whether the model saw the earlier call is read from message histories, which a one-line check cannot redo.
          data: { agent, runs: rep.runs, longest: rep.longest, tools: Object.fromEntries(tools) },
        }),
      );
    }

    const loops = { traces: new Set<string>(), citations: [] as Citation[], cycles: new Map<string, number>() };
    for (const { run, obs } of list) {
      if (!obs.loop) continue;
      const { label, citation } = obs.loop;
      loops.traces.add(run.traceId);
      loops.cycles.set(label, (loops.cycles.get(label) ?? 0) + 1);
      loops.citations.push(citation);
    }
    if (loops.traces.size >= minTraces) {
      const top = [...loops.cycles].sort((a, b) => b[1] - a[1]);
      out.push(
        buildFinding({
          title: `${agentLabel(agent)} gets stuck in tool-call loops`,
          category: 'trajectory',
          severity: 'high',
          summary: `${shareText(loops.traces.size, agentRuns)} of ${agentPhrase(agent)} repeat the same cycle of 2–3 tool calls (same arguments) three or more times back to back, each call made by a model call whose input held the same call one cycle earlier. Most common: ${top.slice(0, 3).map(([c, n]) => `${c} (${n})`).join('; ')}.`,
          rootCause: `The same sequence of calls with the same arguments repeats back to back, so each cycle gets the results the previous one got; nothing in these runs stopped the sequence before the third cycle.`,
          fix: `Add loop detection to the agent runtime (same cycle of calls twice → tell the model it is looping and ask it to change approach or stop), and cap steps per run.`,
          fixKind: 'code',
          component: `agent:${agent}`,
          signature: 'tool_call_loop',
          monitor: `Count of ${agentLabel(agent)} runs where a cycle of 2–3 calls repeats ≥ 3 times, per day.`,
          detector: 'repeats',
          traceIds: loops.traces,
          citations: loops.citations,
          total: agentRuns,
          // No predicate, as for identical repeats: what the model saw is read from message histories.
          data: { agent, cycles: Object.fromEntries(top.slice(0, 20)) },
        }),
      );
    }
  }
  return out;
}

function argsExcerpt(s: Span): string | undefined {
  const args = s.tool?.arguments;
  const text = typeof args === 'string' ? args : textOf(args);
  return text ? excerpt(text) : undefined;
}

