// Maps attribute conventions onto canonical span fields in ONE pass over the
// attributes, with a key → field lookup table (no regex per attribute). Works
// on flat dotted attributes from any format: OpenInference, OTel GenAI, the
// HALO/Catalyst `inference.*` export, and a few plain names for trace-level
// hints. Values set by a format's native fields win: conventions fill gaps.
//
// Trace-level hints (lifted onto the Trace by the assembler):
//
// | hint        | attribute keys (first non-empty wins, in this order)                                   |
// |-------------|----------------------------------------------------------------------------------------|
// | agentName   | gen_ai.agent.name, agent.name, inference.agent_name, halo.agent.name, agent_name       |
// | agentId     | gen_ai.agent.id, agent.id, inference.agent_id, halo.agent.id, agent_id                 |
// | sessionId   | session.id, gen_ai.conversation.id, inference.session_id, halo.session.id,            |
// |             | langfuse.session.id, session_id, thread_id, conversation_id                           |
// | userId      | user.id, enduser.id, inference.user_id, halo.user.id, langfuse.user.id, user_id       |
// | taskId      | halo.task.id, halo.task_id, task.id, task_id, eval.task_id                             |
// | trial       | halo.task.trial, halo.trial, task.trial, trial, eval.trial                             |
// | outcome     | halo.outcome.{success,reward,label}, outcome.{success,reward,label},                   |
// |             | eval.{success,reward,label,score}, reward, success; `outcome` alone: bool → success,   |
// |             | number → reward, string → label                                                        |
//
// Bare snake_case keys (agent_name, agent_id, session_id, thread_id,
// conversation_id, user_id, task_id, trial, success, reward, outcome) count
// only in metadata dicts, never as OTel span attributes (see METADATA_ONLY).
//
// The trace's service is not a span hint: the assembler reads it straight
// from `resource.service.name` / `service.name`, sparing a hints object on
// every OTel span.
import type { Message, Outcome, Span, SpanKind } from '../types.ts';
import { kindFromWord, setHint, setTokens, toMessage, toToolCall } from './formats/common.ts';
import { isObject, num, parseArguments, str, tryParseJson, type StringPool } from './values.ts';

const enum F {
  OiKind = 1,
  ObsKind,
  GenAiOp,
  Model,
  ResponseModel,
  RequestModel,
  FallbackModel,
  TokIn,
  TokOut,
  TokTotal,
  Cost,
  ToolName,
  ToolArgs,
  ToolResult,
  Input,
  Output,
  GenAiInputMessages,
  GenAiOutputMessages,
  GenAiSystem,
  ExcType,
  ExcMessage,
  ErrorType,
  AgentName,
  AgentId,
  SessionId,
  UserId,
  TaskId,
  Trial,
  OutSuccess,
  OutReward,
  OutLabel,
  Outcome,
}

