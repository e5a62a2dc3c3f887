// The report says how it ranked: with outcomes the score also weighs how much more often a finding's runs fail
// (src/findings/rank.ts), and the sentence said only severity × share × confidence (round 27, Moatless on gpt-4o:
// a reviewer found the order did not follow the stated formula).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.ts';

const tmp = mkdtempSync(join(tmpdir(), 'halo-rank-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const report = async (name: string, files: string[], outcomes: string[] = []) => {
  const out = join(tmp, name);
  await analyze({ files, outcomes, out, formats: ['md'], env: {} });
  return readFileSync(join(out, 'report.md'), 'utf8');
};

describe('the ranking sentence', () => {
  it('names the impact factor where findings state impact, and only there', async () => {
    const judged = await report('moatless', ['tests/fixtures/real/moatless-swe-bench-lite/trajs'], ['tests/fixtures/real/moatless-swe-bench-lite/result.json']);
    expect(judged).toContain('× how much more often its runs fail than the other judged runs (the difference, at least 0.001');
    const unjudged = await report('crewai', ['tests/fixtures/real/crewai-cassettes/cassettes']);
    expect(unjudged).toContain('Ranked by severity weight × share of affected traces × confidence (confirmed 1.0, hypothesis 0.7).');
    expect(unjudged).not.toContain('how much more often');
  });
});
