// Retries: calls that fail again and again without ever succeeding (the retry
// budget burns and the run still fails), and rate-limit errors that a retry
// later gets past (the run recovers, but pays in latency).
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, lit, shareText, type Citation } from './finding.ts';
import { excerpt } from './text.ts';
import { errorMessage, indexTrace, isErrorSpan, isToolSpan, OTHERS_CALL_EXPR, OUTCOME_RECORDED_EXPR, outcomeRecorded, toolName, callTarget } from './trace-index.ts';
import { emittingCall } from './owner.ts';
import { attemptSeenBy } from './seen-call.ts';
import { actionUnparsed, backendFailure, flattenedCode, ranOtherwise } from './causes.ts';
import { resultText } from './error-text.ts';
import { failureOf } from './origin.ts';
import { HARNESS_REFUSED } from '../../src/types.ts';
import { runsCode, statesAReason } from './error-signatures.ts';
import { createdLater } from './provenance.ts';
import { unseenName } from './unseen-names.ts';
import { oneShot, type RunObs, type TwoStep, arrayPasses, type RunPasses } from './two-step.ts';

// A quota counted over a day or longer ("your daily rate limit", "monthly unique traces usage limit").
const LONG_QUOTA = /\b(daily|per day|a day|monthly|per month)\b/i;
const RATE_LIMIT = /\b429\b|rate.?limit|too many requests|quota exceeded|throttl/i;
// Errors that are normally transient: a later identical call may pass.
const TRANSIENT = /\b429\b|\b5\d\d\b|rate.?limit|too many requests|quota exceeded|throttl|overload|unavailable|timed? ?out|timeout|connection (reset|refused|error)|ECONNRESET|ETIMEDOUT|bad gateway|gateway timeout|internal server error/i;

/** Which calls count as "the same call" for retries: the tool, or the model for LLM spans. */
export function callIdentity(s: Span): string {
  return isToolSpan(s) ? `tool:${callTarget(s)}` : `model:${s.model ?? s.name}`;
}

export interface RetryScan {
  /** identity → the trailing failed attempts (≥ minFailures) with no success after, on rows of ≥ minFailures (`inRows`). */
  exhausted: Map<string, Span[]>;
  /** identity → how many trailing failed attempts `inRows` left out: not on any such row. */
  leftOut: Map<string, number>;
  /** identity → rate-limited attempts that a later attempt of the same call got past. */
  rateLimited: Map<string, Span[]>;
  /** Identities whose failures after the last success a one-line check would count, but some answered a check the run then acted on (`createdLater`). */
  checkedAway: Set<string>;
  /** identity → how many separate streaks those attempts form (a success between two ends one). */
  streaks: Map<string, number>;
}

/**
 * The attempts (failed, in time order) that lie on a row of at least `min`:
 * each attempt retries the latest earlier one its model call was sent. Where
 * the input names calls by id (`attemptSeenBy`), an attempt on another branch
 * of a search tree, or cut from the history, is not one it retries; where it
 * does not, or both attempts came from one model call, it retries the one
 * before it, as a straight run reads.
 */
function inRows(t: Trace, attempts: Span[], min: number): Span[] {
  const prev: number[] = [];
  const depth: number[] = [];
  attempts.forEach((s, k) => {
    let p = k - 1;
    while (p >= 0 && emittingCall(t, attempts[p]!) !== emittingCall(t, s) && attemptSeenBy(t, attempts[p]!, s) === false) p--;
    prev.push(p);
    depth.push(p >= 0 ? depth[p]! + 1 : 1);
  });
  const on = new Set<number>();
  for (let k = attempts.length - 1; k >= 0; k--) {
    if (depth[k]! < min || on.has(k)) continue;
    for (let x = k; x >= 0 && !on.has(x); x = prev[x]!) on.add(x);
  }
  return attempts.filter((_, k) => on.has(k));
}

