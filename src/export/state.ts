// export-result.json: per destination (tracker + repository/team/project),
// fingerprint → issue URL and last action, merged across runs. The next run
// reads it as local state, because tracker search indexes lag and a
// just-created issue may not be searchable yet.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../history/atomic.ts';
import { EXPORT_TARGETS, type ExportResultFile, type ExportStateFile, type ExportTarget } from './types.ts';

const ResultItem = z.object({
  action: z.enum(['create', 'update', 'reopen', 'skip']),
  title: z.string(),
  url: z.string().optional(),
  id: z.string().min(1).optional(),
  key: z.string().optional(),
  digest: z.string().optional(),
  at: z.string(),
  error: z.string().optional(),
  pending: z.string().optional(),
});
const Section = z.object({
  target: z.enum(EXPORT_TARGETS),
  destination: z.string(),
  at: z.string(),
  applied: z.boolean(),
  items: z.record(z.string(), ResultItem),
});
// Version 1 held one destination at the top level; read it as that destination.
const V1 = Section.extend({ schemaVersion: z.literal(1) });
const V2 = z.object({ schemaVersion: z.literal(2), destinations: z.record(z.string(), Section) });
const StateFile = z.union([V2, V1]);

function load(path: string): ExportStateFile | null {
  if (!existsSync(path)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message}); delete it or pass another --state file`);
  }
  const parsed = StateFile.safeParse(data);
  if (!parsed.success) throw new InputError(`${path}: not an export result file: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  if (parsed.data.schemaVersion === 2) return parsed.data as ExportStateFile;
  const { schemaVersion: _v, ...section } = parsed.data;
  return { schemaVersion: 2, destinations: { [section.destination]: section as ExportResultFile } };
}

/** Fingerprint → issue URL over every destination of a result file (alerts link the tracker issue); empty when the file is absent. */
export function issueUrls(path: string): Map<string, string> {
  const out = new Map<string, string>();
  const file = load(path);
  for (const section of Object.values(file?.destinations ?? {})) for (const [fp, item] of Object.entries(section.items)) if (item.url) out.set(fp, item.url);
  return out;
}

/** The previous result for this destination, or null (missing file, or only other destinations in it). */
export function readExportState(path: string, destination: string, note: (m: string) => void): ExportResultFile | null {
  const file = load(path);
  if (!file) return null;
  const mine = file.destinations[destination];
  if (!mine) {
    const others = Object.keys(file.destinations);
    if (others.length) note(`${path} has no exports to ${destination} yet (it holds ${others.join(', ')}, which are kept)`);
    return null;
  }
  return mine;
}

export function emptyState(target: ExportTarget, destination: string): ExportResultFile {
  return { target, destination, at: new Date().toISOString(), applied: false, items: {} };
}

/** Writes this destination's section, keeping every other destination's. */
export function writeExportState(path: string, state: ExportResultFile): void {
  const file = load(path) ?? { schemaVersion: 2, destinations: {} };
  file.destinations[state.destination] = state;
  writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n');
}

