// Merge and dedupe (host side). Detectors and the model often report the same
// failure twice — under the same key, or under different keys but citing the
// same traces. Two findings become one when their normalized keys are equal,
// or when they share a category and their trace sets overlap heavily
// (Jaccard ≥ 0.6, at least two traces in common) and one of them is not a
// detector's (a model finding): every affected trace when
// both findings list them, else the cited ones. Grouping is transitive (union-find), so the result does
// not depend on input order.
import { mergedVerificationChecks } from './levels.ts';
import type { Evidence, Severity } from './schema.ts';
import type { VerifiedFinding } from './verify.ts';
import { normalizeKey } from './fingerprint.ts';
import { maxSeverity } from './rank.ts';

export const MERGE_JACCARD = 0.6;
/**
 * Overlap alone merges only when at least this many cited traces are shared:
 * two different failures that both happen to hit one trace are not one failure.
 */
export const MERGE_MIN_SHARED = 2;
export const MAX_MERGED_EVIDENCE = 20;

export interface MergeResult {
  findings: VerifiedFinding[];
  /** How many input findings were folded into another one. */
  merged: number;
}

class UnionFind {
  private parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

function shared(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const inter = shared(a, b);
  return inter / (a.size + b.size - inter);
}

/**
 * How well a finding is written, for choosing whose text a merged finding
 * keeps: a confirmed root cause beats a hypothesis, then a monitor and fuller
 * summary, root cause and fix (each capped so padding does not win).
 */
export function textQuality(f: VerifiedFinding): number {
  return (
    (f.rootCause.confidence === 'confirmed' ? 2 : 0) +
    (f.monitor ? 1 : 0) +
    (f.predicate ? 0.5 : 0) +
    Math.min(f.summary.length, 800) / 800 +
    Math.min(f.rootCause.statement.length, 400) / 400 +
    Math.min(f.fix.summary.length, 400) / 400
  );
}

function isDetector(f: VerifiedFinding): boolean {
  return typeof f.source === 'string' && f.source.startsWith('detector');
}

function traceIdsOf(f: VerifiedFinding): string[] | null {
  const ids = f.data?.traceIds;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : null;
}

function evidenceKey(e: Evidence): string {
  return `${e.traceId}\u0000${e.spanId ?? ''}\u0000${(e.excerpt ?? '').replace(/\s+/g, ' ').trim()}`;
}

function byText(a: VerifiedFinding, b: VerifiedFinding): number {
  return textQuality(b) - textQuality(a) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);
}

const MAX_PREDICATE = 4000;

function unionPredicate(members: VerifiedFinding[]): string | undefined {
  if (!members.every((f) => f.predicate && f.verification.predicate === 'matched')) return undefined;
  const parts = [...new Set(members.map((f) => f.predicate!.trim()))];
  if (parts.length === 1) return parts[0];
  const src = `(t) => [${parts.map((p) => `(${p})`).join(', ')}].some((p) => p(t))`;
  return src.length <= MAX_PREDICATE ? src : undefined;
}

/**
 * Title and summary of a merged finding describe the union: the best-written
 * member leads, the others are named, and the count is the union's.
 */
