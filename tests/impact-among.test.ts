// A finding that needs a precondition (a repeat needs a failed step first) is compared with the judged runs that
// met it, not with every other run: runs that never failed a step cannot repeat one, and counting them makes the
// repeat's runs fail more by construction (LDB on StarCoder, round 26: "+92 points" against 48 runs of which 46
// had a seed that passed and never entered the repair loop). Real runs: tests/fixtures/real/README.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { impactOf, impactText, indexOutcomes, severityFromImpact } from '../src/findings/impact.ts';
import { analyze } from '../src/analyze.ts';

const tmp = mkdtempSync(join(tmpdir(), 'halo-among-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the comparison group a detector names', () => {
  const judged = Array.from({ length: 100 }, (_, i) => `r${i}`);
  const ix = indexOutcomes({ judged, failed: judged.slice(0, 50) })!;

  it('takes the runs and failures it is given in place of every other judged run, and says whom it compared with', () => {
    const i = impactOf(['r0', 'r1', 'r2'], ix, { label: 'runs with a failed step', runs: 4, failed: 3 })!;
    expect([i.runsWith, i.failedWith, i.runsWithout, i.failedWithout]).toEqual([3, 3, 4, 3]);
    expect(i.among).toBe('runs with a failed step');
    expect(impactText(i)).toMatch(/against 75% \(3\/4\) of the other runs with a failed step: \+25 points/);
    expect(impactOf(['r0'], ix, { label: 'runs with a failed step', runs: 0, failed: 0 })).toBeNull();
  });

  it('one affected run never raises a finding above medium', () => {
    const i = impactOf(['r0'], ix, { label: 'runs with a failed step', runs: 40, failed: 2 })!;
    expect(i.interval[0]).toBeGreaterThan(0);
    expect(severityFromImpact(i, 'high')).toBe('medium');
    expect(severityFromImpact(i, 'low')).toBe('low');
  });

  it('LDB: repeats are compared with the runs that entered the repair loop, and the circular "+92 points" is gone', async () => {
    const run = async (set: string) => {
      const out = join(tmp, set);
      const r = await analyze({ files: [`tests/fixtures/real/${set}/results`], out, formats: ['json'], env: {} });
      return r.file.findings.find((f) => /re-sends a failed step/.test(f.title))!;
    };
    const star = await run('ldb-debugger-starcoder');
    // 32 stuck runs; of the 48 others only 1 had a failing visible test (a seed that failed, then was fixed).
    expect(star.impact).toMatchObject({ runsWith: 32, runsWithout: 1, among: 'runs with a failed step' });
    expect(star.severity).not.toMatch(/critical|high/);
    const llama = await run('ldb-debugger-codellama');
    // Every CodeLlama run that failed a visible test repeated it: nothing to compare with, said so.
    expect(llama.impact).toBeUndefined();
    expect(llama.summary).toMatch(/No other judged run had a failed step, so no failure rate is compared\./);
    expect(llama.severity).toBe('medium');
  });
});
