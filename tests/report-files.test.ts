// report.md's dataset line counts every file read, not the capped list the
// overview keeps (126 Who&When run files; the overview lists 50).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halorun } from './helpers/cli.ts';

describe('report.md dataset line', () => {
  it('counts every file read and their total size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-report-files-'));
    const runs = join(process.cwd(), 'tests/fixtures/real/whowhen-captainagent/runs');
    const files = readdirSync(runs).filter((f) => f.endsWith('.json'));
    const bytes = files.reduce((n, f) => n + statSync(join(runs, f)).size, 0);
    const a = halorun(dir, ['analyze', runs, '--offline', '--no-history', '--out', 'out', '--quiet']);
    expect(a.code, a.stderr).toBe(0);
    const overview = JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')).dataset;
    expect(overview.files.length).toBeLessThan(files.length);
    const md = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    expect(md).toContain(`**Files:** ${files.length} (`);
    expect(md).toContain(`, ${(bytes / 1e6).toFixed(1)} MB`);
  }, 120_000);
});
