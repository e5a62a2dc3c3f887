// "Ignored" is said of a failure only where it could hide: a run that reports success and that no grader judged.
// A run a verdict judged a success gave the right answer all the same (AutoAct's judged-correct HotpotQA answers
// after a failed Retrieve, round 24: judged false); and a last reply that names what the failed call was to act on
// (the order, the file, the URL) tells the user it was done. Real runs: tests/fixtures/real/README.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

const ignored = /ignores failed|carries on after failed tool calls/;

describe('ignored errors need a run nobody judged', () => {
  it('no finding on runs a verdict judged a success: AutoAct and LiveMCPBench', async () => {
    for (const set of ['tests/fixtures/real/autoact-hotpotqa/13b', 'tests/fixtures/real/livemcpbench-copilot/annotation']) {
      const traces = await load([set]);
      // The runs are there and judged: the AutoAct runs that failed a Retrieve and were still answered correctly.
      expect(traces.some((t) => t.outcome?.success === true)).toBe(true);
      expect(runDetectors(traces).filter((f) => ignored.test(f.title))).toEqual([]);
    }
  });

  it('a run with no verdict that ends without error is still reported (CrewAI Scorer)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/crewai-cassettes/cassettes'])), ignored);
    expect(f.summary).toContain('no verdict recorded');
    expect(f.severity).toBe('medium');
  });

  it('the sample week: each planted run is cited, and where the last reply names the failed call\'s order or URL the finding says so and is high', async () => {
    const truth = JSON.parse(readFileSync('samples/ground-truth.json', 'utf8')).modes.ignored_error.traceIds as string[];
    const traces = await load(['samples/week']);
    // The planted runs carry no verdict now: the agent's own report of success is all there is.
    expect(traces.filter((t) => truth.includes(t.traceId)).every((t) => t.outcome == null)).toBe(true);
    const found = runDetectors(traces).filter((f) => ignored.test(f.title));
    const cited = new Set(found.flatMap((f) => f.evidence.map((c) => c.traceId)));
    expect([...cited].sort()).toEqual([...truth].sort());
    const support = found.find((f) => f.title.startsWith('support-agent'))!;
    expect(support.severity).toBe('high');
    expect(support.summary).toMatch(/In all 13, the run's last reply names a value the failed call was given \(e\.g\. `ORD-\d+`\)/);
    const coding = found.find((f) => f.title.startsWith('coding-agent'))!;
    // write_file's path is in its last reply, run_tests' target is not: medium, and the count says which.
    expect(coding.severity).toBe('medium');
    expect(coding.summary).toContain('In 3 of the 6 runs');
  });
});
