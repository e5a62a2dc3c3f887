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

  it('an answer EasyTool set aside (its retrieval got nothing back) is the executor reply alone: no made-up tool call', async () => {
    const { traces } = await load();
    // multi-hop chatgpt #27: three answers to "Add 3.6 to the result" set aside, then add_(11.4, 3.6) → 15 worked.
    const t = byId(traces, 'easytool:FuncQA_multi-hop_chatgpt_easytool.json#27');
    expect(ofKind(t, 'tool').map((s) => [s.tool!.name, s.tool!.positionalArguments ?? s.tool!.arguments, s.tool!.result, s.status])).toEqual([
      ['ln_', [89095], '11.4', 'ok'],
      ['add_', [11.4, 3.6], '15', 'ok'],
      ['subtract_', [15], '15', 'ok'],
    ]);
    const llm = ofKind(t, 'llm');
    const discarded = llm.filter((s) => s.attributes['easytool.discarded'] === true);
    expect(discarded.map((s) => [s.agentName, s.attributes['easytool.subtask']])).toEqual(Array(3).fill(['executor', 2]));
    expect(String(discarded[0]!.output)).toMatch(/^The result of adding 3\.6 to the natural logarithm of 89095, which is 11\.4, is 15/);
    expect(String(discarded[0]!.attributes['easytool.rejected'])).toMatch(/not recorded/);
    // In order: ln_'s answer, the three set-aside answers, then add_'s call (the reply that carries it) and its answer.
    const order = llm.map((s) => (s.attributes['easytool.discarded'] === true ? 'discarded' : String(s.output).slice(0, 12)));
    expect(order.slice(2, 6)).toEqual(['The natural ', 'discarded', 'discarded', 'discarded']);
    // No span anywhere names a tool the record does not, and no tool call failed: the source records no failed call.
    const all = traces.flatMap((x) => x.spans);
    expect(all.filter((s) => s.kind === 'tool' && s.tool!.name === 'retrieval')).toHaveLength(0);
    expect(all.filter((s) => s.kind === 'tool' && s.status === 'error')).toHaveLength(0);
    expect(all.filter((s) => s.attributes['easytool.discarded'] === true)).toHaveLength(51);
    // One answer's task is worded unlike any subtask of its plan: kept, after the plan's subtasks.
    expect(traces.reduce((n, x) => n + (root(x).attributes['easytool.unmatched_answers'] as number), 0)).toBe(1);
  });

  it('a call the record keeps with an empty result is that call, its arguments and the empty result, neither ok nor failed', async () => {
    const { traces } = await load();
    const vicuna = traces.filter((t) => t.traceId.startsWith('easytool:FuncQA_multi-hop_vicuna_easytool.json#'));
    const empty = vicuna.flatMap((t) => ofKind(t, 'tool').filter((s) => s.tool!.result === '').map((s) => ({ t: t.traceId, s })));
    expect(empty).toHaveLength(51);
    expect(new Set(empty.map((e) => e.t)).size).toBe(35);
    expect(empty.every((e) => e.s.status === 'unset' && e.s.attributes['halo.result_unrecorded'] === undefined)).toBe(true);
    expect(empty.filter((e) => JSON.stringify(e.s.tool!.arguments) === '{}' && e.s.tool!.positionalArguments === undefined)).toHaveLength(29);
    // multi-hop vicuna #2: divide_ with `{}` returned nothing; the executor's answer follows it.
    const t = byId(traces, 'easytool:FuncQA_multi-hop_vicuna_easytool.json#2');
    const first = ofKind(t, 'tool')[0]!;
    expect([first.tool!.name, first.tool!.arguments, first.tool!.result, first.status]).toEqual(['divide_', {}, '', 'unset']);
  });
});
