// OpenHands (All-Hands-AI/OpenHands, formerly OpenDevin) runs.
// 1. Evaluation output (`output.jsonl`, one run per line) and resolver output:
//    `{instance_id | id | issue, instruction, metadata, history, metrics,
//    error, test_result | success}`, where `history` is the event stream, flat
//    or (OpenDevin) as `[action, observation]` pairs.
//    - agent actions (`run`, `read`, `edit`, `run_ipython`, `finish`, …) are
//      tool calls named by `tool_call_metadata.function_name` (else the
//      action); actions from one model response form one assistant turn whose
//      text is their `thought`; observations are results, joined by
//      `tool_call_metadata.tool_call_id`, else `cause`, else the latest call
//      still waiting; a nonzero `exit_code` or an `error` observation fails it;
//    - `message` events are the user's or the agent's by `source`; `system`
//      is the system prompt; `recall`, `null` and state changes are skipped;
//    - model: `metadata.llm_config.model` (or `metadata.model_name`); agent:
//      `metadata.agent_class`; task: `instance_id` (or `id`, or the issue);
//      outcome: `success`, `test_result.result`, or
//      `test_result.report.resolved`; time: each event's `timestamp`.
//    A bare event stream (OpenAgentSafety's `traj_<task>.json`: the history
//    alone, a JSON array) is read whole (text-logs.ts) and read as such a
//    run: task from the file name (`traj_<task>.json`, else the name), model
//    the first model response's; no outcome in it (`--outcomes`).
// 2. Completion logs (`llm_completions/<instance>/<model>-<time>.json`, one
//    model call per file): `{messages, response, kwargs, timestamp, cost}`
//    plus `fncall_messages` / `fncall_response` when function calls were
//    emulated. Every file of a folder is one run, the folder name its task.
//    Each file gives an llm span (model, tokens, cost, the call's tool calls)
//    and a tool span for each result at the end of its messages: the results
//    of the previous call's tool calls. The last call's tool calls (often
//    `finish`) have no later file, so they stay on its llm span only.
import type { NormalizedRecord, Span, Tokens, ToolCall } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { isObject, num, parseArguments, str, toMs } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import { RecordError, finishSpan, newSpan, setHint, setTokens, toMessages, toToolCall, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import { chatTurn } from './chat-transcript.ts';
import { OPENHANDS_EVENTS_KEY } from '../text-logs.ts';
import { parseRecordText } from '../json-text.ts';

type Dict = Record<string, unknown>;

// Events that are bookkeeping, not part of the conversation.
const SKIP = new Set(['recall', 'null', 'agent_state_changed', 'change_agent_state', 'condensation', 'user_rejected']);

function eventsOf(history: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const h of history) {
    if (Array.isArray(h)) out.push(...h);
    else out.push(h);
  }
  return out;
}

function textOf(e: Dict, args: Dict): string {
  return str(args.content) ?? str(e.content) ?? str(e.message) ?? '';
}

/**
 * What one model response cost, as the event that carries it records: the response's own `usage` (the model
 * response in `tool_call_metadata`), else the newest entry of `llm_metrics.token_usages` (a message action keeps
 * no response); its cost is the rise of `llm_metrics.accumulated_cost` since the last response that recorded it.
 */
interface ResponseUsage {
  id: string | null;
  tokens: Tokens | null;
  accumulated: number | null;
}

function usageOf(e: Dict, meta: Dict | null): ResponseUsage {
  const response = meta !== null && isObject(meta.model_response) ? meta.model_response : null;
  const metrics = isObject(e.llm_metrics) ? e.llm_metrics : null;
  const usages = metrics !== null && Array.isArray(metrics.token_usages) ? metrics.token_usages : [];
  const newest = usages.length > 0 && isObject(usages[usages.length - 1]) ? (usages[usages.length - 1] as Dict) : null;
  const u = response !== null && isObject(response.usage) ? response.usage : null;
  const input = u !== null ? num(u.prompt_tokens) : newest !== null ? num(newest.prompt_tokens) : null;
  const output = u !== null ? num(u.completion_tokens) : newest !== null ? num(newest.completion_tokens) : null;
  const total = u !== null ? num(u.total_tokens) : null;
  const tokens = input === null && output === null ? null : { input: input ?? 0, output: output ?? 0, total: total ?? (input ?? 0) + (output ?? 0) };
  return { id: (response !== null ? str(response.id) : null) ?? (newest !== null ? str(newest.response_id) : null), tokens, accumulated: metrics !== null ? num(metrics.accumulated_cost) : null };
}

