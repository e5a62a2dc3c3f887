// `halo repl`: Ctrl-C stops the entry that is running (not the session), a
// second Ctrl-C at an idle prompt leaves as the prompt says, and the history
// file, which quotes what was typed about the traces, is private. The prompt
// runs on a terminal-mode stream pair, where Ctrl-C is the key byte it is at
// a real terminal.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendHistory, replLoop } from '../src/cli/repl.ts';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';
const CTRL_C = '\x03';

/** A terminal session: what the REPL wrote, and a wait for text to appear in it. */
function session(sandbox: Sandbox) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  const waiters: Array<{ re: RegExp; done: () => void }> = [];
  const check = () => {
    for (const w of [...waiters]) if (w.re.test(text)) (waiters.splice(waiters.indexOf(w), 1), w.done());
  };
  output.on('data', (d) => ((text += d), check()));
  const ended = replLoop(sandbox, { input, output, interactive: true, historyFile: null });
  return {
    type: (s: string) => input.write(s),
    seen: (re: RegExp) => new Promise<void>((done) => (waiters.push({ re, done }), check())),
    ended,
    input,
    get text() {
      return text;
    },
  };
}

describe('halo repl', () => {
  // One sandbox child for the file: each test leaves it loaded and idle. Its
  // llm() answers at once and tells the test that the entry is running in the
  // child, which no output can (print reaches the prompt only when it ends).
  let sandbox: Sandbox;
  let entryRunning: () => void = () => {};
  beforeAll(async () => {
    sandbox = createSandbox({
      files: [TINY],
      cellTimeoutMs: 600_000,
      onHostCall: async () => {
        entryRunning();
        return 'go';
      },
    });
    await sandbox.load();
  });
  afterAll(() => sandbox.close());

  it('Ctrl-C stops a running entry; the session goes on with the traces reloaded', async () => {
    const running = new Promise<void>((r) => (entryRunning = r));
    const s = session(sandbox);
    s.type('const before = 1\r');
    s.type('await llm("start"); let n = 0; while (true) { n++ }\r');
    await running;
    s.type(CTRL_C);
    await s.seen(/entry 2: Interrupted\. The sandbox was restarted and the traces reloaded/);
    s.type('print("count", traces.length, typeof before)\r');
    await s.seen(/count 3 undefined/);
    s.type('.exit\r');
    await s.ended;
  }, 60_000);

  it('a second Ctrl-C at an idle prompt leaves, as the prompt says', async () => {
    const s = session(sandbox);
    s.type('print("ready")\r');
    await s.seen(/\nready\n/);
    s.type(CTRL_C);
    await s.seen(/press Ctrl-C again or type \.exit to leave/);
    s.type(CTRL_C);
    await s.ended;
    // Nothing reads the terminal any more: a prompt redrawn after the second
    // Ctrl-C resumed stdin, which kept the real process from exiting.
    expect(s.input.isPaused()).toBe(true);
    expect(s.text).not.toMatch(/press Ctrl-C again[\s\S]*press Ctrl-C again/);
    // A Ctrl-C with a line typed in between starts the count again.
    const again = session(sandbox);
    again.type(CTRL_C);
    await again.seen(/press Ctrl-C again/);
    again.type('print("still here")\r');
    await again.seen(/\nstill here\n/);
    again.type('.exit\r');
    await again.ended;
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
