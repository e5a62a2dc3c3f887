// Ingest stats kept per file in the store and merged: over the appends of one
// file, and over the files of one analysis (the memory path's IngestStats).
import type { IngestRepairs, IngestStats } from '../ingest/api.ts';
import type { FileIngestStats } from './api.ts';
import { reasonKind, unusableFileWarning } from '../ingest/ingestor.ts';

const REASONS_KEPT = 200;

export function emptyRepairs(): IngestRepairs {
  return { invalidUtf8: 0, identicalDuplicates: 0, duplicateSpanIds: 0, parentCycles: 0, clampedTimes: 0, droppedSpans: 0 };
}

/** One file's share of an ingestor's stats (the ingestor read only that file). */
export function fileStatsOf(stats: IngestStats, name: string, keepBad: number): FileIngestStats {
  const file = stats.files.find((f) => f.file === name) ?? { file: name, bytes: 0, records: 0, bad: 0, formats: {} };
  // Whether any record was usable is decided over the whole file when a window is read, not per appended part.
  const warnings = file.warnings?.filter((w) => w !== unusableFileWarning(file.bad));
  const { warnings: _, ...rest } = file;
  return {
    file: warnings?.length ? { ...rest, warnings } : rest,
    records: stats.records,
    badRecords: stats.badRecords,
    badExamples: stats.badExamples.slice(0, keepBad),
    badReasons: stats.badReasons ?? [],
    repairs: stats.repairs ?? emptyRepairs(),
  };
}

/** `a` then `b` (a later part of the same file, or the next file). */
export function mergeFileStats(a: FileIngestStats, b: FileIngestStats, keepBad: number): FileIngestStats {
  const formats = { ...a.file.formats };
  for (const [k, v] of Object.entries(b.file.formats)) formats[k as keyof typeof formats] = (formats[k as keyof typeof formats] ?? 0) + (v ?? 0);
  const warnings = [...(a.file.warnings ?? []), ...(b.file.warnings ?? [])];
  return {
    file: { file: b.file.file, bytes: a.file.bytes + b.file.bytes, records: a.file.records + b.file.records, bad: a.file.bad + b.file.bad, formats, ...(warnings.length ? { warnings } : {}) },
    records: a.records + b.records,
    badRecords: a.badRecords + b.badRecords,
    badExamples: [...a.badExamples, ...b.badExamples].slice(0, keepBad),
    badReasons: mergeReasons(a.badReasons ?? [], b.badReasons ?? []),
    repairs: addRepairs(a.repairs ?? emptyRepairs(), b.repairs ?? emptyRepairs()),
  };
}

export function addRepairs(a: IngestRepairs, b: IngestRepairs): IngestRepairs {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof IngestRepairs)[]) out[k] += b[k] ?? 0;
  return out;
}

function mergeReasons(a: NonNullable<IngestStats['badReasons']>, b: NonNullable<IngestStats['badReasons']>): NonNullable<IngestStats['badReasons']> {
  const m = new Map<string, { reason: string; count: number; where: string[] }>();
  for (const r of [...a, ...b]) {
    const key = r.reason === 'other reasons' ? '\u0000other' : reasonKind(r.reason);
    const had = m.get(key);
    if (had) {
      had.count += r.count;
      had.where = [...had.where, ...r.where].slice(0, 3);
    } else if (m.size < REASONS_KEPT) m.set(key, { ...r, where: r.where.slice(0, 3) });
  }
  return [...m.values()].sort((x, y) => y.count - x.count);
}
