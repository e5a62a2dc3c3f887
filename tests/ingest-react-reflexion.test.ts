// Reflexion's ReAct agent in a trial after the first (tests/fixtures/real/
// reflexion-hotpotqa-reflexion: trial 2 of its 5-trial HotpotQA log): questions
// failed in trial 1 are asked again with Reflexion's header and the reflections
// written after the failure; the task stays the question alone.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Trace } from '../src/types.ts';

const log = fileURLToPath(new URL('./fixtures/real/reflexion-hotpotqa-reflexion/react_reflexion_100_questions_trial_2.txt.gz', import.meta.url));
const root = (t: Trace) => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const steps = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));

describe('Reflexion trial logs with reflections (HotpotQA, trial 2)', async () => {
  const { traces, stats } = await loadTraces([log]);

  it('one run per listed question, outcomes as the trial summary counts them', () => {
    expect(stats.badRecords).toBe(0);
    // "Trial summary: Correct: 42, Incorrect: 43, Halted: 14"
    expect(traces).toHaveLength(99);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(42);
    expect(traces.filter((t) => t.outcome?.label === 'incorrect')).toHaveLength(43);
    expect(traces.filter((t) => t.outcome?.label === 'halted')).toHaveLength(14);
    expect(traces.every((t) => t.trial === 2)).toBe(true);
  });

  it('the reflections are kept on the run and in the question turn, and the task is the question alone', () => {
    const withReflections = traces.filter((t) => root(t).attributes['react.reflections'] !== undefined);
    // 10 of the correct runs, 42 of the incorrect, all 14 halted carry Reflexion's header.
    expect(withReflections).toHaveLength(66);
    expect(withReflections.filter((t) => t.outcome?.success === true)).toHaveLength(10);
    expect(traces.every((t) => !String(t.taskId).includes('You have attempted'))).toBe(true);

    const t = traces.find((x) => String(x.taskId).startsWith('The creator of "Wallace and Gromit"'))!;
    expect(t.taskId).toBe('The creator of "Wallace and Gromit" also created what animation comedy that matched animated zoo animals with a soundtrack of people talking about their homes?');
    expect(t.outcome).toEqual({ success: true, label: 'correct' });
    expect(String(root(t).attributes['react.reflections'])).toMatch(/^- I got stuck in a loop where I kept trying to search 'Nick Park'/);
    const s = steps(t);
    expect(s.map((x) => `${x.kind}:${x.kind === 'tool' ? x.name : ''}`)).toEqual(['llm:', 'tool:Search', 'llm:', 'tool:Search', 'llm:', 'tool:Finish']);
    expect(String(root(t).input)).toContain('\nReflections:\n- I got stuck in a loop');
    expect(s[5]!.tool).toMatchObject({ name: 'Finish', arguments: { answer: 'Creature Comforts' }, result: 'Answer is CORRECT' });
  });

  it('a run carried over from trial 1 has no reflections', () => {
    const t = traces.find((x) => x.taskId === 'Which of Jonny Craig and Pete Doherty has been a member of more bands ?')!;
    expect(t.outcome?.success).toBe(true);
    expect(root(t).attributes['react.reflections']).toBeUndefined();
  });
});
