// OpenTelemetry-shaped spans in two encodings: flat span JSONL (HALO/Catalyst
// export, and the OTel SDK console exporter's `context`/`parent_id` shape) and
// OTLP/JSON `ExportTraceServiceRequest` lines. Both end in the same
// convention pass (OpenInference / GenAI) and the same final derivations.
import type { Span, SpanEvent } from '../../types.ts';
import { conventionReader, messagesFromGenAiEvents, shareContents } from '../conventions.ts';
import { flattenInto, isObject, normalizeId, otlpAttributes, str, toMs, type StringPool } from '../values.ts';
import { RecordError, finishSpan, newSpan, parseStatus, type InputFormat } from './common.ts';
import { describeMissing } from '../missing-fields.ts';

type Dict = Record<string, unknown>;

const OTLP_KIND = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

const KIND_NAMES = new Map<string, string>();

/** `SPAN_KIND_CLIENT` | `SpanKind.CLIENT` | 3 → `CLIENT` (kept as attribute `otel.span_kind`). */
export function otelKind(k: unknown): string | null {
  if (typeof k === 'number') return OTLP_KIND[k] ?? null;
  if (typeof k !== 'string' || k === '') return null;
  let name = KIND_NAMES.get(k);
  if (name === undefined) {
    const dot = k.lastIndexOf('.');
    name = dot >= 0 ? k.slice(dot + 1) : k;
    if (name.startsWith('SPAN_KIND_')) name = name.slice(10);
    name = name.toUpperCase();
    // A handful of spellings exist; don't let garbage grow the cache.
    if (KIND_NAMES.size < 64) KIND_NAMES.set(k, name);
  }
  return name;
}

/** Conventions were read into the shared reader while `attrs` was built. */
export function finishOtel(span: Span, attrs: Dict, pool?: StringPool): Span {
  span.attributes = attrs;
  conventionReader().apply(span);
  if (span.messages === null && span.events.length > 0) {
    span.messages = messagesFromGenAiEvents(span.events);
    if (pool !== undefined && span.messages !== null) shareContents(span.messages, pool);
  }
  return finishSpan(span);
}

function setStatus(span: Span, status: unknown): void {
  if (isObject(status)) {
    span.status = parseStatus(status.code ?? status.status_code) ?? 'unset';
    span.statusMessage = str(status.message) ?? str(status.description);
  } else if (status !== undefined && status !== null) {
    span.status = parseStatus(status) ?? 'unset';
  }
}

// ---------------------------------------------------------------- flat spans

// Every line repeats the same few resource keys; build each prefixed key once.
const RESOURCE_KEYS = new Map<string, string>();
function resourceKey(k: string): string {
  let r = RESOURCE_KEYS.get(k);
  if (r === undefined) {
    r = 'resource.' + k;
    if (RESOURCE_KEYS.size < 4096) RESOURCE_KEYS.set(k, r);
  }
  return r;
}

function flatEvents(list: unknown): SpanEvent[] {
  if (!Array.isArray(list) || list.length === 0) return [];
  const out: SpanEvent[] = [];
  for (const e of list) {
    if (!isObject(e)) continue;
    const attributes: Dict = {};
    if (isObject(e.attributes)) flattenInto(attributes, '', e.attributes);
    else if (Array.isArray(e.attributes)) otlpAttributes(e.attributes, attributes);
    out.push({ name: str(e.name) ?? 'event', time: toMs(e.timestamp ?? e.time ?? e.time_unix_nano ?? e.timeUnixNano), attributes });
  }
  return out;
}

