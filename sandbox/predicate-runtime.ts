// Runs in a fresh context of the sandbox isolate, one context per predicate
// run (src/sandbox/pure-predicate.ts creates and drops it). A predicate is a
// function of the trace alone: here the globals of earlier cells, the sandbox
// API and the host channel do not exist, so it gives the same answer during
// the run, after it and in replay. Each trace is copied into this context's
// own objects before the predicate sees it, so nothing it touches leads back
// to the context where model cells run.
import { runPredicate } from '../src/findings/verify.ts';
import type { Trace } from '../src/types.ts';
import { compilePredicate } from './compile-predicate.ts';

/** A plain-data copy made of this context's objects (iterative: attribute trees can nest deeply). */
function copy(root: unknown): unknown {
  if (root === null || typeof root !== 'object') return root;
  const out: unknown = Array.isArray(root) ? [] : {};
  const stack: [unknown, Record<string, unknown>][] = [[root, out as Record<string, unknown>]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    for (const key of Object.keys(from as object)) {
      const v = (from as Record<string, unknown>)[key];
      if (v !== null && typeof v === 'object') {
        const c = Array.isArray(v) ? [] : {};
        to[key] = c;
        stack.push([v, c as Record<string, unknown>]);
      } else to[key] = v;
    }
  }
  return out;
}

/** One trace at a time, so the window is never held twice. */
function copies(view: readonly Trace[]): readonly Trace[] {
  return {
    length: view.length,
    *[Symbol.iterator]() {
      for (let i = 0; i < view.length; i++) yield Object.freeze(copy(view[i])) as Trace;
    },
  } as unknown as readonly Trace[];
}

(globalThis as Record<string, unknown>).__haloPredicate = (view: readonly Trace[], source: string): string => {
  const run = runPredicate(source, copies(view), compilePredicate);
  return JSON.stringify({ status: run.status, ...(run.error ? { error: run.error } : {}), matched: [...run.matched], threw: [...run.threw] });
};
