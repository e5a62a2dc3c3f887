// One analysis run's use of the state directory: hold its scope's lock for
// the whole run (a second cron tick of the same schedule fails fast instead of
// interleaving; other scopes run on) and the store lock only while the record
// is written, annotate the
// findings against earlier runs before any report is written, and record the
// run only once it has succeeded, so --since-last-run continues from the last
// run that finished. A run that loaded no traces (an empty input, or nothing
// new since the last run) says nothing about which failures are gone, so it is
// neither compared nor recorded: otherwise every finding would read as resolved
// and then as regressed on the next run.
import type { FindingsFile } from '../findings/schema.ts';
import { annotateWithHistory, sinceLastRun } from './diff.ts';
import type { Lock } from './lock.ts';
import { DEFAULT_KEEP, RunHistory, type RunRecord } from './store.ts';

export interface HistorySession {
  /** Where --since-last-run starts (epoch ms), or null when this scope has no run yet. */
  readonly since: number | null;
  /** Set when earlier runs in the scope had another profile (window length or inputs): they are not compared. */
  readonly warning: string | null;
  /** Set when the scope's lock was left by a run that is gone and was taken over. */
  readonly notice: string | null;
  beforeWrite(file: FindingsFile): FindingsFile;
  /** Records the run; null when it loaded no traces and so was not recorded. */
  commit(file: FindingsFile): RunRecord | null;
  release(): void;
}

/** How long a finished run waits for another run's record to be written before it gives up. */
const STORE_LOCK_WAIT_MS = 30_000;

const loadedNoTraces = (file: FindingsFile): boolean => (file.dataset as { traces?: unknown }).traces === 0;

const ms = (iso: unknown): number | null => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);

export interface SessionOptions {
  /** Window length and inputs (see runProfile); runs compare only with runs of the same profile. */
  profile?: string;
  /** Runs to keep in the scope; older ones are deleted after each recorded run. */
  keep?: number;
}

/**
 * A run's profile: the window's length (not its position: a daily cron moves
 * the window every run) and the inputs as given. Runs over a 24 h window and
 * over 7 days, or over different data, are different series: comparing them
 * would call findings resolved and regressed by turns.
 */
export function runProfile(window: { window?: string; since?: string; until?: string; sinceLastRun?: boolean }, inputs: string[]): string {
  const w = window.sinceLastRun ? 'since-last-run' : window.window ? `last ${window.window}` : window.since || window.until ? `${window.since ?? '…'} to ${window.until ?? 'now'}` : 'all';
  return `window ${w}; inputs ${[...inputs].sort().join(', ')}`;
}

export function openHistorySession(stateDir: string, scope = 'default', opts: SessionOptions = {}): HistorySession {
  const history = new RunHistory(stateDir);
  const lock: Lock = history.lock({ scope });
  try {
    const all = history.runs(scope);
    const previous = opts.profile ? all.filter((r) => !r.profile || r.profile === opts.profile) : all;
    const last = all.at(-1);
    const warning =
      opts.profile && last?.profile && last.profile !== opts.profile
        ? `scope "${scope}" holds runs with other settings (last: ${last.profile}); this run (${opts.profile}) is compared only with runs like it` +
          (previous.length ? '' : ', and there are none yet, so every finding is new') +
          '. Give runs with other settings their own --scope to keep the histories apart.'
        : null;
    // "Since the last run" means the last run of the scope, whatever its settings.
    const since = sinceLastRun(last ?? null);
    return {
      since,
      warning,
      notice: lock.takenOver,
      beforeWrite: (file) => (loadedNoTraces(file) ? file : annotateWithHistory(file, previous)),
      commit(file) {
        if (loadedNoTraces(file)) return null;
        const ds = file.dataset as { window?: { start?: string | null; end?: string | null }; timeRange?: { end?: string } | null };
        // Other scopes' runs write too: the store is theirs for the few milliseconds a record takes.
        const writing = history.lock({ waitMs: STORE_LOCK_WAIT_MS });
        try {
          const rec = history.record({
            scope,
            ...(opts.profile ? { profile: opts.profile } : {}),
            window: { start: ms(ds.window?.start), end: ms(ds.window?.end) },
            latestTrace: ms(ds.timeRange?.end),
            file,
          });
          history.prune(scope, opts.keep ?? DEFAULT_KEEP);
          return rec;
        } finally {
          writing.release();
        }
      },
      release: () => lock.release(),
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
