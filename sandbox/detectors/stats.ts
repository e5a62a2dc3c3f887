// Robust statistics for outlier detection. Median and MAD resist the very
// outliers we are looking for, unlike mean and standard deviation.

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation, scaled (×1.4826) to match σ for normal data. */
export function scaledMad(values: readonly number[], center: number): number {
  const dev = values.map((v) => Math.abs(v - center)).sort((a, b) => a - b);
  return 1.4826 * median(dev);
}

export interface UpperFence {
  /** Values strictly above this are outliers (linear scale). */
  cutoff: number;
  median: number;
  sample: number;
}

/**
 * Upper outlier fence on a log scale: exp(median + k·MAD) of log(values).
 * Costs and latencies are right-skewed, so a log scale makes "k spreads above
 * typical" mean "k times more than typical" rather than a fixed amount.
 * Returns null when the sample is too small or has no spread to judge against.
 */
export function upperFence(values: readonly number[], opts: { k?: number; minSample?: number; minRatio?: number } = {}): UpperFence | null {
  const k = opts.k ?? 3.5;
  const minSample = opts.minSample ?? 20;
  const minRatio = opts.minRatio ?? 1.5;
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length < minSample) return null;
  const logs = positive.map(Math.log).sort((a, b) => a - b);
  const center = median(logs);
  let spread = scaledMad(logs, center);
  if (spread === 0) {
    // Over half the values are identical; fall back to the mean absolute
    // deviation (×1.2533 ≈ σ for normal data) so a few large ones still stand out.
    spread = (1.2533 * logs.reduce((s, v) => s + Math.abs(v - center), 0)) / logs.length;
  }
  if (spread === 0) return null;
  // A fence closer than minRatio× the median would flag ordinary variation in tight data.
  const cutoff = Math.exp(Math.max(center + k * spread, center + Math.log(minRatio)));
  return { cutoff, median: Math.exp(center), sample: positive.length };
}
