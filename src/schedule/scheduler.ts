// A long-running scheduler: one cron per schedule, at most one run per
// schedule at a time (a tick that arrives while the previous run is still
// going, here or in another process holding the schedule's lock, is skipped
// and logged, never queued; the next tick tries again), catch-up of a missed tick at
// start, and a clean stop: SIGTERM lets the current runs finish within a
// grace period, then aborts them through their AbortSignal.
import { Cron } from 'croner';
import { LockedError } from '../history/lock.ts';

export interface ScheduledJob {
  name: string;
  cron: string;
  timezone?: string;
  catchUp?: boolean;
}

export type SchedulerEvent =
  | { type: 'start'; job: string; reason: 'tick' | 'catch-up' | 'manual'; at: Date }
  | { type: 'finish'; job: string; ok: boolean; error?: string; ms: number }
  /** `locked`: another run holds the schedule's lock; the next tick tries again. */
  | { type: 'skip'; job: string; reason: string; locked?: boolean }
  | { type: 'next'; job: string; at: Date | null };

export interface SchedulerOptions {
  jobs: ScheduledJob[];
  run: (job: ScheduledJob, signal: AbortSignal) => Promise<void>;
  /** When each job last completed, for catch-up (usually from run history). */
  lastRun?: (job: ScheduledJob) => Date | null;
  onEvent?: (e: SchedulerEvent) => void;
  now?: () => Date;
}

export class Scheduler {
  private crons = new Map<string, Cron>();
  private running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  private stopping = false;

  constructor(private readonly opts: SchedulerOptions) {}

  start(): void {
    const now = this.opts.now?.() ?? new Date();
    for (const job of this.opts.jobs) {
      const cron = new Cron(job.cron, { timezone: job.timezone, catch: true }, () => {
        void this.trigger(job.name, 'tick');
      });
      this.crons.set(job.name, cron);
      this.emit({ type: 'next', job: job.name, at: cron.nextRun() });
      if (job.catchUp) {
        const last = this.opts.lastRun?.(job) ?? null;
        const due = cron.previousRuns(1, now)[0];
        if (due && (!last || last < due)) void this.trigger(job.name, 'catch-up');
      }
    }
  }

  /** Starts a run of `name` unless one is in progress; resolves when that run ends. */
  async trigger(name: string, reason: 'tick' | 'catch-up' | 'manual' = 'manual'): Promise<void> {
    const job = this.opts.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown schedule "${name}"`);
    if (this.stopping) {
      this.emit({ type: 'skip', job: name, reason: 'scheduler is stopping' });
      return;
    }
    if (this.running.has(name)) {
      this.emit({ type: 'skip', job: name, reason: 'previous run still in progress' });
      return;
    }
    const abort = new AbortController();
    const started = Date.now();
    this.emit({ type: 'start', job: name, reason, at: new Date() });
    const promise = (async () => {
      try {
        await this.opts.run(job, abort.signal);
        this.emit({ type: 'finish', job: name, ok: true, ms: Date.now() - started });
      } catch (err) {
        if (err instanceof LockedError) {
          // Not a failure of this schedule: someone else is analyzing its scope right now.
          const next = this.stopping ? null : (this.crons.get(name)?.nextRun() ?? null);
          this.emit({ type: 'skip', job: name, locked: true, reason: `${err.message}; ${next ? `retried at the next tick, ${next.toISOString()}` : 'not retried'}` });
          return;
        }
        this.emit({ type: 'finish', job: name, ok: false, error: (err as Error)?.message ?? String(err), ms: Date.now() - started });
      } finally {
        this.running.delete(name);
        const cron = this.crons.get(name);
        if (cron && !this.stopping) this.emit({ type: 'next', job: name, at: cron.nextRun() });
      }
    })();
    this.running.set(name, { promise, abort });
    return promise;
  }

  get busy(): string[] {
    return [...this.running.keys()];
  }

  /** Stops ticking; waits up to `graceMs` for current runs, then aborts them and waits for them to unwind. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    for (const c of this.crons.values()) c.stop();
    const all = () => Promise.all([...this.running.values()].map((r) => r.promise));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all().then(() => false),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const r of this.running.values()) r.abort.abort(new Error('scheduler stopped'));
      await all();
    }
  }

  private emit(e: SchedulerEvent) {
    this.opts.onEvent?.(e);
  }
}
