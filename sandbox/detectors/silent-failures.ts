// Silent failures: a tool span marked ok (or unset) whose result is an error —
// a stack trace, an "Error: ..." payload, an HTTP 4xx/5xx body. The run's
// error metrics miss these, and the model often treats the text as data.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { excerpt, textOf } from './text.ts';
import { agentOf, indexTrace, isErrorSpan, toolName, agentPhrase } from './trace-index.ts';

// The error must be the result itself, not something the result mentions: a
// search result or a file that quotes "HTTP/1.1 400 Bad Request" or a
// traceback is data. So markers count only where a failing call puts them:
// at the start of the result, as its last line, or as a top-level field of a
// JSON result.
const HEAD = 200;
const EXCEPTION_LINE = /^\s*(?:[\w.]+\.)?[A-Z][A-Za-z]*(?:Error|Exception)(?::\s|$)/;
const HEAD_PATTERNS: [string, RegExp][] = [
  ['traceback', /^\s*Traceback \(most recent call last\)/],
  ['exception', EXCEPTION_LINE],
  ['http_error', /^\s*(HTTP\/\d(\.\d)? [45]\d\d\b|[45]\d\d (Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b)/i],
  ['error_prefix', /^\s*(\[?error\]?|exception|fatal|failed|failure)\b\s*[:\-!]/i],
];
const ERROR_KEYS = ['error', 'errors', 'error_message', 'errorMessage', 'exception'];

/** A JSON object result that reports failure in its own top-level fields. */
function jsonError(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') || t.length > 1_000_000) return false;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return false;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
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
    if (typeof c === 'string' && (/^[45]\d\d$/.test(c) || /^(error|failed|failure)$/i.test(c))) return true;
  }
  // A status message field that is itself an exception ("message": "Exception: quota exceeded").
  for (const k of ['message', 'detail', 'status_message', 'statusMessage']) {
    const m = o[k];
    if (typeof m === 'string' && (EXCEPTION_LINE.test(m) || /^\s*(error|exception|fatal)\b\s*:/i.test(m))) return true;
  }
  return o.success === false || o.ok === false;
}

/**
 * Error phrases count only in the result's first line: further in, a result
 * (a file, a web page) mentions errors as content, not as status. Bare words
 * are not enough either — code and logs say "new Error(" or "errors: 0" as
 * data — so these are phrases in which the call itself reports failing.
 */
const ERROR_PHRASE = /\b(error|exception|failure)\s*[:!]|\b(error|exception) (occurred|while|during|was raised|happened)\b|\b(failed|unable|could not|couldn't) to\b|\bfailed (with|because|due)\b|\bpermission denied\b|\bno such (file|directory|host)\b|\bconnection (refused|reset|timed out)\b|\btimed out\b|\b(ENOENT|EACCES|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/gi;

export function findErrorText(text: string): { pattern: string; index: number } | null {
  if (!text) return null;
  const head = text.slice(0, HEAD);
  for (const [pattern, re] of HEAD_PATTERNS) {
    const m = re.exec(head);
    if (m) return { pattern, index: m.index + (m[0].length - m[0].trimStart().length) };
  }
  if (jsonError(text)) return { pattern: 'error_field', index: 0 };
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
  for (const m of firstLine.matchAll(ERROR_PHRASE)) {
    // A JSON key ("error": null) is structure, not a report of failure.
    const isKey = firstLine[m.index - 1] === '"' && /^"\s*:/.test(firstLine.slice(m.index + m[0].length));
    if (!isKey && !negated(firstLine, m.index!)) return { pattern: 'error_text', index: m.index! };
  }
  return null;
}

/** "no error", "0 errors", "without failure": text about the absence of errors. */
function negated(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 12), at).toLowerCase();
  return /\b(no|0|zero|without|not|non)[\s-]+$/.test(before);
}

/** The result text of a span: the tool result, else its output. */
export function resultText(s: Span): string {
  const r = s.tool?.result;
  return r != null ? textOf(r) : textOf(s.output);
}

export function silentFailures(traces: Trace[], opts: { minTraces?: number } = {}): FindingInput[] {
  const minTraces = opts.minTraces ?? 1;
  const groups = new Map<string, { agent: string; tool: string; traces: Set<string>; citations: Citation[]; patterns: Map<string, number>; spans: number; total: number }>();
  const perAgent = new Map<string, number>();
  for (const t of traces) {
    const agent = agentOf(t);
    perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
    for (const s of indexTrace(t).tools) {
      if (isErrorSpan(s)) continue;
      const text = resultText(s);
      const hit = findErrorText(text);
      if (!hit) continue;
      const tool = toolName(s);
      const id = `${agent}\u0000${tool}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { agent, tool, traces: new Set(), citations: [], patterns: new Map(), spans: 0, total: 0 }));
      g.spans++;
      g.traces.add(t.traceId);
      g.patterns.set(hit.pattern, (g.patterns.get(hit.pattern) ?? 0) + 1);
      g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, lineStart(text, hit.index))), note: `status ${s.status}, result contains ${hit.pattern.replace('_', ' ')}` });
    }
  }
  const out: FindingInput[] = [];
  for (const g of groups.values()) {
    if (g.traces.size < minTraces) continue;
    const total = perAgent.get(g.agent) ?? traces.length;
    out.push(
      buildFinding({
        title: `${g.tool} returns errors marked as success`,
        category: 'errors_recovery',
        severity: 'high',
        summary: `In ${shareText(g.traces.size, total)} of ${agentPhrase(g.agent)}, \`${g.tool}\` spans are not marked as errors but their result is an error (${[...g.patterns].map(([p, n]) => `${p.replace('_', ' ')} ×${n}`).join(', ')}). Error-rate dashboards miss these, and the model may treat the error text as data.`,
        rootCause: `The \`${g.tool}\` wrapper catches the failure and returns the error text as a normal result instead of raising or setting an error status.`,
        fix: `Make \`${g.tool}\` raise (or set span status ERROR and return a structured {error} object) when the underlying call fails, so the agent and the telemetry both see the failure.`,
        fixKind: 'code',
        component: `tool:${g.tool}`,
        signature: 'silent_error',
        monitor: `Count of \`${g.tool}\` spans with ok status whose result matches error text, per day (should be 0 after the fix).`,
        detector: 'silent-failures',
        traceIds: g.traces,
        citations: g.citations,
        total,
        data: { agent: g.agent, tool: g.tool, spans: g.spans, patterns: Object.fromEntries(g.patterns) },
      }),
    );
  }
  return out;
}

/** Start of the line holding `at`, so the excerpt begins at a readable place. */
function lineStart(text: string, at: number): number {
  const nl = text.lastIndexOf('\n', at);
  return nl >= 0 && at - nl < 160 ? nl + 1 : Math.max(0, at - 40);
}
