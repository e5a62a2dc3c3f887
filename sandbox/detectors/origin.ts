// Where an error originates. A failure raised in a tool and re-raised by its
// parent step, the agent run and the root is one failure: it counts once, at
// the deepest span that carries it. In a multi-agent run the agent at fault
// is the one whose turn the failure starts in; an executor or tool span acts
// for the agent that called it (the closest earlier turn by another agent).
import type { Span, Trace } from '../../src/types.ts';
import { errorMessage, isErrorSpan, isToolSpan, othersCall, recordsStatus } from './trace-index.ts';
import { callOwner, emittingCall } from './owner.ts';
import { BARE_ERROR, EXCEPTION_LINE, exitedZero, failureLine, findErrorText, resultText, statusFieldFailure } from './error-text.ts';
import { argumentText, stringsIn, textOf } from './text.ts';
import { openingMessage } from './provenance.ts';
import { runMemo } from './memo.ts';
import { stageFailure } from './program-lines.ts';

interface Tree {
  children: Map<string, Span[]>;
  byId: Map<string, Span>;
  agents: Set<string>;
  ordered: Span[];
}

const trees = runMemo<Trace, Tree>();

function treeOf(t: Trace): Tree {
  let tree = trees.get(t);
  if (tree) return tree;
  const children = new Map<string, Span[]>();
  const byId = new Map<string, Span>();
  const agents = new Set<string>();
  for (const s of t.spans) {
    byId.set(s.spanId, s);
    if (s.parentId) (children.get(s.parentId) ?? children.set(s.parentId, []).get(s.parentId)!).push(s);
    const a = spanAgent(s);
    if (a) agents.add(a);
  }
  const ordered = [...t.spans].sort((a, b) => a.startTime - b.startTime);
  tree = { children, byId, agents, ordered };
  trees.set(t, tree);
  return tree;
}

export function spanAgent(s: Span): string | undefined {
  const a = (s as { agentName?: unknown }).agentName;
  return typeof a === 'string' && a !== '' ? a : undefined;
}

/** The span with this id in the trace (one index per trace, shared). */
export function spanById(t: Trace, id: string): Span | undefined {
  return treeOf(t).byId.get(id);
}

/** More than one agent speaks in this run. */
export function isMultiAgent(t: Trace): boolean {
  return treeOf(t).agents.size > 1;
}

