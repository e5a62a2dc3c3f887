// The naive baseline a finding set must beat (QUALITY-RUBRIC "Recall, against
// a baseline"): what a user gets by grepping for failures, with no analysis.
// It cites every failing span below the run span (status error, not the
// trace's root), plus the next model call after each: the call that was sent
// the failure. Its affected runs are the runs with any failing span. Scored
// with the same rules as findings, on the same labels, so the two numbers can
// be read side by side.
import type { Span, Trace } from '../types.ts';
import type { Claim, Prediction } from './score.ts';

/** True when `a` is `s` or one of its ancestors. */
function isAncestorOrSelf(a: Span, s: Span, byId: Map<string, Span>): boolean {
  let cur: Span | undefined = s;
  for (let guard = 0; cur && guard < 1000; guard++) {
    if (cur.spanId === a.spanId) return true;
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  return false;
}

/** The failing spans below the run span of one trace, and after each the first model call that starts once it has ended. */
export function baselineClaims(trace: Trace): Claim[] {
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  const isRun = (s: Span) => s.parentId == null || !byId.has(s.parentId) || s.spanId === trace.rootSpanId;
  // Records without distinct times (transcripts) keep their order in the trace.
  const order = new Map(trace.spans.map((s, i) => [s.spanId, i]));
  const calls = trace.spans.filter((s) => s.kind === 'llm').sort((a, b) => a.startTime - b.startTime || order.get(a.spanId)! - order.get(b.spanId)!);
  const after = (c: Span, s: Span) => c.startTime > s.endTime || (c.startTime === s.endTime && order.get(c.spanId)! > order.get(s.spanId)!);
  const out: Claim[] = [];
  const seen = new Set<string>();
  const cite = (s: Span) => {
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    out.push({ traceId: trace.traceId, spanId: s.spanId });
  };
  for (const s of trace.spans) {
    if (s.status !== 'error' || isRun(s)) continue;
    cite(s);
    // Not the failing span itself, nor a call inside it (a failing step holds its own model call).
    const next = calls.find((c) => after(c, s) && !isAncestorOrSelf(s, c, byId));
    if (next) cite(next);
  }
  return out;
}

/** The baseline as one prediction over all loaded traces. */
export function naiveBaseline(traces: Trace[]): Prediction {
  const claims = traces.flatMap(baselineClaims);
  return { id: 'baseline', title: 'every failing span below the run span, and the next model call after it', rank: 1, affected: new Set(claims.map((c) => c.traceId)), claims };
}
