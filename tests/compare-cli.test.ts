// `halo compare` as a user runs it: the table, --json, --fail-on-regression
// and bad usage, on real τ-bench airline runs split by trial.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halorun } from './helpers/cli.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-compare-cli-'));
  const tau = JSON.parse(readFileSync('tests/fixtures/tau-bench/gpt-4o-airline.json', 'utf8')) as Array<{ trial: number; reward: number }>;
  writeFileSync(join(tmp, 'early.json'), JSON.stringify(tau.filter((r) => r.trial < 2)));
  writeFileSync(join(tmp, 'late.json'), JSON.stringify(tau.filter((r) => r.trial >= 2)));
  let keep = 0;
  writeFileSync(join(tmp, 'late-worse.json'), JSON.stringify(tau.filter((r) => r.trial >= 2 && (r.reward <= 0 || keep++ % 5 === 0))));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('halo compare', () => {
  it('prints the table and says when nothing regressed; --json gives {comparison, findings}', () => {
    const r = halorun(tmp, ['compare', 'late.json', '--baseline-inputs', 'early.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Baseline: early\.json, 100 runs\./);
    expect(r.stdout).toMatch(/GROUP\s+METRIC\s+BASELINE\s+THIS WINDOW\s+CHANGE \[95% CI\]\s+P \(HOLM\)\s+VERDICT/);
    expect(r.stdout).toContain('No significant regression.');
    const j = halorun(tmp, ['compare', 'late.json', '--baseline-inputs', 'early.json', '--json']);
    const parsed = JSON.parse(j.stdout) as { comparison: { tests: number; rows: unknown[] }; findings: unknown[] };
    expect(parsed.comparison.rows.length).toBe(parsed.comparison.tests);
    expect(parsed.findings).toEqual([]);
  });

  it('--fail-on-regression exits 1 and lists the verified regression with its fingerprint', () => {
    const r = halorun(tmp, ['compare', 'late-worse.json', '--baseline-inputs', 'early.json', '--fail-on-regression', '--out', 'cmp.json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/regressions? \(verified findings\):/);
    expect(r.stdout).toMatch(/success rate fell from \d+% to \d+%.*\[[0-9a-f]{16}\]/);
    expect(JSON.parse(readFileSync(join(tmp, 'cmp.json'), 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('bad usage exits 2 with what to write instead', () => {
    const none = halorun(tmp, ['compare', 'late.json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--baseline needs a value: previous, <from>..<to>, or a run id/);
    const bad = halorun(tmp, ['compare', 'late.json', '--baseline', 'lastweek']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected previous, <from>..<to>/);
    const open = halorun(tmp, ['compare', 'late.json', '--baseline', 'previous']);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/needs a window with a start and an end/);
    const alpha = halorun(tmp, ['compare', 'late.json', '--baseline-inputs', 'early.json', '--alpha', '2']);
    expect(alpha.code).toBe(2);
  });
});
