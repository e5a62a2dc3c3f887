// The one duration grammar every option uses (--window, --since, --max-wall,
// schedule budgets): a number and a unit, parts may be chained (`1d12h`).
// Pure: it also runs inside the isolate bundle.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const BARE = /^\d+(?:\.\d+)?$/;

export const DURATION_HINT = 'a number and a unit (ms, s, m, h, d, w), e.g. 90s, 30m, 24h, 7d, 1d12h';

export interface DurationOptions {
  /** Unit of a bare number (`90` → 90 s with 's'); without it a bare number is not a duration. */
  bareUnit?: keyof typeof UNIT_MS;
}

/** Milliseconds, or undefined when `text` is not a duration in this grammar (zero counts as one). */
export function tryParseDuration(text: string | number, opts: DurationOptions = {}): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const s = String(text).trim().toLowerCase();
  if (opts.bareUnit && BARE.test(s)) return Math.round(Number(s) * UNIT_MS[opts.bareUnit]!);
  if (!DURATION.test(s)) return undefined;
  let ms = 0;
  for (const [, n, unit] of s.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return Math.round(ms);
}

export function isDuration(text: string): boolean {
  return tryParseDuration(text) !== undefined;
}
