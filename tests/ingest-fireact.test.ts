// FireAct trajectories (tests/fixtures/real/fireact-hotpotqa): ReAct agents fine-tuned by FireAct's authors
// (gpt-3.5-turbo-0613 fine-tuned, chat messages; Llama-2-13B with a LoRA, Alpaca-format text) answering HotpotQA
// questions with a Google search tool, each run's exact-match reward as its outcome.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/fireact-hotpotqa/trajs/', import.meta.url));
const GPT = 'hotpotqa_dev_0_500_ft_gpt-3.5-turbo-0613_princeton-nlp__7woQRsdi_0.0_2023-09-21-16-19-51.json';
const LLAMA = 'hotpotqa_dev_0_500_llama_models_lora_llama-2-13b-d_1000_0.7_2023-09-18-13-40-08.json';
const load = () => loadTraces([DIR], {});

const byId = (traces: Trace[], id: string): Trace => traces.find((t) => t.traceId === id)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);
const calls = (t: Trace) => ofKind(t, 'tool').map((s) => [s.tool!.name, s.tool!.arguments, s.tool!.result, s.status]);

describe('FireAct trajectories', () => {
  it('964 runs (465 of the fine-tuned gpt-3.5, 499 of Llama-2-13B), one agent per model, the reward as outcome', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(964);
    expect(traces.every((t) => t.source.format === 'fireact')).toBe(true);
    const of = (file: string) => traces.filter((t) => t.traceId.startsWith(`fireact:${file}#`));
    const marks = (file: string) => [of(file).length, of(file).filter((t) => t.outcome?.success === true).length, of(file).filter((t) => t.outcome?.success === false).length];
    expect(marks(GPT)).toEqual([465, 200, 265]);
    expect(marks(LLAMA)).toEqual([499, 172, 327]);
    expect(new Set(of(GPT).map((t) => t.agentName))).toEqual(new Set(['fireact (ft_gpt-3.5-turbo-0613_princeton-nlp__7woQRsdi)']));
    expect(new Set(of(LLAMA).map((t) => t.agentName))).toEqual(new Set(['fireact (llama_models_lora_llama-2-13b-d_1000)']));
    // Every reply is a model call with one action; every run ends with finish (generation.py keeps no other run).
    const all = traces.flatMap((t) => t.spans);
    expect(all.filter((s) => s.kind === 'llm')).toHaveLength(1241 + 1643);
    expect(all.filter((s) => s.kind === 'tool')).toHaveLength(1241 + 1643);
    expect(traces.every((t) => ofKind(t, 'tool').at(-1)!.tool!.name === 'finish')).toBe(true);
    // The same question by the other model is another agent's task.
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(964);
  });

  it('a chat run: each reply a search or finish call, the observation its result, the harness verdict after finish', async () => {
    const { traces } = await load();
    const t = byId(traces, `fireact:${GPT}#3522`);
    expect(t.outcome).toEqual({ success: true });
    expect(root(t).input).toBe('Who is older Danny Green or James Worthy?');
    expect(calls(t)).toEqual([
      ['search', { query: 'Danny Green birth date' }, 'June 22, 1987', 'ok'],
      ['search', { query: 'James Worthy birth date' }, 'February 27, 1961', 'ok'],
      ['finish', { answer: 'James Worthy' }, 'Episode finished, reward = True', 'ok'],
    ]);
    const llm = ofKind(t, 'llm');
    expect(llm.every((s) => s.model === 'ft_gpt-3.5-turbo-0613_princeton-nlp__7woQRsdi')).toBe(true);
    expect(String(llm[0]!.output)).toMatch(/^Thought: I need to search the birth dates .*\nAction: search\[Danny Green birth date\]$/s);
    expect(root(t).attributes['gt']).toBe('james worthy');
    expect(root(t).attributes['fireact.temperature']).toBe(0);
  });

  it('the one tool that raised is a failed call; a search that returned None is neither ok nor failed', async () => {
    const { traces } = await load();
    const t = byId(traces, `fireact:${GPT}#457`);
    // The reply wrote two actions; generation.py ran the first.
    expect(calls(t).map(([n, a, , st]) => [n, a, st])).toEqual([
      ['search', { query: 'goddess associated with Frigg consists of what tales' }, 'ok'],
      ['click', { input: 'Frige - Wikipedia' }, 'error'],
      ['search', { query: 'tales associated with Frigg' }, 'ok'],
      ['finish', { answer: 'Grímnismál and Gylfaginning' }, 'ok'],
    ]);
    expect(ofKind(t, 'tool')[1]!.error?.message).toBe("('click', 'Frige - Wikipedia') generated an exception: Unknown tool name: click");
    const all = traces.flatMap((x) => x.spans).filter((s) => s.kind === 'tool');
    expect(all.filter((s) => s.status === 'error')).toHaveLength(1);
    const none = all.filter((s) => s.tool!.result === 'None');
    expect(none).toHaveLength(7 + 13);
    expect(none.every((s) => s.status === 'unset' && s.tool!.name === 'search')).toBe(true);
  });

  it('a reply that ran on past its action: the query generation.py sent, the action as written kept raw', async () => {
    const { traces } = await load();
    const t = byId(traces, `fireact:${GPT}#2866`);
    const second = ofKind(t, 'tool')[1]!;
    expect(second.tool!.name).toBe('search');
    expect(String((second.tool!.arguments as Record<string, unknown>).query)).toMatch(/^scientific journal published in the Bronx first year\]\nThought: The search result still does not/);
    expect(String(second.input)).toMatch(/^search\[scientific journal published in the Bronx first year\]\nThought:/);
  });

  it('an Alpaca-format Llama run: the question from the instruction, Thought / Action / Observation lines as steps', async () => {
    const { traces } = await load();
    const t = byId(traces, `fireact:${LLAMA}#3824`);
    expect(t.outcome).toEqual({ success: false });
    expect(root(t).input).toBe('Author David Chanoff has collaborated with a U.S. Navy admiral who served as the ambassador to the United Kingdom under which President?');
    expect(calls(t).map(([n, a]) => [n, a])).toEqual([
      ['search', { query: 'U.S. Navy admiral collaborated with David Chanoff' }],
      ['search', { query: 'U.S. Navy admiral ambassador to the United Kingdom' }],
      ['search', { query: 'U.S. Navy admiral ambassador to the United Kingdom under which President' }],
      ['finish', { answer: 'President Clinton' }],
    ]);
    expect(String(ofKind(t, 'tool')[1]!.tool!.result)).toMatch(/^William James Crowe Jr\. \(January 2, 1925/);
    expect(String(ofKind(t, 'llm')[3]!.output)).toBe('Thought: The U.S. Navy admiral who collaborated with David Chanoff and served as the ambassador to the United Kingdom under President Clinton is William James Crowe Jr.\nAction: finish[President Clinton]');
    // 57 Llama runs write `Action:  finish[…]` with two spaces: still the finish tool.
    const llama = traces.filter((x) => x.traceId.startsWith(`fireact:${LLAMA}#`));
    expect(llama.every((x) => ofKind(x, 'tool').filter((s) => s.tool!.name === 'finish').length === 1)).toBe(true);
    expect(llama.filter((x) => String(ofKind(x, 'tool').at(-1)!.input).startsWith(' finish['))).toHaveLength(57);
  });
});
