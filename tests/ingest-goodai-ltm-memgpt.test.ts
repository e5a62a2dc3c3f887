// GoodAI LTM Benchmark results of MemGPT (tests/fixtures/real/goodai-ltm2-1k-memgpt): MemGPT's chat agent taking
// the 35 tests of Benchmark 2 (1k filler), all tests interleaved in one conversation, so each result file's task_log
// is its test's share of it. The counts below were taken from the raw files.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const dir = fileURLToPath(new URL('./fixtures/real/goodai-ltm2-1k-memgpt/results', import.meta.url));
const kind = (t: Trace, k: string): Span[] => t.spans.filter((s) => s.kind === k);
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const AGENT = 'MemGPTChatSession';

describe('GoodAI LTM Benchmark results of MemGPT', () => {
  it('one run per result file, the agent from its folder, no model the records do not name, the grade as outcome', async () => {
    const { traces, stats } = await loadTraces([dir]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(35);
    expect(traces.every((t) => t.source.format === 'goodai-ltm' && t.agentName === AGENT)).toBe(true);
    // The folder is `MemGPTChatSession` alone: the model MemGPT ran on is nowhere in the files.
    expect(traces.every((t) => root(t).model == null && kind(t, 'llm').every((s) => s.model == null))).toBe(true);
    // score >= max_score in 8 files: the three Colours, Delayed Recall 2 (10/10), Locations Directions 0 and 2,
    // SallyAnne 1, Shopping 2 (2/2).
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(8);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(35);
  });

  it('the tester\'s messages are user turns, each agent reply one model call, empty replies kept empty; no tools', async () => {
    const { traces } = await loadTraces([dir]);
    const llm = traces.flatMap((t) => kind(t, 'llm'));
    expect(llm).toHaveLength(269);
    // 110 of MemGPT's 269 logged replies are empty (its turn sent no message to the user).
    expect(llm.filter((s) => s.output === '')).toHaveLength(110);
    expect(traces.flatMap((t) => kind(t, 'tool'))).toHaveLength(0);
    const messages = traces.flatMap((t) => root(t).messages!);
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(269);
    // The filler went to the agent between tests' messages, in no test's task_log.
    expect(messages.filter((m) => m.name === 'filler')).toHaveLength(0);
    expect(traces.every((t) => t.spans[0]!.attributes['halo.invalid_messages'] === undefined)).toBe(true);
  });

  it('a partial grade keeps its reward over that test\'s own max_score', async () => {
    const { traces } = await loadTraces([dir]);
    const get = (test: string) => traces.find((t) => t.taskId === `${test} (${AGENT})`)!;
    expect(get('Shopping - 0').outcome).toEqual({ success: false, reward: 0.75 });
    expect(get('Shopping - 2').outcome).toEqual({ success: true, reward: 1 });
    expect(get('Delayed Recall - 0').outcome).toEqual({ success: false, reward: 0.3 });
    expect(get('ChapterBreak - 12653258_1').trial).toBe(0);
  });

  it('one run in order, with its real times; the answer is the last reply that said something', async () => {
    const { traces } = await loadTraces([dir]);
    const t = traces.find((x) => x.taskId === `Colours - 0 (${AGENT})`)!;
    expect(t.outcome).toEqual({ success: true, reward: 1 });
    const r = root(t);
    expect(r.messages).toHaveLength(8);
    expect(r.input).toBe('Pink is my favourite colour.');
    expect(r.output).toBe('Your favorite color is Yellow, Julia.');
    expect(kind(t, 'llm').map((s) => s.output)).toEqual(['', '', '', 'Your favorite color is Yellow, Julia.']);
    // 16:41:52.066886 → 16:47:09.305333 as logged; other tests' messages came in between.
    expect(t.durationMs).toBeCloseTo(317238.447, 0);
  });
});
