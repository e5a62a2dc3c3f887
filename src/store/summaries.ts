// A run's summary from its rows, the same roll-up the DuckDB backend does in SQL.
import type { RunSummary, SpanRow } from './api.ts';

/** Null for a run with only trace-level hints: the assembler drops such runs too. */
export function summarize(traceId: string, rows: readonly SpanRow[]): RunSummary | null {
  let start = Infinity;
  let end = -Infinity;
  let spans = 0;
  let errorSpans = 0;
  let undated = false;
  for (const r of rows) {
    if (r.part !== 'span') continue;
    spans++;
    if (r.synthetic) undated = true;
    if (r.startTime! < start) start = r.startTime!;
    if (r.endTime! > end) end = r.endTime!;
    if (r.status === 'error') errorSpans++;
  }
  return spans === 0 ? null : { traceId, startTime: start, endTime: end, spans, errorSpans, undated };
}

/** `YYYY-MM-DD` (UTC) of an epoch-ms time. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
