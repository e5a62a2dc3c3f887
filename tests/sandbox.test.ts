// The sandbox end to end: a real child process and isolate over real fixtures
// (tests/fixtures/halo: HALO span JSONL, MIT, see the README there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { sandboxEnv } from '../src/sandbox/env.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Sandbox } from '../src/sandbox/api.ts';
import { engineClient } from '../src/sandbox/rpc.ts';
import type { FindingInput } from '../src/findings/schema.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';
const MEDIUM = 'tests/fixtures/halo/medium_traces.jsonl';
const REALISTIC = 'tests/fixtures/halo/realistic_traces.jsonl';

describe('loading', () => {
  it('streams the files into the isolate and exposes traces and meta', async () => {
    const progress: { bytesRead: number; bytesTotal: number }[] = [];
    const sb = createSandbox({ files: [MEDIUM, TINY], onProgress: (p) => progress.push(p) });
    try {
      const s = await sb.load();
      const total = statSync(MEDIUM).size + statSync(TINY).size;
      expect(progress.at(-1)).toMatchObject({ bytesRead: total, bytesTotal: total });
      // The same files ingested in this process give the same data set.
      const local = await loadTraces([MEDIUM, TINY]);
      expect(s.traces).toBe(local.traces.length);
      expect(s.spans).toBe(local.stats.spans);
      expect(s.spans).toBeGreaterThan(s.traces);
      expect(s.heapBytes).toBeGreaterThan(0);
      expect(s.stats.files.map((f) => f.file)).toEqual([MEDIUM, TINY]);
      const r = await sb.run('({ n: traces.length, metaTraces: meta.traces, first: traces[0].spans.length > 0 })');
      expect(r.value).toEqual({ n: local.traces.length, metaTraces: local.traces.length, first: true });
    } finally {
      await sb.close();
    }
  });

  it('applies the window inside the isolate', async () => {
    const all = createSandbox({ files: [MEDIUM] });
    const windowed = createSandbox({ files: [MEDIUM], window: { window: '10m', until: 'latest' } });
    try {
      const [a, b] = await Promise.all([all.load(), windowed.load()]);
      expect(b.traces).toBeLessThan(a.traces);
      expect(b.stats.outsideWindow).toBe(a.traces - b.traces);
      const r = await windowed.run('traces.length');
      expect(r.value).toBe(b.traces);
    } finally {
      await Promise.all([all.close(), windowed.close()]);
    }
  });

  it('rejects a missing file with a clear input error', async () => {
    const sb = createSandbox({ files: ['tests/fixtures/halo/nope.jsonl'] });
    await expect(sb.load()).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('nope.jsonl') });
    await sb.close();
  });

  it('reports a bad record with file and line in strict mode', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'halo-sb-'));
    const file = join(dir, 'bad.jsonl');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, `${readFileSync(TINY, 'utf8').split('\n')[0]}\n{not json\n`);
    const sb = createSandbox({ files: [file], strict: true });
    await expect(sb.load()).rejects.toThrow(/bad\.jsonl:2/);
    await sb.close();
  });
});

