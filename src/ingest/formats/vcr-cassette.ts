// VCR.py cassettes (pytest-recording, vcrpy): the HTTP exchanges one run made,
// recorded in order as YAML (`interactions: [{request, response}]`), as
// CrewAI, Pydantic AI, LangChain and others keep them for their tests. Bodies
// are read as written (`body`, `body.string`) or parsed (`parsed_body`, as
// Pydantic AI's recorder writes them). A body the recorder kept compressed
// (`!!binary`, read as base64, with `Content-Encoding: gzip` or `deflate`,
// as LangGraph's notebook cassettes keep OpenAI's replies) is
// decompressed; one that does not decompress is kept as written. The reader hands
// the whole file over as `{vcr_cassette: text}` (text-logs.ts); one cassette
// is one run, unless the test was recorded again into it (vcrpy appends new
// exchanges when a cassette is re-recorded in `new_episodes` mode): a model
// request that repeats the cassette's opening request verbatim, after a later
// request had carried that conversation on, starts a new run (`<id>#2`, …),
// with the exchanges just before it that repeat the ones that opened the
// previous run (a framework's setup calls). Fresh requests that do not repeat
// the opening one (a grader called once per document) stay in the run.
//
// Model calls become llm spans: OpenAI chat completions (JSON or a streamed
// `data:` body), OpenAI Responses API calls (`input` items, `instructions`;
// the reply's `output` items, streamed or not), Anthropic messages and Gemini
// `generateContent` calls (vcr-gemini.ts). Input is the request body (messages,
// and the `tools` the model was offered); output the reply; tokens from
// `usage`; why the reply ended (`finish_reason`, `stop_reason`, …) as
// `gen_ai.response.finish_reasons`. An HTTP status of 400 or more fails the call with the provider's
// error (`error.type` its code or type, else `HTTP <status>`). Each tool call
// in a reply is a tool span, closed by the tool result that a later request of
// the same agent carries under its call id (calls without one are paired by
// place, vcr-positional-ids.ts); a result starting `Error`,
// `Exception` or `Traceback` fails it.
//
// Agents: a cassette records no agent, but two frameworks name it in the
// system prompt. CrewAI's opens with its role template, `You are <role>.
// <backstory>\nYour personal goal is:` (attribute `agent.name.source:
// crewai-role-prompt`); Google ADK's instruction says `You are an agent. Your
// internal name is "<name>".` (`adk-instruction`). Frameworks that sign
// chat messages (AutoGen AgentChat) send an agent its own earlier replies as
// `assistant` turns with its `name`; that name goes with the request's
// system prompt, for every call carrying it (`assistant-message-name`).
// That name is the agent whose model made the call. Calls of another agent made while a tool call is
// still open (a manager's `delegate_work_to_coworker`; the one whose
// `coworker` argument names the agent, else the latest) sit under that tool
// span: the delegated agent's work nests under the delegating call. All calls
// of one agent under one parent share an agent span. Without a role prompt,
// calls hang from the run with no agent.
//
// Every other exchange (embeddings, telemetry, …) is a span of kind other
// named `METHOD host/path`, with both bodies. Cassettes carry no times: the
// run starts at the first reply's `created` (else 2024-01-01) and each
// exchange takes one second (`halo.synthetic_time`).
import type { Message, Span, ToolCall } from '../../types.ts';
import { VCR_CASSETTE_KEY } from '../text-logs.ts';
import { base64Bytes, inflate, utf8Text } from '../inflate.ts';
import { YamlSubsetError, parseVcrYaml } from '../vcr-yaml.ts';
import { isObject, num, parseArguments, str, tryParseJson } from '../values.ts';
import { traceIdentity, type RecordSource } from '../identity.ts';
import { RecordError, contentText, finishSpan, newSpan, setTokens, toMessages, toToolCall, type InputFormat } from './common.ts';
import { BASE_TIME, ERROR_RESULT } from './conversation.ts';
import { geminiModelOf, geminiReply, geminiRequest, type QuotedResult } from './vcr-gemini.ts';
import { POSITIONAL_ID, pairByPosition } from './vcr-positional-ids.ts';

type Dict = Record<string, unknown>;

