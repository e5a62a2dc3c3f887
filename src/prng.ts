// One seeded generator for everything that must draw the same way on every
// run and platform: the audit's sample of matched traces, randomized tests,
// the benchmarks' synthetic data. Pure (no Node imports).

/** mulberry32: small, seeded, the same on every platform; floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
