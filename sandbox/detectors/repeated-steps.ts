// Repeated steps: a step fails, and the model sends (nearly) the same action
// again a step or three later — nearly the same code, or the same tool calls
// with the same arguments — and it fails the same way. A near-copy that fixed
// the error (a SyntaxError corrected, a keyword argument renamed) and worked
// is a recovery, not a repeat. Plain replies to a
// user are not actions. Agents that act through generated code (smolagents
// CodeAgent) never show this as identical tool calls; it shows in the model's
// own output. Near-identical code: ≥ 60% of word 3-grams shared (Jaccard), on
// code long enough to mean something (≥ 20 three-grams); tool calls: the same
// calls with the same arguments, however short.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, shareText, minPatternTraces } from './finding.ts';
import { argumentText, excerpt, textOf } from './text.ts';
import { errorMessage, groupBy, indexTrace, agentLabel, agentPhrase, isErrorSpan, othersCallsBetween, toolName } from './trace-index.ts';
import { errorSignature, runsCode } from './error-signatures.ts';
import { CHANGES, changesState } from './state-change.ts';
import { exactMessage } from '../../src/ingest/signature.ts';
import { failureOf, isMultiAgent, spanAgent, spanById } from './origin.ts';
import { attemptInInput, sentOrUnrecorded } from './seen-call.ts';
import { resultText } from './error-text.ts';
import { nothingBack } from './nothing-back.ts';
import { addOccurrence, HitsGather, runHits, type RunHits } from './agent-hits.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { outcomeFailed, outcomeJudged } from './outcomes.ts';
import type { CompareAmong } from '../../src/findings/impact.ts';
import { flattenedCode, type FlatCode } from './causes.ts';
import { emittingCall } from './owner.ts';
import { describeLimit, outputLimit } from './output-limit.ts';

export const NEAR_DUPLICATE = 0.6;
const MIN_SHINGLES = 20;
const LOOKBACK = 3;
// A code block runs to its closing fence, or to the end of a reply cut off inside it (which still sent that code).
const CODE = /```[a-zA-Z]*\n([\s\S]*?)(?:```|(?![\s\S]))/g;

/** What the model asked to do in this step: its code blocks when it wrote code, else its reply. */
export function actionText(s: Span): string {
  return action(s).text;
}

function action(s: Span): { text: string; code: boolean; blocks?: string[]; raw: string } {
  const raw = textOf(s.output);
  let text = raw;
  // An output recorded as a JSON message keeps its content as a string inside.
  if (raw.startsWith('{')) {
    try {
      const m = JSON.parse(raw) as { content?: unknown };
      if (typeof m.content === 'string') text = m.content;
    } catch {
      /* not JSON: use it as it is */
    }
  }
  const blocks = [...text.matchAll(CODE)].map((m) => m[1]!);
  return blocks.length ? { text: blocks.join('\n'), code: true, blocks, raw: text } : { text, code: false, raw: text };
}

/** The model wrote a JSON record of its own fields (not a message holding a reply): a structured thought. */
function structuredThought(s: Span): boolean {
  const raw = textOf(s.output).trim();
  if (!raw.startsWith('{')) return false;
  try {
    const m = JSON.parse(raw) as unknown;
    return typeof m === 'object' && m !== null && !Array.isArray(m) && !('content' in m) && !('role' in m) && Object.keys(m).length > 0;
  } catch {
    return false;
  }
}

/**
 * The line the framework says failed ("Code execution failed at line 'X'")
 * stands as a line of its own only in a code block before the last one: a
 * snippet the model quoted while explaining (its Thought), which the
 * framework ran along with the code it meant to run.
 */
export function quotedSnippetFailed(blocks: string[] | undefined, message: string | null): boolean {
  const line = message ? /\bat line '([\s\S]{3,400}?)'\s+due to\b/.exec(message)?.[1]?.trim() : undefined;
  if (!line || !blocks || blocks.length < 2) return false;
  const asLine = (b: string) => b.split('\n').some((l) => l.trim() === line);
  return blocks.slice(0, -1).some(asLine) && !asLine(blocks.at(-1)!);
}

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/\w+/g) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

