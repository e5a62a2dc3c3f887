// Verification of submitted findings against the data. Pure; runs inside the
// isolate (predicates are untrusted model code and must never run in the host),
// over the engine's own view of the window, which sandbox code cannot change.
//
// A citation survives only when its trace exists, its span exists in that
// trace, its excerpt occurs in that span's text as the model was shown it (or
// the trace's, when no span is cited; see excerpt.ts), and the finding's
// predicate (if any) holds for the trace. Whatever fails is dropped and
// counted with a reason; a finding left without evidence is dropped whole.
// Prevalence is then recomputed from the data, never taken from the
// submission, and only from a predicate that is specific (specificity.ts) and
// finished in time. The verification level names the strongest check passed.
import type { Span, Trace } from '../types.ts';
import type { Evidence, FindingInput, Prevalence, Verification } from './schema.ts';
import { findExcerpt, haystack, normalizeWhitespace, type Haystack } from './excerpt.ts';
import { measureSpecificity } from './specificity.ts';
import { verificationStatus } from './levels.ts';

export { normalizeWhitespace } from './excerpt.ts';

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
  private spanText = new Map<Span, Haystack>();
  private traceText = new Map<Trace, Haystack>();

  constructor(private readonly renderSpan?: (span: Span) => string) {}

  span(trace: Trace, spanId: string): Span | undefined {
    let m = this.spansByTrace.get(trace.traceId);
    if (!m) {
      m = new Map();
      for (const s of trace.spans) m.set(s.spanId, s);
      this.spansByTrace.set(trace.traceId, m);
    }
    return m.get(spanId);
  }

  // A span's fields, the span as JSON (print() of any part of it, keys unquoted
  // by the tight form) and as render() shows it (labels, `Type: message`): models quote all three.
  private partsOf(span: Span): string[] {
    const parts = spanTextParts(span);
    if (this.renderSpan) {
      try {
        parts.push(this.renderSpan(span));
      } catch {
        // an unrenderable span is still searched through its fields
      }
    }
    return parts;
  }

  private static json(span: Span): string[] {
    try {
      return [JSON.stringify(span)];
    } catch {
      return []; // unserializable: its fields are still searched
    }
  }

  ofSpan(span: Span): Haystack {
    let h = this.spanText.get(span);
    if (!h) this.spanText.set(span, (h = haystack(this.partsOf(span), TextIndex.json(span))));
    return h;
  }

  ofTrace(trace: Trace): Haystack {
    let h = this.traceText.get(trace);
    if (!h) {
      const parts = traceLevelParts(trace);
      const whole: string[] = [];
      for (const s of trace.spans) {
        parts.push(...this.partsOf(s));
        whole.push(...TextIndex.json(s));
      }
      this.traceText.set(trace, (h = haystack(parts, whole)));
    }
    return h;
  }
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 200 ? msg.slice(0, 200) + '…' : msg;
}

export interface PredicateRun {
  status: 'ok' | 'error';
  error?: string;
  /** Trace ids the predicate matched. */
  matched: Set<string>;
  /** Trace ids where it threw, with the first message. */
  threw: Map<string, string>;
}

export type CompilePredicate = (source: string) => (trace: Trace) => unknown;

const isThenable = (v: unknown) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';

/** Runs a predicate over every trace of the window. Synchronous: the caller bounds its time. */
export function runPredicate(source: string, traces: readonly Trace[], compilePredicate: CompilePredicate): PredicateRun {
  return runPredicates([source], traces, compilePredicate).get(source)!;
}

/**
 * Runs several predicates in one pass over the window: each trace is read
 * once for all of them (a stored window loads a run's spans when they are
 * read, so one pass per predicate would load the whole window each time).
 * Each predicate's result is what runPredicate gives for it alone.
 */
export function runPredicates(sources: readonly string[], traces: readonly Trace[], compilePredicate: CompilePredicate): Map<string, PredicateRun> {
  const pass = new PredicatePass(sources, compilePredicate);
  pass.over(traces);
  return pass.finish(traces.length);
}

/**
 * runPredicates in pieces: the predicates are compiled once and run over the
 * window's traces a range at a time, in order (a stored window too large for
 * one bounded evaluation is read in several); finish() gives what one pass
 * over every trace gives, whatever the pieces were.
 */
