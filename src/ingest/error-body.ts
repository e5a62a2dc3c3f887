// Whether a reply is a failure is read from the reply, not only from a flag
// beside it: an API that answers `{"message": "Endpoint '/search/shows' does
// not exist"}` sent nothing the call asked for, whatever a harness's error
// field says; a reply flagged as an error that holds the results asked for
// (a list of titles) was not refused. One rule for every reader and detector;
// a format's reader knows where its source puts the reply (ToolBench's
// `{"error", "response"}`), and this judges the reply itself.
import { parseMapText } from './python-literal.ts';
import { literalValue } from './parsed-text.ts';

// Fields an error reply is made of: what went wrong, its status, ids to quote
// to support. A field outside these is data (a result, a record, a list).
const STATUS_KEYS = new Set([
  'message', 'msg', 'detail', 'details', 'error', 'errors', 'error_description', 'error_message', 'errorMessage', 'error_code', 'errorCode',
  'title', 'status', 'statusCode', 'status_code', 'code', 'type', 'reason', 'traceId', 'trace_id', 'requestId', 'request_id',
  'success', 'ok', 'timestamp', 'path', 'instance', 'documentation_url', 'hint',
]);

// Where the sentence a person reads sits, most telling first.
const MESSAGE_KEYS = ['message', 'msg', 'detail', 'error_description', 'error_message', 'errorMessage', 'title', 'error', 'reason'];

// A reply that holds nothing but its message is judged by what the message
// says: that the call was refused, the endpoint or thing is not there, an
// input is wrong, or access is not allowed. "Not found" alone is a search that
// found nothing (a lookup's answer), unless the reply's status says error.
const REFUSAL = /\b(?:does ?n[o']t exists?|not exists?|no such|disabled|must (?:be|not|have)|(?:is|are) required|required (?:field|parameter|argument)|missing|invalid|unknown|unrecogni[sz]ed|unsupported|not supported|not allowed|not permitted|denied|forbidden|unauthori[sz]ed|not authori[sz]ed|authentication required|exceed(?:s|ed)?|quota|expired|failed|failure|errors?|cannot|can't|could not|couldn't|unable|bad request|(?:not |un)available|not subscribed|too many requests)\b/i;

// An HTTP reason phrase as the whole message ("Not Found", "Forbidden").
const REASON_PHRASE = /^\s*(?:\d{3}\s+)?(?:Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|Request Timeout|Conflict|Gone|Unprocessable Entity|Too Many Requests|Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Timeout)\.?\s*$/i;

/** Text about the absence of an error ("no error", "0 errors"). */
function negated(text: string, at: number): boolean {
  return /\b(?:no|0|zero|without|not|non)[\s-]+$/i.test(text.slice(Math.max(0, at - 12), at));
}

function refuses(message: string): boolean {
  if (REASON_PHRASE.test(message)) return true;
  const m = REFUSAL.exec(message);
  return m !== null && !negated(message, m.index);
}

const isEmpty = (v: unknown): boolean =>
  v == null || v === '' || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** The status fields say the call failed: a 4xx/5xx status, success or ok false, an error field with something in it. */
function statusSaysError(o: Record<string, unknown>): boolean {
  for (const k of ['status', 'statusCode', 'status_code', 'code']) {
    const c = o[k];
    if (typeof c === 'number' && c >= 400 && c < 600) return true;
    if (typeof c === 'string' && (/^[45]\d\d$/.test(c.trim()) || /^(?:error|failed|failure|fail)$/i.test(c.trim()))) return true;
  }
  if (o.success === false || o.ok === false) return true;
  return ['error', 'errors', 'error_message', 'errorMessage', 'error_code', 'errorCode'].some((k) => !isEmpty(o[k]));
}

function messageOf(o: Record<string, unknown>, depth = 0): string | undefined {
  if (depth > 2) return undefined;
  for (const k of MESSAGE_KEYS) {
    const v = o[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = messageOf(v as Record<string, unknown>, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

function mapOf(text: string): Record<string, unknown> | undefined {
  if (text.length > 100_000) return undefined;
  const t = text.trim();
  // The detectors read the same results as JSON for other checks too: an object is parsed once for all of them.
  const v = t.startsWith('{') ? literalValue(t) : parseMapText(t);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * The message of a reply that is only an error report: a JSON or Python-repr
 * object whose fields are all status fields (message, status, error, ids),
 * whose status says it failed or whose message says the call was refused;
 * an HTML page titled with an HTTP error; a one-line reply that is an HTTP
 * reason phrase. Undefined when the reply holds anything else (data), or its
 * message does not read as a failure ({"message": "Deleted"}).
 */
export function errorOnlyBody(reply: string): string | undefined {
  const text = reply.trim();
  if (!text) return undefined;
  const o = mapOf(text);
  if (o) {
    const keys = Object.keys(o);
    if (keys.length === 0 || keys.some((k) => !STATUS_KEYS.has(k) && !isEmpty(o[k]))) return undefined;
    const message = messageOf(o);
    if (statusSaysError(o) || (message !== undefined && refuses(message))) return message ?? text.slice(0, 300);
    return undefined;
  }
  if (/^[[{]/.test(text)) return undefined;
  const title = /^(?:<!doctype html>\s*)?<html\b[^]*?<title>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
  if (title !== undefined) return REASON_PHRASE.test(title) || /^(?:\d{3}\b|error\b)/i.test(title) ? title : undefined;
  return !text.includes('\n') && REASON_PHRASE.test(text) ? text : undefined;
}

/**
 * The reply holds data beside (or instead of) any status: an object with a
 * field outside the status fields that has something in it, or a non-empty
 * list. A reply cut short (a harness truncates long observations) is read by
 * its first field: `{'result': [{'title': …` is data.
 */
export function carriesData(reply: string): boolean {
  const text = reply.trim();
  const v = text.length <= 100_000 ? parseMapText(text) : undefined;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => !STATUS_KEYS.has(k) && !isEmpty(x));
  const first = /^\{\s*(['"])(\w+)\1\s*:\s*([^\s,}])/.exec(text);
  return first !== null && !STATUS_KEYS.has(first[2]!) && !/^[\]}]/.test(first[3]!) && !/^(?:None|null|False|false)\b/.test(text.slice(first.index + first[0].length - 1));
}
