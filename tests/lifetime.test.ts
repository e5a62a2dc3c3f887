// Process lifetime: the sandbox child dies with its parent, however the parent
// dies, and SIGINT/SIGTERM end a run cleanly: a message, the locks released,
// the reports left as they were.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, HALO_BIN } from './helpers/cli.ts';

const root = new URL('..', import.meta.url).pathname;
const tiny = join(root, 'tests/fixtures/halo/tiny_traces.jsonl');
const parentScript = join(root, 'tests/helpers/sandbox-parent.mjs');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The processes `pid` started (Linux: /proc). */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

/**
 * Resolves once `condition` holds. A process that is not our child sends no
 * event when it starts or ends, so this checks every 100 ms; the test's own
 * timeout bounds it, and nothing is asserted about how long it took.
 */
const until = (condition: () => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (condition() ? resolve() : setTimeout(check, 100));
    check();
  });
const gone = (pid: number) => until(() => !alive(pid));

describe('process lifetime', () => {
  it.runIf(existsSync('/proc/self/task'))('the sandbox child dies with a parent that was SIGKILLed while a cell spins', async () => {
    const parent = spawn(process.execPath, ['--no-node-snapshot', parentScript, tiny], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => parent.stdout.on('data', (d: Buffer) => d.includes('running') && resolve()));
    const [child] = childrenOf(parent.pid!);
    expect(child).toBeGreaterThan(0);
    expect(alive(child!)).toBe(true);
    parent.kill('SIGKILL');
    await new Promise((r) => parent.on('exit', r));
    // Before the fix it spun on for the cell's 600 s limit; the test timeout is far shorter.
    await gone(child!);
  }, 60_000);

  it.runIf(existsSync('/proc/self/task'))('SIGTERM on halo exec: a message, exit 143, and its sandbox child gone', async () => {
    // Traces from stdin, kept open: the run is loading when the signal comes.
    const run = spawn(HALO_BIN, ['exec', '-e', 'traces.length', '-'], { cwd: mkdtempSync(join(tmpdir(), 'halo-signal-')), env: cliEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    run.stderr.on('data', (d) => (stderr += d));
    run.stdin.write(readFileSync(tiny, 'utf8').split('\n')[0] + '\n');
    await until(() => childrenOf(run.pid!).length > 0);
    const [child] = childrenOf(run.pid!);
    run.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => run.on('close', r));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/halo exec: interrupted \(SIGTERM\); the script was stopped/);
    await gone(child!);
  }, 60_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it.runIf(existsSync('/proc/self/task'))(`${signal} on halo analyze: a message, exit ${signal === 'SIGTERM' ? 143 : 130}, the lock released, the reports and the history as they were`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'halo-signal-'));
      const locks = join(cwd, '.halo', 'locks');
      mkdirSync(locks, { recursive: true });
      mkdirSync(join(cwd, 'r'));
      writeFileSync(join(cwd, 'r', 'findings.json'), 'the previous run\'s findings');
      // The run holds its lock from the start; traces come from stdin, which the test keeps open.
      const locked = new Promise<void>((resolve) => {
        const w = watch(locks, () => {
          if (existsSync(join(locks, 'default.lock'))) (w.close(), resolve());
        });
      });
      const run = spawn(HALO_BIN, ['analyze', '-', '--out', 'r'], { cwd, env: cliEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      run.stderr.on('data', (d) => (stderr += d));
      run.stdin.write(readFileSync(tiny, 'utf8').split('\n')[0] + '\n');
      await locked;
      // And its sandbox child is reading the traces.
      await until(() => childrenOf(run.pid!).length > 0);
      const [child] = childrenOf(run.pid!);
      run.kill(signal);
      const code = await new Promise<number | null>((r) => run.on('close', r));
      expect(code, stderr).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(stderr).toMatch(new RegExp(`halo analyze: interrupted \\(${signal}\\); the reports were left as they were and the run was not recorded`));
      expect(existsSync(join(locks, 'default.lock'))).toBe(false);
      expect(readFileSync(join(cwd, 'r', 'findings.json'), 'utf8')).toBe('the previous run\'s findings');
      expect(existsSync(join(cwd, '.halo', 'runs'))).toBe(false);
      await gone(child!);
    }, 60_000);
  }
});
