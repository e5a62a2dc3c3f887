// Silent failures: a tool span marked ok (or unset) whose result is an error —
// a stack trace, an "Error: ..." payload, an HTTP 4xx/5xx body. The run's
// error metrics miss these, and the model often treats the text as data.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { excerpt, textOf } from './text.ts';
import { agentOf, indexTrace, isErrorSpan, toolName, agentPhrase } from './trace-index.ts';

/** Error markers in a result; each names what it found. Ordered from most to least specific. */
const PATTERNS: [string, RegExp][] = [
  ['traceback', /Traceback \(most recent call last\)/],
  ['exception', /\b[A-Z][A-Za-z]*(Error|Exception): /],
  ['http_error', /\bHTTP\/\d(\.\d)? [45]\d\d\b|\b[45]\d\d (Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b|"(status|status_?code|statusCode|code)"\s*:\s*"?[45]\d\d\b/i],
  ['error_field', /"(error|errors|error_message|errorMessage)"\s*:\s*(?!null\b|false\b|\[\]|\{\}|""|0\b)/],
  ['error_prefix', /^\s*(\[?error\]?|exception|fatal|failed|failure)\b\s*[:\-!]/i],
];
/**
 * Error phrases count only near the start of a result: further in, a long
 * result (a file, a web page) mentions errors as content, not as status. Bare
 * words are not enough either — code and logs say "new Error(" or "errors: 0"
 * as data — so these are phrases in which the call itself reports failing.
 */
const ERROR_PHRASE = /\b(error|exception|failure)\s*[:!]|\b(error|exception) (occurred|while|during|was raised|happened)\b|\b(failed|unable|could not|couldn't) to\b|\bfailed (with|because|due)\b|\bpermission denied\b|\bno such (file|directory|host)\b|\bconnection (refused|reset|timed out)\b|\btimed out\b|\b(ENOENT|EACCES|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/gi;
const ERROR_PHRASE_WINDOW = 200;

/** How far into a result to look; error text sits near the start or the end. */
const SCAN = 20_000;

export function findErrorText(text: string): { pattern: string; index: number } | null {
  if (!text) return null;
  const scan = text.length > 2 * SCAN ? text.slice(0, SCAN) + text.slice(-SCAN) : text;
  for (const [pattern, re] of PATTERNS) {
    const m = re.exec(scan);
    if (m) return { pattern, index: scan === text || m.index < SCAN ? m.index : text.length - (scan.length - m.index) };
  }
  const head = text.slice(0, ERROR_PHRASE_WINDOW);
  for (const m of head.matchAll(ERROR_PHRASE)) {
    // A JSON key ("error": null) is structure; error_field above judges its value.
    const isKey = head[m.index - 1] === '"' && /^"\s*:/.test(head.slice(m.index + m[0].length));
    if (!isKey && !negated(head, m.index!)) return { pattern: 'error_text', index: m.index! };
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