const STEP_MS = 1000;
/** System-prompt templates that name the calling agent, and the source each is reported as. */
const AGENT_PROMPTS: [RegExp, string][] = [
  [/^You are ([^\n]+?)\. [\s\S]*?\nYour personal goal is: /, 'crewai-role-prompt'],
  [/You are an agent\. Your internal name is "([^"\n]+)"/, 'adk-instruction'],
];

function agentOf(system: string | null): { name: string; source: string } | null {
  if (system === null) return null;
  for (const [re, source] of AGENT_PROMPTS) {
    const m = re.exec(system);
    if (m !== null) return { name: m[1]!, source };
  }
  return null;
}

interface Reply {
  model: string | null;
  message: Message;
  usage: Dict | null;
  created: number | null;
  error: { type: string | null; message: string } | null;
  /** Why the reply ended, as the provider says it (`finish_reason`, `stop_reason`, an incomplete response's reason, `finishReason`). */
  finish?: string | null;
}

const COMPRESSED = new Set(['gzip', 'deflate']);

/** The `Content-Encoding` of a VCR header map (`{Name: [value]}`, any case). */
function contentEncoding(headers: unknown): string | null {
  if (!isObject(headers)) return null;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== 'content-encoding') continue;
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.trim().toLowerCase() : null;
  }
  return null;
}

function bodyText(b: unknown, headers?: unknown): string | null {
  const text = typeof b === 'string' ? b : isObject(b) && typeof b.string === 'string' ? b.string : null;
  if (text === null) return null;
  if (!COMPRESSED.has(contentEncoding(headers) ?? '')) return text;
  const bytes = base64Bytes(text);
  if (bytes === null) return text;
  try {
    return utf8Text(inflate(bytes));
  } catch {
    // Recorders decompress before writing as often as not: a body that is not compressed is what was sent.
    return text;
  }
}

/** The reply of an OpenAI chat completion: a JSON body (or its parsed form) or a streamed one (`data: {chunk}` lines). */
function openAiReply(body: string | Dict): Reply | null {
  const whole = typeof body === 'string' ? tryParseJson(body) : body;
  if (isObject(whole)) {
    const choice = Array.isArray(whole.choices) && isObject(whole.choices[0]) ? whole.choices[0] : null;
    const message = choice !== null ? toMessageOf(choice.message) : null;
    return { model: str(whole.model), message: message ?? { role: 'assistant', content: '' }, usage: isObject(whole.usage) ? whole.usage : null, created: num(whole.created), error: null, finish: choice !== null ? str(choice.finish_reason) : null };
  }
  if (typeof body !== 'string' || !/^data: /m.test(body)) return null;
  const text = body;
  let content = '';
  const calls: { id?: string; name: string; args: string }[] = [];
  let model: string | null = null;
  let usage: Dict | null = null;
  let created: number | null = null;
  let finish: string | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = tryParseJson(line.slice(6));
    if (!isObject(chunk)) continue;
    model ??= str(chunk.model);
    created ??= num(chunk.created);
    if (isObject(chunk.usage)) usage = chunk.usage;
    if (Array.isArray(chunk.choices) && isObject(chunk.choices[0])) finish = str(chunk.choices[0].finish_reason) ?? finish;
    const delta = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) && isObject(chunk.choices[0].delta) ? chunk.choices[0].delta : null;
    if (delta === null) continue;
    if (typeof delta.content === 'string') content += delta.content;
    if (Array.isArray(delta.tool_calls)) {
      for (const tc of delta.tool_calls) {
        if (!isObject(tc)) continue;
        const at = num(tc.index) ?? calls.length;
        const fn = isObject(tc.function) ? tc.function : {};
        const c = (calls[at] ??= { name: '', args: '' });
        if (str(tc.id) !== null) c.id = str(tc.id)!;
        if (typeof fn.name === 'string') c.name += fn.name;
        if (typeof fn.arguments === 'string') c.args += fn.arguments;
      }
    }
  }
  const message: Message = { role: 'assistant', content };
  const toolCalls = calls.filter((c) => c !== undefined && c.name !== '').map((c) => toToolCall({ id: c.id, function: { name: c.name, arguments: c.args } })!);
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  return { model, message, usage, created, error: null, finish };
}

function toMessageOf(m: unknown): Message | null {
  const list = toMessages([m]);
  return list !== null && list.length > 0 ? list[0]! : null;
}