describe('cells', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox({ files: [REALISTIC], cellTimeoutMs: 5000, outputLimit: 2000 });
    await sb.load();
  });
  afterAll(() => sb.close());

  it('keeps top-level declarations across cells in every common shape', async () => {
    const r1 = await sb.run(`
const errors = traces.filter((t) => t.status === 'error')
let x = 1, y
var z = 3
const { length: n, 0: first } = traces
const [a, , b = 7, ...rest] = [1, 2, undefined, 4, 5]
function double(v) { return v * 2 }
async function later(v) { await null; return v + 1 }
class Counter { constructor() { this.n = 0 } inc() { return ++this.n } }
`);
    expect(r1.ok, r1.error?.message).toBe(true);
    const r2 = await sb.run('[errors.length >= 0, x, y, z, n === traces.length, first.traceId === traces[0].traceId, a, b, rest, double(21), await later(1), new Counter().inc()]');
    expect(r2.value).toEqual([true, 1, null, 3, true, true, 1, 7, [4, 5], 42, 2, 1]);
    // Redeclaring is fine (a notebook, not a module).
    const r3 = await sb.run('const x = 10; x');
    expect(r3.value).toBe(10);
  });

  it('supports top-level await and returns the last expression', async () => {
    const r = await sb.run('const v = await Promise.resolve(41)\nv + 1');
    expect(r).toMatchObject({ ok: true, value: 42, valueText: '42' });
    const multi = await sb.run(`traces
  .map((t) => t.spans.length)
  .reduce((a, b) => a + b, 0) > 0`);
    expect(multi.value).toBe(true);
    const objectLiteral = await sb.run('({ a: 1, b: [1, 2] })');
    expect(objectLiteral.value).toEqual({ a: 1, b: [1, 2] });
    const noValue = await sb.run('if (true) { 1 }');
    expect(noValue.ok).toBe(true);
    expect(noValue.value).toBeUndefined();
    const template = await sb.run('const who = "x"; `a ${who + `b${1 + 1}`} c`');
    expect(template.value).toBe('a xb2 c');
    const regex = await sb.run('const re = /}{"\'`/; re.test("}{\\"\'`")');
    expect(regex.value).toBe(true);
  });

  it('reports runtime and syntax errors with the line within the cell', async () => {
    const rt = await sb.run('const a = 1\n\nnull.boom');
    expect(rt.ok).toBe(false);
    expect(rt.error).toMatchObject({ kind: 'runtime', line: 3 });
    expect(rt.error?.message).toMatch(/^TypeError: Cannot read properties of null/);
    const syn = await sb.run('let ok = 1\nlet bad = ok ok\n');
    expect(syn.error).toMatchObject({ kind: 'syntax', line: 2 });
    expect(syn.error?.message).toMatch(/^SyntaxError: Unexpected identifier/);
    const thrown = await sb.run('await null\nthrow "plain"');
    expect(thrown.error?.message).toBe('Uncaught "plain"');
    // A throw inside a function from an earlier cell says so instead of pointing at this cell.
    await sb.run('function explode() {\n  return null.boom\n}');
    const deep = await sb.run('1 + 1\nexplode()');
    expect(deep.error?.line).toBeUndefined();
    expect(deep.error?.message).toMatch(/in a function defined by an earlier cell, at its line 2/);
    // The sandbox is still fine afterwards, with earlier variables intact.
    const after = await sb.run('typeof double');
    expect(after.value).toBe('function');
  });

  it('captures print and console output, capped head and tail with the true length', async () => {
    const r = await sb.run('console.log("start", { a: 1 }); for (let i = 0; i < 1000; i++) print("line " + i); console.error("end")');
    expect(r.ok).toBe(true);
    expect(r.truncated).toBe(true);
    expect(r.outputLength).toBe('start { a: 1 }\n'.length + Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('').length + 'end\n'.length);
    expect(r.output.startsWith('start { a: 1 }\nline 0\n')).toBe(true);
    expect(r.output.endsWith('line 999\nend\n')).toBe(true);
    expect(r.output).toMatch(/…\[truncated [\d,]+ chars\]…/);
    expect(r.output.length).toBeLessThan(2200);
  });

  it('caps a huge completion value instead of copying it whole', async () => {
    const r = await sb.run('Array.from({ length: 100000 }, (_, i) => ({ i, s: "x".repeat(50) }))');
    expect(r.ok).toBe(true);
    const v = r.value as unknown[];
    expect(v.length).toBeLessThan(100);
    expect(String(v[v.length - 1])).toMatch(/more items/);
    expect(r.valueText!.length).toBeLessThan(2200);
  });

  it('renders a trace as a compact span tree within a budget', async () => {
    const r = await sb.run('const text = render(traces.find((t) => t.spans.length > 3), { budget: 1500 }); print(text); text.length');
    expect(r.ok).toBe(true);
    expect(r.value as number).toBeLessThanOrEqual(1600);
    expect(r.output).toMatch(/^trace \S+ · /);
    expect(r.output).toMatch(/- \[(agent|llm|tool|chain|other)\] /);
    const span = await sb.run('render(traces[0].spans[0])');
    expect(span.value).toMatch(/^- \[/);
    const bad = await sb.run('render(42)');
    expect(bad.error?.message).toMatch(/render\(x\): x must be a trace/);
  });

  it('exposes the detectors and the engine entry points', async () => {
    const r = await sb.run('Object.keys(detect).length > 0 && typeof detect.errorSignatures');
    expect(r.value).toBe('function');
    const engine = engineClient(sb);
    const found = await engine.runDetectors();
    expect(await engine.detectedFindings()).toHaveLength(found);
    const overview = await engine.overview();
    expect(overview.traces).toBeGreaterThan(0);
    const verified = await engine.verify([{ title: 'x', category: 'other', severity: 'low', summary: 's', rootCause: { statement: 'r', confidence: 'hypothesis' }, fix: { summary: 'f', kind: 'code' }, evidence: [{ traceId: 'no-such-trace' }] } as FindingInput]);
    expect(verified.kept).toEqual([]);
    expect(verified.droppedFindings).toHaveLength(1);
    await expect(sb.evaluate('nope.x')).rejects.toThrow(/nope is not defined/);
  });

  it('handles the awkward shapes of real cells', async () => {
    const cases: [string, unknown][] = [
      ['const { a: { b }, c = 2, ...more } = { a: { b: 1 }, d: 4 };\n[b, c, more]', [1, 2, { d: 4 }]],
      ['class Base { hi() { return "base" } }\nclass Kid extends Base {}\nnew Kid().hi()', 'base'],
      ['let total = 0\nfor (const t of traces) total += t.spans.length\ntotal > 0', true],
      ['const n = traces.length // trailing comment\nn === traces.length /* block */', true],
      ['const s = "a;b"; const r = /;/g\ns.split(r).length', 2],
      ['outer: for (const x of [1, 2]) { for (const y of [1]) { if (x === 2) break outer } }\n"done"', 'done'],
      ['const f = async (x) => x * 2\nawait f(21)', 42],
      ['const g = function* () { yield 1; yield 2 }\n;[...g()]', [1, 2]],
      ['let obj = {}\nobj.x = 1;', 1],
      ['[1, 2, 3].map((x) => x * 2)', [2, 4, 6]],
      ['const t = traces[0]; `${t.traceId}`.length > 0', true],
      ['// only a comment', undefined],
      ['', undefined],
    ];
    for (const [code, expected] of cases) {
      const r = await sb.run(code);
      expect(r.error, code).toBeUndefined();
      expect(r.value, code).toEqual(expected);
    }
    // Declarations from those cells persist too.
    const later = await sb.run('[typeof Kid, typeof f, typeof g, typeof more, obj.x]');
    expect(later.value).toEqual(['function', 'function', 'function', 'object', 1]);
  });

  it('provides every global that prompts/sandbox-api.d.ts declares', async () => {
    const { readFileSync } = await import('node:fs');
    const decl = readFileSync('prompts/sandbox-api.d.ts', 'utf8');
    const declared = [...decl.matchAll(/^declare (const|function) (\w+)/gm)].map((m) => [m[2], m[1] === 'function' ? 'function' : 'object']);
    expect(declared.length).toBeGreaterThanOrEqual(9);
    const r = await sb.run(`(${JSON.stringify(declared.map(([n]) => n))}).map((n) => [n, typeof globalThis[n]])`);
    expect(r.value).toEqual(declared);
    // The detector names the declaration's example uses exist.
    for (const m of decl.matchAll(/detect\.(\w+)\(/g)) expect((await sb.run(`typeof detect.${m[1]}`)).value).toBe('function');
  });

  it('has no require, import, process or timers', async () => {
    const r = await sb.run('[typeof require, typeof process, typeof setTimeout, typeof setInterval, typeof fetch, typeof module]');
    expect(r.value).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });
});