// Order within one field = precedence (earlier key wins); see `rank` below.
const TABLE: [string, F][] = [
  ['openinference.span.kind', F.OiKind],
  ['inference.observation_kind', F.ObsKind],
  ['gen_ai.operation.name', F.GenAiOp],
  ['llm.model_name', F.Model],
  ['gen_ai.response.model', F.ResponseModel],
  ['gen_ai.request.model', F.RequestModel],
  ['inference.llm.model_name', F.FallbackModel],
  ['llm.token_count.prompt', F.TokIn],
  ['gen_ai.usage.input_tokens', F.TokIn],
  ['gen_ai.usage.prompt_tokens', F.TokIn],
  ['inference.llm.input_tokens', F.TokIn],
  ['llm.token_count.completion', F.TokOut],
  ['gen_ai.usage.output_tokens', F.TokOut],
  ['gen_ai.usage.completion_tokens', F.TokOut],
  ['inference.llm.output_tokens', F.TokOut],
  ['llm.token_count.total', F.TokTotal],
  ['gen_ai.usage.total_tokens', F.TokTotal],
  ['llm.cost.total', F.Cost],
  ['inference.llm.cost.total', F.Cost],
  ['gen_ai.usage.cost', F.Cost],
  ['halo.cost_usd', F.Cost],
  ['tool.name', F.ToolName],
  ['gen_ai.tool.name', F.ToolName],
  ['tool_call.function.name', F.ToolName],
  ['gen_ai.tool.call.arguments', F.ToolArgs],
  ['tool.arguments', F.ToolArgs],
  ['tool_call.function.arguments', F.ToolArgs],
  ['gen_ai.tool.call.result', F.ToolResult],
  ['tool.result', F.ToolResult],
  ['input.value', F.Input],
  ['gen_ai.prompt', F.Input],
  ['output.value', F.Output],
  ['gen_ai.completion', F.Output],
  ['gen_ai.input.messages', F.GenAiInputMessages],
  ['gen_ai.output.messages', F.GenAiOutputMessages],
  ['gen_ai.system_instructions', F.GenAiSystem],
  ['exception.type', F.ExcType],
  ['exception.message', F.ExcMessage],
  ['error.type', F.ErrorType],
  ['gen_ai.agent.name', F.AgentName],
  ['agent.name', F.AgentName],
  ['inference.agent_name', F.AgentName],
  ['halo.agent.name', F.AgentName],
  ['agent_name', F.AgentName],
  ['gen_ai.agent.id', F.AgentId],
  ['agent.id', F.AgentId],
  ['inference.agent_id', F.AgentId],
  ['halo.agent.id', F.AgentId],
  ['agent_id', F.AgentId],
  ['session.id', F.SessionId],
  ['gen_ai.conversation.id', F.SessionId],
  ['inference.session_id', F.SessionId],
  ['halo.session.id', F.SessionId],
  ['langfuse.session.id', F.SessionId],
  ['session_id', F.SessionId],
  ['thread_id', F.SessionId],
  ['conversation_id', F.SessionId],
  ['user.id', F.UserId],
  ['enduser.id', F.UserId],
  ['inference.user_id', F.UserId],
  ['halo.user.id', F.UserId],
  ['langfuse.user.id', F.UserId],
  ['user_id', F.UserId],
  ['halo.task.id', F.TaskId],
  ['halo.task_id', F.TaskId],
  ['task.id', F.TaskId],
  ['task_id', F.TaskId],
  ['eval.task_id', F.TaskId],
  ['halo.task.trial', F.Trial],
  ['halo.trial', F.Trial],
  ['task.trial', F.Trial],
  ['trial', F.Trial],
  ['eval.trial', F.Trial],
  ['halo.outcome.success', F.OutSuccess],
  ['outcome.success', F.OutSuccess],
  ['eval.success', F.OutSuccess],
  ['success', F.OutSuccess],
  ['halo.outcome.reward', F.OutReward],
  ['outcome.reward', F.OutReward],
  ['eval.reward', F.OutReward],
  ['eval.score', F.OutReward],
  ['reward', F.OutReward],
  ['halo.outcome.label', F.OutLabel],
  ['outcome.label', F.OutLabel],
  ['eval.label', F.OutLabel],
  ['outcome', F.Outcome],
];

// Bare snake_case keys are how metadata dicts (Langfuse, LangSmith, Agents SDK,
// transcripts) name things. On OTel spans they are just some tool's payload —
// a `success: false` on a lookup span says nothing about the run — so they
// count only when reading metadata.
const METADATA_ONLY = new Set(['agent_name', 'agent_id', 'session_id', 'thread_id', 'conversation_id', 'user_id', 'task_id', 'trial', 'success', 'reward', 'outcome']);
const METADATA_BIT = 1 << 20;

// key → field * 1024 + rank (precedence: lower wins) [+ METADATA_BIT], in one lookup.
const CODE = new Map<string, number>();
for (let i = 0; i < TABLE.length; i++) CODE.set(TABLE[i]![0], TABLE[i]![1] * 1024 + i + (METADATA_ONLY.has(TABLE[i]![0]) ? METADATA_BIT : 0));
const FIELDS = F.Outcome + 1;
const NO_RANK = 1 << 30;

