// Verification of submitted findings against the data. Pure; runs inside the
// isolate (predicates are untrusted model code and must never run in the host).
//
// A citation survives only when its trace exists, its span exists in that
// trace, its excerpt occurs in that span's text (or the trace's, when no span
// is cited) after whitespace normalization, and the finding's predicate (if
// any) holds for the trace. Whatever fails is dropped and counted with a
// reason; a finding left without evidence is dropped whole. Prevalence is then
// recomputed from the data, never taken from the submission.
import type { Span, Trace } from '../types.ts';
import type { Evidence, FindingInput, Prevalence, Verification } from './schema.ts';

export interface VerifiedFinding extends FindingInput {
  prevalence: Prevalence;
  verification: Verification;
}

export interface VerifyResult {
  kept: VerifiedFinding[];
  droppedFindings: { title: string; reason: string }[];
  droppedEvidence: number;
}

type Dropped = Verification['dropped'][number];

/** Collapses runs of whitespace so excerpts survive re-indentation and line wrapping. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Second, looser pass: JSON re-serialized with or without spaces after `:` and `,`. */
function stripWhitespace(text: string): string {
  return text.replace(/\s+/g, '');
}

// Strings are searched raw; structured values both as their JSON text (what a
// reader sees in a log) and through their leaf strings (what a reader quotes
// when a string holds quotes or newlines that JSON would escape).
function collectText(value: unknown, out: string[], depth = 0): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    out.push(value);
    return;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    out.push(String(value));
    return;
  }
  if (typeof value !== 'object') return;
  if (depth === 0) {
    try {
      out.push(JSON.stringify(value));
    } catch {
      // cyclic or otherwise unserializable: the leaf strings below still count
    }
  }
  if (depth > 8) return;
  if (Array.isArray(value)) {
    for (const v of value) collectText(v, out, depth + 1);
  } else {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out.push(k);
      collectText(v, out, depth + 1);
    }
  }
}

/** Every piece of text a span carries that a citation may quote. */
export function spanTextParts(span: Span): string[] {
  const out: string[] = [span.name];
  if (span.statusMessage) out.push(span.statusMessage);
  if (span.model) out.push(span.model);
  if (span.error) {
    if (span.error.type) out.push(span.error.type);
    out.push(span.error.message);
  }
  if (span.tool) {
    out.push(span.tool.name);
    collectText(span.tool.arguments, out);
    collectText(span.tool.result, out);
  }
  collectText(span.input, out);
  collectText(span.output, out);
  for (const m of span.messages ?? []) {
    out.push(m.content);
    for (const c of m.toolCalls ?? []) {
      out.push(c.name);
      collectText(c.arguments, out);
    }
  }
  for (const e of span.events ?? []) {
    out.push(e.name);
    collectText(e.attributes, out);
  }
  collectText(span.attributes, out);
  return out;
}

function traceLevelParts(trace: Trace): string[] {
  const out: string[] = [];
  for (const v of [trace.agentId, trace.agentName, trace.sessionId, trace.userId, trace.taskId, trace.service]) {
    if (v) out.push(v);
  }
  if (trace.outcome) collectText(trace.outcome, out);
  return out;
}

/** Normalized haystacks, built once per span/trace that some citation touches. */
class TextIndex {
  private spansByTrace = new Map<string, Map<string, Span>>();
  private spanText = new Map<Span, { loose: string; tight: string }>();
  private traceText = new Map<Trace, { loose: string; tight: string }>();

  span(trace: Trace, spanId: string): Span | undefined {
    let m = this.spansByTrace.get(trace.traceId);
    if (!m) {
      m = new Map();
      for (const s of trace.spans) m.set(s.spanId, s);
      this.spansByTrace.set(trace.traceId, m);
    }
    return m.get(spanId);
  }

  private static haystack(parts: string[]): { loose: string; tight: string } {
    // U+0001 keeps an excerpt from matching across two separate fields.
    const joined = parts.map(normalizeWhitespace).join('\u0001');
    return { loose: joined, tight: stripWhitespace(joined) };
  }

  ofSpan(span: Span) {
    let h = this.spanText.get(span);
    if (!h) this.spanText.set(span, (h = TextIndex.haystack(spanTextParts(span))));
    return h;
  }

  ofTrace(trace: Trace) {
    let h = this.traceText.get(trace);
    if (!h) {
      const parts = traceLevelParts(trace);
      for (const s of trace.spans) parts.push(...spanTextParts(s));
      this.traceText.set(trace, (h = TextIndex.haystack(parts)));
    }
    return h;
  }
}

function contains(h: { loose: string; tight: string }, excerpt: string): boolean {
  const loose = normalizeWhitespace(excerpt);
  if (loose === '') return true;
  if (h.loose.includes(loose)) return true;
  const tight = stripWhitespace(excerpt);
  // Tight matching ignores spacing only; very short excerpts would match by accident.
  return tight.length >= 8 && h.tight.includes(tight);
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 200 ? msg.slice(0, 200) + '…' : msg;
}

interface PredicateRun {
  status: 'ok' | 'error';
  error?: string;
  /** Trace ids the predicate matched. */
  matched: Set<string>;
  /** Trace ids where it threw, with the first message. */
  threw: Map<string, string>;
}

