// MINT results of another agent model (tests/fixtures/real/mint-gpt4-feedback-claude-instant-1): claude-instant-1
// with gpt-4 feedback, a sample of 80 runs. Like claude-2 it sometimes writes code and a <solution> in one reply:
// the harness checks only the solution and runs none of the code.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { actionCounts, runsPerSet } from './helpers/mint-counts.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/mint-gpt4-feedback-claude-instant-1/', import.meta.url));

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const unparsed = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' && s.attributes['halo.action_unparsed'] !== undefined);
const arg = (s: Span, key: string): string => String((s.tool!.arguments as Record<string, unknown>)[key]);

describe('MINT results of claude-instant-1 with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(80);
    const { runs, solved } = runsPerSet(traces);
    expect(runs).toEqual([37, 12, 31]);
    expect(solved).toEqual([23, 3, 8]);
    const labels = new Map<string, number>();
    for (const t of traces) labels.set(t.outcome!.label!, (labels.get(t.outcome!.label!) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ task_success: 34, max_steps: 26, max_propose_steps: 20 });
  });

  it('every reply read as the harness counted it: proposals and code runs, no unreadable reply', async () => {
    const counts = actionCounts(DIR);
    const { traces } = await loadTraces([DIR]);
    expect(traces).toHaveLength(counts.size);
    for (const t of traces) {
      const calls = tools(t).map((s) => s.tool!.name);
      const c = counts.get(t.taskId!)!;
      expect([calls.filter((n) => n === 'propose_solution').length, calls.filter((n) => n === 'execute').length, unparsed(t).length]).toEqual([
        c.propose_solution,
        c.use_tool,
        c.invalid_action,
      ]);
    }
    const all = traces.flatMap(tools);
    expect(all.filter((s) => s.tool!.name === 'execute')).toHaveLength(240);
    expect(all.filter((s) => s.tool!.name === 'execute' && s.status === 'error')).toHaveLength(26);
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(78);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(26);
    expect(all.filter((s) => s.status === 'error' && s.error!.message === 'Your answer is wrong.')).toHaveLength(26);
  });

  it('code and a solution in one reply: the solution is what the environment judged, the code was not run', async () => {
    const { traces } = await loadTraces([DIR]);
    // mbpp 41: both replies run a function in <execute>, write the output they expect, then propose it.
    const t = byTask(traces, 'mbpp:41');
    expect(tools(t).map((s) => s.tool!.name)).toEqual(['propose_solution', 'propose_solution']);
    const [first] = tools(t);
    expect(arg(first!, 'answer')).toMatch(/^def get_total_number_of_sequences\(n, m\):/);
    expect(first!.error).toEqual({ type: 'wrong_answer', message: 'Your answer is wrong.' });
    expect(t.outcome).toEqual({ success: false, label: 'max_propose_steps' });
  });
});
