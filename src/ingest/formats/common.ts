// Pieces every format shares: the error a normalizer throws for an unusable
// record, an empty canonical span, chat-message conversion, and the final pass
// that derives what can be derived once all fields are in (tool, errors,
// duration, a fallback kind).
import type { Message, NormalizedRecord, SourceFormat, Span, SpanEvent, SpanKind, Status, ToolCall, TraceHints } from '../../types.ts';
import { isObject, parseArguments, str, type StringPool } from '../values.ts';
import { unwrapFrameworkArguments } from './tool-input.ts';
import type { RecordSource } from '../identity.ts';

export type { RecordSource };

/**
 * One input format: its name, a cheap shape check on a parsed record, and
 * the normalizer. Adding a format is one module exporting one of these, listed
 * in `formats/index.ts`.
 */
export interface InputFormat {
  name: SourceFormat;
  /** Whether a parsed JSON object has this format's shape (cheap `in` checks). */
  sniff(record: Record<string, unknown>): boolean;
  /**
   * Throws RecordError with a precise reason when the record is unusable.
   * `at` (file and line) lets whole-run formats derive an id for a record
   * that has none (identity.ts); absent when a caller has no source.
   */
  normalize(record: Record<string, unknown>, pool?: StringPool, at?: RecordSource): NormalizedRecord;
}

/** A record that cannot become spans; the message says precisely why. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

export function newSpan(traceId: string, spanId: string, name: string): Span {
  return {
    spanId,
    parentId: null,
    traceId,
    name,
    kind: 'other',
    startTime: 0,
    endTime: 0,
    durationMs: 0,
    status: 'unset',
    statusMessage: null,
    model: null,
    tool: null,
    input: null,
    output: null,
    messages: null,
    tokens: null,
    costUsd: null,
    error: null,
    events: [],
    attributes: {},
    // Declared up front so every span has one shape (fast property access in
    // detectors); stays undefined unless a normalizer finds a hint.
    agentName: undefined,
    hints: undefined,
  };
}

export function setHint<K extends keyof TraceHints>(span: Span, key: K, value: TraceHints[K] | null | undefined): void {
  if (value === null || value === undefined) return;
  const hints = span.hints ?? (span.hints = {});
  if (hints[key] === undefined) hints[key] = value;
}

export function setTokens(span: Span, input: number | null, output: number | null, total: number | null): void {
  if (input === null && output === null && total === null) return;
  const i = input ?? 0;
  const o = output ?? 0;
  span.tokens = { input: i, output: o, total: total ?? i + o };
}

export function parseStatus(code: unknown): Status | null {
  if (code === 2 || code === '2') return 'error';
  if (code === 1 || code === '1') return 'ok';
  if (code === 0 || code === '0') return 'unset';
  if (typeof code !== 'string') return null;
  switch (code.toUpperCase()) {
    case 'STATUS_CODE_ERROR':
    case 'ERROR':
    case 'STATUSCODE.ERROR':
      return 'error';
    case 'STATUS_CODE_OK':
    case 'OK':
    case 'STATUSCODE.OK':
      return 'ok';
    case 'STATUS_CODE_UNSET':
    case 'UNSET':
    case 'STATUSCODE.UNSET':
      return 'unset';
  }
  return null;
}

/** Message content: a string, null, or a list of parts (OpenAI/Anthropic/GenAI). */
export function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (c === null || c === undefined) return '';
  if (Array.isArray(c)) {
    let out = '';
    for (const part of c) {
      const t = typeof part === 'string' ? part : isObject(part) ? (str(part.text) ?? str(part.content) ?? '') : '';
      if (t !== '') out = out === '' ? t : out + '\n' + t;
    }
    return out;
  }
  if (typeof c === 'number' || typeof c === 'boolean') return String(c);
  return JSON.stringify(c);
}

export function toToolCall(tc: unknown): ToolCall | null {
  if (!isObject(tc)) return null;
  const fn = isObject(tc.function) ? tc.function : tc;
  // AgentDojo names the function in `function` itself: `{function, args, id}`.
  const name = str(fn.name) ?? (typeof tc.function === 'string' ? str(tc.function) : null);
  if (name === null) return null;
  const call: ToolCall = { name, arguments: parseArguments(fn.arguments ?? fn.input ?? fn.args).value };
  const id = str(tc.id) ?? str(tc.call_id);
  if (id !== null) call.id = id;
  return call;
}