export class PredicatePass {
  private readonly out = new Map<string, PredicateRun>();
  private readonly live: { source: string; fn: (trace: Trace) => unknown; matched: Set<string>; threw: Map<string, string> }[] = [];

  constructor(sources: readonly string[], compilePredicate: CompilePredicate) {
    for (const source of sources) {
      if (this.out.has(source) || this.live.some((l) => l.source === source)) continue;
      try {
        const fn = compilePredicate(source);
        if (typeof fn !== 'function') throw new Error('predicate source does not evaluate to a function');
        this.live.push({ source, fn, matched: new Set(), threw: new Map() });
      } catch (err) {
        this.out.set(source, { status: 'error', error: `predicate does not compile: ${errorMessage(err)}`, matched: new Set(), threw: new Map() });
      }
    }
  }

  /** Runs every predicate over the next traces (iterated, not indexed: a fresh context's copies are made one at a time). */
  over(traces: Iterable<Trace>): void {
    const live = this.live;
    for (const t of traces) {
      for (const p of live) {
        try {
          const v = p.fn(t);
          // An async predicate's promise is truthy for every trace; it answers nothing.
          if (isThenable(v)) throw new TypeError('predicate returned a Promise; it must return a boolean synchronously');
          if (v) p.matched.add(t.traceId);
        } catch (err) {
          p.threw.set(t.traceId, errorMessage(err));
        }
      }
    }
  }

  /** The runs, once every one of the window's `total` traces was passed over. */
  finish(total: number): Map<string, PredicateRun> {
    const out = this.out;
    for (const { source, matched, threw } of this.live) {
      // A predicate that throws on every trace tells us nothing about any of them.
      if (total > 0 && threw.size === total) {
        out.set(source, { status: 'error', error: `predicate threw on every trace: ${threw.values().next().value}`, matched, threw });
      } else out.set(source, { status: 'ok', matched, threw });
    }
    return out;
  }
}

function prevalence(traces: number, total: number): Prevalence {
  return { traces, total, share: total > 0 ? Math.min(1, traces / total) : 0 };
}

function detectorTraceIds(data: FindingInput['data']): string[] | null {
  const ids = data?.traceIds;
  if (!Array.isArray(ids)) return null;
  return ids.filter((x): x is string => typeof x === 'string');
}

export interface VerifyOptions {
  /** The span as render() shows it, so excerpts copied from render() output are found. */
  renderSpan?: (span: Span) => string;
  /** Predicate runs already made (by source), each within its own time limit. */
  predicateRuns?: Map<string, PredicateRun>;
  /** Predicates that could not finish (by source), with why; they lose their prevalence claim. */
  unfinished?: Record<string, string>;
}

/** Uncited matched trace ids kept on each finding for the review round and reports. */
const UNCITED_SAMPLE = 5;

/**
 * `compilePredicate` turns predicate source into a function (inside the isolate,
 * via the isolate's own Function); it throws on bad source.
 */
