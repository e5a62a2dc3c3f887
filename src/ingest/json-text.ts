// Parses one record's JSON text. Plain JSON.parse, except for two things
// Python exporters write that JSON.parse mishandles:
// - integer ids wider than 2^53 (any-agent writes OTel trace and span ids as
//   decimal integers): JSON.parse rounds them, so two different spans can end
//   up with one id. Such a number under a key ending in `id` is read as the
//   exact decimal string instead.
// - `NaN`, `Infinity` and `-Infinity` (Python's json.dumps default): not JSON,
//   so JSON.parse rejects the whole record. They are read as the JS numbers.
// Both need a scan of the text; each scan runs only when a cheap test says it
// can matter, so ordinary records cost one JSON.parse. Pure: runs in the isolate.

// 16+ digits right after a key ending in `d` (`id`, `trace_id`, `spanId`):
// the only place a precision-unsafe id can sit. Checked before every parse,
// so it is the cheapest form that matches what JSON writers emit (`"k":1…`,
// `"k": 1…`); a literal start lets V8 skip ahead instead of testing classes.
const WIDE_ID = /d": ?-?\d{16}/;

/** Parses a record's text; throws JSON.parse's SyntaxError when it is not (lenient) JSON. */
export function parseRecordText(text: string): unknown {
  if (WIDE_ID.test(text)) return JSON.parse(rewrite(text, true, /NaN|Infinity/.test(text)), revive);
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    // The rewritten text parses, or the original error (its position is the user's) stands.
    try {
      return JSON.parse(rewrite(text, false, true), revive);
    } catch {
      throw err;
    }
  }
}

// Non-finite numbers travel through JSON.parse as these strings (a NUL cannot
// appear raw in a JSON string, so no real value collides) and are revived.
const NON_FINITE: Record<string, number> = { '\u0000NaN': NaN, '\u0000Infinity': Infinity, '\u0000-Infinity': -Infinity };

function revive(_key: string, v: unknown): unknown {
  if (typeof v === 'string' && v.length > 3 && v.charCodeAt(0) === 0) {
    const n = NON_FINITE[v];
    if (n !== undefined) return n;
  }
  return v;
}

/**
 * One pass over the text outside strings: wide integers after an `…id` key
 * become strings (`wideIds`), bare NaN / Infinity / -Infinity become sentinel
 * strings (`nonFinite`). Everything else is copied as is.
 */
function rewrite(text: string, wideIds: boolean, nonFinite: boolean): string {
  let out = '';
  let from = 0;
  let i = 0;
  const n = text.length;
  // The last string closed before the current position, when it was an object key.
  let lastKeyEndsWithId = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      // A key is a string followed by `:`; remember whether it names an id.
      let j = i;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 58 /* : */) {
        const k1 = text.charCodeAt(i - 3) | 0x20;
        const k2 = text.charCodeAt(i - 2) | 0x20;
        lastKeyEndsWithId = i - start >= 4 && k1 === 0x69 /* i */ && k2 === 0x64; /* d */
      }
      continue;
    }
    if (wideIds && (c === 45 /* - */ || (c >= 48 && c <= 57)) && lastKeyEndsWithId) {
      let j = i + (c === 45 ? 1 : 0);
      while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const end = j;
      const next = text.charCodeAt(j);
      // Only a plain integer: a fraction or exponent is a measurement, not an id.
      if (next !== 46 && next !== 101 && next !== 69 && !Number.isSafeInteger(Number(text.slice(i, end)))) {
        out += text.slice(from, i) + '"' + text.slice(i, end) + '"';
        from = end;
      }
      i = end;
      lastKeyEndsWithId = false;
      continue;
    }
    if (nonFinite && (c === 78 /* N */ || c === 73 /* I */ || c === 45)) {
      const word = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('-Infinity', i) ? '-Infinity' : null;
      if (word !== null) {
        out += text.slice(from, i) + '"\\u0000' + word + '"';
        i += word.length;
        from = i;
        continue;
      }
    }
    if (c === 44 /* , */ || c === 123 || c === 91) lastKeyEndsWithId = false;
    i++;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
