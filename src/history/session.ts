// One analysis run's use of the state directory: hold the lock for the whole
// run (a second cron tick fails fast instead of interleaving), annotate the
// findings against earlier runs before any report is written, and record the
// run only once it has succeeded, so --since-last-run continues from the last
// run that finished. A run that loaded no traces (an empty input, or nothing
// new since the last run) says nothing about which failures are gone, so it is
// neither compared nor recorded: otherwise every finding would read as resolved
// and then as regressed on the next run.
import type { FindingsFile } from '../findings/schema.ts';
import { annotateWithHistory, sinceLastRun } from './diff.ts';
import type { Lock } from './lock.ts';
import { RunHistory, type RunRecord } from './store.ts';

export interface HistorySession {
  /** Where --since-last-run starts (epoch ms), or null when this scope has no run yet. */
  readonly since: number | null;
  beforeWrite(file: FindingsFile): FindingsFile;
  /** Records the run; null when it loaded no traces and so was not recorded. */
  commit(file: FindingsFile): RunRecord | null;
  release(): void;
}

const loadedNoTraces = (file: FindingsFile): boolean => (file.dataset as { traces?: unknown }).traces === 0;

const ms = (iso: unknown): number | null => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);

export function openHistorySession(stateDir: string, scope = 'default'): HistorySession {
  const history = new RunHistory(stateDir);
  const lock: Lock = history.lock();
  try {
    const previous = history.runs(scope);
    const since = sinceLastRun(previous.at(-1) ?? null);
    return {
      since,
      beforeWrite: (file) => (loadedNoTraces(file) ? file : annotateWithHistory(file, previous)),
      commit(file) {
        if (loadedNoTraces(file)) return null;
        const ds = file.dataset as { window?: { start?: string | null; end?: string | null }; timeRange?: { end?: string } | null };
        return history.record({
          scope,
          window: { start: ms(ds.window?.start), end: ms(ds.window?.end) },
          latestTrace: ms(ds.timeRange?.end),
          file,
        });
      },
      release: () => lock.release(),
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
