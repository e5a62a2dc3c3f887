// MINT results of an open model tuned for agents (tests/fixtures/real/mint-gpt4-feedback-lemur-70b-chat): Lemur-70B-Chat
// with gpt-4 feedback, a sample of 80 runs. Ten runs stop when a model call passes its 4,096-token context; twice a
// final reply opens a <solution> it never closes, which the harness counts as a proposal and checks nothing for.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { actionCounts, runsPerSet } from './helpers/mint-counts.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/mint-gpt4-feedback-lemur-70b-chat/', import.meta.url));

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const unparsed = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' && s.attributes['halo.action_unparsed'] !== undefined);
const unclosedSolution = (s: Span) => String(s.attributes['halo.action_unparsed']).startsWith('<solution> block not closed');

describe('MINT results of Lemur-70B-Chat with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; ten stopped at the context limit', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(80);
    expect(traces.every((t) => t.source.format === 'mint' && t.agentName === 'MINT agent')).toBe(true);
    const { runs, solved } = runsPerSet(traces);
    expect(runs).toEqual([37, 12, 31]);
    expect(solved).toEqual([25, 2, 10]);
    const labels = new Map<string, number>();
    for (const t of traces) labels.set(t.outcome!.label!, (labels.get(t.outcome!.label!) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ task_success: 37, error: 10, max_steps: 25, max_propose_steps: 8 });
    const crashed = traces.filter((x) => root(x).status === 'error');
    expect(crashed.map((x) => x.taskId!.split(':')[0])).toEqual([...Array(5).fill('alfworld'), ...Array(3).fill('hotpotqa'), 'mbpp', 'mbpp']);
    expect(crashed.every((x) => x.outcome?.label === 'error')).toBe(true);
    for (const x of crashed) expect(root(x).error!.message).toMatch(/^openai\.error\.InvalidRequestError: .*maximum context length is 4096 tokens/);
  });

  it('every reply read as the harness counted it: an unclosed <solution> is a proposal the harness checked nothing for', async () => {
    const counts = actionCounts(DIR);
    const { traces } = await loadTraces([DIR]);
    expect(traces).toHaveLength(counts.size);
    for (const t of traces) {
      const calls = tools(t).map((s) => s.tool!.name);
      const c = counts.get(t.taskId!)!;
      const open = unparsed(t).filter(unclosedSolution).length;
      expect([calls.filter((n) => n === 'propose_solution').length + open, calls.filter((n) => n === 'execute').length, unparsed(t).length - open]).toEqual([
        c.propose_solution,
        c.use_tool,
        c.invalid_action,
      ]);
    }
    const all = traces.flatMap(tools);
    expect(all.filter((s) => s.tool!.name === 'execute')).toHaveLength(249);
    const failedRuns = all.filter((s) => s.tool!.name === 'execute' && s.status === 'error');
    expect(failedRuns).toHaveLength(55);
    // Most are the model's own asserts on MBPP functions failing.
    expect(failedRuns.filter((s) => s.error!.message.startsWith('AssertionError'))).toHaveLength(42);
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(42);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(14);
    expect(traces.flatMap(unparsed).map(unclosedSolution)).toEqual([true, true, false, false, false]);
  });

  it('a last reply with code and an unclosed <solution> runs no code: the harness took it as a proposal', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = byTask(traces, 'alfworld:look_at_obj_in_light-Book-None-DeskLamp-308/trial_T20190908_020048_814402');
    // Four code runs, then the reply the harness counted as its one proposal (agent_action_count: 4 use_tool, 1 propose_solution).
    expect(tools(t).map((s) => [s.tool!.name, s.status])).toEqual([
      ['execute', 'ok'],
      ['execute', 'ok'],
      ['execute', 'error'],
      ['execute', 'ok'],
    ]);
    const last = t.spans.filter((s) => s.kind === 'llm').at(-1)!;
    expect(String(last.output)).toContain('<execute>\nprint(take_from("book 1", "desk 1"))');
    expect(unclosedSolution(last)).toBe(true);
    expect(t.outcome).toEqual({ success: false, label: 'max_steps' });
  });
});
