// Round 30 (held out, judged blind) and round 31 (changed findings judged again). What the reviewers found wrong:
// a shell's count printed as an error (`grep -c` prints 0 and exits 1), errors in runs that all went on to pass
// called failures to act on, and "nothing its run was told before" counted against results the run showed later.
import { describe, expect, it } from 'vitest';
import { errorSignatures } from '../sandbox/detectors/error-signatures.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import type { Span } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('round 30: what was no failure, or no failure that mattered', () => {
  it('a shell whose output is only a number (a count) names no failure', () => {
    const count = (id: string): Span =>
      span({ traceId: id, spanId: `${id}-c`, kind: 'tool', name: 'bash', status: 'error', error: { type: null, message: '0' }, tool: { name: 'bash', arguments: { command: 'grep -c foo notes.txt' }, result: '0' } });
    const runs = ['a', 'b', 'c'].map((id) => trace([count(id)], { traceId: id }));
    expect(errorSignatures(runs)).toEqual([]);
  });

  it('τ-bench airline: an error every run of which went on to pass is said so, low, with its fix conditional', async () => {
    const found = runDetectors(await load(['tests/fixtures/tau-bench/gpt-4o-airline.json']));
    const f = byTitle(found, /^update_reservation_flights: Error: payment method not found/);
    expect(f.title).toMatch(/\(every run with it passed its task\)$/);
    expect(f.severity).toBe('low');
    expect(f.fix.summary).toMatch(/^Every run with it went on to pass its task: the error cost steps, not the outcome\. Where the extra steps matter: /);
  });
});

describe('round 31: unseen names counted as worded', () => {
  it('KnowAgent: a thing the game showed only after the call counts as unseen (put 40, take 80: the reviewer\'s recount)', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/knowagent-alfworld']));
    expect(byTitle(found, /^put: Nothing happens\./).rootCause.statement).toMatch(/In 40 of the 140 calls counted above/);
    expect(byTitle(found, /^take: Nothing happens\./).rootCause.statement).toMatch(/In 80 of the 136 calls counted above/);
    expect(byTitle(found, /^put: retries never succeed/).rootCause.statement).toMatch(/In 12 of 35 runs an attempt names something/);
  });
});

describe('round 30: one failure, one signature', () => {
  it("GNU tools' `quoted' values group as one message (InterCode bash gpt-4: find's \"paths must precede expression\")", async () => {
    const { normalizeMessage } = await import('../src/ingest/signature.ts');
    const a = normalizeMessage("find: paths must precede expression: `./testbed/Hello.java'");
    expect(a).toBe(normalizeMessage("find: paths must precede expression: `textfile7.txt'"));
    expect(a).toBe(normalizeMessage("find: paths must precede expression: `boot'"));
    expect(a).toBe("find: paths must precede expression: `<s>'");
  });
});
