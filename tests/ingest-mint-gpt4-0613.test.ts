// MINT results of gpt-4-0613 as the agent with gpt-4-0613 giving the feedback (tests/fixtures/real/mint-gpt4-feedback-gpt4-0613),
// a sample of 80 runs. Every reply holds exactly one closed block, so each is one call; no run hit a limit of the model.
import { describe, expect, it } from 'vitest';
import { byTask, crashed, expectHarnessCounts, loadMintRuns, mintSet, outcomes, tools } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt4-feedback-gpt4-0613');

describe('MINT results of gpt-4-0613 with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; none crashed', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [31, 4, 13], labels: { task_success: 48, max_steps: 16, max_propose_steps: 16 } });
    expect(crashed(traces)).toHaveLength(0);
  });

  it('every reply read as the harness counted it: one execution or one proposed solution each', async () => {
    const traces = await loadMintRuns(DIR);
    expect(expectHarnessCounts(traces, DIR).unclosed).toBe(0);
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
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'hotpotqa:12');
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
