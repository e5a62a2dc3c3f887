// One run held as a conversation (a chat transcript, a benchmark simulation,
// an agent trajectory) → one trace: an agent root span, an llm span per
// assistant turn and a tool span per tool call, joined with its result by
// call id. Each format maps its source into turns; this builds the spans.
//
// Times: a turn's own time when the source has one; otherwise the run's start
// (or 2024-01-01T00:00:00Z) plus one second per message, and the root says so
// with `halo.synthetic_time: true`.
import type { Message, Outcome, Span, Tokens } from '../../types.ts';
import { applyConventions } from '../conventions.ts';
import { flattenInto, parseArguments } from '../values.ts';
import { RecordError, finishSpan, newSpan, setHint } from './common.ts';

type Dict = Record<string, unknown>;

export const BASE_TIME = Date.UTC(2024, 0, 1);
const STEP_MS = 1000;
const LLM_MS = 500;

// Tool results a tool reports as failures ("Error: ...", tracebacks), and the
// text the OpenAI Agents SDK sends the model in place of a function tool that raised.
export const ERROR_RESULT = /^\s*(?:(?:error|exception|traceback)\b|an error occurred while running the tool\b)/i;

/** One message of a run, as a format read it. */
export interface Turn {
  message: Message;
  /** Each of `message.toolCalls`' arguments as written (a string that may not be JSON). */
  rawArguments?: unknown[];
  /** Epoch ms when the source dates the message. */
  time?: number | null;
  model?: string | null;
  tokens?: Tokens | null;
  cost?: number | null;
  /** A tool result the source itself marks failed (τ²-bench `error: true`, a nonzero exit code). */
  failed?: boolean;
  /** The failure as the source states it, when its result text does not (ToolBench's `error` field and status code). */
  error?: { type: string | null; message: string };
  /** Kept on the turn's spans (a tool call's requestor, an exit code). */
  attributes?: Dict;
  /**
   * What the model was sent for this reply, when it is not every message before it (a search tree's model
   * sees only the path from the root to the node it expands). Recorded as the model call's messages.
   */
  context?: Message[];
}

export interface ConversationSpec {
  traceId: string;
  turns: (Turn | null)[];
  /** How many source messages were unusable (counted on the root as halo.invalid_messages). */
  invalid?: number;
  agentName: string | null;
  /** The run's model, for turns that name none. */
  model: string | null;
  /** The run's own start and end (epoch ms), when the source has them. */
  start?: number | null;
  end?: number | null;
  taskId?: string | null;
  trial?: number | null;
  outcome?: Outcome | null;
  /** Root attributes (the record's fields other than the messages, flattened). */
  attributes: Dict;
  /** Flat metadata to read trace-level conventions from (session, user…). */
  metadata?: Dict;
}

