// Langfuse observations (GENERATION / SPAN / EVENT and the newer typed
// AGENT / TOOL / CHAIN / ... observations), one per record, or a Langfuse
// trace export that carries its `observations` inline, or the pair the web
// app serves (`{trace, observations}`, as its trace download and Langfuse's
// own framework fixtures keep it), whose `input`, `output` and `metadata`
// arrive JSON-encoded and are decoded here. Metadata of a trace Langfuse
// took in over OpenTelemetry keeps the span's attributes under `attributes`:
// they are read as span attributes (model, tokens, agent and tool names).
import type { NormalizedRecord, Span, TraceHints } from '../../types.ts';
import { applyConventions } from '../conventions.ts';
import { flattenInto, isObject, num, str, toMs } from '../values.ts';
import { RecordError, finishSpan, kindFromWord, newSpan, setHint, setTokens, toMessages, type InputFormat } from './common.ts';

type Dict = Record<string, unknown>;

// Scalar observation fields kept as attributes under `langfuse.*`.
const KEEP = ['level', 'version', 'environment', 'promptName', 'promptVersion', 'completionStartTime', 'type'];

function usage(span: Span, o: Dict): void {
  const d = isObject(o.usageDetails) ? o.usageDetails : null;
  const u = isObject(o.usage) ? o.usage : null;
  const input = num(d?.input) ?? num(d?.prompt_tokens) ?? num(u?.input) ?? num(u?.promptTokens) ?? num(o.promptTokens);
  const output = num(d?.output) ?? num(d?.completion_tokens) ?? num(u?.output) ?? num(u?.completionTokens) ?? num(o.completionTokens);
  const total = num(d?.total) ?? num(u?.total) ?? num(u?.totalTokens) ?? num(o.totalTokens);
  setTokens(span, input, output, total);
  const c = isObject(o.costDetails) ? o.costDetails : null;
  span.costUsd = num(c?.total) ?? num(o.calculatedTotalCost) ?? num(o.totalCost) ?? null;
}

/** A field the web app serves JSON-encoded, decoded (text that is not JSON stays text). */
function decoded(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[') && !t.startsWith('"')) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** An observation as the web app serves it, with its encoded fields decoded. */
function decodedObservation(o: Dict): Dict {
  return { ...o, input: decoded(o.input), output: decoded(o.output), metadata: decoded(o.metadata) };
}

function observation(o: Dict, fallbackTraceId: string | null): Span {
  const id = str(o.id);
  const traceId = str(o.traceId) ?? fallbackTraceId;
  const type = str(o.type) ?? 'SPAN';
  if (id === null) throw new RecordError(`Langfuse ${type} observation missing id`);
  if (traceId === null) throw new RecordError(`Langfuse observation ${id} missing traceId`);
  const span = newSpan(traceId, id, str(o.name) ?? type.toLowerCase());
  span.parentId = str(o.parentObservationId);
  const start = toMs(o.startTime);
  if (start === null) throw new RecordError(`Langfuse observation ${id}: startTime missing or not a timestamp`);
  span.startTime = start;
  span.endTime = toMs(o.endTime) ?? start;
  span.kind = kindFromWord(type === 'SPAN' ? 'chain' : type === 'EVENT' ? 'other' : type) ?? 'other';
  span.statusMessage = str(o.statusMessage);
  if (o.level === 'ERROR') {
    span.status = 'error';
    span.error = { type: null, message: span.statusMessage ?? 'error' };
  }
  span.model = str(o.model);
  span.input = o.input ?? null;
  span.output = o.output ?? null;
  usage(span, o);
  if (span.kind === 'llm') {
    const msgs = toMessages(o.input);
    const out = isObject(o.output) && 'role' in o.output ? toMessages([o.output]) : toMessages(o.output);
    if (msgs !== null || out !== null) span.messages = [...(msgs ?? []), ...(out ?? [])];
  }

  const attrs: Dict = {};
  for (const k of KEEP) if (o[k] !== undefined && o[k] !== null) attrs['langfuse.' + k] = o[k];
  if (isObject(o.modelParameters)) flattenInto(attrs, 'modelParameters', o.modelParameters);
  if (isObject(o.metadata)) {
    flattenInto(attrs, 'metadata', o.metadata);
    // Hints live in metadata without a prefix (task_id, session_id, ...).
    const flat: Dict = {};
    flattenInto(flat, '', o.metadata);
    applyConventions(span, flat, true);
    // An OTel span's own attributes, as Langfuse keeps them.
    if (isObject(o.metadata.attributes)) {
      const otel: Dict = {};
      flattenInto(otel, '', o.metadata.attributes);
      applyConventions(span, otel);
      // A generic SPAN whose attributes name the tool it ran (Koog, Agno) is that tool's call,
      // unless they declare another kind (BeeAI's agent updates name the tool they chose).
      const tool = str(otel['gen_ai.tool.name']) ?? str(otel['tool.name']);
      const declared = str(otel['openinference.span.kind'])?.toUpperCase() ?? 'TOOL';
      if (type === 'SPAN' && tool !== null && declared === 'TOOL' && span.tool === null) {
        span.kind = 'tool';
        span.tool = { name: tool, arguments: null, result: null };
      }
    }
  }
  span.attributes = attrs;
  setHint(span, 'sessionId', str(o.sessionId));
  setHint(span, 'userId', str(o.userId));
  return finishSpan(span);
}

/** Trace-level facts of a Langfuse trace object. */
function traceHints(t: Dict): TraceHints {
  const probe = newSpan('', '', '');
  if (isObject(t.metadata)) {
    const flat: Dict = {};
    flattenInto(flat, '', t.metadata);
    applyConventions(probe, flat, true);
  }
  setHint(probe, 'sessionId', str(t.sessionId));
  setHint(probe, 'userId', str(t.userId));
  return probe.hints ?? {};
}

export function normalizeLangfuse(r: Dict): NormalizedRecord {
  if (isObject(r.trace) && Array.isArray(r.observations)) {
    const t = r.trace;
    return normalizeLangfuse({ ...t, metadata: decoded(t.metadata), observations: r.observations.map((o) => (isObject(o) ? decodedObservation(o) : o)) });
  }
  if (Array.isArray(r.observations)) {
    const traceId = str(r.id);
    if (traceId === null) throw new RecordError('Langfuse trace missing id');
    const hints = traceHints(r);
    // The public API's trace list names its observations by id only: the trace's facts, no spans.
    if (r.observations.every((o) => typeof o === 'string')) return { format: 'langfuse', spans: [], traceHints: [{ traceId, hints }] };
    const spans: Span[] = [];
    // An index loop, not map(): map skips holes in sparse arrays.
    for (let i = 0; i < r.observations.length; i++) {
      const o: unknown = r.observations[i];
      if (!isObject(o)) throw new RecordError(`Langfuse trace ${traceId}: observations[${i}] is not an object`);
      spans.push(observation(o, traceId));
    }
    return { format: 'langfuse', spans, traceHints: [{ traceId, hints }] };
  }
  return { format: 'langfuse', spans: [observation(r, null)] };
}

export const langfuse: InputFormat = {
  name: 'langfuse',
  // An observation, or a trace export carrying its observations inline.
  sniff: (r) => ('traceId' in r && typeof r.type === 'string') || (Array.isArray(r.observations) && ('id' in r || isObject(r.trace))),
  normalize: normalizeLangfuse,
};