export function scanRetries(trace: Trace, minFailures = 3): RetryScan {
  const attempts = new Map<string, Span[]>();
  const verdicts = new Set<string>();
  for (const s of indexTrace(trace).steps) {
    // A call whose outcome the source never recorded is no attempt that worked or failed.
    if (!outcomeRecorded(s)) continue;
    // A test run that answered with failed tests worked: its verdict is on the code it was given (a new program each
    // round), not a refusal to retry; what failed is the code, which re-sent steps and the outcome speak of.
    if (s.error?.type === 'tests_failed') {
      verdicts.add(callIdentity(s));
      continue;
    }
    // A call the harness refused to run never reached the tool: no attempt at it (round 26, DA-Code on Qwen2-72B).
    if (s.error?.type === HARNESS_REFUSED) continue;
    const id = callIdentity(s);
    const list = attempts.get(id);
    if (list) list.push(s);
    else attempts.set(id, [s]);
  }
  const exhausted = new Map<string, Span[]>();
  const leftOut = new Map<string, number>();
  const rateLimited = new Map<string, Span[]>();
  const streaks = new Map<string, number>();
  const checkedAway = new Set<string>();
  for (const [id, list] of attempts) {
    let lastOk = -1;
    let lastRaw = -1;
    for (let i = list.length - 1; i >= 0; i--) if (!isErrorSpan(list[i]!)) { lastRaw = i; break; }
    // A not-found answer the run then acted on by creating what was missing answered a check: no failed attempt.
    for (let i = list.length - 1; i >= 0; i--) if (!isErrorSpan(list[i]!) || createdLater(trace, list[i]!, runsCode)) { lastOk = i; break; }
    if (lastOk !== lastRaw && list.length - 1 - lastRaw >= minFailures) checkedAway.add(id);
    const trailing = list.slice(lastOk + 1);
    if (trailing.length >= minFailures) {
      const rows = inRows(trace, trailing, minFailures);
      if (rows.length) exhausted.set(id, rows);
      if (rows.length < trailing.length) leftOut.set(id, trailing.length - rows.length);
    }
    // A retry starts after the refused attempt ended: a success that overlaps
    // it (a nested or concurrent call to the same model) did not retry it.
    const limited = list
      .slice(0, Math.max(0, lastOk))
      // A retry sends the same request again: a later call with other input (the next section of a write-up after a daily
      // quota refused this one) went on without it, and the refused request was dropped, not retried.
      .filter((s, i) => isErrorSpan(s) && RATE_LIMIT.test(errorMessage(s)) && list.some((o, j) => j > i && !isErrorSpan(o) && o.startTime >= s.endTime && requestOf(o) === requestOf(s)));
    if (limited.length) {
      rateLimited.set(id, limited);
      const set = new Set(limited);
      streaks.set(id, list.filter((x, i) => set.has(x) && (i === 0 || !set.has(list[i - 1]!))).length);
    }
  }
  for (const id of verdicts) checkedAway.add(id);
  return { exhausted, leftOut, rateLimited, streaks, checkedAway };
}

// Predicate source: the attempts of one call identity in time order, as scanRetries sees them.
function attemptsExpr(component: string): string {
  return `t.spans.filter((s) => (s.kind === "llm" || ((s.kind === "tool" || s.tool != null) && !${OTHERS_CALL_EXPR})) && ${OUTCOME_RECORDED_EXPR}).sort((a, b) => a.startTime - b.startTime).filter((s) => ((s.kind === "tool" || s.tool != null) ? "tool:" + ((s.tool && typeof s.tool.name === "string" && s.tool.name) || (typeof s.name === "string" ? s.name : "")) : "model:" + (s.model ?? s.name)) === ${lit(component)})`;
}
const IS_ERROR_FN = `(s) => s.status === "error" || s.error != null`;
// requestOf's expression.
const INPUT_FN = `(s) => { const tool = s.kind === "tool" || s.tool != null; if (tool || s.input != null) { const v = (s.tool && s.tool.arguments != null) ? s.tool.arguments : s.input; return typeof v === "string" ? v : JSON.stringify(v == null ? null : v); } const sent = (s.messages || []).slice(); while (sent.length && sent[sent.length - 1].role === "assistant") sent.pop(); return sent.length ? JSON.stringify(sent.map((m) => [m.role, m.content])) : "null"; }`;
const MESSAGE_FN = `(s) => { const m = s.error && s.error.message; return (typeof m === "string" && m) || (typeof s.statusMessage === "string" ? s.statusMessage : ""); }`;

