// A stored record's line, and the consumer side of a stored window: text
// batches of those lines handed to the same ingestor the memory path uses,
// which assembles them and applies the same window, notices and joins. Pure,
// so it runs inside the isolate: the child streams stored lines through
// without parsing them.
//
// A record read from a line of its file is stored as that line's own text
// behind a short header (`@["<file>",<line>,"line"]` and a tab): nothing is
// serialized at ingest, and reading it back normalizes it again, as the
// memory path would, under the file name it was first read as (ids of
// one-run-per-file formats come from the name). A record no single line
// holds (a JSON array of bare chat messages, gathered at the end of its
// file) is stored normalized, as canonical JSON (StoredRecordLine).
import type { IngestOptions, IngestResult, WindowSpec } from '../ingest/api.ts';
import { createIngestor, type Ingestor, type StoredInput } from '../ingest/ingestor.ts';
import { forEachLine } from '../ingest/lines.ts';
import type { NormalizedRecord, Span } from '../types.ts';
import type { SpanRow } from './api.ts';
import type { RecordSource } from '../ingest/identity.ts';
import type { StringPool } from '../ingest/values.ts';

/** One stored record, as a line of a batch (its file is named by the batch). */
export interface StoredRecordLine {
  format: NormalizedRecord['format'];
  at: { line: number; unit: 'line' | 'element' };
  wholeTrace?: true;
  spans: Span[];
  traceHints?: NormalizedRecord['traceHints'];
}

/** What precedes a record's own text in its stored line (see above); `at.file` is the name it was read under. */
export function rawHeader(at: RecordSource): string {
  return `@${JSON.stringify([at.file, at.line, at.unit ?? 'line'])}\t`;
}

/**
 * Normalizes stored lines of the raw kind again, as they were at ingest: each
 * goes through an ingestor of its own file name and position, whose counts
 * are thrown away (they were kept when the file was read).
 */
class RawDecoder {
  private readonly ingestor: Ingestor;
  private out: { rec: NormalizedRecord; at: RecordSource } | null = null;

  constructor(opts: IngestOptions) {
    // Never strict, nothing kept: a record that was usable at ingest is usable again, and what it cost was counted then.
    // Transient: the assembler the records go to shares their strings.
    this.ingestor = createIngestor({ ...opts, strict: false, keepBad: 0 }, (rec, _file, at) => {
      this.out = { rec, at };
    }, { transient: true });
  }

  /** The record of a raw stored line, or null when it gives none. */
  decode(line: string): { rec: NormalizedRecord; at: RecordSource } | null {
    const tab = line.indexOf('\t');
    const [file, at, unit] = JSON.parse(line.slice(1, tab)) as [string, number, 'line' | 'element'];
    this.out = null;
    this.ingestor.pushBatch({ file, firstLine: at, text: line.slice(tab + 1), unit });
    return this.out;
  }
}

/** The normalized records of stored lines (tests and tools: what a window read assembles). */
export function decodeStoredLines(text: string, opts: IngestOptions = {}): NormalizedRecord[] {
  const decoder = new RawDecoder(opts);
  const out: NormalizedRecord[] = [];
  forEachLine(text, 1, (line) => {
    if (line.length === 0) return;
    if (line.charCodeAt(0) === AT) {
      const r = decoder.decode(line);
      if (r !== null) out.push(r.rec);
      return;
    }
    const r = JSON.parse(line) as StoredRecordLine;
    for (const s of r.spans) reshape(s);
    out.push({ format: r.format, spans: r.spans, ...(r.traceHints?.length ? { traceHints: r.traceHints } : {}), ...(r.wholeTrace ? { wholeTrace: true } : {}) });
  });
  return out;
}

const AT = 0x40;

export class StoredAssembler {
  private readonly ingestor: Ingestor;

  /** `pool`: the string pool the records given to pushRecord were normalized through. */
  constructor(
    private readonly opts: IngestOptions = {},
    pool?: StringPool,
  ) {
    this.ingestor = createIngestor(opts, undefined, pool ? { pool } : {});
  }

