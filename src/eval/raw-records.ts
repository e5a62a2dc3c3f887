// The source records behind normalized spans, for a reviewer who must judge
// a finding from the original data, not from Halo's view of it. Every input
// record is normalized again to learn which spans it yields; within a
// whole-run record (a transcript, a trajectory, a span tree) the span's own
// part is found by the values it was built from: its id when the source had
// one, else its tool-call id, else its text. What is returned is bounded:
// long strings and arrays are cut with a marker giving their original size.
import { readInputs } from '../ingest/reader.ts';
import { normalizeRecord } from '../ingest/normalize.ts';
import { parseRecordText } from '../ingest/json-text.ts';
import { formatSource } from '../ingest/identity.ts';
import type { Span } from '../types.ts';

export interface Bounds {
  /** Longest string kept whole, in characters. */
  maxString: number;
  /** Longest array kept whole, in items. */
  maxItems: number;
  /** Most keys of one object shown (flattened attributes hold a whole prompt). */
  maxKeys: number;
  /** Deepest nesting shown. */
  maxDepth: number;
}

export const DEFAULT_BOUNDS: Bounds = { maxString: 2000, maxItems: 40, maxKeys: 60, maxDepth: 8 };

/** `value` with long strings and arrays cut, each cut marked with the original size. */
export function bounded(value: unknown, b: Bounds = DEFAULT_BOUNDS, depth = 0): unknown {
  if (typeof value === 'string') return value.length > b.maxString ? `${value.slice(0, b.maxString)} … [truncated: original length ${value.length} chars]` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= b.maxDepth) return `[nested ${Array.isArray(value) ? `array of ${value.length} items` : `object with ${Object.keys(value).length} keys`} not shown: depth limit]`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, b.maxItems).map((v) => bounded(v, b, depth + 1));
    if (value.length > b.maxItems) shown.push(`[truncated: original length ${value.length} items]`);
    return shown;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value);
  for (const [k, v] of entries.slice(0, b.maxKeys)) out[k] = bounded(v, b, depth + 1);
  if (entries.length > b.maxKeys) out['[truncated]'] = `original object has ${entries.length} keys; ${entries.length - b.maxKeys} not shown`;
  return out;
}

/** Where a span's record sits: file and line (or array element), and the record itself. */
export interface RecordRef {
  source: string;
  record: unknown;
  /** How many spans the record yields: 1 = the record is the span. */
  spans: number;
}

/** Every (trace, span) in the inputs mapped to the record it came from, only for the traces asked. */
export async function indexRecords(inputs: string[], traceIds: Set<string>): Promise<Map<string, RecordRef>> {
  const out = new Map<string, RecordRef>();
  // Traces told apart by the assembler carry `~n`; their records carry the plain id.
  const wanted = (id: string) => traceIds.has(id) || [...traceIds].some((t) => t.startsWith(`${id}~`));
  for await (const batch of readInputs(inputs)) {
    const lines = batch.text.split('\n');
    const unit = batch.unit ?? 'line';
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      if (!text.trim()) continue;
      const at = { file: batch.file, line: batch.firstLine + i, unit };
      let record: unknown;
      let spans: Span[];
      try {
        // Normalizers may add to the object they read: the reviewer gets a copy parsed apart.
        spans = normalizeRecord(parseRecordText(text), undefined, undefined, at).spans;
        record = parseRecordText(text);
      } catch {
        continue; // a bad record yields no span a finding could cite
      }
      for (const s of spans) {
        if (!wanted(s.traceId)) continue;
        const ref = { source: formatSource(at), record, spans: spans.length };
        out.set(`${s.traceId}\u0000${s.spanId}`, ref);
      }
    }
  }
  return out;
}

/** The ref for a span of a trace, trying the assembler's `~n` suffix off. */
export function refFor(index: Map<string, RecordRef>, traceId: string, spanId: string): RecordRef | undefined {
  return index.get(`${traceId}\u0000${spanId}`) ?? index.get(`${traceId.replace(/~\d+$/, '')}\u0000${spanId}`);
}