describe('host channel', () => {
  const calls: { name: string; args: unknown[] }[] = [];
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox({
      files: [TINY],
      cellTimeoutMs: 5000,
      onHostCall: async (name, args) => {
        calls.push({ name, args });
        if (name === 'llm' && args[0] === 'fail') throw new Error('rate limited by the provider');
        if (name === 'llm') return { text: `echo: ${String(args[0])}` };
        if (name === 'llmBatch') return (args[0] as string[]).map((p) => ({ text: p.toUpperCase() }));
        if (name === 'rlm') return { findings: [], ids: args[1] };
        if (name === 'submit') return { accepted: true };
        return undefined;
      },
    });
    await sb.load();
  });
  afterAll(() => sb.close());

  it('carries llm, llmBatch, rlm and submit to the parent and copies the results back', async () => {
    const r = await sb.run(`
const one = await llm('hello', { model: 'small' })
const many = await llmBatch(['a', 'b'])
const child = await rlm('why?', traces.slice(0, 1))
const sub = await submit({ findings: [], summary: 'none' })
;[one, many, child, sub]`);
    expect(r.ok, r.error?.message).toBe(true);
    const firstId = (await sb.run('traces[0].traceId')).value;
    expect(r.value).toEqual([{ text: 'echo: hello' }, [{ text: 'A' }, { text: 'B' }], { findings: [], ids: [firstId] }, { accepted: true }]);
    expect(calls.map((c) => c.name)).toEqual(['llm', 'llmBatch', 'rlm', 'submit']);
    expect(calls[0].args).toEqual(['hello', { model: 'small' }]);
  });

  it('turns a host error into a catchable error inside the cell', async () => {
    const r = await sb.run('let msg; try { await llm("fail") } catch (e) { msg = e.message } msg');
    expect(r.value).toBe('rate limited by the provider');
  });

  it('runs many concurrent calls', async () => {
    const r = await sb.run('(await Promise.all(Array.from({ length: 200 }, (_, i) => llm(String(i))))).map((x) => x.text).join(",").length');
    expect(r.value).toBe(Array.from({ length: 200 }, (_, i) => `echo: ${i}`).join(',').length);
  });

  it('rejects arguments that are not JSON data', async () => {
    const r = await sb.run('const o = {}; o.self = o; await llm(o)');
    expect(r.error?.message).toMatch(/llm\(\): arguments must be plain JSON data/);
  });

  it('without a handler, says the function is unavailable', async () => {
    const plain = createSandbox({ files: [TINY] });
    try {
      const r = await plain.run('await llm("x")');
      expect(r.error?.message).toMatch(/llm\(\) is not available here/);
    } finally {
      await plain.close();
    }
  });
});

