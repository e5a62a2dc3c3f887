// What round 18's blind review of new held-out sets (Moatless Tools, MINT, TapeAgents, AI Scientist/Aider, EasyTool;
// tests/fixtures/real names their sources and licenses) found overstated, each now a check on the real runs.
import { describe, expect, it } from 'vitest';
import { byTitle, load } from './helpers/real-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';

describe('Moatless Tools (round 18): a search that found nothing', () => {
  it('is said to have matched nothing, with no condition said broken and no change prescribed', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/moatless-swe-bench-lite/trajs'])), /^SearchCode: Unfortunately, I didn’t find any relevant results\./);
    // pytest-11148 searched for files of the user's project, sphinx-7686 for a package the index missed: two causes, neither shown.
    expect(f.rootCause.statement).toMatch(/answered these calls that it found nothing/);
    expect(f.rootCause.statement).not.toMatch(/broke a condition/);
    expect(f.fix.summary).toMatch(/prescribes no change/);
  });
});

describe('MINT (round 18): a run the harness ended on a model call past the context window', () => {
  it('counts the run\'s own error when it reports no step\'s failure, with the cause the error states', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/mint-gpt35-gpt4-feedback'])), /InvalidRequestError/);
    // The reviewer counted 31 runs stopped by "maximum context length is 4097 tokens"; in one of them the run's last step
    // had failed too, which no longer hides a length refusal (it names its own cause): all 31.
    expect(f.data!.traceIds).toHaveLength(31);
    expect(f.rootCause.statement).toMatch(/^Every failure says the request was longer than the model's context window \(e\.g\. "openai\.error\.InvalidRequestError: This model's maximum context length is 4097 tokens/);
    expect(f.fix.summary).toMatch(/^Keep each request within the model's context window/);
  });
});

describe('rate limits (round 20): a per-day limit that says when to try again', () => {
  it('is not said to outlast backing off (ChatDev WaterBreakv2: "try again in 7m12s", and later calls went through)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/chatdev-warehouse/logs'])), /^GPT_3_5_TURBO: rate-limited/);
    expect(f.rootCause.statement).not.toMatch(/a quota counted over a day or longer/);
    expect(f.fix.summary).toMatch(/honour retry-after/);
  });
});

describe('MINT (round 20): a grader\'s verdict on a proposed answer', () => {
  it('is said to be the grader\'s verdict on the answer, with no fix aimed at the grader', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/mint-gpt35-gpt4-feedback'])), /^propose_solution: Your answer is wrong\./);
    // Round 35: "the answer itself failed" did not hold where the graded text was the model's echo or the reference was stale.
    expect(f.rootCause.statement).toMatch(/^`propose_solution` grades the answer a call proposes, and judged these wrong/);
    expect(f.rootCause.statement).not.toMatch(/what failed is the answer itself/);
    expect(f.summary).toMatch(/^The grader `propose_solution` judged the proposed answer wrong/);
    // A rejected answer is how a run fails: no failure rate set against the others, and no severity raised by one.
    expect(f.data?.circular).toBe(true);
    expect(f.severity).toBe('medium');
    expect(f.fix.summary).not.toMatch(/defect in the tool/);
    expect(f.fix.summary).toMatch(/prescribes no change/);
  });
});
