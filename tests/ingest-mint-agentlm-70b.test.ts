// MINT results of AgentLM-70B (AgentTuning's agent-tuned Llama-2-70b) with gpt-4 feedback
// (tests/fixtures/real/mint-gpt4-feedback-agentlm-70b), a sample of 80 runs. Five runs stop when a model call passes the
// model's 4,096-token context; four replies were cut off inside a <solution>, which the harness counts as a proposal and
// checks nothing for.
import { describe, expect, it } from 'vitest';
import { byTask, crashed, expectContextLimitCrashes, expectHarnessCounts, loadMintRuns, mintSet, outcomes, replies, tools, unclosedSolution, unparsed } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt4-feedback-agentlm-70b');

describe('MINT results of AgentLM-70B with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; five stopped at the context limit', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [22, 2, 7], labels: { task_success: 31, max_steps: 25, max_propose_steps: 19, error: 5 } });
    const stopped = crashed(traces);
    expect(stopped.map((x) => x.taskId!.split(':')[0])).toEqual(['alfworld', 'alfworld', 'alfworld', 'hotpotqa', 'mbpp']);
    expectContextLimitCrashes(stopped);
  });

  it('every reply read as the harness counted it: an unclosed <solution> is a proposal the harness checked nothing for', async () => {
    const traces = await loadMintRuns(DIR);
    expectHarnessCounts(traces, DIR);
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
    const traces = await loadMintRuns(DIR);
    for (const id of ['mbpp:41', 'mbpp:55']) {
      const t = byTask(traces, id);
      expect(tools(t)).toHaveLength(0);
      expect(replies(t)).toHaveLength(2);
      expect(replies(t).every(unclosedSolution)).toBe(true);
      expect(t.outcome).toEqual({ success: false, label: 'max_propose_steps' });
    }
  });
});
