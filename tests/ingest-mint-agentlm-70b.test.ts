// MINT results of AgentLM-70B (AgentTuning's agent-tuned Llama-2-70b) with gpt-4 feedback
// (tests/fixtures/real/mint-gpt4-feedback-agentlm-70b), a sample of 80 runs. Five runs stop when a model call passes the
// model's 4,096-token context; four replies were cut off inside a <solution>, which the harness counts as a proposal and
// checks nothing for.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { actionCounts, runsPerSet } from './helpers/mint-counts.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/mint-gpt4-feedback-agentlm-70b/', import.meta.url));

const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const unparsed = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' && s.attributes['halo.action_unparsed'] !== undefined);
const unclosedSolution = (s: Span) => String(s.attributes['halo.action_unparsed']).startsWith('<solution> block not closed');

describe('MINT results of AgentLM-70B with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; five stopped at the context limit', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(80);
    expect(traces.every((t) => t.source.format === 'mint' && t.agentName === 'MINT agent')).toBe(true);
    const { runs, solved } = runsPerSet(traces);
    expect(runs).toEqual([37, 12, 31]);
    expect(solved).toEqual([22, 2, 7]);
    const labels = new Map<string, number>();
    for (const t of traces) labels.set(t.outcome!.label!, (labels.get(t.outcome!.label!) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ task_success: 31, max_steps: 25, max_propose_steps: 19, error: 5 });
    const crashed = traces.filter((x) => root(x).status === 'error');
    expect(crashed.map((x) => x.taskId!.split(':')[0])).toEqual(['alfworld', 'alfworld', 'alfworld', 'hotpotqa', 'mbpp']);
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
    const executions = all.filter((s) => s.tool!.name === 'execute');
    expect(executions).toHaveLength(228);
    const failed = executions.filter((s) => s.status === 'error');
    expect(failed).toHaveLength(54);
    const kinds = (p: string) => failed.filter((s) => s.error!.message.startsWith(p)).length;
    expect([kinds('AssertionError'), kinds('TypeError'), kinds('SyntaxError')]).toEqual([25, 9, 8]);
    const proposals = all.filter((s) => s.tool!.name === 'propose_solution');
    expect(proposals).toHaveLength(52);
    expect(proposals.filter((s) => s.status === 'error')).toHaveLength(19);
    expect(traces.flatMap(unparsed).filter(unclosedSolution)).toHaveLength(4);
    expect(traces.flatMap(unparsed)).toHaveLength(7);
  });

  it('two MBPP runs end after two replies cut off inside <solution>: both proposals used, no code run, nothing checked', async () => {
    const { traces } = await loadTraces([DIR]);
    for (const id of ['mbpp:41', 'mbpp:55']) {
      const t = traces.find((x) => x.taskId === id)!;
      expect(tools(t)).toHaveLength(0);
      const replies = t.spans.filter((s) => s.kind === 'llm');
      expect(replies).toHaveLength(2);
      expect(replies.every(unclosedSolution)).toBe(true);
      expect(t.outcome).toEqual({ success: false, label: 'max_propose_steps' });
    }
  });
});
