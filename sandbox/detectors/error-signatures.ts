// Error spans grouped by where they happen (tool or span name) and their
// normalized message, so "timeout after 30s on order 123" and "timeout after
// 31s on order 456" are one failure, not two.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { normalizeMessage } from '../../src/ingest/signature.ts';
import { buildFinding, count, shareText, type Citation } from './finding.ts';
import { excerpt, firstLine } from './text.ts';
import { agentOf, errorMessage, isErrorSpan, isToolSpan, toolName } from './trace-index.ts';

export function spanComponent(s: Span): string {
  if (isToolSpan(s)) return `tool:${toolName(s)}`;
  if (s.kind === 'llm') return `model:${s.model ?? s.name}`;
  return `span:${s.name}`;
}

export function errorSignature(s: Span): string {
  const msg = errorMessage(s);
  const type = s.error?.type;
  // A trailing parenthesised detail (a parser's position, an errno) varies
  // between occurrences of one failure; keep it out of the signature.
  const norm = msg ? normalizeMessage(msg).replace(/\s*\([^()]*\)\s*$/, '') : '';
  return norm || (type ? `type:${type}` : 'error status without message');
}

export function errorSignatures(traces: Trace[], opts: { minTraces?: number; maxFindings?: number } = {}): FindingInput[] {
  // A recurring failure needs support, but in a handful of traces one occurrence is already a lot.
  const minTraces = opts.minTraces ?? Math.min(3, Math.max(1, Math.ceil(traces.length / 100)));
  const maxFindings = opts.maxFindings ?? 30;
  const groups = new Map<string, { component: string; signature: string; traces: Set<string>; spans: number; citations: Citation[]; agents: Map<string, number> }>();
  for (const t of traces) {
    for (const s of t.spans) {
      if (!isErrorSpan(s)) continue;
      // The run's own top-level error repeats the failing step's; count the step.
      if (s.spanId === t.rootSpanId && t.spans.length > 1) continue;
      const component = spanComponent(s);
      const signature = errorSignature(s);
      const id = `${component}\u0000${signature}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { component, signature, traces: new Set(), spans: 0, citations: [], agents: new Map() }));
      g.spans++;
      if (!g.traces.has(t.traceId)) {
        g.traces.add(t.traceId);
        const agent = agentOf(t);
        g.agents.set(agent, (g.agents.get(agent) ?? 0) + 1);
        if (g.citations.length < 50) {
          const msg = errorMessage(s);
          g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : undefined });
        }
      }
    }
  }
  const ranked = [...groups.values()].filter((g) => g.traces.size >= minTraces).sort((a, b) => b.traces.size - a.traces.size);
  return ranked.slice(0, maxFindings).map((g) => {
    const where = g.component.replace(/^(tool|model|span):/, '');
    const kind = g.component.startsWith('tool:') ? 'tool' : g.component.startsWith('model:') ? 'model call' : 'span';
    const named = [...g.agents].filter(([a]) => a !== 'unknown').sort((a, b) => b[1] - a[1]);
    const agents = named.length ? ` Agents: ${named.map(([a, n]) => `${a} (${n})`).join(', ')}.` : '';
    const rateLimited = /\b429\b|rate.?limit|too many requests|quota|throttl/i.test(g.signature);
    const retryable = rateLimited || /timeout|timed out|unavailable|\b50[234]\b|connection|reset|temporar/i.test(g.signature);
    // A rate limit is the caller's volume, not a flaky dependency: more retries make it worse.
    const cause = rateLimited
      ? {
          rootCause: `Requests to \`${where}\` exceed its rate limit (${firstLine(g.signature, 80)}): calls are not paced to the quota, so bursts are rejected.`,
          fix: `Pace calls to \`${where}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if rejections keep growing.`,
        }
      : retryable
        ? {
            rootCause: `\`${where}\` fails transiently (${firstLine(g.signature, 80)}): the dependency is slow or unavailable at times and the call has no effective timeout/retry policy.`,
            fix: `Give \`${where}\` a timeout and a bounded retry with jittered backoff, and return a clear, model-readable error when retries are exhausted.`,
          }
        : {
            rootCause: `\`${where}\` fails the same way across runs (${firstLine(g.signature, 80)}), which points to a systematic cause — bad inputs from the agent or a defect in the ${kind} — rather than chance.`,
            fix: `Reproduce one cited span's input against \`${where}\`, fix the cause (validate the inputs the agent sends, or fix the ${kind}), and return an actionable error message the model can recover from.`,
          };
    return buildFinding({
      title: `${where}: ${firstLine(g.signature, 120)}`,
      category: 'errors_recovery',
      severity: g.traces.size / Math.max(1, traces.length) >= 0.05 ? 'high' : 'medium',
      summary: `The ${kind} \`${where}\` failed with "${firstLine(g.signature, 160)}" in ${shareText(g.traces.size, traces.length)} (${count(g.spans, 'error span')}).${agents}`,
      rootCause: cause.rootCause,
      fix: cause.fix,
      fixKind: rateLimited ? 'config' : 'code',
      component: g.component,
      signature: `error:${g.signature}`,
      monitor: `Count of \`${where}\` errors matching "${firstLine(g.signature, 80)}" per day.`,
      detector: 'error-signatures',
      traceIds: g.traces,
      citations: g.citations,
      total: traces.length,
      data: { component: g.component, signature: g.signature, spans: g.spans, agents: Object.fromEntries(g.agents) },
    });
  });
}
