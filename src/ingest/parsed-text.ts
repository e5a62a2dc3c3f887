// One tool result is read as JSON by several checks in turn — is it an error
// body, a reply that is only a message, a reply of empty fields — each in its
// own pass over the run. The texts parsed lately are kept, by text, so each is
// parsed once. The values are shared: callers must not mutate them.
import { parsePythonLiteral } from './python-literal.ts';

/** What `jsonValue` gives for a text that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

interface Parsed {
  json: unknown;
  /** The Python literal, once read (only for text that is not JSON). */
  literal?: unknown;
  literalRead?: boolean;
}

const parsed = new Map<string, Parsed>();
let heldChars = 0;
// Enough for every result of a long run; a bound on what the parsed values hold.
const MAX_CHARS = 2_000_000;

function entry(text: string): Parsed {
  let e = parsed.get(text);
  if (e) return e;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = NOT_JSON;
  }
  e = { json };
  if (heldChars + text.length > MAX_CHARS) {
    parsed.clear();
    heldChars = 0;
  }
  parsed.set(text, e);
  heldChars += text.length;
  return e;
}

/** `JSON.parse(text)`, or `NOT_JSON` when it throws. */
export function jsonValue(text: string): unknown {
  return entry(text).json;
}

/** `JSON.parse(text)`, else `parsePythonLiteral(text)` (undefined when neither reads it). */
export function literalValue(text: string): unknown {
  const e = entry(text);
  if (e.json !== NOT_JSON) return e.json;
  if (!e.literalRead) {
    e.literal = parsePythonLiteral(text);
    e.literalRead = true;
  }
  return e.literal;
}