/** Anthropic content blocks → text and tool calls (tool_use) or a tool result (tool_result). */
function anthropicMessages(role: string, content: unknown): Message[] {
  if (!Array.isArray(content)) return [{ role, content: contentText(content) }];
  const out: Message[] = [];
  const text: string[] = [];
  const calls: ToolCall[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') text.push(b.text);
    else if (b.type === 'tool_use') {
      const c = toToolCall({ id: b.id, name: b.name, input: b.input });
      if (c !== null) calls.push(c);
    } else if (b.type === 'tool_result') {
      const r: Message = { role: 'tool', content: contentText(b.content) };
      const id = str(b.tool_use_id);
      if (id !== null) r.toolCallId = id;
      out.push(r);
    }
  }
  if (text.length > 0 || calls.length > 0 || out.length === 0) {
    const m: Message = { role, content: text.join('\n') };
    if (calls.length > 0) m.toolCalls = calls;
    out.unshift(m);
  }
  return out;
}

function providerError(status: number, raw: string | Dict | null): { type: string | null; message: string } {
  const body = typeof raw === 'string' ? tryParseJson(raw) : raw;
  const text = typeof raw === 'string' ? raw : raw !== null ? JSON.stringify(raw) : null;
  const e = isObject(body) && isObject(body.error) ? body.error : null;
  if (e !== null) return { type: str(e.code) ?? str(e.type) ?? `HTTP ${status}`, message: str(e.message) ?? text! };
  return { type: `HTTP ${status}`, message: text !== null && text.trim() !== '' ? text.trim().slice(0, 500) : `HTTP ${status}` };
}

