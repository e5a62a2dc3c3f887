// The statistics of window comparison, chosen for the data they meet: rates
// (Wilson intervals, Newcombe's interval for a difference, a two-proportion
// score test) and skewed positive quantities such as steps, tokens and latency
// (medians with distribution-free intervals, Mann-Whitney's rank test, a
// seeded bootstrap for the interval of a change in medians). Holm's step-down
// correction keeps the chance of any false alarm across the whole family of
// agents × tasks × metrics at alpha. Pure.
import { differenceInterval, wilson } from '../findings/impact.ts';
import { prng } from '../prng.ts';

/** FNV-1a of a row's name: each row's bootstrap draws its own stream, the same on every run. */
export { seedOf } from '../findings/audit.ts';

export { wilson, differenceInterval };

const Z95 = 1.959964;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const twoSided = (z: number) => Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));

/** Two-proportion score test (pooled), two-sided p. */
export function proportionTest(k1: number, n1: number, k2: number, n2: number): number {
  if (!n1 || !n2) return 1;
  const p = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  return twoSided((k2 / n2 - k1 / n1) / se);
}

/**
 * Mann-Whitney U test of x against y, normal approximation with the tie
 * correction and a continuity correction; two-sided p. Meant for samples of
 * at least 8 or so a side (the comparison does not test smaller groups).
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): { u: number; z: number; p: number } {
  const n1 = x.length;
  const n2 = y.length;
  if (!n1 || !n2) return { u: 0, z: 0, p: 1 };
  const all = [...x.map((v) => [v, 0] as const), ...y.map((v) => [v, 1] as const)].sort((a, b) => a[0] - b[0]);
  const n = all.length;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]![0] === all[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]![1] === 0) rankSumX += rank;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1 };
  const d = u - mean;
  const z = (d - Math.sign(d) * 0.5) / Math.sqrt(variance);
  return { u, z, p: twoSided(z) };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return medianSorted(s);
}

function medianSorted(s: readonly number[]): number {
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Median with its distribution-free 95% interval (order statistics around n/2, normal approximation to the binomial). */
export function medianInterval(values: readonly number[]): { value: number; low: number; high: number } {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return { value: NaN, low: NaN, high: NaN };
  const half = (Z95 * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return { value: medianSorted(s), low: s[lo]!, high: s[hi]! };
}

/** Value at quantile q (0..1) by linear interpolation. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const i = Math.floor(pos);
  return s[i]! + (s[Math.min(i + 1, s.length - 1)]! - s[i]!) * (pos - i);
}

/** k-th smallest (0-based), in place: the median of a resample without sorting it. */
function select(a: number[], k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function resampleMedian(values: readonly number[], rand: () => number, buf: number[]): number {
  const n = values.length;
  for (let i = 0; i < n; i++) buf[i] = values[Math.floor(rand() * n)]!;
  if (n % 2) return select(buf, (n - 1) / 2);
  const a = select(buf, n / 2 - 1);
  const b = select(buf, n / 2);
  return (a + b) / 2;
}

/**
 * Percentile bootstrap of median(y) − median(x): 95% interval, seeded so the
 * same windows give the same interval on every run.
 */
export function bootstrapMedianDifference(x: readonly number[], y: readonly number[], opts: { resamples?: number; seed?: number } = {}): { low: number; high: number } {
  const b = opts.resamples ?? 1000;
  const rand = prng(opts.seed ?? 0x5eed);
  const bx = new Array<number>(x.length);
  const by = new Array<number>(y.length);
  const diffs = new Array<number>(b);
  for (let i = 0; i < b; i++) diffs[i] = resampleMedian(y, rand, by) - resampleMedian(x, rand, bx);
  diffs.sort((p, q) => p - q);
  return { low: diffs[Math.floor(0.025 * (b - 1))]!, high: diffs[Math.ceil(0.975 * (b - 1))]! };
}

/** Holm's step-down adjusted p-values, in the input order. */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
