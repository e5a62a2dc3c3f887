// The consumer side of a stored window: text batches of records (one JSON
// object per line, spans as they were stored) assembled into traces by the
// same TraceAssembler the memory path uses. Pure, so it runs inside the
// isolate: the child streams stored JSON through without parsing it.
import type { IngestStats } from '../ingest/api.ts';
import { TraceAssembler } from '../ingest/assemble.ts';
import { assemblyNotices } from '../ingest/ingestor.ts';
import { forEachLine } from '../ingest/lines.ts';
import type { NormalizedRecord, Span, Trace } from '../types.ts';

/** One stored record of one run, as a line of a batch. */
export interface StoredRecordLine {
  file: string;
  format: NormalizedRecord['format'];
  at: { line: number; unit: 'line' | 'element' };
  wholeTrace?: true;
  spans: Span[];
  traceHints?: NormalizedRecord['traceHints'];
}

/** Stats the store knows before assembly; the assembler adds spans and its repairs. */
export type StoredStats = Omit<IngestStats, 'spans'>;

export class StoredAssembler {
  private readonly assembler = new TraceAssembler();

  push(text: string): void {
    forEachLine(text, 1, (line) => {
      if (line.length === 0) return;
      const r = JSON.parse(line) as StoredRecordLine;
      for (const s of r.spans) reshape(s);
      const rec: NormalizedRecord = { format: r.format, spans: r.spans, ...(r.traceHints ? { traceHints: r.traceHints } : {}), ...(r.wholeTrace ? { wholeTrace: true } : {}) };
      this.assembler.add(rec, r.file, { file: r.file, line: r.at.line, unit: r.at.unit });
    });
  }

  finish(base: StoredStats): { traces: Trace[]; stats: IngestStats } {
    const traces = this.assembler.finish();
    let spans = 0;
    for (const t of traces) spans += t.spans.length;
    const a = this.assembler.repairs;
    const repairs = { ...base.repairs!, identicalDuplicates: a.identicalDuplicates, duplicateSpanIds: a.duplicateSpanIds, parentCycles: a.parentCycles };
    // The store's own notices (time outliers) follow the assembly's, as in the memory path.
    const notices = [...assemblyNotices(repairs, this.assembler), ...(base.notices ?? [])];
    const conflicts = this.assembler.conflicts;
    // Keys in the memory path's order, so the two paths' stats print the same.
    const { files, records, badRecords, badExamples, badReasons, timeOutliers, outsideWindow, window } = base;
    return {
      traces,
      stats: {
        files, records, spans, badRecords, badExamples, badReasons, repairs,
        ...(timeOutliers ? { timeOutliers } : {}),
        ...(conflicts.count > 0 ? { identityConflicts: { count: conflicts.count, examples: conflicts.examples } } : {}),
        notices, outsideWindow, window,
      },
    };
  }
}

/**
 * Spans are made with `agentName` and `hints` declared last even when
 * undefined (one shape for every span, see newSpan); JSON drops undefined
 * keys, so they are put back in their places.
 */
function reshape(s: Span): void {
  if ('hints' in s && !('agentName' in s)) {
    const hints = s.hints;
    delete s.hints;
    s.agentName = undefined;
    s.hints = hints;
    return;
  }
  if (!('agentName' in s)) s.agentName = undefined;
  if (!('hints' in s)) s.hints = undefined;
}
