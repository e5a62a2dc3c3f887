// A call that ran but got nothing back: its result says it holds nothing
// ([], None, "not found", "Could not find …", an object whose every field is empty). Such a call did not fail by
// its status, yet it did not get what it was made for.

import { literalValue } from '../../src/ingest/parsed-text.ts';

/** A result without the harness's status line and wrappers. */
export function outputBody(result: string): string {
  return result.replace(/^\s*exitcode:[^\n]*\n?/i, '').replace(/^\s*Code output:\s*/i, '').replace(/^\s*<returncode>\s*\d+\s*<\/returncode>\s*/, '').replace(/<\/?output>/g, '').trim();
}

/**
 * A result that says it holds nothing: short, and every line says it found
 * nothing ([], {}, None, null, "not found", "no results"), prints a label with
 * no value ("Jersey Number: None"), or is the code's own report that it
 * failed ("Error: Could not find the table", "Failed to retrieve …").
 */
export function emptyResult(body: string): boolean {
  // No output at all is how a command that worked often answers (sed -i, a write): only an answer that says "nothing" counts.
  if (body === '' || body.length > 200) return false;
  return body.split('\n').every((l) => NOTHING_LINE.test(l));
}

const NOTHING_LINE = /^\s*(?:[^:\n]{1,60}:\s*)?(\[\s*\]|\{\s*\}|None|null|0|nan|NaN|N\/A|)\s*$|\b(not found|no results?|no data|nothing found|could not (?:find|retrieve|fetch|get|load|locate)|couldn't (?:find|retrieve|fetch|get)|unable to (?:find|retrieve|fetch|get|load|locate)|did(?:n[’']t| not) find any)\b|^\s*(?:error|failed to|failure)\b/i;

// A lookup's answer that opens by saying it found nothing, whatever follows
// (a search tool's "Could not find [X]. Similar: […]" lists suggestions, not the page).
const NOTHING_OPENING = /^(?:could not|couldn't|unable to) (?:find|locate|retrieve)\b|^no (?:results?|matches|pages?|documents?|records?|data)(?: (?:found|for|were|was|matching)\b|\s*[.!:]|$)|^(?:not found|nothing found)\b/i;

/** A search's answer that it matched nothing ("no results", "I didn't find any relevant results"), as opposed to a rejection of an input ("payment method not found"). */
export const SEARCH_FOUND_NOTHING = /\b(no (?:relevant |matching )?results?|nothing found|did(?:n[’']t| not) find any(?:thing)?|found no(?:thing)?)\b/i;

/** What the result says when it got nothing back (its first line, or the reply of empty fields), or null. */
export function nothingBack(result: string): string | null {
  const body = outputBody(result);
  if (body === '') return null;
  const first = body.split('\n', 1)[0]!.trim();
  if (emptyResult(body) || NOTHING_OPENING.test(first)) return first.slice(0, 300);
  const reply = replyObject(body);
  return reply && emptyFields(reply.value) ? reply.text.slice(0, 300) : null;
}

/**
 * The reply as an object (JSON or a Python repr), unwrapped from a wrapper
 * whose own `error` is empty and whose `response` holds it; undefined when it is not one.
 */
export function replyObject(text: string): { value: Record<string, unknown>; text: string } | undefined {
  const o = literalObject(text);
  if (o && Object.keys(o).every((k) => k === 'error' || k === 'response') && (o.error == null || o.error === '') && typeof o.response === 'string') {
    const inner = literalObject(o.response);
    return inner ? { value: inner, text: o.response.trim() } : undefined;
  }
  return o ? { value: o, text: text.trim() } : undefined;
}

/** The text as an object, read as JSON or else as a Python literal; undefined when it is neither. */
function literalObject(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || t.length > 100_000) return undefined;
  const v = literalValue(t);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An object with fields, every one empty: [], {}, "", null, false or 0 (`{'result': [], 'hasMore': False}`). */
function emptyFields(o: Record<string, unknown>): boolean {
  const values = Object.values(o);
  return values.length > 0 && values.every((v) => v == null || v === '' || v === false || v === 0 || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0));
}