export interface RawPart {
  /** JSON path inside the record (`$` = the whole record). */
  path: string;
  /** What matched: the span id, a tool-call id, or the span's text. */
  matchedBy: 'span id' | 'tool call id' | 'text';
  value: unknown;
}

const CONTAINER_KEYS = /^(child_spans|children|spans|history|messages|traj|trajectory|observations)$/;

/** A part of a record with the arrays that hold other spans' records replaced by their size. */
function withoutChildren(node: unknown): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = CONTAINER_KEYS.test(k) && Array.isArray(v) && v.length > 0 ? `[${v.length} records: other spans' sources, not shown]` : v;
  return out;
}

function walk(node: unknown, path: string, visit: (obj: Record<string, unknown>, path: string) => boolean): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (walk(node[i], `${path}[${i}]`, visit)) return true;
    return false;
  }
  if (visit(node as Record<string, unknown>, path)) return true;
  for (const [k, v] of Object.entries(node)) if (walk(v, `${path}.${k}`, visit)) return true;
  return false;
}

/** The objects in `record` holding a property equal to one of `values` (or, with `contains`, a string that contains one), at most `max`. */
function find(record: unknown, values: string[], contains: boolean, max: number): { path: string; node: Record<string, unknown> }[] {
  const hits: { path: string; node: Record<string, unknown> }[] = [];
  if (!values.length) return hits;
  walk(record, '$', (obj, path) => {
    for (const v of Object.values(obj)) {
      const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
      if (s !== null && values.some((x) => (contains ? s.includes(x) : s === x))) {
        hits.push({ path, node: obj });
        break;
      }
    }
    return hits.length >= max;
  });
  return hits;
}

/**
 * The run's own entry that holds `path`: an element of the run's list of
 * messages or events (`messages[i]`, `history[i]`, `traj[i]`…), else the
 * innermost object on the path that looks like a chat message (has a role),
 * else the object at `path`.
 */
