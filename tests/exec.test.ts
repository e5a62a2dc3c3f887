// `halo exec` and `halo repl` as a user runs them: the real CLI (bin/halo ->
// dist/cli.js), a real sandbox child, the HALO fixtures (MIT, see
// tests/fixtures/halo/README.md).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';
const MEDIUM = 'tests/fixtures/halo/medium_traces.jsonl';

function halo(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // HOME in a temp dir keeps the REPL history out of the real one.
    const child = spawn(process.execPath, ['bin/halo', ...args], {
      env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'halo-home-')) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('halo exec', () => {
  it('runs -e code over the traces and prints output then the last value', async () => {
    const local = await loadTraces([MEDIUM]);
    const r = await halo(['exec', '-e', 'print("traces:", traces.length); traces.filter((t) => t.status === "error").length', MEDIUM]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const errors = local.traces.filter((t) => t.status === 'error').length;
    expect(r.stdout).toBe(`traces: ${local.traces.length}\n${errors}\n`);
  });

  it('runs a script file with a window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-exec-'));
    const script = join(dir, 'count.js');
    writeFileSync(script, `const byAgent = {}\nfor (const t of traces) byAgent[t.agentName] = (byAgent[t.agentName] ?? 0) + 1\nprint(JSON.stringify(byAgent))\n`);
    const all = await loadTraces([MEDIUM]);
    const windowed = await loadTraces([MEDIUM], { window: { window: '10m', until: 'latest' } });
    expect(windowed.traces.length).toBeLessThan(all.traces.length);
    const expected: Record<string, number> = {};
    for (const t of windowed.traces) expected[String(t.agentName)] = (expected[String(t.agentName)] ?? 0) + 1;
    const r = await halo(['exec', script, MEDIUM, '--window', '10m', '--until', 'latest']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('exits 1 with the script name and line when the script throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-exec-'));
    const script = join(dir, 'broken.js');
    writeFileSync(script, 'print("before")\nconst t = traces[0]\nt.nope.deeper\n');
    const r = await halo(['exec', script, TINY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe(`halo exec: ${script}:3: TypeError: Cannot read properties of undefined (reading 'deeper')\n`);
  });

  it('exits 1 on a syntax error and on a timeout', async () => {
    const syn = await halo(['exec', '-e', 'let x = ;', TINY]);
    expect(syn.code).toBe(1);
    expect(syn.stderr).toMatch(/^halo exec: <eval>:1: SyntaxError: Unexpected token ';'/);
    const slow = await halo(['exec', '-e', 'while (true) {}', TINY, '--timeout', '0.5']);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toMatch(/ran past its 0.5s time limit/);
  });

  it('WebAssembly memory cannot get past --memory: WebAssembly is not there to use', async () => {
    // The report's reproduction: three memories grown to 48,000 pages each held 5.5 GB under --memory 512.
    const code = 'const ms = [1, 2, 3].map(() => new WebAssembly.Memory({ initial: 1, maximum: 65536 })); for (const m of ms) m.grow(48000); ms.length';
    const r = await halo(['exec', '--memory', '512', '-e', code, TINY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^halo exec: <eval>:1: ReferenceError: WebAssembly is disabled in the sandbox: .* cannot be held to --memory/);
  });

  it('prints JSON with --json', async () => {
    const r = await halo(['exec', '--json', '-e', 'print("hi"); ({ n: traces.length })', TINY]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, output: 'hi\n', value: { n: (await loadTraces([TINY])).traces.length } });
  });

  it('exits 2 for bad usage and unreadable input', async () => {
    const missing = await halo(['exec', '-e', '1', 'tests/fixtures/halo/missing.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.jsonl/);
    const noFiles = await halo(['exec', '-e', '1']);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toMatch(/no trace files/);
    const noScript = await halo(['exec', 'no-such-script.js', TINY]);
    expect(noScript.code).toBe(2);
    expect(noScript.stderr).toMatch(/cannot read script no-such-script\.js/);
    const badTimeout = await halo(['exec', '-e', '1', TINY, '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
  });

  it('documents examples, defaults and exit codes in --help', async () => {
    const r = await halo(['exec', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rate-limit retry/);
    expect(r.stdout).toMatch(/Defaults:/);
    expect(r.stdout).toMatch(/Exit codes:/);
  });
});

describe('halo repl', () => {
  it('keeps variables between entries, reads multi-line input and shows .help', async () => {
    const input = ['const ids = traces.map((t) =>', '  t.traceId)', 'ids.length', 'const o = {', '  a: 1,', '}', 'o.a + 1', 'function f() {\\', '  return 7 }', 'f()', '.help', 'nope()', '.exit', 'print("not reached")'].join('\n');
    const r = await halo(['repl', TINY], `${input}\n`);
    expect(r.code).toBe(0);
    const n = (await loadTraces([TINY])).traces.length;
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(String(n));
    expect(lines[1]).toBe('2');
    expect(lines[2]).toBe('7');
    expect(r.stdout).toMatch(/The sandbox API:/);
    expect(r.stdout).toMatch(/detect\.<name>\(traces\) +built-in detectors: \w+/);
    expect(r.stdout).toMatch(/ReferenceError: nope is not defined/);
    expect(r.stdout).not.toMatch(/not reached/);
  });

  it('refuses traces from stdin', async () => {
    const r = await halo(['repl', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stdin/);
  });
});
