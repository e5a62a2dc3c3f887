// findings.json: the machine-readable result of a run (schema/findings.schema.json).
// Built through the zod schema so what we write is exactly what we publish.
import { join } from 'node:path';
import { FINDINGS_SCHEMA_VERSION, FindingsFile, type Finding } from '../findings/schema.ts';
import { writeFileAtomic } from '../history/atomic.ts';

export interface FindingsFileInput {
  run: Omit<FindingsFile['run'], 'engineVersion'> & { engineVersion: string };
  dataset: Record<string, unknown>;
  summary: string;
  outcomes?: FindingsFile['outcomes'];
  verification: FindingsFile['verification'];
  findings: Finding[];
  resolved?: FindingsFile['resolved'];
}

export function buildFindingsFile(input: FindingsFileInput): FindingsFile {
  const parsed = FindingsFile.safeParse({ schemaVersion: FINDINGS_SCHEMA_VERSION, ...input });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`findings.json would not match its schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function renderFindingsJson(file: FindingsFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

/** Writes `<dir>/findings.json` atomically; returns its path. */
export function writeFindingsJson(dir: string, file: FindingsFile): string {
  const path = join(dir, 'findings.json');
  writeFileAtomic(path, renderFindingsJson(file));
  return path;
}
