// Keys of a detector's per-run observation that its global step reads in only
// some of its passes (two-step.ts RunPasses): a window's observations held on
// disk (src/store/observation-spill.ts) keep them apart, so a pass that does
// not read them does not decode them. outliers: each run's calls per metric,
// most of its observation, read for the outlier runs and, when the text names
// a call, for the agent's other runs; the pass that finds the outlier runs
// reads only their numbers.
export const APART: Readonly<Record<string, string>> = { outliers: 'steps' };
