// sql() in the sandbox: served by the sandbox child from the DuckDB store,
// read-only, over the analyzed window (window_runs, window_spans) or the whole
// store (runs, spans); writes, files and a second statement are refused, rows
// are capped, and without a store it says how to get one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';

const MEDIUM = 'tests/fixtures/halo/medium_traces.jsonl';
const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';

let tmp: string;
let sb: Sandbox;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-sql-'));
  const store = { backend: 'duckdb' as const, path: join(tmp, 'store.duckdb') };
  // The store holds both files; this run analyzes one of them.
  const first = createSandbox({ files: [MEDIUM, TINY], store });
  await first.load();
  await first.close();
  sb = createSandbox({ files: [MEDIUM], store });
  await sb.load();
}, 120_000);
afterAll(async () => {
  await sb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('sql() in the sandbox', () => {
  it('answers SELECTs over the window and over the whole store', async () => {
    const r = await sb.run(`
      const w = await sql('SELECT count(*) AS runs, sum(spans) AS spans FROM window_runs');
      const all = await sql('SELECT count(*) AS runs FROM runs');
      const kinds = await sql("SELECT kind, count(*) AS n FROM window_spans WHERE part = 'span' GROUP BY kind ORDER BY n DESC");
      ({ w, all: all.rows[0][0], spans: traces.reduce((n, t) => n + t.spans.length, 0), n: traces.length, kinds: kinds.columns })`);
    expect(r.error).toBeUndefined();
    const v = r.value as { w: { columns: string[]; rows: number[][] }; all: number; spans: number; n: number; kinds: string[] };
    expect(v.w.columns).toEqual(['runs', 'spans']);
    expect(Number(v.w.rows[0]![0])).toBe(v.n);
    expect(Number(v.w.rows[0]![1])).toBe(v.spans);
    expect(Number(v.all)).toBeGreaterThan(v.n);
    expect(v.kinds).toEqual(['kind', 'n']);
  });

  it('caps rows and says so', async () => {
    const r = await sb.run(`await sql('SELECT * FROM window_spans', { maxRows: 3 })`);
    const v = r.value as { rows: unknown[]; truncated: boolean; note: string };
    expect(v.rows).toHaveLength(3);
    expect(v.truncated).toBe(true);
    expect(v.note).toMatch(/maxRows 3/);
  });

  it('refuses writes, a second statement, files and settings', async () => {
    const errorOf = async (query: string) => (await sb.run(`await sql(${JSON.stringify(query)})`)).error?.message ?? '';
    expect(await errorOf('DELETE FROM spans')).toMatch(/only SELECT/);
    expect(await errorOf('SELECT 1; SELECT 2')).toMatch(/one statement/);
    expect(await errorOf(`SELECT * FROM read_csv('${join(tmp, 'x.csv')}')`)).toMatch(/disabled|permission|external/i);
    expect(await errorOf("SET enable_external_access = true")).toMatch(/only SELECT|configuration|locked/i);
    expect(await errorOf("ATTACH '/tmp/other.duckdb'")).toMatch(/only SELECT|read-only|disabled/i);
    const bad = await sb.run('await sql(42)');
    expect(bad.error?.message).toMatch(/sql\(query/);
  });

  it('without a store, says how to get one', async () => {
    const plain = createSandbox({ files: [TINY] });
    try {
      await plain.load();
      const r = await plain.run(`await sql('SELECT 1')`);
      expect(r.error?.message).toMatch(/--store duckdb/);
    } finally {
      await plain.close();
    }
  });
});