function exhaustedPredicate(component: string, minFailures: number): string {
  return `(t) => ((list, err) => { let n = 0; for (let i = list.length - 1; i >= 0 && err(list[i]); i--) n++; return n >= ${minFailures}; })(${attemptsExpr(component)}, ${IS_ERROR_FN})`;
}

function rateLimitPredicate(component: string): string {
  return `(t) => ((list, err, msg, inp) => { let lastOk = -1; for (let i = list.length - 1; i >= 0; i--) if (!err(list[i])) { lastOk = i; break; } return list.slice(0, Math.max(0, lastOk)).some((s, i) => err(s) && new RegExp(${lit(RATE_LIMIT.source)}, "i").test(msg(s)) && list.some((o, j) => j > i && !err(o) && o.startTime >= s.endTime && inp(o) === inp(s))); })(${attemptsExpr(component)}, ${IS_ERROR_FN}, ${MESSAGE_FN}, ${INPUT_FN})`;
}

/**
 * What a call asked for, to tell a retry (the same request again) from the next request: a tool call's arguments,
 * a model call's input, else the messages it was sent (its own reply left out); 'null' when none is recorded.
 */
function requestOf(s: Span): string {
  if (isToolSpan(s) || s.input != null) return callInput(s);
  const sent = (s.messages ?? []).slice();
  while (sent.length && sent[sent.length - 1]!.role === 'assistant') sent.pop();
  return sent.length ? JSON.stringify(sent.map((m) => [m.role, m.content])) : 'null';
}