/** One span per record: `trace_id`, `span_id`, `parent_span_id`, `start_time`, `status.code`, `attributes` object. */
export function normalizeFlatSpan(r: Dict): Span[] {
  const ctx = isObject(r.context) ? r.context : null;
  const traceId = normalizeId(r.trace_id ?? ctx?.trace_id);
  const spanId = normalizeId(r.span_id ?? ctx?.span_id);
  if (traceId === null) throw new RecordError('flat span missing trace_id');
  if (spanId === null) throw new RecordError(`flat span in trace ${traceId} missing span_id`);
  const span = newSpan(traceId, spanId, str(r.name) ?? 'span');
  span.parentId = normalizeId(r.parent_span_id ?? r.parent_id);
  // start_time is ISO in HALO/Catalyst; some exporters write unix nanos instead.
  const start = toMs(r.start_time ?? r.start_time_unix_nano ?? r.startTimeUnixNano);
  if (start === null) {
    const absent = r.start_time === undefined && r.start_time_unix_nano === undefined && r.startTimeUnixNano === undefined;
    throw new RecordError(`flat span ${spanId}: start_time ${absent ? `missing; it ${describeMissing(r, ['startTime'])}` : 'is not a timestamp'}`);
  }
  span.startTime = start;
  span.endTime = toMs(r.end_time ?? r.end_time_unix_nano ?? r.endTimeUnixNano) ?? start;
  setStatus(span, r.status);
  span.events = flatEvents(r.events);

  // The parsed record is ours: reuse its attributes object instead of copying
  // (the common case is already flat), and add resource/scope keys to it.
  // Conventions are read in the same pass that checks for nesting.
  const reader = conventionReader();
  reader.reset();
  let attrs: Dict = {};
  if (isObject(r.attributes)) {
    const src = r.attributes;
    const keys = Object.keys(src);
    const values = Object.values(src);
    let nested = false;
    for (let i = 0; i < values.length; i++) {
      if (isObject(values[i])) {
        nested = true;
        break;
      }
    }
    if (nested) {
      flattenInto(attrs, '', src);
      for (const k in attrs) reader.visit(k, attrs[k]);
    } else {
      attrs = src;
      for (let i = 0; i < keys.length; i++) reader.visit(keys[i]!, values[i]);
    }
  }
  const res = isObject(r.resource) ? (isObject(r.resource.attributes) ? r.resource.attributes : r.resource) : null;
  if (res !== null) {
    for (const k in res) {
      if (k === 'schema_url') continue;
      const v = res[k];
      if (isObject(v)) {
        const flat: Dict = {};
        flattenInto(flat, resourceKey(k), v);
        for (const fk in flat) {
          attrs[fk] = flat[fk];
          reader.visit(fk, flat[fk]);
        }
      } else {
        const rk = resourceKey(k);
        attrs[rk] = v;
        reader.visit(rk, v);
      }
    }
  }
  if (isObject(r.scope)) {
    if (r.scope.name !== undefined && r.scope.name !== '') attrs['scope.name'] = r.scope.name;
    if (r.scope.version !== undefined && r.scope.version !== '') attrs['scope.version'] = r.scope.version;
  }
  const kind = otelKind(r.kind);
  if (kind !== null) attrs['otel.span_kind'] = kind;
  return [finishOtel(span, attrs)];
}

// ---------------------------------------------------------------------- OTLP

function otlpEvents(list: unknown): SpanEvent[] {
  if (!Array.isArray(list) || list.length === 0) return [];
  const out: SpanEvent[] = [];
  for (const e of list) {
    if (!isObject(e)) continue;
    out.push({ name: str(e.name) ?? 'event', time: toMs(e.timeUnixNano ?? e.time_unix_nano), attributes: otlpAttributes(e.attributes, {}) });
  }
  return out;
}

