// Detectors run as a store runs them: the per-run step over shards of the
// window (each shard on its own copies of its runs, so no cache or object is
// shared with another shard), the observations serialized as they would be to
// be kept, then the global step over all of them in window order. Used by the
// two-step property tests.
import { deserialize, serialize } from 'node:v8';
import type { Trace } from '../../src/types.ts';
import type { FindingInput } from '../../src/findings/schema.ts';
import { detectFromObservations, observeRun, steps, type RunDetectorsOptions } from '../../sandbox/detectors/index.ts';
import { summaryOf } from '../../sandbox/detectors/two-step.ts';
import { prng } from '../../src/prng.ts';

/** Shard of each run: random, by agent, by day, or one run per shard. */
export type Sharding = (t: Trace, i: number) => string;

export const shardings = {
  random: (seed: number, shards: number): Sharding => {
    const next = prng(seed);
    return () => String(Math.floor(next() * shards));
  },
  byAgent: (): Sharding => (t) => String(t.agentName ?? t.agentId ?? t.service ?? ''),
  byDay: (): Sharding => (t) => String(Math.floor(t.startTime / 86_400_000)),
  single: (): Sharding => (_t, i) => String(i),
};

/** A span among the observations would mean a per-run step kept the run whole. */
function assertNoSpans(v: unknown, depth = 0): void {
  if (v === null || typeof v !== 'object' || depth > 12) return;
  if (!Array.isArray(v) && 'spanId' in v && 'startTime' in v && 'kind' in v) throw new Error(`a span in the observations: ${JSON.stringify(v).slice(0, 200)}`);
  for (const x of Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : v instanceof Set ? [...v] : Object.values(v)) assertNoSpans(x, depth + 1);
}

/** Run positions per shard, shards in reverse order of first appearance: the order shards finish in must not matter. */
function shardsOf(traces: Trace[], shardOf: Sharding): number[][] {
  const shards = new Map<string, number[]>();
  traces.forEach((t, i) => {
    const k = shardOf(t, i);
    const list = shards.get(k);
    if (list) list.push(i);
    else shards.set(k, [i]);
  });
  return [...shards.values()].reverse();
}

/** Each shard's runs copied (no cache or object shared between shards), observed, serialized and read back; then put in window order, as the store hands them back (its run ordinal). */
function observeSharded<O>(traces: Trace[], shardOf: Sharding, observe: (t: Trace) => O): O[] {
  const observed: { i: number; o: O }[] = [];
  for (const idx of shardsOf(traces, shardOf)) {
    const copies = structuredClone(idx.map((i) => traces[i]!));
    copies.forEach((t, j) => observed.push({ i: idx[j]!, o: deserialize(serialize(observe(t))) as O }));
  }
  return observed.sort((a, b) => a.i - b.i).map((x) => x.o);
}

export function shardedFindings(traces: Trace[], shardOf: Sharding, opts: Omit<RunDetectorsOptions, 'options'> = {}): FindingInput[] {
  const runs = observeSharded(traces, shardOf, (t) => observeRun(t));
  for (const r of runs) assertNoSpans(r.obs);
  // No full traces: every detector runDetectors runs has its global step.
  return detectFromObservations(runs, null, opts);
}

/** One detector's two steps over shards (for a detector runDetectors leaves out, such as failedOutcomes). */
export function shardedDetector(name: string, traces: Trace[], shardOf: Sharding): FindingInput[] {
  const d = steps[name]!;
  return d.global(observeSharded(traces, shardOf, (t) => ({ run: summaryOf(t), obs: d.perRun(t, {}) })), {});
}
