// A window assembled run by run from the store hands its runs' detector
// observations to the child, which holds them on disk per detector
// (ObservationSpill) until the global steps read them, one detector at a
// time: each batch must come back as it went in, with an entry for every run
// (undefined where a run has none for that detector), and nothing may be left
// in the store's directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObservationSpill } from '../src/store/observation-spill.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-obs-spill-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('observations held on disk per detector', () => {
  it('reads each detector’s batch back as it was, one entry a run', () => {
    const dir = join(tmp, 'a');
    const spill = new ObservationSpill(dir);
    const batches = [
      [
        { obs: { retries: { calls: [['search', 3]], ok: false }, outliers: { steps: 4, cost: Number.NaN } } },
        { obs: { retries: { calls: [] }, outliers: { steps: 9, at: new Map([['x', new Set([1, 2])]]) } } },
      ],
      // A detector that threw on every run of a batch has no entry there.
      [{ obs: { outliers: { steps: 1, note: undefined } } }],
      [],
      [{ obs: { retries: { calls: [['é', 1]] }, outliers: { steps: 2 }, late: 'only here' } }, { obs: { retries: null, outliers: { steps: 0 } } }],
    ];
    for (const b of batches) spill.append(b);
    expect(spill.batches).toBe(4);
    expect(spill.runs).toBe(5);
    // Unnamed while open (Linux): a killed process leaves nothing behind.
    if (process.platform === 'linux') expect(readdirSync(dir)).toEqual([]);
    for (const name of ['retries', 'outliers', 'late', 'unknown']) {
      const all: unknown[] = [];
      for (let b = 0; b < spill.batches; b++) {
        const got = spill.read(name, b);
        expect(got.length).toBe(batches[b]!.length);
        for (const v of got) all.push(v);
      }
      expect(all).toEqual(batches.flat().map((o) => (o.obs as Record<string, unknown>)[name]));
    }
    expect(spill.read('outliers', 1)[0]).toHaveProperty('note', undefined);
    expect(() => spill.read('retries', 4)).toThrow(/no such batch/);
    spill.close();
    expect(() => spill.read('retries', 0)).toThrow(/closed/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
