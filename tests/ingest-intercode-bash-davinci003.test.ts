// InterCode results of another model (tests/fixtures/real/intercode-bash-davinci003): text-davinci-003 on NL2Bash
// file-system tasks in the multi-turn setting, one results file whole: a bare bash command per turn, the shell's
// output back.
import { describe, expect, it } from 'vitest';
import { commands, intercodeSet, isFlagged, keys, loadRuns, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-bash-davinci003', 'ic_bash_multiturn_text-davinci-003_10_turns_fs_1.json.gz');

describe('InterCode bash results of text-davinci-003', () => {
  it('60 runs, one bash command per turn, the shell failures failing their calls, the reward as outcome', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
    expect(keys(traces.filter((t) => t.outcome?.success === true))).toEqual([0, 2, 7, 8, 10, 20, 22, 25, 26, 27, 28, 29, 33, 34, 40, 44, 56, 58]);
    // The rest scored a partial match of the file system's end state, none zero, and used all ten turns.
    const rest = traces.filter((t) => t.outcome?.success !== true);
    expect(rest).toHaveLength(42);
    expect(rest.every((t) => t.outcome!.reward! > 0.3 && t.outcome!.reward! < 1 && tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(458);
    expect(calls.every((s) => s.tool!.name === 'execute' && s.attributes['halo.harness_parsed'] === true)).toBe(true);
    // 120 the environment marked invalid; 13 of them grep, diff or test answering with exit status 1 (exit-answer.ts).
    const flagged = calls.filter(isFlagged);
    expect(calls.filter((s) => s.status === 'error').length + flagged.length).toBe(120);
    expect(flagged).toHaveLength(13);
    expect(traces.filter((t) => tools(t).some((s) => s.status === 'error'))).toHaveLength(18);
    expect(calls.filter((s) => s.error?.message === 'Command timed out')).toHaveLength(15);
    // Runs that send one command all ten turns.
    expect(keys(traces.filter((t) => new Set(commands(t)).size === 1 && commands(t).length === 10))).toEqual([13, 14, 15, 19]);
  });

  it('a copy whose glob matches nothing, sent ten times, fails ten times', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '15');
    expect(t.outcome).toMatchObject({ success: false, reward: 0.34 });
    expect(new Set(commands(t))).toEqual(new Set(['cp /testbed/dir1/*foobar* /testbed/dir3/subdir1/subsubdir1/tmp']));
    // The shell's output is the call's result; its message, trimmed, the error.
    expect(tools(t).every((s) => s.status === 'error' && s.tool!.result === "cp: cannot stat '/testbed/dir1/*foobar*': No such file or directory\n")).toBe(true);
    expect(tools(t).every((s) => s.error!.message === "cp: cannot stat '/testbed/dir1/*foobar*': No such file or directory")).toBe(true);
  });
});
