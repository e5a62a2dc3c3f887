// A re-run over a DuckDB store installs its window lazily (issue 21, step 2):
// the isolate holds the runs' kept summaries and reads a run's spans only
// when something touches them. Whatever reads them (the detectors' global
// steps over kept observations, verification of cited runs and predicates,
// `meta`, the outcomes), the findings file must be the memory path's, on the
// sample week and every real set. In the e2e group: three whole analyses per set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analyze.ts';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { engineClient } from '../src/sandbox/rpc.ts';
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
  it('read on demand, the same as an assembled load, frozen, the getter reading only runs of the window', async () => {
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
      // One getter shared by the runs (a getter of its own per run costs each run about 0.9 KB): it reads the run it is
      // called on, and refuses what carries no position in this window.
      expect(await sb.evaluate('Object.getOwnPropertyDescriptor(traces[1], "spans").get.call(traces[0]) === traces[0].spans')).toBe(true);
      expect(
        await sb.evaluate(`(() => {
          const get = Object.getOwnPropertyDescriptor(traces[1], "spans").get;
          const [at] = Object.getOwnPropertySymbols(traces[1]);
          const tries = [{}, null, 7, { [at]: 1e9 }, { [at]: -1 }, { [at]: "1" }];
          return tries.map((t) => { try { get.call(t); return "read"; } catch (e) { return e instanceof TypeError ? "refused" : "other"; } });
        })()`),
      ).toEqual(['refused', 'refused', 'refused', 'refused', 'refused', 'refused']);
      // The position is neither enumerated nor serialized: a run's keys are an assembled trace's.
      expect(await sb.evaluate('JSON.stringify(Object.keys(traces[0])) === JSON.stringify(Object.keys({ ...traces[0] }))')).toBe(true);
    } finally {
      await sb.close();
    }
  }, 120_000);
});

describe('the detectors’ findings kept with a stored window', () => {
  it('a re-run gets them and their verification back; without them it runs the global steps over kept observations, then over the store’s', async () => {
    const files = [join(root, 'tests/fixtures/tau-bench')];
    const window = { window: '7d', until: 'latest' };
    const store = { backend: 'duckdb' as const, path: join(tmp, 'detection', 'store.duckdb') };
    const detectAndVerify = async () => {
      const sb = createSandbox({ files, window, store });
      try {
        const load = await sb.load();
        const engine = engineClient(sb);
        const found = await engine.runDetectors();
        const errors = await engine.detectorErrors();
        const verified = await engine.verifyDetected();
        // What compare, signals and --repo read of every run.
        const views = { metrics: await engine.runMetrics(), index: await engine.runIndex(), prompts: await engine.systemPrompts() };
        return { load, found, errors, verified, views };
      } finally {
        await sb.close();
      }
    };
    const first = await detectAndVerify();
    expect(first.load.store?.lazy).toBe(false);
    expect(first.found).toBeGreaterThan(0);
    // The window's small file, and its runs' observations beside it.
    const gen = join(`${store.path}.assembled`, readdirSync(`${store.path}.assembled`)[0]!, 'windows');
    const windowFile = join(gen, readdirSync(gen).find((n) => /^[0-9a-f]+\.bin$/.test(n))!);
    const obsFile = windowFile.replace(/\.bin$/, '.obs.bin');
    const kept = deserialize(readFileSync(windowFile)) as { detection?: { found: string; errors: string[]; verified: string }; views?: Record<string, string> };
    expect(kept.detection).toBeDefined();
    expect(JSON.parse(kept.detection!.verified)).toEqual(first.verified);
    expect(Object.keys(kept.views ?? {}).sort()).toEqual(['runIndex', 'runMetrics', 'systemPrompts']);
    expect(first.views.metrics.length).toBe(first.load.traces);
    expect(existsSync(obsFile)).toBe(true);

    const warm = await detectAndVerify();
    expect(warm.load.store).toMatchObject({ lazy: true, observed: 0, reused: first.load.traces });
    expect(warm.found).toBe(first.found);
    expect(warm.errors).toEqual(first.errors);
    expect(warm.verified).toEqual(first.verified);
    expect(warm.views).toEqual(first.views);

    // What the re-run returns is what was kept: it does not run the steps again.
    const marked = JSON.parse(kept.detection!.verified) as { kept: { title: string }[] };
    marked.kept[0]!.title = 'kept, not recomputed';
    const metrics = JSON.parse(kept.views!.runMetrics!) as { id: string }[];
    metrics[0]!.id = 'kept, not recomputed';
    writeFileSync(windowFile, serialize({ ...kept, detection: { ...kept.detection!, verified: JSON.stringify(marked) }, views: { ...kept.views, runMetrics: JSON.stringify(metrics) } }));
    const fromKept = await detectAndVerify();
    expect(fromKept.verified.kept[0]!.title).toBe('kept, not recomputed');
    expect(fromKept.views.metrics[0]!.id).toBe('kept, not recomputed');

    // Without them: the global steps run over the observations kept beside the window…
    const { detection: _, views: __, ...withoutDetection } = kept;
    writeFileSync(windowFile, serialize(withoutDetection));
    const fromObservations = await detectAndVerify();
    expect(fromObservations.load.store).toMatchObject({ lazy: true, observed: 0, reused: first.load.traces });
    expect(fromObservations.verified).toEqual(first.verified);
    expect(fromObservations.views).toEqual(first.views);
    // …or, without those either, over the store's own per-run observations.
    writeFileSync(windowFile, serialize(withoutDetection));
    rmSync(obsFile);
    const fromStore = await detectAndVerify();
    expect(fromStore.load.store).toMatchObject({ lazy: true, observed: 0, reused: first.load.traces });
    expect(fromStore.verified).toEqual(first.verified);
  }, 120_000);
});