/** Every attribute key this module reads, for FORMATS.md and tests. */
export const CONVENTION_KEYS: readonly string[] = TABLE.map((e) => e[0]);

const OI_MSG_IN = 'llm.input_messages.';
const OI_MSG_OUT = 'llm.output_messages.';

const GENAI_OP_KIND: Record<string, SpanKind> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  embeddings: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
};

function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True' || v === 1) return true;
  if (v === 'false' || v === 'False' || v === 0) return false;
  return null;
}

/**
 * Streaming reader of one span's attributes: `visit` each (key, value) as the
 * format decodes it — no second pass over the attributes — then `apply` to
 * the span. One instance is reused span after span (normalization is
 * synchronous), so reading allocates nothing for keys it does not map.
 */
export class ConventionReader {
  private readonly vals: unknown[] = new Array(FIELDS).fill(undefined);
  private readonly ranks = new Int32Array(FIELDS).fill(NO_RANK);
  private any = false;
  private oiIn: Message[] | null = null;
  private oiOut: Message[] | null = null;
  /** Reading a metadata dict: bare keys (`task_id`, `reward`, ...) count too. */
  metadata = false;
  /** Set while a format shares strings as it decodes: message texts parsed here are shared too. */
  pool: StringPool | undefined = undefined;

  visit(key: string, v: unknown): void {
    let code = CODE.get(key);
    if (code === undefined) {
      // OpenInference flattened messages: llm.input_messages.<i>.message.<field>
      if (key.charCodeAt(3) === 46 && key.charCodeAt(0) === 108) {
        if (key.startsWith(OI_MSG_IN)) this.oiIn = oiMessage(this.oiIn ?? [], key, OI_MSG_IN.length, v);
        else if (key.startsWith(OI_MSG_OUT)) this.oiOut = oiMessage(this.oiOut ?? [], key, OI_MSG_OUT.length, v);
      }
      return;
    }
    if (v === null || v === undefined || v === '') return;
    if (code >= METADATA_BIT) {
      if (!this.metadata) return;
      code -= METADATA_BIT;
    }
    const f = code >> 10;
    const r = code & 1023;
    if (r < this.ranks[f]!) {
      this.ranks[f] = r;
      this.vals[f] = v;
      this.any = true;
    }
  }

  /** Forgets anything read but not applied (after an aborted record). */
  reset(): void {
    this.oiIn = this.oiOut = null;
    this.metadata = false;
    if (!this.any) return;
    this.vals.fill(undefined);
    this.ranks.fill(NO_RANK);
    this.any = false;
  }

  /** Writes what was read into `span` (filling gaps only) and resets. */
  apply(span: Span): void {
    this.metadata = false;
    if (this.oiIn !== null || this.oiOut !== null) {
      if (span.messages === null) span.messages = joinMessages(this.oiIn, this.oiOut);
      this.oiIn = this.oiOut = null;
    }
    if (!this.any) return;
    try {
      resolve(span, this.vals, this.pool);
    } finally {
      this.vals.fill(undefined);
      this.ranks.fill(NO_RANK);
      this.any = false;
    }
  }
}

function joinMessages(a: Message[] | null, b: Message[] | null): Message[] | null {
  const out: Message[] = [];
  // Sparse indices (a gap in the numbering) leave holes; skip them.
  if (a !== null) for (let i = 0; i < a.length; i++) if (a[i] !== undefined) out.push(sharedMessage(compactCalls(a[i]!)));
  if (b !== null) for (let i = 0; i < b.length; i++) if (b[i] !== undefined) out.push(sharedMessage(compactCalls(b[i]!)));
  return out.length > 0 ? out : null;
}

// Every LLM span re-sends the conversation so far, so the same message is
// rebuilt on span after span: quadratic in the length of a conversation.
// Equal messages share one object (read-only data, like parsed tool
// arguments), so the held spans carry far fewer objects for the GC to trace.
// Keyed by content, or by the first call id when the content is empty.
const MESSAGES = new Map<string, Message>();
const MESSAGES_MAX = 16_384;

