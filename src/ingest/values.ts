// Small, allocation-light helpers shared by every format: OTLP AnyValue
// decoding, id normalization (hex / base64 / 0x-prefixed), timestamps in any
// unit, and lenient JSON parsing. Pure: bundled into the isolate too.

type Dict = Record<string, unknown>;

/**
 * `out[key] = value`, except that a key named `__proto__` (trace content is
 * untrusted) becomes an own property instead of replacing the prototype.
 */
export function setKey(out: Dict, key: string, value: unknown): void {
  if (key.length === 9 && key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

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
export function anyValue(v: unknown, depth = 0): unknown {
  if (!isObject(v)) return v;
  // Absurd nesting stays undecoded rather than exhausting the stack.
  if (depth > 64) return v;
  // Property reads, most common first: cheaper than `in` checks.
  const s = v.stringValue;
  if (s !== undefined) return s;
  const i = v.intValue;
  if (i !== undefined) return int64(i);
  const d = v.doubleValue;
  if (d !== undefined) return typeof d === 'number' ? d : (num(d) ?? d);
  const b = v.boolValue;
  if (b !== undefined) return b;
  const arr = v.arrayValue;
  if (arr !== undefined) {
    const vals = isObject(arr) ? arr.values : undefined;
    return Array.isArray(vals) ? vals.map((x) => anyValue(x, depth + 1)) : [];
  }
  const kvl = v.kvlistValue;
  if (kvl !== undefined) {
    const vals = isObject(kvl) ? kvl.values : undefined;
    const out: Dict = {};
    if (Array.isArray(vals)) for (const kv of vals) if (isObject(kv) && typeof kv.key === 'string') setKey(out, kv.key, anyValue(kv.value, depth + 1));
    return out;
  }
  // bytesValue stays base64: it is opaque data, not text.
  const bytes = v.bytesValue;
  if (bytes !== undefined) return bytes;
  // An empty AnyValue is OTLP's way of saying "no value".
  for (const _ in v) return v;
  return null;
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
    if (!any && key !== '') setKey(out, key, value);
    return;
  }
  if (key !== '') setKey(out, key, value);
}

// Agent traces repeat long strings on every call: tool schemas, system
// prompts, the conversation so far. JSON.parse gives each copy its own
// string; sharing one instance per distinct value keeps held spans near the
// size of the JSON instead of well above it (measured in bench/ingest.mjs).
// Short strings are shared too: roles, model names and tool-call ids repeat
// as often, and every string kept is one more object for each major GC to
// mark (on a 200 MB OTLP sample, sharing from 1 char instead of 64 held
// 0.83x the JSON bytes instead of 0.93x, at the same speed).
export const SHARE_MIN = 1;
// V8 Maps top out near 16.7M entries; past this many distinct strings, new
// ones are kept as they are rather than failing the load.
const POOL_MAX = 8_000_000;

/** One instance per distinct string, for the lifetime of one ingest. */
export class StringPool {
  private readonly table = new Map<string, string>();

  share(v: string): string {
    if (v.length < SHARE_MIN) return v;
    const hit = this.table.get(v);
    if (hit !== undefined) return hit;
    if (this.table.size < POOL_MAX) this.table.set(v, v);
    return v;
  }

  clear(): void {
    this.table.clear();
  }
}

/** Something that wants to see each attribute as it is decoded. */
export interface AttributeVisitor {
  visit(key: string, value: unknown): void;
}

/**
 * OTLP `[{key, value: AnyValue}]` → flat attributes (kvlists flattened to
 * dotted keys), showing each final key/value to `visitor` on the way.
 * With a `pool`, long string values are shared (see StringPool).
 */
export function otlpAttributes(list: unknown, out: Dict, prefix = '', visitor?: AttributeVisitor, pool?: StringPool): Dict {
  if (!Array.isArray(list)) return out;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (!isObject(kv)) continue;
    const k = kv.key;
    if (typeof k !== 'string') continue;
    let value = anyValue(kv.value);
    // Shared here, while decoding, so nothing walks the attributes again.
    if (pool !== undefined && typeof value === 'string' && value.length >= SHARE_MIN) value = pool.share(value);
    const key = prefix === '' ? k : prefix + k;
    if (isObject(value)) {
      if (visitor === undefined && pool === undefined) flattenInto(out, key, value);
      else {
        const flat: Dict = {};
        flattenInto(flat, key, value);
        for (const fk in flat) {
          let fv = flat[fk];
          if (pool !== undefined && typeof fv === 'string') fv = pool.share(fv);
          setKey(out, fk, fv);
          if (visitor !== undefined) visitor.visit(fk, fv);
        }
      }
    } else {
      // setKey inlined: this store runs for every OTLP attribute.
      if (key === '__proto__') setKey(out, key, value);
      else out[key] = value;
      if (visitor !== undefined) visitor.visit(key, value);
    }
  }
  return out;
}

const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ZEROS = /^0+$/;

