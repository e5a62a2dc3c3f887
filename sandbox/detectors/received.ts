// Where the model read a failure. An agent sees what went wrong in a step
// (an error, a tool result) only when the next model call is sent with it in
// its input: that call is where the agent reacts, and where a reader of the
// trace looks for "what did the model do with this?". A detector can cite it
// as a second place of the same failure, but only when the call's input
// really contains the text — never by position alone.
import type { Span, Trace } from '../../src/types.ts';
import { indexTrace } from './trace-index.ts';
import { spanById } from './origin.ts';
import { textOf } from './text.ts';
import { runMemo } from './memo.ts';

/** Shortest probe worth matching: shorter text could be anywhere in a long prompt. */
export const MIN_PROBE = 12;
const MAX_PROBE = 80;

const inputCache = runMemo<Span, string>();

/**
 * What the model call was newly sent: the messages after its last assistant
 * turn (the observation or user reply it answers), without a trailing
 * assistant message (the reply the ingest appends last); all its messages when it has no earlier assistant
 * turn; else its input. Only the newest part counts, so an error text that
 * was already in the history from an earlier step does not pass for this one.
 */
export function modelInputText(s: Span): string {
  const cached = inputCache.get(s);
  if (cached !== undefined) return cached;
  let text = '';
  const msgs = Array.isArray(s.messages) ? s.messages : [];
  if (msgs.length) {
    // The ingest appends the call's own reply as the last assistant message; it is output, not input.
    const end = msgs[msgs.length - 1]?.role === 'assistant' ? msgs.length - 1 : msgs.length;
    let start = 0;
    for (let i = end - 1; i >= 0; i--) {
      if (msgs[i]!.role === 'assistant') {
        start = i + 1;
        break;
      }
    }
    text = msgs
      .slice(start, end)
      .map((m) => (typeof m.content === 'string' ? m.content : textOf(m.content)))
      .join('\n');
  }
  if (!text) text = textOf(s.input);
  inputCache.set(s, text);
  return text;
}

/** A verbatim probe for `text`: its first line, cut to at most 80 characters; null when too short to be telling. */
export function probeOf(text: string): string | null {
  const line = (text.trim().split('\n')[0] ?? '').trim().slice(0, MAX_PROBE);
  return line.length >= MIN_PROBE ? line : null;
}

/** Whether `s` is `ancestor` or lies inside it. */
export function isWithin(t: Trace, s: Span, ancestor: Span): boolean {
  let cur: Span | undefined = s;
  for (let guard = 0; cur && guard < 1000; guard++) {
    if (cur.spanId === ancestor.spanId) return true;
    cur = cur.parentId ? spanById(t, cur.parentId) : undefined;
  }
  return false;
}

/**
 * The model call that received `probe` (verbatim text `span` produced, see
 * `probeOf`): the first model call that starts after `span` ends (outside it),
 * provided its input contains the probe verbatim. Null when there is no such
 * call or it was not sent the text — then nothing shows the model read it.
 */
export function receivingCall(t: Trace, span: Span, probe: string | null): Span | null {
  if (!probe || probe.length < MIN_PROBE) return null;
  const next = indexTrace(t).steps.find((s) => s.kind === 'llm' && s.spanId !== span.spanId && s.startTime >= span.endTime && !isWithin(t, s, span));
  if (!next) return null;
  return modelInputText(next).includes(probe) ? next : null;
}
