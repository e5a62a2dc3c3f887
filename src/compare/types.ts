// What one run contributes to a window comparison: a few numbers, computed in
// the isolate (sandbox/run-metrics.ts) and checked on the way out (schema.ts).
// The parent compares windows from these rows alone and never holds spans.

/** Per tool or model: calls, summed duration of the dated calls (ms), summed cost. */
export type CallTotals = [calls: number, ms: number | null, cost: number | null];

export interface RunMetric {
  id: string;
  agent: string;
  task: string | null;
  /** Run start, epoch ms (null when the source carries no timestamps). */
  start: number | null;
  /** The run's verdict: true passed, false failed, null carries none. */
  ok: boolean | null;
  steps: number;
  /** Null when no span of the run records tokens (or cost, or real times). */
  tokens: number | null;
  cost: number | null;
  ms: number | null;
  tools: Record<string, CallTotals>;
  models: Record<string, CallTotals>;
}
