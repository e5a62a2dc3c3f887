// Turns predicate source into a function with the Function constructor of the
// realm this module runs in. Which realm that is decides what the predicate
// can see: the engine's own detector predicates compile in the main context;
// model predicates only ever in a fresh one (predicate-runtime.ts).
import type { Trace } from '../src/types.ts';

export function compilePredicate(source: string): (t: Trace) => unknown {
  const fn = new Function(`"use strict"; return (${source}\n);`)();
  if (typeof fn !== 'function') throw new TypeError('predicate must be a function expression: (trace) => boolean');
  return fn as (t: Trace) => unknown;
}
