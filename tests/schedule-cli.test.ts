// `halo schedule` as a real long-running process: cron ticks run analyses into
// per-schedule history, SIGTERM stops it cleanly, --once and --list work.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, RunHistory } from '../src/history/index.ts';

const root = new URL('..', import.meta.url).pathname;
const halo = join(root, 'bin/halo');
const tiny = join(root, 'tests/fixtures/halo/tiny_traces.jsonl');
const medium = join(root, 'tests/fixtures/halo/medium_traces.jsonl');
const env = { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' };

function project(schedules: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'halo-sched-'));
  writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ inputs: [tiny], formats: ['json'], schedules }));
  return dir;
}

describe('halo schedule', () => {
  it('runs each schedule on its cron ticks into its own history and stops cleanly on SIGTERM', async () => {
    const dir = project([
      { name: 'fast', cron: '* * * * * *', offline: true },
      { name: 'medium', cron: '*/2 * * * * *', offline: true, inputs: [medium] },
    ]);
    const child = spawn(halo, ['schedule'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const history = new RunHistory(join(dir, '.halo'));
    // Wait (bounded by the test timeout) for two runs of "fast" and one of "medium" to be logged as finished.
    await new Promise<void>((enough) => {
      const count = (job: string) => stderr.split('\n').filter((l) => l.includes(` ${job}: run finished`)).length;
      child.stderr.on('data', () => {
        if (count('fast') >= 2 && count('medium') >= 1) enough();
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping/);
    expect(stderr).toMatch(/stopped/);
    const fast = history.runs('fast');
    expect(fast[0]!.traces).toBe(3);
    expect(history.runs('medium')[0]!.traces).toBe(500);
    // The second run of a schedule sees the first: its findings recur.
    const second = history.findingsFile(fast[1]!.id)!;
    expect(second.findings.every((f) => f.status === 'recurring')).toBe(true);
  }, 120_000);

  it('--once runs one schedule now and exits; --list shows the next runs', () => {
    const dir = project([{ name: 'nightly', cron: '0 3 * * *', offline: true, window: '3650d' }]);
    const once = spawnSync(halo, ['schedule', '--once', 'nightly'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    expect(once.status, once.stderr).toBe(0);
    expect(new RunHistory(join(dir, '.halo')).runs('nightly')).toHaveLength(1);
    const list = spawnSync(halo, ['schedule', '--list'], { cwd: dir, env, encoding: 'utf8' });
    expect(list.stdout).toMatch(/^nightly\s+0 3 \* \* \*\s+next \d{4}-\d\d-\d\dT03:00:00/m);
    const missing = spawnSync(halo, ['schedule', '--once', 'nope'], { cwd: dir, env, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no schedule named "nope"/);
  }, 120_000);

  it('one lock per schedule: a manual run does not block it; a second run of the same schedule exits 2, as documented', () => {
    const dir = project([{ name: 'nightly', cron: '0 3 * * *', offline: true, prompt: 'refund failures' }]);
    const state = join(dir, '.halo');
    // A long manual `halo analyze` (scope "default") is going on.
    const manual = acquireLock(state, { scope: 'default' });
    try {
      const once = spawnSync(halo, ['schedule', '--once', 'nightly'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
      expect(once.status, once.stderr).toBe(0);
      expect(once.stderr).toMatch(/nightly: note: "prompt" is read only by a model, and this schedule is offline: ignored/);
      // Another run of this very schedule is going on.
      const other = acquireLock(state, { scope: 'nightly' });
      try {
        const locked = spawnSync(halo, ['schedule', '--once', 'nightly'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
        expect(locked.status, locked.stderr).toBe(2);
        expect(locked.stderr).toMatch(/nightly: tick skipped: scope "nightly" is locked by another run \(pid \d+ .*; not retried/);
      } finally {
        other.release();
      }
    } finally {
      manual.release();
    }
    expect(new RunHistory(state).runs('nightly')).toHaveLength(1);
  }, 120_000);
});