function sharedMessage(m: Message): Message {
  const key = m.content !== '' ? m.content : m.toolCalls !== undefined && m.toolCalls.length > 0 ? m.toolCalls[0]!.id : undefined;
  if (typeof key !== 'string') return m;
  const seen = MESSAGES.get(key);
  if (seen !== undefined && sameMessage(seen, m)) return seen;
  if (MESSAGES.size >= MESSAGES_MAX) MESSAGES.clear();
  MESSAGES.set(key, m);
  return m;
}

function sameMessage(a: Message, b: Message): boolean {
  if (a.role !== b.role || a.content !== b.content || a.name !== b.name || a.toolCallId !== b.toolCallId) return false;
  const ac = a.toolCalls;
  const bc = b.toolCalls;
  if (ac === undefined || bc === undefined) return ac === bc;
  if (ac.length !== bc.length) return false;
  for (let i = 0; i < ac.length; i++) {
    const x = ac[i]!;
    const y = bc[i]!;
    // Arguments compare by identity: equal argument strings parse to one shared value.
    if (x.name !== y.name || x.id !== y.id || x.arguments !== y.arguments) return false;
  }
  return true;
}

function compactCalls(m: Message): Message {
  const calls = m.toolCalls;
  if (calls !== undefined) {
    for (let i = 0; i < calls.length; i++) {
      if (calls[i] === undefined) {
        m.toolCalls = calls.filter((c) => c !== undefined);
        break;
      }
    }
  }
  return m;
}

const shared = new ConventionReader();

/**
 * Reads conventions from flat `attrs` into `span` (attrs are not copied or
 * modified). `metadata`: attrs are a metadata dict, where bare keys count.
 */
export function applyConventions(span: Span, attrs: Record<string, unknown>, metadata = false): void {
  shared.reset();
  shared.metadata = metadata;
  // keys + values arrays: avoids a megamorphic keyed load per attribute.
  const keys = Object.keys(attrs);
  const values = Object.values(attrs);
  for (let i = 0; i < keys.length; i++) shared.visit(keys[i]!, values[i]);
  shared.apply(span);
}

/** The reader formats use while decoding attributes themselves (OTLP). */
export function conventionReader(): ConventionReader {
  return shared;
}

