// Multi-agent group chats: AG2/AutoGen (CaptainAgent) and Magentic-One logs,
// a `history` (or `messages`) list of `{content, role, name}` where `name`
// (Magentic-One: `role`, e.g. `Orchestrator (thought)`) is the speaking agent.
// Each record is ONE trace: a root span for the run and one span per speaker
// turn, named for its agent and carrying it in `agentName`. A turn that is a
// code executor's output (`exitcode: 1 (execution failed)`) is a tool span
// whose status comes from the exit code or a traceback. A turn's OpenAI-style
// `tool_calls` (AutoGen's own history keeps them so) are tool spans under that
// turn, owned by its agent; a later `tool_responses` (or `tool_call_id`) turn
// is their result, failed when it says so (`is_error: true`) or reads as an
// error (`Error: …`, a traceback),
// and no turn of its own.
//
// The run's labels stay out of the trace: `mistake_agent`, `mistake_step`,
// `mistake_reason` (Who&When's attribution) are what an evaluation compares
// against, not something the analysis may read. `is_correct` (or a reward) is
// the run's outcome. Each turn keeps its index into the list as attribute
// `halo.step`, so labels can be matched to spans.
//
// Times are synthetic like chat transcripts': the record's own timestamp or
// 2024-01-01T00:00:00Z, one second per turn (`halo.synthetic_time`).
import type { Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { flattenInto, isObject, num, parseArguments, str, toMs } from '../values.ts';
import { ownId, traceIdentity } from '../identity.ts';
import { RecordError, contentText, finishSpan, newSpan, setHint, type InputFormat } from './common.ts';
import { ERROR_RESULT } from './conversation.ts';

type Dict = Record<string, unknown>;

const BASE_TIME = Date.UTC(2024, 0, 1);
const STEP_MS = 1000;

/** Ground-truth attribution labels: kept out of the trace entirely. */
const LABEL_KEYS = new Set(['mistake_agent', 'mistake_step', 'mistake_reason', 'labels']);

/** Roles of ordinary single-agent chats; anything else names a speaker. */
const CHAT_ROLES = new Set(['system', 'user', 'assistant', 'tool', 'function', 'developer', 'model', 'human', 'ai', 'ipython']);

// AG2 code executors answer with `exitcode: N (execution succeeded|failed)`.
const EXIT_CODE = /^\s*exitcode:\s*(-?\d+)/;
const TRACEBACK = /Traceback \(most recent call last\)|^\s*(?:\w+Error|Exception):/m;
const CODE_BLOCK = /```[\w+-]*\n([\s\S]*?)```/g;

/** The speaking agent of one message, or null for an unnamed standard role. */
function speakerOf(m: Dict): string | null {
  const name = str(m.name);
  if (name !== null) return name;
  const role = str(m.role);
  return role !== null && !CHAT_ROLES.has(role.toLowerCase()) ? role : null;
}

/** `Orchestrator (thought)` → `Orchestrator`: the agent, without the kind of turn. */
function agentOfSpeaker(speaker: string): string {
  const cut = speaker.replace(/\s*\([^)]*\)\s*$/, '');
  return cut === '' ? speaker : cut;
}

function turnsOf(r: Dict): unknown[] | null {
  if (Array.isArray(r.history)) return r.history;
  return Array.isArray(r.messages) ? r.messages : null;
}

function sniff(r: Dict): boolean {
  if (Array.isArray(r.history)) return r.history.length === 0 || r.history.some((m) => isObject(m) && ('content' in m || 'role' in m || 'name' in m));
  if (!Array.isArray(r.messages)) return false;
  // A `messages` list is a group chat when a non-tool message names its speaker
  // (τ-bench and OpenAI chat logs name only tool results).
  for (const m of r.messages) {
    if (!isObject(m) || m.role === 'tool' || m.role === 'function') continue;
    if (speakerOf(m) !== null) return true;
  }
  return false;
}

function traceIdOf(r: Dict, taskId: string | null): string {
  // The task id alone would merge two runs of one question: the whole record tells them apart.
  return traceIdentity(r, { prefix: taskId ?? 'chat', own: ownId(r) });
}

/** The code an executor ran: fenced blocks of the previous turn. */
function codeOf(previous: string | null): string | null {
  if (previous === null) return null;
  const blocks: string[] = [];
  for (const m of previous.matchAll(CODE_BLOCK)) blocks.push(m[1]!.trimEnd());
  return blocks.length > 0 ? blocks.join('\n\n') : null;
}

/** The turn's `tool_calls` as tool spans under its span, kept by id until a result answers them. */
function callSpans(m: Dict, turn: Span, pending: Map<string, Span>): Span[] {
  if (!Array.isArray(m.tool_calls)) return [];
  const out: Span[] = [];
  m.tool_calls.forEach((c, j) => {
    const fn = isObject(c) && isObject(c.function) ? c.function : null;
    if (fn === null) return;
    const name = str(fn.name) ?? 'tool';
    const s = newSpan(turn.traceId, `${turn.spanId}:call-${j}`, name);
    s.parentId = turn.spanId;
    s.kind = 'tool';
    s.agentName = turn.agentName;
    s.startTime = turn.startTime;
    s.endTime = turn.endTime;
    const args = parseArguments(fn.arguments);
    s.input = fn.arguments ?? null;
    s.tool = { name, arguments: args.value, result: null };
    if (args.invalid) s.tool.argumentsInvalid = true;
    s.attributes = { 'halo.step': turn.attributes['halo.step'] };
    const id = isObject(c) ? str(c.id) : null;
    if (id !== null) {
      s.attributes['tool_call.id'] = id;
      pending.set(id, s);
    }
    out.push(s);
  });
  return out;
}

