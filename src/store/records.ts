// The consumer side of a stored window: text batches of records (one JSON
// object per line, spans as they were stored) handed to the same ingestor the
// memory path uses, which assembles them and applies the same window,
// notices and joins. Pure, so it runs inside the isolate: the child streams
// stored JSON through without parsing it.
import type { IngestOptions, IngestResult, WindowSpec } from '../ingest/api.ts';
import { createIngestor, type Ingestor, type StoredInput } from '../ingest/ingestor.ts';
import { forEachLine } from '../ingest/lines.ts';
import type { NormalizedRecord, Span } from '../types.ts';

/** One stored record of one run, as a line of a batch. */
export interface StoredRecordLine {
  file: string;
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

  push(text: string): void {
    forEachLine(text, 1, (line) => {
      if (line.length === 0) return;
      const r = JSON.parse(line) as StoredRecordLine;
      for (const s of r.spans) reshape(s);
      const rec: NormalizedRecord = { format: r.format, spans: r.spans, ...(r.traceHints ? { traceHints: r.traceHints } : {}), ...(r.wholeTrace ? { wholeTrace: true } : {}) };
      this.ingestor.pushStored(rec, r.file, { file: r.file, line: r.at.line, unit: r.at.unit });
    });
  }

  finish(spec: WindowSpec, now: number, stored: StoredInput): IngestResult {
    return this.ingestor.finish(spec, now, stored);
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
