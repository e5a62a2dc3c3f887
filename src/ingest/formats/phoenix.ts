// Arize Phoenix span exports: one span per record with its ids under
// `context` (nested, or flattened to `context.trace_id` / `context.span_id`
// as a spans dataframe writes them), `parent_id`, `span_kind` (LLM, TOOL,
// CHAIN, AGENT, ...), `start_time` / `end_time`, `status_code`,
// `status_message`, `events`, and OpenInference attributes either nested in
// `attributes` or flattened to `attributes.llm.model_name` columns.
import type { Span, SpanEvent } from '../../types.ts';
import { conventionReader } from '../conventions.ts';
import { flattenInto, isObject, normalizeId, str, toMs } from '../values.ts';
import { RecordError, kindFromWord, newSpan, parseStatus, type InputFormat } from './common.ts';
import { finishOtel } from './otel.ts';
import { rowId } from './clickhouse.ts';

type Dict = Record<string, unknown>;

const OWN = new Set(['name', 'context', 'context.trace_id', 'context.span_id', 'parent_id', 'span_kind', 'start_time', 'end_time', 'status_code', 'status_message', 'events', 'attributes']);

function events(list: unknown): SpanEvent[] {
  if (!Array.isArray(list)) return [];
  const out: SpanEvent[] = [];
  for (const e of list) {
    if (!isObject(e)) continue;
    const attributes: Dict = {};
    if (isObject(e.attributes)) flattenInto(attributes, '', e.attributes);
    out.push({ name: str(e.name) ?? 'event', time: toMs(e.timestamp ?? e.time), attributes });
  }
  return out;
}

export function normalizePhoenix(r: Dict): Span {
  const ctx = isObject(r.context) ? r.context : null;
  const traceId = normalizeId(r['context.trace_id'] ?? ctx?.trace_id);
  const spanId = normalizeId(r['context.span_id'] ?? ctx?.span_id);
  if (traceId === null) throw new RecordError('Phoenix span missing context.trace_id');
  if (spanId === null) throw new RecordError(`Phoenix span in trace ${traceId} missing context.span_id`);
  const span = newSpan(traceId, spanId, str(r.name) ?? 'span');
  span.parentId = rowId(r.parent_id);
  const start = toMs(r.start_time);
  if (start === null) throw new RecordError(`Phoenix span ${spanId}: start_time missing or not a timestamp`);
  span.startTime = start;
  span.endTime = toMs(r.end_time) ?? start;
  span.status = parseStatus(r.status_code) ?? 'unset';
  span.statusMessage = str(r.status_message);
  span.events = events(r.events);

  const reader = conventionReader();
  reader.reset();
  const attrs: Dict = {};
  const put = (k: string, v: unknown) => {
    if (v === null || v === undefined) return;
    attrs[k] = v;
    reader.visit(k, v);
  };
  if (isObject(r.attributes)) {
    const flat: Dict = {};
    flattenInto(flat, '', r.attributes);
    for (const k in flat) put(k, flat[k]);
  }
  for (const k in r) {
    if (OWN.has(k)) continue;
    // A dataframe export flattens attributes into `attributes.<key>` columns
    // (NaN-free JSON writes absent ones as null).
    if (k.startsWith('attributes.')) put(k.slice(11), r[k]);
    else if (r[k] !== null && r[k] !== undefined && r[k] !== '') flattenInto(attrs, 'phoenix.' + k, r[k]);
  }
  const kind = kindFromWord(r.span_kind);
  if (kind !== null) span.kind = kind;
  if (typeof r.span_kind === 'string') attrs['phoenix.span_kind'] = r.span_kind;
  return finishOtel(span, attrs);
}

export const phoenix: InputFormat = {
  name: 'phoenix',
  sniff: (r) => ('context.span_id' in r && 'context.trace_id' in r) || ('span_kind' in r && isObject(r.context) && 'span_id' in r.context),
  normalize: (r) => ({ format: 'phoenix', spans: [normalizePhoenix(r)] }),
};
