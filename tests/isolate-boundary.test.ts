// The isolate boundary has one host-side module (src/sandbox/rpc.ts): it alone
// writes JavaScript source for the isolate, and the isolate runtime implements
// exactly the calls the contract names.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { engineCallSource, engineClient, hostCallDispatcher, HOST_CALL_ARGS } from '../src/sandbox/rpc.ts';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the isolate boundary', () => {
  it('has one module that writes source for the isolate', () => {
    const writers = sources(join(root, 'src'))
      .filter((p) => /__halo\b|\.evaluate(<[^>]*>)?\(\s*[`'"]/.test(readFileSync(p, 'utf8').replace(/^\s*(\/\/|\/?\*).*$/gm, '')))
      .map((p) => relative(root, p));
    expect(writers).toEqual(['src/sandbox/rpc.ts']);
  });

  it('builds calls whose arguments are JSON literals', () => {
    expect(engineCallSource('narrow', [['a', "b'); evil('"]])).toBe(`__halo.narrow(["a","b'); evil('"])`);
    expect(engineCallSource('verify', [[], undefined])).toBe('__halo.verify([])');
  });

  it('the runtime implements every engine call, and a result of the wrong shape is refused', async () => {
    const sb = createSandbox({ files: [join(root, 'tests/fixtures/halo/medium_traces.jsonl')] });
    try {
      await sb.load();
      const engine = engineClient(sb);
      expect(await engine.traceCount()).toBeGreaterThan(0);
      const ids = await engine.sampleTraceIds(3);
      expect(ids).toHaveLength(3);
      expect(await engine.narrow(ids.slice(0, 2))).toBe(2);
      const meta = await engine.meta();
      expect(meta).toMatchObject({ subset: true, traces: 2 });
      // A sandbox whose evaluate answers nonsense (as model code could arrange for a plain global) is caught.
      const liar = engineClient({ evaluate: async () => ({ judged: 'everything' }) as never });
      await expect(liar.outcomes()).rejects.toThrow(/outcomes\(\) returned an invalid result: judged/);
    } finally {
      await sb.close();
    }
  });

  it('serves host calls from a table, checking arguments before a handler runs', async () => {
    const seen: unknown[] = [];
    const dispatch = hostCallDispatcher({
      submit: (s) => (seen.push(s), 'ok'),
      rlm: (q, ids) => (seen.push([q, ids]), 'child'),
    });
    expect(dispatch('submit', [{ summary: 's' }])).toBe('ok');
    expect(() => dispatch('rlm', ['why?', 'not-a-list', {}, '[]'])).toThrow(/^rlm\(\): bad arguments \(argument 2: .*usage: rlm\(question/);
    expect(() => dispatch('submit', [1, 2])).toThrow(/submit\(\): bad arguments/);
    expect(() => dispatch('fetch', [])).toThrow('fetch() is not a host function');
    expect(() => dispatch('llm', ['x'])).toThrow('llm() is not a host function');
    expect(seen).toEqual([{ summary: 's' }]);
    expect(Object.keys(HOST_CALL_ARGS).sort()).toEqual(['diagnose', 'llm', 'llmBatch', 'repo.files', 'repo.grep', 'repo.read', 'rlm', 'rlmBatch', 'sql', 'submit']);
  });
});

describe('the isolate bundle', () => {
  it('refuses a module that reaches for a package or a Node built-in, naming it', async () => {
    const { build } = await import('esbuild');
    // @ts-expect-error plain .mjs build script
    const { isolateBundle } = await import('../scripts/isolate-bundle.mjs');
    const ok = await build({ ...isolateBundle, write: false, logLevel: 'silent' });
    expect(ok.errors).toEqual([]);
    const bad = build({
      ...isolateBundle,
      entryPoints: undefined,
      stdin: { contents: "import { readFileSync } from 'node:fs'; import { z } from 'zod'; export const x = [readFileSync, z];", sourcefile: 'sandbox/leaky.ts', resolveDir: join(root, 'sandbox'), loader: 'ts' },
      write: false,
      logLevel: 'silent',
    });
    await expect(bad).rejects.toThrow(/sandbox\/leaky\.ts imports "node:fs".*bundled into the isolate/s);
  });
});
