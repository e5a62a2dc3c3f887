// Matches this run's findings to earlier runs by fingerprint:
//   new        never seen in this scope before
//   recurring  present in the previous run too
//   regressed  seen in an earlier run, absent from the previous one, back now
//   resolved   present in the previous run, absent now
// Pure, so it is easy to test and reuse from the scheduler and exporters.
import type { FindingsFile } from '../findings/schema.ts';
import type { RunRecord } from './store.ts';

export type FindingStatus = 'new' | 'recurring' | 'regressed';

export interface TrendPoint {
  runId: string;
  at: string;
  traces: number;
  share: number;
}

/** How many earlier runs a trend shows. */
export const TREND_RUNS = 20;

export function annotateWithHistory(file: FindingsFile, previous: RunRecord[]): FindingsFile {
  const last = previous.length ? previous[previous.length - 1]! : null;
  const lastFps = new Set(last?.findings.map((f) => f.fingerprint) ?? []);
  const everSeen = new Set(previous.flatMap((r) => r.findings.map((f) => f.fingerprint)));
  const recent = previous.slice(-TREND_RUNS);
  const present = new Set(file.findings.map((f) => f.fingerprint));

  const findings = file.findings.map((f) => {
    const status: FindingStatus = lastFps.has(f.fingerprint)
      ? 'recurring'
      : everSeen.has(f.fingerprint)
        ? 'regressed'
        : 'new';
    // Absent runs count as zero so a chart shows the gap a regression left.
    const trend: TrendPoint[] = recent.map((r) => {
      const hit = r.findings.find((x) => x.fingerprint === f.fingerprint);
      return { runId: r.id, at: r.finishedAt, traces: hit?.traces ?? 0, share: hit?.share ?? 0 };
    });
    return { ...f, status, trend };
  });

  const resolved = (last?.findings ?? [])
    .filter((f) => !present.has(f.fingerprint))
    .map((f) => ({ fingerprint: f.fingerprint, title: f.title, lastSeen: last!.finishedAt }));

  return { ...file, findings, resolved };
}

/** One finding's prevalence across every run of a scope, for `halo history --finding`. */
export function trajectory(runs: RunRecord[], fingerprint: string) {
  return runs.map((r) => {
    const hit = r.findings.find((f) => f.fingerprint === fingerprint || f.fingerprint.startsWith(fingerprint));
    return { runId: r.id, at: r.finishedAt, present: Boolean(hit), traces: hit?.traces ?? 0, share: hit?.share ?? 0, title: hit?.title };
  });
}

/**
 * Where --since-last-run continues: the end of the last run's data. Windows
 * include their start, so a run that ended at its newest trace continues one
 * millisecond past it; otherwise that trace would be read again by every run.
 */
export function sinceLastRun(last: RunRecord | null): number | null {
  if (!last) return null;
  return last.window.end ?? (last.latestTrace !== null ? last.latestTrace + 1 : Date.parse(last.finishedAt));
}
