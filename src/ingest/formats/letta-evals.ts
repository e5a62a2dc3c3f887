// letta-evals (letta-ai/letta-evals) results: each `results.jsonl` line is one sample a Letta agent answered,
// `{type: 'result', result: {sample, submission, trajectory, agent_id, grade, grades, model_name, agent_usage}}`.
// - `trajectory` is a list of turns (one per user message sent), each the Letta messages of that turn as the
//   server returned them: `user_message`, `assistant_message`, `reasoning_message`, `tool_call_message`,
//   `tool_return_message`. Letta splits one model reply into parts that share the message `id` (its text, then
//   its tool call), so consecutive parts with one id are one reply here.
// - A tool return the server marks `status: 'error'` failed; the error's type is the bracketed name the return
//   opens with (`[ToolConstraintError] Cannot call …`) or the exception `stderr` names (`Error executing function
//   grep_files: TypeError: …`).
// - Each sample gets a fresh agent, so `agent_id` is the run's id; the task is `sample.id` (the same question in
//   every repetition and model). The records name the model (`model_name`), not the agent. Token usage is
//   recorded per turn for the whole agent loop (`agent_usage`), so it is the run's, not any model call's.
// - outcome: `grade.score` is the reward (the suite's model judge: 1 correct, 0.5 a refusal, 0 wrong); the run
//   passed when the score reaches 0.7, the gate letta-evals compared each sample's score with when it counted
//   `passed_attempts` (the filesystem suite's `gate`: `gte 0.70`, in the `header.json` beside its results).
import type { Message, Span, ToolCall } from '../../types.ts';
import { isObject, num, parseArguments, str, toMs } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import { setTokens, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const PASS_SCORE = 0.7;
const BRACKETED = /^\s*\[([A-Za-z_][\w.]*)\]/;
const STDERR_TYPE = /^Error executing function [^:]*: ([A-Za-z_][\w.]*):/;

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((p) => (isObject(p) ? (str(p.text) ?? '') : typeof p === 'string' ? p : '')).join('');
  return v === null || v === undefined ? '' : JSON.stringify(v);
}

/** The reply part's calls: `tool_calls` (every call of the reply), else the single `tool_call`. */
function calls(m: Dict): { call: ToolCall; raw: unknown }[] {
  const list = Array.isArray(m.tool_calls) && m.tool_calls.length > 0 ? m.tool_calls : [m.tool_call];
  const out: { call: ToolCall; raw: unknown }[] = [];
  for (const tc of list) {
    if (!isObject(tc)) continue;
    const name = str(tc.name);
    if (name === null) continue;
    const id = str(tc.tool_call_id);
    out.push({ call: { ...(id !== null ? { id } : {}), name, arguments: parseArguments(tc.arguments).value }, raw: tc.arguments });
  }
  return out;
}

function errorType(m: Dict, text: string): string | null {
  const b = BRACKETED.exec(text);
  if (b !== null) return b[1]!;
  const errs = Array.isArray(m.stderr) ? m.stderr : typeof m.stderr === 'string' ? [m.stderr] : [];
  for (const e of errs) {
    const t = typeof e === 'string' ? STDERR_TYPE.exec(e) : null;
    if (t !== null) return t[1]!;
  }
  return null;
}

function toolTurn(m: Dict): Turn {
  const content = textOf(m.tool_return);
  const message: Message = { role: 'tool', content };
  const id = str(m.tool_call_id);
  if (id !== null) message.toolCallId = id;
  const name = str(m.name);
  if (name !== null) message.name = name;
  const turn: Turn = { message, time: toMs(m.date) };
  if (m.status === 'error' || m.is_err === true) {
    turn.failed = true;
    const nl = content.trim().indexOf('\n');
    turn.error = { type: errorType(m, content), message: nl >= 0 ? content.trim().slice(0, nl) : content.trim() };
  }
  const attrs: Dict = {};
  if (typeof m.status === 'string') attrs['letta.status'] = m.status;
  if (Array.isArray(m.stderr) ? m.stderr.length > 0 : typeof m.stderr === 'string' && m.stderr !== '') attrs['letta.stderr'] = m.stderr;
  if (Array.isArray(m.stdout) ? m.stdout.length > 0 : typeof m.stdout === 'string' && m.stdout !== '') attrs['letta.stdout'] = m.stdout;
  turn.attributes = attrs;
  return turn;
}

/** A turn's Letta messages as chat turns, the parts of one reply joined. */
function turnsOf(list: unknown[]): (Turn | null)[] {
  const out: (Turn | null)[] = [];
  let reply: { id: string | null; turn: Turn } | null = null;
  for (const raw of list) {
    if (!isObject(raw)) {
      out.push(null);
      reply = null;
      continue;
    }
    const type = str(raw.message_type);
    const id = str(raw.id);
    if (type === 'assistant_message' || type === 'reasoning_message' || type === 'tool_call_message') {
      if (reply === null || reply.id === null || reply.id !== id) {
        reply = { id, turn: { message: { role: 'assistant', content: '' }, time: toMs(raw.date), rawArguments: [] } };
        out.push(reply.turn);
      }
      const msg = reply.turn.message;
      if (type === 'tool_call_message') {
        for (const c of calls(raw)) {
          (msg.toolCalls ??= []).push(c.call);
          reply.turn.rawArguments!.push(c.raw);
        }
      } else if (type === 'assistant_message') msg.content += textOf(raw.content);
      else {
        const r = str(raw.reasoning);
        if (r !== null) reply.turn.attributes = { ...reply.turn.attributes, 'letta.reasoning': r };
      }
      continue;
    }
    reply = null;
    if (type === 'tool_return_message') out.push(toolTurn(raw));
    else if (type === 'user_message' || type === 'system_message') out.push({ message: { role: type === 'user_message' ? 'user' : 'system', content: textOf(raw.content) }, time: toMs(raw.date) });
    else out.push(null);
  }
  return out;
}

function normalize(record: Dict, at?: RecordSource): Span[] {
  const r = record.result as Dict;
  const sample = r.sample as Dict;
  const taskId = str(sample.id);
  const turns = (r.trajectory as unknown[]).flatMap((t) => (Array.isArray(t) ? turnsOf(t) : [null]));
  const grade = isObject(r.grade) ? r.grade : null;
  const score = grade !== null && typeof grade.score === 'number' ? grade.score : null;
  const spans = buildConversation({
    traceId: traceIdentity(r, { prefix: 'letta-evals', own: str(r.agent_id), composite: [taskId, null] }, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName: null,
    model: str(r.model_name),
    taskId,
    outcome: score !== null ? { success: score >= PASS_SCORE, reward: score } : null,
    attributes: recordAttributes(r, ['trajectory']),
  });
  // Letta reports usage per turn for the whole agent loop (`agent_usage`), not per model call: it goes on the run.
  const usage = Array.isArray(r.agent_usage) ? r.agent_usage.filter(isObject) : [];
  const sum = (k: string): number | null => (usage.some((u) => typeof u[k] === 'number') ? usage.reduce((n, u) => n + (num(u[k]) ?? 0), 0) : null);
  setTokens(spans[0]!, sum('prompt_tokens'), sum('completion_tokens'), sum('total_tokens'));
  return spans;
}

export const lettaEvals: InputFormat = {
  name: 'letta-evals',
  sniff: (r) => r.type === 'result' && isObject(r.result) && Array.isArray(r.result.trajectory) && isObject(r.result.sample),
  normalize: (r, _pool, at) => ({ format: 'letta-evals', spans: normalize(r, at), wholeTrace: true }),
};
