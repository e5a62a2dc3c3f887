// Hostile code, run in the real sandbox: escape attempts, resource bombs and
// attempts to poison what comes back. For every program: the parent (this
// process) survives, the caller gets a clear error or a harmless value, the
// next cell works (after a restart where one was needed), and no secret from
// the parent's environment is readable.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { CellResult, Sandbox } from '../src/sandbox/api.ts';
import { engineClient } from '../src/sandbox/rpc.ts';

const SECRET = 'sk-test-secret-d41d8cd98f00b204';
const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';

// wasm: (module (func (export "spin") (loop (br 0))))
const SPIN_WASM = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08,
  0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b,
];

type Check = (r: CellResult) => void;
const errorMatching = (kind: string, re: RegExp): Check => (r) => {
  expect(r.ok).toBe(false);
  expect(r.error?.kind).toBe(kind);
  expect(r.error?.message).toMatch(re);
};
const valueIs = (v: unknown): Check => (r) => {
  expect(r.error).toBeUndefined();
  expect(r.value).toEqual(v);
};
const restartedWith = (kinds: string[], re: RegExp): Check => (r) => {
  expect(r.ok).toBe(false);
  expect(r.restarted).toBe(true);
  expect(kinds).toContain(r.error?.kind);
  expect(r.error?.message).toMatch(re);
  expect(r.error?.message).toMatch(/variables .* were lost/);
};

// Each returns something only an escape could produce; a safe sandbox answers 'contained'.
const escape = (expr: string) => `let out; try { out = (${expr}) } catch (e) { out = 'contained' } typeof out === 'object' && out !== null && typeof out.env === 'object' ? 'ESCAPED' : 'contained'`;

// Bombs get a long CPU budget so they meet the memory limit rather than the timeout.
const BOMB = 20_000;