function eventTurns(history: unknown[]): (Turn | null)[] {
  const events = eventsOf(history);
  // OpenHands accumulates a session's cost from zero.
  let accumulated = 0;
  // A response's tokens and cost go on the turn it made, once (its other actions share that turn).
  const spend = (e: Dict, meta: Dict | null): Pick<Turn, 'tokens' | 'cost'> => {
    const u = usageOf(e, meta);
    let cost: number | null = null;
    // A session that never accrues cost has no price for its model (OpenHands writes 0 then), not a free one.
    if (u.accumulated !== null && u.accumulated > 0) {
      if (u.accumulated >= accumulated) cost = u.accumulated - accumulated;
      accumulated = u.accumulated;
    }
    return { ...(u.tokens !== null ? { tokens: u.tokens } : {}), ...(cost !== null ? { cost } : {}) };
  };
  const turns: (Turn | null)[] = [];
  // Calls waiting for their observation, oldest first (for logs without ids).
  const pending: string[] = [];
  let lastResponse: string | null = null;
  let lastTurn: Turn | null = null;
  let seenAgent = false;
  // The tools the system event offers the model: every assistant turn after it was offered them.
  let offered: Dict | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!isObject(e)) {
      turns.push(null);
      continue;
    }
    const time = toMs(e.timestamp);
    const meta = isObject(e.tool_call_metadata) ? e.tool_call_metadata : null;
    const action = str(e.action);
    const observation = str(e.observation);
    if (action !== null) {
      if (SKIP.has(action)) continue;
      const args = isObject(e.args) ? e.args : {};
      const source = str(e.source) ?? (seenAgent ? 'agent' : 'user');
      if (action === 'system') {
        if (Array.isArray(args.tools)) offered = { tools: args.tools };
        turns.push({ message: { role: 'system', content: textOf(e, args) }, time });
        continue;
      }
      if (action === 'message' && meta === null) {
        const role = source === 'user' ? 'user' : 'assistant';
        if (role === 'assistant') seenAgent = true;
        lastTurn = { message: { role, content: textOf(e, args) }, time, ...(role === 'assistant' ? spend(e, null) : {}), ...(role === 'assistant' && offered ? { attributes: { ...offered } } : {}) };
        lastResponse = null;
        turns.push(lastTurn);
        continue;
      }
      seenAgent = true;
      const id = str(meta?.tool_call_id) ?? (e.id !== undefined ? `event-${String(e.id)}` : `event@${i}`);
      const { thought, ...rest } = args;
      // The action's args are OpenHands' own record of the action, every field filled in (nulls for
      // what the model left out); the model's call is in the response the metadata carries.
      const call: ToolCall = { id, name: str(meta?.function_name) ?? action, arguments: modelArguments(meta, id) ?? rest };
      pending.push(id);
      const response = isObject(meta?.model_response) ? str(meta.model_response.id) : null;
      // Actions from one model response are one assistant turn.
      if (response !== null && response === lastResponse && lastTurn !== null) {
        (lastTurn.message.toolCalls ??= []).push(call);
        lastTurn.rawArguments!.push(rest);
        continue;
      }
      const model = isObject(meta?.model_response) ? str(meta.model_response.model) : null;
      lastTurn = { message: { role: 'assistant', content: str(thought) ?? '', toolCalls: [call] }, rawArguments: [rest], time, ...spend(e, meta), ...(model !== null ? { model } : {}), ...(offered ? { attributes: { ...offered } } : {}) };
      lastResponse = response;
      turns.push(lastTurn);
      continue;
    }
    if (observation === null || SKIP.has(observation)) continue;
    // The observation answers a call by id, by cause, or else the oldest still waiting.
    let callId = str(meta?.tool_call_id) ?? (e.cause !== undefined && e.cause !== null ? `event-${String(e.cause)}` : null);
    const at = callId !== null ? pending.indexOf(callId) : -1;
    if (at >= 0) pending.splice(at, 1);
    else callId = pending.shift() ?? null;
    if (callId === null) continue; // an observation of nothing the agent called (a user message echo)
    const extras = isObject(e.extras) ? e.extras : {};
    const exit = num(isObject(extras.metadata) ? extras.metadata.exit_code : undefined) ?? num(extras.exit_code);
    const turn: Turn = { message: { role: 'tool', content: str(e.content) ?? str(e.message) ?? '', toolCallId: callId }, time };
    if (observation === 'error' || (exit !== null && exit !== 0 && exit !== -1)) turn.failed = true;
    if (exit !== null) turn.attributes = { 'tool.exit_code': exit };
    turns.push(turn);
  }
  return turns;
}

