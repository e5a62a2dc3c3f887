// A stored record's line, and the consumer side of a stored window: text
// batches of those lines handed to the same ingestor the memory path uses,
// which assembles them and applies the same window, notices and joins. Pure,
// so it runs inside the isolate: the child streams stored JSON through
// without parsing it.
import type { IngestOptions, IngestResult, WindowSpec } from '../ingest/api.ts';
import { createIngestor, type Ingestor, type StoredInput } from '../ingest/ingestor.ts';
import { forEachLine } from '../ingest/lines.ts';
import type { NormalizedRecord, Span } from '../types.ts';
import type { RecordSource } from '../ingest/identity.ts';

/** One stored record, as a line of a batch (its file is named by the batch). */
export interface StoredRecordLine {
  format: NormalizedRecord['format'];
  at: { line: number; unit: 'line' | 'element' };
  wholeTrace?: true;
  spans: Span[];
  traceHints?: NormalizedRecord['traceHints'];
}

export class StoredAssembler {
  private readonly ingestor: Ingestor;

  constructor(opts: IngestOptions = {}) {
    this.ingestor = createIngestor(opts);
  }

  /**
   * A batch of `file`'s record lines. `keep`: the runs wanted (a window's, of runs still stored):
   * a record may hold spans of runs outside it, which are left out here, as if
   * those spans had never been read.
   */
  push(text: string, file: string, keep?: ReadonlySet<string>): void {
    forEachLine(text, 1, (line) => {
      if (line.length === 0) return;
      const r = JSON.parse(line) as StoredRecordLine;
      let spans = r.spans;
      let hints = r.traceHints;
      if (keep !== undefined) {
        spans = spans.filter((s) => keep.has(s.traceId));
        hints = hints?.filter((h) => keep.has(h.traceId));
        if (spans.length === 0 && !hints?.length) return;
      }
      for (const s of spans) reshape(s);
      const rec: NormalizedRecord = { format: r.format, spans, ...(hints?.length ? { traceHints: hints } : {}), ...(r.wholeTrace ? { wholeTrace: true } : {}) };
      this.ingestor.pushStored(rec, file, { file, line: r.at.line, unit: r.at.unit });
    });
  }

  finish(spec: WindowSpec, now: number, stored: StoredInput): IngestResult {
    return this.ingestor.finish(spec, now, stored);
  }
}

/** The line a normalized record is stored as. */
export function recordLine(rec: NormalizedRecord, at: RecordSource): string {
  const line: StoredRecordLine = {
    format: rec.format,
    at: { line: at.line, unit: at.unit ?? 'line' },
    ...(rec.wholeTrace ? { wholeTrace: true as const } : {}),
    spans: rec.spans,
    ...(rec.traceHints?.length ? { traceHints: rec.traceHints } : {}),
  };
  return JSON.stringify(line);
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
