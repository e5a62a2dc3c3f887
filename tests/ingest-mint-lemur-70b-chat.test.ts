// MINT results of an open model tuned for agents (tests/fixtures/real/mint-gpt4-feedback-lemur-70b-chat): Lemur-70B-Chat
// with gpt-4 feedback, a sample of 80 runs. Ten runs stop when a model call passes its 4,096-token context; twice a
// final reply opens a <solution> it never closes, which the harness counts as a proposal and checks nothing for.
import { describe, expect, it } from 'vitest';
import { byTask, crashed, expectContextLimitCrashes, expectHarnessCounts, loadMintRuns, mintSet, outcomes, replies, tools, unclosedSolution, unparsed } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt4-feedback-lemur-70b-chat');

describe('MINT results of Lemur-70B-Chat with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; ten stopped at the context limit', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [25, 2, 10], labels: { task_success: 37, error: 10, max_steps: 25, max_propose_steps: 8 } });
    const stopped = crashed(traces);
    expect(stopped.map((x) => x.taskId!.split(':')[0])).toEqual([...Array(5).fill('alfworld'), ...Array(3).fill('hotpotqa'), 'mbpp', 'mbpp']);
    expectContextLimitCrashes(stopped);
  });

  it('every reply read as the harness counted it: an unclosed <solution> is a proposal the harness checked nothing for', async () => {
    const traces = await loadMintRuns(DIR);
    expectHarnessCounts(traces, DIR);
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
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'alfworld:look_at_obj_in_light-Book-None-DeskLamp-308/trial_T20190908_020048_814402');
    // Four code runs, then the reply the harness counted as its one proposal (agent_action_count: 4 use_tool, 1 propose_solution).
    expect(tools(t).map((s) => [s.tool!.name, s.status])).toEqual([
      ['execute', 'ok'],
      ['execute', 'ok'],
      ['execute', 'error'],
      ['execute', 'ok'],
    ]);
    const last = replies(t).at(-1)!;
    expect(String(last.output)).toContain('<execute>\nprint(take_from("book 1", "desk 1"))');
    expect(unclosedSolution(last)).toBe(true);
    expect(t.outcome).toEqual({ success: false, label: 'max_steps' });
  });
});
