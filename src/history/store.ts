// Run history in a state directory (default `.halo/`):
//
//   .halo/lock                     held while a run writes (see lock.ts)
//   .halo/runs/<id>/findings.json  the run's findings, as written to --out
//   .halo/runs/<id>/run.json       the run's record (below); written last
//
// A run exists once its run.json exists, so a run killed mid-write is simply
// absent; there is no shared index to corrupt. Scopes keep schedules that
// hunt different failure classes (hourly reliability, daily cost) from
// marking each other's findings resolved.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FindingsFile } from '../findings/schema.ts';
import { writeFileAtomic } from './atomic.ts';
import { acquireLock, type Lock } from './lock.ts';

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
  window: { start: number | null; end: number | null };
  latestTrace: number | null;
  file: FindingsFile;
}

export class RunHistory {
  readonly dir: string;
  constructor(stateDir: string) {
    this.dir = stateDir;
  }

  private get runsDir() {
    return join(this.dir, 'runs');
  }

  lock(opts?: { staleMs?: number }): Lock {
    return acquireLock(this.dir, opts);
  }

  /** Every readable run, oldest first; unreadable records are skipped, never fatal. */
  runs(scope?: string): RunRecord[] {
    if (!existsSync(this.runsDir)) return [];
    const out: RunRecord[] = [];
    for (const id of readdirSync(this.runsDir)) {
      const p = join(this.runsDir, id, 'run.json');
      if (!existsSync(p)) continue;
      try {
        const rec = RunRecord.parse(JSON.parse(readFileSync(p, 'utf8')));
        if (!scope || rec.scope === scope) out.push(rec);
      } catch {
        /* a foreign or damaged file: ignore rather than block every later run */
      }
    }
    return out.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.id.localeCompare(b.id));
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