/** A turn that carries only results of earlier calls: each answers its call; true when all were answered. */
function answerCalls(m: Dict, pending: Map<string, Span>, end: number): boolean {
  const responses = Array.isArray(m.tool_responses) ? m.tool_responses : str(m.tool_call_id) !== null ? [m] : null;
  if (responses === null || responses.length === 0) return false;
  const calls = responses.map((r) => (isObject(r) ? pending.get(str(r.tool_call_id) ?? '') : undefined));
  if (calls.some((c) => c === undefined)) return false;
  responses.forEach((r, k) => {
    const s = calls[k]!;
    const out = contentText((r as Dict).content);
    pending.delete(str((r as Dict).tool_call_id)!);
    s.output = out;
    s.tool!.result = out;
    s.endTime = end;
    if ((r as Dict).is_error === true || ERROR_RESULT.test(out)) {
      s.status = 'error';
      s.error = { type: null, message: out.trim().split('\n', 1)[0]! };
    } else s.status = 'ok';
  });
  return true;
}

export function normalizeMultiAgentChat(r: Dict): Span[] {
  const turns = turnsOf(r);
  if (turns === null || turns.length === 0) throw new RecordError('multi-agent chat has an empty history');
  const taskId = str(r.task_id) ?? str(r.taskId) ?? str(r.question_ID) ?? str(r.question_id);
  const traceId = traceIdOf(r, taskId);
  const base = toMs(r.timestamp ?? r.created_at ?? r.start_time) ?? BASE_TIME;
  const t = (i: number) => base + i * STEP_MS;

  const rootId = `${traceId}:run`;
  const root = newSpan(traceId, rootId, str(r.agent_name) ?? 'group chat');
  root.kind = 'agent';
  root.startTime = base;
  root.endTime = t(turns.length);
  const spans: Span[] = [root];
  let previous: string | null = null;
  let invalid = 0;
  let turnErrors = 0;
  const calls = new Map<string, Span>();
  for (let i = 0; i < turns.length; i++) {
    const m = turns[i];
    if (!isObject(m)) {
      invalid++;
      continue;
    }
    if (answerCalls(m, calls, t(i + 1))) continue;
    const content = contentText(m.content);
    const speaker = speakerOf(m) ?? str(m.role) ?? 'unknown';
    const agent = agentOfSpeaker(speaker);
    const exit = EXIT_CODE.exec(content);
    const s = newSpan(traceId, `${traceId}:step-${i}`, speaker);
    s.parentId = rootId;
    s.startTime = t(i);
    s.endTime = t(i + 1);
    s.agentName = agent;
    s.output = content;
    const attrs: Dict = { 'halo.step': i };
    const role = str(m.role);
    if (role !== null) attrs['message.role'] = role;
    for (const k in m) if (k !== 'content' && k !== 'role' && k !== 'name') flattenInto(attrs, 'message.' + k, m[k]);
    s.attributes = attrs;
    if (exit !== null) {
      // A code executor's reply: the tool call is the code of the turn before.
      const code = Number(exit[1]);
      s.kind = 'tool';
      const ran = codeOf(previous);
      s.input = ran;
      s.tool = { name: 'code_execution', arguments: ran !== null ? { code: ran } : null, result: content };
      attrs['code.exit_code'] = code;
      if (code !== 0 || TRACEBACK.test(content)) {
        s.status = 'error';
        const firstLine = content.split('\n').find((l) => /error|exception|failed/i.test(l) && !EXIT_CODE.test(l)) ?? content.split('\n')[0]!;
        s.error = { type: code !== 0 ? `exit code ${code}` : null, message: firstLine.trim().slice(0, 500) };
        turnErrors++;
      } else s.status = 'ok';
    } else {
      s.kind = 'agent';
      s.status = 'ok';
      s.messages = [{ role: role ?? 'assistant', content, name: speaker }];
    }
    spans.push(finishSpan(s));
    spans.push(...callSpans(m, s, calls));
    previous = content;
  }
  for (const c of calls.values()) finishSpan(c);
  if (spans.length === 1) throw new RecordError(`multi-agent chat has no usable turns (${turns.length} entries, none an object)`);

  const question = str(r.question) ?? str(r.task) ?? str(r.prompt);
  root.input = question ?? (spans[1]!.output as string);
  root.output = spans[spans.length - 1]!.output;
  const attrs: Dict = { 'halo.synthetic_time': !(r.timestamp ?? r.created_at ?? r.start_time) };
  if (invalid > 0) attrs['halo.invalid_messages'] = invalid;
  for (const k in r) {
    if (k === 'history' || k === 'messages' || LABEL_KEYS.has(k)) continue;
    flattenInto(attrs, k, r[k]);
  }
  root.attributes = attrs;
  setHint(root, 'taskId', taskId);
  setHint(root, 'trial', num(r.trial));
  const outcome = outcomeFrom(r.is_correct ?? r.success, r.reward ?? r.score, r.label, r.outcome);
  if (outcome !== null) setHint(root, 'outcome', outcome);
  setHint(root, 'agentName', str(r.agent_name));
  // Left unset: the trace's status then comes from its turns (a failed code
  // execution), while getting the answer wrong is the outcome, not an error.
  if (turnErrors > 0) attrs['halo.failed_executions'] = turnErrors;
  finishSpan(root);
  return spans;
}

export const multiAgentChat: InputFormat = {
  name: 'multi-agent-chat',
  sniff,
  normalize: (r) => ({ format: 'multi-agent-chat', spans: normalizeMultiAgentChat(r), wholeTrace: true }),
};
