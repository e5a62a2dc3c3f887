// A rejection that names no condition ("Nothing happens.") says nothing of why; what the run records is what the agent
// had been told before the call. Round 29's reviewer found that most of KnowAgent's failed `go`s name receptacles the
// room never listed, and would not accept a fix at the game. Real runs: tests/fixtures/real/README.md.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { namedThings, unseenName } from '../sandbox/detectors/unseen-names.ts';
import type { Span } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('things a call names that its run never showed', () => {
  const call = (spanId: string, command: string, startTime: number, result: string): Span =>
    span({ traceId: 't', spanId, kind: 'tool', name: 'go', startTime, endTime: startTime + 1, tool: { name: 'go', arguments: { command }, result } });

  it('reads a noun with its number or an id, not words that are no thing', () => {
    expect(namedThings(call('a', 'put cup 3 in/on cabinet 15', 0, ''))).toEqual(['cup 3', 'cabinet 15']);
    expect(namedThings(call('a', 'owner of pers-0016', 0, ''))).toEqual(['pers-0016']);
    expect(namedThings(call('a', 'set temperature to 300 for line 4', 0, ''))).toEqual([]);
  });

  it('a thing the user, or an earlier result, named is seen; one named only later, or only by the model itself, is not', () => {
    const user = span({ traceId: 't', spanId: 'u', kind: 'agent', name: 'run', parentId: null, input: 'You see a cabinet 1 and a drawer 2.' });
    const reply = span({ traceId: 't', spanId: 'm', kind: 'llm', name: 'chat', startTime: 1, parentId: 'u', output: 'I will go to the dresser 1.', messages: [{ role: 'assistant', content: 'I will go to the dresser 1.' }] });
    const early = call('c1', 'go to countertop 4', 2, 'On the countertop 4, you see a mug 2.');
    const seenByResult = call('c2', 'take mug 2 from countertop 4', 4, 'Nothing happens.');
    const invented = call('c3', 'go to dresser 1', 6, 'Nothing happens.');
    const later = call('c4', 'go to shelf 3', 8, 'Nothing happens.');
    const shown = call('c5', 'look', 10, 'You see a shelf 3.');
    const t = trace([user, reply, early, seenByResult, invented, later, shown], { traceId: 't' });
    expect(unseenName(t, call('c0', 'go to drawer 2', 1, 'Nothing happens.'))).toBeNull();
    expect(unseenName(t, seenByResult)).toBeNull();
    expect(unseenName(t, invented)).toBe('dresser 1');
    expect(unseenName(t, later)).toBe('shelf 3');
    // `drawer 2` is not `drawer 20`.
    expect(unseenName(t, call('c6', 'open drawer 20', 12, 'Nothing happens.'))).toBe('drawer 20');
  });

  it('KnowAgent on ALFWorld: `go` is said to name places the run never showed, with a fix at the agent', async () => {
    const traces = await load(['tests/fixtures/real/knowagent-alfworld']);
    const found = runDetectors(traces);
    const go = byTitle(found, /^go: Nothing happens\./);
    const m = /In (\d+) of the (\d+) calls counted above, the call names something nothing its run was told before it mentions \(e\.g\. `([a-z]+ \d+)`/.exec(go.rootCause.statement);
    expect(m).not.toBeNull();
    expect(Number(m![1]) * 2).toBeGreaterThan(Number(m![2]));
    // The example holds in some run: a failed `go` naming it, with no room description or earlier result naming it.
    const example = m![3]!;
    const holds = traces.some((t) =>
      t.spans.some((s, i) => {
        if (s.tool?.name !== 'go' || s.status !== 'error' || !JSON.stringify(s.tool.arguments).includes(example)) return false;
        const told = [...t.spans.flatMap((x) => (x.messages ?? []).filter((msg) => msg.role !== 'assistant').map((msg) => msg.content)), ...t.spans.slice(0, i).map((x) => JSON.stringify(x.tool?.result ?? ''))];
        return !told.some((x) => new RegExp(`\\b${example}(?![0-9])`).test(x));
      }),
    );
    expect(holds).toBe(true);
    expect(go.fix.summary).toMatch(/^Have the agent name only what its run has shown it/);
    expect(go.fix.summary).not.toMatch(/says why it refuses/);
    // Where few calls name unseen things, the fix stays where it was.
    const open = byTitle(found, /^open: Nothing happens\./);
    expect(open.fix.summary).toMatch(/^Read the cited calls against the state their run was in/);
    const retries = byTitle(found, /^go: retries never succeed/);
    expect(retries.fix.summary).toMatch(/^Have the agent name only what its run has shown it/);
  });
});
