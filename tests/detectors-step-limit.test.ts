// Runs that stop at the most steps any run of their agent makes, piled up there, and fail: the shape a step limit
// gives a window. Round 27's KnowAgent reviewer listed it as missed (most lost games end at the 50-turn cap).
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { stepLimit } from '../sandbox/detectors/step-limit.ts';
import type { Trace } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { byTitle, load } from './helpers/real-findings.ts';

/** A run of `n` model calls with the given verdict. */
function run(id: string, n: number, success: boolean | null): Trace {
  const spans = Array.from({ length: n }, (_, i) => span({ traceId: id, spanId: `${id}-${i}`, kind: 'llm', name: 'chat', startTime: i }));
  return trace(spans, { traceId: id, outcome: success === null ? null : { success } });
}

const window = (shape: [number, number, boolean | null][]): Trace[] => {
  const out: Trace[] = [];
  for (const [runs, steps, success] of shape) for (let i = 0; i < runs; i++) out.push(run(`r${out.length}`, steps, success));
  return out;
};

describe('runs stopped at a step limit', () => {
  it('KnowAgent on ALFWorld: the runs it names are every run with the most model calls, and the counts are the spans\'', async () => {
    const traces = await load(['tests/fixtures/real/knowagent-alfworld']);
    const f = byTitle(stepLimit(traces), /stop at exactly \d+ model calls/);
    // Context, not a ranked finding: runs that reach a harness's limit are, where it ends runs early only on success or
    // an abort, the rest of the failed runs (round 33 judged four of six such findings circular).
    expect(runDetectors(traces).filter((x) => /stop at exactly/.test(x.title))).toEqual([]);
    const calls = new Map(traces.map((t) => [t.traceId, t.spans.filter((s) => s.kind === 'llm').length]));
    const max = Math.max(...calls.values());
    const atMax = [...calls].filter(([, n]) => n === max).map(([id]) => id);
    expect([...(f.data!.traceIds as string[])].sort()).toEqual(atMax.sort());
    expect(f.title).toContain(`stop at exactly ${max} model calls`);
    const near = [...calls.values()].filter((n) => n < max && n >= max - 2).length;
    expect(f.summary).toContain(`only ${near} stopped one or two short of it`);
    const failed = traces.filter((t) => calls.get(t.traceId) === max && t.outcome?.success === false).length;
    expect(failed).toBe(atMax.length);
    expect(f.summary).toMatch(/Every one failed its task\./);
    // A run out of steps has not finished: its failing is no discovery, so no failure rate is set against the others.
    expect(f.data?.noImpact).toBe(true);
    expect(f.severity).toBe('medium');
  });

  it('needs a pile-up at the maximum, runs that fail there, and runs that stop elsewhere', () => {
    // 30 runs spread over 5..15 calls, 3 at the top: a tail, not a limit.
    const tail = window([[3, 5, false], [3, 6, true], [3, 7, true], [3, 8, false], [3, 9, true], [3, 10, false], [3, 11, true], [3, 12, false], [3, 13, true], [3, 14, false], [3, 15, false]]);
    expect(stepLimit(tail)).toEqual([]);
    // 10 of 30 at 10 calls, failing, where runs that stopped sooner failed too: found.
    const limited = window([[15, 6, true], [5, 6, false], [10, 10, false]]);
    const [f] = stepLimit(limited);
    expect(f?.data?.runs).toBe(10);
    expect(f?.summary).toMatch(/no run made more, and none stopped one or two short of it: the runs stop at 10, as at a step limit/);
    // The same shape with the runs at the top passing: stopping there is how they finish, not how they fail.
    expect(stepLimit(window([[20, 6, false], [10, 10, true]]))).toEqual([]);
    // Where every run that stopped sooner passed, the runs at the limit are the failed runs: the count says nothing new.
    expect(stepLimit(window([[20, 6, true], [10, 10, false]]))).toEqual([]);
    // Without verdicts nothing says stopping there is a failure.
    expect(stepLimit(window([[20, 6, null], [10, 10, null]]))).toEqual([]);
    // Every run the same length: a fixed shape.
    expect(stepLimit(window([[30, 8, false]]))).toEqual([]);
  });
});