/** Responses API content (a string, or `input_text` / `output_text` / `refusal` parts) → text. */
function responsesText(content: unknown): string {
  if (!Array.isArray(content)) return contentText(content);
  return content
    .map((p) => (isObject(p) ? (str(p.text) ?? str(p.refusal) ?? '') : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** Responses API items (a request's `input`, a reply's `output`) → messages: function calls join the assistant turn before them. */
function responsesMessages(items: unknown[]): Message[] {
  const out: Message[] = [];
  for (const it of items) {
    if (!isObject(it)) continue;
    if (it.type === 'function_call') {
      const c = toToolCall({ id: it.call_id, function: { name: it.name, arguments: it.arguments } });
      if (c === null) continue;
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.role === 'assistant') (prev.toolCalls ??= []).push(c);
      else out.push({ role: 'assistant', content: '', toolCalls: [c] });
    } else if (it.type === 'function_call_output') {
      const m: Message = { role: 'tool', content: typeof it.output === 'string' ? it.output : responsesText(it.output) };
      const id = str(it.call_id);
      if (id !== null) m.toolCallId = id;
      out.push(m);
    } else if (typeof it.role === 'string') out.push({ role: it.role === 'developer' ? 'system' : it.role, content: responsesText(it.content) });
  }
  return out;
}

/** The reply of an OpenAI Responses API call: a JSON response object, or a streamed one (`data:` events; the final response rides on `response.completed`). */
function responsesReply(body: string | Dict): Reply | null {
  let whole: unknown = typeof body === 'string' ? tryParseJson(body) : body;
  if (!isObject(whole) && typeof body === 'string' && /^data: /m.test(body)) {
    for (const line of body.split('\n')) {
      if (!line.startsWith('data: ')) continue;
      const ev = tryParseJson(line.slice(6));
      if (isObject(ev) && isObject(ev.response) && ev.response.status !== 'in_progress' && ev.response.status !== 'queued') whole = ev.response;
    }
  }
  if (!isObject(whole) || !Array.isArray(whole.output)) return null;
  const msgs = responsesMessages(whole.output);
  const message: Message = { role: 'assistant', content: msgs.map((m) => m.content).filter((t) => t !== '').join('\n') };
  const calls = msgs.flatMap((m) => m.toolCalls ?? []);
  if (calls.length > 0) message.toolCalls = calls;
  const e = isObject(whole.error) ? { type: str(whole.error.code), message: str(whole.error.message) ?? 'response failed' } : null;
  const finish = whole.status === 'incomplete' ? (isObject(whole.incomplete_details) ? str(whole.incomplete_details.reason) : null) ?? 'incomplete' : str(whole.status);
  return { model: str(whole.model), message, usage: isObject(whole.usage) ? whole.usage : null, created: num(whole.created_at), error: e, finish };
}

type Api = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini' | null;

function apiOf(uri: string, method: string): Api {
  // Recorders keep the method as the client sent it; some clients send `post`.
  if (method.toUpperCase() !== 'POST') return null;
  const path = uri.replace(/^\w+:\/\/[^/]+/, '').replace(/\?.*$/, '');
  if (/\/chat\/completions$/.test(path)) return 'openai-chat';
  if (/\/v1\/responses$/.test(path)) return 'openai-responses';
  if (/\/v1\/messages$/.test(path)) return 'anthropic-messages';
  if (/\/models\/[^/:]+:(?:stream)?[gG]enerateContent$/.test(path)) return 'gemini';
  return null;
}

export function normalizeVcrCassette(r: Dict, at?: RecordSource): Span[] {
  const text = str(r[VCR_CASSETTE_KEY]);
  if (text === null) throw new RecordError(`cassette record has no \`${VCR_CASSETTE_KEY}\` text`);
  let doc: unknown;
  try {
    doc = parseVcrYaml(text);
  } catch (err) {
    if (err instanceof YamlSubsetError) throw new RecordError(`VCR cassette: ${err.message}`);
    throw err;
  }
  const interactions = isObject(doc) && Array.isArray(doc.interactions) ? doc.interactions : null;
  if (interactions === null) throw new RecordError('VCR cassette has no `interactions` list');
  const fileId = traceIdentity(r, { prefix: 'vcr', perFile: true }, at);
  let traceId = fileId;
  let rootId = `${traceId}:run`;
  let root = newSpan(traceId, rootId, 'run');
  root.kind = 'agent';
  const spans: Span[] = [root];
  let n = 0;
  // Times are counted in exchanges until the end, then made synthetic times.
  const make = (name: string, parent: string, exchange: number): Span => {
    const s = newSpan(traceId, `${traceId}:${n++}`, name);
    s.parentId = parent;
    s.startTime = exchange;
    s.endTime = exchange + 1;
    spans.push(s);
    return s;
  };

  let base: number | null = null;
  // Open tool calls by id: the span, and the agent whose model made the call.
  const openCalls = new Map<string, { span: Span; agent: string | null }>();
  // Every call span by agent and tool name, in order: a result quoted to another agent names only these.
  const callsByName = new Map<string, Span[]>();
  const callKey = new Map<Span, string>();
  // One agent span per agent under each parent (the run, or a delegating call).
  const agentSpans = new Map<string, Span>();
  let invalid = 0;
  let first: string | null = null;
  let last: string | null = null;

  const requests = interactions.map((x) => {
    if (!isObject(x) || !isObject(x.request)) return null;
    const api = apiOf(str(x.request.uri) ?? '', str(x.request.method) ?? 'GET');
    if (api === null) return null;
    const text = bodyText(x.request.body, x.request.headers);
    const body = isObject(x.request.parsed_body) ? x.request.parsed_body : text !== null ? tryParseJson(text) : null;
    return isObject(body) ? readRequest(api, body) : null;
  });
  const ownNames = namesBySystem(requests.filter((r) => r !== null));
  // One entry per recording in the cassette: its root, where its exchanges start and end, its first reply's time, first and last text.
  const runs: { root: Span; from: number; to: number; base: number | null; first: string | null; last: string | null }[] = [];
  const starts = recordingStarts(interactions, requests);
  const nextRecording = (i: number) => {
    runs.push({ root, from: runs.length ? runs[runs.length - 1]!.to : 0, to: i, base, first, last });
    traceId = `${fileId}#${runs.length + 1}`;
    rootId = `${traceId}:run`;
    root = newSpan(traceId, rootId, 'run');
    root.kind = 'agent';
    spans.push(root);
    openCalls.clear();
    callsByName.clear();
    callKey.clear();
    agentSpans.clear();
    base = first = last = null;
  };

  for (let i = 0; i < interactions.length; i++) {
    if (starts.has(i)) nextRecording(i);
    const x = interactions[i];
    if (!isObject(x) || !isObject(x.request) || !isObject(x.response)) {
      invalid++;
      continue;
    }
    const req = x.request;
    const res = x.response;
    const method = str(req.method) ?? 'GET';
    const uri = str(req.uri) ?? '';
    const status = isObject(res.status) ? (num(res.status.code) ?? 0) : 0;
    // Bodies as written (`body`), or as pydantic-ai's recorder keeps them, parsed (`parsed_body`).
    const reqText = bodyText(req.body, req.headers);
    const resText = bodyText(res.body, res.headers);
    const reqParsed = isObject(req.parsed_body) ? req.parsed_body : null;
    const resParsed = isObject(res.parsed_body) ? res.parsed_body : null;
    const api = apiOf(uri, method);
    const reqBody = api === null ? null : (reqParsed ?? (reqText !== null ? tryParseJson(reqText) : null));
    const resBody: string | Dict | null = resParsed ?? resText;
    if (api === null || !isObject(reqBody)) {
      const s = make(`${method} ${uri.replace(/^\w+:\/\//, '').replace(/\?.*$/, '')}`, rootId, i);
      s.input = reqText ?? reqParsed;
      s.output = resText ?? resParsed;
      s.attributes = { 'http.method': method, 'http.url': uri, 'http.status_code': status, 'halo.exchange': i };
      if (status >= 400) s.error = providerError(status, resBody);
      else if (status > 0) s.status = 'ok';
      continue;
    }

    // The request: its messages, the agent they belong to, the tool results it returns.
    const { messages, system } = requests[i] ?? readRequest(api, reqBody);
    const named = agentOf(system) ?? (system !== null && ownNames.has(system) ? { name: ownNames.get(system)!, source: 'assistant-message-name' } : null);
    const agent = named?.name ?? null;
    const reply: Reply | null = status >= 400 || resBody === null ? null : replyOf(api, resBody);
    pairByPosition(messages, reply?.message ?? null, agent);
    const quotedSeen = new Map<string, number>();
    for (const m of messages) {
      if (m.role !== 'tool') continue;
      let open: { span: Span; agent: string | null } | undefined;
      if ('agent' in m) {
        // Another agent's result, quoted: the k-th such quote of that agent and tool answers its k-th call of that tool.
        const q = m as QuotedResult;
        const key = `${q.agent}\u0000${q.name ?? ''}`;
        const k = quotedSeen.get(key) ?? 0;
        quotedSeen.set(key, k + 1);
        const span = callsByName.get(key)?.[k];
        const id = span !== undefined ? callKey.get(span) : undefined;
        if (id !== undefined && openCalls.has(id)) {
          open = openCalls.get(id);
          openCalls.delete(id);
        }
      } else if (m.toolCallId !== undefined) {
        open = openCalls.get(m.toolCallId);
        if (open === undefined || open.agent !== agent) continue;
        openCalls.delete(m.toolCallId);
      }
      if (open === undefined) continue;
      const t = open.span;
      t.tool!.result = m.content;
      t.output = m.content;
      t.endTime = Math.max(t.endTime, i);
      if (ERROR_RESULT.test(m.content)) {
        const line = m.content.trim().split('\n', 1)[0]!;
        t.error = { type: null, message: line };
      } else t.status = 'ok';
    }

    // Where the call sits: under a still-open tool call of another agent (a
    // delegation) — the one whose `coworker` argument names this agent, else
    // the latest — or else the run.
    let parent = rootId;
    const others = [...openCalls.values()].filter((o) => o.agent !== agent);
    const nominee = agent !== null ? others.find((o) => isObject(o.span.tool?.arguments) && str((o.span.tool!.arguments as Dict).coworker)?.trim().toLowerCase() === agent.toLowerCase()) : undefined;
    const via = nominee ?? others[others.length - 1];
    if (via !== undefined) parent = via.span.spanId;
    let owner = parent;
    if (agent !== null) {
      const key = `${parent}\u0000${agent}`;
      let a = agentSpans.get(key);
      if (a === undefined) {
        a = make(agent, parent, i);
        a.kind = 'agent';
        a.agentName = agent;
        a.attributes['agent.name.source'] = named!.source;
        agentSpans.set(key, a);
      }
      owner = a.spanId;
    }

    const s = make(agent ?? (str(reqBody.model) ?? geminiModelOf(uri) ?? 'model call'), owner, i);
    s.kind = 'llm';
    if (agent !== null) {
      s.agentName = agent;
      s.attributes['agent.name.source'] = named!.source;
    }
    s.input = reqBody;
    s.model = reply?.model ?? str(reqBody.model) ?? geminiModelOf(uri);
    Object.assign(s.attributes, { 'http.url': uri, 'http.status_code': status, 'halo.exchange': i, 'llm.api': api });
    if (reply === null) {
      // A failed call, or a reply this reader cannot take apart (kept as written).
      if (status >= 400) s.error = providerError(status, resBody);
      else s.attributes['halo.unparsed_reply'] = true;
      s.output = resText ?? resParsed;
      s.messages = messages;
    } else {
      if (base === null && reply.created !== null) base = reply.created * 1000;
      // A streamed Responses call can fail after a 200 (`response.failed`).
      if (reply.error !== null) s.error = reply.error;
      s.output = reply.message.content;
      s.messages = [...messages, reply.message];
      if (reply.usage !== null) {
        const u = reply.usage;
        setTokens(s, num(u.prompt_tokens) ?? num(u.input_tokens), num(u.completion_tokens) ?? num(u.output_tokens), num(u.total_tokens));
      }
      if (reply.error === null) s.status = 'ok';
      // The semantic-conventions attribute, so a reply cut off at its output limit reads alike from every source.
      if (reply.finish) s.attributes['gen_ai.response.finish_reasons'] = [reply.finish];
      first ??= messages.find((m) => m.role === 'user')?.content ?? null;
      if (reply.message.content !== '') last = reply.message.content;
      for (const c of reply.message.toolCalls ?? []) {
        const t = make(c.name, owner, i);
        t.kind = 'tool';
        t.tool = { name: c.name, arguments: c.arguments, result: null };
        if (typeof c.arguments === 'string' && parseArguments(c.arguments).invalid) t.tool.argumentsInvalid = true;
        t.input = c.arguments;
        if (agent !== null) t.agentName = agent;
        if (c.id !== undefined) {
          if (!c.id.startsWith(POSITIONAL_ID)) t.attributes['tool_call.id'] = c.id;
          callKey.set(t, c.id);
          openCalls.set(c.id, { span: t, agent });
        }
        const byName = `${agent ?? ''}\u0000${c.name}`;
        callsByName.set(byName, [...(callsByName.get(byName) ?? []), t]);
      }
    }
  }
  runs.push({ root, from: runs.length ? runs[runs.length - 1]!.to : 0, to: interactions.length, base, first, last });
  if (spans.length === runs.length) throw new RecordError(`VCR cassette has no usable interactions (${interactions.length} entries)`);

  // An agent span covers its calls; a delegation covers the delegated work.
  const roots = new Set(runs.map((x) => x.root));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let k = spans.length - 1; k > 0; k--) {
    const s = spans[k]!;
    const p = s.parentId !== null ? byId.get(s.parentId) : undefined;
    if (p !== undefined && !roots.has(p)) p.endTime = Math.max(p.endTime, s.endTime);
  }
  // Each recording starts at its first reply's time, else where the one before it ended.
  const t0 = new Map<string, { t0: number; from: number }>();
  let end = BASE_TIME;
  for (const [k, x] of runs.entries()) {
    const start = x.base ?? end;
    end = start + (x.to - x.from) * STEP_MS;
    t0.set(x.root.traceId, { t0: start, from: x.from });
    x.root.startTime = start;
    x.root.endTime = end;
    x.root.input = x.first;
    x.root.output = x.last;
    x.root.attributes = { 'halo.synthetic_time': true, 'vcr.interactions': x.to - x.from };
    if (runs.length > 1) x.root.attributes['vcr.recording'] = k + 1;
    if (invalid > 0 && k === 0) x.root.attributes['halo.invalid_messages'] = invalid;
    if (isObject(doc) && doc.version !== undefined) x.root.attributes['vcr.version'] = doc.version;
  }
  for (const s of spans) {
    if (roots.has(s)) continue;
    const at = t0.get(s.traceId)!;
    s.startTime = at.t0 + (s.startTime - at.from) * STEP_MS;
    s.endTime = at.t0 + (s.endTime - at.from) * STEP_MS;
  }
  for (const s of spans) finishSpan(s);
  return spans;
}

/**
 * Where a cassette's later recordings start: at a model request that repeats
 * the current recording's opening request verbatim after a later request
 * carried that conversation on; moved back over the exchanges just before it
 * when they repeat (method and path) the ones before the recording's first
 * model request. A failed opening request sent again is a retry, not a new
 * recording: nothing had carried the conversation on.
 */
function recordingStarts(interactions: unknown[], requests: ({ messages: Message[] } | null)[]): Set<number> {
  const starts = new Set<number>();
  const name = (i: number) => {
    const x = interactions[i];
    const req = isObject(x) && isObject(x.request) ? x.request : {};
    return `${(str(req.method) ?? '').toUpperCase()} ${(str(req.uri) ?? '').replace(/\?.*$/, '')}`;
  };
  const names = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, k) => name(from + k)).join('\n');
  let opening: string[] | null = null;
  let carriedOn = false;
  let from = 0;
  let firstModel = -1;
  let lastModel = -1;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    if (!r) continue;
    const key = r.messages.map((m) => JSON.stringify(m));
    if (opening !== null && carriedOn && key.length === opening.length && key.every((m, k) => m === opening![k])) {
      const setup = names(from, firstModel);
      const at = setup !== '' && names(lastModel + 1, i) === setup ? lastModel + 1 : i;
      starts.add(at);
      from = at;
      firstModel = lastModel = i;
      carriedOn = false;
      continue;
    }
    if (opening === null) {
      opening = key;
      firstModel = i;
    } else if (key.length > opening.length && opening.every((m, k) => m === key[k])) carriedOn = true;
    lastModel = i;
  }
  return starts;
}

