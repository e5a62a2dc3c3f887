// The shapes that cross a boundary in window comparison: run rows out of the
// isolate (model code shares it, so they are checked), and the comparison
// written into findings.json.
import { z } from 'zod';

const num = z.number().finite();
const nullableNum = num.nullable();
const CallTotals = z.tuple([z.number().int().nonnegative(), nullableNum, nullableNum]);

export const RunMetricSchema = z.object({
  id: z.string(),
  agent: z.string(),
  task: z.string().nullable(),
  start: nullableNum,
  ok: z.boolean().nullable(),
  steps: z.number().int().nonnegative(),
  tokens: nullableNum,
  cost: nullableNum,
  ms: nullableNum,
  tools: z.record(z.string(), CallTotals),
  models: z.record(z.string(), CallTotals),
});
export const RunMetricsSchema = z.array(RunMetricSchema);

export const METRICS = ['success', 'steps', 'tokens', 'cost', 'latency', 'toolLatency', 'modelLatency', 'modelCost'] as const;
export const MetricName = z.enum(METRICS);
export type MetricName = z.infer<typeof MetricName>;

/** One side of a comparison row: runs measured, the estimate (a rate or a median) and its 95% interval. */
export const Side = z.object({ n: z.number().int().nonnegative(), value: num, low: num, high: num, k: z.number().int().nonnegative().optional() });
export type Side = z.infer<typeof Side>;

export const Group = z.object({
  agent: z.string().optional(),
  task: z.string().optional(),
  tool: z.string().optional(),
  model: z.string().optional(),
});
export type Group = z.infer<typeof Group>;

export const ComparisonRow = z.object({
  group: Group,
  metric: MetricName,
  baseline: Side,
  current: Side,
  /** current − baseline: points of rate for success, else the difference of medians. */
  change: z.object({ value: num, low: num, high: num, relative: nullableNum }),
  method: z.string(),
  p: num,
  /** Holm-adjusted across every test of this comparison. */
  pAdjusted: num,
  /** 'worse' / 'better' when significant after correction and at least the minimum effect; else 'none'. */
  verdict: z.enum(['worse', 'better', 'none']),
});
export type ComparisonRow = z.infer<typeof ComparisonRow>;

export const Comparison = z.object({
  baseline: z.object({ label: z.string(), runs: z.number().int().nonnegative(), start: z.string().nullable(), end: z.string().nullable() }),
  current: z.object({ label: z.string(), runs: z.number().int().nonnegative(), start: z.string().nullable(), end: z.string().nullable() }),
  alpha: num,
  minEffect: num,
  minRuns: z.number().int().positive(),
  /** Hypotheses tested (the family Holm's correction runs over). */
  tests: z.number().int().nonnegative(),
  rows: z.array(ComparisonRow),
  /** Groups and metrics that had too few runs (or nothing recorded) to test, for the reader. */
  untested: z.array(z.object({ group: Group, metric: MetricName, reason: z.string() })).max(200),
  notes: z.array(z.string()),
});
export type Comparison = z.infer<typeof Comparison>;
