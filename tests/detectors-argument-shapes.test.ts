// Argument shapes that go with a tool's failures (sandbox/detectors/argument-shapes.ts):
// the statistics it rests on, checked against brute force; the rule that a gap
// must hold within runs; and the two shapes the held-out review found missed
// on real runs (Reflexion's quoted Search titles, ToolBench's genre names).
import { describe, expect, it } from 'vitest';
import type { Span, Trace } from '../src/types.ts';
import { span as makeSpan, trace as makeTrace } from './helpers/factories.ts';
import { byTitle, load } from './helpers/real-findings.ts';
import { prng } from '../src/prng.ts';
import { detect, runDetectors } from '../sandbox/detectors/index.ts';
import { fisherGreater, stratifiedGreater } from '../sandbox/detectors/fisher.ts';
import { messageOnlyReply } from '../sandbox/detectors/error-text.ts';
import { nothingBack } from '../sandbox/detectors/nothing-back.ts';

/** How many ways `a + b` calls can be drawn from the table's calls, by how many failed ones they hold (brute force). */
function drawCounts(t: readonly [number, number, number, number]): Map<number, number> {
  const [a, b, c, d] = t;
  const n = a + b + c + d;
  const out = new Map<number, number>();
  for (let mask = 0; mask < 1 << n; mask++) {
    let size = 0;
    let fails = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        size++;
        if (i < a + c) fails++;
      }
    }
    if (size === a + b) out.set(fails, (out.get(fails) ?? 0) + 1);
  }
  return out;
}

/** P(X ≥ observed) over a distribution given as counts. */
function tail(dist: Map<number, number>, observed: number): number {
  const total = [...dist.values()].reduce((s, w) => s + w, 0);
  return [...dist].filter(([x]) => x >= observed).reduce((s, [, w]) => s + w, 0) / total;
}

describe('Fisher exact test', () => {
  it('matches the textbook value and brute-force enumeration on random small tables', () => {
    // Fisher's tea-tasting table: 3 of 4 cups right on each side, one-sided p = 17/70.
    expect(fisherGreater(3, 1, 1, 3)).toBeCloseTo(17 / 70, 12);
    const rand = prng(19);
    const cell = () => Math.floor(rand() * 4);
    for (let i = 0; i < 200; i++) {
      const t = [cell(), cell(), cell(), cell()] as const;
      if (t[0] + t[1] + t[2] + t[3] === 0) continue;
      expect(fisherGreater(...t)).toBeCloseTo(tail(drawCounts(t), t[0]), 10);
    }
    // Large tables stay finite and ordered: a bigger share failing with the feature is less likely by chance.
    expect(fisherGreater(40, 0, 61, 159)).toBeLessThan(1e-15);
    expect(fisherGreater(40, 0, 61, 159)).toBeGreaterThan(0);
    expect(fisherGreater(30, 10, 61, 159)).toBeGreaterThan(fisherGreater(40, 0, 61, 159));
    expect(fisherGreater(0, 10, 5, 5)).toBe(1);
    expect(() => fisherGreater(-1, 2, 3, 4)).toThrow(RangeError);
  });

  it('stratified by run: one table is the plain test; a run whose calls all have the feature weighs nothing; several runs convolve exactly', () => {
    expect(stratifiedGreater([[3, 1, 1, 3]])).toBeCloseTo(fisherGreater(3, 1, 1, 3), 12);
    // All calls of the run have the feature (c = d = 0): failing there says nothing about the feature.
    expect(stratifiedGreater([[5, 0, 0, 0], [3, 1, 1, 3]])).toBeCloseTo(fisherGreater(3, 1, 1, 3), 12);
    expect(stratifiedGreater([])).toBe(1);
    const rand = prng(7);
    const cell = () => Math.floor(rand() * 3);
    for (let i = 0; i < 60; i++) {
      const tables = [0, 1, 2].map(() => [cell(), cell(), cell(), cell()] as [number, number, number, number]);
      // Brute force: every combination of draws across the tables, counted with its weight.
      let dist = new Map<number, number>([[0, 1]]);
      for (const t of tables) {
        const next = new Map<number, number>();
        for (const [x, wx] of dist) for (const [y, wy] of drawCounts(t)) next.set(x + y, (next.get(x + y) ?? 0) + wx * wy);
        dist = next;
      }
      expect(stratifiedGreater(tables)).toBeCloseTo(tail(dist, tables.reduce((s, t) => s + t[0], 0)), 10);
    }
  });
});