/** One OpenAI-style chat message (also tolerates GenAI `parts`). */
export function toMessage(m: unknown): Message | null {
  if (!isObject(m)) return null;
  // OpenAI Responses API items (Agents SDK inputs): calls and their outputs.
  if (m.type === 'function_call' && m.role === undefined) {
    const call = toToolCall({ id: m.call_id ?? m.id, name: m.name, arguments: m.arguments });
    return { role: 'assistant', content: '', ...(call !== null ? { toolCalls: [call] } : {}) };
  }
  if (m.type === 'function_call_output' && m.role === undefined) {
    const msg: Message = { role: 'tool', content: contentText(m.output) };
    const id = str(m.call_id);
    if (id !== null) msg.toolCallId = id;
    return msg;
  }
  const role = str(m.role) ?? str(m.type) ?? 'unknown';
  const msg: Message = { role, content: contentText(m.content ?? m.parts ?? m.text) };
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
    const calls: ToolCall[] = [];
    for (const tc of m.tool_calls) {
      const c = toToolCall(tc);
      if (c !== null) calls.push(c);
    }
    if (calls.length > 0) msg.toolCalls = calls;
  } else if (Array.isArray(m.parts)) {
    // GenAI parts: {type: 'tool_call', id, name, arguments} / {type: 'tool_call_response', id, response}
    const calls: ToolCall[] = [];
    for (const p of m.parts) {
      if (!isObject(p)) continue;
      if (p.type === 'tool_call') {
        const c = toToolCall(p);
        if (c !== null) calls.push(c);
      } else if (p.type === 'tool_call_response') {
        const id = str(p.id);
        if (id !== null) msg.toolCallId = id;
        if (msg.content === '') msg.content = contentText(p.response ?? p.result);
      }
    }
    if (calls.length > 0) msg.toolCalls = calls;
  }
  const tcid = str(m.tool_call_id);
  if (tcid !== null) msg.toolCallId = tcid;
  const name = str(m.name);
  if (name !== null) msg.name = name;
  return msg;
}

export function toMessages(list: unknown): Message[] | null {
  if (!Array.isArray(list)) return null;
  const out: Message[] = [];
  for (const m of list) {
    const msg = toMessage(m);
    if (msg !== null) out.push(msg);
  }
  return out.length > 0 ? out : null;
}

const KIND_WORDS: Record<string, SpanKind> = {
  agent: 'agent',
  llm: 'llm',
  generation: 'llm',
  chat: 'llm',
  completion: 'llm',
  tool: 'tool',
  function: 'tool',
  chain: 'chain',
  span: 'chain',
  workflow: 'chain',
  retriever: 'retriever',
  reranker: 'retriever',
  embedding: 'embedding',
  guardrail: 'guardrail',
  evaluator: 'evaluator',
  prompt: 'chain',
  parser: 'chain',
};

/** Kind from a convention's word (OpenInference AGENT, Langfuse GENERATION, LangSmith llm...). */
export function kindFromWord(w: unknown): SpanKind | null {
  if (typeof w !== 'string') return null;
  return KIND_WORDS[w.toLowerCase()] ?? null;
}

/**
 * Derivations that need the whole span: error from exception events, status
 * from error, tool fields from a tool span's input/output, a kind when no
 * convention named one, and duration.
 */
/** Marks a span failed with the error the source states (its status message is that error's message). */
export function failSpan(span: Span, error: { type: string | null; message: string }): void {
  span.status = 'error';
  span.error = error;
  span.statusMessage = error.message;
}

export function finishSpan(span: Span): Span {
  for (let i = 0; i < span.events.length; i++) {
    const ev: SpanEvent = span.events[i]!;
    if (ev.name === 'exception') {
      const a = ev.attributes;
      const message = str(a['exception.message']) ?? str(a['exception.type']) ?? 'exception';
      if (span.error === null) span.error = { type: str(a['exception.type']), message };
      span.status = 'error';
    }
  }
  if (span.status === 'error' && span.error === null) span.error = { type: null, message: span.statusMessage ?? 'error' };
  if (span.error !== null) {
    span.status = 'error';
    if (span.statusMessage === null) span.statusMessage = span.error.message;
  }
  if (span.kind === 'other') {
    if (span.tool !== null) span.kind = 'tool';
    else if (span.model !== null || span.tokens !== null) span.kind = 'llm';
  }
  if (span.kind === 'tool') {
    if (span.tool === null) span.tool = { name: span.name, arguments: null, result: null };
    const t = span.tool;
    if (t.arguments === null || t.arguments === undefined) {
      if (span.input !== null) {
        const p = parseArguments(span.input);
        t.arguments = p.value;
        if (p.invalid) t.argumentsInvalid = true;
      } else t.arguments = null;
    }
    if (t.result === null || t.result === undefined) t.result = span.output;
    unwrapFrameworkArguments(span, t);
  }
  if (span.endTime < span.startTime) span.endTime = span.startTime;
  // Nanosecond sources give fractional ms; keep µs, drop float noise.
  span.durationMs = Math.round((span.endTime - span.startTime) * 1000) / 1000;
  return span;
}

/** Sets a tool's arguments, parsing JSON strings and flagging unparseable ones. */
export function setToolArguments(span: Span, name: string, args: unknown, result: unknown): void {
  const p = parseArguments(args);
  span.tool = { name, arguments: p.value, result: result ?? null };
  if (p.invalid) span.tool.argumentsInvalid = true;
}

export function errorFrom(v: unknown): { type: string | null; message: string } | null {
  if (v === null || v === undefined || v === false || v === '') return null;
  if (typeof v === 'string') return { type: null, message: v };
  if (isObject(v)) {
    const message = str(v.message) ?? str(v.error) ?? str(v.detail) ?? JSON.stringify(v);
    return { type: str(v.type) ?? str(v.name) ?? str(v.code), message };
  }
  return { type: null, message: String(v) };
}
