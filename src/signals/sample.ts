// Which runs a signal judges. Each run gets a position in [0, 1) from a hash
// of the signal's name and the run id, so the same runs are chosen on every
// run and machine, a run's membership never depends on the other runs in the
// window (an overlapping window chooses the same runs it shares), and a
// larger share or count is a superset of a smaller one.
import { createHash } from 'node:crypto';
import type { SampleSpec } from './spec.ts';

/** The run's position for this signal: 48 bits of SHA-256, as a float in [0, 1). */
export function samplePosition(signal: string, runId: string): number {
  const h = createHash('sha256').update(signal).update('\u0000').update(runId).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/** The sampled runs, lowest position first (ties by id, so the order is total). */
export function selectSample(runIds: readonly string[], signal: string, sample: SampleSpec): string[] {
  const ranked = [...new Set(runIds)].map((id) => ({ id, p: samplePosition(signal, id) })).sort((a, b) => a.p - b.p || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const chosen = 'count' in sample ? ranked.slice(0, sample.count) : ranked.filter((r) => r.p < sample.rate);
  return chosen.map((r) => r.id);
}

/** The `n` most recent runs (newest first); runs without a clock come after every dated one, by id. */
export function recentRuns(runs: ReadonlyArray<{ traceId: string; startTime: number | null }>, n: number): string[] {
  return [...runs]
    .sort((a, b) => (b.startTime ?? -Infinity) - (a.startTime ?? -Infinity) || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0))
    .slice(0, n)
    .map((r) => r.traceId);
}