describe('what counts as a failed call', () => {
  it('an API reply that is only a message, bare or inside a wrapper with an empty error, is a failure; one that reports success is not', () => {
    expect(messageOnlyReply(`{"error": "", "response": "{'message': 'genre must be an integer: Thriller'}"}`)).toBe('genre must be an integer: Thriller');
    expect(messageOnlyReply('{"detail": "Not Found"}')).toBe('Not Found');
    expect(messageOnlyReply('{"message": "Email sent successfully"}')).toBeUndefined();
    expect(messageOnlyReply('{"message": "ok", "data": [1]}')).toBeUndefined();
    expect(messageOnlyReply(`{"error": "Message error...", "response": "{'message': 'x'}"}`)).toBeUndefined();
  });

  it('a result that opens by saying it found nothing, or whose every field is empty, got nothing back', () => {
    expect(nothingBack(`Could not find ["The Guest"]. Similar: ['Hypervisor', 'Odyssey', 'Guest appearance', ${"'x', ".repeat(60)}'y'].`)).toMatch(/^Could not find \["The Guest"\]/);
    expect(nothingBack(`{"error": "", "response": "{'result': [], 'hasMore': False, 'nextCursor': ''}"}`)).toBe(`{'result': [], 'hasMore': False, 'nextCursor': ''}`);
    expect(nothingBack('[]')).toBe('[]');
    expect(nothingBack(`{"result": [{"title": "Fido"}], "hasMore": false}`)).toBeNull();
    // A page that mentions "not found" further in is a page.
    expect(nothingBack(`The Guest is a 2014 American action thriller film directed by Adam Wingard. ${'It stars Dan Stevens and Maika Monroe. '.repeat(5)}A copy was not found for years.`)).toBeNull();
  });
});

// ---------- synthetic runs: one tool, one argument ----------

interface Call {
  q: unknown;
  fails: boolean;
}

function run(id: string, calls: Call[], declare?: Record<string, unknown>): Trace {
  const rootId = `${id}-root`;
  const spans: Span[] = [makeSpan({ traceId: id, spanId: rootId, parentId: null, name: 'agent', kind: 'agent', startTime: 0, endTime: 100_000 })];
  calls.forEach((c, i) => {
    const start = (i + 1) * 1000;
    spans.push(
      makeSpan({ traceId: id, spanId: `${id}-llm${i}`, parentId: rootId, name: 'chat', kind: 'llm', startTime: start, endTime: start + 100, attributes: declare ? { 'llm.tools.0.tool.json_schema': JSON.stringify({ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: declare } } }) } : {} }),
      makeSpan({
        traceId: id, spanId: `${id}-tool${i}`, parentId: rootId, name: 'lookup', kind: 'tool', startTime: start + 200, endTime: start + 300,
        tool: { name: 'lookup', arguments: { q: c.q }, result: c.fails ? 'no such entry' : `entry ${i}` },
        status: c.fails ? 'error' : 'ok', error: c.fails ? { type: 'LookupError', message: 'no such entry' } : null,
      }),
    );
  });
  return makeTrace(spans, { traceId: id, agentName: 'lookup-agent' });
}

const quoted = (n: number, fails: boolean): Call[] => Array.from({ length: n }, (_, i) => ({ q: `"Title ${i}"`, fails }));
const plain = (n: number, fails: boolean): Call[] => Array.from({ length: n }, (_, i) => ({ q: `Title ${i}`, fails }));

