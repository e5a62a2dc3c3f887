// Retries: calls that fail again and again without ever succeeding (the retry
// budget burns and the run still fails), and rate-limit errors that a retry
// later gets past (the run recovers, but pays in latency).
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, lit, shareText, type Citation } from './finding.ts';
import { excerpt } from './text.ts';
import { errorMessage, indexTrace, isErrorSpan, isToolSpan, toolName } from './trace-index.ts';

const RATE_LIMIT = /\b429\b|rate.?limit|too many requests|quota exceeded|throttl/i;

/** Which calls count as "the same call" for retries: the tool, or the model for LLM spans. */
export function callIdentity(s: Span): string {
  return isToolSpan(s) ? `tool:${toolName(s)}` : `model:${s.model ?? s.name}`;
}

export interface RetryScan {
  /** identity → the trailing failed attempts (≥ minFailures) with no success after. */
  exhausted: Map<string, Span[]>;
  /** identity → rate-limited attempts that a later attempt of the same call got past. */
  rateLimited: Map<string, Span[]>;
}

export function scanRetries(trace: Trace, minFailures = 3): RetryScan {
  const attempts = new Map<string, Span[]>();
  for (const s of indexTrace(trace).steps) {
    const id = callIdentity(s);
    const list = attempts.get(id);
    if (list) list.push(s);
    else attempts.set(id, [s]);
  }
  const exhausted = new Map<string, Span[]>();
  const rateLimited = new Map<string, Span[]>();
  for (const [id, list] of attempts) {
    let lastOk = -1;
    for (let i = list.length - 1; i >= 0; i--) if (!isErrorSpan(list[i]!)) { lastOk = i; break; }
    const trailing = list.slice(lastOk + 1);
    if (trailing.length >= minFailures) exhausted.set(id, trailing);
    const limited = list.slice(0, Math.max(0, lastOk)).filter((s) => isErrorSpan(s) && RATE_LIMIT.test(errorMessage(s)));
    if (limited.length) rateLimited.set(id, limited);
  }
  return { exhausted, rateLimited };
}

// Predicate source: the attempts of one call identity in time order, as scanRetries sees them.
function attemptsExpr(component: string): string {
  return `t.spans.filter((s) => s.kind === "llm" || s.kind === "tool" || s.tool != null).sort((a, b) => a.startTime - b.startTime).filter((s) => ((s.kind === "tool" || s.tool != null) ? "tool:" + ((s.tool && typeof s.tool.name === "string" && s.tool.name) || (typeof s.name === "string" ? s.name : "")) : "model:" + (s.model ?? s.name)) === ${lit(component)})`;
}
const IS_ERROR_FN = `(s) => s.status === "error" || s.error != null`;
const MESSAGE_FN = `(s) => { const m = s.error && s.error.message; return (typeof m === "string" && m) || (typeof s.statusMessage === "string" ? s.statusMessage : ""); }`;

function exhaustedPredicate(component: string, minFailures: number): string {
  return `(t) => ((list, err) => { let n = 0; for (let i = list.length - 1; i >= 0 && err(list[i]); i--) n++; return n >= ${minFailures}; })(${attemptsExpr(component)}, ${IS_ERROR_FN})`;
}

function rateLimitPredicate(component: string): string {
  return `(t) => ((list, err, msg) => { let lastOk = -1; for (let i = list.length - 1; i >= 0; i--) if (!err(list[i])) { lastOk = i; break; } return list.slice(0, Math.max(0, lastOk)).some((s) => err(s) && new RegExp(${lit(RATE_LIMIT.source)}, "i").test(msg(s))); })(${attemptsExpr(component)}, ${IS_ERROR_FN}, ${MESSAGE_FN})`;
}

export function retries(traces: Trace[], opts: { minFailures?: number; minTraces?: number } = {}): FindingInput[] {
  const minFailures = opts.minFailures ?? 3;
  // A pattern across runs needs two of them (one run is an anecdote), unless only one run is given.
  const minTraces = opts.minTraces ?? (traces.length > 1 ? 2 : 1);
  const exhausted = new Map<string, { traces: Set<string>; citations: Citation[]; attempts: number }>();
  const limited = new Map<string, { traces: Set<string>; citations: Citation[]; attempts: number }>();
  const add = (m: typeof exhausted, id: string, t: Trace, spans: Span[], note: string) => {
    let g = m.get(id);
    if (!g) m.set(id, (g = { traces: new Set(), citations: [], attempts: 0 }));
    g.traces.add(t.traceId);
    g.attempts += spans.length;
    const s = spans[spans.length - 1]!;
    const msg = errorMessage(s);
    g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : undefined, note });
  };
  for (const t of traces) {
    const scan = scanRetries(t, minFailures);
    for (const [id, spans] of scan.exhausted) add(exhausted, id, t, spans, `${count(spans.length, 'failed attempt')}, none succeeded`);
    for (const [id, spans] of scan.rateLimited) add(limited, id, t, spans, `${count(spans.length, 'rate-limited attempt')} before a success`);
  }
  const out: FindingInput[] = [];
  for (const [id, g] of exhausted) {
    if (g.traces.size < minTraces) continue;
    const name = id.replace(/^(tool|model):/, '');
    out.push(
      buildFinding({
        title: `${name}: retries never succeed`,
        category: 'errors_recovery',
        severity: 'high',
        summary: `In ${shareText(g.traces.size, traces.length)}, \`${name}\` fails ${minFailures} or more times in a row and never succeeds afterwards (${count(g.attempts, 'failed attempt')} in all). The retries add cost and latency without changing the result.`,
        rootCause: `The failure of \`${name}\` in these runs is not transient — retrying the same call cannot fix it — and nothing caps the attempts or changes the approach.`,
        fix: `Add a retry budget with jittered backoff only for retryable errors (timeouts, 429, 5xx); surface exhausted retries as an explicit error to the model and the run status, and fix the underlying failure of \`${name}\` (see the error findings for the same traces).`,
        fixKind: 'code',
        component: id,
        signature: 'retry_exhausted',
        predicate: exhaustedPredicate(id, minFailures),
        monitor: `Count of runs where \`${name}\` fails ≥ ${minFailures} times with no later success, per day.`,
        detector: 'retries',
        traceIds: g.traces,
        citations: g.citations,
        total: traces.length,
        data: { component: id, attempts: g.attempts },
      }),
    );
  }
  for (const [id, g] of limited) {
    if (g.traces.size < minTraces) continue;
    const name = id.replace(/^(tool|model):/, '');
    out.push(
      buildFinding({
        title: `${name}: rate-limited, then retried`,
        category: 'latency',
        severity: 'low',
        summary: `In ${shareText(g.traces.size, traces.length)}, calls to \`${name}\` hit a rate limit (429) and succeeded only on a retry (${count(g.attempts, 'rate-limited attempt')}). The runs recover, but each retry adds latency.`,
        rootCause: `Request volume to \`${name}\` exceeds the provider's rate limit at peak times; calls are not paced.`,
        fix: `Pace calls to \`${name}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if the rate keeps growing.`,
        fixKind: 'config',
        component: id,
        signature: 'rate_limit_retry',
        predicate: rateLimitPredicate(id),
        monitor: `429 responses from \`${name}\` per hour, and the latency they add per run.`,
        detector: 'retries',
        traceIds: g.traces,
        citations: g.citations,
        total: traces.length,
        data: { component: id, attempts: g.attempts },
      }),
    );
  }
  return out;
}