describe('faults', () => {
  it('detects a promise that can never settle without waiting for the deadline', async () => {
    const sb = createSandbox({ files: [TINY], cellTimeoutMs: 2000, cellDeadlineMs: 60_000 });
    try {
      await sb.run('let kept = 5');
      const r = await sb.run('await new Promise(() => {})');
      expect(r.error?.message).toMatch(/never settle/);
      expect(r.restarted).toBeUndefined();
      expect((await sb.run('kept')).value).toBe(5);
    } finally {
      await sb.close();
    }
  });

  it('kills and restarts the child past the wall-clock deadline, reloading the traces', async () => {
    let release!: () => void;
    const sb = createSandbox({
      files: [TINY],
      cellTimeoutMs: 1000,
      cellDeadlineMs: 1500,
      onHostCall: () => new Promise((r) => { release = () => r(1); }),
    });
    try {
      await sb.run('let kept = 5');
      const r = await sb.run('await llm("slow")');
      expect(r.ok).toBe(false);
      expect(r.restarted).toBe(true);
      expect(r.error?.kind).toBe('timeout');
      expect(r.error?.message).toMatch(/wall-clock deadline of 2s.*restarted.*variables.*lost/);
      release();
      const after = await sb.run('[typeof kept, traces.length > 0]');
      expect(after.value).toEqual(['undefined', true]);
    } finally {
      await sb.close();
    }
  });
});

describe('child death', () => {
  const sandboxChildren = () =>
    execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('sandbox-child.js'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));

  /**
   * Resolves once `pid` is gone. Node reaps a child and emits its 'exit' in
   * one step, so once it is gone the supervisor has seen it die. (The
   * supervisor's ChildProcess is private: no event to wait on here, so this
   * checks every 20 ms, bounded by the test timeout.)
   */
  const reaped = (pid: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        try {
          process.kill(pid, 0);
          setTimeout(check, 20);
        } catch {
          resolve();
        }
      };
      check();
    });

  it.runIf(process.platform === 'linux')('restarts a child that died between cells and says the variables are gone', async () => {
    const sb = createSandbox({ files: [TINY] });
    try {
      await sb.run('let kept = 1');
      const [pid] = sandboxChildren();
      process.kill(pid, 'SIGKILL');
      await reaped(pid!);
      const r = await sb.run('[typeof kept, traces.length > 0]');
      expect(r.restarted).toBe(true);
      expect(r.value).toEqual(['undefined', true]);
      expect(sandboxChildren()).not.toContain(pid);
    } finally {
      await sb.close();
    }
  });

  it.runIf(process.platform === 'linux')('reports a child killed mid-cell as a crash and restarts it', async () => {
    // The host call arriving here means the cell is running in the child.
    let inCell!: () => void;
    const running = new Promise<void>((r) => (inCell = r));
    const sb = createSandbox({ files: [TINY], cellTimeoutMs: 20_000, onHostCall: () => (inCell(), new Promise(() => {})) });
    try {
      await sb.load();
      const [pid] = sandboxChildren();
      const pending = sb.run('await llm("never answered")');
      await running;
      process.kill(pid!, 'SIGKILL');
      const r = await pending;
      expect(r.error).toMatchObject({ kind: 'crash' });
      expect(r.error?.message).toMatch(/crashed \(SIGKILL\).*restarted/);
      expect(r.restarted).toBe(true);
      expect((await sb.run('traces.length > 0')).value).toBe(true);
    } finally {
      await sb.close();
    }
  });

  it('ends a running cell on close() without starting another child', async () => {
    let inCell!: () => void;
    const running = new Promise<void>((r) => (inCell = r));
    const sb = createSandbox({ files: [TINY], onHostCall: () => (inCell(), new Promise(() => {})) });
    await sb.load();
    const pending = sb.run('await llm("x")');
    await running;
    await sb.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(sb.run('1')).rejects.toThrow(/closed/);
  });
});

describe('environment', () => {
  it('keeps only what Node needs and drops every secret', () => {
    const env = sandboxEnv({
      PATH: '/usr/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      OPENAI_API_KEY: 'sk-x',
      ANTHROPIC_API_KEY: 'sk-y',
      GITHUB_TOKEN: 'ghp',
      DB_PASSWORD: 'p',
      NODE_OPTIONS: '--require /tmp/x.js',
      MY_AUTH_HEADER: 'a',
      SOMETHING_ELSE: 'b',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8' });
  });
});
