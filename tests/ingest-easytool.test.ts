// EasyTool FuncQA results (tests/fixtures/real/easytool-funcqa): a plan-then-
// execute tool pipeline answering math questions with calculator tools, by
// chatgpt and vicuna, with the results' correctness marks.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/easytool-funcqa/results/', import.meta.url));
const load = () => loadTraces([DIR], {});

const byId = (traces: Trace[], id: string): Trace => traces.find((t) => t.traceId === id)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);

describe('EasyTool FuncQA results', () => {
  it('256 runs, one per result, each model its own agent, the correctness marks as outcomes', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(256);
    expect(traces.every((t) => t.source.format === 'easytool')).toBe(true);
    const of = (file: string) => traces.filter((t) => t.traceId.startsWith(`easytool:FuncQA_${file}_easytool.json#`));
    const marks = (file: string) => [of(file).length, of(file).filter((t) => t.outcome?.success === true).length, of(file).filter((t) => t.outcome?.success === false).length];
    expect(marks('multi-hop_chatgpt')).toEqual([68, 33, 35]);
    expect(marks('multi-hop_vicuna')).toEqual([68, 8, 60]);
    expect(marks('one-hop_chatgpt')).toEqual([60, 55, 5]);
    expect(marks('one-hop_vicuna')).toEqual([60, 39, 21]);
    expect(new Set(of('one-hop_vicuna').map((t) => t.agentName))).toEqual(new Set(['easytool (vicuna)']));
    // The same question by the other model is another agent's task, not a second trial.
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(256);
  });

  it('the plan, then per subtask the executor call and its result, then its answer; the summary last', async () => {
    const { traces } = await load();
    const t = byId(traces, 'easytool:FuncQA_multi-hop_chatgpt_easytool.json#2');
    expect(t.taskId).toBe('FuncQA_multi-hop_chatgpt:2');
    expect(t.outcome).toEqual({ success: true });
    const llm = ofKind(t, 'llm');
    expect(llm.map((s) => s.agentName)).toEqual(['planner', ...Array(8).fill('executor'), 'summarizer']);
    expect(JSON.parse(String(llm[0]!.output))).toHaveLength(4);
    expect(llm.every((s) => s.model === 'chatgpt')).toBe(true);
    expect(ofKind(t, 'tool').map((s) => [s.tool!.name, s.tool!.arguments, s.tool!.result, s.status])).toEqual([
      ['divide_', { input: [7.45, 2] }, '3.73', 'ok'],
      ['power_', { input: [3.73, 2] }, '3.73', 'ok'],
      ['multiply_', { input: [13.875625, 3.14] }, '43.57', 'ok'],
      ['add_', { input: [43.57] }, '43.57', 'ok'],
    ]);
    expect(root(t).input).toBe('What is the area of a circle with a diameter of 7.45 cm? (take π as 3.14)');
    expect(root(t).output).toBe('The area of the circle with a diameter of 7.45 cm is 43.57 square centimeters.');
  });

  it('an attempt whose call returned nothing is a failed retrieval before the answered one', async () => {
    const { traces } = await load();
    const t = byId(traces, 'easytool:FuncQA_multi-hop_chatgpt_easytool.json#23');
    expect(ofKind(t, 'tool').map((s) => [s.tool!.name, s.status])).toEqual([
      ['ln_', 'ok'],
      ['subtract_', 'ok'],
      ['retrieval', 'error'],
      ['retrieval', 'error'],
      ['retrieval', 'error'],
      ['divide_', 'ok'],
    ]);
    const failed = ofKind(t, 'tool').find((s) => s.status === 'error')!;
    expect(failed.error!.type).toBe('no_result');
    expect(failed.tool!.arguments).toEqual({ task: 'Divide the result of task 2 by 0.03.' });
    const all = traces.flatMap((x) => ofKind(x, 'tool').filter((s) => s.status === 'error'));
    expect(all).toHaveLength(51);
    // One answer's task is worded unlike any subtask of its plan: kept, after the plan's subtasks.
    expect(traces.reduce((n, x) => n + (root(x).attributes['easytool.unmatched_answers'] as number), 0)).toBe(1);
  });
});