const programs: { name: string; code: string; check: Check; timeoutMs?: number }[] = [
  { name: 'reads process', code: 'typeof process', check: valueIs('undefined') },
  { name: 'calls require', code: 'require("fs")', check: errorMatching('runtime', /ReferenceError: require is not defined/) },
  { name: 'dynamic import()', code: 'await import("node:fs")', check: (r) => { expect(r.ok).toBe(false); expect(r.error?.message).toMatch(/import|module|not supported|Failed/i); } },
  { name: 'this.constructor.constructor', code: escape(`this.constructor.constructor('return process')()`), check: valueIs('contained') },
  { name: 'API function constructors', code: `[print, render, llm, submit, console.log, detect.errorSignatures].map((f) => f.constructor('return typeof process')())`, check: valueIs(Array(6).fill('undefined')) },
  { name: 'async function constructor', code: escape(`await (async () => {}).constructor('return process')()`), check: valueIs('contained') },
  { name: 'generator function constructor', code: escape(`(function* () {}).constructor('return process')().next().value`), check: valueIs('contained') },
  { name: 'promise constructor chain', code: escape(`Promise.constructor.constructor('return process')()`), check: valueIs('contained') },
  { name: 'every global function constructor', code: `Object.getOwnPropertyNames(globalThis).filter((k) => { try { const v = globalThis[k]; return typeof v === 'function' && v.constructor('return typeof process')() !== 'undefined' } catch { return false } })`, check: valueIs([]) },
  {
    name: 'Error.prepareStackTrace frames',
    code: `Error.prepareStackTrace = (e, frames) => frames.map((f) => { const fn = f.getFunction(); const r = fn ? fn.constructor('return typeof process')() : 'none'; return r instanceof Promise ? 'async' : r });
const s = new Error('x').stack; delete Error.prepareStackTrace; Array.isArray(s) ? s.filter((x) => x !== 'undefined' && x !== 'none' && x !== 'async') : typeof s`,
    // Built-ins are frozen once the traces load, so the hook never installs: the stack stays a string.
    check: valueIs('string'),
  },
  { name: 'Error.captureStackTrace', code: `const o = {}; Error.captureStackTrace(o); typeof o.stack`, check: valueIs('string') },
  { name: 'no engine handles left on the global', code: `Object.getOwnPropertyNames(globalThis).filter((k) => /^(ivm|_ivm|isolated|Reference|ExternalCopy|Callback|__haloBoot|send|gc)$/i.test(k) && globalThis[k] !== undefined)`, check: valueIs([]) },
  {
    name: 'Proxy with throwing traps as the result',
    code: `new Proxy({}, { ownKeys() { throw new Error('trap') }, get() { throw new Error('trap') }, getPrototypeOf() { throw new Error('trap') } })`,
    // Resolving the cell's promise with it reads `then`, whose trap throws: a plain error, nothing more.
    check: errorMatching('runtime', /^Error: trap$/),
  },
  {
    name: 'getters, toJSON and Symbol.toPrimitive that throw',
    code: `({ get boom() { throw new Error('getter') }, toJSON() { throw new Error('toJSON') }, [Symbol.toPrimitive]() { throw new Error('prim') }, ok: 1 })`,
    check: (r) => { expect(r.ok).toBe(true); expect(r.value).toMatchObject({ boom: '[getter threw: getter]', ok: 1 }); },
  },
  {
    name: '__proto__ keys in the returned value',
    code: `JSON.parse('{"__proto__": {"polluted": "yes"}, "a": {"__proto__": {"polluted": "yes"}}}')`,
    check: (r) => {
      expect(r.ok).toBe(true);
      const v = r.value as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect((v as { polluted?: string }).polluted).toBeUndefined();
      expect(({} as { polluted?: string }).polluted).toBeUndefined();
      expect(Object.assign({}, v.a)).not.toHaveProperty('polluted');
    },
  },
  {
    name: 'Object.prototype pollution inside the isolate',
    code: `Object.prototype.polluted = 'yes'; Object.defineProperty(Object.prototype, 'error', { set() { throw new Error('hijacked') }, configurable: true }); ({ a: 1 })`,
    // Object.prototype is frozen inside (the first assignment is a silent no-op in sloppy code, the
    // defineProperty throws); nothing reaches the host's Object.prototype either way.
    check: (r) => { expect(({} as { polluted?: string }).polluted).toBeUndefined(); expect(r.ok).toBe(false); expect(r.error?.message).toMatch(/not extensible/); },
  },
  {
    name: 'replacing JSON and Promise.prototype.then',
    code: `JSON.stringify = () => { throw new Error('no json') }; JSON.parse = () => ({ evil: 1 }); Promise.prototype.then = function () { return this }; 'replaced'`,
    check: valueIs('replaced'),
  },
  { name: 'infinite loop before an await', code: 'while (true) {}', check: errorMatching('timeout', /ran past its 1s time limit/) },
  { name: 'infinite loop after an await', code: 'await null; for (;;) {}', check: (r) => { expect(r.ok).toBe(false); expect(r.error?.kind).toBe('timeout'); } },
  { name: 'infinite loop after a host call', code: 'await llm("x"); for (;;) {}', check: errorMatching('timeout', /ran past its 1s time limit/) },
  { name: 'a promise that never resolves', code: 'await new Promise(() => {})', check: errorMatching('runtime', /never settle/) },
  { name: 'Atomics.wait', code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)', check: (r) => { expect(r.ok).toBe(false); expect(['timeout', 'runtime']).toContain(r.error?.kind); } },
  // WebAssembly memories escape the isolate's memory limit (three grown to 48,000 pages held 5.5 GB under 512 MB), so it is gone.
  { name: 'WebAssembly memory grown past the memory limit', code: 'const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); m.grow(48000); m.buffer.byteLength', check: errorMatching('runtime', /WebAssembly is disabled in the sandbox/) },
  { name: 'WebAssembly module (a busy loop)', code: `const m = new globalThis['Web' + 'Assembly'].Module(new Uint8Array(${JSON.stringify(SPIN_WASM)})); new WebAssembly.Instance(m).exports.spin()`, check: errorMatching('runtime', /WebAssembly is disabled in the sandbox/) },
  { name: 'WebAssembly put back on the global', code: `globalThis.WebAssembly = 1; delete globalThis.WebAssembly; Object.defineProperty(globalThis, 'WebAssembly', { value: {} })`, check: (r) => { expect(r.ok).toBe(false); expect(r.error?.message).toMatch(/Cannot redefine property: WebAssembly|WebAssembly is disabled/); } },
  { name: 'deep recursion', code: 'function down(n) { return down(n + 1) + 1 } down(0)', check: errorMatching('runtime', /RangeError: Maximum call stack size exceeded/) },
  { name: 'memory bomb: array fill', code: 'const a = []; for (;;) a.push(new Array(1e6).fill(1.5))', timeoutMs: BOMB, check: restartedWith(['memory', 'crash'], /memory/) },
  { name: 'memory bomb: growing Map', code: 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i, s: "v" + i })', timeoutMs: BOMB, check: restartedWith(['memory', 'crash'], /memory/) },
  { name: 'memory bomb: growing object', code: 'const o = {}; for (let i = 0; ; i++) o["k" + i] = [i, i + 1]', timeoutMs: BOMB, check: restartedWith(['memory', 'crash'], /memory/) },
  { name: 'memory bomb: string doubling', code: 'let s = "x"; for (;;) s += s', check: errorMatching('runtime', /RangeError: Invalid string length/) },
  { name: 'memory bomb: ArrayBuffers', code: 'const bufs = []; for (;;) bufs.push(new ArrayBuffer(64 * 1024 * 1024))', timeoutMs: BOMB, check: (r) => { expect(r.ok).toBe(false); expect(r.error?.message).toMatch(/Array buffer allocation failed|memory/); } },
  {
    name: 'a 1 GB print',
    code: 'const mb = "x".repeat(1 << 20); for (let i = 0; i < 1024; i++) print(mb)',
    timeoutMs: BOMB,
    check: (r) => {
      expect(r.ok).toBe(true);
      expect(r.outputLength).toBe(1024 * ((1 << 20) + 1));
      expect(r.truncated).toBe(true);
      expect(r.output.length).toBeLessThan(5000);
      expect(r.output).toMatch(/…\[truncated 1,073,7\d\d,\d\d\d chars\]…/);
    },
  },
  {
    name: 'a result too large to return',
    code: '"y".repeat(60 * 1024 * 1024)',
    timeoutMs: BOMB,
    check: (r) => { expect(r.ok).toBe(true); expect(String(r.value).length).toBeLessThan(5000); expect(r.valueText!.length).toBeLessThan(5000); },
  },
  {
    name: 'an enormous array as the result',
    code: 'new Array(5e6).fill({ a: 1 })',
    timeoutMs: BOMB,
    check: (r) => { expect(r.ok).toBe(true); expect(JSON.stringify(r.value).length).toBeLessThan(10_000); },
  },
  {
    name: 'a flood of host calls',
    code: 'for (let i = 0; i < 5000; i++) llm("spam"); "sent"',
    check: valueIs('sent'),
  },
  {
    name: 'searching every reachable string for the secret',
    code: `const seen = new Set(); let hits = 0;
const walk = (v, d) => { if (d > 6 || v === null || seen.has(v)) return; if (typeof v === 'string') { if (v.includes('sk-test')) hits++; return; } if (typeof v !== 'object' && typeof v !== 'function') return; seen.add(v);
  for (const k of Object.getOwnPropertyNames(v)) { let x; try { x = v[k] } catch { continue } walk(x, d + 1) } };
walk(globalThis, 0); hits`,
    check: valueIs(0),
  },
];

