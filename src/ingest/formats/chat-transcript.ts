// Chat transcripts: a record holding a `messages` (or τ-bench `traj`) list of
// OpenAI chat messages, plus optional task id, trial, reward and info. Each
// record becomes ONE trace (see conversation.ts): an agent root span, an llm
// span per assistant turn, and a tool span per tool call joined with its
// `tool` result.
//
// Messages dated by the source (`timestamp`) keep their times; otherwise times
// are synthetic but deterministic: the record's own timestamp
// (`timestamp`/`created_at`/`start_time`) or 2024-01-01T00:00:00Z, plus one
// second per message, and root attribute `halo.synthetic_time: true` says so.
import type { Message } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { flattenInto, isObject, num, str, toMs } from '../values.ts';
import { ownId, traceIdentity } from '../identity.ts';
import { toMessage, toToolCall, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import type { Span } from '../../types.ts';

type Dict = Record<string, unknown>;

// Keys naming the suite (or domain, environment) a task id belongs to: task
// ids repeat across suites, so they are part of the composite key.
const SUITE_KEYS = ['suite', 'suite_name', 'domain', 'env', 'environment', 'benchmark'];

function traceIdOf(r: Dict, taskId: string | null, trial: number | null, at: RecordSource | undefined): string {
  let suite: string | null = null;
  for (const k of SUITE_KEYS) if ((suite = str(r[k])) !== null) break;
  return traceIdentity(r, { prefix: Array.isArray(r.traj) ? 'tau' : 'chat', own: ownId(r), composite: [suite, taskId, trial ?? 0] }, at);
}

/** An OpenAI-style message as a turn: its tool calls' raw arguments, its time, usage and cost. */
export function chatTurn(raw: unknown): Turn | null {
  const message: Message | null = toMessage(raw);
  if (message === null) return null;
  const m = raw as Dict;
  const turn: Turn = { message };
  // Walk the source calls (not message.toolCalls) to keep each call's raw
  // arguments beside it, even when a malformed call was dropped.
  if (Array.isArray(m.tool_calls)) {
    const rawArgs: unknown[] = [];
    for (const tc of m.tool_calls) if (toToolCall(tc) !== null) rawArgs.push(rawArguments(tc));
    turn.rawArguments = rawArgs;
  }
  const time = toMs(m.timestamp ?? m.created_at);
  if (time !== null) turn.time = time;
  const model = str(m.model);
  if (model !== null) turn.model = model;
  const u = isObject(m.usage) ? m.usage : null;
  if (u !== null) {
    const input = num(u.prompt_tokens) ?? num(u.input_tokens);
    const output = num(u.completion_tokens) ?? num(u.output_tokens);
    if (input !== null || output !== null) turn.tokens = { input: input ?? 0, output: output ?? 0, total: num(u.total_tokens) ?? (input ?? 0) + (output ?? 0) };
  }
  const cost = num(m.cost);
  if (cost !== null && cost > 0) turn.cost = cost;
  return turn;
}

/** The call's arguments as the model wrote them (to flag unparseable JSON). */
function rawArguments(tc: unknown): unknown {
  if (!isObject(tc)) return undefined;
  const fn = isObject(tc.function) ? tc.function : tc;
  return fn.arguments ?? fn.input ?? fn.args;
}

export function normalizeChatTranscript(r: Dict, at?: RecordSource): Span[] {
  const list = (Array.isArray(r.messages) ? r.messages : r.traj) as unknown[];
  const info = isObject(r.info) ? r.info : null;
  const taskId = str(r.task_id) ?? str(r.taskId) ?? (info !== null ? str(info.task_id) : null);
  const trial = num(r.trial);
  // A corrupt message (not an object) is skipped and counted, not allowed to cost the whole run.
  const turns = list.map(chatTurn);
  let metadata: Dict | undefined;
  if (isObject(r.metadata)) flattenInto((metadata = {}), '', r.metadata);
  return buildConversation({
    traceId: traceIdOf(r, taskId, trial, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName: str(r.agent_name) ?? str(r.agent),
    model: str(r.model),
    start: toMs(r.timestamp ?? r.created_at ?? r.start_time),
    taskId,
    trial,
    outcome: outcomeFrom(r.success, r.reward ?? (info !== null && isObject(info.reward_info) ? info.reward_info.reward : undefined), r.label, r.outcome),
    attributes: recordAttributes(r, ['messages', 'traj']),
    ...(metadata !== undefined ? { metadata } : {}),
  });
}

export const chatTranscript: InputFormat = {
  name: 'chat-transcript',
  sniff: (r) => Array.isArray(r.messages) || Array.isArray(r.traj),
  normalize: (r, _pool, at) => ({ format: 'chat-transcript', spans: normalizeChatTranscript(r, at), wholeTrace: true }),
};