function unionText(ordered: VerifiedFinding[], prevalence: VerifiedFinding['prevalence']): Pick<VerifiedFinding, 'title' | 'summary' | 'rootCause'> {
  const primary = ordered[0]!;
  // The same failure reported twice (same normalized key) keeps the best text.
  const sameFailure = new Set(ordered.map((f) => normalizeKey(f.key))).size === 1;
  const others = [...new Set(ordered.slice(1).map((f) => f.title).filter((t) => t !== primary.title))];
  // The same failure reported twice keeps the best text, as long as its count
  // is the union's: a primary that covers fewer traces than the merge would
  // understate it (and, when titles differ, hide what else was merged).
  const sameCount = primary.prevalence.traces === prevalence.traces;
  if (sameCount && (sameFailure || others.length === 0)) return { title: primary.title, summary: primary.summary, rootCause: primary.rootCause };
  const causes = [...new Set(ordered.map((f) => f.rootCause.statement.replace(/\s+/g, ' ').trim()))];
  const statement = causes.length === 1 ? causes[0]! : causes.map((c, i) => `(${i + 1}) ${c}`).join(' ');
  const rootCause = sameFailure
    ? primary.rootCause
    : {
        statement: statement.length > 2000 ? `${statement.slice(0, 1999)}…` : statement,
        // A merged cause is only confirmed when every part's is.
        confidence: ordered.every((f) => f.rootCause.confidence === 'confirmed') ? ('confirmed' as const) : ('hypothesis' as const),
      };
  const title = others.length ? `${primary.title} (+${others.length} related: ${others.map((t) => t.slice(0, 60)).join('; ')})` : primary.title;
  const pct = prevalence.total ? ` (${((100 * prevalence.traces) / prevalence.total).toFixed(1)}%)` : '';
  const texts = [...new Set(ordered.map((f) => f.summary.replace(/\s+/g, ' ').trim()))];
  const parts = texts.length === 1 ? texts : texts.map((t, i) => `(${i + 1}) ${t}`);
  const what = sameFailure ? 'reports of the same failure' : 'related findings';
  const summary = `${ordered.length} ${what} together affect ${prevalence.traces} of ${prevalence.total} traces${pct}. ${parts.join(' ')}`;
  return { title: title.length > 200 ? `${title.slice(0, 199)}…` : title, summary: summary.length > 4000 ? `${summary.slice(0, 3999)}…` : summary, rootCause };
}

/** The findings schema allows 20 locations; a merged fix keeps the first of each member's, in text order. */
const MAX_MERGED_LOCATIONS = 20;

