// InterCode results of another model (tests/fixtures/real/intercode-bash-vicuna): Vicuna on NL2Bash file-system
// tasks in the multi-turn setting, one results file whole: a bare bash command per turn, the shell's output back.
import { describe, expect, it } from 'vitest';
import { commands, intercodeSet, isFlagged, loadRuns, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-bash-vicuna', 'ic_bash_multiturn_vicuna_10_turns_fs_1.json.gz');

describe('InterCode bash results of Vicuna', () => {
  it('60 runs, one bash command per turn, the shell failures failing their calls, the reward as outcome', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(9);
    // The rest scored a partial match of the file system's end state, none zero.
    expect(traces.filter((t) => t.outcome?.success !== true).every((t) => t.outcome!.reward! > 0.3 && t.outcome!.reward! < 1)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(530);
    expect(calls.every((s) => s.tool!.name === 'execute' && s.attributes['halo.harness_parsed'] === true)).toBe(true);
    // 283 the environment marked invalid; 23 of them grep, diff or test answering with exit status 1 (exit-answer.ts), themselves
    // or through `find -exec … +` (#41, #52), and not #9 tool-3, whose `[` reports "unary operator expected".
    const flagged = calls.filter(isFlagged);
    expect(calls.filter((s) => s.status === 'error').length + flagged.length).toBe(283);
    expect(flagged).toHaveLength(23);
    // #41 fails nothing else: its only flagged calls are grep answering through find.
    expect(traces.filter((t) => tools(t).some((s) => s.status === 'error'))).toHaveLength(43);
  });

  it('a run: the command, the shell output as result, a syntax error failing the call', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '3');
    expect(t.outcome?.reward).toBe(0.67);
    expect(commands(t)[0]!).toBe('cat /testbed/dir2/subdir2/* | sort | md5sum | md5sum');
    expect(tools(t).map((s) => s.status).slice(0, 3)).toEqual(['ok', 'ok', 'error']);
    expect(String(tools(t)[0]!.tool!.result)).toBe('9c8f3a915ffb88d488f3d7bfae33cf1f  -\n');
    expect(tools(t)[2]!.error!.message).toBe("<(cat: -c: line 1: unexpected EOF while looking for matching `)'");
  });
});
