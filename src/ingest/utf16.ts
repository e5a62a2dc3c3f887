// UTF-16 input (PowerShell's `>` and Windows editors write it): decoded to
// UTF-8 as it streams, so the rest of the reader sees ordinary text. Found by
// its byte-order mark, or, without one, by a JSON opening whose every other
// byte is NUL (`{\0` or `\0{`). Any other file passes through untouched.
type Encoding = 'utf-16le' | 'utf-16be';

/** The UTF-16 flavour of a file from its first bytes, and how many BOM bytes to drop; null for anything else. */
export function detectUtf16(head: Buffer): { encoding: Encoding; bom: number } | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (head.length >= 4) {
    const json = (c: number) => c === 0x7b || c === 0x5b || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
    if (json(head[0]!) && head[1] === 0 && head[3] === 0 && head[2] !== 0) return { encoding: 'utf-16le', bom: 0 };
    if (head[0] === 0 && json(head[1]!) && head[2] === 0 && head[3] !== 0) return { encoding: 'utf-16be', bom: 0 };
  }
  return null;
}

/**
 * Passes `chunks` through, or, when they start as UTF-16, re-encodes them as
 * UTF-8 (`onDetected` is told which encoding). A code unit or surrogate pair
 * split across chunks is carried over by the streaming decoder.
 */
export async function* utf8Chunks(chunks: AsyncGenerator<Buffer>, onDetected: (encoding: Encoding) => void): AsyncGenerator<Buffer> {
  const r = await chunks.next();
  if (r.done) return;
  let first = r.value;
  // Two bytes decide; a first chunk that short (a pipe) is topped up.
  while (first.length < 4) {
    const more = await chunks.next();
    if (more.done) break;
    first = Buffer.concat([first, more.value]);
  }
  const found = detectUtf16(first);
  if (found === null) {
    yield first;
    yield* chunks;
    return;
  }
  onDetected(found.encoding);
  const decoder = new TextDecoder(found.encoding);
  yield Buffer.from(decoder.decode(first.subarray(found.bom), { stream: true }), 'utf8');
  for await (const chunk of chunks) yield Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8');
  const tail = decoder.decode();
  if (tail !== '') yield Buffer.from(tail, 'utf8');
}
