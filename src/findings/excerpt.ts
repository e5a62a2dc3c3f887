// Excerpt matching: does a quoted excerpt occur in the cited span, as the
// model was shown that span? Models quote from render() and print() output,
// which cut long text with markers (`…[+N chars]`, `…[truncated N chars]…`),
// print objects with unquoted keys, collapse whitespace, and show redaction
// markers where a secret was. An excerpt is split at those markers; every kept
// part must occur in the span's text, in the order quoted. Nothing else is
// forgiven: a changed word, reordered parts or text from another span fail.

/** Cut and redaction markers render()/print()/the redactor write, and plain ellipses. */
const MARKER =
  /…\s*\[(?:\+[\d,]+(?: chars)?|truncated [\d,]+ chars)\]\s*…?|…\s*[\d,]+ more(?: items| keys)?|\[REDACTED(?::[A-Za-z0-9_]+)?\]|…|\.\.\./g;

/** Fewest characters of kept text an excerpt with markers must still carry. */
const MIN_KEPT = 8;

/** Collapses runs of whitespace so excerpts survive re-indentation and line wrapping. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The spacing- and notation-free form: no whitespace (escaped or not), no
 * escaping backslashes, and object keys without quotes, so print()'s
 * `{ to: "SFO" }` and the span's `{"to":"SFO"}` agree.
 */
export function tightForm(text: string): string {
  // JSON's escapes of whitespace and quotes count as what they stand for: render()
  // shows an object's strings JSON-escaped, and a model may quote either form.
  return text
    .replace(/\\[nrt]/g, '')
    .replace(/\\(["\\])/g, '$1')
    .replace(/\s+/g, '')
    .replace(/(["'])([A-Za-z_$][\w$]*)\1:/g, '$2:');
}

export interface Haystack {
  loose: string;
  tight: string;
  /** The fields cut excerpts may be found in (no whole-object JSON, where a message repeats in other orders). */
  fieldsLoose: string;
  fieldsTight: string;
}

/**
 * Builds the searchable text of a span or trace; U+0001 keeps a part from
 * matching across two fields. `wholeOnly` texts (a span as one JSON object)
 * answer whole excerpts only: they hold every field at once, so the parts of
 * a cut excerpt could be picked from different fields in any order.
 */
export function haystack(parts: string[], wholeOnly: string[] = []): Haystack {
  const fields = parts.map(normalizeWhitespace).join('\u0001');
  const joined = [fields, ...wholeOnly.map(normalizeWhitespace)].join('\u0001');
  return { loose: joined, tight: tightForm(joined), fieldsLoose: fields, fieldsTight: tightForm(fields) };
}

/** The parts of an excerpt between markers, trimmed and non-empty, in order. */
export function excerptParts(excerpt: string): string[] {
  return excerpt
    .split(MARKER)
    .map((p) => normalizeWhitespace(p))
    .filter((p) => p !== '');
}

/** All parts in order within one field of the haystack (a span's text repeats across fields). */
function findInOrder(hay: string, parts: string[]): boolean {
  for (const field of hay.split('\u0001')) {
    let from = 0;
    let ok = true;
    for (const p of parts) {
      const at = field.indexOf(p, from);
      if (at < 0) {
        ok = false;
        break;
      }
      from = at + p.length;
    }
    if (ok) return true;
  }
  return false;
}

export type ExcerptCheck = { found: true } | { found: false; reason: string };

export function findExcerpt(h: Haystack, excerpt: string): ExcerptCheck {
  const whole = normalizeWhitespace(excerpt);
  if (whole === '') return { found: true };
  if (h.loose.includes(whole)) return { found: true };
  const tightWhole = tightForm(excerpt);
  // Tight matching ignores spacing only; very short excerpts would match by accident.
  if (tightWhole.length >= MIN_KEPT && h.tight.includes(tightWhole)) return { found: true };

  const parts = excerptParts(excerpt);
  if (parts.length === 0) return { found: false, reason: 'excerpt holds only cut or redaction markers' };
  const kept = parts.reduce((n, p) => n + p.length, 0);
  if (parts.length > 1 || whole !== parts[0]) {
    if (kept < MIN_KEPT) return { found: false, reason: 'excerpt keeps too little text around its markers' };
    if (findInOrder(h.fieldsLoose, parts)) return { found: true };
    const tight = parts.map(tightForm).filter((p) => p !== '');
    if (findInOrder(h.fieldsTight, tight)) return { found: true };
  }
  return { found: false, reason: 'excerpt not found' };
}
