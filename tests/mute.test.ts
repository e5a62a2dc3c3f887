// `halo mute`: a muted finding stays in findings.json, marked, but leaves the
// reports' main list, --fail-on and exports; it comes back, flagged, when its
// share of traces grows past the threshold.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMutes, type MuteEntry } from '../src/history/index.ts';
import { severityAtLeast } from '../src/findings/rank.ts';
import { findingsOf, halorun } from './helpers/cli.ts';
import { finding, findingsFile, FP } from './helpers/findings-runs.ts';

const root = new URL('..', import.meta.url).pathname;
const medium = join(root, 'tests/fixtures/halo/medium_traces.jsonl');

describe('muting findings', () => {
  it('mute → left out of the main list, the gate and exports; grows → back, flagged; unmute', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'halo-mute-'));
    const first = halorun(cwd, ['analyze', medium, '--out', 'r1', '--fail-on', 'medium', '-q']);
    expect(first.code, first.stderr).toBe(1);
    const gated = findingsOf(join(cwd, 'r1')).findings.filter((f) => severityAtLeast(f.severity, 'medium'));
    expect(gated.length).toBeGreaterThan(0);

    for (const f of gated) {
      const m = halorun(cwd, ['mute', f.fingerprint.slice(0, 8), '--reason', `known: ${f.title.slice(0, 20)}`]);
      expect(m.code, m.stderr).toBe(0);
      expect(m.stdout).toMatch(new RegExp(`Muted ${f.fingerprint} .*comes back if it reaches [\\d.]+% of traces`));
    }
    const list = halorun(cwd, ['mute', 'list']);
    for (const f of gated) expect(list.stdout).toContain(f.fingerprint);

    const muted = halorun(cwd, ['analyze', medium, '--out', 'r2', '--fail-on', 'medium']);
    expect(muted.code, muted.stderr).toBe(0);
    expect(muted.stdout).toMatch(new RegExp(`\\(\\+${gated.length} muted\\)`));
    const file = findingsOf(join(cwd, 'r2'));
    for (const f of gated) expect(file.findings.find((x) => x.fingerprint === f.fingerprint)!.muted).toMatchObject({ resurfaced: false, reason: expect.stringMatching(/^known: /) });
    const md = readFileSync(join(cwd, 'r2', 'report.md'), 'utf8');
    const [main, rest] = md.split(`## Muted (${gated.length})`);
    expect(rest).toBeDefined();
    for (const f of gated) {
      expect(main).not.toContain(f.fingerprint);
      expect(rest).toContain(f.fingerprint);
    }
    expect(readFileSync(join(cwd, 'r2', 'report.html'), 'utf8')).toContain('<h2>Muted</h2>');
    const csv = halorun(cwd, ['export', 'csv', '--findings', 'r2/findings.json', '--out', 'f.csv']);
    expect(csv.code, csv.stderr).toBe(0);
    for (const f of gated) expect(readFileSync(join(cwd, 'f.csv'), 'utf8')).not.toContain(f.fingerprint);

    // One of them grows past its threshold (as if muted when it was rarer): back in the gate, flagged.
    const mutesPath = join(cwd, '.halo', 'mutes.json');
    const mutes = JSON.parse(readFileSync(mutesPath, 'utf8'));
    mutes.mutes[0].baselineShare = 0.0001;
    writeFileSync(mutesPath, JSON.stringify(mutes));
    const back = halorun(cwd, ['analyze', medium, '--out', 'r3', '--fail-on', 'medium', '-q']);
    expect(back.code).toBe(1);
    const again = findingsOf(join(cwd, 'r3')).findings.find((x) => x.fingerprint === mutes.mutes[0].fingerprint)!;
    expect(again.muted?.resurfaced).toBe(true);
    expect(readFileSync(join(cwd, 'r3', 'report.md'), 'utf8')).toMatch(/\*\*resurfaced\*\* \(muted at [\d.]+%: known: /);

    for (const f of gated) expect(halorun(cwd, ['unmute', f.fingerprint]).code).toBe(0);
    expect(halorun(cwd, ['mute', 'list']).stdout).toMatch(/No muted findings/);
  }, 400_000);

  it('bad usage: no reason, not a fingerprint, unknown prefix, not muted', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'halo-mute-bad-'));
    const noReason = halorun(cwd, ['mute', 'aaaaaaaaaaaaaaa1']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    expect(halorun(cwd, ['mute', 'xyz', '--reason', 'r']).stderr).toMatch(/not a fingerprint/);
    expect(halorun(cwd, ['mute', 'abcd', '--reason', 'r']).stderr).toMatch(/no finding with fingerprint prefix abcd/);
    // A full fingerprint not seen yet can be muted; its threshold comes from the first run that sees it.
    expect(halorun(cwd, ['mute', 'aaaaaaaaaaaaaaa1', '--reason', 'r']).stdout).toMatch(/threshold is set from the next run/);
    const not = halorun(cwd, ['unmute', 'bbbb']);
    expect(not.code).toBe(2);
    expect(not.stderr).toMatch(/bbbb is not muted/);
  });

  it('applyMutes: learns a missing baseline, resurfaces past 1.5× or an explicit share', () => {
    const file = findingsFile('r', [finding('A', 10, 1), finding('B', 8, 2), finding('C', 3, 3)]);
    const at = '2026-11-01T00:00:00Z';
    const mutes: MuteEntry[] = [
      { fingerprint: FP.A, reason: 'a', at },
      { fingerprint: FP.B, reason: 'b', at, baselineShare: 0.05 },
      { fingerprint: FP.C, reason: 'c', at, baselineShare: 0.02, resurfaceShare: 0.04 },
    ];
    const { file: out, learned } = applyMutes(file, mutes);
    const by = Object.fromEntries(out.findings.map((f) => [f.fingerprint, f.muted]));
    expect(learned).toEqual([{ ...mutes[0], baselineShare: 0.1 }]);
    expect(by[FP.A]).toMatchObject({ resurfaced: false, baselineShare: 0.1 });
    expect(by[FP.B]).toMatchObject({ resurfaced: true, resurfaceShare: 0.05 * 1.5 });
    expect(by[FP.C]).toMatchObject({ resurfaced: false, resurfaceShare: 0.04 });
  });
});
