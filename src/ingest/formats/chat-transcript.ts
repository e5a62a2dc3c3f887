// Chat transcripts: a record holding a `messages` (or τ-bench `traj`) list of
// OpenAI chat messages, plus optional task id, trial, reward and info. Each
// record becomes ONE trace: an agent root span, an llm span per assistant
// turn, and a tool span per tool call joined with its `tool` result.
//
// Transcripts carry no clock, so times are synthetic but deterministic: the
// record's own timestamp (`timestamp`/`created_at`/`start_time`) or
// 2024-01-01T00:00:00Z, plus one second per message. Root attribute
// `halo.synthetic_time: true` marks them.
import type { Message, Span } from '../../types.ts';
import { applyConventions, outcomeFrom } from '../conventions.ts';
import { flattenInto, isObject, num, parseArguments, str, toMs } from '../values.ts';
import { ownId, traceIdentity } from '../identity.ts';
import { RecordError, finishSpan, newSpan, setHint, toMessage, toToolCall, type InputFormat, type RecordSource } from './common.ts';

type Dict = Record<string, unknown>;

const BASE_TIME = Date.UTC(2024, 0, 1);
const STEP_MS = 1000;
const LLM_MS = 500;

// Tool results a tool reports as failures ("Error: ...", tracebacks).
const ERROR_RESULT = /^\s*(error|exception|traceback)\b/i;

// Keys naming the suite (or domain, environment) a task id belongs to: task
// ids repeat across suites, so they are part of the composite key.
const SUITE_KEYS = ['suite', 'suite_name', 'domain', 'env', 'environment', 'benchmark'];

function traceIdOf(r: Dict, taskId: string | null, trial: number | null, at: RecordSource | undefined): string {
  let suite: string | null = null;
  for (const k of SUITE_KEYS) if ((suite = str(r[k])) !== null) break;
  return traceIdentity(r, { prefix: Array.isArray(r.traj) ? 'tau' : 'chat', own: ownId(r), composite: [suite, taskId, trial ?? 0] }, at);
}

