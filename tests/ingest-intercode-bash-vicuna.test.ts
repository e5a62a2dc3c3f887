// InterCode results of another model (tests/fixtures/real/intercode-bash-vicuna): Vicuna on NL2Bash file-system
// tasks in the multi-turn setting, one results file whole: a bare bash command per turn, the shell's output back.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/intercode-bash-vicuna/', import.meta.url));
const FILE = 'ic_bash_multiturn_vicuna_10_turns_fs_1.json.gz';

const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const byKey = (traces: Trace[], key: string): Trace => traces.find((t) => t.traceId.endsWith(`${FILE}#${key}`))!;
const command = (t: Trace, i: number): string => (tools(t)[i]!.tool!.arguments as { command: string }).command;

describe('InterCode bash results of Vicuna', () => {
  it('60 runs, one bash command per turn, the shell failures failing their calls, the reward as outcome', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(9);
    // The rest scored a partial match of the file system's end state, none zero.
    expect(traces.filter((t) => t.outcome?.success !== true).every((t) => t.outcome!.reward! > 0.3 && t.outcome!.reward! < 1)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(530);
    expect(calls.every((s) => s.tool!.name === 'execute' && s.attributes['halo.harness_parsed'] === true)).toBe(true);
    // 283 the environment marked invalid; 15 of them grep, diff or test answering with exit status 1 (exit-answer.ts).
    const flagged = calls.filter((s) => typeof s.attributes['halo.flagged_error'] === 'string');
    expect(calls.filter((s) => s.status === 'error').length + flagged.length).toBe(283);
    expect(flagged).toHaveLength(15);
    expect(traces.filter((t) => tools(t).some((s) => s.status === 'error'))).toHaveLength(44);
  });

  it('a run: the command, the shell output as result, a syntax error failing the call', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = byKey(traces, '3');
    expect(t.outcome?.reward).toBe(0.67);
    expect(command(t, 0)).toBe('cat /testbed/dir2/subdir2/* | sort | md5sum | md5sum');
    expect(tools(t).map((s) => s.status).slice(0, 3)).toEqual(['ok', 'ok', 'error']);
    expect(String(tools(t)[0]!.tool!.result)).toBe('9c8f3a915ffb88d488f3d7bfae33cf1f  -\n');
    expect(tools(t)[2]!.error!.message).toBe("<(cat: -c: line 1: unexpected EOF while looking for matching `)'");
  });
});