function similarity(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * What each model call asked to do: the code it wrote; else the tool calls
 * that followed it before the next model call (their names and arguments,
 * not the narration around them); else nothing. A plain reply (no code, no
 * tool call) answers the user: in a conversation the next reply follows a
 * new user message, so a similar answer is not a retried action, and
 * narration that differs only in the object it names ("checking reservation
 * A", "checking reservation B") is not the same request either.
 */
interface Action {
  text: string;
  calls: boolean;
  /** How the action failed (its error signature), or null when it did not. */
  failure: string | null;
  /** The failure's first line as the run recorded it (not normalized): what a model that was sent it would have in its input. */
  raw?: string;
  /** The names the failure quotes ('asgiref', `old_str`): what a step addressing it would name. */
  named?: string[];
  /** The action can change what a later one runs against: code, a command, an edit, an install, an update. */
  changes: boolean;
}

// Browser and UI actions change what the next one acts on (a click moves to another page).

function actions(t: Trace): Map<Span, Action> {
  const steps = indexTrace(t).steps;
  const out = new Map<Span, Action>();
  steps.forEach((s, i) => {
    if (s.kind !== 'llm') return;
    const a = action(s);
    let failure: string | null = stepFailure(t, s);
    let named: string[] | undefined;
    if (a.code) {
      // A quoted snippet that the framework ran is not the model re-sending its action.
      const parent = s.parentId ? spanById(t, s.parentId) : undefined;
      if (failure !== null && parent && quotedSnippetFailed(a.blocks, failureOf(t, parent))) failure = null;
      let raw = failure !== null && parent ? firstLineOf(failureOf(t, parent)) : undefined;
      // No enclosing step failed: the calls the reply's code became (an edit its blocks make, the code run) fail or
      // not on their own, before the next model call, by the same rule as any call's. Only calls this reply
      // emitted: a test run the harness starts on its own after it is not the reply's action failing.
      if (failure === null && !(parent && quotedSnippetFailed(a.blocks, failureOf(t, parent)))) {
        for (let j = i + 1; j < steps.length && steps[j]!.kind !== 'llm' && failure === null; j++) {
          const c = steps[j]!;
          if ((!isErrorSpan(c) && failureOf(t, c) === null) || emittingCall(t, c) !== s) continue;
          failure = failureText(t, c);
          raw = firstLineOf(resultText(c) || failureOf(t, c));
        }
      }
      out.set(s, { text: a.text, calls: false, failure, changes: true, ...(raw ? { raw } : {}) });
      return;
    }
    const calls: string[] = [];
    let changes = false;
    let raw: string | undefined;
    for (let j = i + 1; j < steps.length && steps[j]!.kind !== 'llm'; j++) {
      const c = steps[j]!;
      // One rule for what failed (origin.ts): a status, or where the source records none, the result's own text.
      if (failure === null && (isErrorSpan(c) || failureOf(t, c) !== null)) {
        failure = failureText(t, c);
        raw = firstLineOf(resultText(c) || failureOf(t, c));
        named = [...(failureOf(t, c) ?? '').matchAll(/['"`]([\w.-]{3,60})['"`]/g)].map((m) => m[1]!);
      } else if (failure === null && testsFailed(c) !== null) {
        // Code that ran and failed its tests failed too: the same report again is the same failure (its first line, as sent).
        failure = `${TESTS}${testsFailed(c)}`;
        raw = firstLineOf(resultText(c));
      } else if (failure === null && !runsCode(c) && nothingBack(resultText(c)) !== null) {
        // A call that got nothing back ("Could not find [X]. Similar: […]", "No results") did not fail, and did not get
        // what it was for: the same call again gets the same answer (review rounds 40 and 41, Reflexion's searches).
        failure = `${NOTHING}${nothingBack(resultText(c))}`;
        raw = firstLineOf(resultText(c));
      }
      const args = c.tool?.arguments;
      // An editor's read-only commands (`view`) change nothing, whatever the tool is called.
      const readOnly = /^(view|read|cat|list|ls|search|find|grep|open)$/i.test(String((c.tool?.arguments as { command?: unknown } | null)?.command ?? ''));
      if (!readOnly && (runsCode(c) || CHANGES.test(toolName(c).replace(/_/g, ' ')))) changes = true;
      calls.push(`${toolName(c)} ${args != null ? argumentText(c) : textOf(c.input)}`);
    }
    if (calls.length) out.set(s, { text: calls.join('\n'), calls: true, failure, changes, ...(named?.length ? { named } : {}), ...(raw ? { raw } : {}) });
  });
  return out;
}

// A result that opens by reporting failing tests ("Failed 3/3 Test Cases.", "Failed Test Case: assert f(1) == 2",
// "Test case did not pass."): the code ran, and the check the environment ran on it failed.
const TESTS_FAILED = /^(?:failed\b[^\n]{0,40}\btest[ _-]?cases?\b|tests?(?:[ _-]?cases?)?\b[^\n]{0,40}\b(?:did not pass|failed)\b)/i;
const TESTS = 'tests failed: ';
const NOTHING = 'nothing back: ';

/** The first line of a result that reports failing tests, or null. */
export function testsFailed(c: Span): string | null {
  const line = resultText(c).trim().split('\n', 1)[0]!.trim();
  return TESTS_FAILED.test(line) ? line.slice(0, 300) : null;
}

function firstLineOf(text: string | null): string | undefined {
  const line = (text ?? '').trim().split('\n', 1)[0]!.trim().slice(0, 120);
  return line.length >= 12 ? line : undefined;
}

/**
 * How the step a model call belongs to failed: the error of the framework
 * step that encloses it (smolagents' "Step N" fails when the code it ran
 * does), when that step is not the run itself. Null when it did not fail.
 */
function stepFailure(t: Trace, s: Span): string | null {
  if (!s.parentId || s.parentId === t.rootSpanId) return null;
  const parent = spanById(t, s.parentId);
  if (!parent || parent.kind === 'agent' || parent.parentId == null || !isErrorSpan(parent)) return null;
  return failureText(t, parent);
}

/**
 * The failure's own text, normalized: two TypeErrors with different messages
 * are different failures, and a status that names none ("<returncode>1</returncode>")
 * is read through to the error its output holds.
 */
function failureText(t: Trace, s: Span): string {
  const own = failureOf(t, s) ?? errorMessage(s);
  // The same failure, not the same kind: the values the message names must match too (round 23: a KeyError on
  // another column after the edit fixed the first is a new failure, not the old one back).
  return exactMessage(own.replace(/\b(at|on) line '[\s\S]*?'(?=\s+due to\b)/, '$1 line <code>'), 300) || errorSignature(s);
}

/**
 * Model steps with an earlier step their recorded input leaves out (read by
 * call id, `attemptInInput`) among the few before them in time: where the
 * rule below looks back over the steps the model was sent instead of the
 * steps before it.
 */
export function stepsLeftOut(t: Trace): number {
  const llm = indexTrace(t).steps.filter((s) => s.kind === 'llm');
  let n = 0;
  for (let i = 1; i < llm.length; i++) {
    for (let j = i - 1; j >= Math.max(0, i - LOOKBACK); j--) {
      if (attemptInInput(t, llm[i]!, llm[j]!) === false) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** Model steps whose action nearly repeats one of the previous few, with the step it repeats. */
export function repeatedSteps(t: Trace): { span: Span; repeats: Span; similarity: number; tests: boolean; nothing: boolean; report?: string }[] {
  const acts = actions(t);
  const llm = indexTrace(t).steps.filter((s) => s.kind === 'llm');
  // Only actions that are not tool calls are compared by 3-grams: their sets are made when first asked for.
  const sets: (Set<string> | undefined)[] = [];
  const setOf = (k: number): Set<string> => (sets[k] ??= shingles((acts.get(llm[k]!)?.text ?? '').slice(0, 50_000)));
  const out: { span: Span; repeats: Span; similarity: number; tests: boolean; nothing: boolean; report?: string }[] = [];
  // Near-copies of code need enough text to mean something; a tool call sent again exactly is a repeat however short.
  const enough = (k: number) => (acts.get(llm[k]!)?.calls ? (acts.get(llm[k]!)?.text ?? '') !== '' : setOf(k).size >= MIN_SHINGLES);
  for (let i = 1; i < llm.length; i++) {
    if (!enough(i)) continue;
    // The steps before it that its model was sent: where the input names calls by id, a step on another branch of a
    // search tree (or cut from the history) is not one of them, and neither it nor what happened in it counts.
    // A model call that neither acted nor replied, but wrote a structured record (TapeAgents' reflection before each
    // action, a plan) is the framework's step between two actions: not one the action could repeat, nor one that moves
    // the look-back. A plain reply still does: in a conversation a new request follows it.
    const before: number[] = [];
    for (let j = i - 1; j >= 0 && before.length < LOOKBACK; j--) if (!(acts.get(llm[j]!) === undefined && structuredThought(llm[j]!)) && attemptInInput(t, llm[i]!, llm[j]!) !== false) before.push(j);
    for (const j of before) {
      if (!enough(j)) continue;
      // Tool calls repeat only when sent again as they were: arguments that
      // differ (another amount, another cabin) are a changed request, however
      // much JSON the two share. Code repeats when nearly the same.
      const a = acts.get(llm[i]!)!;
      const b = acts.get(llm[j]!)!;
      if (a.calls !== b.calls) continue;
      // Only a repeat that fails the way the step it copies failed shows no
      // new approach: a corrected retry that works is a recovery, and an
      // identical call that worked is the identical-calls and loop detectors'.
      if (a.failure === null || a.failure !== b.failure) continue;
      // A model repeats a failed step only if it was sent that failure: a step in a branch it never saw (a
      // search tree that backtracked, a request that started afresh) is not in its input. Unrecorded input: as before.
      if (b.raw && !sentOrUnrecorded(llm[i]!, b.raw)) continue;
      // An action between them that worked and can change state (code, a command, an edit, an
      // install, an update) may have changed what the repeat runs against: sending it again is
      // then a fair retry, not a blind one. A lookup changes nothing.
      if (before.filter((k) => k > j).some((k) => { const m = acts.get(llm[k]!); return m !== undefined && m.failure === null && (m.changes || (b.named ?? []).some((n) => m.text.includes(n))); })) continue;
      // So may such an action the harness took itself in between (an install it ran on its own): whether it
      // worked is often not recorded, and the model had reason to send the step again as it was.
      if (othersCallsBetween(t, llm[j]!.startTime, llm[i]!.startTime).some(changesState)) continue;
      // Calls are the same only as sent: a space more in an edit's `old_str` or in code is another try at matching or running it.
      const sim = a.calls ? (a.text === b.text ? 1 : 0) : similarity(setOf(i), setOf(j));
      if (sim >= NEAR_DUPLICATE) {
        const tests = a.failure.startsWith(TESTS);
        const nothing = a.failure.startsWith(NOTHING);
        out.push({ span: llm[i]!, repeats: llm[j]!, similarity: sim, tests, nothing, ...(tests ? { report: a.failure.slice(TESTS.length) } : nothing ? { report: a.failure.slice(NOTHING.length) } : {}) });
        break;
      }
    }
  }
  return out;
}

/** A repeat whose failing code reached its tool as one line reading as lines joined by spaces: what the model's reply shows of it. */
type RepeatHit = { flat: 'reply-broken' | 'reply-one-line' | 'unrecorded' | null; flatExample?: string; cut?: Cut; alike?: true };

const SERVICE_DOWN = /\b(?:connect(?:ion)?|unavailable|refused|not running|failed to start|websocket|server error|service|\b5\d\d\b)/i;

/**
 * Each failing call of the repeat step was followed by a call to the same tool with other arguments that failed with
 * the same message: the error did not depend on what the model sent (a service down, a harness broken), so the repeat
 * was no worse than a change would have been.
 */
function failsWhateverSent(t: Trace, step: Span): boolean {
  const tools = indexTrace(t).tools;
  const calls = tools.filter((x) => isErrorSpan(x) && emittingCall(t, x) === step);
  return calls.length > 0 && calls.every((x) => {
    const failure = failureOf(t, x) ?? errorMessage(x);
    // Only a failure of the service itself: code, or a message about the input ("not found", a test failing), fails
    // the same way for two different wrong inputs without saying anything about the tool.
    if (runsCode(x) || !SERVICE_DOWN.test(failure)) return false;
    const message = exactMessage(failure);
    const next = tools.find((y) => y.startTime > x.startTime && toolName(y) === toolName(x) && argumentText(y) !== argumentText(x));
    return next !== undefined && isErrorSpan(next) && exactMessage(failureOf(t, next) ?? errorMessage(next)) === message;
  });
}

/** A reply cut off: what shows it (the provider's limit, its last code block never closed) and its output tokens. */
interface Cut {
  limit?: string;
  unclosed: boolean;
  output?: number;
  run: string;
}

/**
 * How a model step shows its reply was cut off: the limit its provider
 * recorded (output-limit.ts), or a last code block that never closes (the
 * reply stopped part-way through the code it was sending). Null when neither.
 */
function cutOff(t: Trace, s: Span): Cut | null {
  const l = outputLimit(s);
  const unclosed = ((action(s).raw.match(/```/g) ?? []).length) % 2 === 1;
  if (!l && !unclosed) return null;
  const output = s.tokens?.output;
  return { unclosed, run: t.traceId, ...(l ? { limit: describeLimit(l) } : {}), ...(typeof output === 'number' && output > 0 ? { output } : {}) };
}

/** A repeat cut off as the step it copies was: both replies stop part-way, so neither could send the whole action. */
function cutPair(t: Trace, r: Repeat): Cut | undefined {
  const a = cutOff(t, r.span);
  return a && cutOff(t, r.repeats) ? a : undefined;
}

/** The failing calls a step emitted, every one of them code flattened onto one line (causes.ts `flattenedCode`). */
function flatStep(t: Trace, step: Span): RepeatHit {
  const calls = indexTrace(t).tools.filter((x) => isErrorSpan(x) && emittingCall(t, x) === step);
  const flats: (FlatCode | null)[] = calls.map((x) => flattenedCode(t, x, failureOf(t, x) ?? errorMessage(x)));
  if (!flats.length || !flats.every((f) => f !== null)) return { flat: null };
  const replies = new Set(flats.map((f) => f!.replyBroken));
  return { flat: replies.size === 1 && replies.has(true) ? 'reply-broken' : replies.size === 1 && replies.has(false) ? 'reply-one-line' : 'unrecorded', flatExample: flats[0]!.example };
}

/** The most attempts at one action among these repeats: the first, and each re-send of it in a chain. */
function attempts(rs: Repeat[]): number {
  const depth = new Map<string, number>();
  for (const r of rs) depth.set(r.span.spanId, (depth.get(r.repeats.spanId) ?? 1) + 1);
  return Math.max(1, ...depth.values());
}

/**
 * Per run and per agent whose model made a call in it: repeats after an error (with what their code showed), and
 * apart, repeats after failing tests; whether the run stopped right after the last repeat (no model call came after
 * it) by the third attempt at the same action: what "stop when it fails a third time" would have done.
 */
type RepeatedPart = RunHits<RepeatHit> & { agent?: string; tests?: RunHits<string>; nothing?: RunHits<string>; leftOut?: number; stopped?: boolean; movedOn?: boolean };
/** `failedStep`: some step of the run failed, so the run could have shown a repeat at all (the comparison for impact). */
type RepeatedRun = { parts: RepeatedPart[]; failedStep?: true };

type Repeat = ReturnType<typeof repeatedSteps>[number];

function record<K>(acc: RunHits<K>, r: Repeat, t: Trace): void {
  // A repeat is two steps: the one sent again, and the one whose action it repeats.
  addOccurrence(acc, { traceId: t.traceId, spanId: r.span.spanId });
  if (!acc.occurrences.some((o) => o.traceId === t.traceId && o.spanId === r.repeats.spanId)) {
    addOccurrence(acc, { traceId: t.traceId, spanId: r.repeats.spanId, role: 'repeated', of: r.span.spanId });
  }
  // Where the input names calls by id, the note says the step copied is one the model was sent: checked.
  const sent = attemptInInput(t, r.span, r.repeats) === true ? ' (a step its model was sent: its recorded input holds that step\'s call)' : '';
  acc.citations.push({
    traceId: t.traceId,
    spanId: r.span.spanId,
    excerpt: excerpt(textOf(r.span.output), 0, 160) || undefined,
    note: `${Math.round(r.similarity * 100)}% the same as the action of span ${r.repeats.spanId}${sent}, and ${r.tests ? 'its result opens with the same failing-test report' : r.nothing ? 'it gets the same answer that nothing was found' : 'fails with the same error'}`,
  });
}

export const repeatedStepSteps: TwoStep<RepeatedRun, { minTraces?: number }> = {
  perRun: (t) => {
    const all = repeatedSteps(t);
    const leftOut = stepsLeftOut(t);
    const llm = indexTrace(t).steps.filter((s) => s.kind === 'llm');
    // The agent whose model sent the step owns the repeat (a state of a loop, a sub-agent), not the run's agent:
    // each agent with a model call in the run is counted in its own findings, its runs being those it made calls in.
    const multi = isMultiAgent(t);
    const agents = multi ? [...new Set(llm.map((s) => spanAgent(s)))] : [undefined];
    const parts = agents.map((agent): RepeatedPart => {
      const mine = all.filter((r) => (multi ? spanAgent(r.span) : undefined) === agent);
      const tested = mine.filter((r) => r.tests);
      const empty = mine.filter((r) => r.nothing);
      const errors = mine.filter((r) => !r.tests && !r.nothing);
      const last = Math.max(...errors.map((r) => r.span.startTime));
      return {
        ...(agent !== undefined ? { agent } : {}),
        ...runHits(t, () => errors, (r) => { const cut = cutPair(t, r); return { ...flatStep(t, r.span), ...(cut ? { cut } : {}), ...(failsWhateverSent(t, r.span) ? { alike: true as const } : {}) }; }, record),
        ...(tested.length ? { tests: runHits(t, () => tested, (r) => r.report ?? '', record) } : {}),
        ...(empty.length ? { nothing: runHits(t, () => empty, (r) => r.report ?? '', record) } : {}),
        leftOut,
        ...(errors.length ? { stopped: !llm.some((s) => s.startTime > last) && attempts(errors) <= 3 } : {}),
        // No action was sent a third time, and the run went on after the last repeat with a call that worked: it changed
        // course by itself. A reply after it and nothing more is the run ending there (round 27, Letta: "moved on" said of
        // a run that stopped right after with no answer).
        ...(errors.length && attempts(errors) <= 2 && llm.some((s) => s.startTime > last) && indexTrace(t).tools.some((x) => x.startTime > last && !isErrorSpan(x)) ? { movedOn: true } : {}),
      };
    });
    return { parts, ...(indexTrace(t).steps.some(isErrorSpan) ? { failedStep: true as const } : {}) };
  },
  global: repeatedStepFindings,
  passes: true,
};

export const repeatedStepsDetector = oneShot(repeatedStepSteps);

/**
 * The judged runs a repeat's runs are compared with: the others that had a failed step. A run with no failed step
 * could not repeat one, so counting it in the comparison makes the repeat's runs fail more by construction (LDB,
 * round 26: 46 of the 48 runs "without" had a seed that passed and never entered the repair loop).
 * `risk`: every judged run with a failed step, and of those the runs with a repeat (whether each failed), to take out.
 */
function atRisk(risk: AtRisk, affected: Set<string>): CompareAmong {
  let runs = risk.runs;
  let failed = risk.failed;
  for (const id of affected) {
    const f = risk.repeating.get(id);
    if (f === undefined) continue;
    runs--;
    if (f) failed--;
  }
  return { label: 'runs with a failed step', runs, failed };
}

interface AtRisk {
  runs: number;
  failed: number;
  repeating: Map<string, boolean>;
}

/** Per agent, how many of its runs left out earlier steps, and of its runs with a repeat, how many stopped or moved on right after. */
interface PartCounts {
  leftOut: number;
  stopped: number;
  movedOn: number;
}

const NO_HITS: RunHits<string> = { hits: [], citations: [], occurrences: [], received: 0 };

/** One pass over the runs, keeping per agent its counts and the hits of its runs with any, so that a week's runs are never held whole. */
function repeatedStepFindings(given: RunPasses<RepeatedRun>, opts: { minTraces?: number }): FindingInput[] {
  const all = Array.isArray(given) ? arrayPasses(given as RunObs<RepeatedRun>[]) : given;
  const minTraces = opts.minTraces ?? minPatternTraces(all.length, 1);
  const out: FindingInput[] = [];
  // A run once per agent whose model made calls in it, counted under that agent.
  const errors = new HitsGather<RepeatHit>();
  // Repeats after failing tests, apart: the step ran and its tests failed, which is not an error, and says other things.
  const testHits = new HitsGather<string>();
  // Repeats of a call that got nothing back, apart too: no error, and what to change is the call's argument.
  const nothingHits = new HitsGather<string>();
  const counts = new Map<string, PartCounts>();
  const risk: AtRisk = { runs: 0, failed: 0, repeating: new Map() };
  all.forEach(({ run, obs }) => {
    const judged = obs.failedStep === true && outcomeJudged(run);
    const failed = judged && outcomeFailed(run);
    if (judged) {
      risk.runs++;
      if (failed) risk.failed++;
    }
    for (const p of obs.parts) {
      const agent = p.agent !== undefined ? p.agent : run.agent;
      errors.add(agent, run.traceId, p);
      testHits.add(agent, run.traceId, p.tests ?? NO_HITS);
      nothingHits.add(agent, run.traceId, p.nothing ?? NO_HITS);
      let c = counts.get(agent);
      if (!c) counts.set(agent, (c = { leftOut: 0, stopped: 0, movedOn: 0 }));
      if ((p.leftOut ?? 0) > 0) c.leftOut++;
      if (p.hits.length > 0) {
        if (p.stopped) c.stopped++;
        if (p.movedOn) c.movedOn++;
        if (judged) risk.repeating.set(run.traceId, failed);
      }
    }
  });
  for (const { agent, runs: agentRuns, hits, affected, citations, occurrences } of errors.result()) {
    if (affected.size < minTraces) continue;
    const steps = hits.length;
    const c = counts.get(agent)!;
    const leftOut = c.leftOut;
    // Said only where it happened: elsewhere every step's input held the steps before it, or does not name calls.
    const path = leftOut
      ? ` The steps looked back over are those the model was sent: in ${count(leftOut, 'run')} of ${agentPhrase(agent)} a step's recorded input (which names the calls it holds by id) leaves out earlier steps of the run, and those are not counted as steps it repeats.`
      : '';
    // Each run stopped right after its last repeat, by the third attempt (no model call follows it): stopping it then is not what is missing.
    const stopped = c.stopped === affected.size;
    // Each run sent no action a third time and went on after its last repeat: what the rule below would add, it did.
    const movedOn = c.movedOn === affected.size;
    const change = movedOn
      ? `Each of these runs moved on after its repeat, with no third attempt at the same action: what the repeats cost is a step each. If that matters, tell the model in its instructions to change approach after an action fails once, rather than send it again.`
      : `Tell the model in its instructions to change approach when an action fails the same way twice${stopped ? `; each of these runs already ended right after its last repeat, by the third attempt at the same action (no model call follows it)` : ', and stop the run (or escalate) when the same action fails a third time'}.`;
    const flat = flatText(hits, steps);
    const cut = flat ? null : cutText(hits.flatMap((h) => (h.cut ? [h.cut] : [])), steps);
    const alike = hits.filter((h) => h.alike).length;
    const alikeText = alike
      ? ` In ${alike === steps ? (steps === 1 ? 'it' : 'each') : `${alike} of the ${steps} steps`}, the next call to the same tool with other arguments failed with the same message: the error did not depend on what the model sent, so sending the step again was no worse than changing it.`
      : '';
    out.push(
      buildFinding({
        title: `${agentLabel(agent)} re-sends a failed step nearly unchanged and it fails the same way`,
        category: 'trajectory',
        severity: movedOn ? 'low' : 'medium',
        summary: `In ${shareText(affected.size, agentRuns)} of ${agentPhrase(agent)}, a step fails and, within the next ${LOOKBACK} steps, the model sends nearly the same action again (code written in the reply at least ${Math.round(NEAR_DUPLICATE * 100)}% the same by word 3-grams; tool calls, code sent as a tool's argument among them, only when sent again with exactly the same arguments), which fails with the same error (${steps} such steps). Repeats that were corrected and worked are not counted, nor a repeat with an action in between that worked and could change what it runs against (code, a command, an edit, an install, an update, a click or page change), or such an action the harness took itself.${path}`,
        rootCause: `The cited repeats fail with the error the step they copy failed with: the change between the two attempts did not address that error.${flat ? ` ${flat.cause}` : cut ? ` ${cut.cause}` : alike === steps ? '' : " Halo's checks did not determine why the model kept the approach."}${alikeText}`,
        fix: alike === steps && !flat && !cut ? `Find why the tool fails whatever it is sent (its service or its setup in these runs) before changing the agent: a different call met the same error.` : flat?.fix ?? (cut?.all ? cut.fix : `${change}${cut ? ` ${cut.fix}` : ''}`),
        fixKind: alike === steps && !flat && !cut ? 'code' : flat?.kind ?? (cut?.all ? 'config' : 'prompt'),
        component: `agent:${agent}`,
        signature: 'repeated_step',
        monitor: `Share of ${agentLabel(agent)} runs with a near-identical repeated action, per day.`,
        detector: 'repeated-steps',
        traceIds: affected,
        citations,
        total: agentRuns,
        data: { agent, steps, occurrences, compareAmong: atRisk(risk, affected) },
      }),
    );
  }
  // Repeats after failing tests, apart: the step ran and its tests failed, which is not an error, and says other things.
  for (const { agent, runs: agentRuns, hits, affected, citations, occurrences } of testHits.result()) {
    if (affected.size < minTraces) continue;
    const steps = hits.length;
    const reports = [...groupBy(hits, (h) => h).entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const quoted = reports.slice(0, 2).map(([r, n]) => `"${r.slice(0, 80)}${r.length > 80 ? '…' : ''}" ×${n.length}`).join(', ');
    out.push(
      buildFinding({
        title: `${agentLabel(agent)} re-sends an action whose tests failed nearly unchanged, and gets the same failing-test report`,
        category: 'trajectory',
        severity: 'medium',
        summary: `In ${shareText(affected.size, agentRuns)} of ${agentPhrase(agent)}, a step's result opens by reporting failing tests and, within the next ${LOOKBACK} steps, the model sends nearly the same action again (code written in the reply at least ${Math.round(NEAR_DUPLICATE * 100)}% the same by word 3-grams; tool calls, code sent as a tool's argument among them, only when sent again with exactly the same arguments), whose result opens with the same report (${count(steps, 'such step')}; most often ${quoted}${reports.length > 2 ? `, and ${reports.length - 2} other reports` : ''}). Repeats that passed are not counted, nor a repeat with an action in between that worked and could change what it runs against, or such an action the harness took itself.`,
        rootCause: `The cited repeats got back the failing-test report the step they copy got, word for word in its first line: sending the action again did not change what the tests found. Halo's checks did not determine why the model kept the approach.`,
        fix: `Tell the model in its instructions to change its code when the tests fail the same way twice, and stop the run (or escalate) when they fail a third time on the same code.`,
        fixKind: 'prompt',
        component: `agent:${agent}`,
        signature: 'repeated_step_tests',
        monitor: `Share of ${agentLabel(agent)} runs that re-send an action whose tests failed, per day.`,
        detector: 'repeated-steps',
        traceIds: affected,
        citations,
        total: agentRuns,
        data: { agent, steps, occurrences },
      }),
    );
  }
  for (const { agent, runs: agentRuns, hits, affected, citations, occurrences } of nothingHits.result()) {
    if (affected.size < minTraces) continue;
    const steps = hits.length;
    const answers = [...groupBy(hits, (h) => h).entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const quoted = answers.slice(0, 2).map(([r, n]) => `"${r.slice(0, 80)}${r.length > 80 ? '…' : ''}" ×${n.length}`).join(', ');
    // Answers that offer other names to try ("Similar: […]", "Did you mean"): the repeat sent the same argument instead.
    const offered = hits.filter((h) => SUGGESTS.test(h)).length;
    out.push(
      buildFinding({
        title: `${agentLabel(agent)} sends a call that got nothing back again, unchanged, and gets the same answer`,
        category: 'trajectory',
        severity: 'medium',
        summary: `In ${shareText(affected.size, agentRuns)} of ${agentPhrase(agent)}, a tool call's result says it found nothing and, within the next ${LOOKBACK} steps, the model sends the same call again (the same tool with exactly the same arguments), whose result opens with the same words (${count(steps, 'such step')}; most often ${quoted}${answers.length > 2 ? `, and ${answers.length - 2} other answers` : ''}). A repeat with an action in between that worked and could change what it runs against is not counted, nor such an action the harness took itself.`,
        rootCause: `The cited repeats got back, word for word in its first line, the answer the call they copy got: the same call could not find what it had not found before.${offered ? ` In ${offered === steps ? (steps === 1 ? 'it' : 'each') : `${offered} of the ${steps} steps`} that answer offered other names to try (${offered === steps ? '' : 'e.g. '}"Similar: […]" or "Did you mean"), and the repeat sent the same argument instead.` : ''} Halo's checks did not determine why the model sent it again.`,
        fix: `Tell the model in its instructions that a call that found nothing will find nothing again with the same arguments: change the query${offered ? ' (try a name the answer suggests)' : ''}, or say what could not be found.`,
        fixKind: 'prompt',
        component: `agent:${agent}`,
        signature: 'repeated_step_nothing',
        monitor: `Share of ${agentLabel(agent)} runs that re-send a call that got nothing back, per day.`,
        detector: 'repeated-steps',
        traceIds: affected,
        citations,
        total: agentRuns,
        data: { agent, steps, occurrences },
      }),
    );
  }
  return out;
}

// An empty list ("Similar: []") offers nothing (review round 42, Reflexion trial 1 #26).
const SUGGESTS = /\bSimilar:\s*\[\s*['"]|\bdid you mean\b/i;

/**
 * Repeats whose reply, and the reply it copies, were cut off part-way: a
 * re-send of the same long reply stops at the same place, whatever the model
 * was told. Said of the steps that show it; the rest keep "not determined".
 */
function cutText(cuts: Cut[], steps: number): { cause: string; fix: string; all: boolean } | null {
  if (!cuts.length) return null;
  const all = cuts.length === steps;
  const runs = [...new Set(cuts.map((c) => c.run))];
  const how = cuts.every((c) => c.limit)
    ? `stopped at their output limit (${cuts[0]!.limit})`
    : cuts.every((c) => c.unclosed)
      ? `stop part-way through their code (the last code block is never closed${cuts.some((c) => c.limit) ? `; ${cuts.find((c) => c.limit)!.limit}` : ''})`
      : `were cut off (the provider's stop reason, or a last code block never closed)`;
  const outs = cuts.map((c) => c.output).filter((o): o is number => o !== undefined);
  const tokens = outs.length === cuts.length ? (Math.min(...outs) === Math.max(...outs) ? ` after ${outs[0]} output tokens each` : ` after ${Math.min(...outs)}–${Math.max(...outs)} output tokens`) : '';
  const where = `${all ? 'In every one' : `In ${cuts.length} of the ${steps} steps`} (${runs.length === 1 ? runs[0] : count(runs.length, 'run')}) the reply and the one it copies ${how}${tokens}`;
  const limitUnrecorded = cuts.every((c) => !c.limit) ? '; the run does not record the output limit its requests set' : '';
  const cause = `${where}: the re-sent reply was cut off again before its action was complete${limitUnrecorded}.${all ? '' : " Halo's checks did not determine why the model kept the approach in the others."}`;
  const fix = all
    ? `Raise the output limit of the model's requests, or have the model send smaller actions (one short edit at a time) so that a reply fits within it; sending the same long reply again cannot get past it.`
    : `Where a reply is cut off part-way, raise the output limit or have the model send smaller actions.`;
  return { cause, fix, all };
}

/**
 * Repeats whose code reached the tool as one line that reads as lines joined
 * by spaces: Python cannot parse it however often it is sent, and where the
 * line breaks were lost decides the fix. Said only when every repeat shows it.
 */
function flatText(hits: RepeatHit[], steps: number): { cause: string; fix: string; kind: FindingInput['fix']['kind'] } | null {
  if (!steps || !hits.every((h) => h.flat !== null)) return null;
  const ex = hits.find((h) => h.flatExample)?.flatExample ?? '';
  const joined = `In every one the code reached the tool as one line, with runs of spaces where line breaks and indentation would be (e.g. \`${ex}${ex.length >= 80 ? '…' : ''}\`), and Python cannot parse those lines as one`;
  if (hits.every((h) => h.flat === 'reply-broken'))
    return { cause: `${joined}; the model's replies hold the code with its line breaks: they were lost on the way to the tool, so no repeat could work.`, fix: `Make what takes the code from the model's reply to the tool keep its line breaks; the model's instructions are not what to change.`, kind: 'code' };
  if (hits.every((h) => h.flat === 'reply-one-line'))
    return { cause: `${joined}; the model's replies hold it as one line too: the model wrote it so each time.`, fix: `Have the model put each statement of the code it sends on its own line, and change approach when an action fails the same way twice.`, kind: 'prompt' };
  return {
    cause: `${joined}. These runs do not record the model's replies with the code, so whether the model wrote it as one line or its line breaks were lost on the way is not known.`,
    fix: `Compare a cited step's action with the model's raw reply: if the reply has the line breaks, make the harness keep them when it takes the code from the reply (no change of approach gets past that); if it does not, have the model put each statement on its own line and change approach when an action fails the same way twice.`,
    kind: 'eval',
  };
}
