// Gemini `generateContent` exchanges as a VCR cassette records them (the
// Gemini API, as Google ADK and the google-genai SDK call it): the request's
// `contents` ({role: user|model, parts}) and `systemInstruction`, the reply's
// first candidate, streamed (`streamGenerateContent?alt=sse`, `data:` lines
// whose parts add up) or not. A `functionCall` part is a tool call, a
// `functionResponse` part its result; the API gives neither an id unless the
// caller set one, so the reader pairs them by position (vcr-positional-ids.ts).
//
// Google ADK shows an agent the turns of *other* agents as user text,
// `For context:` then `[agent] called tool \`name\` with parameters: …` and
// `[agent] \`name\` tool returned result: …`: the latter is read as that
// agent's tool result (`agent` on the message), which is all the cassette
// keeps of a transfer's outcome.
import type { Message, ToolCall } from '../../types.ts';
import { isObject, num, str, tryParseJson } from '../values.ts';
import { contentText, toToolCall } from './common.ts';

type Dict = Record<string, unknown>;

export interface GeminiReply {
  model: string | null;
  message: Message;
  usage: Dict | null;
  /** The candidate's `finishReason` (`STOP`, `MAX_TOKENS`, …). */
  finish: string | null;
}

/** A tool result another agent's turn produced, as ADK quotes it to the next agent. */
export interface QuotedResult extends Message {
  agent: string;
}

const ADK_RESULT = /^\[([^\]\n]+)\] `([^`\n]+)` tool returned result: ([\s\S]*)$/;

/** The model named in a Gemini URL (`…/models/gemini-2.0-flash:generateContent`). */
export function geminiModelOf(uri: string): string | null {
  return /\/models\/([^/:?]+):(?:stream)?[gG]enerateContent/.exec(uri)?.[1] ?? null;
}

/** Gemini parts → one message of `role` (text and function calls), plus a tool message per function response. */
function partsMessages(role: string, parts: unknown): Message[] {
  if (!Array.isArray(parts)) return [{ role, content: contentText(parts) }];
  const text: string[] = [];
  const calls: ToolCall[] = [];
  const results: Message[] = [];
  for (const p of parts) {
    if (!isObject(p)) continue;
    if (isObject(p.functionCall)) {
      const c = toToolCall({ id: p.functionCall.id, name: p.functionCall.name, arguments: p.functionCall.args ?? {} });
      if (c !== null) calls.push(c);
    } else if (isObject(p.functionResponse)) {
      const r = p.functionResponse;
      const m: Message = { role: 'tool', content: typeof r.response === 'string' ? r.response : JSON.stringify(r.response ?? null) };
      const id = str(r.id);
      if (id !== null) m.toolCallId = id;
      const name = str(r.name);
      if (name !== null) m.name = name;
      results.push(m);
    } else if (typeof p.text === 'string' && p.thought !== true) {
      const quoted = role === 'user' ? ADK_RESULT.exec(p.text) : null;
      if (quoted !== null) results.push({ role: 'tool', content: quoted[3]!, name: quoted[2]!, agent: quoted[1]! } as QuotedResult);
      else text.push(p.text);
    }
  }
  const out: Message[] = [];
  if (text.length > 0 || calls.length > 0 || results.length === 0) {
    const m: Message = { role, content: text.join('\n') };
    if (calls.length > 0) m.toolCalls = calls;
    out.push(m);
  }
  return [...out, ...results];
}

/** A request's messages (system instruction first) and its system text. */
export function geminiRequest(body: Dict): { messages: Message[]; system: string | null } {
  const si = body.systemInstruction ?? body.system_instruction;
  const system = typeof si === 'string' ? si : isObject(si) ? contentText(si.parts) : null;
  const messages: Message[] = system !== null ? [{ role: 'system', content: system }] : [];
  if (Array.isArray(body.contents)) {
    for (const c of body.contents) {
      if (isObject(c)) messages.push(...partsMessages(c.role === 'model' ? 'assistant' : (str(c.role) ?? 'user'), c.parts));
      else if (typeof c === 'string') messages.push({ role: 'user', content: c });
    }
  }
  return { messages, system };
}

/** The reply: a GenerateContentResponse (or its parsed form), or a stream of them (`data:` lines). */
export function geminiReply(raw: string | Dict): GeminiReply | null {
  const whole = typeof raw === 'string' ? tryParseJson(raw) : raw;
  let chunks: Dict[];
  if (isObject(whole)) chunks = [whole];
  else if (Array.isArray(whole)) chunks = whole.filter(isObject);
  else if (typeof raw === 'string' && /^data: /m.test(raw)) {
    chunks = raw
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => tryParseJson(l.slice(6)))
      .filter(isObject);
  } else return null;
  if (!chunks.some((c) => Array.isArray(c.candidates))) return null;
  const parts: unknown[] = [];
  let model: string | null = null;
  let usage: Dict | null = null;
  let finish: string | null = null;
  for (const c of chunks) {
    model ??= str(c.modelVersion);
    if (isObject(c.usageMetadata)) usage = c.usageMetadata;
    const cand = Array.isArray(c.candidates) && isObject(c.candidates[0]) ? c.candidates[0] : null;
    if (cand !== null) finish = str(cand.finishReason) ?? finish;
    if (cand !== null && isObject(cand.content) && Array.isArray(cand.content.parts)) parts.push(...cand.content.parts);
  }
  // Streamed text arrives in pieces: join adjacent text parts into one.
  const merged: unknown[] = [];
  for (const p of parts) {
    const prev = merged[merged.length - 1];
    if (isObject(p) && typeof p.text === 'string' && p.thought !== true && isObject(prev) && typeof prev.text === 'string' && prev.thought !== true) merged[merged.length - 1] = { text: prev.text + p.text };
    else merged.push(p);
  }
  const [message] = partsMessages('assistant', merged);
  // Thinking tokens are output the model was paid for, counted apart from the candidates'.
  const out = usage === null ? null : num(usage.candidatesTokenCount) === null && num(usage.thoughtsTokenCount) === null ? null : (num(usage.candidatesTokenCount) ?? 0) + (num(usage.thoughtsTokenCount) ?? 0);
  const u = usage === null ? null : { input_tokens: num(usage.promptTokenCount), output_tokens: out, total_tokens: num(usage.totalTokenCount) };
  return { model, message: message!, usage: u, finish };
}
