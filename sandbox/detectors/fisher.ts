// Fisher's exact test on a 2×2 table, one-sided: how likely a share of
// failures at least this high among the calls with a feature is, if failing
// had nothing to do with the feature (the hypergeometric tail). Exact sums in
// log space, so tables of thousands of calls neither overflow nor lose the tail.

const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * P(X ≥ a) where X is how many of the `a + b` calls with the feature fail,
 * given `a + c` failures among all `a + b + c + d` calls, drawn at random.
 * a: with the feature, failed; b: with it, worked; c: without, failed; d: without, worked.
 */
export function fisherGreater(a: number, b: number, c: number, d: number): number {
  for (const x of [a, b, c, d]) if (!Number.isInteger(x) || x < 0) throw new RangeError(`fisherGreater: counts must be non-negative integers, got ${a}, ${b}, ${c}, ${d}`);
  const n = a + b + c + d;
  const featured = a + b;
  const failed = a + c;
  const top = Math.min(featured, failed);
  const denom = logChoose(n, featured);
  let p = 0;
  for (let x = a; x <= top; x++) p += Math.exp(logChoose(failed, x) + logChoose(n - failed, featured - x) - denom);
  return Math.min(1, p);
}

/** P(X = x) for x in [lo, hi] of one table's hypergeometric, as an array from lo. */
function hypergeometric(featured: number, failed: number, n: number): { lo: number; probs: number[] } {
  const lo = Math.max(0, featured - (n - failed));
  const hi = Math.min(featured, failed);
  const denom = logChoose(n, featured);
  const probs: number[] = [];
  for (let x = lo; x <= hi; x++) probs.push(Math.exp(logChoose(failed, x) + logChoose(n - failed, featured - x) - denom));
  return { lo, probs };
}

/**
 * The same test stratified (each table one run): P(X ≥ Σa) where X sums,
 * over the tables, how many calls with the feature fail when each table's
 * failures fall at random among its own calls. A run whose calls all have
 * the feature, or none do, cannot tell the feature from the run and weighs
 * nothing. Exact, by convolving the tables' hypergeometric distributions.
 */
export function stratifiedGreater(tables: readonly (readonly [number, number, number, number])[]): number {
  let lo = 0;
  let dist = [1];
  let observed = 0;
  for (const [a, b, c, d] of tables) {
    for (const x of [a, b, c, d]) if (!Number.isInteger(x) || x < 0) throw new RangeError(`stratifiedGreater: counts must be non-negative integers, got ${a}, ${b}, ${c}, ${d}`);
    observed += a;
    const h = hypergeometric(a + b, a + c, a + b + c + d);
    const next = new Array<number>(dist.length + h.probs.length - 1).fill(0);
    for (let i = 0; i < dist.length; i++) for (let j = 0; j < h.probs.length; j++) next[i + j]! += dist[i]! * h.probs[j]!;
    dist = next;
    lo += h.lo;
  }
  let p = 0;
  for (let i = Math.max(0, observed - lo); i < dist.length; i++) p += dist[i]!;
  return Math.min(1, p);
}
