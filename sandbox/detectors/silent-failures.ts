// Silent failures: a tool span not marked as an error (ok, or OTel's unset)
// whose result is an error — a stack
// trace, an "Error: ..." payload, an HTTP 4xx/5xx body. The run's error
// metrics miss these, and the model often treats the text as data. A span
// whose source records no status at all (a trajectory step, a chat turn) is
// not "marked" anything: its error text makes it a failure like any other
// (`failureOf`), counted by the error signatures.
import type { FindingInput } from '../../src/findings/schema.ts';
import { buildFinding, minPatternTraces, shareText, type Citation } from './finding.ts';
import { excerpt } from './text.ts';
import { resultErrorText, resultText } from './error-text.ts';
import { oneShot, type RunObs, type TwoStep, arrayPasses, type RunPasses } from './two-step.ts';
import { indexTrace, isErrorSpan, recordsStatus, toolName, agentPhrase } from './trace-index.ts';

interface SilentHit {
  tool: string;
  pattern: string;
  citation: Citation;
}

export const silentFailureSteps: TwoStep<SilentHit[], { minTraces?: number }> = {
  perRun(t) {
    const hits: SilentHit[] = [];
    // Without a status of the source's own, nothing was marked: the error signatures count these failures.
    if (!recordsStatus(t)) return hits;
    for (const s of indexTrace(t).tools) {
      if (isErrorSpan(s)) continue;
      const hit = resultErrorText(s);
      if (!hit) continue;
      const text = resultText(s);
      hits.push({ tool: toolName(s), pattern: hit.pattern, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, lineStart(text, hit.index))), note: `status ${s.status}, result contains ${hit.pattern.replace('_', ' ')}` } });
    }
    return hits;
  },
  global: silentFindings,
  passes: true,
};

export const silentFailures = oneShot(silentFailureSteps);

/** One pass over the runs, joining each run's hits as it goes, so that a week's runs are never held whole. */
function silentFindings(given: RunPasses<SilentHit[]>, opts: { minTraces?: number }): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<SilentHit[]>[]) : given;
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const groups = new Map<string, { agent: string; tool: string; traces: Set<string>; citations: Citation[]; patterns: Map<string, number>; spans: number; total: number }>();
  const perAgent = new Map<string, number>();
  runs.forEach(({ run, obs }) => {
    const agent = run.agent;
    perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
    for (const { tool, pattern, citation } of obs) {
      const id = `${agent}\u0000${tool}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { agent, tool, traces: new Set(), citations: [], patterns: new Map(), spans: 0, total: 0 }));
      g.spans++;
      g.traces.add(run.traceId);
      g.patterns.set(pattern, (g.patterns.get(pattern) ?? 0) + 1);
      g.citations.push(citation);
    }
  });
  const out: FindingInput[] = [];
  for (const g of groups.values()) {
    if (g.traces.size < minTraces) continue;
    const total = perAgent.get(g.agent) ?? runs.length;
    out.push(
      buildFinding({
        title: `${g.tool} returns errors marked as success`,
        category: 'errors_recovery',
        severity: 'high',
        summary: `In ${shareText(g.traces.size, total)} of ${agentPhrase(g.agent)}, \`${g.tool}\` spans are not marked as errors (status ok or unset) but their result is an error (${[...g.patterns].map(([p, n]) => `${p.replace('_', ' ')} ×${n}`).join(', ')}). Error counts taken from span status leave these out.`,
        rootCause: `What sets these spans' status does not read their result: the status does not say error while the result reports a failure. The trace does not show whether the tool, its wrapper or the instrumentation decides the status.`,
        fix: `Where \`${g.tool}\`'s result is produced, raise (or set the span status to ERROR and return a structured {error} object) when the call failed, so the agent and the telemetry both see the failure.`,
        fixKind: 'code',
        component: `tool:${g.tool}`,
        signature: 'silent_error',
        monitor: `Count of \`${g.tool}\` spans with ok status whose result matches error text, per day (should be 0 after the fix).`,
        detector: 'silent-failures',
        traceIds: g.traces,
        citations: g.citations,
        total,
        data: { agent: g.agent, tool: g.tool, spans: g.spans, patterns: Object.fromEntries(g.patterns) },
      }),
    );
  }
  return out;
}

/** Start of the line holding `at`, so the excerpt begins at a readable place. */
function lineStart(text: string, at: number): number {
  const nl = text.lastIndexOf('\n', at);
  return nl >= 0 && at - nl < 160 ? nl + 1 : Math.max(0, at - 40);
}