function resolve(span: Span, v: unknown[], pool: StringPool | undefined): void {
  if (span.kind === 'other') {
    const k =
      kindFromWord(v[F.OiKind]) ??
      kindFromWord(v[F.ObsKind]) ??
      (typeof v[F.GenAiOp] === 'string' ? (GENAI_OP_KIND[v[F.GenAiOp] as string] ?? null) : null);
    if (k !== null) span.kind = k;
  }
  if (span.model === null) span.model = str(v[F.Model]) ?? str(v[F.ResponseModel]) ?? str(v[F.RequestModel]) ?? str(v[F.FallbackModel]);
  if (span.tokens === null) setTokens(span, num(v[F.TokIn]), num(v[F.TokOut]), num(v[F.TokTotal]));
  if (span.costUsd === null) span.costUsd = num(v[F.Cost]);
  if (span.input === null && v[F.Input] !== undefined) span.input = v[F.Input];
  if (span.output === null && v[F.Output] !== undefined) span.output = v[F.Output];

  const toolName = str(v[F.ToolName]);
  if (span.tool === null && (toolName !== null || v[F.ToolArgs] !== undefined) && (span.kind === 'tool' || span.kind === 'other')) {
    const p = v[F.ToolArgs] !== undefined ? parseArguments(v[F.ToolArgs]) : null;
    span.tool = { name: toolName ?? span.name, arguments: p === null ? null : p.value, result: v[F.ToolResult] ?? null };
    if (p !== null && p.invalid) span.tool.argumentsInvalid = true;
  }

  if (span.messages === null && (v[F.GenAiInputMessages] !== undefined || v[F.GenAiOutputMessages] !== undefined || v[F.GenAiSystem] !== undefined)) {
    const msgs: Message[] = [];
    const sys = v[F.GenAiSystem];
    if (sys !== undefined) {
      const parsed = typeof sys === 'string' ? (tryParseJson(sys) ?? sys) : sys;
      const m = toMessage({ role: 'system', content: parsed });
      if (m !== null) msgs.push(m);
    }
    pushGenAiMessages(msgs, v[F.GenAiInputMessages]);
    pushGenAiMessages(msgs, v[F.GenAiOutputMessages]);
    if (pool !== undefined) {
      shareContents(msgs, pool);
      // History repeats here as in OpenInference; contents are shared, so their hashes are cached.
      for (let i = 0; i < msgs.length; i++) msgs[i] = sharedMessage(msgs[i]!);
    }
    if (msgs.length > 0) span.messages = msgs;
  }

  if (v[F.ExcType] !== undefined || v[F.ExcMessage] !== undefined) {
    if (span.error === null) span.error = { type: str(v[F.ExcType]), message: str(v[F.ExcMessage]) ?? str(v[F.ExcType]) ?? 'exception' };
  } else if (v[F.ErrorType] !== undefined && span.status === 'error' && span.error === null) {
    span.error = { type: str(v[F.ErrorType]), message: span.statusMessage ?? str(v[F.ErrorType])! };
  }

  setHint(span, 'agentName', str(v[F.AgentName]));
  setHint(span, 'agentId', str(v[F.AgentId]));
  setHint(span, 'sessionId', str(v[F.SessionId]));
  setHint(span, 'userId', str(v[F.UserId]));
  setHint(span, 'taskId', str(v[F.TaskId]));
  setHint(span, 'trial', num(v[F.Trial]));
  const outcome = outcomeFrom(v[F.OutSuccess], v[F.OutReward], v[F.OutLabel], v[F.Outcome]);
  if (outcome !== null) setHint(span, 'outcome', outcome);
}

/**
 * An outcome from its parts. Without an explicit success flag, a reward of 1
 * (or more) counts as success — τ-bench's pass criterion; anything lower is a
 * failure.
 */
export function outcomeFrom(success: unknown, reward: unknown, label: unknown, whole?: unknown): Outcome | null {
  const o: Outcome = {};
  let s = bool(success);
  let r = num(reward);
  let l = str(label);
  if (whole !== undefined && whole !== null) {
    if (isObject(whole)) {
      s ??= bool(whole.success);
      r ??= num(whole.reward ?? whole.score);
      l ??= str(whole.label);
    } else if (typeof whole === 'boolean') s ??= whole;
    else if (typeof whole === 'number') r ??= whole;
    else if (typeof whole === 'string') {
      const b = bool(whole);
      if (b !== null) s ??= b;
      else l ??= whole;
    }
  }
  if (s === null && r !== null) s = r >= 0.999999;
  if (s !== null) o.success = s;
  if (r !== null) o.reward = r;
  if (l !== null) o.label = l;
  return s === null && r === null && l === null ? null : o;
}

/** Message texts parsed out of JSON are new strings; share them like attribute values. */
export function shareContents(msgs: Message[], pool: StringPool): void {
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (typeof m.content === 'string') m.content = pool.share(m.content);
  }
}

function pushGenAiMessages(out: Message[], v: unknown): void {
  if (v === undefined || v === null) return;
  const list = typeof v === 'string' ? tryParseJson(v) : v;
  if (Array.isArray(list)) {
    for (const m of list) {
      const msg = toMessage(m);
      if (msg !== null) out.push(msg);
    }
  } else if (typeof v === 'string') out.push({ role: 'unknown', content: v });
}

