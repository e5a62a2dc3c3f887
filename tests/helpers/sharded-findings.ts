// Detectors run as a store runs them: the per-run step over shards of the
// window (each shard on its own copies of its runs, so no cache or object is
// shared with another shard), the observations serialized as they would be to
// be kept, then the global step over all of them in window order. Used by the
// two-step property tests.
import { deserialize, serialize } from 'node:v8';
import type { Trace } from '../../src/types.ts';
import type { FindingInput } from '../../src/findings/schema.ts';
import { detectFromObservations, observeRun, steps, type RunDetectorsOptions, type RunObservations } from '../../sandbox/detectors/index.ts';
import { summaryOf } from '../../sandbox/detectors/two-step.ts';

/** A small seeded generator, so a failing sharding can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shard of each run: random, by agent, by day, or one run per shard. */
export type Sharding = (t: Trace, i: number) => string;

export const shardings = {
  random: (seed: number, shards: number): Sharding => {
    const next = rng(seed);
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

export function shardedFindings(traces: Trace[], shardOf: Sharding, opts: Omit<RunDetectorsOptions, 'options'> = {}): FindingInput[] {
  const shards = new Map<string, number[]>();
  traces.forEach((t, i) => {
    const k = shardOf(t, i);
    const list = shards.get(k);
    if (list) list.push(i);
    else shards.set(k, [i]);
  });
  const observed: { i: number; r: RunObservations }[] = [];
  // Shards in reverse order of first appearance: the order shards finish in must not matter.
  for (const idx of [...shards.values()].reverse()) {
    const copies = structuredClone(idx.map((i) => traces[i]!));
    copies.forEach((t, j) => {
      const r = deserialize(serialize(observeRun(t))) as RunObservations;
      assertNoSpans(r.obs);
      observed.push({ i: idx[j]!, r });
    });
  }
  // The store hands observations back in window order (its run ordinal).
  observed.sort((a, b) => a.i - b.i);
  // No full traces: every detector runDetectors runs has its global step.
  return detectFromObservations(observed.map((o) => o.r), null, opts);
}

/** One detector's two steps over shards, as shardedFindings does for all (for a detector runDetectors leaves out, such as failedOutcomes). */
export function shardedDetector(name: string, traces: Trace[], shardOf: Sharding): FindingInput[] {
  const d = steps[name]!;
  const order = new Map(traces.map((t, i) => [t, i]));
  const observed: { i: number; run: ReturnType<typeof summaryOf>; obs: unknown }[] = [];
  const shards = new Map<string, Trace[]>();
  traces.forEach((t, i) => {
    const k = shardOf(t, i);
    (shards.get(k) ?? shards.set(k, []).get(k)!).push(t);
  });
  for (const list of [...shards.values()].reverse()) {
    const copies = structuredClone(list);
    copies.forEach((t, j) => observed.push({ i: order.get(list[j]!)!, run: summaryOf(t), obs: deserialize(serialize(d.perRun(t, {}))) }));
  }
  observed.sort((a, b) => a.i - b.i);
  return d.global(observed.map(({ run, obs }) => ({ run, obs })), {});
}