/**
 * Trace and span ids as lowercase hex. OTLP/JSON uses hex, but protobuf-JSON
 * encoders emit padded base64 (16 bytes → 24 chars `…==`, 8 bytes → 12 chars
 * `…=`); pass `base64` only for such sources, so a custom id like
 * `span-0000001` elsewhere is never mistaken for one. The OTel console
 * exporter prefixes `0x`. Anything else (uuids, Langfuse ids) is kept as
 * given: it only has to be consistent within one source.
 */
export function normalizeId(v: unknown, base64 = false): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v === '') return null;
  let start = 0;
  if (v.length > 2 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) === 120 || v.charCodeAt(1) === 88)) start = 2;
  // One scan: all hex? any uppercase? all zero? (runs for every span: no regex)
  let hex = true;
  let upper = false;
  let zeros = true;
  for (let i = start; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (c !== 48) zeros = false;
    } else if (c >= 97 && c <= 102) zeros = false;
    else if (c >= 65 && c <= 70) {
      zeros = false;
      upper = true;
    } else {
      hex = false;
      break;
    }
  }
  // All-hex wins over base64 at any length: random base64 is practically
  // never all hex digits, while 24-char hex ids do occur (Agents SDK).
  if (hex) {
    if (zeros) return null; // all-zero ids mean "absent" in OTel
    const s = start === 0 ? v : v.slice(start);
    return upper ? s.toLowerCase() : s;
  }
  if (base64 && looksBase64Id(v)) {
    const decoded = base64ToHex(v);
    if (decoded !== null) return ZEROS.test(decoded) ? null : decoded;
  }
  return v;
}

function looksBase64Id(v: string): boolean {
  const n = v.length;
  // proto3 JSON writes bytes as padded base64; requiring the padding keeps
  // custom ids of the same length from being decoded.
  return ((n === 24 && v.endsWith('==')) || (n === 12 && v.charCodeAt(11) === 61)) && B64.test(v);
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
  const fast = isoToMs(v);
  if (fast !== null) return fast;
  let t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  if (!TZ.test(v) && v.length > 10) {
    // Date.parse reads a naive date-time as local time; sources mean UTC.
    t = Date.parse(v + 'Z');
    if (Number.isNaN(t)) return null;
  }
  return t;
}

function digits(s: string, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` by hand: every span has two
 * timestamps and Date.parse is slow on 9-digit fractions. Anything else
 * returns null and falls back to Date.parse. No zone means UTC.
 */
function isoToMs(s: string): number | null {
  if (s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 32 && sep !== 116) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return null;
  let i = 19;
  let frac = 0;
  if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
    i++;
    let scale = 100;
    const from = i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      frac += c * scale;
      scale /= 10;
    }
    if (i === from) return null;
  }
  let offset = 0;
  if (i < s.length) {
    const z = s.charCodeAt(i);
    if ((z === 90 || z === 122) && i + 1 === s.length) offset = 0;
    else if (z === 43 || z === 45) {
      const oh = digits(s, i + 1, 2);
      const om = s.charCodeAt(i + 3) === 58 ? digits(s, i + 4, 2) : digits(s, i + 3, 2);
      const end = s.charCodeAt(i + 3) === 58 ? i + 6 : i + 5;
      if (oh < 0 || om < 0 || end !== s.length) return null;
      offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
    } else return null;
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, se) + frac - offset;
  return Number.isFinite(t) ? t : null;
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

// Tool-call arguments repeat: every LLM span of a conversation re-sends the
// whole history, tool calls included. Recent argument strings map to their
// parsed value so each distinct string is parsed once and the parsed objects
// are shared between spans (read-only data; also saves memory).
const ARG_CACHE = new Map<string, unknown>();
const ARG_CACHE_MAX = 8192;
const NOT_JSON = Symbol('not-json');

function parseCached(v: string): unknown {
  let parsed = ARG_CACHE.get(v);
  if (parsed !== undefined) return parsed;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = NOT_JSON;
  }
  if (ARG_CACHE.size >= ARG_CACHE_MAX) ARG_CACHE.clear();
  // `undefined` cannot come out of JSON.parse, so it safely means "miss".
  ARG_CACHE.set(v, parsed);
  return parsed;
}

/**
 * Tool arguments: parsed when they are a JSON string, else the raw string
 * with `invalid: true` (a signal detectors use). Objects pass through.
 */
export function parseArguments(v: unknown): { value: unknown; invalid: boolean } {
  if (typeof v !== 'string') return { value: v ?? null, invalid: false };
  if (v === '' || v.trim() === '') return { value: v, invalid: false };
  const parsed = parseCached(v);
  return parsed === NOT_JSON ? { value: v, invalid: true } : { value: parsed, invalid: false };
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

const ISO_DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO-8601 duration (`PT2M5.655384S`, `P1DT2H`) in ms; null when it is not one. */
export function isoDurationMs(v: string): number | null {
  const m = ISO_DURATION.exec(v);
  if (m === null || v === 'P' || v.endsWith('T')) return null;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const ms = (((n(2) * 7 + n(3)) * 24 + n(4)) * 60 + n(5)) * 60_000 + n(6) * 1000;
  return m[1] ? -ms : ms;
}