/** The arguments the model itself sent for call `id`, from the model response the event's metadata keeps. */
function modelArguments(meta: Dict | null, id: string): Dict | null {
  const response = meta && isObject(meta.model_response) ? meta.model_response : null;
  const choices = response && Array.isArray(response.choices) ? response.choices : [];
  const message = isObject(choices[0]) && isObject(choices[0].message) ? choices[0].message : null;
  const calls = message && Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const c of calls) {
    if (!isObject(c) || c.id !== id || !isObject(c.function)) continue;
    const raw = c.function.arguments;
    if (isObject(raw)) return raw;
    if (typeof raw !== 'string') return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isObject(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  return null;
}

function outcomeOf(r: Dict) {
  const tr = isObject(r.test_result) ? r.test_result : null;
  const report = tr !== null && isObject(tr.report) ? tr.report : null;
  const success = typeof r.success === 'boolean' ? r.success : typeof tr?.result === 'boolean' ? tr.result : typeof report?.resolved === 'boolean' ? report.resolved : undefined;
  return outcomeFrom(success, undefined, undefined);
}

function normalizeOutput(r: Dict, at?: RecordSource, given: { model?: string | null; task?: string | null } = {}): Span[] {
  const metadata = isObject(r.metadata) ? r.metadata : {};
  const llm = isObject(metadata.llm_config) ? metadata.llm_config : {};
  const model = str(llm.model) ?? str(metadata.model_name) ?? given.model ?? null;
  const instance = isObject(r.instance) ? r.instance : {};
  const issue = isObject(r.issue) ? r.issue : null;
  const task = given.task ?? str(r.instance_id) ?? str(instance.instance_id) ?? str(r.id) ?? (issue !== null && str(issue.number) !== null ? `${str(issue.owner) ?? ''}/${str(issue.repo) ?? ''}#${str(issue.number)}` : null);
  const turns = eventTurns(r.history as unknown[]);
  if (turns.length === 0) throw new RecordError('OpenHands run has an empty history');
  const attrs = recordAttributes(r, ['history', 'messages', 'instance', 'metadata', 'instruction']);
  for (const k of ['agent_class', 'max_iterations', 'start_time', 'dataset']) if (metadata[k] !== undefined) attrs['metadata.' + k] = metadata[k];
  return buildConversation({
    traceId: traceIdentity(r, { prefix: 'openhands', composite: [model, task, null] }, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName: str(metadata.agent_class) ?? 'openhands',
    model,
    start: toMs(metadata.start_time),
    taskId: task,
    outcome: outcomeOf(r),
    attributes: attrs,
  });
}

// ------------------------------------------------------- bare event streams

function normalizeEventStream(r: Dict, at?: RecordSource): Span[] {
  let events: unknown;
  try {
    events = parseRecordText(String(r[OPENHANDS_EVENTS_KEY]));
  } catch (err) {
    throw new RecordError(`OpenHands event stream is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(events)) throw new RecordError('OpenHands event stream is not a JSON array');
  const base = at !== undefined ? at.file.replace(/\\/g, '/').split('/').pop()!.replace(/\.gz$/, '') : null;
  const task = base !== null ? base.replace(/^traj_/, '').replace(/\.json$/, '') : null;
  let model: string | null = null;
  for (const e of events) {
    const meta = isObject(e) && isObject(e.tool_call_metadata) ? e.tool_call_metadata : null;
    model = meta !== null && isObject(meta.model_response) ? str(meta.model_response.model) : null;
    if (model !== null) break;
  }
  return normalizeOutput({ history: events }, at, { model, task });
}

// ------------------------------------------------------- completion logs

/** `.../llm_completions/<instance>/<model>-<time>.json` → its folder and folder name. */
function folderOf(at: RecordSource | undefined): { dir: string; name: string } | null {
  if (at === undefined) return null;
  const parts = at.file.replace(/\\/g, '/').split('/');
  if (parts.length < 2) return null;
  parts.pop();
  return { dir: parts.join('/'), name: parts[parts.length - 1]! };
}

function responseMessage(resp: unknown): Dict | null {
  if (!isObject(resp) || !Array.isArray(resp.choices)) return null;
  const c = resp.choices[0];
  return isObject(c) && isObject(c.message) ? c.message : null;
}

function normalizeCompletion(r: Dict, at?: RecordSource): NormalizedRecord {
  const folder = folderOf(at);
  const traceId = folder !== null ? `openhands:${folder.dir}` : traceIdentity(r, { prefix: 'openhands-completion' });
  const time = toMs(r.timestamp);
  if (time === null) throw new RecordError('OpenHands completion log: timestamp missing or not a time');
  const resp = isObject(r.fncall_response) ? r.fncall_response : isObject(r.response) ? r.response : null;
  const kwargs = isObject(r.kwargs) ? r.kwargs : {};
  const history = (Array.isArray(r.fncall_messages) ? r.fncall_messages : r.messages) as unknown[];
  const out = responseMessage(resp);
  const created = toMs(resp?.created);

  const llm = newSpan(traceId, `${traceId}:llm-${String(r.timestamp)}`, 'completion');
  llm.kind = 'llm';
  llm.status = 'ok';
  llm.model = str(resp?.model) ?? str(kwargs.model);
  // Logged when the answer came back; the provider's `created` is when it started answering.
  llm.startTime = created !== null && created <= time ? created : time;
  llm.endTime = time;
  const u = isObject(resp?.usage) ? resp.usage : null;
  if (u !== null) setTokens(llm, num(u.prompt_tokens), num(u.completion_tokens), num(u.total_tokens));
  const cost = num(r.cost);
  if (cost !== null) llm.costUsd = cost;
  const reply = out !== null ? toMessages([out]) : null;
  llm.messages = [...(toMessages(history) ?? []), ...(reply ?? [])];
  llm.output = reply?.[0]?.content ?? null;
  if (folder !== null) setHint(llm, 'taskId', folder.name);
  setHint(llm, 'agentName', 'openhands');
  const spans: Span[] = [finishSpan(llm)];

  // The results at the end of the messages answer the previous call's tool calls.
  let lastAssistant = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (isObject(m) && m.role === 'assistant') {
      lastAssistant = i;
      break;
    }
  }
  if (lastAssistant >= 0) {
    const calls = new Map<string, ToolCall>();
    const a = history[lastAssistant] as Dict;
    if (Array.isArray(a.tool_calls)) for (const tc of a.tool_calls) {
      const c = toToolCall(tc);
      if (c?.id !== undefined) calls.set(c.id, c);
    }
    for (let i = lastAssistant + 1; i < history.length; i++) {
      const t = chatTurn(history[i]);
      const id = t?.message.toolCallId;
      if (t === null || t.message.role !== 'tool' || id === undefined) continue;
      const c = calls.get(id);
      const s = newSpan(traceId, `${traceId}:tool-${id}`, c?.name ?? t.message.name ?? 'tool');
      s.kind = 'tool';
      s.startTime = s.endTime = llm.startTime;
      s.tool = { name: s.name, arguments: c !== undefined ? parseArguments(c.arguments).value : null, result: t.message.content };
      s.output = t.message.content;
      s.status = /^\s*(error|exception|traceback)\b/i.test(t.message.content) ? 'error' : 'ok';
      if (s.status === 'error') s.error = { type: null, message: t.message.content.trim().split('\n', 1)[0]! };
      s.attributes['tool_call.id'] = id;
      spans.push(finishSpan(s));
    }
  }
  return { format: 'openhands', spans };
}

function looksLikeEvents(history: unknown[]): boolean {
  for (const h of history) {
    const e = Array.isArray(h) ? h[0] : h;
    if (isObject(e)) return 'action' in e || 'observation' in e;
  }
  return false;
}

export const openHands: InputFormat = {
  name: 'openhands',
  sniff: (r) =>
    (Array.isArray(r.history) && ('instruction' in r || 'instance_id' in r || 'test_result' in r || 'metrics' in r) && looksLikeEvents(r.history)) ||
    (Array.isArray(r.messages) && 'response' in r && 'kwargs' in r && 'timestamp' in r) ||
    typeof r[OPENHANDS_EVENTS_KEY] === 'string',
  normalize: (r, _pool, at) =>
    typeof r[OPENHANDS_EVENTS_KEY] === 'string'
      ? { format: 'openhands', spans: normalizeEventStream(r, at), wholeTrace: true }
      : Array.isArray(r.history)
        ? { format: 'openhands', spans: normalizeOutput(r, at), wholeTrace: true }
        : normalizeCompletion(r, at),
};

