// MINT results of gpt-4-0613 as the agent with gpt-4-0613 giving the feedback (tests/fixtures/real/mint-gpt4-feedback-gpt4-0613),
// a sample of 80 runs. Every reply holds exactly one closed block, so each is one call; no run hit a limit of the model.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { actionCounts, runsPerSet } from './helpers/mint-counts.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/mint-gpt4-feedback-gpt4-0613/', import.meta.url));

const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const unparsed = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' && s.attributes['halo.action_unparsed'] !== undefined);

describe('MINT results of gpt-4-0613 with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; none crashed', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(80);
    expect(traces.every((t) => t.source.format === 'mint' && t.agentName === 'MINT agent')).toBe(true);
    const { runs, solved } = runsPerSet(traces);
    expect(runs).toEqual([37, 12, 31]);
    expect(solved).toEqual([31, 4, 13]);
    const labels = new Map<string, number>();
    for (const t of traces) labels.set(t.outcome!.label!, (labels.get(t.outcome!.label!) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ task_success: 48, max_steps: 16, max_propose_steps: 16 });
    expect(traces.filter((x) => root(x).status === 'error')).toHaveLength(0);
  });

  it('every reply read as the harness counted it: one execution or one proposed solution each', async () => {
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
    const executions = all.filter((s) => s.tool!.name === 'execute');
    expect(executions).toHaveLength(208);
    const failed = executions.filter((s) => s.status === 'error');
    expect(failed).toHaveLength(30);
    // Most are the model's own asserts on MBPP functions failing.
    expect(failed.filter((s) => s.error!.message.startsWith('AssertionError'))).toHaveLength(26);
    const proposals = all.filter((s) => s.tool!.name === 'propose_solution');
    expect(proposals).toHaveLength(63);
    expect(proposals.filter((s) => s.status === 'error').map((s) => s.error!.message.split('\n')[0])).toEqual(Array(17).fill('Your answer is wrong.'));
  });

  it('a HotpotQA run that spent both proposals: the first answered wrong, the last one\'s verdict not recorded', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = traces.find((x) => x.taskId === 'hotpotqa:12')!;
    // agent_action_count: 3 use_tool, 2 propose_solution; the run ends on the second proposal.
    expect(tools(t).map((s) => [s.tool!.name, s.status])).toEqual([
      ['execute', 'ok'],
      ['propose_solution', 'error'],
      ['execute', 'ok'],
      ['execute', 'ok'],
      ['propose_solution', 'unset'],
    ]);
    expect(t.outcome).toEqual({ success: false, label: 'max_propose_steps' });
  });
});
