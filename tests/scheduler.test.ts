import { describe, expect, it } from 'vitest';
import { Scheduler, type SchedulerEvent } from '../src/schedule/scheduler.ts';
import { LockedError } from '../src/history/lock.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('scheduler', () => {
  it('skips a tick while the previous run of the same schedule is still going', async () => {
    const gate = deferred();
    const events: SchedulerEvent[] = [];
    let runs = 0;
    const s = new Scheduler({
      jobs: [{ name: 'reliability', cron: '0 * * * *' }],
      run: async () => { runs++; await gate.promise; },
      onEvent: (e) => events.push(e),
    });
    const first = s.trigger('reliability', 'tick');
    await s.trigger('reliability', 'tick');
    expect(events.some((e) => e.type === 'skip' && e.reason === 'previous run still in progress')).toBe(true);
    gate.resolve();
    await first;
    await s.trigger('reliability', 'tick');
    expect(runs).toBe(2);
  });

  it('a tick whose schedule another run holds locked is skipped with a notice, and the next tick runs', async () => {
    const events: SchedulerEvent[] = [];
    let locked = true;
    let runs = 0;
    const s = new Scheduler({
      jobs: [{ name: 'reliability', cron: '0 * * * *' }],
      run: async () => {
        if (locked) throw new LockedError('/state/locks/reliability.lock', 'pid 1 on host, since then', 'scope "reliability"');
        runs++;
      },
      onEvent: (e) => events.push(e),
    });
    s.start();
    await s.trigger('reliability', 'tick');
    const skip = events.find((e) => e.type === 'skip');
    expect(skip).toMatchObject({ type: 'skip', job: 'reliability', locked: true });
    expect((skip as { reason: string }).reason).toMatch(/^scope "reliability" is locked by another run .*; retried at the next tick, \d{4}-\d\d-\d\dT\d\d:00:00/);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    locked = false;
    await s.trigger('reliability', 'tick');
    expect(runs).toBe(1);
    expect(events.at(-2)).toMatchObject({ type: 'finish', job: 'reliability', ok: true });
    await s.stop(0);
  });

  it('runs different schedules independently', async () => {
    const gate = deferred();
    const ran: string[] = [];
    const s = new Scheduler({
      jobs: [{ name: 'a', cron: '* * * * *' }, { name: 'b', cron: '* * * * *' }],
      run: async (job) => { ran.push(job.name); if (job.name === 'a') await gate.promise; },
    });
    const a = s.trigger('a');
    await s.trigger('b');
    expect(ran).toEqual(['a', 'b']);
    gate.resolve();
    await a;
  });

  it('catches up a missed tick at start when the last run is older than the last scheduled time', async () => {
    const ran: string[] = [];
    const now = new Date('2026-11-23T10:30:00Z');
    const s = new Scheduler({
      jobs: [
        { name: 'missed', cron: '0 * * * *', catchUp: true },
        { name: 'fresh', cron: '0 * * * *', catchUp: true },
        { name: 'no-catch-up', cron: '0 * * * *' },
      ],
      now: () => now,
      lastRun: (job) => (job.name === 'missed' ? new Date('2026-11-23T09:00:05Z') : new Date('2026-11-23T10:00:05Z')),
      run: async (job) => { ran.push(job.name); },
    });
    s.start();
    await new Promise((r) => setImmediate(r));
    await s.stop(1000);
    expect(ran).toEqual(['missed']);
  });

  it('on stop, lets a run finish inside the grace period', async () => {
    let finished = false;
    const gate = deferred();
    const s = new Scheduler({
      jobs: [{ name: 'x', cron: '0 0 * * *' }],
      run: async () => { await gate.promise; finished = true; },
    });
    void s.trigger('x');
    // The run ends only after stop() began: stop waits for it.
    const stopped = s.stop(60_000);
    gate.resolve();
    await stopped;
    expect(finished).toBe(true);
  });

  it('on stop, aborts a run that outlives the grace period and waits for it to unwind', async () => {
    const events: SchedulerEvent[] = [];
    let sawAbort = false;
    const s = new Scheduler({
      jobs: [{ name: 'slow', cron: '0 0 * * *' }],
      onEvent: (e) => events.push(e),
      run: (_job, signal) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener('abort', () => { sawAbort = true; reject(new Error('aborted')); });
        }),
    });
    void s.trigger('slow');
    await s.stop(20);
    expect(sawAbort).toBe(true);
    expect(events.find((e) => e.type === 'finish')).toMatchObject({ ok: false, error: 'aborted' });
    expect(s.busy).toEqual([]);
    // Nothing new starts once stopping.
    await s.trigger('slow');
    expect(events.at(-1)).toMatchObject({ type: 'skip', reason: 'scheduler is stopping' });
  });

  it('fires on real cron ticks', async () => {
    const done = deferred();
    let n = 0;
    const s = new Scheduler({
      jobs: [{ name: 'every-second', cron: '* * * * * *' }],
      run: async () => { if (++n === 2) done.resolve(); },
    });
    s.start();
    await done.promise;
    await s.stop(1000);
    expect(n).toBeGreaterThanOrEqual(2);
  });
});
