// Which format a parsed record is in, from its shape alone. Per record, so a
// file may mix formats. Cheap `in` checks, most common formats first.
import type { SourceFormat } from '../types.ts';
import { isObject } from './values.ts';

export function sniffFormat(record: unknown): SourceFormat | null {
  if (!isObject(record)) return null;
  if ('span_id' in record && 'trace_id' in record) return 'flat-span';
  if ('resourceSpans' in record || 'resource_spans' in record) return 'otlp';
  const obj = record.object;
  if (obj === 'trace.span' || obj === 'trace') return 'openai-agents';
  if ('run_type' in record) return 'langsmith';
  if ('traceId' in record && typeof record.type === 'string') return 'langfuse';
  // A Langfuse trace export carries its observations inline.
  if (Array.isArray(record.observations) && 'id' in record) return 'langfuse';
  // OTel SDK console exporter: {name, context: {trace_id, span_id}, parent_id, ...}
  if (isObject(record.context) && 'span_id' in record.context) return 'flat-span';
  if (Array.isArray(record.messages) || Array.isArray(record.traj)) return 'chat-transcript';
  return null;
}
