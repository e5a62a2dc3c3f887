// A first run over the DuckDB store keeps each run's summary and where its
// records' lines are, not its spans; a re-run that installs the window lazily
// assembles a run again from those lines when its spans are touched. Every
// run's spans must then be what the first run's assembly of the whole window
// gave (values, key order, undefined fields), on the sample week and every
// real set. In the e2e group: two sandbox loads per set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { REAL_SETS as SETS } from './helpers/real-sets.ts';

const root = new URL('..', import.meta.url).pathname;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-rebuilt-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// JSON keeps key order; undefined and non-finite numbers are marked so they cannot pass for missing or null.
const DUMP = `traces.map((t) => [t.traceId, JSON.stringify(t.spans, (k, v) => v === undefined ? '\\u0000undefined' : typeof v === 'number' && !Number.isFinite(v) ? '\\u0000' + String(v) : v)])`;

describe('spans assembled again from a kept run’s stored lines', () => {
  it.each(SETS.map((s, i) => [s, i] as const))('%s: every run’s spans are the first run’s', async (set, i) => {
    const files = [join(root, set)];
    const window = { window: '7d', until: 'latest' };
    const store = { backend: 'duckdb' as const, path: join(tmp, `s${i}`, 'store.duckdb') };
    const dump = async (lazy: boolean) => {
      const sb = createSandbox({ files, window, store });
      try {
        expect((await sb.load()).store?.lazy).toBe(lazy);
        return (await sb.evaluate(DUMP)) as [string, string][];
      } finally {
        await sb.close();
      }
    };
    const assembled = await dump(false);
    const rebuilt = await dump(true);
    expect(rebuilt.length).toBe(assembled.length);
    expect(rebuilt).toEqual(assembled);
    // On the sample week (a record holds spans of a few runs at most) the spans were not kept, only where
    // their lines are. Sets whose files are one record of many runs keep the spans: each run assembled
    // again would normalize the whole file again.
    if (set === 'samples/week') {
      const gen = join(`${store.path}.assembled`, readdirSync(`${store.path}.assembled`)[0]!);
      const spanChars = assembled.reduce((n, [, json]) => n + json.length, 0);
      expect(statSync(join(gen, 'spans.bin')).size).toBeLessThan(spanChars / 20);
    }
  }, 300_000);
});
