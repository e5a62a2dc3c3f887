// MINT results (tests/fixtures/real/mint-gpt35-gpt4-feedback): gpt-3.5-turbo
// solving ALFWorld, HotpotQA and MBPP tasks in an interactive Python
// environment over up to five turns, with gpt-4 feedback after each turn.
import { describe, expect, it } from 'vitest';
import { byTask, crashed, loadMintRuns, mintSet, root, runsPerSet, tools, unparsed } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt35-gpt4-feedback');

describe('MINT results with language feedback', () => {
  it('268 runs from three results files, each with its success flag and how it ended', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(268);
    expect(runsPerSet(traces)).toEqual({ runs: [134, 43, 91], solved: [89, 14, 30] });
    expect(byTask(traces, 'hotpotqa:1').outcome).toEqual({ success: false, label: 'max_propose_steps' });
    expect(byTask(traces, 'hotpotqa:0').outcome).toEqual({ success: true, label: 'task_success' });
  });

  it('execute and propose_solution calls; the observation is the result, the feedback a separate message', async () => {
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'hotpotqa:1');
    expect(tools(t).map((s) => s.tool!.name)).toEqual(['execute', 'execute', 'propose_solution', 'propose_solution']);
    expect(tools(t)[0]!.tool!.arguments).toEqual({ code: "print(wikipedia_search('Henry Roth'))" });
    expect(String(tools(t)[0]!.tool!.result)).toMatch(/^Page: Henry Roth\nSummary: Henry Roth/);
    expect(String(tools(t)[0]!.tool!.result)).not.toContain('Expert feedback');
    const messages = root(t).messages!;
    const feedback = messages.filter((m) => m.role === 'user' && m.name === 'feedback');
    // One feedback message per recorded observation: the last reply's result and feedback are not in the record.
    expect(feedback).toHaveLength(3);
    expect(tools(t)[3]!.tool!.result).toBeNull();
  });

  it('fails a call where the environment says so: an exception in the interpreter, a wrong proposed answer', async () => {
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'mbpp:42');
    expect(tools(t).map((s) => [s.tool!.name, s.status])).toEqual([
      ['execute', 'error'],
      ['execute', 'ok'],
      ['propose_solution', 'error'],
      ['propose_solution', 'unset'],
    ]);
    expect(tools(t)[0]!.error!.type).toBe('exception');
    expect(tools(t)[0]!.error!.message).toMatch(/^AssertionError: /);
    expect(tools(t)[2]!.error).toEqual({ type: 'wrong_answer', message: 'Your answer is wrong.' });
    // The run solved the task in the end: its outcome is the harness's verdict, not the calls'.
    expect(t.outcome?.success).toBe(true);
    const all = traces.flatMap((x) => tools(x));
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(62);
  });

  it('a reply with no action block has no call; a model call that raised fails the run', async () => {
    const traces = await loadMintRuns(DIR);
    // agent_action_count.invalid_action summed over the three files: 0 + 16 + 5.
    expect(traces.flatMap(unparsed)).toHaveLength(21);
    const stopped = crashed(traces);
    expect(stopped).toHaveLength(31);
    expect(stopped.every((x) => x.outcome?.label === 'error')).toBe(true);
    expect(root(stopped[0]!).error!.message).toMatch(/^openai\.error\.InvalidRequestError: This model's maximum context length is 4097 tokens/);
  });
});
