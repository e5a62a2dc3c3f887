// OpenAI Agents SDK tracing export: `{object: "trace.span", id, trace_id,
// parent_id, started_at, ended_at, span_data: {type, ...}, error}` and
// `{object: "trace", id, workflow_name, group_id, metadata}` (trace-level hints).
import type { NormalizedRecord, Span, SpanKind, TraceHints } from '../../types.ts';
import { applyConventions } from '../conventions.ts';
import { flattenInto, isObject, num, str, toMs } from '../values.ts';
import { RecordError, errorFrom, finishSpan, newSpan, setHint, setTokens, setToolArguments, toMessages, type InputFormat } from './common.ts';

type Dict = Record<string, unknown>;

const KIND: Record<string, SpanKind> = {
  agent: 'agent',
  generation: 'llm',
  response: 'llm',
  function: 'tool',
  mcp_tools: 'tool',
  handoff: 'chain',
  guardrail: 'guardrail',
  custom: 'other',
  transcription: 'llm',
  speech: 'llm',
  speech_group: 'chain',
};

// Bulky span_data fields already held in span.input/output/messages; not
// copied again into attributes.
const HELD = new Set(['input', 'output', 'type']);

function traceRecord(r: Dict): NormalizedRecord {
  const traceId = str(r.id);
  if (traceId === null) throw new RecordError('Agents SDK trace missing id');
  const probe = newSpan('', '', '');
  if (isObject(r.metadata)) {
    const flat: Dict = {};
    flattenInto(flat, '', r.metadata);
    applyConventions(probe, flat, true);
  }
  setHint(probe, 'sessionId', str(r.group_id));
  const hints: TraceHints = probe.hints ?? {};
  return { format: 'openai-agents', spans: [], traceHints: [{ traceId, hints }] };
}

function spanName(type: string, d: Dict): string {
  if (type === 'handoff') return `handoff ${str(d.from_agent) ?? '?'} -> ${str(d.to_agent) ?? '?'}`;
  if (type === 'function' || type === 'agent' || type === 'guardrail' || type === 'custom') return str(d.name) ?? type;
  return type;
}

export function normalizeAgentsSdk(r: Dict): NormalizedRecord {
  if (r.object === 'trace') return traceRecord(r);
  const id = str(r.id);
  const traceId = str(r.trace_id);
  if (id === null) throw new RecordError('Agents SDK span missing id');
  if (traceId === null) throw new RecordError(`Agents SDK span ${id} missing trace_id`);
  const d = isObject(r.span_data) ? r.span_data : {};
  const type = str(d.type) ?? 'custom';
  const span = newSpan(traceId, id, spanName(type, d));
  span.parentId = str(r.parent_id);
  const start = toMs(r.started_at);
  if (start === null) throw new RecordError(`Agents SDK span ${id}: started_at missing or not a timestamp`);
  span.startTime = start;
  const end = toMs(r.ended_at);
  span.endTime = end ?? start;
  span.kind = KIND[type] ?? 'other';
  span.error = errorFrom(r.error);
  // The SDK's tool errors all read "Error running tool"; the exception's own
  // text is in `error.data.error`, and is what tells one failure from another.
  const cause = isObject(r.error) && isObject(r.error.data) ? str(r.error.data.error) : null;
  if (span.error !== null && cause !== null && cause.trim() !== '' && !span.error.message.includes(cause)) span.error.message = `${span.error.message}: ${cause}`;
  if (span.error === null && end !== null) span.status = 'ok';

  span.input = d.input ?? null;
  span.output = d.output ?? null;
  span.model = str(d.model);
  const u = isObject(d.usage) ? d.usage : null;
  if (u !== null) setTokens(span, num(u.input_tokens) ?? num(u.prompt_tokens), num(u.output_tokens) ?? num(u.completion_tokens), num(u.total_tokens));

  if (type === 'generation') {
    const msgs = [...(toMessages(d.input) ?? []), ...(toMessages(d.output) ?? [])];
    if (msgs.length > 0) span.messages = msgs;
  } else if (type === 'function') {
    setToolArguments(span, str(d.name) ?? 'function', d.input, d.output);
  } else if (type === 'agent') {
    setHint(span, 'agentName', str(d.name));
  }

  const attrs: Dict = { 'sdk.span.type': type };
  for (const k in d) if (!HELD.has(k)) flattenInto(attrs, 'span_data.' + k, d[k]);
  if (isObject(r.error) && r.error.data !== undefined) flattenInto(attrs, 'error.data', r.error.data);
  span.attributes = attrs;
  if (type === 'custom' && isObject(d.data)) {
    const flat: Dict = {};
    flattenInto(flat, '', d.data);
    applyConventions(span, flat, true);
  }
  return { format: 'openai-agents', spans: [finishSpan(span)] };
}

export const openaiAgents: InputFormat = {
  name: 'openai-agents',
  sniff: (r) => r.object === 'trace.span' || r.object === 'trace',
  normalize: normalizeAgentsSdk,
};
