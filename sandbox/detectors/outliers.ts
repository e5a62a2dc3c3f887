// Runs far outside their agent's typical step count, tokens, cost or latency.
// Per agent (agents differ by orders of magnitude), on a log scale, with a
// fence of median + k·MAD, so no fixed threshold and no tuning per dataset.
import type { Category, FindingInput } from '../../src/findings/schema.ts';
import type { Trace } from '../../src/types.ts';
import { buildFinding, lit, shareText } from './finding.ts';
import { upperFence } from './stats.ts';
import { AGENT_EXPR, agentOf, groupBy, indexTrace, agentLabel, agentPhrase } from './trace-index.ts';

interface Metric {
  name: 'steps' | 'tokens' | 'cost' | 'latency';
  category: Category;
  value: (t: Trace) => number;
  /** The same value as a predicate expression over `t`. */
  expr: string;
  unit: (v: number) => string;
}

const METRICS: Metric[] = [
  {
    name: 'steps',
    category: 'trajectory',
    value: (t) => indexTrace(t).steps.length,
    expr: 't.spans.filter((s) => s.kind === "llm" || s.kind === "tool" || s.tool != null).length',
    unit: (v) => `${Math.round(v)} steps`,
  },
  { name: 'tokens', category: 'cost', value: (t) => num(t.tokens?.total), expr: '(t.tokens && typeof t.tokens.total === "number" ? t.tokens.total : 0)', unit: (v) => `${Math.round(v)} tokens` },
  { name: 'cost', category: 'cost', value: (t) => num(t.costUsd), expr: '(typeof t.costUsd === "number" ? t.costUsd : 0)', unit: (v) => `$${v < 0.01 ? v.toFixed(4) : v.toFixed(2)}` },
  { name: 'latency', category: 'latency', value: (t) => num(t.durationMs), expr: '(typeof t.durationMs === "number" ? t.durationMs : 0)', unit: (v) => (v >= 60_000 ? `${(v / 60_000).toFixed(1)} min` : `${(v / 1000).toFixed(1)} s`) },
];

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export interface OutlierOptions {
  /** Spread multiplier for the fence (default 3.5, the usual modified z-score cut). */
  k?: number;
  /** Minimum runs of an agent before judging outliers (default 20). */
  minSample?: number;
  minTraces?: number;
  metrics?: Metric['name'][];
}

export function outliers(traces: Trace[], opts: OutlierOptions = {}): FindingInput[] {
  const out: FindingInput[] = [];
  const minTraces = opts.minTraces ?? 1;
  const metrics = METRICS.filter((m) => !opts.metrics || opts.metrics.includes(m.name));
  for (const [agent, list] of groupBy(traces, agentOf)) {
    for (const m of metrics) {
      const values = list.map(m.value);
      const fence = upperFence(values, { k: opts.k, minSample: opts.minSample });
      if (!fence) continue;
      const hits: { t: Trace; v: number }[] = [];
      list.forEach((t, i) => {
        if (values[i]! > fence.cutoff) hits.push({ t, v: values[i]! });
      });
      if (hits.length < minTraces) continue;
      hits.sort((a, b) => b.v - a.v);
      const worst = hits[0]!.v;
      out.push(
        buildFinding({
          title: `${agentLabel(agent)}: ${m.name} outliers (up to ${Math.round(worst / fence.median)}× typical)`,
          category: m.category,
          severity: m.name === 'cost' || m.name === 'latency' ? 'medium' : 'low',
          summary: `${shareText(hits.length, list.length)} of ${agentPhrase(agent)} have ${m.name} above ${m.unit(fence.cutoff)}, against a typical ${m.unit(fence.median)} (median of ${fence.sample} runs); the worst reaches ${m.unit(worst)}.`,
          rootCause: ROOT[m.name],
          fix: FIX[m.name],
          fixKind: m.name === 'latency' ? 'config' : 'code',
          component: `agent:${agent}`,
          signature: `outlier:${m.name}`,
          monitor: `p99 ${m.name} per run of ${agent} per day, and the count of runs above ${m.unit(fence.cutoff)}.`,
          detector: 'outliers',
          traceIds: hits.map((h) => h.t.traceId),
          citations: hits.map((h) => {
            const root = indexTrace(h.t).root;
            return { traceId: h.t.traceId, spanId: root?.spanId, note: `${m.name} ${m.unit(h.v)} (${(h.v / fence.median).toFixed(1)}× median)` };
          }),
          total: list.length,
          predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${m.expr} > ${String(fence.cutoff)}`,
          data: { agent, metric: m.name, median: fence.median, cutoff: fence.cutoff, sample: fence.sample, max: worst },
        }),
      );
    }
  }
  return out;
}

const ROOT: Record<Metric['name'], string> = {
  steps: 'These runs take far more steps than the agent usually needs, which points to retries, loops or a task the agent cannot finish and keeps trying.',
  tokens: 'These runs consume far more tokens than typical: long tool results or a growing conversation are being sent back to the model on every step.',
  cost: 'These runs cost far more than typical: a more expensive model, many more model calls, or very large prompts on these runs.',
  latency: 'These runs take far longer than typical: a slow tool or model call, waits between retries, or many more steps.',
};

const FIX: Record<Metric['name'], string> = {
  steps: 'Cap steps per run and make the agent report failure after the cap; look at the longest runs for the step that repeats.',
  tokens: 'Truncate or summarise large tool results before they go back into the prompt, and cap the conversation length per run.',
  cost: 'Set a per-run cost budget that stops the run (or switches to a cheaper model) when exceeded; check which spans dominate cost in the cited runs.',
  latency: 'Set timeouts on the slow tool and model calls in the cited runs and fail fast with a fallback; alert on runs above the fence.',
};