/** A model request's conversation (its system text first) and that system text. */
function readRequest(api: Exclude<Api, null>, reqBody: Dict): { messages: Message[]; system: string | null } {
  let messages: Message[];
  let system: string | null;
  if (api === 'anthropic-messages') {
    messages = [];
    system = typeof reqBody.system === 'string' ? reqBody.system : Array.isArray(reqBody.system) ? contentText(reqBody.system) : null;
    if (system !== null) messages.push({ role: 'system', content: system });
    if (Array.isArray(reqBody.messages)) for (const m of reqBody.messages) if (isObject(m)) messages.push(...anthropicMessages(str(m.role) ?? 'user', m.content));
  } else if (api === 'openai-responses') {
    system = typeof reqBody.instructions === 'string' ? reqBody.instructions : null;
    messages = system !== null ? [{ role: 'system', content: system }] : [];
    if (typeof reqBody.input === 'string') messages.push({ role: 'user', content: reqBody.input });
    else if (Array.isArray(reqBody.input)) messages.push(...responsesMessages(reqBody.input));
  } else if (api === 'gemini') {
    ({ messages, system } = geminiRequest(reqBody));
  } else {
    messages = toMessages(reqBody.messages) ?? [];
    system = messages.find((m) => m.role === 'system')?.content ?? null;
  }
  return { messages, system };
}

