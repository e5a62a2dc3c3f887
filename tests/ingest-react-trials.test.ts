// ReAct runs as Reflexion's HotpotQA trial logs keep them (tests/fixtures/real/
// reflexion-hotpotqa-react: trial 1 of the base ReAct agent on 100 questions):
// one run per listed question, its actions as tool calls answered by the
// observations, the section it is listed under as its outcome.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Trace } from '../src/types.ts';

const log = fileURLToPath(new URL('./fixtures/real/reflexion-hotpotqa-react/base_100_questions_trial_1.txt.gz', import.meta.url));
const steps = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));

describe('ReAct trial logs (Reflexion HotpotQA)', async () => {
  const { traces, stats } = await loadTraces([log]);

  it('one run per question, its outcome the section it is listed under, as the trial summary counts them', () => {
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(100);
    expect(traces.every((t) => t.source.format === 'react-trials')).toBe(true);
    // "Trial summary: Correct: 34, Incorrect: 56, Halted: 10"
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(34);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(66);
    // Three runs are listed under INCORRECT and again, unchanged, under HALTED: one run each, with both labels.
    expect(traces.filter((t) => t.outcome?.label === 'incorrect+halted')).toHaveLength(3);
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(100);
  });

  it('a thought is a model turn, its action a tool call, the observation (over several lines) its result', () => {
    const t = traces.find((x) => x.taskId === 'Jaclyn Stapp is married to the former frontman of a band that disbanded in what year?')!;
    expect(t.outcome).toEqual({ success: true, label: 'correct' });
    const s = steps(t);
    expect(s.map((x) => `${x.kind}:${x.kind === 'tool' ? x.name : ''}`)).toEqual(['llm:', 'tool:Search', 'llm:', 'tool:Search', 'llm:', 'tool:Search', 'llm:', 'tool:Finish']);
    expect(s[0]!.output).toMatch(/^I need to search Jaclyn Stapp/);
    expect(s[3]!.tool!.arguments).toEqual({ entity: 'Creed' });
    const band = s[5]!.tool!;
    expect(band.arguments).toEqual({ entity: 'Creed (band)' });
    expect(String(band.result)).toMatch(/^Creed was an American rock band/);
    expect(String(band.result)).toMatch(/\nIn 2009, Creed reunited for a fourth album/);
    expect(s[7]!.tool).toMatchObject({ name: 'Finish', arguments: { answer: '2004' }, result: 'Answer is CORRECT' });
    expect(t.spans.find((x) => x.spanId === t.rootSpanId)!.attributes['react.correct_answer']).toBe('2004');
  });
});
