// `halo analyze --store duckdb` end to end through the real sandbox: the same
// findings file as the memory path, and a re-run that reads no bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analyze.ts';
import { halorun } from './helpers/cli.ts';

const root = new URL('..', import.meta.url).pathname;
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-analyze-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const withoutRun = (path: string) => {
  const f = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete f.run;
  return f;
};

describe('analyze with the DuckDB store', () => {
  it('writes the memory path’s findings, and a re-run reads nothing new', async () => {
    const files = [join(root, 'tests/fixtures/tau-bench')];
    const window = { window: '7d', until: 'latest' };
    const store = { backend: 'duckdb' as const, path: join(tmp, 'state', 'store.duckdb') };
    const mem = await analyze({ files, window, offline: true, out: join(tmp, 'mem'), formats: ['json'] });
    const first = await analyze({ files, window, offline: true, out: join(tmp, 'db1'), formats: ['json'], store });
    const second = await analyze({ files, window, offline: true, out: join(tmp, 'db2'), formats: ['json'], store });
    expect(existsSync(store.path)).toBe(true);
    expect(first.load.store?.bytesRead).toBeGreaterThan(0);
    expect(second.load.store).toMatchObject({ bytesRead: 0, read: 0, appended: 0, reread: 0 });
    // The first run kept every run's per-run detector observations; the re-run reads them back instead of observing again.
    expect(first.load.store).toMatchObject({ observed: first.load.traces, reused: 0 });
    expect(second.load.store).toMatchObject({ observed: 0, reused: first.load.traces });
    expect(mem.file.findings.length).toBeGreaterThan(0);
    const reference = withoutRun(join(tmp, 'mem', 'findings.json'));
    expect(withoutRun(join(tmp, 'db1', 'findings.json'))).toEqual(reference);
    expect(withoutRun(join(tmp, 'db2', 'findings.json'))).toEqual(reference);
    // A narrower window reuses the same runs' observations and still gives the memory path's findings for it.
    const day = { window: '1d', until: 'latest' };
    const memDay = await analyze({ files, window: day, offline: true, out: join(tmp, 'mem-1d'), formats: ['json'] });
    const dbDay = await analyze({ files, window: day, offline: true, out: join(tmp, 'db-1d'), formats: ['json'], store });
    expect(dbDay.load.store).toMatchObject({ observed: 0, reused: memDay.load.traces });
    expect(withoutRun(join(tmp, 'db-1d', 'findings.json'))).toEqual(withoutRun(join(tmp, 'mem-1d', 'findings.json')));
  }, 180_000);
});

describe('analyze with the DuckDB store, data arriving over runs', () => {
  it('a run that adds a file to stored ones, and one that appends to a file, give the memory path’s findings', async () => {
    const week = join(tmp, 'week');
    execFileSync(process.execPath, [join(root, 'samples/generate.mjs'), '--out', week, '--truth', 'none', '--traces', '80', '--seed', '3', '--quiet']);
    const names = readdirSync(week).sort();
    const input = join(tmp, 'arriving');
    mkdirSync(input);
    const window = { window: '7d', until: 'latest' };
    const store = { backend: 'duckdb' as const, path: join(tmp, 'arriving-state', 'store.duckdb') };
    const run = (name: string, withStore: boolean) =>
      analyze({ files: [input], window, offline: true, out: join(tmp, name), formats: ['json'], ...(withStore ? { store } : {}) });
    // Every file but the last is stored first; the last arrives with half its lines, then the rest.
    for (const n of names.slice(0, -1)) copyFileSync(join(week, n), join(input, n));
    await run('arr-1', true);
    const last = readFileSync(join(week, names.at(-1)!), 'utf8').split('\n').filter(Boolean);
    const half = Math.floor(last.length / 2);
    writeFileSync(join(input, names.at(-1)!), last.slice(0, half).map((l) => l + '\n').join(''));
    const added = await run('arr-2', true);
    expect(added.load.store).toMatchObject({ read: 1, unchanged: names.length - 1 });
    // New input: what was kept names other files, so every run is observed again.
    expect(added.load.store).toMatchObject({ reused: 0, observed: added.load.traces });
    await run('arr-2-mem', false);
    expect(withoutRun(join(tmp, 'arr-2', 'findings.json'))).toEqual(withoutRun(join(tmp, 'arr-2-mem', 'findings.json')));
    appendFileSync(join(input, names.at(-1)!), last.slice(half).map((l) => l + '\n').join(''));
    const appended = await run('arr-3', true);
    expect(appended.load.store).toMatchObject({ appended: 1, unchanged: names.length - 1 });
    await run('arr-3-mem', false);
    expect(withoutRun(join(tmp, 'arr-3', 'findings.json'))).toEqual(withoutRun(join(tmp, 'arr-3-mem', 'findings.json')));
  }, 300_000);
});

describe('halo store', () => {
  it('shows the files, days and runs `halo analyze --store duckdb` kept, and prunes by age', () => {
    const state = join(tmp, 'cli-state');
    const files = join(root, 'tests/fixtures/tau-bench');
    expect(halorun(tmp, ['store', '--state', state]).code).toBe(2);
    const run = halorun(tmp, ['analyze', files, '--offline', '--store', 'duckdb', '--state', state, '--out', join(tmp, 'cli-out'), '--format', 'json', '-q']);
    expect(run.code, run.stderr).toBe(0);
    const shown = halorun(tmp, ['store', '--state', state, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const info = JSON.parse(shown.stdout) as { runs: number; files: { path: string; bytesRead: number }[]; days: { runs: number }[] };
    expect(info.runs).toBeGreaterThan(0);
    expect(info.files.length).toBeGreaterThan(0);
    expect(info.days.reduce((n, d) => n + d.runs, 0)).toBe(info.runs);
    // The fixture's runs are dated years ago: keeping one day forgets all of them.
    const pruned = halorun(tmp, ['store', '--state', state, '--keep', '1d', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const after = JSON.parse(pruned.stdout) as { pruned: { runs: number }; runs: number; files: unknown[] };
    expect(after.pruned.runs).toBe(info.runs);
    expect(after.runs).toBe(0);
    expect(after.files.length).toBe(info.files.length);
    expect(halorun(tmp, ['store', '--state', state, '--keep', 'soon']).code).toBe(2);
  }, 180_000);
});
