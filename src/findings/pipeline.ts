// Host side of the findings pipeline: what comes back from verification in the
// isolate is validated (it crossed a process boundary and was shaped by
// untrusted code), then merged, fingerprinted, ranked and given ids.
import { z } from 'zod';
import { Finding, FindingInput, Prevalence, Verification, type FindingsFile, type Impact } from './schema.ts';
import type { VerifiedFinding, VerifyResult } from './verify.ts';
import { mergeFindings } from './merge.ts';
import { fingerprintKey } from './fingerprint.ts';
import { rankFindings } from './rank.ts';
import { impactOf, impactText, indexOutcomes, isCompareAmong, severityFromImpact, type RunOutcomes } from './impact.ts';
import { verifyFixes, type FixContext } from './verify-fix.ts';

export const VerifiedFindingSchema = FindingInput.extend({ prevalence: Prevalence, verification: Verification });

const DroppedFinding = z.object({ title: z.string(), reason: z.string() });
const VerifyResultShape = z.object({
  kept: z.array(z.unknown()),
  droppedFindings: z.array(DroppedFinding),
  droppedEvidence: z.number().int().nonnegative(),
});

/** The first three issues of a failed parse, `path: message`; `root` names the value itself. */
export function describeIssues(error: z.ZodError, root = '(root)'): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : root}: ${i.message}`)
    .join('; ');
}

/**
 * Validates a `VerifyResult` that came out of the sandbox. A finding with a
 * bad shape is dropped and counted, never passed on; a result that is not a
 * VerifyResult at all is an error.
 */
export function parseVerifyResult(raw: unknown): VerifyResult {
  const shape = VerifyResultShape.safeParse(raw);
  if (!shape.success) throw new Error(`verification returned an invalid result: ${describeIssues(shape.error)}`);
  const out: VerifyResult = { kept: [], droppedFindings: [...shape.data.droppedFindings], droppedEvidence: shape.data.droppedEvidence };
  for (const item of shape.data.kept) {
    const parsed = VerifiedFindingSchema.safeParse(item);
    if (parsed.success) out.kept.push(parsed.data as VerifiedFinding);
    else {
      const title = typeof (item as { title?: unknown })?.title === 'string' ? (item as { title: string }).title : '(untitled)';
      out.droppedFindings.push({ title, reason: `invalid finding: ${describeIssues(parsed.error)}` });
    }
  }
  return out;
}

export interface FinalizeResult {
  /** Ranked best first, with ids, fingerprints and scores. */
  findings: Finding[];
  counts: FindingsFile['verification'];
  /** Findings dropped whole, with why (for the report's verification section). */
  droppedFindings: { title: string; reason: string }[];
}

/**
 * The runs a finding affects: every affected trace when listed (detectors),
 * else every run its verified predicate matched (model findings), else the cited ones.
 */
export function affectedIds(f: { data?: Record<string, unknown>; evidence: { traceId: string }[] }): string[] {
  const ids = Array.isArray(f.data?.traceIds) ? f.data.traceIds : f.data?.matchedTraceIds;
  if (Array.isArray(ids)) return ids.filter((x): x is string => typeof x === 'string');
  return [...new Set(f.evidence.map((e) => e.traceId))];
}

/**
 * Impact per finding, and severity following it. The outcome findings define
 * failure themselves, and recovered-each-time observations claim no harm, so
 * their severity stays the detector's.
 */
function withImpact<T extends VerifiedFinding>(findings: T[], outcomes: RunOutcomes | undefined): (T & { impact?: Impact })[] {
  const ix = indexOutcomes(outcomes);
  if (!ix) return findings;
  return findings.map((f) => {
    // A finding whose affected runs are the failed runs (a drop in success) would state a tautology.
    const ids = affectedIds(f);
    // A detector's own comparison group holds for the recorded verdicts it counted, not a signal's labels.
    const among = !ix.source && isCompareAmong(f.data?.compareAmong) ? f.data.compareAmong : undefined;
    const impact = f.data?.noImpact === true ? null : impactOf(ids, ix, among);
    if (!impact && among && among.runs === 0 && ids.some((id) => ix.judged.has(id))) {
      return { ...f, summary: `${f.summary} No other judged run had ${among.label.replace(/^runs with /, '')}, so no failure rate is compared.`.slice(0, 4000) };
    }
    if (!impact) {
      // None of its runs has a verdict (DA-Code's partial scores) while others do: nothing shows its runs failing
      // more, so it ranks as a pattern that shows no harm (rank.ts), not above every pattern that does.
      if (f.data?.noImpact === true || ids.length === 0 || ids.some((id) => ix.judged.has(id))) return f;
      const n = new Set(ids).size;
      const none = n === 1 ? 'Its run has no pass or fail verdict' : n === 2 ? 'Neither of its 2 runs has a pass or fail verdict' : `None of its ${n} runs has a pass or fail verdict`;
      return { ...f, data: { ...f.data, noVerdict: true }, summary: `${f.summary} ${none}, so no failure rate is stated.`.slice(0, 4000) };
    }
    // A failure recovered every time is an efficiency observation: its runs failing more often
    // is a correlation, not a cause the spans show, so impact is stated but does not raise it.
    // A finding about cost or time (a window comparison's efficiency regression) keeps its severity: failing no more is not harmless there.
    let severity = f.category === 'outcome' || f.data?.recoveredEach === true || f.data?.severityFixed === true ? f.severity : severityFromImpact(impact, f.severity);
    // Handled in most of its runs: the runs failing more is not this error's doing, as far as the spans show.
    if (f.data?.recoveredMostly === true && (severity === 'critical' || severity === 'high')) severity = 'medium';
    const summary = /[Rr]uns with it fail \d/.test(f.summary) ? f.summary : `${f.summary} ${impactText(impact)}`.slice(0, 4000);
    return { ...f, impact, severity, summary };
  });
}

export interface FinalizeOptions {
  /** Which runs carry a verdict and which failed; enables impact and impact-aware ranking. */
  outcomes?: RunOutcomes;
  /** The agent's repository (--repo) that fix locations and patches are checked against; without it any that were submitted are dropped. */
  repo?: FixContext | null;
}

/** fix check → merge → impact → fingerprint → rank → ids, over one or more verification results. */
export function finalizeFindings(results: VerifyResult | VerifyResult[], opts: FinalizeOptions = {}): FinalizeResult {
  let droppedLocations = 0;
  let droppedPatches = 0;
  const all = (Array.isArray(results) ? results : [results]).map((r) => {
    const checked = verifyFixes(r, opts.repo ?? null);
    droppedLocations += checked.counts.droppedLocations;
    droppedPatches += checked.counts.droppedPatches;
    return checked.result;
  });
  const verified = all.flatMap((r) => r.kept);
  const droppedFindings = all.flatMap((r) => r.droppedFindings);
  const droppedEvidence = all.reduce((n, r) => n + r.droppedEvidence, 0);

  const { findings: merged, merged: mergedCount } = mergeFindings(verified);
  const fingerprinted = withImpact(merged, opts.outcomes).map((f) => ({ ...f, fingerprint: fingerprintKey(f.key) }));
  const ranked = rankFindings(fingerprinted);

  const findings: Finding[] = [];
  for (const f of ranked) {
    const candidate = { ...f, id: `F${f.rank}` };
    const parsed = Finding.safeParse(candidate);
    if (parsed.success) findings.push(parsed.data);
    else droppedFindings.push({ title: f.title, reason: `invalid after merge: ${describeIssues(parsed.error)}` });
  }
  return {
    findings,
    counts: {
      submitted: verified.length + all.reduce((n, r) => n + r.droppedFindings.length, 0),
      kept: findings.length,
      droppedFindings: droppedFindings.length,
      droppedEvidence,
      merged: mergedCount,
      dropped: droppedFindings.slice(0, 200),
      ...(opts.repo || droppedLocations || droppedPatches ? { droppedLocations, droppedPatches } : {}),
    },
    droppedFindings,
  };
}
