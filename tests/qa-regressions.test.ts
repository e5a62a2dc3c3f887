// Regressions found by using Halo end to end as a user would (QA pass): each
// test reproduces a rough edge through the real CLI.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FindingsFile } from '../src/findings/schema.ts';

const root = new URL('..', import.meta.url).pathname;
const halo = join(root, 'bin/halo');
const medium = join(root, 'tests/fixtures/halo/medium_traces.jsonl');
const env = { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', NO_COLOR: '1' };

function halorun(cwd: string, args: string[]) {
  const r = spawnSync(halo, args, { env, encoding: 'utf8', cwd, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const findingsOf = (dir: string) => FindingsFile.parse(JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')));

describe('run history', () => {
  it('a run that loads no traces neither resolves earlier findings nor enters the history', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'halo-qa-hist-'));
    writeFileSync(join(cwd, 'empty.jsonl'), '');
    expect(halorun(cwd, ['analyze', medium, '--out', 'a', '-q']).code).toBe(0);
    const first = findingsOf(join(cwd, 'a'));
    expect(first.findings.length).toBeGreaterThan(0);

    const empty = halorun(cwd, ['analyze', 'empty.jsonl', '--out', 'b', '-q']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).not.toMatch(/resolved/);
    expect(findingsOf(join(cwd, 'b')).resolved ?? []).toEqual([]);
    const runs = JSON.parse(halorun(cwd, ['history', '--json']).stdout) as unknown[];
    expect(runs).toHaveLength(1);

    // The next real run compares with the last run that saw data: recurring, not regressed.
    expect(halorun(cwd, ['analyze', medium, '--out', 'c', '-q']).code).toBe(0);
    expect(findingsOf(join(cwd, 'c')).findings.every((f) => f.status === 'recurring')).toBe(true);
  });
});
