// The harness's own change to a command, as the shell shows it: one finding, where the error and retry findings
// each saw a part (review rounds 36 and 37 listed it as missed on InterCode bash: StarChat, Vicuna, CTF).
import { describe, expect, it } from 'vitest';
import { commandRewrites } from '../sandbox/detectors/command-rewrites.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { REAL_SETS } from './helpers/real-sets.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('commandRewrites', () => {
  it('reports the calls whose shell ran something other than the command, by what the shell shows', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-vicuna']);
    const f = byTitle(runDetectors(traces), /^`execute`: the shell did not run the command the call carries, in 16 runs$/);
    // Review round 39's recount: 16 runs and 81 calls, #4's "$(cat: line 1: …" among them (a runtime error names the
    // script without "-c:").
    expect(f.data).toMatchObject({ calls: 81, failed: 81, echoed: 9, stripped: 9, split: 59, open: 13 });
    expect(f.data!.traceIds).toContain(traces.find((t) => t.traceId.endsWith('#4'))!.traceId);
    // #3's `md5sum <(echo "… <(cat …)" | md5sum)` closes what it opens: bash's report of an open `)` is the harness's doing.
    expect(f.data!.traceIds).toContain(traces.find((t) => t.traceId.endsWith('#3'))!.traceId);
    expect(f.rootCause.statement).toMatch(/Whether each command would have worked as written is not checked\.$/);
    for (const e of f.evidence) expect(e.excerpt).toMatch(/: line \d+:/);
  });

  it('counts a split the shell shows even where the command as written leaves its own quote open (StarChat #5, #6)', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-starchat']);
    const [f] = commandRewrites(traces);
    expect(f!.data).toMatchObject({ calls: 53, failed: 53 });
    expect(f!.summary).toMatch(/the command, or its start, with its double quotes and backslashes removed/);
  });

  it('is silent where no shell reports running something else', async () => {
    const traces = await load(['tests/fixtures/real/intercode-sql-starchat', 'tests/fixtures/real/swe-agent']);
    expect(commandRewrites(traces)).toEqual([]);
  });

  it('fires only on the InterCode bash sets among the real ones', async () => {
    for (const set of REAL_SETS.filter((s) => !/intercode-bash/.test(s))) {
      expect(commandRewrites(await load([set])), set).toEqual([]);
    }
  }, 600_000);
});