  /**
   * A batch of `file`'s record lines. `keep`: the runs wanted (a window's, of runs still stored):
   * a record may hold spans of runs outside it, which are left out here, as if
   * those spans had never been read.
   */
  push(text: string, file: string, keep?: ReadonlySet<string>): void {
    // One per batch: its string pool goes with it.
    let decoder: RawDecoder | null = null;
    forEachLine(text, 1, (line) => {
      if (line.length === 0) return;
      let format: NormalizedRecord['format'];
      let spans: Span[];
      let hints: NormalizedRecord['traceHints'];
      let whole: boolean;
      let at: { line: number; unit: 'line' | 'element' };
      if (line.charCodeAt(0) === AT) {
        const r = (decoder ??= new RawDecoder(this.opts)).decode(line);
        if (r === null) return;
        ({ format, spans, traceHints: hints } = r.rec);
        whole = r.rec.wholeTrace === true;
        at = { line: r.at.line, unit: r.at.unit ?? 'line' };
      } else {
        const r = JSON.parse(line) as StoredRecordLine;
        ({ format, spans, traceHints: hints } = r);
        whole = r.wholeTrace === true;
        at = r.at;
        for (const s of spans) reshape(s);
      }
      if (keep !== undefined) {
        spans = spans.filter((s) => keep.has(s.traceId));
        hints = hints?.filter((h) => keep.has(h.traceId));
        if (spans.length === 0 && !hints?.length) return;
      }
      const rec: NormalizedRecord = { format, spans, ...(hints?.length ? { traceHints: hints } : {}), ...(whole ? { wholeTrace: true } : {}) };
      this.ingestor.pushStored(rec, file, { file, line: at.line, unit: at.unit });
    });
  }

  /**
   * A record normalized in this run (a first run's) through the pool given at
   * construction: assembled as the memory path assembles it, without a trip through its line.
   */
  pushRecord(rec: NormalizedRecord, file: string, at: RecordSource): void {
    this.ingestor.pushNormalized(rec, file, { file, line: at.line, unit: at.unit ?? 'line' });
  }

  /** `stored`: what the store knew of the window's input (none: the records pushed are the whole input). */
  finish(spec: WindowSpec, now: number, stored?: StoredInput): IngestResult {
    return this.ingestor.finish(spec, now, stored);
  }
}

/**
 * One run's spans, assembled again from the stored lines of every record
 * holding a span or trace hint of it (file by file in the window's order, in
 * record order). The assembler builds a trace from its own group of spans
 * alone, so this gives the spans the whole window's assembly gave, as long as
 * no record claimed the run's id with other content (identity conflicts move
 * spans between ids; a window with any keeps its runs' spans instead). Null
 * when the lines hold no such run.
 */
export function assembleRun(pieces: readonly (readonly [file: string, text: string])[], traceId: string, opts: IngestOptions): Span[] | null {
  // Outcomes join onto the trace, not its spans.
  const assembler = new StoredAssembler({ ...opts, outcomes: undefined, strict: false });
  const keep = new Set([traceId]);
  for (const [file, text] of pieces) assembler.push(text, file, keep);
  for (const t of assembler.finish({}, 0).traces) if (t.traceId === traceId) return t.spans;
  return null;
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

/** The index rows of a record: one per span, then one per trace hint. */
export function rowsOf(rec: NormalizedRecord, fileId: number, seq: number, at: RecordSource): SpanRow[] {
  const out: SpanRow[] = [];
  const where = { line: at.line, unit: at.unit ?? 'line', whole: rec.wholeTrace === true, synthetic: false } as const;
  rec.spans.forEach((s, idx) => {
    out.push({
      fileId, seq, idx, part: 'span', ...where, synthetic: s.attributes['halo.synthetic_time'] === true, traceId: s.traceId, spanId: s.spanId, parentId: s.parentId, name: s.name, kind: s.kind,
      startTime: s.startTime, endTime: s.endTime, status: s.status, model: s.model ?? null, toolName: s.tool?.name ?? null,
      format: rec.format,
    });
  });
  rec.traceHints?.forEach((th, idx) => {
    out.push({
      fileId, seq, idx, part: 'hints', ...where, traceId: th.traceId, spanId: null, parentId: null, name: null, kind: null,
      startTime: null, endTime: null, status: null, model: null, toolName: null, format: rec.format,
    });
  });
  return out;
}