/** What a retry varies: a tool call's arguments (as sent), else its input. */
function callInput(s: Span): string {
  const v = s.tool?.arguments ?? s.input;
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/**
 * Cause and fix of exhausted retries, worded from what the attempts show:
 * errors that are normally transient outlasted the retries; changed
 * arguments mean the agent did adapt and was rejected anyway; only the same
 * call failing the same way supports "retrying cannot fix it".
 */
function exhaustedText(name: string, g: { traces: Set<string>; transient: number; someTransient: number; varied: number; unemitted: number; backend: number; ranOther: number; unparsed: number; unparsedWhat?: string; bare: number; bareExample?: string; unseen: number; unseenExample?: string; runner: number; attempts: number; flat: Map<string, number>; flatExample?: string }, workedSomewhere: boolean): { rootCause: string; fix: string } {
  const n = g.traces.size;
  // Every attempt's code arrived as one line that reads as lines joined by spaces: Python cannot parse it however often
  // it is sent, and where the line breaks were lost (the model's reply, when recorded, tells) is where the fix goes.
  const flat = [...g.flat.values()].reduce((a, b) => a + b, 0);
  if (flat === n) {
    const example = g.flatExample ? ` (e.g. \`${g.flatExample}${g.flatExample.length >= 80 ? '…' : ''}\`)` : '';
    const joined = `In every run every attempt's code reached \`${name}\` as one line, with runs of spaces where line breaks and indentation would be${example}, and Python cannot parse those lines as one`;
    if (g.flat.get('reply-broken') === n)
      return {
        rootCause: `${joined}; the model's replies that emitted them hold the code with its line breaks: they were lost between the reply and \`${name}\`, so sending the call again could not work.`,
        fix: `Make what takes the code from the model's reply to \`${name}\` keep its line breaks; the model's instructions are not what to change.`,
      };
    if (g.flat.get('reply-one-line') === n)
      return {
        rootCause: `${joined}; the model's replies that emitted them hold it as one line too: the model wrote it so, attempt after attempt.`,
        fix: `Have the model put each statement of the code it sends on its own line, and stop after two failures of the same kind instead of sending the call again.`,
      };
    return {
      rootCause: `${joined}. These runs do not record the model's replies with the code, so whether the model wrote it as one line or its line breaks were lost on the way to \`${name}\` is not known.`,
      fix: `Compare a cited attempt with the model's raw reply: if the reply has the line breaks, make the harness keep them when it takes the code from the reply (no retry can get past that); if it does not, have the model put each statement on its own line.`,
    };
  }
  if (g.backend === n) {
    return {
      rootCause: `Every attempt failed because the service behind \`${name}\` failed, not because of what was sent: a transport or server error, or every call of the run failing with the same error from one point on, calls that had worked earlier among them.`,
      fix: `Fix what \`${name}\` calls (a cited attempt reproduces it), or take the tool out of the agent's list while it is down, and have it report such failures as the service's, so the agent stops re-sending calls that cannot work.`,
    };
  }
  // "Rejected" needs the call to go through for some input: one that never did anywhere may be what is broken.
  if (!workedSomewhere && !g.backend && g.transient < n && g.unemitted < n) {
    return {
      rootCause: `No call to \`${name}\` went through in any run here: every attempt failed (${count(g.attempts, 'failed attempt')} in these runs), so the spans do not show it working for any input, and whether the inputs or \`${name}\` itself is at fault is not something they tell.`,
      fix: `Call \`${name}\` by hand with one cited input and with one known to work: if neither goes through, fix it or its access, or stop offering it to the agent; either way, have the agent stop after two failures of the same kind and tell the user.`,
    };
  }
  // Runs where the service failed are said apart: no other input would have got through there.
  // Runs where what ran was not what the calls hold, or the harness could not parse the replies as actions: checked, said apart.
  const own =
    (g.backend ? `In ${g.backend} of ${n} runs every attempt failed because the service behind \`${name}\` failed (a transport or server error, or every call failing alike from one point on): no other input would have got through there. ` : '') +
    (g.ranOther ? `In ${g.ranOther} of ${n} runs at every attempt what the shell ran is not the command the call carries (it echoes a line the command does not hold, names a word of the command where it names itself, or reports a quote or parenthesis left open that the command closes): the command was changed on its way to the shell (whether it would have failed as written is not checked). ` : '') +
    (g.unparsed ? `In ${g.unparsed} of ${n} runs none of the attempts was written in the form the harness parses${g.unparsedWhat ? ` (e.g. ${g.unparsedWhat})` : ''}: their format failed, not a command. ` : '');
  const apart = g.backend || g.ranOther || g.unparsed;
  if (g.unemitted === n) {
    return {
      rootCause: `No model call emitted these calls: the framework made them (each attempt follows its own schedule, not a model's decision to retry), and what it ran kept failing.`,
      fix: `Read the cited reports for why what \`${name}\` runs keeps failing (the code under test, or the environment it runs in); the agent's instructions do not decide these calls.`,
    };
  }
  if (g.transient === n) {
    return {
      rootCause: `${own}\`${name}\` kept failing with errors that are normally transient (rate limit, overload, 5xx or timeout) on every attempt in these runs, and no later call to it succeeded.`,
      fix: `Retry these errors with jittered backoff honouring retry-after within a bounded budget; when the budget runs out, fall back to another deployment or model, and surface the failure to the model and the run status instead of ending silently.`,
    };
  }
  // Code that kept failing is the program's doing, which halo does not check: no service "rejected" it, and no
  // retry policy is prescribed (the attempts mostly changed the code; error-signatures words a code runner's failures the same way).
  if (g.runner === n && !apart) {
    return {
      rootCause: `\`${name}\` runs code, and the code it was sent failed at every attempt${g.varied ? ` (${g.varied === n ? 'in each run' : `in ${g.varied} of ${n} runs`} the code changed between attempts)` : ''}; halo's checks did not determine why (the code itself, or the environment it ran in).`,
      fix: `Halo could not tell why these failed, so it prescribes no change: read the cited attempts' code and the output each got first, for whether the code or the environment it runs in is at fault.`,
    };
  }
  // A rejection that names no condition ("Invalid action!") gives the agent nothing to change: the fix is at what answers.
  const bareAll = g.bare === n && !apart;
  // What the run had shown the agent is on record: attempts naming what it never showed are the model's doing, and the fix is the agent's.
  const unseenSaid = g.unseen >= 2 && g.unseen * 10 >= n ? `In ${g.unseen} of ${n} runs an attempt names something nothing its run was told before it mentions (e.g. \`${g.unseenExample}\`: no user or system message in the run, no input and no earlier result holds it). ` : '';
  const bareSaid = g.bare ? `${g.bare === n ? 'Every' : `In ${g.bare} of ${n} runs every`} rejection said only that the call was rejected${g.bareExample ? ` (\`${g.bareExample}\`)` : ''}, naming no condition to change. ${unseenSaid}` : '';
  const bareFix =
    g.unseen * 2 > g.bare
      ? `have the agent name only what its run has shown it (act only on objects an observation has listed), and stop after two rejections of the same kind and tell the user or escalate`
      : `have \`${name}\` answer a rejected call with what it rejected and why, and have the agent stop after two rejections of the same kind and tell the user or escalate`;
  if (g.varied === n) {
    return {
      rootCause: `${own}The attempts did not all send the same arguments, and \`${name}\` still rejected every one. ${bareSaid}`.trim(),
      fix: bareAll
        ? `${bareFix.replace(/^h/, 'H')}.`
        : `${g.bare ? `Where the rejections name no condition, ${bareFix}; elsewhere, h` : 'H'}ave the agent work out from the rejection (and the data in the run) what input would be accepted before trying again, and stop after two rejections of the same kind and tell the user or escalate.`,
    };
  }
  const mixed = g.varied > 0 ? ` (in ${g.varied} of ${n} runs the attempts did not all send the same arguments, and were rejected anyway)` : '';
  // Said as checked: none of the attempts' errors is of a transient kind, or in how many runs some were (round 35: a
  // timeout among InterCode's rejections, where "no timeout in them" was read as a claim about every attempt).
  const notTransient = g.someTransient === 0 ? 'The attempts fail with errors that do not read as transient (no rate limit, overload, 5xx or timeout in them)' : `The attempts do not all fail with errors that read as transient (in ${g.someTransient} of ${n} runs some did: a rate limit, overload, 5xx or timeout)`;
  if (bareAll) {
    return {
      rootCause: `${notTransient}${mixed}. ${bareSaid}`.trim(),
      fix: `${bareFix.replace(/^h/, 'H')}, instead of sending the call again.`,
    };
  }
  const parts = [g.backend ? 'where the service failed, fix what it calls' : '', g.ranOther ? 'where what ran is not the command, make the harness pass commands as written' : '', g.unparsed ? 'where the actions did not parse, show the model the action format' : '', g.bare ? `where the rejections name no condition, ${bareFix}` : ''].filter(Boolean);
  return {
    rootCause: `${own}${notTransient}${mixed}. ${bareSaid}`.trim(),
    fix: `${parts.length ? `${parts.join('; ').replace(/^w/, 'W')}; elsewhere, h` : 'H'}ave the agent read the rejection and change what it names, or stop and tell the user, instead of sending the call again.`,
  };
}

/** One streak of attempts at one call: what the global step adds to that call's group. */
interface Streak {
  id: string;
  attempts: number;
  transient: boolean;
  /** Some attempt failed with an error that is normally transient (a timeout among rejections). */
  someTransient?: boolean;
  varied: boolean;
  unemitted: boolean;
  /** Every attempt failed because the service behind the tool did (causes.ts `backendFailure`). */
  backend: boolean;
  /** Every attempt's shell ran a line the call does not hold (`ranOtherwise`); every attempt was a reply the harness could not parse (`actionUnparsed`). */
  ranOther: boolean;
  unparsed: boolean;
  /** What the first unparsed attempt's reply lacked, as the reader recorded it (several actions in one step, …). */
  unparsedWhat?: string;
  /** Every attempt's rejection says only that it was rejected ("Invalid action!"), no condition (`statesAReason`). */
  bare: boolean;
  /** Every attempt ran code (`runsCode`): what failed is the program, not a request a service rejected. */
  runner: boolean;
  /** Where the rejections name no condition: the first thing an attempt names that nothing the run was told before it mentions (unseen-names.ts). */
  unseen?: string;
  /** Rate-limited attempts whose input is not recorded: whether the later success re-sent them is not known. */
  sameUnchecked?: boolean;
  /** A refusal names a quota over a day or longer, which no backoff within a run waits out. */
  longQuota?: boolean;
  /** Failed attempts after the last success that were on no row (`inRows`): not counted. */
  leftOut?: number;
  /** Every attempt's code reached the tool as one line reading as lines joined by spaces (causes.ts `flattenedCode`), and what the replies that emitted them show: all with line breaks, all one line too, or not all recorded. */
  flat: 'reply-broken' | 'reply-one-line' | 'unrecorded' | null;
  flatExample?: string;
  citation: Citation;
}

/** For attempts whose rejections name no condition, the first thing one of them names that the run had never shown. */
function unseenOf(t: Trace, spans: Span[]): { unseen?: string } {
  if (!spans.every((x) => isToolSpan(x) && !runsCode(x) && !statesAReason(failureOf(t, x) ?? errorMessage(x)))) return {};
  for (const x of spans) {
    const name = unseenName(t, x);
    if (name) return { unseen: name };
  }
  return {};
}

type RetryOptions = { minFailures?: number; minTraces?: number };

type RetryRun = { exhausted: Streak[]; limited: Streak[]; worked: string[]; cut?: string[] };

export const retrySteps: TwoStep<RetryRun, RetryOptions> = {
  perRun(t, opts) {
    const minFailures = opts.minFailures ?? 3;
    const streak = (id: string, spans: Span[], note: string): Streak => {
      const s = spans[spans.length - 1]!;
      const msg = errorMessage(s);
      return {
        id,
        attempts: spans.length,
        transient: spans.every((x) => TRANSIENT.test(errorMessage(x))),
        someTransient: spans.some((x) => TRANSIENT.test(errorMessage(x))),
        varied: isToolSpan(spans[0]!) && new Set(spans.map(callInput)).size > 1,
        // No model emitted these calls (a framework re-running its tests each cycle): the attempts are not the agent's retries.
        unemitted: t.spans.some((x) => x.kind === 'llm') && spans.every((x) => isToolSpan(x) && !emittingCall(t, x)),
        backend: spans.every((x) => backendFailure(t, x, failureOf(t, x) ?? errorMessage(x), isToolSpan(x) && runsCode(x)) !== null),
        ranOther: spans.every((x) => isToolSpan(x) && ranOtherwise(x, resultText(x)) !== null),
        unparsed: spans.every((x) => isToolSpan(x) && actionUnparsed(x) !== null),
        unparsedWhat: actionUnparsed(spans[0]!) ?? undefined,
        bare: spans.every((x) => !statesAReason(failureOf(t, x) ?? errorMessage(x))),
        ...flatOf(t, spans),
        runner: spans.every((x) => isToolSpan(x) && runsCode(x)),
        ...unseenOf(t, spans),
        citation: { traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : undefined, note },
      };
    };
    const scan = scanRetries(t, minFailures);
    const exhausted = [...scan.exhausted].map(([id, spans]) => {
      const left = scan.leftOut.get(id) ?? 0;
      const k = streak(id, spans, `${count(spans.length, 'failed attempt')}, none succeeded${left ? `; ${left} more after the run's last success on no row of ${minFailures} (each attempt sent the one before it), not counted` : ''}`);
      if (left) k.leftOut = left;
      return k;
    });
    const limited = [...scan.rateLimited].map(([id, spans]) => {
      // How attempts group into streaks depends on how a log splits its retries (a reviewer reading ChatDev's
      // log found 9 where its spans make 8): say only what every attempt shows, a later success of the same call.
      const n = scan.streaks.get(id) ?? 1;
      const k = streak(id, spans, n > 1 ? `${count(spans.length, 'rate-limited attempt')}, not all in a row, each later followed by a success of the same call` : `${count(spans.length, 'rate-limited attempt')} before a success`);
      // Whether the later success re-sent the refused request is checked on recorded inputs only.
      if (spans.every((x) => requestOf(x) === 'null')) k.sameUnchecked = true;
      // A per-day limit that says when to try again ("try again in 7m12s") rolls: backing off does wait it out.
      if (spans.some((x) => LONG_QUOTA.test(errorMessage(x)) && !/try again in\s+\d/i.test(errorMessage(x)))) k.longQuota = true;
      return k;
    });
    // The calls that went through in this run: the window's union tells a tool that works for some input from one that never did.
    const worked = [...new Set(indexTrace(t).steps.filter((x) => !isErrorSpan(x)).map(callIdentity))];
    // Identities whose trailing failures a one-line check would count but the rows do not: no predicate reproduces them.
    const cut = [...new Set([...[...scan.leftOut.keys()].filter((id) => !scan.exhausted.has(id)), ...scan.checkedAway])];
    return { exhausted, limited, worked, ...(cut.length ? { cut } : {}) };
  },
  global: retryFindings,
  passes: true,
};

export const retries = oneShot(retrySteps);

function flatOf(t: Trace, spans: Span[]): Pick<Streak, 'flat' | 'flatExample'> {
  const flats = spans.map((x) => (isToolSpan(x) ? flattenedCode(t, x, failureOf(t, x) ?? errorMessage(x)) : null));
  if (!flats.every((f) => f !== null)) return { flat: null };
  const replies = new Set(flats.map((f) => f!.replyBroken));
  const flat = replies.size === 1 && replies.has(true) ? 'reply-broken' : replies.size === 1 && replies.has(false) ? 'reply-one-line' : 'unrecorded';
  return { flat, flatExample: flats[0]!.example };
}

/** One pass over the runs, joining each run's streaks as it goes, so that a week's runs are never held whole. */
function retryFindings(given: RunPasses<RetryRun>, opts: RetryOptions): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<RetryRun>[]) : given;
  const minFailures = opts.minFailures ?? 3;
  // A pattern across runs needs two of them (one run is an anecdote), unless only one run is given.
  const minTraces = opts.minTraces ?? (runs.length > 1 ? 2 : 1);
  type Group = { traces: Set<string>; citations: Citation[]; attempts: number; transient: number; someTransient: number; varied: number; unemitted: number; backend: number; ranOther: number; unparsed: number; unparsedWhat?: string; bare: number; bareExample?: string; unseen: number; unseenExample?: string; runner: number; cutRuns: number; leftOut: number; flat: Map<string, number>; flatExample?: string; unchecked: number; quota: number };
  const exhausted = new Map<string, Group>();
  const limited = new Map<string, Group>();
  const add = (m: typeof exhausted, traceId: string, k: Streak) => {
    let g = m.get(k.id);
    if (!g) m.set(k.id, (g = { traces: new Set(), citations: [], attempts: 0, transient: 0, someTransient: 0, varied: 0, unemitted: 0, backend: 0, ranOther: 0, unparsed: 0, bare: 0, unseen: 0, runner: 0, cutRuns: 0, leftOut: 0, flat: new Map(), unchecked: 0, quota: 0 }));
    g.traces.add(traceId);
    g.attempts += k.attempts;
    if (k.leftOut) {
      g.cutRuns++;
      g.leftOut += k.leftOut;
    }
    if (k.transient) g.transient++;
    if (k.someTransient) g.someTransient++;
    if (k.varied) g.varied++;
    if (k.unemitted) g.unemitted++;
    if (k.backend) g.backend++;
    if (k.ranOther) g.ranOther++;
    if (k.unparsed) {
      g.unparsed++;
      g.unparsedWhat ??= k.unparsedWhat;
    }
    if (k.runner) g.runner++;
    if (k.sameUnchecked) g.unchecked++;
    if (k.longQuota) g.quota++;
    if (k.bare) {
      g.bare++;
      g.bareExample ??= k.citation.excerpt;
    }
    if (k.unseen) {
      g.unseen++;
      g.unseenExample ??= k.unseen;
    }
    if (k.flat) {
      g.flat.set(k.flat, (g.flat.get(k.flat) ?? 0) + 1);
      g.flatExample ??= k.flatExample;
    }
    g.citations.push(k.citation);
  };
  const worked = new Set<string>();
  const cut = new Set<string>();
  runs.forEach(({ run, obs }) => {
    for (const x of obs.worked ?? []) worked.add(x);
    for (const x of obs.cut ?? []) cut.add(x);
    for (const k of obs.exhausted) add(exhausted, run.traceId, k);
    for (const k of obs.limited) add(limited, run.traceId, k);
  });
  const out: FindingInput[] = [];
  for (const [id, g] of exhausted) {
    if (g.traces.size < minTraces) continue;
    const name = id.replace(/^(tool|model):/, '');
    out.push(
      buildFinding({
        title: `${name}: retries never succeed`,
        category: 'errors_recovery',
        severity: 'high',
        summary: `In ${shareText(g.traces.size, runs.length)}, \`${name}\` fails on ${minFailures} or more of its calls in a row and never succeeds afterwards (${count(g.attempts, 'failed attempt')} in all; other tools' calls may come between them).${g.varied ? ` In ${g.varied === g.traces.size ? 'each of them' : `${g.varied} of them`} the attempts do not all send the same arguments.` : ''}${g.cutRuns ? ` In a row, each attempt's model call was sent the attempt before it, where its recorded input names the calls it holds by id: in ${g.cutRuns === g.traces.size ? (g.cutRuns === 1 ? 'that run' : 'each of these runs') : `${g.cutRuns} of these runs`} some failed attempts after the last success are on no such row of ${minFailures} or more (${g.leftOut} in all) and are not counted.` : ''} The attempts add cost and latency without changing the result.`,
        ...exhaustedText(name, g, worked.has(id)),
        fixKind: 'code',
        component: id,
        signature: 'retry_exhausted',
        // What the model calls were sent is read from message histories, which a one-line check cannot redo: no predicate where it mattered.
        // A gateway's calls are told apart by the tool their arguments name, which the one-line identity does not read.
        ...(cut.has(id) || id.includes(' → ') ? {} : { predicate: exhaustedPredicate(id, minFailures) }),
        monitor: `Count of runs where \`${name}\` fails ≥ ${minFailures} times with no later success, per day.`,
        detector: 'retries',
        traceIds: g.traces,
        citations: g.citations,
        total: runs.length,
        data: { component: id, attempts: g.attempts, transientRuns: g.transient, variedArgumentRuns: g.varied },
      }),
    );
  }
  for (const [id, g] of limited) {
    if (g.traces.size < minTraces) continue;
    const name = id.replace(/^(tool|model):/, '');
    out.push(
      buildFinding({
        // Without recorded inputs a later success may be another request: the refused one may have been dropped, not retried.
        title: g.unchecked === g.traces.size ? `${name}: rate-limited, and a later call went through` : `${name}: rate-limited, then retried`,
        category: 'latency',
        severity: 'low',
        summary:
          g.unchecked === g.traces.size
            ? `In ${shareText(g.traces.size, runs.length)}, calls to \`${name}\` hit a rate limit and a later call to it succeeded (${count(g.attempts, 'rate-limited attempt')}). The calls record no input, so whether that later call re-sent the refused request or went on to another one (dropping it) is not shown.`
            : `In ${shareText(g.traces.size, runs.length)}, calls to \`${name}\` hit a rate limit and succeeded only on a later attempt with the same input (${count(g.attempts, 'rate-limited attempt')})${g.unchecked ? `; in ${g.unchecked} of these runs the calls record no input, so that it was the same request is not shown there` : ''}. The requests went through in the end, but each retry adds latency.`,
        rootCause: `\`${name}\` answered these calls with a rate-limit error${g.quota ? ` (${g.quota === g.traces.size ? 'a' : `in ${g.quota} of these runs, a`} quota counted over a day or longer)` : ''} and a later call succeeded: the requests exceeded the provider's limit at those moments.`,
        fix: g.quota
          ? `A quota over a day or longer is not waited out by backing off within a run: raise the account's quota or plan, or spread the work over more time${g.quota < g.traces.size ? '; for the other refusals, pace calls with a client-side rate limiter and honour retry-after' : ''}; and have the caller re-send a refused request rather than go on without it.`
          : `Pace calls to \`${name}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if the rate keeps growing.`,
        fixKind: 'config',
        component: id,
        signature: 'rate_limit_retry',
        ...(id.includes(' → ') ? {} : { predicate: rateLimitPredicate(id) }),
        monitor: `429 responses from \`${name}\` per hour, and the latency they add per run.`,
        detector: 'retries',
        traceIds: g.traces,
        citations: g.citations,
        total: runs.length,
        data: { component: id, attempts: g.attempts },
      }),
    );
  }
  return out;
}
