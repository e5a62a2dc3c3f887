// Whether a model, when it emitted a call, could see it had already made an
// identical one. A call repeats an earlier one only then: separate requests
// that each start afresh (a grader run once per document, the same test
// recorded again) send identical calls without any of them being a repeat.
// Where the emitting model call's input is not recorded nothing shows what it
// saw, and nothing is claimed.
//
// Where the input names its calls by the ids the run's calls carry, which
// attempt it held is read by id (`attemptInInput`): a search tree that
// backtracked (ToolBench's DFSDT) sends the model the path from the root to
// the node it expands, so an identical call on another branch is an
// independent try, not one it saw. That is one rule for every format: a
// straight conversation holds every earlier call, and a history the framework
// cut holds fewer.
import type { Message, Span, Trace } from '../../src/types.ts';
import { emittingCall } from './owner.ts';
import { resultText } from './error-text.ts';
import { textOf } from './text.ts';
import { indexTrace, isToolSpan, toolName } from './trace-index.ts';
import { runMemo } from './memo.ts';

/** The id the source gave a tool call, when it kept one. */
function callId(s: Span): string | undefined {
  const a = s.attributes ?? {};
  const id = a['tool_call.id'] ?? a['gen_ai.tool.call.id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** What a model call was sent; its text is joined only when asked for (reading ids needs the messages alone). */
interface Sent {
  messages: Message[];
  text: string;
  /** The text with every run of whitespace one space, as `sentOrUnrecorded` compares it. */
  spaced: string;
}

class SentInput implements Sent {
  readonly messages: Message[];
  readonly #m: Span;
  #text: string | undefined;
  #spaced: string | undefined;
  constructor(messages: Message[], m: Span) {
    this.messages = messages;
    this.#m = m;
  }
  get text(): string {
    return (this.#text ??= joinedText(this.messages, this.#m));
  }
  get spaced(): string {
    return (this.#spaced ??= this.text.replace(/\s+/g, ' '));
  }
}

function joinedText(messages: Message[], m: Span): string {
  return messages.length ? messages.map((x) => (typeof x.content === 'string' ? x.content : textOf(x.content))).join('\n') : textOf(m.input);
}

const inputCache = runMemo<Span, Sent | null>();

/** What model call `m` was sent: its messages without the reply the ingest appends last, and their text; null when nothing is recorded. */
function sent(m: Span): Sent | null {
  let v = inputCache.get(m);
  if (v !== undefined) return v;
  const all = Array.isArray(m.messages) ? m.messages : [];
  const messages = all.length && all[all.length - 1]!.role === 'assistant' ? all.slice(0, -1) : all;
  // Without messages the input decides whether anything was recorded; with them there is something to read.
  v = new SentInput(messages, m);
  if (!messages.length && !v.text.trim()) v = null;
  inputCache.set(m, v);
  return v;
}

/** What model call `m` was sent (messages and their text), or null when its input is not recorded. */
export function sentInput(m: Span): { messages: Message[]; text: string } | null {
  return sent(m);
}

/** Model call `m` was sent `text` (whitespace aside), or its input is not recorded, so nothing says it was not. */
export function sentOrUnrecorded(m: Span, text: string): boolean {
  const input = sent(m);
  return input === null || input.spaced.includes(text.replace(/\s+/g, ' '));
}

/** Tool spans of the trace that carry a source id, and per model call the ids of the calls it emitted. */
interface CallIds {
  known: Set<string>;
  emitted: Map<Span, string[]>;
  /** Per model call: its input names some call by an id this run's calls carry. */
  comparable: Map<Span, boolean>;
}

const idsCache = runMemo<Trace, CallIds>();

function callIds(t: Trace): CallIds {
  let v = idsCache.get(t);
  if (v) return v;
  v = { known: new Set(), emitted: new Map(), comparable: new Map() };
  for (const s of indexTrace(t).tools) {
    const id = callId(s);
    if (id === undefined) continue;
    v.known.add(id);
    const m = emittingCall(t, s);
    if (m) (v.emitted.get(m) ?? v.emitted.set(m, []).get(m)!).push(id);
  }
  idsCache.set(t, v);
  return v;
}

const sentIdsCache = runMemo<Span, Set<string>>();

/** The ids of the calls (and call results) model call `m`'s recorded input holds. */
function sentIds(m: Span): Set<string> {
  let v = sentIdsCache.get(m);
  if (v) return v;
  v = new Set();
  for (const msg of sent(m)?.messages ?? []) {
    if (msg.toolCallId) v.add(msg.toolCallId);
    for (const c of msg.toolCalls ?? []) if (c.id) v.add(c.id);
  }
  sentIdsCache.set(m, v);
  return v;
}

/**
 * Whether model call `m` was sent the earlier attempt `earlier` (a tool call,
 * or a model call by the calls it emitted), read by call id: true or false
 * where its recorded input names calls by the ids this run's calls carry,
 * undefined where that cannot be read (no input recorded, no ids, or ids
 * from another namespace than the spans').
 */
export function attemptInInput(t: Trace, m: Span, earlier: Span): boolean | undefined {
  const ids = callIds(t);
  let id: string | undefined;
  let own: string[] | undefined;
  if (isToolSpan(earlier)) {
    id = callId(earlier);
    if (id === undefined) return undefined;
  } else {
    own = ids.emitted.get(earlier);
    if (!own?.length) return undefined;
  }
  const held = sentIds(m);
  let comparable = ids.comparable.get(m);
  if (comparable === undefined) {
    comparable = false;
    for (const x of held) if (ids.known.has(x)) { comparable = true; break; }
    ids.comparable.set(m, comparable);
  }
  // An input that holds no call at all, in a run whose inputs name calls by id, was sent none:
  // a search tree that backtracked to its root sends the model the task alone.
  if (!comparable) return held.size === 0 && sent(m) !== null && inputsNameCalls(t) ? false : undefined;
  return id !== undefined ? held.has(id) : own!.some((x) => held.has(x));
}

const namesCallsCache = runMemo<Trace, boolean>();

/** Some model call's recorded input in `t` names an earlier call by the id the run's calls carry. */
function inputsNameCalls(t: Trace): boolean {
  let v = namesCallsCache.get(t);
  if (v !== undefined) return v;
  const { known } = callIds(t);
  v = known.size > 0 && t.spans.some((s) => s.kind === 'llm' && [...sentIds(s)].some((id) => known.has(id)));
  namesCallsCache.set(t, v);
  return v;
}

/** `attemptInInput` for a tool call `later`: read on the model call that emitted it. */
export function attemptSeenBy(t: Trace, earlier: Span, later: Span): boolean | undefined {
  const m = later.kind === 'llm' ? later : emittingCall(t, later);
  return m ? attemptInInput(t, m, earlier) : undefined;
}

function sameArgs(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' || typeof b === 'string') return textOf(a) === textOf(b);
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/**
 * The model call that emitted `later` had `earlier` (an identical call made
 * before it) in its input: the call itself (by id, or by name and arguments),
 * its result, or its arguments as text.
 */
export function sawEarlierCall(t: Trace, earlier: Span, later: Span): boolean {
  const m = emittingCall(t, later);
  if (!m || m === emittingCall(t, earlier)) return false;
  const input = sent(m);
  if (!input) return false;
  // Ids decide where they can: an identical copy elsewhere in the input is another attempt, not this one.
  const byId = attemptInInput(t, m, earlier);
  if (byId !== undefined) return byId;
  const id = callId(earlier);
  for (const msg of input.messages) {
    if (id !== undefined && msg.toolCallId === id) return true;
    for (const c of msg.toolCalls ?? []) {
      if (id !== undefined && c.id === id) return true;
      if (c.name === toolName(earlier) && sameArgs(c.arguments, earlier.tool?.arguments)) return true;
    }
  }
  // Formats that flatten the conversation into text: the earlier call's result or arguments, verbatim.
  const result = resultText(earlier).trim();
  if (result.length >= 12 && input.text.includes(result.slice(0, 200))) return true;
  const args = earlier.tool?.arguments;
  const argText = (typeof args === 'string' ? args : textOf(args)).trim();
  return argText.length >= 12 && input.text.includes(argText.slice(0, 200));
}
