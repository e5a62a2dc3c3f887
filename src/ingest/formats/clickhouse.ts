// OpenTelemetry spans as rows of the ClickHouse exporter's `otel_traces`
// table: `SELECT * FROM otel_traces FORMAT JSONEachRow` writes `Timestamp`,
// `TraceId`, `SpanId`, `ParentSpanId`, `SpanName`, `SpanKind`, `ServiceName`,
// `ResourceAttributes`, `SpanAttributes`, `Duration` (ns), `StatusCode`,
// `StatusMessage` and the nested columns `Events.*` / `Links.*` as parallel
// arrays. Other tools write the same row in lower case (`span_name`,
// `span_attributes`, an ISO-8601 `duration` like `PT2M5.65S`, `events` as a
// list of objects) and sometimes maps as Python-repr text; TRAIL/Patronus
// trace documents nest such rows (see span-tree.ts). One reader for all.
import type { Span, SpanEvent } from '../../types.ts';
import { conventionReader } from '../conventions.ts';
import { parseMapText } from '../python-literal.ts';
import { flattenInto, isObject, isoDurationMs, normalizeId, num, str, toMs } from '../values.ts';
import { RecordError, newSpan, parseStatus, type InputFormat } from './common.ts';
import { finishOtel, otelKind } from './otel.ts';

type Dict = Record<string, unknown>;

/** The first of the column spellings present in the row. */
function col(r: Dict, a: string, b: string, c?: string): unknown {
  const v = r[a];
  if (v !== undefined) return v;
  const w = r[b];
  if (w !== undefined || c === undefined) return w;
  return r[c];
}

/** A span/trace id column; the strings "None"/"null" and "" mean none. Hex ids are kept as written (lower case). */
export function rowId(v: unknown): string | null {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || t === 'None' || t === 'null' || t === 'undefined') return null;
    return normalizeId(t);
  }
  return normalizeId(v);
}

/** A map column: an object, or its JSON / Python-repr text. */
function mapOf(v: unknown): Dict | null {
  if (isObject(v)) return v;
  if (typeof v === 'string' && v !== '') {
    const parsed = parseMapText(v);
    if (isObject(parsed)) return parsed;
  }
  return null;
}

