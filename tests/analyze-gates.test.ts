// Gates and report writing as CI and cron use them: nothing to judge is its
// own exit code and never replaces the last real reports; the report set is
// swapped in as a whole; a bad --out fails at once, even on /proc; --quiet,
// --log and the config's "until" do what they say.
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReportSet } from '../src/report/write.ts';
import { findingsOf, halorun } from './helpers/cli.ts';

const root = new URL('..', import.meta.url).pathname;
const traces = join(root, 'tests/fixtures/halo/tiny_traces.jsonl');
const REPORTS = ['findings.json', 'report.md', 'report.html'];

const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `halo-gates-${tag}-`));
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));

describe('--fail-on with nothing to judge', () => {
  it('an empty window, an empty file and garbage exit 4 with the reason, and keep the previous reports', () => {
    const cwd = tmp('empty');
    writeFileSync(join(cwd, 'empty.jsonl'), '');
    writeFileSync(join(cwd, 'garbage.jsonl'), 'not json\n{"also": "not a span"\n');
    const first = halorun(cwd, ['analyze', traces, '--until', 'latest', '--out', 'r', '--no-history', '-q']);
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(join(cwd, 'r'));
    expect(Object.keys(before).sort()).toEqual([...REPORTS].sort());

    const cases: Array<[string[], RegExp]> = [
      [[traces, '--since', '2001-01-01T00:00:00Z', '--until', '2001-01-02T00:00:00Z'], /no traces in the window \([\d,]+ outside it\)/],
      [['empty.jsonl'], /the input holds no records/],
      [['garbage.jsonl'], /no readable record in the input \(2 bad records\)/],
    ];
    for (const [args, reason] of cases) {
      const r = halorun(cwd, ['analyze', ...args, '--out', 'r', '--no-history', '--fail-on', 'high', '-q']);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toMatch(/--fail-on high cannot pass or fail: /);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toMatch(/the previous reports were kept/);
      expect(snapshot(join(cwd, 'r'))).toEqual(before);
    }
  });
});

describe('report set', () => {
  it('replaces an earlier set as a whole: no file of the old set survives beside the new one', () => {
    const out = join(tmp('swap'), 'halo-report');
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `old ${name}` })), REPORTS);
    writeReportSet(out, [{ name: 'findings.json', text: 'new json' }, { name: 'report.md', text: 'new md' }], REPORTS);
    expect(snapshot(out)).toEqual({ 'findings.json': 'new json', 'report.md': 'new md' });
    // No staging or old directories are left beside it.
    expect(readdirSync(join(out, '..'))).toEqual(['halo-report']);
  });

  it('a failure while writing leaves the previous set untouched', () => {
    const out = join(tmp('fail'), 'halo-report');
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `old ${name}` })), REPORTS);
    expect(() => writeReportSet(out, [{ name: 'findings.json', text: 'new' }, { name: 'no/such/dir.md', text: 'x' }], REPORTS)).toThrow();
    expect(snapshot(out)).toEqual(Object.fromEntries(REPORTS.map((n) => [n, `old ${n}`])));
    expect(readdirSync(join(out, '..'))).toEqual(['halo-report']);
  });

  it('keeps the report folder\'s own mode, and makes a new one with the umask, never 0700', () => {
    const out = join(tmp('mode'), 'halo-report');
    const umask = process.umask();
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `v1 ${name}` })), REPORTS);
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~umask);
    expect(statSync(join(out, 'report.md')).mode & 0o777).toBe(0o666 & ~umask);
    // Served by a web server: the owner opened it up, and a later run must not close it.
    chmodSync(out, 0o755);
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `v2 ${name}` })), REPORTS);
    expect(statSync(out).mode & 0o777).toBe(0o755);
    chmodSync(out, 0o750);
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `v3 ${name}` })), REPORTS);
    expect(statSync(out).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe('v3 report.md');
  });

  it('an --out that holds other files keeps them and gets every report', () => {
    const out = tmp('shared');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `v1 ${name}` })), REPORTS);
    writeReportSet(out, REPORTS.map((name) => ({ name, text: `v2 ${name}` })), REPORTS);
    expect(snapshot(out)).toEqual({ 'notes.txt': 'mine', ...Object.fromEntries(REPORTS.map((n) => [n, `v2 ${n}`])) });
  });

  it.runIf(existsSync('/proc/self'))('--out on a pseudo file system (/proc) is bad usage, at once', () => {
    const r = halorun(tmp('proc'), ['analyze', traces, '--out', '/proc/x', '--no-history', '-q']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out \/proc\/x: cannot write reports there: /);
  });
});

describe('flags and config', () => {
  it('--quiet prints no summary; without a terminal, progress is one plain line per phase', () => {
    const cwd = tmp('quiet');
    const quiet = halorun(cwd, ['analyze', traces, '--out', 'q', '--no-history', '-q']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    const loud = halorun(cwd, ['analyze', traces, '--out', 'l', '--no-history']);
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stdout).toMatch(/findings? in [\d,]+ traces/);
    const lines = loud.stderr.split('\n').filter((l) => l.startsWith('halo analyze: '));
    expect(lines.map((l) => l.replace(/^halo analyze: (\w+).*/, '$1'))).toEqual(['loaded', 'detectors', 'verified']);
    // No terminal control codes in a log file.
    expect(loud.stderr).not.toMatch(/\r|\x1b\[/);
  });

  it('--log on an offline run records its phases, and halo replay reads them', () => {
    const cwd = tmp('log');
    const r = halorun(cwd, ['analyze', traces, '--offline', '--log', 'run.jsonl', '--out', 'o', '--no-history']);
    expect(r.code).toBe(0);
    const phases = readFileSync(join(cwd, 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.state === 'end').map((e) => e.phase);
    expect(phases).toEqual(['load', 'detectors', 'verify', 'finalize', 'history', 'report']);
    const replay = halorun(cwd, ['replay', 'run.jsonl']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/^phase report: /m);
  });

  it('the config file accepts until: "latest"', () => {
    const cwd = tmp('until');
    mkdirSync(join(cwd, 'in'));
    writeFileSync(join(cwd, 'halo.config.json'), JSON.stringify({ inputs: [traces], window: '7d', until: 'latest', formats: ['json'] }));
    const r = halorun(cwd, ['analyze', '--out', 'o', '--no-history', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(findingsOf(join(cwd, 'o')).dataset.traces).toBeGreaterThan(0);
  });
});