/** Adds one flattened OpenInference message attribute to `list`, without slicing the key. */
function oiMessage(list: Message[], key: string, at: number, value: unknown): Message[] {
  let i = at;
  let idx = 0;
  let c = key.charCodeAt(i);
  if (c < 48 || c > 57) return list;
  while (c >= 48 && c <= 57) {
    idx = idx * 10 + (c - 48);
    if (idx > 100_000) return list;
    c = key.charCodeAt(++i);
  }
  if (c !== 46) return list;
  i++;
  // "message." (8 chars) — checked by its first and last char only: the
  // prefix is fixed by the convention and this runs per message attribute.
  if (key.charCodeAt(i) === 109 && key.charCodeAt(i + 7) === 46) i += 8;
  const m = list[idx] ?? (list[idx] = { role: 'unknown', content: '' });
  const rest = key.length - i;
  const first = key.charCodeAt(i);
  if (rest === 4 && first === 114 /* role */) m.role = str(value) ?? m.role;
  else if (rest === 7 && first === 99 /* content */) m.content = typeof value === 'string' ? value : String(value ?? '');
  else if (rest === 4 && first === 110 /* name */) {
    const n = str(value);
    if (n !== null) m.name = n;
  } else if (rest === 12 && first === 116 && key.endsWith('tool_call_id')) {
    const id = str(value);
    if (id !== null) m.toolCallId = id;
  } else if (first === 116 && key.startsWith('tool_calls.', i)) {
    // tool_calls.<j>.tool_call.{id,function.name,function.arguments}
    i += 11;
    let j = 0;
    c = key.charCodeAt(i);
    if (c < 48 || c > 57) return list;
    while (c >= 48 && c <= 57) {
      j = j * 10 + (c - 48);
      if (j > 10_000) return list;
      c = key.charCodeAt(++i);
    }
    if (c !== 46) return list;
    i++;
    if (key.startsWith('tool_call.', i)) i += 10;
    const calls = m.toolCalls ?? (m.toolCalls = []);
    const call = calls[j] ?? (calls[j] = { name: '', arguments: null });
    const r = key.length - i;
    if (r === 2 && key.startsWith('id', i)) {
      const id = str(value);
      if (id !== null) call.id = id;
    } else if (r === 13 && key.startsWith('function.name', i)) call.name = str(value) ?? '';
    else if (r === 18 && key.startsWith('function.arguments', i)) call.arguments = parseArguments(value).value;
  } else if (key.startsWith('contents.', i) && key.endsWith('.message_content.text')) {
    const t = typeof value === 'string' ? value : '';
    m.content = m.content === '' ? t : m.content + '\n' + t;
  }
  return list;
}

/**
 * GenAI's older event shape: content travels as span events
 * (`gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.assistant.message`,
 * `gen_ai.tool.message`, `gen_ai.choice`). Returns messages in event order.
 */
export function messagesFromGenAiEvents(events: Span['events']): Message[] | null {
  let out: Message[] | null = null;
  for (const ev of events) {
    const n = ev.name;
    if (n.charCodeAt(0) !== 103 || !n.startsWith('gen_ai.')) continue;
    let role: string | null = null;
    if (n === 'gen_ai.system.message') role = 'system';
    else if (n === 'gen_ai.user.message') role = 'user';
    else if (n === 'gen_ai.assistant.message') role = 'assistant';
    else if (n === 'gen_ai.tool.message') role = 'tool';
    else if (n !== 'gen_ai.choice') continue;
    const a = ev.attributes;
    let msg: Message | null;
    if (n === 'gen_ai.choice') {
      // {message: {role, content, tool_calls}} — flattened to message.* keys by OTLP decoding
      msg = toMessage({
        role: a['message.role'] ?? 'assistant',
        content: a['message.content'] ?? a['content'],
        tool_calls: toolCallsValue(a['message.tool_calls'] ?? a['tool_calls']),
      });
    } else {
      msg = toMessage({ role: a['role'] ?? role, content: a['content'], tool_calls: toolCallsValue(a['tool_calls']), tool_call_id: a['id'] ?? a['tool_call_id'] });
    }
    if (msg === null) continue;
    (out ??= []).push(msg);
  }
  return out;
}

function toolCallsValue(v: unknown): unknown {
  const list = typeof v === 'string' ? tryParseJson(v) : v;
  if (!Array.isArray(list)) return undefined;
  // Already-shaped calls pass through; toToolCall handles both {function:{}} and flat.
  return list.filter((c) => toToolCall(c) !== null);
}

