// Run history in a state directory (default `.halo/`):
//
//   .halo/lock                     held while a run's record is written (see lock.ts)
//   .halo/locks/<scope>.lock       held for the whole run of a scope
//   .halo/runs/<id>/findings.json  the run's findings, as written to --out
//   .halo/runs/<id>/run.json       the run's record (below); written last
//
// A run exists once its run.json exists, so a run killed mid-write is simply
// absent; there is no shared index to corrupt. A run.json that cannot be read
// is listed as corrupted, never silently dropped. Scopes keep schedules that
// hunt different failure classes (hourly reliability, daily cost) from
// marking each other's findings resolved; within a scope, a run's profile
// (window length + inputs) keeps runs that looked at different slices of the
// data from being compared as if they were the same series.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FindingsFile } from '../findings/schema.ts';
import { writeFileAtomic } from './atomic.ts';
import { acquireLock, type Lock, type LockOptions } from './lock.ts';

export const RunRecord = z.object({
  id: z.string(),
  scope: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The data window the run covered (epoch ms), used by --since-last-run. */
  window: z.object({ start: z.number().nullable(), end: z.number().nullable() }),
  /** Newest trace start the run saw; --since-last-run continues from here when the window had no end. */
  latestTrace: z.number().nullable(),
  mode: z.string(),
  partial: z.boolean(),
  traces: z.number(),
  /** Window length and inputs of the run; runs compare only with runs of the same profile. Absent in older records. */
  profile: z.string().optional(),
  findings: z.array(
    z.object({
      fingerprint: z.string(),
      title: z.string(),
      severity: z.string(),
      category: z.string(),
      traces: z.number(),
      share: z.number(),
    }),
  ),
});
export type RunRecord = z.infer<typeof RunRecord>;

export interface RecordRunInput {
  scope: string;
  profile?: string;
  window: { start: number | null; end: number | null };
  latestTrace: number | null;
  file: FindingsFile;
}

export interface CorruptedRun {
  id: string;
  path: string;
  reason: string;
}

/** Runs kept per scope when nothing else is configured. */
export const DEFAULT_KEEP = 100;

export class RunHistory {
  readonly dir: string;
  constructor(stateDir: string) {
    this.dir = stateDir;
  }

  private get runsDir() {
    return join(this.dir, 'runs');
  }

  lock(opts?: LockOptions): Lock {
    return acquireLock(this.dir, opts);
  }

  /** Every readable run (oldest first), and every run.json that could not be read. */
  scan(scope?: string): { runs: RunRecord[]; corrupted: CorruptedRun[] } {
    if (!existsSync(this.runsDir)) return { runs: [], corrupted: [] };
    const out: RunRecord[] = [];
    const corrupted: CorruptedRun[] = [];
    for (const id of readdirSync(this.runsDir)) {
      const p = join(this.runsDir, id, 'run.json');
      if (!existsSync(p)) continue;
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(p, 'utf8'));
      } catch (err) {
        corrupted.push({ id, path: p, reason: `not valid JSON (${(err as Error).message})` });
        continue;
      }
      const rec = RunRecord.safeParse(data);
      if (!rec.success) {
        const first = rec.error.issues[0];
        corrupted.push({ id, path: p, reason: `not a run record (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unexpected shape'})` });
        continue;
      }
      if (!scope || rec.data.scope === scope) out.push(rec.data);
    }
    return { runs: out.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.id.localeCompare(b.id)), corrupted: corrupted.sort((a, b) => a.id.localeCompare(b.id)) };
  }

  /** Every readable run, oldest first; a damaged record never blocks later runs (`scan` lists it). */
  runs(scope?: string): RunRecord[] {
    return this.scan(scope).runs;
  }

  /** Deletes all but the newest `keep` runs of `scope`; returns the ids removed. */
  prune(scope: string, keep: number): string[] {
    const runs = this.runs(scope);
    const drop = runs.slice(0, Math.max(0, runs.length - keep));
    for (const r of drop) rmSync(join(this.runsDir, r.id), { recursive: true, force: true });
    return drop.map((r) => r.id);
  }

  last(scope: string): RunRecord | null {
    const runs = this.runs(scope);
    return runs.length ? runs[runs.length - 1]! : null;
  }

  findingsFile(runId: string): FindingsFile | null {
    const p = join(this.runsDir, runId, 'findings.json');
    if (!existsSync(p)) return null;
    return JSON.parse(readFileSync(p, 'utf8')) as FindingsFile;
  }

  /** Writes the run: findings first, the record last (its presence marks the run complete). */
  record(input: RecordRunInput): RunRecord {
    const { file } = input;
    const rec: RunRecord = {
      id: file.run.id,
      scope: input.scope,
      startedAt: file.run.startedAt,
      finishedAt: file.run.finishedAt,
      window: input.window,
      latestTrace: input.latestTrace,
      mode: file.run.mode,
      partial: file.run.partial,
      traces: Number((file.dataset as { traces?: number }).traces ?? 0),
      ...(input.profile ? { profile: input.profile } : {}),
      findings: file.findings.map((f) => ({
        fingerprint: f.fingerprint,
        title: f.title,
        severity: f.severity,
        category: f.category,
        traces: f.prevalence.traces,
        share: f.prevalence.share,
      })),
    };
    const dir = join(this.runsDir, rec.id);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, 'findings.json'), JSON.stringify(file, null, 2) + '\n');
    writeFileAtomic(join(dir, 'run.json'), JSON.stringify(rec, null, 2) + '\n');
    return rec;
  }
}
