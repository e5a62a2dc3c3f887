// The HotpotQA Wikipedia environment's own rejections are failed calls in every reader of its logs (review round 39:
// Reflexion's trial log recorded none, so no rule saw the 13 packed actions and 4 lookups on a missing page).
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../src/ingest/formats/wiki-env.ts';
import { load } from './helpers/real-findings.ts';

describe('the Wikipedia environment of ReAct, Reflexion, AutoAct and KnowAgent', () => {
  it('rejects with fixed sentences; a search that found no page is an answer', () => {
    expect(rejectionOf('Could not find that page, please try again.')).toEqual({ type: 'exception', message: 'Could not find that page, please try again.' });
    expect(rejectionOf('The last page Searched was not found, so you cannot Lookup a keyword in it. Please try one of the similar pages given.')?.type).toBe('invalid_action');
    expect(rejectionOf('Invalid action: Finsh[x]')?.type).toBe('invalid_action');
    expect(rejectionOf("Could not find [Frankie LaRocka]. Similar: ['Frankie LaRocca']")).toBeNull();
    expect(rejectionOf('No Results')).toBeNull();
  });

  it("records Reflexion's trial-2 rejections as failed calls, and its empty searches as answers", async () => {
    const traces = await load(['tests/fixtures/real/reflexion-hotpotqa-reflexion']);
    const tools = traces.flatMap((t) => t.spans.filter((s) => s.kind === 'tool'));
    const failed = tools.filter((s) => s.status === 'error');
    // 13 packed or unparsable actions answered "Could not find that page", 4 lookups after a search that found no page.
    expect(failed.filter((s) => s.error?.message.startsWith('Could not find that page'))).toHaveLength(13);
    expect(failed.filter((s) => s.error?.message.startsWith('The last page Searched was not found'))).toHaveLength(4);
    expect(failed).toHaveLength(17);
    expect(tools.filter((s) => String(s.output).startsWith('Could not find [')).every((s) => s.status !== 'error')).toBe(true);
  });
});

describe('several actions in one step (review round 40: all 13 of Reflexion\'s "Could not find that page")', () => {
  it('is what the reply did not write in the form the environment parses, not a search that found nothing', async () => {
    const { packedActions } = await import('../src/ingest/formats/wiki-env.ts');
    expect(packedActions('Search[Benito Mussolini], Search[Engelbert Dollfuss], Search[Gyula Gömbös]')).toMatch(/several actions in one step/);
    expect(packedActions('Search[Search engines [computing]]')).toBeNull();
    const traces = await load(['tests/fixtures/real/reflexion-hotpotqa-reflexion']);
    const { runDetectors } = await import('../sandbox/detectors/index.ts');
    const { byTitle } = await import('./helpers/real-findings.ts');
    const found = runDetectors(traces);
    const page = byTitle(found, /^Search: Could not find that page, please try again\.$/);
    expect(page.rootCause.statement).toMatch(/^In every failing call the model's reply did not write the action in the form the harness parses \(several actions in one step/);
    expect(page.rootCause.statement).not.toMatch(/matched nothing|cut off/);
    expect(byTitle(found, /^Search: retries never succeed$/).rootCause.statement).toMatch(/^In 2 of 2 runs none of the attempts was written in the form the harness parses \(e\.g\. several actions in one step/);
  });
});
