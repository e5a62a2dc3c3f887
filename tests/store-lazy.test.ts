// A re-run over a DuckDB store installs its window lazily (issue 21, step 2):
// the isolate holds the runs' kept summaries and reads a run's spans only
// when something touches them. Whatever reads them (the detectors' global
// steps over kept observations, verification of cited runs and predicates,
// `meta`, the outcomes), the findings file must be the memory path's, on the
// sample week and every real set. In the e2e group: three whole analyses per set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analyze.ts';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { REAL_SETS as SETS } from './helpers/real-sets.ts';

const root = new URL('..', import.meta.url).pathname;


let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-lazy-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const findingsFile = (dir: string) => {
  const f = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as Record<string, unknown>;
  delete f.run;
  return f;
};
const fingerprints = (f: Record<string, unknown>) => (f.findings as { fingerprint: string; prevalence: unknown }[]).map((x) => ({ fp: x.fingerprint, prevalence: x.prevalence }));

describe('a re-run over the DuckDB store installs its window lazily', () => {
  it.each(SETS.map((s, i) => [s, i] as const))('%s: the memory path’s findings', async (set, i) => {
    const files = [join(root, set)];
    const window = { window: '7d', until: 'latest' };
    const store = { backend: 'duckdb' as const, path: join(tmp, `s${i}`, 'store.duckdb') };
    const run = (name: string, withStore: boolean) =>
      analyze({ files, window, offline: true, out: join(tmp, `${i}-${name}`), formats: ['json'], env: {}, ...(withStore ? { store } : {}) });
    await run('mem', false);
    const first = await run('db1', true);
    const warm = await run('db2', true);
    // The first run assembles the window and keeps it; the re-run installs it from what was kept.
    expect(first.load.store?.lazy).toBe(false);
    expect(warm.load.store?.lazy).toBe(true);
    const mem = findingsFile(join(tmp, `${i}-mem`));
    expect(fingerprints(findingsFile(join(tmp, `${i}-db2`)))).toEqual(fingerprints(mem));
    // The whole file: `dataset` (meta), the outcomes, verification, evidence.
    expect(findingsFile(join(tmp, `${i}-db2`))).toEqual(mem);
  }, 300_000);
});

describe('lazy spans in the sandbox', () => {
  it('read on demand, the same as an assembled load, frozen, each getter bound to its own run', async () => {
    const files = [join(root, 'tests/fixtures/tau-bench')];
    const window = { window: '7d', until: 'latest' };
    const store = { backend: 'duckdb' as const, path: join(tmp, 'sandbox', 'store.duckdb') };
    const dump = (sb: ReturnType<typeof createSandbox>) => sb.evaluate('traces.map((t) => [t.traceId, t.spans.length, JSON.stringify(t.spans)])');
    // What reads every run (the report's totals, scan, load) must see what an assembled window holds.
    const whole = (sb: ReturnType<typeof createSandbox>) =>
      sb.evaluate('({ report: __halo.reportData([]).totals, scan: scan((t) => t.spans.length), load: load([traces[2].traceId, "nope", traces[0]]).map((t) => [t.traceId, JSON.stringify(t.spans), Object.isFrozen(t)]) })');
    const first = createSandbox({ files, window, store });
    let assembled: unknown;
    let read: unknown;
    try {
      expect((await first.load()).store?.lazy).toBe(false);
      assembled = await dump(first);
      read = await whole(first);
    } finally {
      await first.close();
    }
    const sb = createSandbox({ files, window, store });
    try {
      expect((await sb.load()).store?.lazy).toBe(true);
      // Summaries are frozen and carry the run's own fields without reading spans.
      expect(await sb.evaluate('Object.isFrozen(traces[0]) && typeof traces[0].startTime === "number" && Object.keys(traces[0]).includes("spans")')).toBe(true);
      expect(await whole(sb)).toEqual(read);
      expect(await dump(sb)).toEqual(assembled);
      // Spans are frozen evidence, as in an assembled load.
      expect(await sb.evaluate('(() => { try { traces[0].spans[0].name = "x"; } catch {} return Object.isFrozen(traces[0].spans) && traces[0].spans[0].name !== "x"; })()')).toBe(true);
      // The getter reads only its own run: re-bound to another object it still reads its run.
      expect(await sb.evaluate('Object.getOwnPropertyDescriptor(traces[1], "spans").get.call(traces[0]) === traces[1].spans')).toBe(true);
    } finally {
      await sb.close();
    }
  }, 120_000);
});
