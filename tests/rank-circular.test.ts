// Findings whose runs failing is close to what they mean (a grader's "wrong answer", runs that end repeating one call)
// state no failure rate. Ranked with a factor of 1 they went above every pattern shown to predict failure (round 34's
// reviewer: "rank 1 isn't deserved"); they take the median factor of the findings that state one.
import { describe, expect, it } from 'vitest';
import { neutralImpact, rankFindings } from '../src/findings/rank.ts';
import type { Impact } from '../src/findings/schema.ts';

const impact = (difference: number): Impact => ({ runsWith: 10, failedWith: 10, rateWith: 1, runsWithout: 10, failedWithout: 10 - difference * 10, rateWithout: 1 - difference, difference, interval: [0, 1], method: 'newcombe-wilson-95' });

function finding(fingerprint: string, share: number, opts: { impact?: Impact; circular?: boolean } = {}) {
  return {
    fingerprint,
    severity: 'medium' as const,
    rootCause: { statement: 'x', confidence: 'hypothesis' as const },
    prevalence: { traces: Math.round(share * 100), total: 100, share },
    ...(opts.impact ? { impact: opts.impact } : {}),
    data: opts.circular ? { noImpact: true, circular: true } : {},
  };
}

describe('ranking findings that state no failure rate because it would be circular', () => {
  it('ranks them as the median finding that states one would rank, not above all of them', () => {
    const strong = finding('strong', 0.3, { impact: impact(0.6) });
    const middle = finding('middle', 0.3, { impact: impact(0.3) });
    const weak = finding('weak', 0.3, { impact: impact(0.1) });
    const circular = finding('circular', 0.4, { circular: true });
    expect(neutralImpact([strong, middle, weak, circular])).toBeCloseTo(0.3, 9);
    const order = rankFindings([weak, circular, middle, strong]).map((f) => f.fingerprint);
    // 0.4 × 0.3 beats 0.3 × 0.3 and loses to 0.3 × 0.6: between them, where a factor of 1 put it first.
    expect(order).toEqual(['strong', 'circular', 'middle', 'weak']);
  });

  it('keeps a factor of 1 where no finding states a failure rate (a window without verdicts)', () => {
    const a = finding('a', 0.2);
    const c = finding('c', 0.3, { circular: true });
    expect(neutralImpact([a, c])).toBe(1);
    expect(rankFindings([a, c]).map((f) => f.fingerprint)).toEqual(['c', 'a']);
  });
});
