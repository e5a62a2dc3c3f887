// Span dumps from OTel SDKs that are not OTLP:
// - any-agent `AgentTrace` (mozilla-ai/any-agent): `{spans: [...], final_output}`,
//   each span shaped like OTel-Python's `ReadableSpan` with its ids as decimal
//   integers (wider than 2^53: json-text.ts keeps their digits) and its parent
//   as a context object `parent: {trace_id, span_id}`; the final output is
//   kept on the root span (`any_agent.final_output`);
// - Go `stdouttrace` (go.opentelemetry.io/otel/exporters/stdout/stdouttrace):
//   one (often pretty-printed) object per span with `Name`, `SpanContext`,
//   `Parent`, `StartTime`, `Attributes: [{Key, Value: {Type, Value}}]`,
//   `Status: {Code, Description}`, `Resource`, `InstrumentationScope`.
// Both are mapped onto the flat span shape and read by normalizeFlatSpan, so
// conventions, statuses and events are read the same way as everywhere else.
import type { NormalizedRecord, Span } from '../../types.ts';
import { isObject, setKey } from '../values.ts';
import { RecordError, type InputFormat } from './common.ts';
import { normalizeFlatSpan } from './otel.ts';

type Dict = Record<string, unknown>;

function normalizeAgentTrace(r: Dict): NormalizedRecord {
  const list = r.spans as unknown[];
  const spans: Span[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (!isObject(s)) throw new RecordError(`AgentTrace spans[${i}] is not an object`);
    const parent = isObject(s.parent) ? s.parent.span_id : undefined;
    try {
      spans.push(...normalizeFlatSpan(parent !== undefined && s.parent_id === undefined ? { ...s, parent_id: parent } : s));
    } catch (err) {
      if (err instanceof RecordError) throw new RecordError(`AgentTrace spans[${i}]: ${err.message}`);
      throw err;
    }
  }
  if (spans.length === 0) throw new RecordError('AgentTrace has no spans');
  if (r.final_output !== undefined && r.final_output !== null) {
    let root = spans[0]!;
    for (const s of spans) if (s.parentId === null && s.startTime < root.startTime) root = s;
    root.attributes['any_agent.final_output'] = r.final_output;
  }
  return { format: 'flat-span', spans };
}

export const anyAgentTrace: InputFormat = {
  name: 'flat-span',
  sniff: (r) => Array.isArray(r.spans) && !('trace_id' in r) && !('traceId' in r) && r.spans.length > 0 && isObject(r.spans[0]) && isObject(r.spans[0].context),
  normalize: normalizeAgentTrace,
};

/** Go's `[{Key, Value: {Type, Value}}]` → a plain object. */
function keyValues(list: unknown): Dict {
  const out: Dict = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.Key !== 'string') continue;
    setKey(out, kv.Key, isObject(kv.Value) && 'Value' in kv.Value ? kv.Value.Value : kv.Value);
  }
  return out;
}

function normalizeGoStdout(r: Dict): Span[] {
  const ctx = isObject(r.SpanContext) ? r.SpanContext : {};
  const parent = isObject(r.Parent) ? r.Parent : {};
  const status = isObject(r.Status) ? r.Status : {};
  const scope = isObject(r.InstrumentationScope) ? r.InstrumentationScope : isObject(r.InstrumentationLibrary) ? r.InstrumentationLibrary : {};
  const events = Array.isArray(r.Events) ? r.Events.filter(isObject).map((e) => ({ name: e.Name, time: e.Time, attributes: keyValues(e.Attributes) })) : [];
  return normalizeFlatSpan({
    trace_id: ctx.TraceID,
    span_id: ctx.SpanID,
    parent_span_id: parent.SpanID,
    name: r.Name,
    kind: r.SpanKind,
    start_time: r.StartTime,
    end_time: r.EndTime,
    status: { code: status.Code, description: status.Description },
    attributes: keyValues(r.Attributes),
    events,
    resource: { attributes: keyValues(r.Resource) },
    scope: { name: scope.Name, version: scope.Version },
  });
}

export const goStdoutTrace: InputFormat = {
  name: 'flat-span',
  sniff: (r) => isObject(r.SpanContext) && 'Name' in r,
  normalize: (r) => ({ format: 'flat-span', spans: normalizeGoStdout(r) }),
};
