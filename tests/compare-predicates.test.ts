// A comparison finding's predicate recomputes, over the trace, the value the
// isolate computed for the run (sandbox/run-metrics.ts): if the two drifted
// apart, verification would drop the finding's citations. Checked metric by
// metric on constructed runs that vary every input the two read, including
// runs without timestamps and tools with no name.
import { describe, expect, it } from 'vitest';
import { span, trace } from './helpers/factories.ts';
import { runMetric } from '../sandbox/run-metrics.ts';
import { comparisonFindings } from '../src/compare/findings.ts';
import { compareWindows } from '../src/compare/compare.ts';
import type { Trace } from '../src/types.ts';
import type { RunMetric } from '../src/compare/types.ts';
import { prng } from '../src/prng.ts';

function run(id: string, r: () => number, o: { slow: number; dated?: boolean; agent?: string }): Trace {
  const n = 1 + Math.floor(r() * 4);
  const spans = [span({ traceId: id, spanId: `${id}-root`, kind: 'agent', name: 'run', ...(o.dated === false ? { attributes: { 'halo.synthetic_time': true } } : {}) })];
  for (let i = 0; i < n; i++) {
    const ms = Math.round(1000 * o.slow * (0.5 + r()));
    spans.push(span({ traceId: id, spanId: `${id}-l${i}`, parentId: `${id}-root`, kind: 'llm', model: 'gpt-x', durationMs: ms, endTime: ms, costUsd: 0.001 * o.slow * (1 + r()), tokens: { input: 100, output: 20, total: 120 } }));
    spans.push(span({ traceId: id, spanId: `${id}-t${i}`, parentId: `${id}-l${i}`, kind: 'tool', name: 'search', tool: { name: i % 2 ? 'search' : '', arguments: {}, result: 'ok' }, durationMs: ms / 2, endTime: ms / 2 }));
  }
  const cost = spans.reduce((c, s) => c + (s.costUsd ?? 0), 0);
  return trace(spans, {
    agentName: o.agent ?? 'agent-a',
    taskId: `task-${Math.floor(r() * 3)}`,
    outcome: { reward: r() < 0.5 ? 0 : 1 },
    tokens: { input: 100 * n, output: 20 * n, total: 120 * n * o.slow },
    costUsd: cost,
    durationMs: Math.round(5000 * o.slow * (0.5 + r())),
    startTime: o.dated === false ? 0 : 1_700_000_000_000,
  });
}

describe('comparison predicates match the isolate\'s run metrics', () => {
  it('every regression finding\'s predicate matches exactly the runs it lists, for every metric', () => {
    const r = prng(3);
    const base = Array.from({ length: 40 }, (_, i) => run(`b${i}`, r, { slow: 1 }));
    const cur = Array.from({ length: 40 }, (_, i) => run(`c${i}`, r, { slow: 3 }));
    const undated = Array.from({ length: 5 }, (_, i) => run(`u${i}`, r, { slow: 9, dated: false }));
    const rows: RunMetric[] = [...cur, ...undated].map(runMetric);
    const baseRows = base.map(runMetric);
    expect(rows.find((x) => x.id === 'u0')!.ms).toBeNull();
    const comparison = compareWindows(baseRows, rows.filter((x) => x.start !== null), { resamples: 200 });
    const findings = comparisonFindings({ comparison, base: baseRows, cur: rows.filter((x) => x.start !== null), baselineName: 'the baseline', datedOnly: true });
    const metrics = new Set(findings.map((f) => f.key.signature));
    // The planted threefold rise shows in steps' siblings: tokens, cost, latency, and the tool's and model's time per call.
    for (const m of ['tokens', 'cost', 'latency']) expect(metrics).toContain(`comparison:${m}-up`);
    expect(findings.some((f) => f.key.component === 'search' || f.key.component === 'gpt-x')).toBe(false); // stated by the agent
    const all = [...cur, ...undated];
    for (const f of findings) {
      const pred = new Function(`return (${f.predicate})`)() as (t: Trace) => boolean;
      const matched = all.filter((t) => pred(t)).map((t) => t.traceId).sort();
      expect(matched, f.title).toEqual([...(f.data!.traceIds as string[])].sort());
    }
  });

  it('tool and model rows: per-run mean time per call, computed the same way on both sides', () => {
    const r = prng(5);
    const base = Array.from({ length: 30 }, (_, i) => run(`b${i}`, r, { slow: 1, agent: `a${i % 3}` }));
    const cur = Array.from({ length: 30 }, (_, i) => run(`c${i}`, r, { slow: 2.5, agent: `a${i % 3}` }));
    const comparison = compareWindows(base.map(runMetric), cur.map(runMetric), { resamples: 200, minRuns: 8 });
    const tool = comparison.rows.find((x) => x.group.tool === 'search' && x.metric === 'toolLatency')!;
    expect(tool.verdict).toBe('worse');
    // Spread over three agents with ten runs each, the tool's rise is not any one agent's: it is a finding of its own.
    const findings = comparisonFindings({ comparison, base: base.map(runMetric), cur: cur.map(runMetric), baselineName: 'b' });
    const f = findings.find((x) => x.key.component === 'search' && x.key.signature === 'comparison:toolLatency-up')!;
    expect(f).toBeDefined();
    const pred = new Function(`return (${f.predicate})`)() as (t: Trace) => boolean;
    expect(cur.filter(pred).map((t) => t.traceId).sort()).toEqual([...(f.data!.traceIds as string[])].sort());
  });
});
