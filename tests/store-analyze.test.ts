// `halo analyze --store duckdb` end to end through the real sandbox: the same
// findings file as the memory path, and a re-run that reads no bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analyze.ts';

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
