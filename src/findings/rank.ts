// Ranking. The score is a documented product so users can reason about order:
//
//   score = severityWeight × prevalenceShare × confidenceFactor × impactFactor
//
//   severityWeight   critical 1 · high 0.75 · medium 0.5 · low 0.25 · info 0.1
//   prevalenceShare  affected traces / traces in the window (0..1), as verified
//   confidenceFactor root cause confirmed 1.0 · hypothesis 0.7
//   impactFactor     when the finding states impact: how much more often its
//                    runs fail than the rest (difference, floored at 0.001 so
//                    recovered patterns still order among themselves); the
//                    floor when none of its runs has a verdict but others do
//                    (`data.noVerdict`: no failure shown); the median
//                    factor of the window's findings that state one (1
//                    when none does) for a finding whose runs failing is
//                    close to what it means (`data.circular`: a grader's
//                    "wrong answer", runs that end repeating one call),
//                    neither above every pattern shown to predict failure
//                    nor below them all; else 1
//
// With outcomes, severity itself follows impact (src/findings/impact.ts), so a
// pattern that predicts failure outranks a more frequent one that is always
// recovered.
//
// Findings the engine could not check (verificationTier in levels.ts: a
// predicate that did not finish, or one matching nearly everything with no
// audit) sort after every checked finding, whatever their score.
//
// Ties (equal scores) fall back to severity, then affected traces, then the
// fingerprint, so the same data always yields the same order.
import { SEVERITY_WEIGHT, type FindingInput, type Impact, type Prevalence, type Severity, type Verification } from './schema.ts';
import { verificationTier } from './levels.ts';

export const CONFIDENCE_FACTOR = { confirmed: 1, hypothesis: 0.7 } as const;

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityAtLeast(a, b) ? a : b;
}

type Rankable = Pick<FindingInput, 'severity' | 'rootCause' | 'data'> & { prevalence: Prevalence; fingerprint: string; impact?: Impact; verification?: Verification };

export const MIN_IMPACT_FACTOR = 0.001;

export function impactFactor(impact: Impact | undefined): number {
  if (!impact) return 1;
  return Math.min(1, Math.max(MIN_IMPACT_FACTOR, impact.difference));
}

/** The median impact factor of the findings that state impact, for the circular ones (1 when none states impact). */
export function neutralImpact(findings: Pick<Rankable, 'impact'>[]): number {
  const factors = findings.filter((f) => f.impact).map((f) => impactFactor(f.impact)).sort((a, b) => a - b);
  if (!factors.length) return 1;
  const mid = factors.length >> 1;
  return factors.length % 2 ? factors[mid]! : (factors[mid - 1]! + factors[mid]!) / 2;
}

export function rankScore(f: Pick<Rankable, 'severity' | 'rootCause' | 'prevalence' | 'impact' | 'data'>, neutral = 1): number {
  const weight = SEVERITY_WEIGHT[f.severity] ?? 0;
  const share = Number.isFinite(f.prevalence.share) ? f.prevalence.share : 0;
  const confidence = CONFIDENCE_FACTOR[f.rootCause.confidence] ?? CONFIDENCE_FACTOR.hypothesis;
  // Rounded so that float noise never decides an order that ties should decide.
  const impact = !f.impact && f.data?.noVerdict === true ? MIN_IMPACT_FACTOR : !f.impact && f.data?.circular === true ? neutral : impactFactor(f.impact);
  return Math.round(weight * share * confidence * impact * 1e9) / 1e9;
}

export function compareRanked(a: Rankable, b: Rankable, neutral = 1): number {
  return (
    (a.verification ? verificationTier(a.verification) : 0) - (b.verification ? verificationTier(b.verification) : 0) ||
    rankScore(b, neutral) - rankScore(a, neutral) ||
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    b.prevalence.traces - a.prevalence.traces ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}

/** Sorts a copy, best first, and returns each finding with its score and 1-based rank. */
export function rankFindings<T extends Rankable>(findings: T[]): (T & { rank: number; score: number })[] {
  const neutral = neutralImpact(findings);
  return [...findings].sort((a, b) => compareRanked(a, b, neutral)).map((f, i) => ({ ...f, rank: i + 1, score: rankScore(f, neutral) }));
}