export function normalizeChatTranscript(r: Dict, at?: RecordSource): Span[] {
  const list = (Array.isArray(r.messages) ? r.messages : r.traj) as unknown[];
  if (list.length === 0) throw new RecordError('chat transcript has an empty messages list');
  const info = isObject(r.info) ? r.info : null;
  const taskId = str(r.task_id) ?? str(r.taskId) ?? (info !== null ? str(info.task_id) : null);
  const trial = num(r.trial);
  const traceId = traceIdOf(r, taskId, trial, at);
  const base = toMs(r.timestamp ?? r.created_at ?? r.start_time) ?? BASE_TIME;
  const t = (i: number) => base + i * STEP_MS;

  const rootId = `${traceId}:agent`;
  const root = newSpan(traceId, rootId, str(r.agent_name) ?? str(r.agent) ?? 'agent');
  root.kind = 'agent';
  root.status = 'ok';
  root.startTime = base;
  root.endTime = t(list.length);
  const model = str(r.model);

  const messages: Message[] = [];
  const spans: Span[] = [root];
  // Tool results by tool_call_id, in order: some logs (τ-bench) reuse a call
  // id for a later identical call, so a call takes the first result after it.
  const results = new Map<string, number[]>();
  const converted: (Message | null)[] = new Array(list.length);
  // A corrupt message (not an object) is skipped and counted, not allowed to
  // cost the whole run.
  let invalid = 0;
  for (let i = 0; i < list.length; i++) {
    const m = toMessage(list[i]);
    converted[i] = m;
    if (m === null) {
      invalid++;
      continue;
    }
    messages.push(m);
    if (m.role === 'tool' && m.toolCallId !== undefined) {
      const q = results.get(m.toolCallId);
      if (q === undefined) results.set(m.toolCallId, [i]);
      else q.push(i);
    }
  }

  const joined = new Set<number>();
  let llmN = 0;
  let toolN = 0;
  if (messages.length === 0) throw new RecordError(`chat transcript has no usable messages (${list.length} entries, none an object)`);
  for (let i = 0; i < converted.length; i++) {
    const m = converted[i];
    if (m === null || m === undefined) continue;
    if (m.role === 'assistant') {
      const llm = newSpan(traceId, `${traceId}:llm-${llmN++}`, 'assistant turn');
      llm.parentId = rootId;
      llm.kind = 'llm';
      llm.status = 'ok';
      llm.model = str((list[i] as Dict).model) ?? model;
      llm.startTime = t(i);
      llm.endTime = t(i) + LLM_MS;
      llm.output = m.content;
      llm.messages = [m];
      spans.push(finishSpan(llm));
      // Walk the source calls (not m.toolCalls) to keep each call's raw
      // arguments beside it, even when a malformed call was dropped.
      const raw = (list[i] as Dict).tool_calls;
      const rawCalls = Array.isArray(raw) ? raw : [];
      for (let j = 0; j < rawCalls.length; j++) {
        const c = toToolCall(rawCalls[j]);
        if (c === null) continue;
        const at = c.id !== undefined ? nextResult(results.get(c.id), i, joined) : -1;
        const start = t(i) + LLM_MS + j;
        spans.push(toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, c.name, c.arguments, rawArguments(rawCalls[j]), at >= 0 ? converted[at]!.content : null, start, at >= 0 ? t(at) : start, c.id));
      }
    }
  }
  // Tool results with no matching call still record that a tool ran.
  for (let i = 0; i < converted.length; i++) {
    const m = converted[i];
    if (m === null || m === undefined || m.role !== 'tool' || joined.has(i)) continue;
    spans.push(toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, m.name ?? 'tool', null, undefined, m.content, t(i), t(i), m.toolCallId));
  }

  root.messages = messages;
  const firstUser = messages.find((m) => m.role === 'user');
  const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant' && m.content !== '');
  root.input = firstUser?.content ?? null;
  root.output = lastAssistant?.content ?? null;
  root.model = model;

  const attrs: Dict = { 'halo.synthetic_time': !(r.timestamp ?? r.created_at ?? r.start_time) };
  if (invalid > 0) attrs['halo.invalid_messages'] = invalid;
  for (const k in r) {
    if (k === 'messages' || k === 'traj') continue;
    flattenInto(attrs, k, r[k]);
  }
  root.attributes = attrs;
  setHint(root, 'taskId', taskId);
  setHint(root, 'trial', trial);
  const outcome = outcomeFrom(r.success, r.reward ?? (info !== null && isObject(info.reward_info) ? info.reward_info.reward : undefined), r.label, r.outcome);
  if (outcome !== null) setHint(root, 'outcome', outcome);
  setHint(root, 'agentName', str(r.agent_name) ?? str(r.agent));
  if (isObject(r.metadata)) {
    const flat: Dict = {};
    flattenInto(flat, '', r.metadata);
    applyConventions(root, flat, true);
  }
  finishSpan(root);
  return spans;
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

/** The call's arguments as the model wrote them (to flag unparseable JSON). */
function rawArguments(tc: unknown): unknown {
  if (!isObject(tc)) return undefined;
  const fn = isObject(tc.function) ? tc.function : tc;
  return fn.arguments ?? fn.input ?? fn.args;
}

function toolSpan(traceId: string, parentId: string, spanId: string, name: string, args: unknown, rawArgs: unknown, result: string | null, start: number, end: number, callId: string | undefined): Span {
  const s = newSpan(traceId, spanId, name);
  s.parentId = parentId;
  s.kind = 'tool';
  s.startTime = start;
  s.endTime = end;
  s.tool = { name, arguments: args, result };
  if (parseArguments(rawArgs).invalid) s.tool.argumentsInvalid = true;
  s.input = rawArgs ?? null;
  s.output = result;
  if (callId !== undefined) s.attributes = { 'tool_call.id': callId };
  if (result !== null && ERROR_RESULT.test(result)) {
    s.status = 'error';
    const nl = result.indexOf('\n');
    s.error = { type: null, message: (nl >= 0 ? result.slice(0, nl) : result).trim() };
  } else s.status = result !== null ? 'ok' : 'unset';
  return finishSpan(s);
}

export const chatTranscript: InputFormat = {
  name: 'chat-transcript',
  sniff: (r) => Array.isArray(r.messages) || Array.isArray(r.traj),
  normalize: (r, _pool, at) => ({ format: 'chat-transcript', spans: normalizeChatTranscript(r, at), wholeTrace: true }),
};
