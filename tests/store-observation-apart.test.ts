// A detector's key kept apart in the child's spill (sandbox/detectors/apart.ts):
// the outliers step's first pass over a week reads each run's numbers, not its
// calls, and its second reads only the outlier runs. Read whole, a batch must
// come back as it went in (key order too); read without the key, the key is
// there but undefined; read at positions, only those runs, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObservationSpill } from '../src/store/observation-spill.ts';
import { APART } from '../sandbox/detectors/apart.ts';
import { outlierSteps } from '../sandbox/detectors/outliers.ts';
import { load } from './helpers/real-findings.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-obs-apart-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a key kept apart in the observation spill', () => {
  it('reads batches whole, without the key, or at positions', async () => {
    const traces = (await load(['tests/fixtures/real/tau2-airline-whissle'])).slice(0, 40);
    const obs = traces.map((t) => outlierSteps.perRun(t, {}) as unknown as Record<string, unknown>);
    // The key the outliers step keeps apart is its observation's.
    expect(Object.keys(obs[0]!)).toContain(APART.outliers);
    const batches = [obs.slice(0, 15), obs.slice(15, 16), obs.slice(16)];
    const spill = new ObservationSpill(join(tmp, 'a'), APART);
    // A run without outliers observations (its per-run step threw) and another detector beside it.
    for (const b of batches) spill.append(b.map((o, i) => ({ obs: i === 3 ? { retries: { n: i } } : { outliers: o, retries: { n: i } } })));
    const expected = batches.map((b) => b.map((o, i) => (i === 3 ? undefined : o)));
    for (let b = 0; b < batches.length; b++) {
      expect(JSON.stringify(spill.read('outliers', b))).toBe(JSON.stringify(expected[b]));
      expect(spill.read('outliers', b)).toEqual(expected[b]);
      const heads = spill.read('outliers', b, { apart: false });
      expect(heads.map((h) => (h === undefined ? h : Object.keys(h as object)))).toEqual(expected[b]!.map((o) => (o === undefined ? o : Object.keys(o))));
      expect(heads.map((h) => (h as Record<string, unknown> | undefined)?.[APART.outliers!])).toEqual(expected[b]!.map(() => undefined));
      expect(heads.map((h) => (h as Record<string, unknown> | undefined)?.values)).toEqual(expected[b]!.map((o) => o?.values));
      if (batches[b]!.length > 2) expect(spill.read('retries', b, { at: [2, 0] })).toEqual([{ n: 2 }, { n: 0 }]);
    }
    expect(spill.read('outliers', 2, { at: [4, 1] })).toEqual([expected[2]![4], expected[2]![1]]);
    spill.close();
  });
});
