// The isolate-safe DEFLATE decoder against node's zlib on the same bytes:
// stored, fixed-Huffman and dynamic-Huffman blocks, gzip and zlib wrappers.
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InflateError, base64Bytes, inflate, utf8Text } from '../src/ingest/inflate.ts';

const text = Array.from({ length: 400 }, (_, i) => `{"id":"chatcmpl-${i}","content":"héllo ✓ 𝄞 ${i % 7}"}`).join('\n');
const bytes = new TextEncoder().encode(text);

describe('inflate', () => {
  it('decodes what zlib writes, at every level (stored, fixed and dynamic blocks), gzip- or zlib-wrapped', () => {
    for (const level of [0, 1, 6, 9]) {
      expect(utf8Text(inflate(gzipSync(bytes, { level })))).toBe(text);
      expect(utf8Text(inflate(deflateSync(bytes, { level })))).toBe(text);
      expect(utf8Text(inflate(deflateRawSync(bytes, { level })))).toBe(text);
    }
    expect(utf8Text(inflate(gzipSync(new Uint8Array(0))))).toBe('');
  });

  it('reads base64 as Buffer does and refuses what is not base64', () => {
    const gz = gzipSync(bytes);
    expect(Buffer.from(base64Bytes(gz.toString('base64'))!)).toEqual(gz);
    expect(base64Bytes('{"not": "base64"}')).toBeNull();
  });

  it('throws on truncated or corrupt data', () => {
    const gz = gzipSync(bytes);
    expect(() => inflate(gz.subarray(0, gz.length / 2))).toThrow(InflateError);
    expect(() => inflate(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))).toThrow(InflateError);
  });
});
