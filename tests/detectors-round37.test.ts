// Review round 37: fixes judged again by fresh reviewers, who recounted every count from the raw runs.
import { describe, expect, it } from 'vitest';
import { failureLine } from '../sandbox/detectors/error-text.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('a shell that cannot find the command reports a failure (review round 36, text-bison #17)', () => {
  it('reads "<cmd>: command not found" as the failure, naming the command', () => {
    expect(failureLine('/bin/bash: line 1: xxd: command not found\n0')).toBe('xxd: command not found');
    expect(failureLine('sh: 1: jq: command not found')).toBe('jq: command not found');
    // Prose about a command is not a shell's report.
    expect(failureLine('The command was not found in the manual.')).toBeNull();
  });

  it('counts run 17, whose identical commands each print "xxd: command not found", among the blind repeats', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-text-bison']);
    const repeats = byTitle(runDetectors(traces), /re-sends a failed step nearly unchanged/);
    expect(repeats.data!.traceIds).toContain(traces.find((t) => t.traceId.endsWith('#17'))!.traceId);
    expect(repeats.data!.traceIds).toHaveLength(17);
  });
});