/** First line of an error text, whitespace collapsed, for containment checks. */
function core(msg: string): string {
  return msg.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * The span re-raises an error that a descendant already carries: some error
 * span below it has the same error text (one contains the other).
 */
export function isReRaise(t: Trace, s: Span): boolean {
  const { children } = treeOf(t);
  const mine = core(errorMessage(s));
  const stack = [...(children.get(s.spanId) ?? [])];
  let guard = 0;
  while (stack.length && guard++ < 100_000) {
    const c = stack.pop()!;
    if (isErrorSpan(c)) {
      const theirs = core(errorMessage(c));
      if (!mine || !theirs || mine.includes(theirs.slice(0, 120)) || theirs.includes(mine.slice(0, 120))) return true;
      if (s.error?.type && s.error.type === c.error?.type) return true;
    }
    stack.push(...(children.get(c.spanId) ?? []));
  }
  return false;
}

/**
 * The failure a span reports: its error status and message, or — where its
 * source records no status of its own (a trajectory step, a chat or
 * group-chat turn, whose status the ingest read from an exit code) —
 * the failure its own text reports (a traceback ending it, an exception or
 * "Error:" line opening it, a provider's "Error code: 400 (content_filter)").
 * Null when it did not fail, or when all it says is that a program exited
 * non-zero with no error in its output. Where the source records statuses, they are
 * taken at their word here (the silent-failures detector questions them);
 * model calls' text is the model talking, not a failure report.
 */
export function failureOf(t: Trace, s: Span): string | null {
  // Asked for every span by originErrors, and again for the spans after each failure
  // (what became of it, whether a repeat failed alike): read each result once.
  let f = failures.get(s);
  if (f === undefined) failures.set(s, (f = readFailure(t, s)));
  return f;
}

const failures = runMemo<Span, string | null>();

function readFailure(t: Trace, s: Span): string | null {
  if (isErrorSpan(s)) {
    const msg = errorMessage(s);
    // A status that is only an OS error with no subject ("No such file or directory") where the output's own line
    // names it ("find: 'compress': No such file or directory"): that line is the failure (review round 42).
    if (isToolSpan(s) && BARE_OS_ERROR.test(msg.trim())) {
      const line = resultText(s).split('\n').map((l) => l.trim()).find((l) => l.length > msg.trim().length && l.endsWith(msg.trim()));
      if (line) return line.slice(0, 500);
    }
    // A status that only says the tool failed (a bare "ERROR:", the Agents
    // SDK's "Error running tool"): the result holds what the error was.
    if (isGeneric(msg.trim()) && isToolSpan(s)) {
      const result = resultText(s);
      // The SDK tells the model "An error occurred while running the tool. Please try again. Error: <the exception>".
      const sdkCause = /\bError: ([^\n]{3,500})/.exec(result)?.[1];
      if (sdkCause) return `${msg.trim()}: ${sdkCause}`;
      const line = failureLine(result);
      if (line) return line;
      // A program that exited non-zero and printed no error (grep finding nothing, a test
      // runner's verdict without a traceback): nothing names a failure to group by.
      if (EXIT_ONLY.test(msg.trim())) return null;
    }
    // A status message that is the output's first line (a library's log noise) while the output ends in a traceback: the traceback's exception is the failure.
    if (isToolSpan(s) && !msg.split('\n').some((l) => EXCEPTION_LINE.test(l))) {
      const result = resultText(s);
      if (/Traceback \(most recent call last\)/.test(result)) {
        const line = failureLine(result);
        if (line && EXCEPTION_LINE.test(line)) return line;
      }
    }
    // A status message that is only the output's first line, which reports nothing (wget's "--<time>--  <url>"): a
    // program that prints its progress first prints its error after it.
    if (isToolSpan(s) && !findErrorText(msg) && !DIAGNOSTIC.test(msg)) {
      const result = resultText(s);
      if (result.trimStart().startsWith(msg.trim())) {
        const later = laterFailureLine(result);
        if (later) return later;
      }
    }
    return msg;
  }
  if (isToolSpan(s) && /\|(?!\|)/.test(argumentText(s))) {
    // A status of 0 set by a pipe (`… 2>&1 | tail`) is the last command's, not the program's: a
    // traceback that ends the output is how the program ended.
    const result = resultText(s);
    if (exitedZero(result)) {
      const body = result.replace(/(?:\s*<\/[\w-]+>)+\s*$/, '').trimEnd();
      const last = body.slice(body.lastIndexOf('\n') + 1);
      if (/Traceback \(most recent call last\)|^\s*File "[^"\n]+", line \d+/m.test(body) && /^[\w.]*(Error|Exception|Exit|Interrupt)\b[^\n]*$/.test(last.trim())) return last.trim().slice(0, 500);
      // A test runner's own verdict ending the output (unittest's "FAILED (errors=1)", pytest's "=== 1 failed ==="): the exception it reports is the failure.
      if (/^(FAILED \((errors|failures)=\d+|=+ .*\b\d+ (failed|errors?)\b.*=+$)/.test(last.trim())) {
        const exc = [...body.matchAll(/^([\w.]*(?:Error|Exception)\b:?[^\n]*)$/gm)].at(-1)?.[1];
        if (exc) return exc.trim().slice(0, 500);
      }
    }
    // A status of 0 that a pipe decided, from its last stage: an earlier stage's program that printed its error failed.
    if (!isErrorSpan(s)) {
      const stage = stageFailure(result, stringsIn(s.tool?.arguments).join('\n'));
      if (stage) return stage;
    }
  }
  // A result whose own status field says the call failed is a failure whatever status the span was given.
  if (isToolSpan(s)) {
    const stated = statusFieldFailure(resultText(s));
    if (stated) return stated;
  }
  // A shell that refused a line of the command (could not parse it, no such command) while a later line set the
  // status to 0: that line did not run.
  if (isToolSpan(s) && !isErrorSpan(s)) {
    const refused = shellRefusal(resultText(s));
    if (refused) return refused;
  }
  if (recordsStatus(t) || s.kind === 'llm') return null;
  const turn = s.kind === 'agent' && s.parentId != null && !treeOf(t).children.has(s.spanId);
  if (!turn && !isToolSpan(s)) return null;
  if (!isToolSpan(s)) return failureLine(textOf(s.output));
  const result = resultText(s);
  // Exit 0 is the program's word, unless a pipe (`| tail`) decided the status: then the text says what happened.
  return exitedZero(result) && !/\|(?!\|)/.test(argumentText(s)) ? null : failureLine(result);
}

/** An OS error with no subject: it says what went wrong, not with what. */
export const BARE_OS_ERROR = /^(?:No such file or directory|Permission denied|Is a directory|Not a directory|File exists|Operation not permitted)$/;

// Words a program's diagnostic is made of: a first line with one of them is the error, not progress.
const DIAGNOSTIC = /error|fail|unexpected|cannot|can't|not found|no such|denied|invalid|missing|unable|refused|timed out|illegal|unknown|usage/i;
// A later line that reports a failure whatever came before it: "ERROR 404: Not Found.", an HTTP status answered, an exception.
const LATER_FAILURE = /\bERROR(?: \d{3})?:\s|\b[45]\d\d (?:Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b/;

/** The first line after the first that reports a failure on its own (wget's "… awaiting response... 404 Not Found"), or null. */
function laterFailureLine(result: string): string | null {
  for (const line of result.split('\n').slice(1, 200)) {
    const l = line.trim();
    if (LATER_FAILURE.test(l) || EXCEPTION_LINE.test(l) || SHELL_REFUSED.test(l)) return l.slice(0, 500);
  }
  return null;
}

// The shell's own refusal of a line: it could not parse it, or found no such command. In an interactive shell that
// runs a command line by line (OpenHands' terminal) the call's status is the last line's, and an echoed command comes
// first in the output (review round 44: deepseek-r1's "pkill Xvfb;" as the error, its three syntax errors unseen).
const SHELL_REFUSED = /^(?:\/[\w./-]*\/)?(?:ba|da|z|k)?sh: (?:line \d+: )?(?:syntax error near unexpected token\b|[^\s:]+: command not found$)/;

/** The shell's first refusal of a line in the output of a call marked as working, or null. */
function shellRefusal(result: string): string | null {
  for (const line of result.split('\n').slice(0, 400)) {
    const l = line.trim();
    if (SHELL_REFUSED.test(l)) return l.slice(0, 500);
  }
  return null;
}

/** A status that says only that a program exited non-zero. */
const EXIT_ONLY = /^\W*(<returncode>\s*-?\d+\s*<\/returncode>|(exit(ed)?|return) ?(with )?(code|status)?:? ?-?\d+|exitcode: ?-?\d+[^\n]*|non-zero (exit|return) (code|status))\W*$/i;

/** A status that only says the tool failed: a bare "ERROR:", the Agents SDK's "Error running tool", an exit code. */
function isGeneric(msg: string): boolean {
  return BARE_ERROR.test(msg) || /^Error running tool\b/i.test(msg) || EXIT_ONLY.test(msg);
}

/** Spans where failures originate (re-raising ancestors left out; a call no model made is not the agent's failure). */
export function originErrors(t: Trace): Span[] {
  const out: Span[] = [];
  for (const s of t.spans) {
    if (isToolSpan(s) && othersCall(s)) continue;
    if (isErrorSpan(s)) {
      if (!isReRaise(t, s)) out.push(s);
    } else if (failureOf(t, s) !== null) out.push(s);
  }
  return out;
}

/**
 * The agent a failure at this span is attributed to in a multi-agent run:
 * the agent whose model emitted the call (through any sub-agent nesting), or
 * for an executor with no model of its own, the agent whose turn asked for it.
 */
export function originAgent(t: Trace, s: Span): string | undefined {
  if (!isMultiAgent(t)) return undefined;
  // A tool call no model emitted and no turn asked for (a framework running the software on its own) has no agent to own it.
  if (isToolSpan(s) && !emittingCall(t, s) && !requestingTurn(t, s)) return undefined;
  return callOwner(t, s);
}

/**
 * In a multi-agent run, the turn that asked for a tool or executor call whose
 * own agent has no model call before it (a group chat's terminal running an
 * expert's code): the closest earlier span by a different agent. Undefined
 * for other spans — a call a model emitted belongs to that model's agent —
 * or when there is none.
 */
export function requestingTurn(t: Trace, s: Span): Span | undefined {
  if (!isMultiAgent(t) || !isToolSpan(s) || emittingCall(t, s)) return undefined;
  const own = spanAgent(s);
  const { ordered } = treeOf(t);
  const i = ordered.indexOf(s);
  // The request is the turn that holds what ran: a call with no arguments (a framework running the
  // software on its own schedule) was asked for by no turn the record shows.
  const line = firstCodeLine(s.tool?.arguments);
  if (line === null) return undefined;
  for (let j = i - 1; j >= 0; j--) {
    const prev = ordered[j]!;
    const a = spanAgent(prev);
    // Code in the chat's opening message is the task's: no agent asked for it.
    if (a && a !== own && !isToolSpan(prev) && prev.parentId != null) return prev !== openingMessage(t) && squash(textOf(prev.output)).includes(line) ? prev : undefined;
  }
  return undefined;
}

export const squash = (x: string) => x.replace(/\s+/g, ' ').trim();

/** The first line of the longest string in a call's arguments that is not blank or a comment, whitespace squashed; null when there is none. */
export function firstCodeLine(args: unknown): string | null {
  const longest = stringsIn(args, 6).sort((a, b) => b.length - a.length)[0];
  const line = longest?.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  return line ? squash(line) : null;
}
