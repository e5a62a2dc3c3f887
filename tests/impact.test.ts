import { describe, expect, it } from 'vitest';
import { differenceInterval, impactOf, indexOutcomes, severityFromImpact, wilson } from '../src/findings/impact.ts';
import { rankFindings } from '../src/findings/rank.ts';
import { finalizeFindings } from '../src/findings/pipeline.ts';
import type { VerifiedFinding } from '../src/findings/verify.ts';

describe('intervals', () => {
  it('Wilson matches published values and stays inside [0, 1] at the edges', () => {
    // Newcombe (1998) table I: 81/263 → 0.2553 to 0.3662.
    const [lo, hi] = wilson(81, 263);
    expect(lo).toBeCloseTo(0.2553, 3);
    expect(hi).toBeCloseTo(0.3662, 3);
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBe(1);
    expect(wilson(0, 10)[1]).toBeCloseTo(0.2775, 3);
  });

  it('Newcombe difference interval matches the published example (56/70 vs 48/80)', () => {
    const [lo, hi] = differenceInterval(56, 70, 48, 80);
    expect(lo).toBeCloseTo(0.0524, 3);
    expect(hi).toBeCloseTo(0.3339, 3);
  });
});

describe('impactOf', () => {
  const judged = Array.from({ length: 100 }, (_, i) => `r${i}`);
  // r0..r49 failed.
  const ix = indexOutcomes({ judged, failed: judged.slice(0, 50) })!;

  it('compares the affected runs with the rest of the judged runs', () => {
    const i = impactOf(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r60', 'unjudged'], ix)!;
    expect(i.runsWith).toBe(10);
    expect(i.failedWith).toBe(9);
    expect(i.runsWithout).toBe(90);
    expect(i.failedWithout).toBe(41);
    expect(i.difference).toBeCloseTo(0.9 - 41 / 90, 3);
    expect(i.interval[0]).toBeGreaterThan(0);
    expect(severityFromImpact(i, 'medium')).toBe('high');
  });

  it('a pattern whose runs fail no more than the rest is low severity', () => {
    const i = impactOf(judged.filter((_, k) => k % 2 === 0), ix)!;
    expect(Math.abs(i.difference)).toBeLessThan(0.05);
    expect(severityFromImpact(i, 'high')).toBe('low');
  });

  it('a few affected runs that all failed, an interval reaching zero: neither harm nor its absence is shown, so the detector\'s severity stands, at most medium', () => {
    // τ-bench's book_reservation retries: 3 of 3 affected runs failed, 113 of 197 others.
    const tau = indexOutcomes({ judged: Array.from({ length: 200 }, (_, i) => `t${i}`), failed: Array.from({ length: 116 }, (_, i) => `t${i}`) })!;
    const i = impactOf(['t0', 't1', 't2'], tau)!;
    expect(i.difference).toBeGreaterThan(0.4);
    expect(i.interval[0]).toBeLessThanOrEqual(0);
    expect(severityFromImpact(i, 'high')).toBe('medium');
    expect(severityFromImpact(i, 'medium')).toBe('medium');
    expect(severityFromImpact(i, 'low')).toBe('low');
  });

  it('one affected run, however it ended, is low: an anecdote shows nothing about harm across runs', () => {
    const tau = indexOutcomes({ judged: Array.from({ length: 500 }, (_, i) => `t${i}`), failed: Array.from({ length: 230 }, (_, i) => `t${i}`) })!;
    const i = impactOf(['t0'], tau)!;
    expect(i.interval[0]).toBeLessThanOrEqual(0);
    expect(severityFromImpact(i, 'high')).toBe('low');
  });

  it('states no impact without contrast: no judged run affected, all affected, or every run failed', () => {
    expect(impactOf(['x'], ix)).toBeNull();
    expect(impactOf(judged, ix)).toBeNull();
    expect(indexOutcomes({ judged: [], failed: [] })).toBeNull();
    expect(impactOf(['r1'], indexOutcomes({ judged: ['r1', 'r2'], failed: ['r1', 'r2'] })!)).toBeNull();
  });
});

function finding(title: string, ids: string[], category: VerifiedFinding['category'] = 'errors_recovery'): VerifiedFinding {
  return {
    title,
    category,
    severity: 'high',
    summary: `${title} summary`,
    rootCause: { statement: 'cause', confidence: 'hypothesis' },
    fix: { summary: 'fix', kind: 'code' },
    evidence: ids.slice(0, 5).map((traceId) => ({ traceId })),
    prevalence: { traces: ids.length, total: 100, share: ids.length / 100 },
    key: { component: `tool:${title}`, signature: 'error:x' },
    source: 'detector:test',
    data: { traceIds: ids },
    verification: { status: 'verified', evidenceChecked: 5, evidenceDropped: 0, dropped: [], predicate: 'absent', prevalenceSource: 'detector' },
  };
}

describe('impact-aware ranking', () => {
  const judged = Array.from({ length: 100 }, (_, i) => `r${i}`);
  const failed = judged.slice(0, 40);
  // A frequent pattern spread evenly over passing and failing runs (always recovered)…
  const frequent = finding('frequent', judged.filter((_, k) => k % 2 === 0));
  // …and a rarer one whose runs all fail.
  const predictive = finding('predictive', failed.slice(0, 12));

  it('without outcomes, the more frequent finding ranks first', () => {
    const { findings } = finalizeFindings({ kept: [frequent, predictive], droppedFindings: [], droppedEvidence: 0 });
    expect(findings.map((f) => f.title)).toEqual(['frequent', 'predictive']);
    expect(findings[0]!.impact).toBeUndefined();
  });

  it('with outcomes, a pattern that predicts failure outranks a frequent recovered one, and severity follows impact', () => {
    const { findings } = finalizeFindings({ kept: [frequent, predictive], droppedFindings: [], droppedEvidence: 0 }, { outcomes: { judged, failed } });
    expect(findings.map((f) => f.title)).toEqual(['predictive', 'frequent']);
    expect(findings[0]!.severity).toBe('critical');
    expect(findings[1]!.severity).toBe('low');
    expect(findings[0]!.summary).toMatch(/fail 100% of the time \(12\/12\) against 32%/);
    expect(findings[0]!.impact!.difference).toBeGreaterThan(0.6);
  });

  it('the outcome finding keeps its own severity', () => {
    const outcome = { ...finding('failed runs', failed, 'outcome'), severity: 'medium' as const };
    const { findings } = finalizeFindings({ kept: [outcome], droppedFindings: [], droppedEvidence: 0 }, { outcomes: { judged, failed } });
    expect(findings[0]!.severity).toBe('medium');
    expect(findings[0]!.impact!.rateWith).toBe(1);
  });

  it('rankFindings orders by impact factor', () => {
    const base = { severity: 'high' as const, rootCause: { statement: 'x', confidence: 'hypothesis' as const }, prevalence: { traces: 10, total: 100, share: 0.1 } };
    const imp = (difference: number) => ({ runsWith: 10, failedWith: 5, rateWith: 0.5, runsWithout: 90, failedWithout: 40, rateWithout: 0.44, difference, interval: [difference - 0.2, difference + 0.2] as [number, number], method: 'newcombe-wilson-95' as const });
    const ranked = rankFindings([
      { ...base, fingerprint: 'a', impact: imp(-0.1) },
      { ...base, fingerprint: 'b', impact: imp(0.3) },
      { ...base, fingerprint: 'c', impact: imp(0.05) },
    ]);
    expect(ranked.map((r) => r.fingerprint)).toEqual(['b', 'c', 'a']);
  });
});
