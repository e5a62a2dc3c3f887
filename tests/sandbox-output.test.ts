// print() in the real sandbox: head and tail kept at a cost per call that does
// not grow with the buffer, and what a cell printed before its time limit
// comes back with the timeout message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';

describe('sandbox print() output', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    // A large limit makes a tail rebuilt on every print cost ~1 MB per call:
    // 300k prints would be ~3e11 character copies, far past any CPU limit.
    sb = createSandbox({ files: [TINY], cellTimeoutMs: 20_000, outputLimit: 2_000_000 });
    await sb.load();
  }, 60_000);
  afterAll(() => sb?.close());

  it('300k prints into a 2 MB buffer: the cell finishes, head and tail exact, the true length stated', async () => {
    const r = await sb.run('for (let i = 0; i < 300000; i++) print(`line ${String(i).padStart(6, "0")} ok`)');
    expect(r.error).toBeUndefined();
    const line = (i: number) => `line ${String(i).padStart(6, '0')} ok\n`;
    expect(r.outputLength).toBe(300_000 * line(0).length);
    expect(r.truncated).toBe(true);
    expect(r.output.startsWith(line(0) + line(1))).toBe(true);
    expect(r.output.endsWith(line(299_998) + line(299_999))).toBe(true);
    const m = /\n…\[truncated ([\d,]+) chars\]…\n/.exec(r.output)!;
    const head = r.output.slice(0, m.index);
    const tail = r.output.slice(m.index + m[0].length);
    // head + tail + what was cut is everything printed, and the buffer holds its limit.
    expect(head.length + tail.length + Number(m[1]!.replace(/,/g, ''))).toBe(r.outputLength);
    expect(head.length + tail.length).toBe(2_000_000);
  }, 60_000);

  it('mixes long and short writes correctly at the seams', async () => {
    const small = createSandbox({ files: [TINY], outputLimit: 100 });
    try {
      await small.load();
      const r = await small.run('print("A".repeat(30)); for (let i = 0; i < 40; i++) print(i); print("Z".repeat(80)); print("end")');
      expect(r.output.startsWith('A'.repeat(30) + '\n0\n1\n2')).toBe(true);
      expect(r.output.endsWith(`${'Z'.repeat(45)}\nend\n`)).toBe(true);
      const all = 'A'.repeat(30) + '\n' + Array.from({ length: 40 }, (_, i) => `${i}\n`).join('') + 'Z'.repeat(80) + '\nend\n';
      expect(r.outputLength).toBe(all.length);
      expect(r.output).toBe(`${all.slice(0, 50)}\n…[truncated ${all.length - 100} chars]…\n${all.slice(-50)}`);
    } finally {
      await small.close();
    }
  }, 60_000);

  it('a cell stopped by its time limit returns what it printed, with the timeout message', async () => {
    // The file's shared child, with this cell's own limit: a timeout keeps the isolate.
    const r = await sb.run('print("started"); print(traces.length, "traces"); while (true) {}', { timeoutMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe('timeout');
    expect(r.error?.message).toMatch(/time limit/);
    expect(r.output).toBe('started\n3 traces\n');
    expect(r.restarted).toBeUndefined();
    // The isolate survives: the next cell starts with an empty buffer.
    const next = await sb.run('print("next")');
    expect(next.output).toBe('next\n');
  }, 60_000);
});
