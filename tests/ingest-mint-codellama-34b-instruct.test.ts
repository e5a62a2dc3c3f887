// MINT results of an open code model (tests/fixtures/real/mint-gpt4-feedback-codellama-34b-instruct): CodeLlama-34b-Instruct
// with gpt-4 feedback, a sample of 80 runs. On MBPP it mostly answers in its own `[PYTHON] … [/PYTHON]` format, which the
// harness cannot act on; twice the record keeps no reply for an action the harness counted (an empty reply is not logged).
import { describe, expect, it } from 'vitest';
import { byTask, crashed, expectHarnessCounts, loadMintRuns, mintSet, outcomes, replies, root, tools, unparsed } from './helpers/mint-counts.ts';
import type { Trace } from '../src/types.ts';

const DIR = mintSet('mint-gpt4-feedback-codellama-34b-instruct');

const harnessMessages = (t: Trace): string[] =>
  (root(t).messages ?? []).filter((m) => m.role === 'user' && m.name === 'harness').map((m) => String(m.content));

describe('MINT results of CodeLlama-34b-Instruct with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended', async () => {
    const traces = await loadMintRuns(DIR);
    expect(traces).toHaveLength(80);
    expect(outcomes(traces)).toEqual({ runs: [37, 12, 31], solved: [26, 3, 0], labels: { task_success: 29, max_steps: 33, max_propose_steps: 18 } });
    expect(crashed(traces)).toHaveLength(0);
  });

  it('every recorded reply read as the harness counted it; two counted actions have no reply in the record', async () => {
    const traces = await loadMintRuns(DIR);
    const { unclosed, short } = expectHarnessCounts(traces, DIR, { missingReplies: true });
    expect(unclosed).toBe(0);
    // MINT logs a reply only when it is not empty (GeneralEnv.step): the two "I don't understand" answers follow one reply.
    expect(short).toEqual(['mbpp:76', 'mbpp:84']);
    for (const id of short) {
      const asked = harnessMessages(byTask(traces, id)).filter((m) => m.startsWith("I don't understand your input."));
      expect(asked.length).toBeGreaterThanOrEqual(2);
    }
    const all = traces.flatMap(tools);
    expect(all.filter((s) => s.tool!.name === 'execute')).toHaveLength(180);
    expect(all.filter((s) => s.tool!.name === 'execute' && s.status === 'error')).toHaveLength(21);
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(46);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(20);
    expect(traces.flatMap(unparsed)).toHaveLength(91);
  });

  it('a [PYTHON] reply holds no action the harness can run: the reply is unparsed and no call is made up for it', async () => {
    const traces = await loadMintRuns(DIR);
    const mbppReplies = traces.filter((t) => t.taskId!.startsWith('mbpp:')).flatMap(replies);
    const python = mbppReplies.filter((s) => String(s.output ?? '').includes('[PYTHON]'));
    expect(python).toHaveLength(76);
    // 65 hold neither tag; 7 also hold a closed <execute> block and 4 a closed <solution>, which the harness acted on.
    expect(python.filter((s) => s.attributes['halo.action_unparsed'] === 'no <execute> or <solution> block')).toHaveLength(65);
    expect(python.filter((s) => s.attributes['halo.action_unparsed'] === undefined)).toHaveLength(11);
    // mbpp 16: five [PYTHON] replies, each answered "I don't understand your input", and the run ends at the step limit.
    const t = byTask(traces, 'mbpp:16');
    expect(tools(t)).toHaveLength(0);
    expect(unparsed(t)).toHaveLength(5);
    expect(t.outcome).toEqual({ success: false, label: 'max_steps' });
  });
});
