// InterCode results of another model (tests/fixtures/real/intercode-bash-gpt4): gpt-4 on NL2Bash file-system tasks
// in the multi-turn setting, one results file whole: a bare bash command per turn, the shell's output back.
import { describe, expect, it } from 'vitest';
import { commands, intercodeSet, isFlagged, keys, loadRuns, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-bash-gpt4', 'ic_bash_multiturn_gpt-4_10_turns_fs_1.json.gz');

describe('InterCode bash results of gpt-4', () => {
  it('60 runs, one bash command per turn, the shell failures failing their calls, the reward as outcome', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
    const solved = traces.filter((t) => t.outcome?.success === true);
    expect(keys(solved)).toEqual([0, 2, 4, 5, 8, 17, 20, 22, 25, 26, 27, 28, 29, 33, 41, 44, 47, 48, 49, 50, 53, 54, 56, 58, 59]);
    // The rest scored a partial match of the file system's end state, none zero, and used all ten turns.
    const rest = traces.filter((t) => t.outcome?.success !== true);
    expect(rest.every((t) => t.outcome!.reward! > 0.3 && t.outcome!.reward! < 1)).toBe(true);
    expect(rest.every((t) => tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(401);
    expect(calls.every((s) => s.tool!.name === 'execute' && s.attributes['halo.harness_parsed'] === true)).toBe(true);
    // 91 the environment marked invalid; 2 of them run 32's diff and cmp answering with exit status 1 (exit-answer.ts).
    const flagged = calls.filter(isFlagged);
    expect(calls.filter((s) => s.status === 'error').length + flagged.length).toBe(91);
    expect(flagged).toHaveLength(2);
    expect(keys(traces.filter((t) => tools(t).some((s) => s.status === 'error')))).toEqual([3, 6, 7, 9, 11, 12, 13, 14, 17, 18, 19, 30, 31, 38, 43, 45, 53, 55, 57]);
    expect(calls.filter((s) => s.error?.message === 'Command timed out')).toHaveLength(9);
  });

  it('a run whose every command the environment marked invalid: one grep error, then nine timeouts', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '55');
    expect(t.outcome).toMatchObject({ success: false });
    expect(t.outcome!.reward).toBeCloseTo(0.71, 6);
    expect(tools(t).every((s) => s.status === 'error')).toBe(true);
    expect(commands(t)[0]!).toBe('grep -rl "hello" . | xargs -i {} dirname {}');
    expect(tools(t)[0]!.error!.message).toMatch(/^grep: \.\/sys\/devices\/software\/power\/autosuspend_delay_ms: Input\/output error/);
    expect(tools(t).slice(1).map((s) => s.error?.message)).toEqual(Array(9).fill('Command timed out'));
    expect(tools(t).map((s) => s.attributes['intercode.reward'])).toEqual([0.7100000000000001, ...Array(9).fill(0.67)]);
  });
});
