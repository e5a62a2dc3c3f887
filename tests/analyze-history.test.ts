// Run history through the real CLI: findings keep their identity across runs,
// gone ones are resolved, --since-last-run continues where the last run ended,
// and a config file supplies inputs and options.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindingsFile } from '../src/findings/schema.ts';
import { acquireLock } from '../src/history/index.ts';
import { findingsOf, halorun } from './helpers/cli.ts';

const root = new URL('..', import.meta.url).pathname;
const medium = join(root, 'tests/fixtures/halo/medium_traces.jsonl');
const tiny = join(root, 'tests/fixtures/halo/tiny_traces.jsonl');

describe('analyze with run history', () => {
  let cwd: string;
  let first: FindingsFile;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'halo-hist-cli-'));
    // One input path whose content changes between runs, as a cron job's does.
    writeFileSync(join(cwd, 'traces.jsonl'), readFileSync(medium));
    const r = halorun(cwd, ['analyze', 'traces.jsonl', '--out', 'r1', '-q']);
    expect(r.code, r.stderr).toBe(0);
    first = findingsOf(join(cwd, 'r1'));
  });

  it('marks every finding new on the first run and recurring on the next', () => {
    expect(first.findings.length).toBeGreaterThan(0);
    expect(first.findings.every((f) => f.status === 'new')).toBe(true);
    const r = halorun(cwd, ['analyze', 'traces.jsonl', '--out', 'r2', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const second = findingsOf(join(cwd, 'r2'));
    expect(second.findings.map((f) => f.fingerprint).sort()).toEqual(first.findings.map((f) => f.fingerprint).sort());
    expect(second.findings.every((f) => f.status === 'recurring')).toBe(true);
    expect(second.findings[0]!.trend!.length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(cwd, 'r2', 'report.md'), 'utf8')).toMatch(/recurring/);
  });

  it('lists findings that disappeared as resolved, and keeps scopes apart', () => {
    // Same inputs and window as before (runs of other settings form their own series): the data changed.
    writeFileSync(join(cwd, 'traces.jsonl'), readFileSync(tiny));
    const r = halorun(cwd, ['analyze', 'traces.jsonl', '--out', 'r3', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const third = findingsOf(join(cwd, 'r3'));
    const gone = first.findings.filter((f) => !third.findings.some((t) => t.fingerprint === f.fingerprint));
    expect(third.resolved!.map((x) => x.fingerprint).sort()).toEqual(gone.map((f) => f.fingerprint).sort());
    const other = halorun(cwd, ['analyze', medium, '--out', 'r4', '--scope', 'nightly', '-q']);
    expect(other.code, other.stderr).toBe(0);
    expect(findingsOf(join(cwd, 'r4')).findings.every((f) => f.status === 'new')).toBe(true);
    const h = halorun(cwd, ['history', '--json']);
    expect(JSON.parse(h.stdout).map((x: { scope: string }) => x.scope)).toEqual(['default', 'default', 'default', 'nightly']);
    const fp = first.findings[0]!.fingerprint;
    const traj = JSON.parse(halorun(cwd, ['history', '--finding', fp.slice(0, 8), '--scope', 'default', '--json']).stdout);
    expect(traj.map((p: { present: boolean }) => p.present).slice(0, 2)).toEqual([true, true]);
  });

  it('--since-last-run analyzes only traces newer than the last run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-since-'));
    expect(halorun(dir, ['analyze', medium, '--until', 'latest', '--out', 'a', '-q']).code).toBe(0);
    const r = halorun(dir, ['analyze', medium, '--since-last-run', '--out', 'b', '-q']);
    expect(r.code, r.stderr).toBe(0);
    // Nothing in the fixture is newer than the previous run's window end: no reports, nothing recorded.
    expect(r.stderr).toMatch(/no traces newer than the last run/);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });

  it('--since-last-run after --since-last-run reads only what is new; nothing new keeps the reports as they were', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-since-again-'));
    const lines = readFileSync(tiny, 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, 't.jsonl'), `${lines.join('\n')}\n`);
    const args = ['analyze', 't.jsonl', '--since-last-run', '--out', 'r', '-q'];
    const first = halorun(dir, args);
    expect(first.code, first.stderr).toBe(0);
    expect(findingsOf(join(dir, 'r')).dataset.traces).toBe(3);
    const reports = () => Object.fromEntries(['findings.json', 'report.md', 'report.html'].map((n) => [n, readFileSync(join(dir, 'r', n), 'utf8')]));
    const before = reports();

    // The newest trace was read by the first run: it is not new to the second.
    const again = halorun(dir, args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/no traces newer than the last run/);
    expect(reports()).toEqual(before);
    expect(JSON.parse(halorun(dir, ['history', '--json']).stdout)).toHaveLength(1);

    // One trace arrives later: the next run reads it alone.
    const newer = lines.filter((l) => l.includes('"t-cccc"')).map((l) => l.replaceAll('cccc', 'dddd').replaceAll('2026-04-23T07:', '2026-04-23T09:'));
    writeFileSync(join(dir, 't.jsonl'), `${[...lines, ...newer].join('\n')}\n`);
    const third = halorun(dir, args);
    expect(third.code, third.stderr).toBe(0);
    expect(findingsOf(join(dir, 'r')).dataset.traces).toBe(1);
    expect(JSON.parse(halorun(dir, ['history', '--json']).stdout)).toHaveLength(2);
  });

  it('a run with another window in the same scope is compared only with its like, with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-profile-'));
    expect(halorun(dir, ['analyze', tiny, '--out', 'a', '-q']).code).toBe(0);
    const r = halorun(dir, ['analyze', tiny, '--window', '30d', '--until', 'latest', '--out', 'b']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: scope "default" holds runs with other settings \(last: window all; .*\); this run \(window last 30d; .*\) is compared only with runs like it/);
    expect(findingsOf(join(dir, 'b')).findings.every((f) => f.status === 'new')).toBe(true);
  });

  it('--keep prunes the oldest runs of the scope', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-keep-'));
    for (let i = 0; i < 3; i++) expect(halorun(dir, ['analyze', tiny, '--out', 'o', '--keep', '2', '-q']).code).toBe(0);
    expect(JSON.parse(halorun(dir, ['history', '--json']).stdout)).toHaveLength(2);
    const bad = halorun(dir, ['analyze', tiny, '--keep', '0', '-q']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--keep: must be at least 1/);
  });

  it('refuses to run while another run holds its scope\'s lock, and takes over a dead run\'s lock with a notice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-lock-'));
    const lock = acquireLock(join(dir, '.halo'), { scope: 'default' });
    try {
      const r = halorun(dir, ['analyze', tiny, '-q']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/scope "default" is locked by another run/);
    } finally {
      lock.release();
    }
    // A run killed outright (SIGKILL, power loss) leaves its lock behind.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, '.halo', 'locks', 'default.lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), at: '2026-01-01T00:00:00Z' }));
    const r = halorun(dir, ['analyze', tiny, '-q', '--out', 'after']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/notice: took over .*default\.lock: its run \(pid \d+ on .*, since 2026-01-01T00:00:00Z\) is no longer running/);
    expect(existsSync(join(dir, '.halo', 'locks', 'default.lock'))).toBe(false);
  });

  it('takes inputs and options from halo.config.json, and names a bad field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-config-'));
    writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ inputs: [tiny], out: 'from-config', formats: ['json'] }));
    const r = halorun(dir, ['analyze', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(findingsOf(join(dir, 'from-config')).dataset.traces).toBe(3);
    writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ inputs: [tiny], budgets: { maxUsd: 'five' } }));
    const bad = halorun(dir, ['analyze', '-q']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/halo\.config\.json: budgets\.maxUsd: /);
  });
});
