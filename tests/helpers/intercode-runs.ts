// What the InterCode ingest tests share: a real set's folder with its one results file, its runs loaded, and the
// accessors they read runs with (a run is named by its record's key in that file, `<file>#<key>` in its trace id).
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadTraces } from '../../src/ingest/reader.ts';
import type { Span, Trace } from '../../src/types.ts';

/** tests/fixtures/real/<name> and, for `byKey`, the results file in it. */
export function intercodeSet(name: string, file: string): { dir: string; byKey: (traces: Trace[], key: string) => Trace } {
  return {
    dir: fileURLToPath(new URL(`../fixtures/real/${name}/`, import.meta.url)),
    byKey: (traces, key) => traces.find((t) => t.traceId.endsWith(`${file}#${key}`))!,
  };
}

/** Every run of an InterCode results folder, every record read. */
export async function loadRuns(dir: string): Promise<Trace[]> {
  const { traces, stats } = await loadTraces([dir]);
  expect(stats.badRecords).toBe(0);
  return traces;
}

export const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
export const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');
/** The runs' record keys, in numeric order. */
export const keys = (ts: Trace[]): number[] => ts.map((t) => Number(t.traceId.split('#')[1])).sort((a, b) => a - b);
export const command = (s: Span): string => (s.tool!.arguments as { command: string }).command;
export const commands = (t: Trace): string[] => tools(t).map(command);
/** A call whose exit status 1 the reader took as the program's answer, keeping the harness's flag (src/ingest/exit-answer.ts). */
export const isFlagged = (s: Span): boolean => typeof s.attributes['halo.flagged_error'] === 'string';
/** MySQL's errors for a table, or a column, the database does not have. */
export const TABLE_MISSING = /^Error executing query: Table '[^']+' doesn't exist$/;
export const UNKNOWN_COLUMN = /^Error executing query: Unknown column '[^']+' in '[^']+'$/;
