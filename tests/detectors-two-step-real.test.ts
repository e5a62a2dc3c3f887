// The two-step property (detectors-two-step.test.ts) on every real set and the
// sample week, under more shardings: at random with several seeds and shard
// counts, by agent, by day and one run per shard. In the e2e group: a minute
// of detector runs that npm test leaves to CI.
import { describe, expect, it } from 'vitest';
import { load } from './helpers/real-findings.ts';
import { shardedFindings, shardings } from './helpers/sharded-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { REAL_SETS as SETS } from './helpers/real-sets.ts';


describe('detectors in two steps, every real set', () => {
  it.each(SETS.map((s, i) => [s, i] as const))('%s: any sharding gives the one-shot findings', async (set, i) => {
    const traces = await load([set]);
    const whole = JSON.stringify(runDetectors(traces, { keepExplainedErrors: true }));
    const folded = JSON.stringify(runDetectors(traces));
    for (const shardOf of [shardings.random(100 + i, 2), shardings.random(200 + i, 5), shardings.byAgent(), shardings.byDay(), shardings.single()]) {
      expect(JSON.stringify(shardedFindings(traces, shardOf, { keepExplainedErrors: true }))).toBe(whole);
    }
    expect(JSON.stringify(shardedFindings(traces, shardings.random(300 + i, 4)))).toBe(folded);
  }, 180_000);
});
