// A week of hundreds of thousands of runs streamed from the store (issue 21):
// the detectors' predicates are run over the window in pieces, each its own
// bounded evaluation, so verification never meets the engine's limit on one
// evaluation; the pieces must give what one pass gives, on the memory path and
// on a window assembled run by run from the store (streamAbove: 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { engineClient } from '../src/sandbox/rpc.ts';
import { verifyDetectedInPieces } from '../src/findings/verify-detected.ts';
import { PredicatePass, runPredicates } from '../src/findings/verify.ts';
import type { Trace } from '../src/types.ts';
import type { StoreSpec } from '../src/store/open.ts';

const root = new URL('..', import.meta.url).pathname;
const week = join(root, 'samples/week');
const window = { window: '7d', until: 'latest' };

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-pieces-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a predicate pass made in pieces', () => {
  // Plain functions over plain runs: what a detector's predicate sees, without the isolate.
  const compile = (source: string) => new Function(`return (${source});`)() as (t: Trace) => unknown;
  const runs = Array.from({ length: 97 }, (_, i) => ({ traceId: `r${i}`, spans: Array.from({ length: i % 5 }, () => ({})) }) as unknown as Trace);
  const sources = [
    '(t) => t.spans.length > 2',
    '(t) => { if (t.spans.length === 3) throw new Error("three " + t.traceId); return t.spans.length === 0; }',
    '(t) => { throw new Error("always"); }',
    '(t) => ',
    '(t) => Promise.resolve(true)',
  ];
  it('gives one pass’s runs whatever the pieces', () => {
    const whole = runPredicates(sources, runs, compile);
    for (const cuts of [[97], [1, 96], [10, 10, 10, 67], [50, 0, 47], Array.from({ length: 97 }, () => 1)]) {
      const pass = new PredicatePass(sources, compile);
      let at = 0;
      for (const n of cuts) {
        pass.over(runs.slice(at, at + n));
        at += n;
      }
      const made = pass.finish(runs.length);
      // Same sources, in the same order, each with the same status, error, matched ids and throws, in the same order.
      expect([...made.keys()]).toEqual([...whole.keys()]);
      for (const [p, r] of whole) {
        const m = made.get(p)!;
        expect(m.status).toBe(r.status);
        expect(m.error).toBe(r.error);
        expect([...m.matched]).toEqual([...r.matched]);
        expect([...m.threw]).toEqual([...r.threw]);
      }
    }
    expect(whole.get(sources[0]!)!.matched.size).toBeGreaterThan(0);
    expect(whole.get(sources[2]!)!.status).toBe('error');
    expect(whole.get(sources[3]!)!.error).toMatch(/does not compile/);
  });
});

describe('verifying the detectors’ findings in pieces', () => {
  const verifyWith = async (store: StoreSpec | undefined, pieces: { firstPiece: number } | null) => {
    const sb = createSandbox({ files: [week], window, ...(store ? { store } : {}) });
    try {
      const loaded = await sb.load();
      const engine = engineClient(sb);
      expect(await engine.runDetectors()).toBeGreaterThan(0);
      const seen: [number, number][] = [];
      const result = pieces === null ? await engine.verifyDetected() : await verifyDetectedInPieces(engine, { ...pieces, pieceMs: 0, onProgress: (c, t) => seen.push([c, t]) });
      return { result, seen, streamed: loaded.store?.streamed === true };
    } finally {
      await sb.close();
    }
  };

  it('gives one pass’s verification, in memory and over a window streamed from the store', async () => {
    const one = await verifyWith(undefined, null);
    const mem = await verifyWith(undefined, { firstPiece: 1 });
    const streamed = await verifyWith({ backend: 'duckdb', path: join(tmp, 'a', 'store.duckdb'), streamAbove: 0 }, { firstPiece: 7 });
    expect(streamed.streamed).toBe(true);
    expect(one.result.kept.length).toBeGreaterThan(10);
    expect(mem.result).toEqual(one.result);
    expect(streamed.result).toEqual(one.result);
    for (const { seen } of [mem, streamed]) {
      // Many bounded pieces, each further through the window than the last, none of them the whole window.
      expect(seen.length).toBeGreaterThan(10);
      const total = seen[0]![1];
      expect(seen.every(([c, t], i) => t === total && c < total && (i === 0 || c > seen[i - 1]![0]))).toBe(true);
    }
  }, 240_000);
});
