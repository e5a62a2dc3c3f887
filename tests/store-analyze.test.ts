// `halo analyze --store duckdb` end to end through the real sandbox: the same
// findings file as the memory path, and a re-run that reads no bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    expect(mem.file.findings.length).toBeGreaterThan(0);
    const reference = withoutRun(join(tmp, 'mem', 'findings.json'));
    expect(withoutRun(join(tmp, 'db1', 'findings.json'))).toEqual(reference);
    expect(withoutRun(join(tmp, 'db2', 'findings.json'))).toEqual(reference);
  });
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
  });
});