/** `Duration` in ns (number or numeric string), or an ISO-8601 duration → ms. */
function durationMs(v: unknown): number | null {
  if (typeof v === 'string') {
    if (v.startsWith('P') || v.startsWith('-P')) return isoDurationMs(v);
    const n = num(v);
    return n === null ? null : n / 1e6;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v / 1e6;
  return null;
}

function eventOf(name: unknown, time: unknown, attrs: unknown): SpanEvent {
  const attributes: Dict = {};
  const a = mapOf(attrs);
  if (a !== null) flattenInto(attributes, '', a);
  return { name: str(name) ?? 'event', time: toMs(time), attributes };
}

function events(r: Dict): SpanEvent[] {
  const list = col(r, 'Events', 'events');
  if (Array.isArray(list)) {
    const out: SpanEvent[] = [];
    for (const e of list) {
      if (!isObject(e)) continue;
      out.push(eventOf(col(e, 'Name', 'name'), col(e, 'Timestamp', 'timestamp', 'time'), col(e, 'Attributes', 'attributes')));
    }
    return out;
  }
  // Nested columns: parallel arrays `Events.Timestamp`, `Events.Name`, `Events.Attributes`.
  const names = col(r, 'Events.Name', 'events.name');
  if (!Array.isArray(names)) return [];
  const times = col(r, 'Events.Timestamp', 'events.timestamp');
  const attrs = col(r, 'Events.Attributes', 'events.attributes');
  return names.map((n, i) => eventOf(n, Array.isArray(times) ? times[i] : undefined, Array.isArray(attrs) ? attrs[i] : undefined));
}

function links(r: Dict): unknown[] | null {
  const list = col(r, 'Links', 'links');
  if (Array.isArray(list)) return list.length > 0 ? list : null;
  const ids = col(r, 'Links.TraceId', 'links.trace_id');
  if (!Array.isArray(ids) || ids.length === 0) return null;
  const spanIds = col(r, 'Links.SpanId', 'links.span_id');
  const states = col(r, 'Links.TraceState', 'links.trace_state');
  const attrs = col(r, 'Links.Attributes', 'links.attributes');
  return ids.map((t, i) => ({
    traceId: t,
    spanId: Array.isArray(spanIds) ? spanIds[i] : undefined,
    traceState: Array.isArray(states) ? states[i] : undefined,
    attributes: Array.isArray(attrs) ? mapOf(attrs[i]) : undefined,
  }));
}

/** Keys of a row that are read into canonical fields (everything else lands in attributes under `row.`). */
const ROW_KEYS = new Set(
  [
    'Timestamp', 'timestamp', 'start_time', 'TraceId', 'trace_id', 'SpanId', 'span_id', 'ParentSpanId', 'parent_span_id', 'parent_id',
    'SpanName', 'span_name', 'name', 'SpanKind', 'span_kind', 'ServiceName', 'service_name', 'ResourceAttributes', 'resource_attributes',
    'SpanAttributes', 'span_attributes', 'ScopeName', 'scope_name', 'ScopeVersion', 'scope_version', 'Duration', 'duration', 'end_time',
    'StatusCode', 'status_code', 'StatusMessage', 'status_message', 'Events', 'events', 'Links', 'links', 'TraceState', 'trace_state',
    'child_spans', 'children', 'childSpans', 'logs', 'Logs',
  ],
);

export interface RowContext {
  /** The enclosing document's trace id (span trees). */
  traceId?: string | null;
  /** The enclosing span in a nested tree: the parent when the row names none. */
  parentId?: string | null;
  /** Where the row sits, for messages (`spans[0].child_spans[2]`). */
  where?: string;
}

/** One exporter row (any spelling) → one canonical span. */
export function normalizeOtelRow(r: Dict, ctx: RowContext = {}): Span {
  const at = ctx.where !== undefined ? ` (${ctx.where})` : '';
  const traceId = rowId(col(r, 'TraceId', 'trace_id', 'traceId')) ?? ctx.traceId ?? null;
  const spanId = rowId(col(r, 'SpanId', 'span_id', 'spanId'));
  if (traceId === null) throw new RecordError(`span row missing TraceId/trace_id${at}`);
  if (spanId === null) throw new RecordError(`span row in trace ${traceId} missing SpanId/span_id${at}`);
  const span = newSpan(traceId, spanId, str(col(r, 'SpanName', 'span_name', 'name')) ?? 'span');
  const parentRaw = col(r, 'ParentSpanId', 'parent_span_id', 'parent_id');
  span.parentId = parentRaw === undefined ? (ctx.parentId ?? null) : rowId(parentRaw);
  const start = toMs(col(r, 'Timestamp', 'timestamp', 'start_time'));
  if (start === null) throw new RecordError(`span ${spanId}: Timestamp/timestamp missing or not a timestamp${at}`);
  span.startTime = start;
  const dur = durationMs(col(r, 'Duration', 'duration'));
  span.endTime = toMs(r.end_time) ?? (dur !== null && dur >= 0 ? start + dur : start);
  span.status = parseStatus(col(r, 'StatusCode', 'status_code')) ?? 'unset';
  span.statusMessage = str(col(r, 'StatusMessage', 'status_message'));
  span.events = events(r);

  const reader = conventionReader();
  reader.reset();
  const attrs: Dict = {};
  const put = (k: string, v: unknown) => {
    attrs[k] = v;
    reader.visit(k, v);
  };
  const own = mapOf(col(r, 'SpanAttributes', 'span_attributes'));
  if (own !== null) {
    const flat: Dict = {};
    flattenInto(flat, '', own);
    for (const k in flat) put(k, flat[k]);
  }
  const res = mapOf(col(r, 'ResourceAttributes', 'resource_attributes'));
  if (res !== null) {
    const flat: Dict = {};
    flattenInto(flat, 'resource', res);
    for (const k in flat) put(k, flat[k]);
  }
  const service = str(col(r, 'ServiceName', 'service_name'));
  if (service !== null && attrs['resource.service.name'] === undefined) put('resource.service.name', service);
  const scopeName = str(col(r, 'ScopeName', 'scope_name'));
  const scopeVersion = str(col(r, 'ScopeVersion', 'scope_version'));
  if (scopeName !== null) attrs['scope.name'] = scopeName;
  if (scopeVersion !== null) attrs['scope.version'] = scopeVersion;
  const kind = otelKind(col(r, 'SpanKind', 'span_kind'));
  if (kind !== null) attrs['otel.span_kind'] = kind;
  const state = str(col(r, 'TraceState', 'trace_state'));
  if (state !== null) attrs['otel.trace_state'] = state;
  const l = links(r);
  if (l !== null) attrs['otel.links'] = l;
  // Log records attached to the span (TRAIL): kept, as JSON or as written.
  const logs = col(r, 'logs', 'Logs');
  if ((Array.isArray(logs) && logs.length > 0) || (typeof logs === 'string' && logs !== '' && logs !== '[]')) attrs['otel.logs'] = logs;
  for (const k in r) {
    if (ROW_KEYS.has(k) || k.startsWith('Events.') || k.startsWith('Links.') || k.startsWith('events.') || k.startsWith('links.')) continue;
    const v = r[k];
    if (v === null || v === undefined || v === '') continue;
    flattenInto(attrs, 'row.' + k, v);
  }
  return finishOtel(span, attrs);
}

function isRow(r: Dict): boolean {
  if ('SpanId' in r && 'TraceId' in r) return true;
  return 'span_id' in r && 'trace_id' in r && ('span_name' in r || 'span_attributes' in r || ('timestamp' in r && 'duration' in r));
}

export const clickhouseRow: InputFormat = {
  name: 'clickhouse-row',
  sniff: isRow,
  normalize: (r) => ({ format: 'clickhouse-row', spans: [normalizeOtelRow(r)] }),
};
