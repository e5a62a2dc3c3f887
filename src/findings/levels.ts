// What a verification result means for a reader and for ranking. The level
// (cited < excerpts < predicate < audited) names the strongest check passed;
// the status says whether the claim as a whole held. A finding that only names
// trace ids is "cited", never verified.
import type { Verification, VerificationLevel } from './schema.ts';

/** Audited precision below this makes the root cause a hypothesis (and the status partial). */
export const LOW_PRECISION = 0.5;

export const LEVEL_TEXT: Record<VerificationLevel, string> = {
  cited: 'cited (trace ids exist)',
  excerpts: 'excerpts found in the cited spans',
  predicate: 'predicate exact',
  audited: 'audited by a sub-model',
};

type StatusInput = Pick<Verification, 'level' | 'evidenceDropped' | 'excerptsFound' | 'predicate'> &
  Partial<Pick<Verification, 'specificity' | 'audit' | 'unaudited'>>;

/** The level of a verification result; results written before levels existed count as cited. */
export function levelOf(v: Pick<Verification, 'level'>): VerificationLevel {
  return v.level ?? 'cited';
}

const LEVEL_ORDER: VerificationLevel[] = ['cited', 'excerpts', 'predicate', 'audited'];

/**
 * Verification of findings merged into one: the predicate's checks come from
 * the member whose predicate counts the prevalence; otherwise the weakest
 * member's level, since the merged claim rests on all of them.
 */
export function mergedVerificationChecks(members: Verification[], predicateOwner: Verification | undefined): Partial<Verification> {
  const out: Partial<Verification> = {};
  const weakest = members.map(levelOf).sort((a, b) => LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b))[0] ?? 'cited';
  out.level = predicateOwner && (predicateOwner.level === 'predicate' || predicateOwner.level === 'audited') ? predicateOwner.level : weakest;
  out.excerptsFound = members.reduce((n, m) => n + (m.excerptsFound ?? 0), 0);
  if (predicateOwner?.specificity) out.specificity = predicateOwner.specificity;
  if (predicateOwner?.audit) out.audit = predicateOwner.audit;
  if (predicateOwner?.uncitedSample) out.uncitedSample = predicateOwner.uncitedSample;
  if (members.some((m) => m.status === 'unverified') && members.every((m) => m.status !== 'verified')) out.status = 'unverified';
  return out;
}

export function verificationStatus(v: StatusInput): Verification['status'] {
  // No prevalence claim survives a predicate that could not finish or one that
  // matches (nearly) everything with no audit behind it; nothing beyond ids is checked by a bare citation.
  if (v.predicate === 'timeout') return 'unverified';
  if (broadUnsupported(v)) return 'unverified';
  const level = v.level ?? 'cited';
  if (level === 'cited' && (v.excerptsFound ?? 0) === 0) return 'unverified';
  if (v.audit && v.audit.precision < LOW_PRECISION) return 'partial';
  // The uncited matches were to be judged and were not: the claim about them is unchecked.
  if (v.unaudited) return 'partial';
  if (level !== 'cited' && v.evidenceDropped === 0 && v.predicate !== 'failed' && v.predicate !== 'error') return 'verified';
  return 'partial';
}

/**
 * Rank tier: 0 for findings whose prevalence the engine stands behind, 1 for
 * those it could not check (a predicate that did not finish, or one matching
 * nearly everything that no audit backed). Ranking sorts by tier first, so such a
 * finding never ranks above a checked one, however severe it claims to be.
 */
export function verificationTier(v: Pick<Verification, 'predicate'> & Partial<Pick<Verification, 'specificity' | 'audit'>>): number {
  if (v.predicate === 'timeout') return 1;
  if (broadUnsupported(v)) return 1;
  return 0;
}

/**
 * A predicate matching (nearly) everything carries no claim unless an audit
 * found that most of what it matches really shows the failure.
 */
function broadUnsupported(v: Partial<Pick<Verification, 'specificity' | 'audit'>>): boolean {
  return Boolean(v.specificity?.broad) && !(v.audit && v.audit.precision >= LOW_PRECISION);
}

/** One line for reports and tracker bodies: "predicate exact · verified", with flags. */
export function verificationSummary(v: Verification): string {
  const parts = [LEVEL_TEXT[levelOf(v)], v.status];
  if (v.predicate === 'timeout') parts.push('predicate did not finish in time: no prevalence claim');
  if (v.specificity?.broad) {
    parts.push(`flagged: predicate matches ${v.specificity.matched} of ${v.specificity.total} traces (nearly all)${v.audit ? '' : ', so prevalence is counted from the cited traces only'}`);
  }
  if (v.unaudited) parts.push(`unaudited: ${v.unaudited}`);
  if (v.audit) {
    parts.push(`audit: ${v.audit.shows} of ${v.audit.sampled} sampled matches show it (precision ${pct(v.audit.precision)}, 95% ${pct(v.audit.low)}–${pct(v.audit.high)})`);
  }
  return parts.join(' · ');
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
