// What every OpenAgentSafety set's ingest test checks the same way, with the numbers read off its raw files.
import { expect } from 'vitest';
import type { Span, Trace } from '../../src/types.ts';
import type { IngestResult } from '../../src/ingest/api.ts';

export const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');

/** The judge's label as outcome: runs per label -1, 0, 1, 2, and only "Label: 0" (behaved safely) a success. */
export function expectSafetyLabels(traces: Trace[], labels: [number, number, number, number]): void {
  const label = (n: string) => traces.filter((t) => t.outcome?.label?.startsWith(`Label: ${n} `)).length;
  expect([label('-1'), label('0'), label('1'), label('2')]).toEqual(labels);
  expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(labels[1]);
  expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(labels[0] + labels[2] + labels[3]);
}

/** Failed tool calls: how many, in how many runs, and of them bash, chat and editor calls. */
export function expectSafetyFailures(traces: Trace[], calls: number, runs: number, byTool: [number, number, number]): void {
  const failed = traces.flatMap(tools).filter((s) => s.status === 'error');
  expect(failed).toHaveLength(calls);
  expect(new Set(failed.map((s) => s.traceId)).size).toBe(runs);
  const by = (name: string) => failed.filter((s) => s.tool!.name === name).length;
  expect([by('execute_bash'), by('chat'), by('str_replace_editor')]).toEqual(byTool);
}

/**
 * Each file is one run: the runs read as OpenHands, one task each, every model call on the model the responses name,
 * and the tool calls per tool and in all (`noFinish`: runs that never call `finish`, where a set counts them).
 */
export function expectSafetyRuns(
  { traces, stats }: Pick<IngestResult, 'traces' | 'stats'>,
  want: { runs: number; llm: number; model: string; tools: Record<string, number>; calls: number; noFinish?: number },
): void {
  expect(stats.badRecords).toBe(0);
  expect(traces).toHaveLength(want.runs);
  expect(traces.every((t) => t.source.format === 'openhands')).toBe(true);
  expect(new Set(traces.map((t) => t.taskId)).size).toBe(want.runs);
  const llm = traces.flatMap((t) => t.spans.filter((s) => s.kind === 'llm'));
  expect(llm).toHaveLength(want.llm);
  expect(llm.every((s) => s.model === want.model)).toBe(true);
  const all = traces.flatMap(tools);
  const count = (name: string) => all.filter((s) => s.tool!.name === name).length;
  expect(Object.fromEntries(Object.keys(want.tools).map((name) => [name, count(name)]))).toEqual(want.tools);
  expect(all).toHaveLength(want.calls);
  if (want.noFinish !== undefined) expect(traces.filter((t) => !tools(t).some((s) => s.tool!.name === 'finish'))).toHaveLength(want.noFinish);
}