function runPredicate(
  source: string,
  traces: Trace[],
  compilePredicate: (source: string) => (trace: Trace) => unknown,
): PredicateRun {
  let fn: (trace: Trace) => unknown;
  try {
    fn = compilePredicate(source);
    if (typeof fn !== 'function') throw new Error('predicate source does not evaluate to a function');
  } catch (err) {
    return { status: 'error', error: `predicate does not compile: ${errorMessage(err)}`, matched: new Set(), threw: new Map() };
  }
  const matched = new Set<string>();
  const threw = new Map<string, string>();
  for (const t of traces) {
    try {
      if (fn(t)) matched.add(t.traceId);
    } catch (err) {
      threw.set(t.traceId, errorMessage(err));
    }
  }
  // A predicate that throws on every trace tells us nothing about any of them.
  if (traces.length > 0 && threw.size === traces.length) {
    return { status: 'error', error: `predicate threw on every trace: ${threw.values().next().value}`, matched, threw };
  }
  return { status: 'ok', matched, threw };
}

function prevalence(traces: number, total: number): Prevalence {
  return { traces, total, share: total > 0 ? Math.min(1, traces / total) : 0 };
}

function detectorTraceIds(data: FindingInput['data']): string[] | null {
  const ids = data?.traceIds;
  if (!Array.isArray(ids)) return null;
  return ids.filter((x): x is string => typeof x === 'string');
}

/**
 * `compilePredicate` turns predicate source into a function (inside the isolate,
 * via the isolate's own Function); it throws on bad source.
 */
export function verifyFindings(
  inputs: FindingInput[],
  traces: Trace[],
  compilePredicate: (source: string) => (trace: Trace) => unknown,
): VerifyResult {
  const byId = new Map<string, Trace>();
  for (const t of traces) byId.set(t.traceId, t);
  const index = new TextIndex();
  const result: VerifyResult = { kept: [], droppedFindings: [], droppedEvidence: 0 };

  for (const input of inputs) {
    const title = typeof input?.title === 'string' ? input.title : '(untitled)';
    try {
      const verified = verifyOne(input, traces, byId, index, compilePredicate);
      result.droppedEvidence += verified.verification.evidenceDropped;
      if (verified.evidence.length === 0) {
        const reasons = [...new Set(verified.verification.dropped.map((d) => d.reason))].join('; ');
        result.droppedFindings.push({ title, reason: `no evidence survived verification (${reasons || 'no evidence cited'})` });
      } else {
        result.kept.push(verified);
      }
    } catch (err) {
      result.droppedFindings.push({ title, reason: `could not be verified: ${errorMessage(err)}` });
    }
  }
  return result;
}

function verifyOne(
  input: FindingInput,
  traces: Trace[],
  byId: Map<string, Trace>,
  index: TextIndex,
  compilePredicate: (source: string) => (trace: Trace) => unknown,
): VerifiedFinding {
  const evidence: Evidence[] = Array.isArray(input.evidence) ? input.evidence : [];
  const dropped: Dropped[] = [];
  const kept: Evidence[] = [];
  const drop = (e: Evidence, reason: string) => {
    const d: Dropped = { traceId: String(e?.traceId ?? ''), reason };
    if (e?.spanId !== undefined) d.spanId = String(e.spanId);
    dropped.push(d);
  };

  const pred = typeof input.predicate === 'string' && input.predicate.trim() !== ''
    ? runPredicate(input.predicate, traces, compilePredicate)
    : null;

  for (const e of evidence) {
    const trace = typeof e?.traceId === 'string' ? byId.get(e.traceId) : undefined;
    if (!trace) {
      drop(e, 'unknown trace');
      continue;
    }
    let span: Span | undefined;
    if (e.spanId !== undefined) {
      span = index.span(trace, String(e.spanId));
      if (!span) {
        drop(e, 'unknown span');
        continue;
      }
    }
    if (typeof e.excerpt === 'string' && e.excerpt.trim() !== '') {
      const hay = span ? index.ofSpan(span) : index.ofTrace(trace);
      if (!contains(hay, e.excerpt)) {
        drop(e, span ? 'excerpt not found in span' : 'excerpt not found in trace');
        continue;
      }
    }
    if (pred && pred.status === 'ok' && !pred.matched.has(trace.traceId)) {
      const threw = pred.threw.get(trace.traceId);
      drop(e, threw ? `predicate threw: ${threw}` : 'predicate false');
      continue;
    }
    kept.push(e);
  }

  const total = traces.length;
  let prev: Prevalence;
  let prevalenceSource: Verification['prevalenceSource'];
  const ids = detectorTraceIds(input.data);
  // Detectors list every affected trace; ids that are not in the data are
  // removed so reports and merges only ever see real traces.
  let data = input.data;
  let present: Set<string> | null = null;
  if (ids) {
    present = new Set(ids.filter((id) => byId.has(id)));
    for (const e of kept) present.add(e.traceId);
    data = { ...input.data, traceIds: [...present] };
  }
  if (pred && pred.status === 'ok') {
    prev = prevalence(pred.matched.size, total);
    prevalenceSource = 'predicate';
  } else if (present) {
    prev = prevalence(present.size, total);
    prevalenceSource = 'detector';
  } else {
    prev = prevalence(new Set(kept.map((e) => e.traceId)).size, total);
    prevalenceSource = 'evidence';
  }

  const predicateStatus: Verification['predicate'] = !pred
    ? 'absent'
    : pred.status === 'error'
      ? 'error'
      : dropped.some((d) => d.reason.startsWith('predicate'))
        ? 'failed'
        : 'matched';

  const evidenceDropped = evidence.length - kept.length;
  const verification: Verification = {
    status: evidenceDropped === 0 && predicateStatus !== 'error' && predicateStatus !== 'failed' ? 'verified' : 'partial',
    evidenceChecked: evidence.length,
    evidenceDropped,
    dropped,
    predicate: predicateStatus,
    prevalenceSource,
  };
  if (pred?.status === 'error' && pred.error) verification.predicateError = pred.error;
  const out: VerifiedFinding = { ...input, evidence: kept, prevalence: prev, verification };
  if (data) out.data = data;
  return out;
}
