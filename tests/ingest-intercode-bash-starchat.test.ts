// InterCode results of another model (tests/fixtures/real/intercode-bash-starchat): StarChat on NL2Bash
// file-system tasks in the multi-turn setting, one results file whole: a bare bash command per turn, the
// shell's output back. The file holds 58 runs (keys 45 and 54 are not in it).
import { describe, expect, it } from 'vitest';
import { command, intercodeSet, isFlagged, keys, loadRuns, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-bash-starchat', 'ic_bash_multiturn_starchat_10_turns_fs_1.json.gz');

describe('InterCode bash results of StarChat', () => {
  it('58 runs, one bash command per turn, the shell failures failing their calls, the reward as outcome', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(58);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(58);
    expect(keys(traces.filter((t) => t.outcome?.success === true))).toEqual([1, 2, 7, 20, 22, 26, 28, 40, 56, 58]);
    // The rest scored a partial match of the file system's end state, none zero, all after ten turns.
    const failed = traces.filter((t) => t.outcome?.success !== true);
    expect(failed).toHaveLength(48);
    expect(failed.every((t) => t.outcome!.reward! >= 0.39 && t.outcome!.reward! < 1 && tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(491);
    expect(calls.every((s) => s.tool!.name === 'execute' && s.attributes['halo.harness_parsed'] === true)).toBe(true);
    const errors = calls.filter((s) => s.status === 'error');
    // 154 the environment marked invalid, and 3 whose output is ps's own `error: …` though marked valid; none of the 154 is
    // grep or diff answering with exit status 1 (exit-answer.ts: its greps that were flagged timed out).
    const flagged = calls.filter(isFlagged);
    expect(errors.length + flagged.length).toBe(157);
    expect(flagged).toHaveLength(0);
    expect(new Set(errors.map((s) => s.traceId)).size).toBe(26);
    expect(errors.filter((s) => s.error!.message === 'Command timed out')).toHaveLength(7);
    expect(errors.filter((s) => s.error!.message === 'Malformed command')).toHaveLength(6);
    // 30 turns whose parsed command is empty: nothing ran, nothing came back, and nothing failed.
    const empty = calls.filter((s) => command(s) === '');
    expect(empty).toHaveLength(30);
    expect(new Set(empty.map((s) => s.traceId)).size).toBe(17);
    expect(empty.every((s) => s.status === 'ok' && s.tool!.result === '')).toBe(true);
  });

  it('a run: shell syntax errors, an empty command, then a fenced command sent five times', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '14');
    expect(t.outcome).toMatchObject({ success: false, reward: 0.67 });
    const calls = tools(t);
    expect(calls.map((s) => s.status)).toEqual(['ok', 'ok', 'error', 'error', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(command(calls[0]!)).toMatch(/^find \/testbed -name "\*\.txt" -size \+2000c -exec cat \{\} \+ \| wc -w \| awk /);
    expect(calls[2]!.error!.message).toBe("/bin/bash: -c: line 1: unexpected EOF while looking for matching ``'");
    expect(command(calls[4]!)).toBe('');
    expect(calls.slice(5).every((s) => command(s).startsWith('```find /testbed') && command(s) === command(calls[5]!))).toBe(true);
  });

  it("an output that is ps's own error fails its call even where the environment marked the action valid", async () => {
    const traces = await loadRuns(DIR);
    const calls = tools(byKey(traces, '9'));
    expect(command(calls[4]!)).toBe("ps -o comm= -p $PPID | cut -d' ' -f1");
    expect(calls[4]!.status).toBe('error');
    expect(calls[4]!.error!.message).toBe('error: process ID out of range');
    expect(calls.map((s) => s.status)).toEqual(['ok', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error']);
  });
});