describe('argumentShapes on synthetic runs', () => {
  it('reports a shape whose calls fail within the same runs as calls without it that work, with its counts', () => {
    const traces = ['r1', 'r2', 'r3', 'r4'].map((id) => run(id, [...quoted(3, true), ...plain(3, false)]));
    const [f, ...rest] = detect.argumentShapes!(traces);
    expect(rest).toEqual([]);
    expect(f!.title).toBe('lookup: calls whose `q` starts with a quotation mark failed 12 of 12 times (0 of 12 without)');
    expect(f!.data!.pWithinRuns).toBeCloseTo(0.05 ** 4, 12);
    expect(f!.fix.summary).toMatch(/^Make `lookup` strip quotation marks around `q`/);
    // Every failing call with the shape is cited, none without it.
    expect((f!.data!.occurrences as { spanId: string }[]).map((o) => o.spanId)).toEqual(traces.flatMap((t) => [0, 1, 2].map((i) => `${t.traceId}-tool${i}`)));
  });

  it('stays silent when the runs alone explain the gap: the shape only in runs where everything failed', () => {
    const traces = [
      ...['a1', 'a2', 'a3', 'a4'].map((id) => run(id, quoted(3, true))),
      ...['b1', 'b2', 'b3', 'b4'].map((id) => run(id, plain(3, false))),
    ];
    // Over all calls the gap would pass: 12 of 12 against 0 of 12.
    expect(fisherGreater(12, 0, 0, 12)).toBeLessThan(1e-6);
    expect(detect.argumentShapes!(traces)).toEqual([]);
  });

  it('text where the declaration says a number, and more items than other calls list, are shapes too', () => {
    const ids = (n: number, fails: boolean): Call[] => Array.from({ length: n }, (_, i) => ({ q: 100 + i, fails }));
    const names = (n: number): Call[] => Array.from({ length: n }, () => ({ q: 'Comedy', fails: true }));
    const kind = detect.argumentShapes!(['k1', 'k2', 'k3'].map((id) => run(id, [...names(3), ...ids(3, false)], { q: { type: 'integer' } })));
    expect(kind.map((f) => f.title)).toEqual(['lookup: calls whose `q` is text, not a number, failed 9 of 9 times (0 of 9 that sent a number)']);
    expect(kind[0]!.summary).toMatch(/\(its declared type is a number\)/);
    const lists = (n: number, fails: boolean): Call[] => Array.from({ length: 3 }, (_, i) => ({ q: Array.from({ length: n }, (_, j) => `s${i}${j}`).join(','), fails }));
    const items = detect.argumentShapes!(['i1', 'i2', 'i3'].map((id) => run(id, [...lists(5, true), ...lists(2, false), ...lists(3, false)])));
    expect(items.map((f) => f.title)).toEqual(['lookup: calls whose `q` lists more than 3 items failed 9 of 9 times (0 of 18 with at most 3)']);
    expect(items[0]!.fix.summary).toMatch(/takes at most 3 items\.$/);
  });
});

describe('argumentShapes on real runs the held-out review listed as missed', () => {
  it('Reflexion HotpotQA: a Search title sent in quotation marks never finds a page', async () => {
    const traces = await load(['tests/fixtures/real/reflexion-hotpotqa-react']);
    const f = byTitle(runDetectors(traces), /^Search: calls whose `entity` starts with a quotation mark/);
    // The counts, recounted from the raw calls: the environment answers "Could not find […]" when it has no page.
    const search = traces.flatMap((t) => t.spans).filter((s) => s.tool?.name === 'Search');
    const entity = (s: Span) => String((s.tool!.arguments as { entity: unknown }).entity);
    const missed = (s: Span) => String(s.tool!.result).startsWith('Could not find');
    const withQuote = search.filter((s) => entity(s).startsWith('"'));
    const without = search.filter((s) => !entity(s).startsWith('"'));
    expect([withQuote.length, withQuote.filter(missed).length, without.length, without.filter(missed).length]).toEqual([40, 40, 220, 61]);
    expect(f.title).toBe('Search: calls whose `entity` starts with a quotation mark failed 40 of 40 times (61 of 220 without)');
    expect(f.prevalence!.traces).toBe(new Set(withQuote.map((s) => s.traceId)).size);
    const cited = new Set((f.data!.occurrences as { spanId: string }[]).map((o) => o.spanId));
    expect(cited).toEqual(new Set(withQuote.map((s) => s.spanId)));
    expect(f.summary).toMatch(/What the tool answered: "Could not find \[<entity>\]\." ×40\./);
    expect(f.rootCause.statement).toMatch(/Why the tool fails on this shape is not checked/);
  });

  it('ToolBench: `genre` sent as a name fails where an id works, and nothing else passes', async () => {
    const traces = await load(['tests/fixtures/real/toolbench-dfsdt/answers']);
    const found = runDetectors(traces);
    const f = byTitle(found, /genre/);
    expect(f.title).toBe('search_basic_free_for_streaming_availability: calls whose `genre` is text, not a number, failed 13 of 13 times (4 of 18 that sent a number)');
    // ToolBench's "Message error…" on a reply that carries the shows asked for is not a failure: before the reply-body
    // rule (0b3c029) four such calls made it "8 of 18".
    expect(f.summary).toMatch(/\(the declaration's example is a number\)/);
    expect(f.summary).toMatch(/"genre must be an integer: <genre>" ×11/);
    const spans = new Map(traces.flatMap((t) => t.spans).map((s) => [s.spanId, s]));
    const sent = (f.data!.occurrences as { spanId: string }[]).map((o) => String((spans.get(o.spanId)!.tool!.arguments as { genre: unknown }).genre));
    expect(sent).toHaveLength(13);
    expect(sent.every((g) => /^[A-Za-z]+$/.test(g))).toBe(true);
    // No cut of `services` passes: calls naming few services failed too (ToolBench's error status on 3-service calls,
    // `{'result': [], …}` back on 1-service calls), so the counts do not tie the failures to the item count.
    expect(found.filter((x) => x.source === 'detector:argument-shapes').map((x) => x.title)).toEqual([f.title]);
  });
});
