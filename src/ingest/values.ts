// Small, allocation-light helpers shared by every format: OTLP AnyValue
// decoding, id normalization (hex / base64 / 0x-prefixed), timestamps in any
// unit, and lenient JSON parsing. Pure: bundled into the isolate too.

type Dict = Record<string, unknown>;

export function isObject(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** int64 values arrive as JSON strings in OTLP; keep precision-unsafe ones as strings. */
function int64(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}

/**
 * Decodes an OTLP AnyValue (`{stringValue}` | `{intValue}` | `{arrayValue:{values}}`
 * | `{kvlistValue:{values:[{key,value}]}}` | ...) into plain JS. Unknown shapes
 * pass through untouched so nothing is lost.
 */
export function anyValue(v: unknown): unknown {
  if (!isObject(v)) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return int64(v.intValue);
  if ('doubleValue' in v) return num(v.doubleValue) ?? v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) {
    const vals = isObject(v.arrayValue) ? v.arrayValue.values : undefined;
    return Array.isArray(vals) ? vals.map(anyValue) : [];
  }
  if ('kvlistValue' in v) {
    const vals = isObject(v.kvlistValue) ? v.kvlistValue.values : undefined;
    const out: Dict = {};
    if (Array.isArray(vals)) for (const kv of vals) if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
    return out;
  }
  // bytesValue stays base64: it is opaque data, not text.
  if ('bytesValue' in v) return v.bytesValue;
  // An empty AnyValue is OTLP's way of saying "no value".
  if (Object.keys(v).length === 0) return null;
  return v;
}

/**
 * Writes `value` into `out` under `key`; plain objects become dotted keys so
 * `span.attributes` stays flat and greppable. Arrays stay arrays.
 */
export function flattenInto(out: Dict, key: string, value: unknown, depth = 0): void {
  if (isObject(value) && depth < 8) {
    let any = false;
    for (const k in value) {
      any = true;
      flattenInto(out, key === '' ? k : key + '.' + k, value[k], depth + 1);
    }
    if (!any && key !== '') out[key] = value;
    return;
  }
  if (key !== '') out[key] = value;
}

/** OTLP `[{key, value: AnyValue}]` → flat attributes (kvlists flattened to dotted keys). */
export function otlpAttributes(list: unknown, out: Dict, prefix = ''): Dict {
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue;
    const value = anyValue(kv.value);
    const key = prefix + kv.key;
    if (isObject(value)) flattenInto(out, key, value);
    else out[key] = value;
  }
  return out;
}

const HEX = /^[0-9a-f]+$/i;
const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ZEROS = /^0+$/;
const HAS_UPPER = /[A-F]/;

/**
 * Trace and span ids as lowercase hex. OTLP/JSON uses hex, but protobuf-JSON
 * encoders emit base64 (16 bytes → 24 chars, 8 bytes → 12 chars); the OTel
 * console exporter prefixes `0x`. Anything else (uuids, Langfuse ids) is kept as
 * given: it only has to be consistent within one source.
 */
export function normalizeId(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v === '') return null;
  let s = v;
  if (s.length > 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) === 120 || s.charCodeAt(1) === 88)) s = s.slice(2);
  // All-hex wins over base64 at any length: random base64 is practically
  // never all hex digits, while 24-char hex ids do occur (Agents SDK).
  if (HEX.test(s)) {
    if (ZEROS.test(s)) return null; // all-zero ids mean "absent" in OTel
    return s === v ? (HAS_UPPER.test(s) ? s.toLowerCase() : s) : s.toLowerCase();
  }
  if ((s.length === 24 || s.length === 12) && B64.test(s)) {
    const hex = base64ToHex(s);
    if (hex !== null) return ZEROS.test(hex) ? null : hex;
  }
  return v;
}

function b64digit(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43 || c === 45) return 62;
  if (c === 47 || c === 95) return 63;
  return -1;
}

export function base64ToHex(s: string): string | null {
  let bits = 0;
  let acc = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) break;
    const d = b64digit(c);
    if (d < 0) return null;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      out += (byte < 16 ? '0' : '') + byte.toString(16);
    }
  }
  return out === '' ? null : out;
}

/** Timestamp with a time zone designator? Naive ones (LangSmith) are UTC. */
const TZ = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Any timestamp → epoch ms (fractional ms kept). Numbers are classified by
 * magnitude: ns (OTLP), µs, ms, or seconds (Agents SDK exports, Unix time).
 * Numeric strings are treated the same way (OTLP sends uint64 as strings).
 */
export function toMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? scaleEpoch(v) : null;
  if (typeof v !== 'string' || v === '') return null;
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57 && v.length > 4 && v.charCodeAt(4) !== 45) {
    // Digits only (no "YYYY-" dash at index 4): a unix number as string.
    if (v.length > 16 && !v.includes('.') && !v.includes('e')) {
      // Nanoseconds exceed 2^53; split to keep sub-ms precision without BigInt.
      const ms = Number(v.slice(0, v.length - 6));
      const frac = Number(v.slice(v.length - 6)) / 1e6;
      return Number.isFinite(ms) ? ms + frac : null;
    }
    const n = Number(v);
    return Number.isFinite(n) ? scaleEpoch(n) : null;
  }
  let t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  if (!TZ.test(v) && v.length > 10) {
    // Date.parse reads a naive date-time as local time; sources mean UTC.
    t = Date.parse(v + 'Z');
    if (Number.isNaN(t)) return null;
  }
  return t;
}

function scaleEpoch(n: number): number {
  const a = Math.abs(n);
  if (a >= 1e17) return n / 1e6;
  if (a >= 1e14) return n / 1e3;
  if (a >= 1e11) return n;
  return n * 1000;
}

/** Parses JSON text when it looks like JSON; returns undefined when it is not JSON. */
export function tryParseJson(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only objects, arrays and quoted strings are worth trying: "1" or "true"
  // as tool arguments are unusual enough to keep raw.
  if (c !== 123 && c !== 91 && c !== 34) {
    let i = 0;
    while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 10 || s.charCodeAt(i) === 9 || s.charCodeAt(i) === 13)) i++;
    const d = s.charCodeAt(i);
    if (d !== 123 && d !== 91) return undefined;
  }
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/**
 * Tool arguments: parsed when they are a JSON string, else the raw string
 * with `invalid: true` (a signal detectors use). Objects pass through.
 */
export function parseArguments(v: unknown): { value: unknown; invalid: boolean } {
  if (typeof v !== 'string') return { value: v ?? null, invalid: false };
  if (v.trim() === '') return { value: v, invalid: false };
  try {
    return { value: JSON.parse(v), invalid: false };
  } catch {
    return { value: v, invalid: true };
  }
}

/** FNV-1a, for deterministic synthetic ids. */
export function hashString(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
