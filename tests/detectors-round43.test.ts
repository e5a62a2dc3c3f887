// Review round 43 (held out: GoodAI LTM Benchmark and EasyTool on ToolBench, judged blind before any rule changed
// for them): what the false and overstated findings needed.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { statesAReason } from '../sandbox/detectors/error-signatures.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('latency outliers whose time passed between calls', () => {
  it('add up the gaps: a tester\'s scripted waits are several, none half the run (GoodAI LTM, Jokes)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/goodai-ltm-32k-isolated/results'])), /latency outliers/);
    expect(f.rootCause.statement).toMatch(/^In 3 of 5 of these runs most of the time passes with no recorded call running \(537\.0 min of 537\.9 min in [^,]+Jokes\/0_0, in 4 gaps, the longest 175\.0 min\): time spent outside the calls/);
    expect(f.rootCause.statement).not.toMatch(/spreads the excess over its calls/);
  }, 120_000);
});

describe('rejections that name no condition', () => {
  it('"No respond due to error." states no reason (EasyTool on ToolBench)', () => {
    expect(statesAReason('No respond due to error.')).toBe(false);
    expect(statesAReason('No such file or directory')).toBe(true);
    expect(statesAReason('Could not connect to host')).toBe(true);
  });

  it('"No function named <f> in <module>" is a tool that does not exist', async () => {
    const fs = runDetectors(await load(['tests/fixtures/real/easytool-toolbench-vicuna']));
    const f = byTitle(fs, /calls \d+ tools that do not exist/);
    expect(f.data!.traceIds).toHaveLength(4);
    expect(fs.some((x) => /No respond due to error/.test(x.title) && /rejected these calls with a reason of its own/.test(x.rootCause.statement))).toBe(false);
  }, 120_000);
});
