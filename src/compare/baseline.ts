// What `--baseline` names, resolved to files and a window to load:
//   previous          the window of the same length just before this one
//   <from>..<to>      an explicit range (ISO times or relative durations)
//   <run id>          a run in the history: the window and inputs it analyzed
// and, with `baselineInputs`, other files altogether (release A against B).
import type { WindowSpec } from '../ingest/api.ts';
import { RunHistory } from '../history/store.ts';
import { UsageError } from '../errors.ts';

export interface BaselineSpec {
  /** 'previous', or the baseline's own window; absent: all of `files`. */
  window?: 'previous' | WindowSpec;
  /** Where the baseline's runs are read (default: the current run's files). */
  files?: string[];
  /** How reports and titles name it. */
  label?: string;
}

const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export class BaselineError extends UsageError {
  constructor(message: string) {
    super(message, { code: 'compare.baseline' });
    this.name = 'BaselineError';
  }
}

/** `--baseline` and `--baseline-inputs` as a spec; a run id is looked up in the state directory. */
export function parseBaseline(text: string | undefined, opts: { inputs?: string[]; stateDir?: string } = {}): BaselineSpec {
  const files = opts.inputs?.length ? { files: opts.inputs } : {};
  const t = text?.trim();
  if (!t) {
    if (!opts.inputs?.length) throw new BaselineError('--baseline needs a value: previous, <from>..<to>, or a run id from halo history');
    return { ...files, label: `${opts.inputs.join(', ')}` };
  }
  if (t === 'previous' || t === 'prev') return { window: 'previous', ...files, label: 'the previous window' };
  const range = /^(.+?)\.\.(.+)$/.exec(t);
  if (range) return { window: { since: range[1]!.trim(), until: range[2]!.trim() }, ...files, label: `${range[1]!.trim()} to ${range[2]!.trim()}` };
  if (RUN_ID.test(t)) return { ...fromRun(t, opts.stateDir ?? '.halo'), ...files };
  throw new BaselineError(`--baseline "${t}": expected previous, <from>..<to> (e.g. 2026-11-01..2026-11-08) or a run id such as 20261130T060000Z-1a2b3c (halo history lists them)`);
}

function fromRun(id: string, stateDir: string): BaselineSpec {
  const history = new RunHistory(stateDir);
  const rec = history.runs().find((r) => r.id === id);
  if (!rec) throw new BaselineError(`--baseline ${id}: no such run in ${stateDir} (halo history --state ${stateDir} lists them)`);
  const file = history.findingsFile(id);
  const files = file?.run.options.files;
  const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
  const window: WindowSpec = {};
  if (rec.window.start !== null) window.since = iso(rec.window.start);
  if (rec.window.end !== null) window.until = iso(rec.window.end);
  return {
    window,
    ...(Array.isArray(files) && files.every((f) => typeof f === 'string') ? { files: files as string[] } : {}),
    label: `run ${id}`,
  };
}

/** Fails before any work when `previous` is asked of a window that will have no start or no end. */
export function checkBaselineFits(spec: BaselineSpec, window: WindowSpec): void {
  if (spec.window !== 'previous') return;
  if (window.window !== undefined || (window.since !== undefined && window.until !== undefined)) return;
  throw new BaselineError('--baseline previous needs a window with a start and an end (e.g. --window 7d): with an open window there is no "before"');
}

/** The baseline's window in bounds, given this run's resolved window. */
export function baselineWindow(spec: BaselineSpec, current: { start: string | null; end: string | null }): WindowSpec {
  if (spec.window === undefined) return {};
  if (spec.window !== 'previous') return spec.window;
  if (!current.start || !current.end) {
    throw new BaselineError('--baseline previous needs a window with a start and an end (e.g. --window 7d): with an open window there is no "before"');
  }
  const start = Date.parse(current.start);
  const end = Date.parse(current.end);
  return { since: new Date(start - (end - start)).toISOString(), until: new Date(start).toISOString() };
}
