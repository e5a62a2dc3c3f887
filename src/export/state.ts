// export-result.json: fingerprint → issue URL and last action, merged across
// runs. The next run reads it as local state, because tracker search indexes
// lag and a just-created issue may not be searchable yet.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../history/atomic.ts';
import type { ExportResultFile, ExportTarget } from './types.ts';

const ResultItem = z.object({
  action: z.enum(['create', 'update', 'reopen', 'skip']),
  title: z.string(),
  url: z.string().optional(),
  id: z.string().optional(),
  key: z.string().optional(),
  digest: z.string().optional(),
  at: z.string(),
  error: z.string().optional(),
});
const ResultFile = z.object({
  schemaVersion: z.literal(1),
  target: z.enum(['github', 'linear', 'jira', 'csv']),
  destination: z.string(),
  at: z.string(),
  applied: z.boolean(),
  items: z.record(z.string(), ResultItem),
});

/** The previous result for this destination, or null (missing file, other destination). */
export function readExportState(path: string, destination: string, warn: (m: string) => void): ExportResultFile | null {
  if (!existsSync(path)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message}); delete it or pass another --state file`);
  }
  const parsed = ResultFile.safeParse(data);
  if (!parsed.success) throw new Error(`${path}: not an export result file: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  if (parsed.data.destination !== destination) {
    warn(`${path} records exports to ${parsed.data.destination}, not ${destination}; not using it as state`);
    return null;
  }
  return parsed.data as ExportResultFile;
}

export function emptyState(target: ExportTarget, destination: string): ExportResultFile {
  return { schemaVersion: 1, target, destination, at: new Date().toISOString(), applied: false, items: {} };
}

export function writeExportState(path: string, state: ExportResultFile): void {
  writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n');
}
