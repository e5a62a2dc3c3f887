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
