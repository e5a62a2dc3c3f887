// Errors written as text: a result or a turn that *is* a failure report (a
// traceback, an exception line, an HTTP status line, an "Error:" payload, a
// provider SDK's "Error code: 400 - {...}"), as opposed to text that mentions
// one. One rule for every format, wherever a framework puts the failure.
import type { Span } from '../../src/types.ts';
import { textOf } from './text.ts';
import { replyObject } from './nothing-back.ts';
import { errorOnlyBody } from '../../src/ingest/error-body.ts';
import { jsonValue } from '../../src/ingest/parsed-text.ts';
import { pythonStringAt } from '../../src/ingest/python-literal.ts';
import { runMemo } from './memo.ts';

// The error must be the result itself, not something the result mentions: a
// search result or a file that quotes "HTTP/1.1 400 Bad Request" or a
// traceback is data. So markers count only where a failing call puts them:
// at the start of the result, as its last line, or as a top-level field of a
// JSON result.
const HEAD = 200;
export const EXCEPTION_LINE = /^\s*(?:[\w.]+\.)?[A-Z][A-Za-z]*(?:Error|Exception)(?::\s|$)/;
const HEAD_PATTERNS: [string, RegExp][] = [
  ['traceback', /^\s*Traceback \(most recent call last\)/],
  ['provider_error', /^\s*(?:[\w.]+: )?Error code: [45]\d\d\b/],
  ['exception', EXCEPTION_LINE],
  ['http_error', /^\s*(HTTP\/\d(\.\d)? [45]\d\d\b|[45]\d\d (Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b)/i],
  ['error_prefix', /^\s*(\[?error\]?|exception|fatal|failed|failure)\b\s*[:\-!]/i],
];
const ERROR_KEYS = ['error', 'errors', 'error_message', 'errorMessage', 'exception'];

// Where HTTP APIs put the sentence a person reads in a JSON error body
// (FastAPI's `detail`, GitHub's and most SDKs' `message`, OAuth's
// `error_description`, `{"error": {"message": …}}`), most telling first.
const MESSAGE_KEYS = ['message', 'detail', 'error_description', 'title', 'error'];

/**
 * The human-readable text of a JSON error body (`{"detail":"Monthly unique
 * traces usage limit exceeded"}` → that sentence), or undefined when the text
 * is not a JSON object or names no message. Signatures are built from it, so
 * a body does not collapse to `{"<s>":"<s>"}` once its values are masked.
 */
export function jsonErrorText(text: string): string | undefined {
  return messageIn(jsonObject(text, 100_000), 0);
}

/** The text parsed as a JSON object, or undefined when it is not one (or longer than `max`). */
function jsonObject(text: string, max: number): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || t.length > max) return undefined;
  const v = jsonValue(t);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function messageIn(v: unknown, depth: number): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v) || depth > 2) return undefined;
  const o = v as Record<string, unknown>;
  for (const k of MESSAGE_KEYS) {
    const e = o[k];
    if (typeof e === 'string' && e.trim()) return e.trim();
    const inner = messageIn(e, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * An API's reply that is nothing but a message (`{"message": "genre must be
 * an integer: Thriller"}`, `{'detail': 'Not Found'}`, as JSON or a Python
 * repr, also inside a wrapper whose own `error` is empty and whose `response`
 * holds the reply): a call that worked returns its data, so the message is
 * why there is none. Undefined otherwise, and for a message that reports
 * success ("Email sent").
 */
export function messageOnlyReply(text: string): string | undefined {
  const o = replyObject(text)?.value;
  if (!o) return undefined;
  const keys = Object.keys(o);
  if (keys.length !== 1 || !MESSAGE_ONLY_KEYS.has(keys[0]!)) return undefined;
  const m = o[keys[0]!];
  if (typeof m !== 'string' || !m.trim() || SUCCESS.test(m)) return undefined;
  return m.trim().slice(0, 500);
}

const MESSAGE_ONLY_KEYS = new Set(['message', 'detail', 'error', 'error_message', 'errorMessage']);
const SUCCESS = /\b(success(ful(ly)?)?|succeeded|sent|created|updated|deleted|saved|added|completed|done|ok)\b/i;

/** A JSON object result that reports failure in its own top-level fields. */
function jsonError(text: string): boolean {
  const o = jsonObject(text, 1_000_000);
  if (!o) return false;
  for (const k of ERROR_KEYS) {
    const e = o[k];
    if (e == null || e === false || e === '' || e === 0) continue;
    if (Array.isArray(e) && e.length === 0) continue;
    if (typeof e === 'object' && !Array.isArray(e) && Object.keys(e).length === 0) continue;
    return true;
  }
  for (const k of ['status', 'status_code', 'statusCode', 'code']) {
    const c = o[k];
    if (typeof c === 'number' && c >= 400 && c < 600) return true;
    if (typeof c === 'string' && /^[45]\d\d$/.test(c)) return true;
  }
  // A status message field that is itself an exception ("message": "Exception: quota exceeded").
  for (const k of ['message', 'detail', 'status_message', 'statusMessage']) {
    const m = o[k];
    if (typeof m === 'string' && (EXCEPTION_LINE.test(m) || /^\s*(error|exception|fatal)\b\s*:/i.test(m))) return true;
  }
  // A status field that says it failed (`"status": "error"`, `"success": false`): read as statusFieldFailure reads it.
  return failedEntry(o) !== undefined;
}

const STATUS_KEYS = ['result', 'status', 'state', 'outcome'];
const FAILED_STATUS = /^(error|failed|failure|fail)$/i;
const REASON_KEYS = ['reason', 'message', 'detail', 'error', 'error_message', 'errorMessage'];

/**
 * The reason a JSON result gives where its own status field says the call
 * failed (`{"result": "error", "reason": "End line must be …"}`,
 * `{"success": false, "message": …}`), at its top level or in every entry of
 * a map of per-item results (`{"<path>": {"result": "error", …}}`, a file
 * tool's answer per file). A tool that answers this way reports a failure in
 * its content while the call's own status says it ran; null otherwise.
 */
export function statusFieldFailure(text: string): string | null {
  for (let level = 0, inner: string | undefined = text; inner !== undefined && level < 4; level++, inner = mcpText(inner)) {
    const stated = statusOf(inner);
    if (stated) return stated;
  }
  return null;
}

/**
 * The text an MCP tool result carries: `CallToolResult` as JSON
 * (`{"content": [{"type": "text", "text": …}], "isError": …}`) or as the
 * Python SDK's repr (`meta=None content=[TextContent(type='text', text='…')]
 * isError=False`), which gateways that run another server's tool pass on
 * inside their own. Undefined when the text is neither.
 */
export function mcpText(text: string): string | undefined {
  const t = text.trimStart();
  if (t.startsWith('meta=') || t.startsWith('content=[TextContent(')) {
    const at = t.indexOf("TextContent(type='text', text=");
    return at < 0 ? undefined : pythonStringAt(t, at + "TextContent(type='text', text=".length);
  }
  const o = jsonObject(t, 1_000_000);
  const content = o?.content;
  if (!Array.isArray(content) || !content.length) return undefined;
  const texts = content.map((c) => (c && typeof c === 'object' && (c as { type?: unknown }).type === 'text' ? (c as { text?: unknown }).text : undefined));
  return texts.every((x): x is string => typeof x === 'string') ? texts.join('\n') : undefined;
}

function statusOf(text: string): string | null {
  const o = jsonObject(text, 100_000);
  if (!o) return null;
  const own = failedEntry(o);
  if (own !== undefined) return own;
  const entries = Object.values(o);
  if (!entries.length || entries.length > 50) return null;
  const reasons: string[] = [];
  for (const e of entries) {
    const r = e && typeof e === 'object' && !Array.isArray(e) ? failedEntry(e as Record<string, unknown>) : undefined;
    if (r === undefined) return null;
    if (!reasons.includes(r)) reasons.push(r);
  }
  return reasons.join('; ').slice(0, 500);
}

/** The reason an object gives for its failed status, or undefined when its status fields don't say it failed. */
function failedEntry(o: Record<string, unknown>): string | undefined {
  const status = STATUS_KEYS.find((k) => typeof o[k] === 'string' && FAILED_STATUS.test(o[k] as string));
  if (!status && o.success !== false && o.ok !== false) return undefined;
  for (const k of REASON_KEYS) {
    const m = o[k];
    if (typeof m === 'string' && m.trim()) return m.trim().slice(0, 500);
  }
  return status ? `${status}: ${o[status]}` : o.success === false ? 'success: false' : 'ok: false';
}

/**
 * Error phrases count only in the result's first line: further in, a result
 * (a file, a web page) mentions errors as content, not as status. Bare words
 * are not enough either — code and logs say "new Error(" or "errors: 0" as
 * data — so these are phrases in which the call itself reports failing.
 */
const ERROR_PHRASE = /\b(error|exception|failure)\s*[:!]|\b(error|exception) (occurred|while|during|was raised|happened)\b|\b(failed|unable|could not|couldn't) to\b|\bfailed (with|because|due)\b|\bpermission denied\b|\bno such (file|directory|host)\b|[\w.+-]+: command not found\b|\bconnection (refused|reset|timed out)\b|\btimed out\b|\b(ENOENT|EACCES|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/gi;

const PYTHON_WARNING = /^\s*(?:\S+\.py:\d+: )?(?:[\w.]+\.)?[A-Z]\w*Warning: /;

/** Where `text` reports a failure, and of which kind; null when it does not. */
export function findErrorText(text: string): { pattern: string; index: number } | null {
  if (!text) return null;
  const head = text.slice(0, HEAD);
  for (const [pattern, re] of HEAD_PATTERNS) {
    const m = re.exec(head);
    if (m) return { pattern, index: m.index + (m[0].length - m[0].trimStart().length) };
  }
  if (jsonError(text)) return { pattern: 'error_field', index: 0 };
  // A reply that is nothing but an error message ({"message": "Endpoint '/x' does not exist"}, a 403 page).
  if (errorOnlyBody(text) !== undefined) return { pattern: 'error_body', index: 0 };
  // A traceback or exception as the result's last line: the call died there.
  const trimmed = text.trimEnd();
  const lastNl = trimmed.lastIndexOf('\n');
  const last = trimmed.slice(lastNl + 1);
  if (lastNl >= 0 && EXCEPTION_LINE.test(last) && /Traceback \(most recent call last\)/.test(text)) {
    return { pattern: 'traceback', index: lastNl + 1 + (last.length - last.trimStart().length) };
  }
  // A JSON result says what it means in its fields (judged above); words in its values are content.
  if (/^\s*[[{]/.test(text)) return null;
  const firstLine = head.split('\n')[0]!;
  // A warning names an error it survived ("Warning: _curses.error: …"): the call went on.
  if (/^\s*warn(ing)?\b/i.test(firstLine)) return null;
  // Python's own warning line (`…/_logistic.py:469: ConvergenceWarning: lbfgs failed to converge`): the code ran on.
  if (PYTHON_WARNING.test(firstLine)) return null;
  for (const m of firstLine.matchAll(ERROR_PHRASE)) {
    // A JSON key ("error": null) is structure, not a report of failure.
    const isKey = firstLine[m.index - 1] === '"' && /^"\s*:/.test(firstLine.slice(m.index + m[0].length));
    if (!isKey && !negated(firstLine, m.index!) && !measuredError(firstLine, m.index!)) return { pattern: 'error_text', index: m.index! };
  }
  return null;
}

// A statistic named "… error" and its value ("Mean Absolute Error: 50.49", "Standard error: 0.3"): a measurement the code printed.
const STAT_BEFORE = /\b(?:mean|absolute|squared|square|relative|percentage|standard|log|classification|prediction|training|train|validation|val|test|reconstruction|approximation|rounding|quantization|out-of-bag|oob|cross-entropy)\s+$/i;
const NUMBER_AFTER = /^(?:error)\s*:\s*[-+]?(?:\d|\.\d)/i;

function measuredError(text: string, at: number): boolean {
  return NUMBER_AFTER.test(text.slice(at)) && STAT_BEFORE.test(text.slice(Math.max(0, at - 40), at));
}

/** "no error", "0 errors", "without failure": text about the absence of errors. */
function negated(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 12), at).toLowerCase();
  return /\b(no|0|zero|without|not|non)[\s-]+$/.test(before);
}

const resultErrors = runMemo<Span, { pattern: string; index: number } | null>();

/** `findErrorText` of the span's result (`resultText`), read once per span: several detectors ask it of every call. */
export function resultErrorText(s: Span): { pattern: string; index: number } | null {
  let hit = resultErrors.get(s);
  if (hit === undefined) resultErrors.set(s, (hit = findErrorText(resultText(s))));
  return hit;
}

/** The result text of a span: the tool result, else its output. */
export function resultText(s: Span): string {
  const r = s.tool?.result;
  return r != null ? textOf(r) : textOf(s.output);
}


/**
 * The result records that the program exited 0 (a harness's
 * `<returncode>0</returncode>`, "[Command finished with exit code 0]"): by its
 * own account it succeeded. A traceback it printed is its output (a
 * reproduction script showing the bug on purpose); and where a pipe decides
 * the status, the text cannot tell which side failed. Either way nothing is
 * claimed.
 */
export function exitedZero(result: string): boolean {
  const head = result.slice(0, 200);
  const tail = result.slice(-200);
  return /^\s*<returncode>\s*0\s*<\/returncode>/.test(head) || /\b(?:exit(?:ed)? (?:with )?(?:code|status)|exitcode:?|exit_code"?:) ?0\b[^\n]{0,20}$/i.test(tail.trimEnd());
}

/** A line that only says an error happened ("ERROR:", "Failed!"), naming none. */
export const BARE_ERROR = /^\W*(error|exception|fatal|failed|failure)\W*$/i;

/**
 * The text inside the markup some harnesses wrap results in
 * (`<returncode>1</returncode>\n<output>\n…\n</output>`): leading one-line
 * elements and opening tags, and closing tags at the end, are not the result.
 */
function unwrapped(text: string): string {
  return text.replace(/^(?:\s*<([\w-]+)>[^<\n]*<\/\1>|\s*<[\w-]+>)+\s*/, '').replace(/(?:\s*<\/[\w-]+>)+\s*$/, '');
}

// A provider SDK's exception text (OpenAI, Anthropic: "Error code: 400 - {'error': {... 'code': 'content_filter'}}").
const PROVIDER_ERROR = /\bError code: ([45]\d\d)\b(?:[^\n]{0,2000}?['"]code['"]:\s*['"]([\w.-]+)['"])?/;

// "<program>: " and any subjects after it ("find: 'x': ", "cp: cannot stat 'y': " is not one: it has words), up to an error phrase.
// The shell's own prefix ("sh: 1: jq: command not found") is the invocation's, not a subject: left out as before.
const PROGRAM_PREFIX = /^\s*(?!(?:\/?[\w.+-]+\/)*(?:ba|da|z|k)?sh: )(?:\/?[\w.+-]+\/)*[A-Za-z_][\w.+-]*: (?:(?:['"‘`][^'"’\n]{1,200}['"’]|[^\s:'"]{1,200}): )*$/;

/**
 * The failure line a text reports: a provider error with its status and
 * code; a traceback's exception line; else the line the error starts on.
 * Null when the text does not report a failure.
 */
export function failureLine(raw: string): string | null {
  const text = unwrapped(raw);
  const provider = PROVIDER_ERROR.exec(text.slice(0, 4000));
  if (provider) return `Error code: ${provider[1]}${provider[2] ? ` - ${provider[2]}` : ''}`;
  // A traceback names the failure in its last exception line, whatever error-ish words come first (a library's log noise, "round-off errors").
  if (/Traceback \(most recent call last\)/.test(text)) {
    const lines = text.trimEnd().split('\n');
    // A harness's note glued to the last line (OpenHands' "[Python Interpreter: /usr/bin/python]") is not part of the exception.
    for (let i = lines.length - 1; i >= 0; i--) if (EXCEPTION_LINE.test(lines[i]!)) return lines[i]!.replace(/\s*\[[A-Z][\w ]{2,40}: [^\]\n]*\]\s*$/, '').trim().slice(0, 500);
  }
  const hit = findErrorText(text);
  if (!hit) return null;
  if (hit.pattern === 'traceback') {
    const lines = text.trimEnd().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) if (EXCEPTION_LINE.test(lines[i]!)) return lines[i]!.trim().slice(0, 500);
  }
  if (hit.pattern === 'error_field') return text.trim().slice(0, 300);
  if (hit.pattern === 'error_body') return errorOnlyBody(text)!.slice(0, 500);
  // A program's line names what it failed on before the phrase ("find: 'compress': No such file or directory"):
  // the line from its start, or every such failure reads as a bare "No such file or directory" (review round 42).
  const start = text.lastIndexOf('\n', hit.index - 1) + 1;
  const from = hit.pattern === 'error_text' && PROGRAM_PREFIX.test(text.slice(start, hit.index)) ? start : hit.index;
  const lines = text.slice(from).split('\n');
  let line = lines[0]!.trim();
  // A bare "ERROR:" heads the message on the next line.
  if (BARE_ERROR.test(line)) {
    const next = lines.slice(1).find((l) => l.trim() !== '');
    if (next) line = `${line} ${next.trim()}`;
  }
  return line.slice(0, 500) || null;
}
