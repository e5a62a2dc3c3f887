// A global step that reads its runs in passes (two-step.ts `RunPasses`), as a
// window assembled run by run hands them over: each pass reads the stored
// observations again, so every run is a new object on every pass and nothing
// is held between passes unless the step keeps it. The outliers step reads so
// (its observations list every call of every run: a week of hundreds of
// thousands of runs cannot hand it an array). Its findings must be the array
// path's, whole, including the text that names a call and what that call
// typically takes in the agent's other runs (read in a later pass).
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { load } from './helpers/real-findings.ts';
import { detectEach, detectFromObservations, observeRun, steps } from '../sandbox/detectors/index.ts';
import type { RunObs, RunPasses } from '../sandbox/detectors/two-step.ts';
import type { Trace } from '../src/types.ts';

/** Runs read as the child's spill reads them: copied from their serialized form on every pass, passes counted. */
function stored(runs: RunObs<unknown>[]): RunPasses<unknown> & { passes: number } {
  const kept = runs.map((r) => ({ run: serialize(r.run), obs: serialize(r.obs) }));
  return {
    length: kept.length,
    passes: 0,
    forEach(fn) {
      this.passes++;
      kept.forEach((r, i) => fn({ run: deserialize(r.run), obs: deserialize(r.obs) }, i));
    },
  };
}

function observe(traces: Trace[]) {
  return traces.map((t) => observeRun(t));
}

describe('global steps over runs read in passes', () => {
  it.each([
    // The sample week's outliers name one call that dominates the runs; dacode-opendevin's name the few largest calls
    // with what their tools typically take elsewhere: both are told from the agent's other runs in a later pass.
    ['samples/week', /mostly one `/],
    ['tests/fixtures/real/dacode-opendevin/logs', /Typical in the agent's other runs/],
  ])('%s: every detector’s findings are the array path’s, whole', async (path, told) => {
    const runs = observe(await load([path]));
    const whole = detectFromObservations(runs, null, { keepExplainedErrors: true });
    const read: Record<string, number> = {};
    const passed = detectEach(
      (name) => {
        const source = stored(runs.map((r) => ({ run: r.run, obs: r.obs[name] })));
        return {
          length: source.length,
          forEach: (fn: Parameters<typeof source.forEach>[0]) => {
            read[name] = (read[name] ?? 0) + 1;
            source.forEach(fn);
          },
        };
      },
      null,
      { keepExplainedErrors: true },
    );
    expect(JSON.stringify(passed)).toBe(JSON.stringify(whole));
    const outliers = whole.filter((f) => / outliers \(up to /.test(f.title));
    expect(outliers.some((f) => told.test(JSON.stringify(f)))).toBe(true);
    // Outliers: the runs' numbers, the outlier runs, the other runs' calls of the labels named; every other detector, once.
    expect(read.outliers).toBe(3);
    for (const [name, n] of Object.entries(read)) if (name !== 'outliers') expect(n, name).toBe(1);
  }, 180_000);

  it('outliers reads two passes when no call is named, and one when no run passes a fence', async () => {
    const runs = observe(await load(['tests/fixtures/real/tau2-airline-whissle']));
    const obs = runs.map((r) => ({ run: r.run, obs: r.obs.outliers }));
    const array = steps.outliers!.global(obs, {});
    const source = stored(obs);
    expect(JSON.stringify(steps.outliers!.global(source as never, {}))).toBe(JSON.stringify(array));
    const named = array.some((f) => / calls\?, |mostly one `/.test(JSON.stringify(f)));
    expect(source.passes).toBe(array.length === 0 ? 1 : named ? 3 : 2);
    // Fences too high for any run: the runs are read once.
    const none = stored(obs);
    expect(steps.outliers!.global(none as never, { k: 1e6 })).toEqual([]);
    expect(none.passes).toBe(1);
  }, 120_000);
});
