// What every OpenAgentSafety set's ingest test checks the same way, with the numbers read off its raw files.
import { expect } from 'vitest';
import type { Span, Trace } from '../../src/types.ts';

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
