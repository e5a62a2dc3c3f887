// Builds FindingInput objects from what a detector found: the affected traces
// (all of them, for exact prevalence), a bounded set of citations, and the
// plain-language parts.
import type { Category, FindingInput, Severity } from '../../src/findings/schema.ts';
import type { Trace } from '../../src/types.ts';

export interface Citation {
  traceId: string;
  spanId?: string;
  excerpt?: string;
  note?: string;
}

export interface FindingDraft {
  title: string;
  category: Category;
  severity: Severity;
  summary: string;
  rootCause: string;
  confirmed?: boolean;
  fix: string;
  fixKind: FindingInput['fix']['kind'];
  component: string;
  signature: string;
  monitor: string;
  detector: string;
  /** Every affected trace id (prevalence and `data.traceIds`). */
  traceIds: Iterable<string>;
  citations: Citation[];
  /** Traces in scope, the prevalence denominator. */
  total: number;
  predicate?: string;
  data?: Record<string, unknown>;
  maxEvidence?: number;
}

export const MAX_EVIDENCE = 20;
/** From this many runs in scope, a finding seen in one of them is at most medium. */
const ANECDOTE_TOTAL = 10;

/**
 * How many runs make a recurring pattern: two (a one-off is not a cross-run
 * pattern; one when there is only one run), and in large windows 1 run in 100,
 * up to 3. `least` lowers the floor for detectors whose single occurrence is
 * already a finding.
 */
export function minPatternTraces(total: number, least = 2): number {
  return Math.min(3, Math.max(total > 1 ? least : 1, Math.ceil(total / 100)));
}
const MAX_PREDICATE = 4000;

export function buildFinding(d: FindingDraft): FindingInput {
  const traceIds = [...new Set(d.traceIds)];
  // One run among many is an anecdote: whatever happened in it, it does not show a failure mode high enough
  // to outrank what recurs (a single schema miss in one of 60 docs demos was judged "high" without support).
  const severity = d.severity === 'high' && traceIds.length === 1 && d.total >= ANECDOTE_TOTAL ? 'medium' : d.severity;
  const finding: FindingInput = {
    title: clamp(d.title, 200),
    category: d.category,
    severity,
    summary: clamp(d.summary, 4000),
    rootCause: { statement: clamp(d.rootCause, 2000), confidence: d.confirmed ? 'confirmed' : 'hypothesis' },
    fix: { summary: clamp(d.fix, 2000), kind: d.fixKind },
    evidence: pickEvidence(d.citations, d.maxEvidence ?? MAX_EVIDENCE).map(clean),
    prevalence: { traces: traceIds.length, total: d.total, share: d.total ? Math.min(1, traceIds.length / d.total) : 0 },
    key: { component: clamp(d.component, 200), signature: clamp(d.signature, 300) },
    monitor: clamp(d.monitor, 1000),
    source: `detector:${d.detector}`,
    data: { ...d.data, traceIds },
  };
  if (d.predicate && d.predicate.length <= MAX_PREDICATE) finding.predicate = d.predicate;
  return finding;
}

/** One citation per trace first (breadth across runs), then extra spans of the same traces. */
function pickEvidence(citations: Citation[], max: number): Citation[] {
  const seen = new Set<string>();
  const first: Citation[] = [];
  const rest: Citation[] = [];
  for (const c of citations) {
    if (seen.has(c.traceId)) rest.push(c);
    else {
      seen.add(c.traceId);
      first.push(c);
    }
    if (first.length >= max) break;
  }
  return first.concat(rest).slice(0, max);
}

function clean(c: Citation): Citation {
  const out: Citation = { traceId: c.traceId };
  if (c.spanId) out.spanId = c.spanId;
  if (c.excerpt) out.excerpt = c.excerpt.slice(0, 2000);
  if (c.note) out.note = clamp(c.note, 500);
  return out;
}

function clamp(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * The predicate when it matches exactly the affected traces, else undefined:
 * a finding states its prevalence by its predicate only where the two agree
 * (an owner rule a predicate cannot restate is left to the detector's count).
 */
export function exactOrNone(predicate: string, traces: Trace[], affected: Set<string>): string | undefined {
  let fn: (t: Trace) => unknown;
  try {
    fn = new Function(`return (${predicate})`)() as (t: Trace) => unknown;
  } catch {
    return undefined;
  }
  let matched = 0;
  for (const t of traces) {
    let hit: unknown;
    try {
      hit = fn(t);
    } catch {
      return undefined;
    }
    if (!hit) continue;
    if (!affected.has(t.traceId)) return undefined;
    matched++;
  }
  return matched === affected.size ? predicate : undefined;
}

/** Readable share for summaries: "37 of 1,200 traces (3.1%)". */
export function shareText(n: number, total: number): string {
  const pct = total ? (100 * n) / total : 0;
  return `${thousands(n)} of ${thousands(total)} traces (${pct < 1 && pct > 0 ? pct.toFixed(2) : pct.toFixed(1)}%)`;
}

/** Predicate source literal for a JS value. */
export function lit(value: unknown): string {
  return JSON.stringify(value);
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1 run", "3 runs". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
