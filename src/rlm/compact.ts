// Context management: when a conversation nears the model's context window,
// older turns are compacted. The code the model wrote is kept verbatim (its
// variables still exist in the sandbox); the cell outputs fed back to it are
// cut to a short head and tail that say how much was dropped. The cut is
// deterministic, so a replay of the run log shows exactly what the model saw.
import type { ChatMessage } from '../providers/types.ts';
import { promptChars } from './model-call.ts';

/** Context windows in tokens by model family (longest prefix wins); unknown models get the smallest common one. */
const CONTEXT_WINDOWS: Record<string, number> = {
  'gpt-4.1': 1_047_576,
  'gpt-4o': 128_000,
  'gpt-5': 400_000,
  o3: 200_000,
  'o4-mini': 200_000,
  'claude-': 200_000,
};
export const DEFAULT_CONTEXT_WINDOW = 128_000;

export function contextWindowFor(model: string): number {
  const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  let best: string | undefined;
  for (const key of Object.keys(CONTEXT_WINDOWS)) if (name.startsWith(key) && (!best || key.length > best.length)) best = key;
  return best ? CONTEXT_WINDOWS[best]! : DEFAULT_CONTEXT_WINDOW;
}

/** Compaction starts when the prompt and the reply could take this share of the window. */
export const COMPACT_AT = 0.75;
/** The newest exchanges stay whole: the model is working from them. */
const KEEP_RECENT_USER = 2;
const KEEP_HEAD = 600;
const KEEP_TAIL = 300;

export interface Compaction {
  /** Indices of the user messages that were cut. */
  indices: number[];
  charsBefore: number;
  charsAfter: number;
}

const approxTokens = (chars: number) => Math.ceil(chars / 4);

/**
 * Cuts older cell outputs (user messages after the opening one, except the
 * newest two) in place when system + messages + the reply's output cap would
 * pass COMPACT_AT of the window. Returns what was done, or null.
 */
export function compactIfNeeded(system: string, messages: ChatMessage[], opts: { windowTokens: number; maxOutputTokens: number }): Compaction | null {
  const size = () => promptChars(system, messages);
  const limit = opts.windowTokens * COMPACT_AT;
  if (approxTokens(size()) + opts.maxOutputTokens <= limit) return null;
  const users = messages.map((m, i) => (m.role === 'user' ? i : -1)).filter((i) => i > 0);
  const candidates = users.slice(0, Math.max(0, users.length - KEEP_RECENT_USER));
  const before = size();
  const indices: number[] = [];
  for (const i of candidates) {
    const m = messages[i]!;
    if (m.content.length <= KEEP_HEAD + KEEP_TAIL + 200 || m.content.startsWith('[compacted')) continue;
    messages[i] = { ...m, content: summarize(m.content) };
    indices.push(i);
    if (approxTokens(size()) + opts.maxOutputTokens <= limit * 0.8) break;
  }
  return indices.length ? { indices, charsBefore: before, charsAfter: size() } : null;
}

function summarize(text: string): string {
  const cut = text.length - KEEP_HEAD - KEEP_TAIL;
  return `[compacted to save context: ${cut.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters of this output were dropped; the variables your code set still hold the full results]\n${text.slice(0, KEEP_HEAD)}\n…\n${text.slice(-KEEP_TAIL)}`;
}

/**
 * A provider's refusal because the prompt is longer than the model's context
 * (OpenAI: "maximum context length is N tokens", Anthropic: "prompt is too
 * long: X tokens > N maximum"). Returns the window the message states, 0 when
 * it states none, or null for any other error.
 */
export function contextOverflow(message: string): number | null {
  if (!/context[_ ]length|context window|prompt is too long|too many (input )?tokens|input is too long|maximum context/i.test(message)) return null;
  const stated = /maximum context length is (\d[\d,]*)/i.exec(message) ?? /> ?(\d[\d,]*) maximum/i.exec(message);
  return stated ? Number(stated[1]!.replace(/,/g, '')) : 0;
}

/** After an overflow: the window to assume from now on, below the prompt the model refused. */
export function windowAfterOverflow(promptChars: number, stated: number, maxOutputTokens: number): number {
  const refusedAt = approxTokens(promptChars) + maxOutputTokens;
  // Our token count is an estimate: stay well under what the model refused.
  return Math.max(1, Math.floor(Math.min(stated > 0 ? stated : Infinity, refusedAt) * 0.7));
}
