// Time windows: `--window 7d`, `--since`, `--until`. Pure: the isolate
// resolves the same window the host does.
//
// Anchoring: relative values count back from `now`, so a cron job running
// `--window 7d` analyzes the 7 days before it runs. `--until latest` anchors
// the window at the newest trace start in the data instead (and relative
// `--since` then counts back from there): that is how a data set with fixed
// timestamps, like the bundled sample, gives the same result on any date.
import type { TimeWindow, WindowSpec } from './api.ts';
import { UsageError } from '../errors.ts';
import { DURATION_HINT, isDuration, tryParseDuration } from '../duration.ts';

export class WindowError extends UsageError {
  constructor(message: string) {
    super(message, { code: 'window.invalid' });
    this.name = 'WindowError';
  }
}

/** Parses `7d`, `24h`, `90m`, `2w`, `30s`, `1d12h` into milliseconds (the grammar of src/duration.ts). */
export function parseDuration(text: string, what = 'duration'): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new WindowError(`invalid ${what} "${text}": expected ${DURATION_HINT}`);
  if (!(ms > 0)) throw new WindowError(`invalid ${what} "${text}": must be longer than zero`);
  return ms;
}

// Zone-less date-times would otherwise be read in the machine's local zone,
// making the same command give different windows on different machines.
const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parses an ISO date or date-time; times without a zone are UTC. */
export function parseInstant(text: string, what = 'time'): number {
  const s = String(text).trim();
  if (ISO.test(s)) {
    const t = Date.parse(ZONELESS.test(s) ? `${s.replace(' ', 'T')}Z` : s.replace(' ', 'T'));
    if (Number.isFinite(t)) return t;
  }
  throw new WindowError(
    `invalid ${what} "${text}": expected an ISO date (2025-01-31, 2025-01-31T12:00:00Z) or a relative duration (3d, 24h)`,
  );
}

/**
 * Resolves a window as written by the user into epoch-ms bounds. A trace
 * belongs to the result when `start <= trace.startTime < end` (null = open).
 * `anchors.latest` is the newest trace start in the data (null when empty).
 */
export function resolveWindow(spec: WindowSpec, anchors: { now: number; latest: number | null }): TimeWindow {
  const { window, since, until } = spec;
  if (window !== undefined && since !== undefined && until !== undefined) {
    throw new WindowError('use at most two of --window, --since and --until');
  }

  const latest = until !== undefined && until.trim().toLowerCase() === 'latest';
  if (latest && anchors.latest === null) return { start: null, end: null };
  // `latest` is the newest trace's own start; +1 keeps it inside the
  // end-exclusive window.
  const base = latest ? anchors.latest! + 1 : anchors.now;

  let end: number | null = null;
  if (until !== undefined && !latest) {
    const u = until.trim().toLowerCase();
    end = u === 'now' ? anchors.now : isDuration(u) ? anchors.now - parseDuration(u, '--until') : parseInstant(until, '--until');
  } else if (latest) {
    end = base;
  }

  let start: number | null = null;
  if (since !== undefined) {
    start = isDuration(since) ? base - parseDuration(since, '--since') : parseInstant(since, '--since');
  }

  if (window !== undefined) {
    const w = parseDuration(window, '--window');
    if (start !== null) end = start + w;
    else {
      if (end === null) end = anchors.now;
      start = end - w;
    }
  }

  if (start !== null && end !== null && start >= end) {
    throw new WindowError(
      `empty window: start ${iso(start)} is not before end ${iso(end)}`,
    );
  }
  return { start, end };
}

function iso(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/**
 * Checks a window's syntax before any data is read, so a typo fails in
 * milliseconds rather than after loading a week of traces. Throws WindowError.
 */
export function checkWindowSpec(spec: WindowSpec, now = Date.now()): void {
  resolveWindow(spec, { now, latest: now });
}

/** True when a trace starting at `t` falls inside the window. */
export function inWindow(t: number, w: TimeWindow): boolean {
  return (w.start === null || t >= w.start) && (w.end === null || t < w.end);
}
