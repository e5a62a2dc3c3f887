// The review round: what the root model is shown about its verified
// submission so it can tighten a predicate or fix a citation. Per finding:
// the level reached, matches of total, the audit's estimate, each dropped
// citation with its reason, and a few matched-but-uncited trace ids to look
// at. Findings that verified cleanly get one line, so the model sees what
// stands as well as what fell.
import type { VerifyResult, VerifiedFinding } from '../findings/verify.ts';
import { LEVEL_TEXT, levelOf } from '../findings/levels.ts';

const MAX_FINDINGS = 20;
const MAX_DROPPED_SHOWN = 6;

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/** True when the finding has something the model could fix or tighten. */
function needsWork(f: VerifiedFinding): boolean {
  const v = f.verification;
  return (
    v.status !== 'verified' ||
    v.dropped.length > 0 ||
    Boolean(v.specificity?.broad) ||
    Boolean(v.audit && v.audit.precision < 1) ||
    Boolean(v.fix && v.fix.dropped.length > 0) ||
    Boolean(v.specificity?.outsideComponent && v.specificity.outsideComponent.outside > 0)
  );
}

function findingLines(f: VerifiedFinding): string[] {
  const v = f.verification;
  const lines = [`- "${f.title}": ${LEVEL_TEXT[levelOf(v)]}, ${v.status}; prevalence ${f.prevalence.traces} of ${f.prevalence.total} traces${f.prevalence.interval ? ` (95% ${f.prevalence.interval.low}–${f.prevalence.interval.high}, estimated)` : ''}.`];
  const s = v.specificity;
  if (s) {
    lines.push(`  predicate matches ${s.matched} of ${s.total} traces (${pct(s.share)}) and ${s.citedMatched} of the ${s.cited} cited.`);
    if (s.broad) {
      lines.push(`  It matches (nearly) every trace, so it cannot count prevalence on its own${v.audit ? '' : ': prevalence is only the cited traces'}. Narrow it to what the failure looks like.`);
    }
    if (s.outsideComponent && s.outsideComponent.outside > 0) {
      lines.push(`  ${s.outsideComponent.outside} of ${s.outsideComponent.checked} matched traces checked never mention "${f.key.component}".`);
    }
  }
  if (v.predicate === 'timeout' || v.predicate === 'error') lines.push(`  predicate ${v.predicate === 'timeout' ? 'did not finish' : 'failed'}: ${v.predicateError ?? ''} — no prevalence claim.`);
  if (v.predicate === 'failed') lines.push('  the predicate is false on some cited traces (see below).');
  if (v.audit) {
    const a = v.audit;
    lines.push(
      `  audit: the sub-model judged ${a.sampled - a.failed} random uncited matches; ${a.shows} show the failure (precision ${pct(a.precision)}, 95% ${pct(a.low)}–${pct(a.high)}).`,
    );
    const no = a.verdicts.filter((x) => !x.shows).slice(0, 3);
    if (no.length) lines.push(`  judged not to show it: ${no.map((x) => `${x.traceId}${x.reason ? ` (${x.reason.slice(0, 120)})` : ''}`).join('; ')}`);
  }
  for (const d of v.dropped.slice(0, MAX_DROPPED_SHOWN)) lines.push(`  dropped citation ${d.traceId}${d.spanId ? `/${d.spanId}` : ''}: ${d.reason}`);
  if (v.dropped.length > MAX_DROPPED_SHOWN) lines.push(`  …and ${v.dropped.length - MAX_DROPPED_SHOWN} more dropped citations.`);
  for (const d of v.fix?.dropped.slice(0, MAX_DROPPED_SHOWN) ?? []) {
    const where = d.path ? `fix location ${d.path}${d.line !== undefined ? `:${d.line}` : ''}` : 'fix';
    lines.push(`  ${where} dropped: ${d.reason}`);
  }
  if (levelOf(v) === 'cited') lines.push('  only trace ids were checked: quote excerpts copied from the cited spans, or add a predicate.');
  if (v.uncitedSample?.length) lines.push(`  matched but not cited (look at a few): ${v.uncitedSample.join(', ')}`);
  return lines;
}

/**
 * What the engine found when it checked the submission, for a repair round;
 * null when there is nothing to fix. `roundsLeft` counts this round.
 */
export function verificationReview(v: VerifyResult | undefined, roundsLeft = 1): string | null {
  if (!v) return null;
  const lines: string[] = [];
  for (const d of v.droppedFindings.slice(0, 10)) lines.push(`- finding "${d.title}" was dropped: ${d.reason}`);
  const work = v.kept.filter(needsWork);
  if (!lines.length && !work.length) return null;
  for (const f of work.slice(0, MAX_FINDINGS)) lines.push(...findingLines(f));
  const fine = v.kept.filter((f) => !needsWork(f));
  if (fine.length) lines.push(`Verified as submitted: ${fine.map((f) => `"${f.title}" (${f.prevalence.traces} traces)`).join('; ')}.`);
  return [
    `The engine checked your submission against the data: ${v.kept.length} finding(s) kept. Per finding:`,
    ...lines,
    `What does not verify is dropped from the report, and a prevalence the engine cannot stand behind is not used. ` +
      `You have ${roundsLeft === 1 ? 'one more round' : `${roundsLeft} more rounds`} to fix it: correct the ids, copy excerpts verbatim from the cited span, ` +
      'tighten predicates so they match only traces that show the failure, then call submit() again (earlier variables are still defined) — ' +
      'or call submit() with the same findings to keep this result.',
  ].join('\n');
}
