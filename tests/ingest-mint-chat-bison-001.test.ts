// MINT results of PaLM 2 chat-bison-001 with gpt-4 feedback (tests/fixtures/real/mint-gpt4-feedback-chat-bison-001), a
// sample of 80 runs. The model mostly answers MBPP tasks with a Markdown code block instead of <execute> or <solution>,
// which the harness does not understand; three runs stop when the PaLM client raised on a reply with no candidates.
import { describe, expect, it } from 'vitest';
import { crashed, expectHarnessCounts, loadMintRuns, mintSet, outcomes, replies, root, tools, unparsed } from './helpers/mint-counts.ts';

const DIR = mintSet('mint-gpt4-feedback-chat-bison-001');

describe('MINT results of chat-bison-001 with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended; three stopped when the client raised', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [19, 1, 1], labels: { task_success: 21, max_steps: 39, max_propose_steps: 17, error: 3 } });
    const stopped = crashed(traces);
    expect(stopped.map((x) => x.taskId)).toEqual(['hotpotqa:11', 'mbpp:0', 'mbpp:10']);
    // The PaLM client indexes the reply's candidates, and there were none.
    for (const x of stopped) expect(root(x).error!.message).toBe('IndexError: list index out of range');
  });

  it('every reply read as the harness counted it: 116 replies it could not act on', async () => {
    const traces = await loadMintRuns(DIR);
    expectHarnessCounts(traces, DIR);
    const all = traces.flatMap(tools);
    const executions = all.filter((s) => s.tool!.name === 'execute');
    expect(executions).toHaveLength(174);
    expect(executions.filter((s) => s.status === 'error')).toHaveLength(9);
    const proposals = all.filter((s) => s.tool!.name === 'propose_solution');
    expect(proposals).toHaveLength(41);
    expect(proposals.filter((s) => s.status === 'error')).toHaveLength(22);
    const reasons = traces.flatMap(unparsed).map((s) => String(s.attributes['halo.action_unparsed']));
    expect(reasons).toHaveLength(116);
    expect(reasons.filter((r) => r === 'no <execute> or <solution> block')).toHaveLength(111);
  });

  it('twelve MBPP runs act on nothing: every reply a Markdown code block, five turns, never run or checked', async () => {
    const traces = await loadMintRuns(DIR);
    const idle = traces.filter((t) => replies(t).every((s) => s.attributes['halo.action_unparsed'] !== undefined));
    expect(idle.map((t) => t.taskId)).toEqual(['mbpp:20', 'mbpp:24', 'mbpp:25', 'mbpp:36', 'mbpp:44', 'mbpp:48', 'mbpp:55', 'mbpp:62', 'mbpp:73', 'mbpp:81', 'mbpp:83', 'mbpp:89']);
    for (const t of idle) {
      expect(tools(t)).toHaveLength(0);
      expect(replies(t)).toHaveLength(5);
      expect(t.outcome).toEqual({ success: false, label: 'max_steps' });
    }
    expect(String(replies(idle[0]!)[0]!.output)).toContain('```python\ndef extract_singly(');
  });
});
