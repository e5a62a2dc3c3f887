// `halo repl`: Ctrl-C stops the entry that is running (not the session), and
// the history file, which quotes what was typed about the traces, is private.
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistory } from '../src/cli/repl.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';

describe('halo repl', () => {
  it('Ctrl-C stops a running entry; the session goes on with the traces reloaded', async () => {
    const child = spawn(process.execPath, ['bin/halo', 'repl', TINY, '--timeout', '600'], {
      env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'halo-home-')) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const waiters: Array<{ re: RegExp; done: () => void }> = [];
    const check = () => {
      for (const w of [...waiters]) if (w.re.test(stdout)) (waiters.splice(waiters.indexOf(w), 1), w.done());
    };
    child.stdout.on('data', (d) => ((stdout += d), check()));
    child.stderr.on('data', (d) => (stderr += d));
    const seen = (re: RegExp) => new Promise<void>((done) => (waiters.push({ re, done }), check()));
    const closed = new Promise<number | null>((r) => child.on('close', r));

    child.stdin.write('print("ready")\n');
    await seen(/ready\n/);
    child.stdin.write('let n = 0; while (true) { n++ }\n');
    // Give the endless entry a moment to start; it never ends by itself (600 s limit).
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGINT');
    await seen(/Interrupted\./);
    child.stdin.write('print("count", traces.length)\n.exit\n');
    child.stdin.end();
    expect(await closed, stderr).toBe(0);
    expect(stdout).toMatch(/entry 2: Interrupted\. The sandbox was restarted and the traces reloaded/);
    expect(stdout).toMatch(/count 3\n/);
  }, 60_000);

  it('the history file is readable only by its owner, also when it existed before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-mode-'));
    const fresh = join(dir, 'fresh');
    appendHistory(fresh, 'traces.filter(t => t.userId === "alice")');
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const loose = join(dir, 'loose');
    writeFileSync(loose, 'old entry\n', { mode: 0o644 });
    appendHistory(loose, 'meta.errors\n.slice(0, 3)');
    expect(statSync(loose).mode & 0o777).toBe(0o600);
  });
});
