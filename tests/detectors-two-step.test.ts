// Detectors in two steps (DESIGN.md §10): however the runs are split into
// shards for the per-run step, the global step over their observations gives
// the one-shot path's findings, whole (every field of every FindingInput, in
// order). The heavier variant over every real set is in the e2e group
// (detectors-two-step-real.test.ts).
import { describe, expect, it } from 'vitest';
import { load } from './helpers/real-findings.ts';
import { shardedDetector, shardedFindings, shardings } from './helpers/sharded-findings.ts';
import { detect, runDetectors, steps } from '../sandbox/detectors/index.ts';
import { join } from '../sandbox/detectors/accumulate.ts';

// Loaded once: two tests read the sample week.
let week: ReturnType<typeof load> | undefined;
const sampleWeek = () => (week ??= load(['samples/week']));

describe('detectors: per-run step on shards + global step = one shot', () => {
  it('on the sample week, sharded at random', async () => {
    const traces = await sampleWeek();
    const whole = runDetectors(traces, { keepExplainedErrors: true });
    expect(whole.length).toBeGreaterThan(20);
    expect(JSON.stringify(shardedFindings(traces, shardings.random(1, 7), { keepExplainedErrors: true }))).toBe(JSON.stringify(whole));
  }, 180_000);

  it.each([
    ['whowhen-captainagent/runs', 11],
    ['tau2-airline-whissle', 13],
  ])('on real set %s, sharded at random, one run per shard and by agent', async (set, seed) => {
    const traces = await load([`tests/fixtures/real/${set}`]);
    const whole = JSON.stringify(runDetectors(traces, { keepExplainedErrors: true }));
    expect(JSON.stringify(shardedFindings(traces, shardings.random(seed, 3), { keepExplainedErrors: true }))).toBe(whole);
    expect(JSON.stringify(shardedFindings(traces, shardings.single(), { keepExplainedErrors: true }))).toBe(whole);
    // Folded as the analysis folds them (explained errors into their finding, provider capacity grouped).
    expect(JSON.stringify(shardedFindings(traces, shardings.byAgent()))).toBe(JSON.stringify(runDetectors(traces)));
    // failedOutcomes is context (runDetectors leaves it out) but has its two steps too.
    expect(JSON.stringify(shardedDetector('failedOutcomes', traces, shardings.random(seed, 3)))).toBe(JSON.stringify(detect.failedOutcomes!(traces)));
  }, 120_000);

  it('a detector that throws on one run is reported once, by name, as the one-shot path reports it', async () => {
    const traces = (await sampleWeek()).slice(0, 50);
    // A run whose spans are not a list breaks every detector that reads spans.
    const broken = [...traces.slice(0, 10), { ...traces[10]!, spans: null as never }, ...traces.slice(11)];
    const errors = (collect: string[]) => (name: string, e: unknown) => collect.push(`${name}: ${(e as Error).message}`);
    const one: string[] = [];
    const two: string[] = [];
    const a = runDetectors(broken, { onError: errors(one) });
    const b = shardedFindings(broken, shardings.random(5, 4), { onError: errors(two) });
    expect(one.length).toBeGreaterThan(0);
    expect(two).toEqual(one);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(() => shardedFindings(broken, shardings.single())).toThrow(/^detector \w+ failed: /);
    expect(Object.keys(steps).length).toBeGreaterThan(0);
  });

  it("joins runs' accumulators as one loop over both runs would have filled them", () => {
    const rules = { caps: { cited: 3 }, last: ['assigned'], every: ['recorded'] };
    const run1 = { n: 2, runs: new Set(['a']), by: new Map([['x', 1]]), mods: new Map([['m', new Set(['a'])]]), cited: [1, 2], first: 'one', assigned: 'one', recorded: true, flag: false, nested: { k: 1, example: 'e1' } };
    const run2 = { n: 3, runs: new Set(['b', 'a']), by: new Map([['y', 2], ['x', 4]]), mods: new Map([['m', new Set(['b'])], ['n', new Set(['b'])]]), cited: [3, 4], first: 'two', assigned: 'two', recorded: false, flag: true, nested: { k: 2, example: 'e2' }, later: 'only in two' };
    const joined = join(join(undefined, run1, rules), run2, rules);
    expect(joined).toEqual({ n: 5, runs: new Set(['a', 'b']), by: new Map([['x', 5], ['y', 2]]), mods: new Map([['m', new Set(['a', 'b'])], ['n', new Set(['b'])]]), cited: [1, 2, 3], first: 'one', assigned: 'two', recorded: false, flag: false, nested: { k: 3, example: 'e1' }, later: 'only in two' });
    // The runs' own accumulators are left as they were.
    expect(run1.n).toBe(2);
    expect([...run1.runs]).toEqual(['a']);
    expect(run1.cited).toEqual([1, 2]);
  });
});
