// GoodAI LTM Benchmark results (tests/fixtures/real/goodai-ltm-32k-isolated): GoodAI's LTM agent and a bare
// gpt-4-turbo chat session, each taking the 33 tests of Benchmark 3 (32k, isolated), one result file per test run
// with the tester's conversation and its grade. The counts below were taken from the raw files.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const dir = fileURLToPath(new URL('./fixtures/real/goodai-ltm-32k-isolated/results', import.meta.url));
const kind = (t: Trace, k: string): Span[] => t.spans.filter((s) => s.kind === k);
const LTM = 'LTMAgentWrapper - gpt-4-turbo - 16384 - QG_JSON_USER_INFO';

describe('GoodAI LTM Benchmark results', () => {
  it('one run per result file, the agent and model from its folder, the grade as outcome', async () => {
    const { traces, stats } = await loadTraces([dir]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(66);
    expect(traces.every((t) => t.source.format === 'goodai-ltm')).toBe(true);
    const by = (agent: string) => traces.filter((t) => t.agentName === agent);
    expect(by('LTMAgentWrapper')).toHaveLength(33);
    expect(by('LLMChatSession')).toHaveLength(33);
    // score >= max_score in 27 of the LTM agent's files and 23 of the chat session's.
    expect(by('LTMAgentWrapper').filter((t) => t.outcome?.success === true)).toHaveLength(27);
    expect(by('LLMChatSession').filter((t) => t.outcome?.success === true)).toHaveLength(23);
    const root = (t: Trace) => t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(new Set(by('LLMChatSession').map((t) => root(t).model))).toEqual(new Set(['gpt-4-turbo-2024-04-09']));
    // Another agent's run of the same test is not a trial of one task.
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(66);
  });

  it('the tester\'s and the filler messages are user turns, each agent reply one model call; no tools', async () => {
    const { traces } = await loadTraces([dir]);
    expect(traces.flatMap((t) => kind(t, 'llm'))).toHaveLength(528);
    expect(traces.flatMap((t) => kind(t, 'tool'))).toHaveLength(0);
    const messages = traces.flatMap((t) => t.spans.find((s) => s.spanId === t.rootSpanId)!.messages!);
    expect(messages.filter((m) => m.role === 'user' && m.name === 'filler')).toHaveLength(24);
    expect(messages.filter((m) => m.role === 'user' && m.name === undefined)).toHaveLength(504);
    expect(traces.every((t) => t.spans[0]!.attributes['halo.invalid_messages'] === undefined)).toBe(true);
  });

  it('a partial grade keeps its reward; a grade a person revised is the one read', async () => {
    const { traces } = await loadTraces([dir]);
    const get = (test: string) => traces.find((t) => t.taskId === `${test} (${LTM})`)!;
    expect(get('Restaurant - 0').outcome).toEqual({ success: false, reward: 0.6 });
    // Spy Meeting 0: the automatic grade 2/3, reviewed to 1.
    const spy = get('Spy Meeting - 0');
    expect(spy.outcome).toEqual({ success: true, reward: 1 });
    expect(spy.spans.find((s) => s.spanId === spy.rootSpanId)!.attributes['goodai.auto_score']).toBeCloseTo(2 / 3);
  });

  it('one run in order, with its real times', async () => {
    const { traces } = await loadTraces([dir]);
    const t = traces.find((x) => x.taskId === `Prospective Memory - 0 (${LTM})`)!;
    expect(t.outcome).toEqual({ success: false, reward: 0 });
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.messages).toHaveLength(14);
    expect(root.input).toMatch(/^'Do not go where the path may lead/);
    expect(root.output).toMatch(/^Understood, I won't append the quote/);
    const llm = kind(t, 'llm');
    expect(llm).toHaveLength(7);
    // The 4th filler answer carries the quote the test asked to be appended to the 5th response.
    expect(llm[4]!.output).toMatch(/Great Pyramid of Giza[\s\S]*Ralph Waldo Emerson/);
    // 20:31:10.849218 → 20:32:31.104501 as logged.
    expect(t.durationMs).toBeCloseTo(80255.283, 0);
  });
});
