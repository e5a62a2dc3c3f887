// Synthetic canonical traces for tests. Spans start from the ingest layer's own
// empty span, so a field added to the canonical shape reaches every test at
// once instead of drifting in hand-written literals.
import { newSpan } from '../../src/ingest/formats/common.ts';
import type { Span, Trace } from '../../src/types.ts';

export type SpanFields = Pick<Span, 'traceId' | 'spanId'> & Partial<Span>;

/** A successful 1 ms span named `step` at time 0; `fields` override anything. */
export function span(fields: SpanFields): Span {
  const s = newSpan(fields.traceId, fields.spanId, 'step');
  s.status = 'ok';
  s.endTime = 1;
  s.durationMs = 1;
  return Object.assign(s, fields);
}

/**
 * A 1 ms trace over `spans`: id and root from the first span, status `error`
 * when any span failed, no agent, task or outcome; `fields` override anything.
 */
export function trace(spans: Span[], fields: Partial<Trace> = {}): Trace {
  return {
    traceId: spans[0]?.traceId ?? 'trace',
    spans,
    rootSpanId: spans[0]?.spanId ?? null,
    startTime: 0,
    endTime: 1,
    durationMs: 1,
    status: spans.some((s) => s.status === 'error') ? 'error' : 'ok',
    agentId: null,
    agentName: null,
    sessionId: null,
    userId: null,
    taskId: null,
    trial: null,
    outcome: null,
    tokens: { input: 0, output: 0, total: 0 },
    costUsd: 0,
    service: null,
    source: { file: 'synthetic.jsonl', format: 'flat-span' },
    ...fields,
  };
}
