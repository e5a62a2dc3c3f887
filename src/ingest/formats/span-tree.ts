// Nested span trees: one JSON document per trace, `{trace_id, spans: [...]}`,
// each span an exporter row (see clickhouse.ts for the spellings) whose
// children sit in `child_spans` (or `children`) at any depth. TRAIL/Patronus
// exports look like this. A child's parent is the enclosing span unless the
// row names one. Span ids are kept as written: annotations cite them.
import type { Span } from '../../types.ts';
import { isObject } from '../values.ts';
import { RecordError, type InputFormat } from './common.ts';
import { normalizeOtelRow, rowId } from './clickhouse.ts';

type Dict = Record<string, unknown>;

function childrenOf(s: Dict): unknown[] | null {
  const c = s.child_spans ?? s.children ?? s.childSpans;
  return Array.isArray(c) && c.length > 0 ? c : null;
}

export function normalizeSpanTree(doc: Dict): Span[] {
  const traceId = rowId(doc.trace_id ?? doc.traceId ?? doc.TraceId);
  const roots = doc.spans as unknown[];
  const out: Span[] = [];
  // Explicit stack, not recursion: a deep tree must not exhaust the stack.
  const stack: { node: unknown; parentId: string | null; where: string }[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i], parentId: null, where: `spans[${i}]` });
  while (stack.length > 0) {
    const { node, parentId, where } = stack.pop()!;
    if (!isObject(node)) throw new RecordError(`span tree: ${where} is not an object`);
    const span = normalizeOtelRow(node, { traceId, parentId, where });
    out.push(span);
    const kids = childrenOf(node);
    if (kids !== null) for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], parentId: span.spanId, where: `${where}.child_spans[${i}]` });
  }
  if (out.length === 0) throw new RecordError(`span tree${traceId !== null ? ` ${traceId}` : ''} has an empty spans list`);
  return out;
}

export const spanTree: InputFormat = {
  name: 'span-tree',
  sniff: (r) => Array.isArray(r.spans) && ('trace_id' in r || 'traceId' in r || 'TraceId' in r),
  normalize: (r) => ({ format: 'span-tree', spans: normalizeSpanTree(r) }),
};
