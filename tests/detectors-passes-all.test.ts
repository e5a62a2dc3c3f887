// Every detector's global step reads its runs in passes (two-step.ts
// RunPasses), so a window assembled run by run never hands one a week of
// runs as an array: each keeps only what it needs of a run (counts, the runs
// with something to say). Over runs copied afresh on every pass, as the
// child's spill hands them, the findings must be the array path's, whole; and
// argumentShapes, which keeps each call's shapes as numbers, reads a second
// time only the runs whose failed calls its findings cite.
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { load } from './helpers/real-findings.ts';
import { CONTEXT_ONLY, detectEach, detectFromObservations, observeRun, steps } from '../sandbox/detectors/index.ts';
import type { PassNeeds, RunObs, RunPasses } from '../sandbox/detectors/two-step.ts';

/** Runs read as the child's spill reads them: copied on every pass, only those asked for when a pass names them. */
function stored(runs: RunObs<unknown>[]): RunPasses<unknown> & { reads: number[] } {
  const kept = runs.map((r) => ({ run: serialize(r.run), obs: serialize(r.obs) }));
  const reads: number[] = [];
  return {
    length: kept.length,
    reads,
    forEach(fn, want: PassNeeds = {}) {
      let n = 0;
      kept.forEach((r, i) => {
        if (want.at && !want.at.has(i)) return;
        n++;
        fn({ run: deserialize(r.run), obs: deserialize(r.obs) }, i);
      });
      reads.push(n);
    },
  };
}

describe('global steps in passes', () => {
  it('no detector holds its runs as an array', () => {
    for (const [name, d] of Object.entries(steps)) if (!CONTEXT_ONLY.has(name)) expect(d.passes, name).toBe(true);
  });

  // Sets with findings of argumentShapes (toolbench-dfsdt, reflexion-hotpotqa-react), consistency (tau2), and most others.
  it.each(['tests/fixtures/real/toolbench-dfsdt', 'tests/fixtures/real/reflexion-hotpotqa-react', 'tests/fixtures/real/tau2-airline-whissle'])(
    '%s: findings read in passes are the array path’s, whole',
    async (path) => {
      const runs = (await load([path])).map((t) => observeRun(t));
      const whole = detectFromObservations(runs, null, { keepExplainedErrors: true });
      const sources = new Map<string, ReturnType<typeof stored>>();
      const passed = detectEach(
        (name) => {
          const s = stored(runs.map((r) => ({ run: r.run, obs: r.obs[name] })));
          sources.set(name, s);
          return s;
        },
        null,
        { keepExplainedErrors: true },
      );
      expect(JSON.stringify(passed)).toBe(JSON.stringify(whole));
      const shapes = whole.filter((f) => f.source === 'detector:argument-shapes');
      const reads = sources.get('argumentShapes')!.reads;
      if (shapes.length === 0) {
        expect(reads).toEqual([runs.length]);
      } else {
        // The second pass: the runs the findings cite a failed call of, and no other.
        const cited = new Set(shapes.flatMap((f) => (f.data!.occurrences as { traceId: string }[]).map((o) => o.traceId)));
        expect(reads).toEqual([runs.length, cited.size]);
        expect(cited.size).toBeLessThan(runs.length);
      }
    },
    180_000,
  );
});
