// Joining one run's accumulator into the window's, for detectors whose
// per-run step fills the same accumulator the one-window loop filled (a
// group of counts, sets and maps): what that loop would hold had it gone on
// into the next run. Generic over the accumulator's fields, so a counter or
// set added to a rule later joins without a change here:
//   numbers add; sets join in order; maps join key by key (their values
//   joined the same way); arrays append up to `caps` (the loop's own limits:
//   it stopped adding there); strings and other values keep the first run's,
//   except the fields in `last` (assigned, not kept, by the loop) and `every`
//   (booleans that hold only while every run's holds).
// The window's accumulator is built fresh, so the runs' own stay as they were.

export interface JoinRules {
  caps?: Record<string, number>;
  last?: string[];
  every?: string[];
}

type Bag = Record<string, unknown>;

export function join<T extends object>(into: T | undefined, from: T, rules: JoinRules): T {
  const out = (into ?? {}) as Bag;
  for (const [k, v] of Object.entries(from as Bag)) out[k] = joinValue(k, out[k], v, rules);
  return out as T;
}

function joinValue(key: string, a: unknown, b: unknown, rules: JoinRules): unknown {
  if (typeof b === 'number') return typeof a === 'number' ? a + b : b;
  if (typeof b === 'boolean') return rules.every?.includes(key) ? (a === undefined ? b : a === true && b) : (a ?? b);
  if (b instanceof Set) {
    const s = a instanceof Set ? a : new Set();
    for (const x of b) s.add(x);
    return s;
  }
  if (b instanceof Map) {
    const m = a instanceof Map ? a : new Map();
    for (const [k, v] of b) m.set(k, joinValue(key, m.get(k), v, rules));
    return m;
  }
  if (Array.isArray(b)) {
    const list = Array.isArray(a) ? a : [];
    const cap = rules.caps?.[key] ?? Infinity;
    for (const x of b) if (list.length < cap) list.push(x);
    return list;
  }
  if (b !== null && typeof b === 'object') return join(a as Bag | undefined, b as Bag, rules);
  if (rules.last?.includes(key)) return b === undefined ? a : b;
  return a ?? b;
}
