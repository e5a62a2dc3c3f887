// Connects scheduled runs to the exporters (src/export). Kept apart so the
// scheduler does not depend on tracker code it may never use.
import { join } from 'node:path';
import type { Exporter } from './job.ts';
import type { ExportOptions } from '../export/index.ts';

export interface ScheduledExportOptions {
  /** State directory; each target remembers its issues in <stateDir>/exports/<target>.json. */
  stateDir?: string;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  http?: ExportOptions['http'];
}

export async function exporterFromConfig(opts: ScheduledExportOptions = {}): Promise<Exporter> {
  const { exportFindings } = await import('../export/index.ts');
  return async (target, settings, file, signal) => {
    const out = join(opts.stateDir ?? '.halo', 'exports', `${target}.json`);
    const res = await exportFindings({
      target,
      file,
      settings,
      apply: true,
      ...(target === 'csv' ? {} : { out }),
      signal,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.http ? { http: opts.http } : {}),
    });
    const counts = { create: 0, update: 0, reopen: 0, skip: 0 };
    for (const p of res.plan) counts[p.action]++;
    const summary = `${res.destination}: ${counts.create} created, ${counts.update} updated, ${counts.reopen} reopened, ${counts.skip} unchanged`;
    if (res.errors) throw new Error(`${summary}; ${res.errors} failed (see ${out})`);
    return summary;
  };
}