/**
 * Agents that sign their own turns: frameworks that set `name` on chat
 * messages (AutoGen AgentChat) send an agent its earlier replies as
 * `assistant` turns under its name. The system prompt of such a request is
 * that agent's, and names its calls without one too (its first call, before
 * it had replied). A prompt signed by two names names nobody.
 */
function namesBySystem(requests: { messages: Message[]; system: string | null }[]): Map<string, string> {
  const seen = new Map<string, Set<string>>();
  for (const r of requests) {
    if (r.system === null) continue;
    for (const m of r.messages) if (m.role === 'assistant' && m.name !== undefined && m.name !== '') seen.set(r.system, (seen.get(r.system) ?? new Set()).add(m.name));
  }
  const out = new Map<string, string>();
  for (const [system, names] of seen) if (names.size === 1) out.set(system, [...names][0]!);
  return out;
}

function replyOf(api: Exclude<Api, null>, body: string | Dict): Reply | null {
  if (api === 'anthropic-messages') return anthropicReply(body);
  if (api === 'openai-responses') return responsesReply(body);
  if (api === 'gemini') {
    const g = geminiReply(body);
    return g === null ? null : { ...g, created: null, error: null };
  }
  return openAiReply(body);
}

function anthropicReply(raw: string | Dict): Reply | null {
  const body = typeof raw === 'string' ? tryParseJson(raw) : raw;
  if (!isObject(body)) return null;
  const [message] = anthropicMessages('assistant', body.content);
  return { model: str(body.model), message: message!, usage: isObject(body.usage) ? body.usage : null, created: null, error: null, finish: str(body.stop_reason) };
}

export const vcrCassette: InputFormat = {
  name: 'vcr-cassette',
  sniff: (r) => typeof r[VCR_CASSETTE_KEY] === 'string',
  normalize: (r, _pool, at) => ({ format: 'vcr-cassette', spans: normalizeVcrCassette(r, at), wholeTrace: true }),
};
