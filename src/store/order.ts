// Assembly order shared by every backend: rows in the order the memory path
// feeds them to the assembler (file rank, record, spans before hints,
// position), and runs in the assembler's output order (start time, trace id).
import type { RunSummary, SpanRow } from './api.ts';

export function compareRows(ranks: Map<number, number>) {
  return (a: SpanRow, b: SpanRow): number =>
    (ranks.get(a.fileId) ?? 0) - (ranks.get(b.fileId) ?? 0) || a.seq - b.seq || partRank(a) - partRank(b) || a.idx - b.idx;
}

export const partRank = (r: Pick<SpanRow, 'part'>) => (r.part === 'span' ? 0 : 1);

export function compareRuns(a: RunSummary, b: RunSummary): number {
  return a.startTime - b.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0);
}
