// DEFLATE (RFC 1951) and its gzip (RFC 1952) and zlib (RFC 1950) wrappers,
// decoded in plain TypeScript: format modules run inside the isolate too, where
// there is no node:zlib. Used for bodies that recorders kept compressed
// (VCR cassettes' `!!binary` replies). Throws InflateError on anything
// malformed; a caller keeps the bytes as they were.

export class InflateError extends Error {}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: symbol counts per length and symbols in code order. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function huffman(lengths: ArrayLike<number>): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  const offs = new Uint16Array(16);
  for (let i = 1; i < 16; i++) offs[i] = offs[i - 1]! + counts[i - 1]!;
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offs[lengths[i]!]!++] = i;
  return { counts, symbols };
}

class Bits {
  pos = 0;
  private bit = 0;
  private cur = 0;
  constructor(readonly buf: Uint8Array) {}
  need(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (this.bit === 0) {
        if (this.pos >= this.buf.length) throw new InflateError('compressed data ends early');
        this.cur = this.buf[this.pos++]!;
        this.bit = 8;
      }
      v |= (this.cur & 1) << i;
      this.cur >>= 1;
      this.bit--;
    }
    return v;
  }
  align(): void {
    this.bit = 0;
  }
  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.need(1);
      const count = h.counts[len]!;
      if (code - first < count) return h.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new InflateError('bad Huffman code');
  }
}

const FIXED_LIT = huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DIST = huffman(new Array<number>(30).fill(5));

/** Raw DEFLATE data → bytes. */
export function inflateRaw(data: Uint8Array): Uint8Array {
  const bits = new Bits(data);
  let out = new Uint8Array(Math.max(1024, data.length * 4));
  let n = 0;
  const push = (b: number) => {
    if (n === out.length) {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = b;
  };
  let last = 0;
  while (!last) {
    last = bits.need(1);
    const type = bits.need(2);
    if (type === 0) {
      bits.align();
      const p = bits.pos;
      if (p + 4 > data.length) throw new InflateError('compressed data ends early');
      const len = data[p]! | (data[p + 1]! << 8);
      if ((len ^ 0xffff) !== (data[p + 2]! | (data[p + 3]! << 8))) throw new InflateError('stored block length check failed');
      if (p + 4 + len > data.length) throw new InflateError('compressed data ends early');
      for (let i = 0; i < len; i++) push(data[p + 4 + i]!);
      bits.pos = p + 4 + len;
      continue;
    }
    if (type === 3) throw new InflateError('bad block type');
    let lit = FIXED_LIT;
    let dist = FIXED_DIST;
    if (type === 2) {
      const hlit = bits.need(5) + 257;
      const hdist = bits.need(5) + 1;
      const hclen = bits.need(4) + 4;
      const cl = new Uint8Array(19);
      for (let i = 0; i < hclen; i++) cl[CL_ORDER[i]!] = bits.need(3);
      const clh = huffman(cl);
      const lengths = new Uint8Array(hlit + hdist);
      for (let i = 0; i < hlit + hdist; ) {
        const sym = bits.decode(clh);
        if (sym < 16) lengths[i++] = sym;
        else {
          let rep: number;
          let val = 0;
          if (sym === 16) {
            if (i === 0) throw new InflateError('repeat with no previous length');
            val = lengths[i - 1]!;
            rep = 3 + bits.need(2);
          } else rep = sym === 17 ? 3 + bits.need(3) : 11 + bits.need(7);
          if (i + rep > hlit + hdist) throw new InflateError('too many code lengths');
          lengths.fill(val, i, i + rep);
          i += rep;
        }
      }
      lit = huffman(lengths.subarray(0, hlit));
      dist = huffman(lengths.subarray(hlit));
    }
    for (;;) {
      const sym = bits.decode(lit);
      if (sym < 256) push(sym);
      else if (sym === 256) break;
      else {
        const li = sym - 257;
        if (li >= 29) throw new InflateError('bad length code');
        const len = LEN_BASE[li]! + bits.need(LEN_EXTRA[li]!);
        const di = bits.decode(dist);
        if (di >= 30) throw new InflateError('bad distance code');
        const d = DIST_BASE[di]! + bits.need(DIST_EXTRA[di]!);
        if (d > n) throw new InflateError('distance before the start of the data');
        for (let i = 0; i < len; i++) push(out[n - d]!);
      }
    }
  }
  return out.subarray(0, n);
}

/** gzip (one member) or zlib-wrapped DEFLATE → bytes; raw DEFLATE when neither header is there. */
export function inflate(data: Uint8Array): Uint8Array {
  if (data[0] === 0x1f && data[1] === 0x8b) {
    if (data[2] !== 8) throw new InflateError('gzip data not DEFLATE-compressed');
    const flags = data[3]!;
    let p = 10;
    if (flags & 4) p += 2 + (data[p]! | (data[p + 1]! << 8));
    if (flags & 8) while (p < data.length && data[p++] !== 0);
    if (flags & 16) while (p < data.length && data[p++] !== 0);
    if (flags & 2) p += 2;
    if (p >= data.length) throw new InflateError('gzip header ends early');
    return inflateRaw(data.subarray(p));
  }
  if ((data[0]! & 0x0f) === 8 && ((data[0]! << 8) | data[1]!) % 31 === 0) return inflateRaw(data.subarray(2));
  return inflateRaw(data);
}

const B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64_CHARS.charCodeAt(i)] = i;

/** Standard base64 (padding optional) → bytes; null when it is not base64. */
export function base64Bytes(s: string): Uint8Array | null {
  const t = s.replace(/=+$/, '');
  if (t.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((t.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const v = c < 128 ? B64_VALUE[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** UTF-8 bytes → text (malformed sequences become U+FFFD). */
export function utf8Text(b: Uint8Array): string {
  const parts: string[] = [];
  let units: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let cp = 0xfffd;
    let size = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && (b[i + 1]! & 0xc0) === 0x80) [cp, size] = [((c & 0x1f) << 6) | (b[i + 1]! & 0x3f), 2];
    else if (c >= 0xe0 && c < 0xf0 && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80) [cp, size] = [((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f), 3];
    else if (c >= 0xf0 && c < 0xf5 && (b[i + 1]! & 0xc0) === 0x80 && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80)
      [cp, size] = [((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f), 4];
    i += size;
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    if (units.length > 8192) {
      parts.push(String.fromCharCode(...units));
      units = [];
    }
  }
  parts.push(String.fromCharCode(...units));
  return parts.join('');
}
