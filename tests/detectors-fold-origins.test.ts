// An error whose cause was read from where its missing values came from is not folded into a retry finding over the
// same calls: the retry finding says the calls kept failing, not why. Round 35's InterCode SQL reviewers listed
// "the model never looks at the schema and guesses table names" as missed, while the folded error finding said it.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('errors with a checked origin stand beside the retry finding', () => {
  it('InterCode SQL on text-bison: missing tables named from the task\'s words, never looked up, are reported with that cause', async () => {
    const traces = await load(['tests/fixtures/real/intercode-sql-text-bison']);
    const findings = runDetectors(traces);
    const missing = byTitle(findings, /Table '<s>' doesn't exist/);
    expect(missing.data?.causeFromOrigins).toBe(true);
    expect(missing.rootCause.statement).toMatch(/is no name an earlier tool output in the run gave/);
    expect(missing.fix.summary).toMatch(/^Have the agent take such names from what a lookup returned/);
    // The retry finding still stands, and keeps the errors it does explain (no cause of their own).
    const retries = byTitle(findings, /^execute: retries never succeed/);
    const folded = (retries.data?.errorSignatures as string[]) ?? [];
    expect(folded.some((s) => /Unknown column/.test(s))).toBe(true);
    expect(folded.some((s) => /doesn't exist/.test(s))).toBe(false);
  });
});
