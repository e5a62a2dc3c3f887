// Child side of pure predicates: each run gets a fresh context of the isolate,
// with the predicate runtime and nothing else, and the engine's frozen view of
// the window passed in by reference. Model cells run in another context, so
// state they left behind (a global filled with hand-picked ids) cannot reach
// the predicate. The result is plain JSON for the engine to keep.
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import { distPath } from '../paths.ts';

const scripts = new WeakMap<ivm.Isolate, ivm.Script>();

async function runtimeScript(isolate: ivm.Isolate): Promise<ivm.Script> {
  let s = scripts.get(isolate);
  if (!s) {
    s = await isolate.compileScript(readFileSync(distPath('predicate-runtime.js'), 'utf8'), { filename: 'halo-predicate.js' });
    scripts.set(isolate, s);
  }
  return s;
}

/** Runs `source` over the traces behind `view` in a context of its own; JSON of { status, error?, matched, threw }. */
export async function runPurePredicate(isolate: ivm.Isolate, view: ivm.Reference, source: string, timeoutMs: number): Promise<string> {
  const context = await isolate.createContext();
  try {
    await (await runtimeScript(isolate)).run(context, { timeout: timeoutMs });
    const fn = (await context.global.get('__haloPredicate', { reference: true })) as ivm.Reference;
    await context.global.delete('__haloPredicate');
    try {
      return (await fn.apply(undefined, [view.derefInto(), source], { timeout: timeoutMs, result: { copy: true } })) as string;
    } finally {
      fn.release();
    }
  } finally {
    context.release();
  }
}
