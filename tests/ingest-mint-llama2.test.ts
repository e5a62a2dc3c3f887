// MINT results of another agent model (tests/fixtures/real/mint-gpt4-feedback-llama2-70b-chat): Llama-2-70b-chat
// with gpt-4 feedback, a sample of 80 runs. Its replies often hold several <execute> blocks, or code and then a
// <solution>; the reader must read them as MINT's harness did, which each record's agent_action_count tells.
import { describe, expect, it } from 'vitest';
import { arg, byTask, crashed, expectContextLimitCrashes, expectHarnessCounts, loadMintRuns, mintSet, runsPerSet, tools } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt4-feedback-llama2-70b-chat');
const GPT35 = mintSet('mint-gpt35-gpt4-feedback');

describe('MINT results of Llama-2-70b-chat with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(runsPerSet(traces)).toEqual({ runs: [37, 12, 31], solved: [9, 3, 8] });
    // Ten ALFWorld runs stopped when a model call went past Llama-2's 4,096-token context.
    const stopped = crashed(traces);
    expect(stopped).toHaveLength(10);
    expect(stopped.every((x) => x.taskId!.startsWith('alfworld:'))).toBe(true);
    expectContextLimitCrashes(stopped);
  });

  it('reads every reply as the harness did: the calls match agent_action_count on every run of both MINT sets', async () => {
    for (const dir of [DIR, GPT35]) expect(expectHarnessCounts(await loadMintRuns(dir), dir).unclosed).toBe(0);
  });

  it('a reply with code and then a solution proposes the solution; the environment judged that, not the code', async () => {
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'mbpp:65');
    expect(tools(t).map((s) => [s.tool!.name, s.status])).toEqual([
      ['execute', 'ok'],
      ['execute', 'ok'],
      ['execute', 'ok'],
      ['propose_solution', 'error'],
      ['propose_solution', 'unset'],
    ]);
    const proposed = tools(t)[3]!;
    expect(arg(proposed, 'answer')).toMatch(/^def find_Divisor\(a, b\):/);
    expect(arg(proposed, 'answer')).not.toContain('Please let me know');
    expect(proposed.error).toEqual({ type: 'wrong_answer', message: 'Your answer is wrong.' });
    const all = traces.flatMap((x) => tools(x));
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(45);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(11);
    // 32 tracebacks and 18 cells IPython could not compile (`Cell In[2], line 8` … `SyntaxError: 'break' outside loop`; round 24's reviewer counted 18 in 13 runs).
    expect(all.filter((s) => s.tool!.name === 'execute' && s.status === 'error')).toHaveLength(50);
  });

  it('several <execute> blocks in a reply are one run of their code, joined, as the harness ran them', async () => {
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'mbpp:41');
    const call = tools(t)[3]!;
    const code = arg(call, 'code');
    expect(code).toMatch(/^def get_total_number_of_sequences\(n, m\):/);
    expect(code).toContain('\ntest_case = (10, 4)\n');
    expect(code).not.toContain('<thought>');
    // The second block calls the function the first defined: the output is of both together.
    expect(String(call.tool!.result)).toMatch(/^The result for \(10, 4\) is 8\n/);
  });
});
