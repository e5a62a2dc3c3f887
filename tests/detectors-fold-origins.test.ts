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

  it('InterCode SQL on StarChat: names built from the task\'s words are counted so, plurals and words run together among them', async () => {
    const missing = byTitle(runDetectors(await load(['tests/fixtures/real/intercode-sql-starchat'])), /Table '<s>' doesn't exist/);
    // Review round 36 recounted 25 from the task's words (`property_types` from "property type", `highschoolers` from
    // "high schoolers") and 3 with no source (`person`, `world`, `ships`).
    expect(missing.data?.valueOrigins).toEqual({ 'task-words': 25, model: 3 });
    expect(missing.rootCause.statement).toMatch(/in 25 it is made of the task's own words .*; in 3 \(e\.g\. `person`\)/);
  });
});