describe('hostile code in the real sandbox', () => {
  let sb: Sandbox;
  const saved = process.env.OPENAI_API_KEY;
  let hostCalls = 0;

  beforeAll(async () => {
    process.env.OPENAI_API_KEY = SECRET;
    sb = createSandbox({
      files: [TINY],
      memoryLimitMb: 128,
      cellTimeoutMs: 1000,
      cellDeadlineMs: 40_000,
      outputLimit: 4000,
      onHostCall: async () => {
        hostCalls++;
        return 'ok';
      },
    });
    await sb.load();
  });
  afterAll(async () => {
    await sb.close();
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  });

  it('has at least 25 programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(25);
  });

  for (const p of programs) {
    it(p.name, async () => {
      const r = await sb.run(p.code, { timeoutMs: p.timeoutMs });
      try {
        p.check(r);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nresult: ${JSON.stringify(r).slice(0, 600)}`);
      }
      // The next cell works, over the same data.
      const next = await sb.run('traces.length');
      expect(next.ok, next.error?.message).toBe(true);
      expect(next.value).toBeGreaterThan(0);
      expect(next.restarted).toBeUndefined();
    });
  }

  it('does not accept a trace that code pushed into traces as evidence', async () => {
    const real = (await sb.run('traces[0].traceId')).value as string;
    const pushed = await sb.run(`traces.push({ traceId: 'invented', spans: [], status: 'error' }); traces.length`);
    expect(pushed.ok).toBe(true);
    const finding = (traceId: string) => ({
      title: 'planted', category: 'other', severity: 'low', summary: 's',
      rootCause: { statement: 'r', confidence: 'hypothesis' }, fix: { summary: 'f', kind: 'code' },
      evidence: [{ traceId }], key: { component: 'c', signature: traceId },
    });
    const v = await sb.evaluate<{ kept: { evidence: { traceId: string }[] }[]; droppedFindings: { title: string }[] }>(
      `__halo.verify(${JSON.stringify([finding('invented'), finding(real)])})`,
    );
    expect(v.kept.map((f) => f.evidence[0].traceId)).toEqual([real]);
    expect(v.droppedFindings).toHaveLength(1);
    await sb.run('traces.pop()');
  });

  it('keeps loaded traces read-only, so code cannot plant an excerpt that verification would accept', async () => {
    const edit = await sb.run(`'use strict'; const s0 = traces[0].spans[0]; s0.statusMessage = 'PLANTED-EXCERPT'; s0.statusMessage`);
    expect(edit.ok).toBe(false);
    expect(edit.error!.message).toMatch(/read only|read-only|not extensible|Cannot assign/i);
    const sloppy = await sb.run(`traces[0].spans[0].statusMessage = 'PLANTED-EXCERPT'; traces[0].spans.push({ spanId: 'fake' }); 1`);
    expect(sloppy.ok).toBe(false);
    const t = (await sb.run('({ id: traces[0].traceId, span: traces[0].spans[0].spanId })')).value as { id: string; span: string };
    const v = await sb.evaluate<{ kept: unknown[]; droppedEvidence: number }>(
      `__halo.verify(${JSON.stringify([{
        title: 'planted excerpt', category: 'other', severity: 'low', summary: 's',
        rootCause: { statement: 'r', confidence: 'hypothesis' }, fix: { summary: 'f', kind: 'code' },
        evidence: [{ traceId: t.id, spanId: t.span, excerpt: 'PLANTED-EXCERPT' }], key: { component: 'c', signature: 'planted' },
      }])})`,
    );
    expect(v.kept).toHaveLength(0);
    // The array of traces is still the model's to reorder.
    const sorted = await sb.run('traces.sort((a, b) => b.startTime - a.startTime); traces.length');
    expect(sorted.ok).toBe(true);
  });

  it('freezes built-ins, so code cannot make verification accept an invented excerpt', async () => {
    const t = (await sb.run('({ id: traces[0].traceId, span: traces[0].spans[0].spanId })')).value as { id: string; span: string };
    const tamper = await sb.run(`'use strict'; String.prototype.includes = () => true`);
    expect(tamper.ok).toBe(false);
    const swap = await sb.run(`'use strict'; JSON = { stringify: () => 'x', parse: () => ({}) }`);
    expect(swap.ok).toBe(false);
    expect((await sb.run(`'x'.includes('y')`)).value).toBe(false);
    const v = await sb.evaluate<{ kept: unknown[] }>(
      `__halo.verify(${JSON.stringify([{
        title: 'invented excerpt', category: 'other', severity: 'low', summary: 's',
        rootCause: { statement: 'r', confidence: 'hypothesis' }, fix: { summary: 'f', kind: 'code' },
        evidence: [{ traceId: t.id, spanId: t.span, excerpt: 'text that is in no span at all' }], key: { component: 'c', signature: 'invented' },
      }])})`,
    );
    expect(v.kept).toHaveLength(0);
  });

  it('ordinary code still overrides inherited names on its own objects after the freeze', async () => {
    const r = await sb.run(`'use strict';
class NotFound extends Error { constructor(m) { super(m); this.name = 'NotFound'; } }
const o = {}; o.toString = () => 'custom'; o.constructor = 'mine';
[new NotFound('x').name, String(o), o.constructor, [3, 1, 2].sort().join()]`);
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(r.value).toEqual(['NotFound', 'custom', 'mine', '1,2,3']);
  });

  it('cannot replace the detectors the engine runs', async () => {
    const r = await sb.run(`'use strict'; detect.outliers = () => { throw new Error('sabotage') }`);
    expect(r.ok).toBe(false);
    const engine = engineClient(sb);
    await engine.runDetectors();
    expect(await engine.detectorErrors()).toEqual([]);
  });

  it('served the host calls the flood sent without falling over', () => {
    expect(hostCalls).toBeGreaterThan(0);
  });

  it.runIf(existsSync('/proc/self/environ'))('gives the child process no secret in its environment', async () => {
    await sb.run('1');
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('sandbox-child.js'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(children.length).toBeGreaterThan(0);
    for (const pid of children) {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(env).not.toContain(SECRET);
      expect(env).not.toContain('OPENAI_API_KEY');
    }
    expect(readdirSync('/proc').length).toBeGreaterThan(0);
  });
});