function enclosingMessage(record: unknown, path: string): { path: string; node: unknown } {
  const steps = [...path.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  let node: unknown = record;
  let at = '$';
  let parentKey: string | number | null = null;
  let entry: { path: string; node: unknown } | null = null;
  let message: { path: string; node: unknown } | null = null;
  for (const k of steps) {
    node = (node as Record<string | number, unknown>)?.[k];
    at += typeof k === 'number' ? `[${k}]` : `.${k}`;
    const isObj = node !== null && typeof node === 'object' && !Array.isArray(node);
    if (isObj && !entry && typeof k === 'number' && typeof parentKey === 'string' && CONTAINER_KEYS.test(parentKey)) entry = { path: at, node };
    if (isObj && 'role' in (node as object)) message = { path: at, node };
    parentKey = k;
  }
  return entry ?? message ?? { path, node };
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim().length >= 12 ? v : null;
}

/** The span's own part of its record: the record itself when it yields only this span. */
export function rawPart(ref: RecordRef, span: Span): RawPart[] {
  if (ref.spans === 1) return [{ path: '$', matchedBy: 'span id', value: ref.record }];
  const byId = find(ref.record, [span.spanId], false, 1);
  if (byId.length) return byId.map((h) => ({ path: h.path, matchedBy: 'span id' as const, value: withoutChildren(h.node) }));
  const callIds = Object.entries(span.attributes ?? {})
    .filter(([k, v]) => /call[._]?id$/i.test(k) && typeof v === 'string')
    .map(([, v]) => v as string);
  // A model turn that only called tools has no text: its calls' ids find its message.
  const made = (span.messages ?? []).flatMap((m) => m.toolCalls ?? []);
  const madeCalls = made.map((c) => c.id).filter((id): id is string => typeof id === 'string');
  if (span.kind === 'llm' && madeCalls.length) {
    // Call ids can repeat within a run: the message must also name the tools this turn called.
    const names = made.map((c) => JSON.stringify(c.name));
    const msgs = find(ref.record, madeCalls, false, 20).map((h) => enclosingMessage(ref.record, h.path));
    const msg = msgs.find((m) => names.every((n) => JSON.stringify(m.node).includes(n))) ?? msgs[0];
    if (msg) return [{ path: msg.path, matchedBy: 'tool call id', value: withoutChildren(msg.node) }];
  }
  // A call id sits in the message that made the call (often twice: the call and the provider's raw response)
  // and in the message that answered it: one part per message.
  const byCall = new Map<string, unknown>();
  for (const h of find(ref.record, callIds, false, 20)) {
    const msg = enclosingMessage(ref.record, h.path);
    if (!byCall.has(msg.path)) byCall.set(msg.path, msg.node);
  }
  // Some sources reuse call ids across a run (τ-bench does): keep the messages that also agree with the span —
  // the call names its tool, the answer holds its result.
  const result = typeof span.tool?.result === 'string' ? span.tool.result : text(span.output);
  const agrees = (node: unknown) =>
    (result !== null && find(node, [result], false, 1).length > 0) ||
    (span.tool?.name !== undefined && find(node, callIds, false, 5).some((h) => find(h.node, [span.tool!.name], false, 1).length > 0 || JSON.stringify(h.node).includes(JSON.stringify(span.tool!.name))));
  const agreeing = [...byCall].filter(([, node]) => agrees(node));
  const parts = agreeing.length ? agreeing : [...byCall];
  if (parts.length) return parts.slice(0, 3).map(([path, node]) => ({ path, matchedBy: 'tool call id' as const, value: withoutChildren(node) }));
  const texts = [text(span.output), text(span.tool?.result), text(span.input), span.error?.message ?? null].filter((t): t is string => t !== null);
  let byText = find(ref.record, texts, false, 2);
  if (!byText.length) byText = find(ref.record, texts.map((t) => t.slice(0, 120)), true, 2);
  return byText.map((h) => ({ path: h.path, matchedBy: 'text' as const, value: around(withoutChildren(h.node), texts) }));
}

// A record that is one long text (a whole trial log holding a hundred runs) would show only its start once cut to a
// packet's size: the reviewer gets the part of it where the span's own text is (review round 41).
const LONG = 6000;
// Little before the text (a packet cuts what it shows at about 2,000 characters), more after it: what answered it.
const BEFORE = 300;
const AFTER = 1200;

/** The node with each long string that holds one of `texts` cut to the window around its first occurrence. */
function around(node: unknown, texts: string[]): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (typeof v !== 'string' || v.length <= LONG) {
      out[k] = v;
      continue;
    }
    const hit = texts.map((t) => ({ t, at: v.indexOf(t) >= 0 ? v.indexOf(t) : v.indexOf(t.slice(0, 120)) })).find((x) => x.at >= 0);
    if (!hit) {
      out[k] = v;
      continue;
    }
    const start = Math.max(0, hit.at - BEFORE);
    const end = Math.min(v.length, hit.at + Math.min(hit.t.length, 2000) + AFTER);
    out[k] = `[characters ${start}–${end} of ${v.length}, around this span's text]${start > 0 ? '…' : ''}${v.slice(start, end)}${end < v.length ? '…' : ''}`;
  }
  return out;
}

/** The record's own top-level facts (ids, outcome, reward, status), without the long arrays: what a reviewer reads as the run's outcome. */
export function recordHeader(record: unknown): Record<string, unknown> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (Array.isArray(v)) out[k] = `[${v.length} items]`;
    // A long text (a whole log) is no header fact: its start says nothing of this run.
    else if (typeof v === 'string' && v.length > LONG) out[k] = `[text of ${v.length} characters: see the cited spans' parts]`;
    else if (v !== null && typeof v === 'object') out[k] = Object.keys(v).length > 12 ? `{${Object.keys(v).length} keys}` : v;
    else out[k] = v;
  }
  return out;
}