// A function of the indices, not a closure per span: a closure would make
// every loop iteration allocate a context.
function where(ri: number, si: number, i: number): string {
  return `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
}

function listOf(o: Dict, a: string, b: string): unknown[] {
  const v = o[a] ?? o[b];
  return Array.isArray(v) ? v : [];
}

/** One `ExportTraceServiceRequest` (or a bare `{resourceSpans}`) → all its spans. */
export function normalizeOtlp(r: Dict, pool?: StringPool): Span[] {
  // Everything this returns is shared through `pool` (attributes while
  // decoding, parsed message texts in the convention pass), so the caller
  // need not walk the spans again.
  const reader = conventionReader();
  reader.pool = pool;
  try {
    return otlpSpans(r, pool);
  } finally {
    reader.pool = undefined;
  }
}

function otlpSpans(r: Dict, pool: StringPool | undefined): Span[] {
  const out: Span[] = [];
  const resourceSpans = listOf(r, 'resourceSpans', 'resource_spans');
  for (let ri = 0; ri < resourceSpans.length; ri++) {
    const rs = resourceSpans[ri];
    if (!isObject(rs)) throw new RecordError(`OTLP resourceSpans[${ri}] is not an object`);
    // Resource attributes are shared by every span below; decode once.
    const resource = otlpAttributes(isObject(rs.resource) ? rs.resource.attributes : undefined, {}, 'resource.', undefined, pool);
    const resKeys = Object.keys(resource);
    const scopeSpans = rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans;
    if (!Array.isArray(scopeSpans)) continue;
    for (let si = 0; si < scopeSpans.length; si++) {
      const ss = scopeSpans[si];
      if (!isObject(ss)) throw new RecordError(`OTLP resourceSpans[${ri}].scopeSpans[${si}] is not an object`);
      const scope = isObject(ss.scope) ? ss.scope : isObject(ss.instrumentationLibrary) ? ss.instrumentationLibrary : null;
      const scopeName = scope !== null ? str(scope.name) : null;
      const scopeVersion = scope !== null ? str(scope.version) : null;
      const spans = ss.spans;
      if (!Array.isArray(spans)) continue;
      for (let i = 0; i < spans.length; i++) {
        const sp = spans[i];
        if (!isObject(sp)) throw new RecordError(`OTLP ${where(ri, si, i)} is not an object`);
        const traceId = normalizeId(sp.traceId ?? sp.trace_id, true);
        if (traceId === null) throw new RecordError(`OTLP span missing traceId (${where(ri, si, i)})`);
        const spanId = normalizeId(sp.spanId ?? sp.span_id, true);
        if (spanId === null) throw new RecordError(`OTLP span missing spanId (${where(ri, si, i)})`);
        const span = newSpan(traceId, spanId, str(sp.name) ?? 'span');
        span.parentId = normalizeId(sp.parentSpanId ?? sp.parent_span_id, true);
        const start = toMs(sp.startTimeUnixNano ?? sp.start_time_unix_nano);
        if (start === null) throw new RecordError(`OTLP span ${spanId}: startTimeUnixNano missing or not a number (${where(ri, si, i)})`);
        span.startTime = start;
        span.endTime = toMs(sp.endTimeUnixNano ?? sp.end_time_unix_nano) ?? start;
        setStatus(span, sp.status);
        span.events = otlpEvents(sp.events);
        const reader = conventionReader();
        reader.reset();
        const attrs = otlpAttributes(sp.attributes, {}, '', reader, pool);
        for (let k = 0; k < resKeys.length; k++) {
          const rk = resKeys[k]!;
          attrs[rk] = resource[rk];
          reader.visit(rk, resource[rk]);
        }
        if (scopeName !== null) attrs['scope.name'] = scopeName;
        if (scopeVersion !== null) attrs['scope.version'] = scopeVersion;
        const kind = otelKind(sp.kind);
        if (kind !== null) attrs['otel.span_kind'] = kind;
        out.push(finishOtel(span, attrs, pool));
      }
    }
  }
  return out;
}

/**
 * The reasons otlpSpans would reject a request, found without normalizing it
 * (the OTLP receiver refuses such a request before answering, at a fraction of
 * the cost): null when every span would be read; else the first problem, as
 * otlpSpans words it. Returns the spans counted.
 */
export function checkOtlp(r: Dict): { spans: number; problem: string | null } {
  let n = 0;
  const resourceSpans = listOf(r, 'resourceSpans', 'resource_spans');
  for (let ri = 0; ri < resourceSpans.length; ri++) {
    const rs = resourceSpans[ri];
    if (!isObject(rs)) return { spans: n, problem: `OTLP resourceSpans[${ri}] is not an object` };
    const scopeSpans = rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans;
    if (!Array.isArray(scopeSpans)) continue;
    for (let si = 0; si < scopeSpans.length; si++) {
      const ss = scopeSpans[si];
      if (!isObject(ss)) return { spans: n, problem: `OTLP resourceSpans[${ri}].scopeSpans[${si}] is not an object` };
      const spans = ss.spans;
      if (!Array.isArray(spans)) continue;
      for (let i = 0; i < spans.length; i++) {
        const sp = spans[i];
        if (!isObject(sp)) return { spans: n, problem: `OTLP ${where(ri, si, i)} is not an object` };
        if (normalizeId(sp.traceId ?? sp.trace_id, true) === null) return { spans: n, problem: `OTLP span missing traceId (${where(ri, si, i)})` };
        const spanId = normalizeId(sp.spanId ?? sp.span_id, true);
        if (spanId === null) return { spans: n, problem: `OTLP span missing spanId (${where(ri, si, i)})` };
        if (toMs(sp.startTimeUnixNano ?? sp.start_time_unix_nano) === null) return { spans: n, problem: `OTLP span ${spanId}: startTimeUnixNano missing or not a number (${where(ri, si, i)})` };
        n++;
      }
    }
  }
  return { spans: n, problem: null };
}

export const flatSpan: InputFormat = {
  name: 'flat-span',
  // HALO/Catalyst rows; the OTel SDK console exporter nests ids in `context`.
  sniff: (r) => ('span_id' in r && 'trace_id' in r) || (isObject(r.context) && 'span_id' in r.context),
  normalize: (r) => ({ format: 'flat-span', spans: normalizeFlatSpan(r) }),
};

export const otlp: InputFormat = {
  name: 'otlp',
  sniff: (r) => 'resourceSpans' in r || 'resource_spans' in r,
  normalize: (r, pool) => ({ format: 'otlp', spans: normalizeOtlp(r, pool) }),
};