export function verifyFindings(
  inputs: FindingInput[],
  traces: readonly Trace[],
  compilePredicate: CompilePredicate,
  opts: VerifyOptions = {},
): VerifyResult {
  const byId = new Map<string, Trace>();
  for (const t of traces) byId.set(t.traceId, t);
  const index = new TextIndex(opts.renderSpan);
  const result: VerifyResult = { kept: [], droppedFindings: [], droppedEvidence: 0 };
  const runs = new Map(opts.predicateRuns ?? []);
  const predicateFor = (source: string): PredicateRun | { status: 'timeout'; error: string } => {
    const unfinished = opts.unfinished && Object.prototype.hasOwnProperty.call(opts.unfinished, source) ? opts.unfinished[source] : undefined;
    if (unfinished !== undefined) return { status: 'timeout', error: unfinished };
    let run = runs.get(source);
    if (!run) runs.set(source, (run = runPredicate(source, traces, compilePredicate)));
    return run;
  };

  for (const input of inputs) {
    const title = typeof input?.title === 'string' ? input.title : '(untitled)';
    try {
      const verified = verifyOne(input, traces, byId, index, predicateFor);
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
  traces: readonly Trace[],
  byId: Map<string, Trace>,
  index: TextIndex,
  predicateFor: (source: string) => PredicateRun | { status: 'timeout'; error: string },
): VerifiedFinding {
  const evidence: Evidence[] = Array.isArray(input.evidence) ? input.evidence : [];
  const dropped: Dropped[] = [];
  const kept: Evidence[] = [];
  let excerptsFound = 0;
  const drop = (e: Evidence, reason: string) => {
    const d: Dropped = { traceId: String(e?.traceId ?? ''), reason };
    if (e?.spanId !== undefined) d.spanId = String(e.spanId);
    dropped.push(d);
  };

  const pred = typeof input.predicate === 'string' && input.predicate.trim() !== '' ? predicateFor(input.predicate) : null;
  const predOk = pred && pred.status === 'ok' ? (pred as PredicateRun) : null;

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
    let quoted = false;
    if (typeof e.excerpt === 'string' && e.excerpt.trim() !== '') {
      const hay = span ? index.ofSpan(span) : index.ofTrace(trace);
      const check = findExcerpt(hay, e.excerpt);
      if (!check.found) {
        drop(e, `${check.reason === 'excerpt not found' ? 'excerpt not found' : check.reason} in ${span ? 'span' : 'trace'}`);
        continue;
      }
      quoted = true;
    }
    if (predOk && !predOk.matched.has(trace.traceId)) {
      const threw = predOk.threw.get(trace.traceId);
      drop(e, threw ? `predicate threw: ${threw}` : 'predicate false');
      continue;
    }
    if (quoted) excerptsFound++;
    kept.push(e);
  }

  const total = traces.length;
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
  const citedIds = new Set(kept.map((e) => e.traceId));

  const specificity = predOk
    ? measureSpecificity({ matched: predOk.matched, traces, byId, citedIds, component: input.key?.component, listedIds: present })
    : undefined;
  // A detector's predicate that matches exactly what it listed is the detector's own count, however wide.
  if (specificity?.exact) specificity.broad = false;

  let prev: Prevalence;
  let prevalenceSource: Verification['prevalenceSource'];
  if (predOk && !specificity!.broad) {
    prev = prevalence(predOk.matched.size, total);
    prevalenceSource = 'predicate';
  } else if (present) {
    prev = prevalence(present.size, total);
    prevalenceSource = 'detector';
  } else {
    prev = prevalence(citedIds.size, total);
    prevalenceSource = 'evidence';
  }

  const predicateStatus: Verification['predicate'] = !pred
    ? 'absent'
    : pred.status === 'timeout'
      ? 'timeout'
      : pred.status === 'error'
        ? 'error'
        : dropped.some((d) => d.reason.startsWith('predicate'))
          ? 'failed'
          : 'matched';

  const level: Verification['level'] =
    predicateStatus === 'matched' && !specificity!.broad ? 'predicate' : kept.length > 0 && excerptsFound === kept.length ? 'excerpts' : 'cited';

  const evidenceDropped = evidence.length - kept.length;
  // A model finding whose predicate verified is about every run it matches, not
  // only the few it cites: impact and severity are computed from them
  // (pipeline.ts). Kept apart from traceIds, which merging compares.
  if (predicateStatus === 'matched' && level === 'predicate' && !input.source?.startsWith('detector:')) {
    data = { ...data, matchedTraceIds: [...predOk!.matched] };
  }

  const verification: Verification = {
    status: 'partial',
    level,
    evidenceChecked: evidence.length,
    evidenceDropped,
    excerptsFound,
    dropped,
    predicate: predicateStatus,
    prevalenceSource,
  };
  if (pred && pred.status !== 'ok' && pred.error) verification.predicateError = pred.error;
  if (specificity) verification.specificity = specificity;
  if (predOk) {
    const uncited: string[] = [];
    for (const id of predOk.matched) {
      if (!citedIds.has(id)) uncited.push(id);
      if (uncited.length >= UNCITED_SAMPLE) break;
    }
    if (uncited.length) verification.uncitedSample = uncited;
  }
  verification.status = verificationStatus(verification);
  const out: VerifiedFinding = { ...input, evidence: kept, prevalence: prev, verification };
  if (data) out.data = data;
  return out;
}
