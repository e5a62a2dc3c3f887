// InterCode results of another model (tests/fixtures/real/intercode-bash-text-bison): PaLM 2 text-bison-001 on
// NL2Bash file-system tasks in the multi-turn setting, one results file whole: a bare bash command (or a whole
// script) per turn, the shell's output back. Three runs end on the harness's `blocked` entry.
import { describe, expect, it } from 'vitest';
import { command, intercodeSet, isFlagged, keys, loadRuns, root, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-bash-text-bison', 'ic_bash_multiturn_text-bison-001_10_turns_fs_1.json.gz');

describe('InterCode bash results of text-bison-001', () => {
  it('60 runs, the shell failures failing their calls, the reward as outcome', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
    expect(keys(traces.filter((t) => t.outcome?.success === true))).toEqual([0, 2, 20, 22, 25, 26, 28, 29, 33, 36, 41, 42, 56, 58]);
    const failed = traces.filter((t) => t.outcome?.success !== true);
    expect(failed.every((t) => t.outcome!.reward! > 0.35 && t.outcome!.reward! < 1)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(468);
    expect(calls.every((s) => s.tool!.name === 'execute' && s.attributes['halo.harness_parsed'] === true)).toBe(true);
    const errors = calls.filter((s) => s.status === 'error');
    // 139 the environment marked invalid; 20 of them grep or diff answering with exit status 1 (exit-answer.ts: run 9's
    // empty grep, run 10's diff), kept as flags.
    const flagged = calls.filter(isFlagged);
    expect(errors.length + flagged.length).toBe(139);
    expect(flagged).toHaveLength(20);
    expect(new Set(errors.map((s) => s.traceId)).size).toBe(14);
    // Two runs time out on every one of their ten commands.
    const timedOut = errors.filter((s) => s.error!.message === 'Command timed out');
    expect(timedOut).toHaveLength(20);
    expect(keys(traces.filter((t) => tools(t).length === 10 && tools(t).every((s) => s.error?.message === 'Command timed out')))).toEqual([30, 55]);
    // 29 runs send one command all ten turns; 40 commands are whole scripts.
    expect(traces.filter((t) => tools(t).length === 10 && new Set(tools(t).map(command)).size === 1)).toHaveLength(29);
    expect(calls.filter((s) => command(s).startsWith('#!/bin/bash'))).toHaveLength(40);
  });

  it('runs the harness ended on `blocked`: no call for it, the run failed with its partial reward', async () => {
    const traces = await loadRuns(DIR);
    const blocked = traces.filter((t) => root(t).attributes['intercode.blocked'] === true);
    expect(keys(blocked)).toEqual([3, 11, 12]);
    expect(keys(blocked).map((k) => tools(byKey(traces, String(k))).length)).toEqual([9, 7, 3]);
    expect(blocked.every((t) => root(t).status === 'error' && t.outcome?.success === false)).toBe(true);
    const t = byKey(traces, '12');
    expect(t.outcome?.reward).toBe(0.53);
    expect(tools(t).every((s) => command(s) === 'find . -type f -mtime +7 -exec gzip -9 {} \\;' && s.status === 'error')).toBe(true);
    expect(tools(t)[0]!.error!.message).toBe("find: 'gzip': No such file or directory");
    // No other run is blocked.
    expect(traces.filter((t) => root(t).status === 'error')).toHaveLength(3);
  });
});
