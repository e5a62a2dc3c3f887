// KnowAgent on HotpotQA (tests/fixtures/real/knowagent-hotpotqa): Llama-2-13b-chat answering HotpotQA questions with
// Search, Retrieve, Lookup and Finish, three model calls a step (ActionPath, Thought, Action) and the harness's
// observation; one JSON line per run in AutoAct's record shape. The counts below were taken from the raw file.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/knowagent-hotpotqa', import.meta.url));
const AUTOACT = fileURLToPath(new URL('./fixtures/real/autoact-hotpotqa/13b', import.meta.url));
const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');
const replies = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'llm');
const byQuestion = (traces: Trace[], start: string): Trace => traces.find((t) => t.taskId!.startsWith(start))!;

describe('KnowAgent HotpotQA runs', () => {
  it('500 questions, exact match as success, F1 as reward, halted runs labelled', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(500);
    expect(traces.every((t) => t.source.format === 'knowagent-hotpotqa' && t.agentName === 'KnowAgent')).toBe(true);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(500);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(132);
    // 55 wrong answers still share words with the reference (F1 above 0).
    expect(traces.filter((t) => t.outcome?.success === false && (t.outcome.reward ?? 0) > 0)).toHaveLength(55);
    const labels = new Map<string, number>();
    for (const t of traces) labels.set(t.outcome!.label!, (labels.get(t.outcome!.label!) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ incorrect: 362, correct: 132, halted: 6 });
  });

  it('AutoAct runs, the same record shape, stay with the AutoAct reader', async () => {
    const { traces } = await loadTraces([AUTOACT]);
    expect(traces).toHaveLength(300);
    expect(traces.every((t) => t.source.format === 'autoact')).toBe(true);
  });

  it('three model calls a step, one tool call per Action, failed where the harness says the action failed', async () => {
    const { traces } = await loadTraces([DIR]);
    const all = traces.flatMap(tools);
    // Three empty Actions are replies with nothing in them, not calls (round 30: a tool named "action" was judged false).
    expect(all).toHaveLength(1924);
    expect(traces.flatMap(replies)).toHaveLength(3 * 1927);
    const count = (name: string) => all.filter((s) => s.tool!.name === name).length;
    expect([count('Search'), count('Finish'), count('Retrieve'), count('Lookup'), count('Calculate'), count('action')]).toEqual([762, 494, 428, 237, 3, 0]);
    const failed = all.filter((s) => s.status === 'error');
    const byType = (type: string) => failed.filter((s) => s.error!.type === type);
    // 42 Lookups after a Retrieve that found no page, 3 actions the harness does not know, 7 Wikipedia calls that raised.
    expect([failed.length, byType('invalid_action').length, byType('exception').length]).toEqual([52, 45, 7]);
    expect(byType('invalid_action').filter((s) => s.tool!.name === 'Lookup')).toHaveLength(42);
    expect(new Set(failed.map((s) => s.traceId)).size).toBe(46);
    // Finish is answered with the verdict, a result: the outcome carries it.
    const finishes = all.filter((s) => s.tool!.name === 'Finish');
    expect(finishes.filter((s) => s.tool!.result === 'Answer is CORRECT')).toHaveLength(132);
    expect(finishes.filter((s) => s.tool!.result === 'Answer is INCORRECT')).toHaveLength(362);
    expect(finishes.every((s) => s.status !== 'error')).toBe(true);
  });

  it('reads a run field by field: the path, the thought, the action and its observation', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = byQuestion(traces, 'Sierra Marjory Boggess');
    expect(replies(t).map((s) => s.attributes['knowagent.field'])).toEqual(['ActionPath', 'Thought', 'Action', 'ActionPath', 'Thought', 'Action']);
    expect(String(replies(t)[3]!.output)).toBe('Start->Search[Sierra Marjory Boggess]');
    expect(tools(t).map((s) => [s.tool!.name, s.tool!.arguments])).toEqual([
      ['Search', { topic: 'Sierra Marjory Boggess' }],
      ['Finish', { answer: 'Ariel' }],
    ]);
    expect(String(tools(t)[0]!.tool!.result)).toMatch(/^Sierra Marjory Boggess \[2\] .*originating the role of Ariel in The Little Mermaid on Broadway/);
    expect(t.outcome).toMatchObject({ success: false, reward: 0, label: 'incorrect' });
    // An action the harness does not know is refused with its list of valid actions.
    const tesco = byQuestion(traces, 'What percentage of share of the chain supermarkets');
    const calc = tools(tesco).filter((s) => s.tool!.name === 'Calculate');
    expect(calc.map((s) => s.tool!.arguments)).toEqual([
      { input: 'percentage of Tesco market share' },
      { input: 'percentage of Tesco market share' },
      { input: 'percentage of chain supermarkets' },
    ]);
    expect(calc.every((s) => s.status === 'error' && s.error!.message.startsWith('Invalid Action. Valid Actions are Lookup[<topic>]'))).toBe(true);
  });

  it('empty fields are replies the harness recorded as nothing, marked so; an empty Action is no call', async () => {
    const { traces } = await loadTraces([DIR]);
    const empty = traces.flatMap(replies).filter((s) => s.attributes['knowagent.empty_reply'] === true);
    expect(empty).toHaveLength(9);
    expect(new Set(empty.map((s) => s.traceId)).size).toBe(2);
    // The Celtics run: two steps of nothing after four calls, then the prompt passed the harness's budget.
    const t = byQuestion(traces, 'What date did the 1993 Boston celtics team captain die?');
    expect(tools(t).map((s) => [s.tool!.name, s.status])).toEqual([
      ['Search', 'ok'],
      ['Retrieve', 'ok'],
      ['Retrieve', 'ok'],
      ['Retrieve', 'ok'],
    ]);
    // Its two empty Actions are empty replies the harness answered, not calls.
    expect(replies(t).filter((s) => s.attributes['knowagent.field'] === 'Action' && s.attributes['knowagent.empty_reply'] === true)).toHaveLength(2);
    expect(t.outcome).toMatchObject({ success: false, label: 'halted' });
  });
});
