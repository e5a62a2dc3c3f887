// Traces dated far outside the rest of the data: one agent host with a broken
// clock (year 3000, 1970) must not become "the latest trace" that
// `--until latest` anchors a window at, nor stretch every time axis.
import type { Trace } from '../types.ts';

const DAY = 86_400_000;
/** How far beyond the middle half of the data a start must be, at least. */
const MIN_FENCE = 30 * DAY;
/** Fences at this many times the spread of the middle half (inter-quartile range). */
const IQR_FACTOR = 10;
/** Below this many traces there is no "rest of the data" to compare with. */
const MIN_TRACES = 3;

/** The rule's constants, for a store that finds the same outliers in SQL (store/clickhouse.ts). */
export const OUTLIER_RULE = { minFenceMs: MIN_FENCE, iqrFactor: IQR_FACTOR, minTraces: MIN_TRACES } as const;

/** The traces whose start lies beyond max(10 × IQR, 30 days) of the middle half of all starts. */
export function findTimeOutliers<T extends Pick<Trace, 'startTime'>>(traces: readonly T[]): Set<T> {
  const out = new Set<T>();
  if (traces.length < MIN_TRACES) return out;
  const starts = traces.map((t) => t.startTime).filter(Number.isFinite).sort((a, b) => a - b);
  if (starts.length < MIN_TRACES) return out;
  const q1 = starts[Math.floor((starts.length - 1) * 0.25)]!;
  const q3 = starts[Math.floor((starts.length - 1) * 0.75)]!;
  const fence = Math.max(IQR_FACTOR * (q3 - q1), MIN_FENCE);
  for (const t of traces) if (t.startTime < q1 - fence || t.startTime > q3 + fence) out.add(t);
  return out;
}
