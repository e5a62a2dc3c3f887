// Detectors in two steps (DESIGN.md §10): however the runs are split into
// shards for the per-run step, the global step over their observations gives
// the one-shot path's findings, whole (every field of every FindingInput, in
// order). The heavier variant over every real set is in the e2e group
// (detectors-two-step-real.test.ts).
import { describe, expect, it } from 'vitest';
import { load } from './helpers/real-findings.ts';
import { shardedFindings, shardings } from './helpers/sharded-findings.ts';
import { runDetectors, steps } from '../sandbox/detectors/index.ts';

describe('detectors: per-run step on shards + global step = one shot', () => {
  it('on the sample week, sharded at random and by day, folded and unfolded', async () => {
    const traces = await load(['samples/week']);
    const whole = runDetectors(traces, { keepExplainedErrors: true });
    expect(whole.length).toBeGreaterThan(20);
    expect(shardedFindings(traces, shardings.random(1, 7), { keepExplainedErrors: true })).toEqual(whole);
    expect(JSON.stringify(shardedFindings(traces, shardings.byDay()))).toBe(JSON.stringify(runDetectors(traces)));
  });

  it.each([
    ['whowhen-captainagent/runs', 11],
    ['trail-swe/traces', 12],
    ['tau2-airline-whissle', 13],
  ])('on real set %s, sharded at random and one run per shard', async (set, seed) => {
    const traces = await load([`tests/fixtures/real/${set}`]);
    const whole = JSON.stringify(runDetectors(traces, { keepExplainedErrors: true }));
    expect(JSON.stringify(shardedFindings(traces, shardings.random(seed, 3), { keepExplainedErrors: true }))).toBe(whole);
    expect(JSON.stringify(shardedFindings(traces, shardings.single(), { keepExplainedErrors: true }))).toBe(whole);
  });

  it('a detector that throws on one run is reported once, by name, as the one-shot path reports it', async () => {
    const traces = (await load(['samples/week'])).slice(0, 50);
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
});