function combine(members: VerifiedFinding[]): VerifiedFinding {
  if (members.length === 1) return members[0]!;
  const ordered = [...members].sort(byText);
  const primary = ordered[0]!;

  // The key decides the fingerprint, so it must not depend on which text won:
  // detector keys are deterministic across runs, model keys are not.
  const keyed = (members.some(isDetector) ? members.filter(isDetector) : members)
    .map((f) => ({ f, k: normalizeKey(f.key) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const key = keyed[0]!.f.key;

  // Round-robin over members so every source keeps some of its citations.
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  const queues = ordered.map((f) => [...f.evidence]);
  while (evidence.length < MAX_MERGED_EVIDENCE && queues.some((q) => q.length > 0)) {
    for (const q of queues) {
      const e = q.shift();
      if (!e) continue;
      const k = evidenceKey(e);
      if (seen.has(k)) continue;
      seen.add(k);
      evidence.push(e);
      if (evidence.length >= MAX_MERGED_EVIDENCE) break;
    }
  }

  const severity = members.map((f) => f.severity).reduce<Severity>((a, b) => maxSeverity(a, b), 'info');

  // Prevalence: when every member lists its affected traces, exactly their
  // union (the invariant: prevalence === affected set). Otherwise the widest
  // verified count, or the union of the listed ids when that is wider.
  const widest = [...members].sort((a, b) => b.prevalence.traces - a.prevalence.traces)[0]!;
  let prevalence = widest.prevalence;
  let prevalenceSource = widest.verification.prevalenceSource;
  const unionIds = new Set<string>();
  let anyIds = false;
  const allIds = members.every((f) => traceIdsOf(f) !== null);
  for (const f of members) {
    const ids = traceIdsOf(f);
    if (ids) {
      anyIds = true;
      for (const id of ids) unionIds.add(id);
    }
  }
  if (anyIds && (allIds || unionIds.size > prevalence.traces)) {
    const total = prevalence.total;
    prevalence = { traces: unionIds.size, total, share: total > 0 ? Math.min(1, unionIds.size / total) : 0 };
    prevalenceSource = allIds && members.every((f) => f.verification.prevalenceSource !== 'predicate') ? 'detector' : prevalenceSource;
  }

  const data: Record<string, unknown> = {};
  for (const f of [...ordered].reverse()) Object.assign(data, f.data ?? {});
  if (anyIds) data.traceIds = [...unionIds];
  const occurrences = members.flatMap((f) => (Array.isArray(f.data?.occurrences) ? (f.data.occurrences as unknown[]) : []));
  if (occurrences.length) data.occurrences = occurrences.slice(0, 2000);
  data.mergedFrom = ordered.slice(1).map((f) => ({ title: f.title, source: f.source ?? null, key: f.key }));

  const sources = [...new Set(ordered.map((f) => f.source).filter((s): s is string => !!s))];
  // A predicate must match exactly the merged set: the members' predicates
  // joined by "or" when every member has a matching one, else none (one
  // member's predicate would match only its part).
  const predicate = unionPredicate(members);
  const predicateOwner = predicate ? widest : undefined;

  const dropped = members.flatMap((f) => f.verification.dropped);
  const evidenceChecked = members.reduce((n, f) => n + f.verification.evidenceChecked, 0);
  const evidenceDropped = members.reduce((n, f) => n + f.verification.evidenceDropped, 0);
  const predicateError = members.map((f) => f.verification.predicateError).find((e) => e);

  const text = unionText(ordered, prevalence);
  // Every member's checked code locations stay (each part's fix is in the agent's code); the patch is the primary's alone.
  const locations: NonNullable<VerifiedFinding['fix']['locations']> = [];
  const placed = new Set<string>();
  for (const f of ordered) {
    for (const loc of f.fix.locations ?? []) {
      const k = `${loc.path}:${loc.line}`;
      if (placed.has(k) || locations.length >= MAX_MERGED_LOCATIONS) continue;
      placed.add(k);
      locations.push(loc);
    }
  }
  const merged: VerifiedFinding = {
    ...primary,
    ...text,
    fix: { ...primary.fix, ...(locations.length ? { locations } : {}) },
    key,
    severity,
    evidence,
    prevalence,
    data,
    verification: {
      status: members.every((f) => f.verification.status === 'verified') ? 'verified' : 'partial',
      evidenceChecked,
      evidenceDropped,
      dropped,
      predicate: predicateOwner ? 'matched' : 'absent',
      prevalenceSource,
      ...(predicateError ? { predicateError } : {}),
      ...mergedVerificationChecks(members.map((f) => f.verification), predicateOwner?.verification),
    },
  };
  if (sources.length > 0) merged.source = sources.join(' + ').slice(0, 100);
  if (predicate) merged.predicate = predicate;
  else delete merged.predicate;
  if (!merged.monitor) {
    const monitor = ordered.find((f) => f.monitor)?.monitor;
    if (monitor) merged.monitor = monitor;
  }
  return merged;
}

export function mergeFindings(findings: VerifiedFinding[]): MergeResult {
  const n = findings.length;
  const uf = new UnionFind(n);
  const keys = findings.map((f) => normalizeKey(f.key));
  const firstByKey = new Map<string, number>();
  keys.forEach((k, i) => {
    const first = firstByKey.get(k);
    if (first === undefined) firstByKey.set(k, i);
    else uf.union(first, i);
  });

  const cited = findings.map((f) => new Set(f.evidence.map((e) => e.traceId)));
  // Evidence is a capped sample (20 citations), so two findings over the same
  // thousand traces can cite different samples; when both list every affected
  // trace (detectors do, in data.traceIds), compare those instead.
  const affected = findings.map((f, i) => {
    const ids = f.data?.traceIds;
    return Array.isArray(ids) ? new Set([...ids.filter((x): x is string => typeof x === 'string'), ...cited[i]!]) : null;
  });
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (findings[i]!.category !== findings[j]!.category) continue;
      // Two detector findings under different keys are different rules or signatures: runs they
      // share do not make them one failure (a UnicodeError and a TypeError of the same tasks stay
      // two). Overlap dedupes model findings, against detectors and each other; related detector
      // findings are grouped for reading as problems (problems.ts), not merged.
      if (isDetector(findings[i]!) && isDetector(findings[j]!)) continue;
      if (uf.find(i) === uf.find(j)) continue;
      const [a, b] = affected[i] && affected[j] ? [affected[i]!, affected[j]!] : [cited[i]!, cited[j]!];
      // Jaccard cannot exceed min/max size: skip the intersection when sizes alone rule it out.
      if (Math.min(a.size, b.size) < MERGE_JACCARD * Math.max(a.size, b.size)) continue;
      if (shared(a, b) >= MERGE_MIN_SHARED && jaccard(a, b) >= MERGE_JACCARD) uf.union(i, j);
    }
  }

  const groups = new Map<number, VerifiedFinding[]>();
  findings.forEach((f, i) => {
    const root = uf.find(i);
    const g = groups.get(root);
    if (g) g.push(f);
    else groups.set(root, [f]);
  });
  const out = [...groups.values()].map(combine);
  return { findings: out, merged: n - out.length };
}