export function buildConversation(spec: ConversationSpec): Span[] {
  const { traceId, turns } = spec;
  if (turns.length === 0) throw new RecordError('the run has an empty messages list');
  const usable = turns.filter((t): t is Turn => t !== null);
  if (usable.length === 0) throw new RecordError(`the run has no usable messages (${turns.length} entries, none an object)`);

  // Times: the source's where it has them, else one step after the previous.
  const base = spec.start ?? firstTime(turns) ?? BASE_TIME;
  let dated = spec.start !== undefined && spec.start !== null;
  const times: number[] = new Array(turns.length);
  for (let i = 0; i < turns.length; i++) {
    const own = turns[i]?.time;
    if (own !== undefined && own !== null) dated = true;
    times[i] = own ?? (i === 0 ? base : times[i - 1]! + STEP_MS);
  }
  const synthetic = !dated;
  const rootId = `${traceId}:agent`;
  const root = newSpan(traceId, rootId, spec.agentName ?? 'agent');
  root.kind = 'agent';
  root.status = 'ok';
  root.startTime = Math.min(base, times[0]!);
  root.endTime = Math.max(spec.end ?? -Infinity, times[turns.length - 1]! + (synthetic ? STEP_MS : 0));

  const messages: Message[] = [];
  const spans: Span[] = [root];
  // Tool results by call id, in order: some logs (τ-bench) reuse a call id for
  // a later identical call, so a call takes the first result after it.
  const results = new Map<string, number[]>();
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t === null || t === undefined) continue;
    messages.push(t.message);
    const id = t.message.role === 'tool' ? t.message.toolCallId : undefined;
    if (id !== undefined) {
      const q = results.get(id);
      if (q === undefined) results.set(id, [i]);
      else q.push(i);
    }
  }

  const joined = new Set<number>();
  let llmN = 0;
  let toolN = 0;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t === null || t === undefined) continue;
    const m = t.message;
    const isAssistant = m.role === 'assistant';
    if (isAssistant) {
      const llm = newSpan(traceId, `${traceId}:llm-${llmN++}`, 'assistant turn');
      llm.parentId = rootId;
      llm.kind = 'llm';
      llm.status = 'ok';
      llm.model = t.model ?? spec.model;
      // A dated reply was written when the model answered: the call ran since the previous message.
      llm.startTime = synthetic || i === 0 ? times[i]! : times[i - 1]!;
      llm.endTime = synthetic ? times[i]! + LLM_MS : times[i]!;
      llm.output = m.content;
      llm.messages = t.context ? [...t.context, m] : [m];
      if (t.tokens) llm.tokens = t.tokens;
      if (t.cost !== undefined && t.cost !== null) llm.costUsd = t.cost;
      if (t.attributes) Object.assign(llm.attributes, t.attributes);
      spans.push(finishSpan(llm));
    }
    const calls = m.toolCalls ?? [];
    for (let j = 0; j < calls.length; j++) {
      const c = calls[j]!;
      const at = c.id !== undefined ? nextResult(results.get(c.id), i, joined) : -1;
      const start = times[i]! + (synthetic ? LLM_MS + j : 0);
      const result = at >= 0 ? turns[at]! : null;
      const s = toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, c.name, c.arguments, t.rawArguments?.[j], result, start, at >= 0 ? times[at]! : start, c.id);
      // A call the user (simulator) made on its own device is not the agent's.
      if (!isAssistant) s.attributes['tool.requestor'] = m.role;
      spans.push(s);
    }
  }
  // Tool results with no matching call still record that a tool ran.
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t === null || t === undefined || t.message.role !== 'tool' || joined.has(i)) continue;
    spans.push(toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, t.message.name ?? 'tool', null, undefined, t, times[i]!, times[i]!, t.message.toolCallId));
  }

  root.messages = messages;
  const firstUser = messages.find((m) => m.role === 'user');
  let lastAssistant: Message | undefined;
  for (let i = messages.length - 1; i >= 0 && lastAssistant === undefined; i--) if (messages[i]!.role === 'assistant' && messages[i]!.content !== '') lastAssistant = messages[i];
  root.input = firstUser?.content ?? null;
  root.output = lastAssistant?.content ?? null;
  root.model = spec.model;

  const attrs: Dict = { 'halo.synthetic_time': synthetic };
  if ((spec.invalid ?? 0) > 0) attrs['halo.invalid_messages'] = spec.invalid;
  Object.assign(attrs, spec.attributes);
  root.attributes = attrs;
  setHint(root, 'taskId', spec.taskId ?? null);
  setHint(root, 'trial', spec.trial ?? null);
  if (spec.outcome) setHint(root, 'outcome', spec.outcome);
  setHint(root, 'agentName', spec.agentName);
  if (spec.metadata !== undefined) applyConventions(root, spec.metadata, true);
  finishSpan(root);
  return spans;
}

function firstTime(turns: (Turn | null)[]): number | null {
  for (const t of turns) if (t?.time !== undefined && t.time !== null) return t.time;
  return null;
}

/** Index of the first not-yet-joined result after message `after`, or -1; marks it joined. */
function nextResult(q: number[] | undefined, after: number, joined: Set<number>): number {
  if (q === undefined) return -1;
  for (const idx of q) {
    if (idx > after && !joined.has(idx)) {
      joined.add(idx);
      return idx;
    }
  }
  return -1;
}

function toolSpan(traceId: string, parentId: string, spanId: string, name: string, args: unknown, rawArgs: unknown, result: Turn | null, start: number, end: number, callId: string | undefined): Span {
  const s = newSpan(traceId, spanId, name);
  s.parentId = parentId;
  s.kind = 'tool';
  s.startTime = start;
  s.endTime = end;
  const out = result !== null ? result.message.content : null;
  s.tool = { name, arguments: args, result: out };
  if (parseArguments(rawArgs).invalid) s.tool.argumentsInvalid = true;
  s.input = rawArgs ?? null;
  s.output = out;
  if (callId !== undefined) s.attributes['tool_call.id'] = callId;
  if (result?.attributes) Object.assign(s.attributes, result.attributes);
  if (out !== null && (result!.failed === true || ERROR_RESULT.test(out))) {
    s.status = 'error';
    const text = out.trim();
    const nl = text.indexOf('\n');
    s.error = result!.error ?? { type: null, message: nl >= 0 ? text.slice(0, nl) : text };
  } else s.status = out !== null ? 'ok' : 'unset';
  // No result message answers the call (a run's last action, which the log stops before): how it went is not recorded,
  // which detectors must not read as "ran without error" (sandbox/detectors/trace-index.ts outcomeRecorded).
  if (out === null) s.attributes['halo.result_unrecorded'] = true;
  return finishSpan(s);
}

/** The record's fields other than `skip`, flattened into root attributes. */
export function recordAttributes(r: Dict, skip: readonly string[]): Dict {
  const attrs: Dict = {};
  for (const k in r) {
    if (skip.includes(k)) continue;
    flattenInto(attrs, k, r[k]);
  }
  return attrs;
}
