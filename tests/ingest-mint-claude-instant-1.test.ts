// MINT results of another agent model (tests/fixtures/real/mint-gpt4-feedback-claude-instant-1): claude-instant-1
// with gpt-4 feedback, a sample of 80 runs. Like claude-2 it sometimes writes code and a <solution> in one reply:
// the harness checks only the solution and runs none of the code.
import { describe, expect, it } from 'vitest';
import { arg, byTask, expectHarnessCounts, loadMintRuns, mintSet, outcomes, tools } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt4-feedback-claude-instant-1');

describe('MINT results of claude-instant-1 with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [23, 3, 8], labels: { task_success: 34, max_steps: 26, max_propose_steps: 20 } });
  });

  it('every reply read as the harness counted it: proposals and code runs, no unreadable reply', async () => {
    const traces = await loadMintRuns(DIR);
    expect(expectHarnessCounts(traces, DIR).unclosed).toBe(0);
    const all = traces.flatMap(tools);
    expect(all.filter((s) => s.tool!.name === 'execute')).toHaveLength(240);
    expect(all.filter((s) => s.tool!.name === 'execute' && s.status === 'error')).toHaveLength(26);
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(78);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(26);
    expect(all.filter((s) => s.status === 'error' && s.error!.message === 'Your answer is wrong.')).toHaveLength(26);
  });

  it('code and a solution in one reply: the solution is what the environment judged, the code was not run', async () => {
    const traces = await loadMintRuns(DIR);
    // mbpp 41: both replies run a function in <execute>, write the output they expect, then propose it.
    const t = byTask(traces, 'mbpp:41');
    expect(tools(t).map((s) => s.tool!.name)).toEqual(['propose_solution', 'propose_solution']);
    const [first] = tools(t);
    expect(arg(first!, 'answer')).toMatch(/^def get_total_number_of_sequences\(n, m\):/);
    expect(first!.error).toEqual({ type: 'wrong_answer', message: 'Your answer is wrong.' });
    expect(t.outcome).toEqual({ success: false, label: 'max_propose_steps' });
  });
});
