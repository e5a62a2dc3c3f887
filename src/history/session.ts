// One analysis run's use of the state directory: hold the lock for the whole
// run (a second cron tick fails fast instead of interleaving), annotate the
// findings against earlier runs before any report is written, and record the
// run only once it has succeeded, so --since-last-run continues from the last
// run that finished.
import type { FindingsFile } from '../findings/schema.ts';
import { annotateWithHistory, sinceLastRun } from './diff.ts';
import type { Lock } from './lock.ts';
import { RunHistory, type RunRecord } from './store.ts';

export interface HistorySession {
  /** Where --since-last-run starts (epoch ms), or null when this scope has no run yet. */
  readonly since: number | null;
  beforeWrite(file: FindingsFile): FindingsFile;
  commit(file: FindingsFile): RunRecord;
  release(): void;
}

const ms = (iso: unknown): number | null => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);

export function openHistorySession(stateDir: string, scope = 'default'): HistorySession {
  const history = new RunHistory(stateDir);
  const lock: Lock = history.lock();
  try {
    const previous = history.runs(scope);
    const since = sinceLastRun(previous.at(-1) ?? null);
    return {
      since,
      beforeWrite: (file) => annotateWithHistory(file, previous),
      commit(file) {
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
