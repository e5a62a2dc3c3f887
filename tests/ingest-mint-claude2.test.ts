// MINT results of another agent model (tests/fixtures/real/mint-gpt4-feedback-claude2): claude-2 with gpt-4
// feedback, a sample of 80 runs. claude-2 often writes code and then a <solution> in one reply (the harness checks
// only the solution), and three of its replies were cut off inside <solution> (the harness could read no answer but
// counted a proposal all the same).
import { describe, expect, it } from 'vitest';
import { arg, byTask, expectHarnessCounts, loadMintRuns, mintSet, outcomes, tools, unparsed as unparsedReplies } from './helpers/mint-counts.ts';
import type { Trace } from '../src/types.ts';

const DIR = mintSet('mint-gpt4-feedback-claude2');
const MINT_SETS = [DIR, mintSet('mint-gpt4-feedback-llama2-70b-chat'), mintSet('mint-gpt35-gpt4-feedback')];

const unparsed = (t: Trace): string[] => unparsedReplies(t).map((s) => String(s.attributes['halo.action_unparsed']));

describe('MINT results of claude-2 with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [12, 5, 12], labels: { task_success: 29, max_propose_steps: 29, max_steps: 22 } });
  });

  it('every reply read as the harness counted it, on all three MINT sets: proposals, code runs, unreadable replies', async () => {
    for (const dir of MINT_SETS) expectHarnessCounts(await loadMintRuns(dir), dir);
  });

  it('a reply cut off inside <solution> has no call: the harness could not read an answer', async () => {
    const traces = await loadMintRuns(DIR);
    const t = byTask(traces, 'mbpp:68');
    expect(unparsed(t)).toEqual(['<solution> block not closed (the harness counts it as a proposed solution and checks none)']);
    // Its code blocks were not run either: a reply holding <solution> is a proposal to the harness.
    expect(tools(t).map((s) => s.tool!.name)).toEqual(['propose_solution']);
    expect(t.outcome).toEqual({ success: false, label: 'max_propose_steps' });
    const all = traces.flatMap((x) => unparsed(x));
    expect(all.filter((r) => r.startsWith('<solution> block not closed'))).toHaveLength(3);
  });

  it('code and a solution in one reply: the solution is what the environment judged, the code was not run', async () => {
    const traces = await loadMintRuns(DIR);
    // hotpotqa 24: a search written out, its result imagined, then an answer; the harness answered the answer.
    const t = byTask(traces, 'hotpotqa:24');
    const first = tools(t)[0]!;
    expect([first.tool!.name, arg(first, 'answer'), first.status]).toEqual(['propose_solution', 'House of Windsor', 'error']);
    expect(first.error).toEqual({ type: 'wrong_answer', message: 'Your answer is wrong.' });
    expect(tools(t).some((s) => s.tool!.name === 'execute')).toBe(false);
    const all = traces.flatMap((x) => tools(x));
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(93);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(29);
    expect(all.filter((s) => s.tool!.name === 'execute')).toHaveLength(180);
    // 21 tracebacks and 2 code cells IPython could not compile (`SyntaxError` with no traceback).
    expect(all.filter((s) => s.tool!.name === 'execute' && s.status === 'error')).toHaveLength(23);
  });
});
