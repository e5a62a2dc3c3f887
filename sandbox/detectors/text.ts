// Turning span fields into text, and cutting verbatim excerpts from it.
// Verification looks for each excerpt in the cited span's fields (strings
// as-is, everything else as JSON.stringify), so excerpts come from exactly
// those renderings.
import type { Span } from '../../src/types.ts';
import { runMemo } from './memo.ts';

export function textOf(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

const argumentTexts = runMemo<Span, string>();

/** A call's arguments as text (`textOf(s.tool?.arguments)`), rendered once per span: many checks read them. */
export function argumentText(s: Span): string {
  let text = argumentTexts.get(s);
  if (text === undefined) argumentTexts.set(s, (text = textOf(s.tool?.arguments)));
  return text;
}

/** Every string inside a value, depth first (a call's arguments as the model wrote them, unescaped), to `maxDepth` levels. */
export function stringsIn(v: unknown, maxDepth = 8): string[] {
  const out: string[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (typeof x === 'string') out.push(x);
    else if (x && typeof x === 'object' && depth < maxDepth) for (const y of Object.values(x)) walk(y, depth + 1);
  };
  walk(v, 0);
  return out;
}

/** A verbatim slice of `text` of at most `max` chars starting near `at`, never splitting a surrogate pair. */
export function excerpt(text: string, at = 0, max = 200): string {
  if (typeof text !== 'string') return '';
  let start = Math.max(0, Math.min(at, text.length));
  let end = Math.min(text.length, start + max);
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;
  return text.slice(start, end).trim();
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** First line of a message, for titles. */
export function firstLine(text: string, max = 80): string {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `s` as a literal inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
