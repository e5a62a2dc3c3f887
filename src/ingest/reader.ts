// Reads trace inputs (files, globs, directories, `-` for stdin; plain or
// gzip) into batches of complete lines for the ingestor. Batches are ~8 MB of
// text: big enough that per-batch costs vanish, small enough that the sandbox
// child can hand each one to the isolate without doubling memory.
//
// Line numbers in batches and bad records are 1-based and count every line of
// the file, blank or bad, so `file:line` always points at the right place.
import { closeSync, createReadStream, openSync, readSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { join, extname, isAbsolute } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { BadRecord } from '../types.ts';
import type { IngestOptions, IngestResult, LineBatch, WindowSpec } from './api.ts';
import { createIngestor } from './ingestor.ts';
import { ElementSplitter } from './elements.ts';
import { checkWindowSpec } from './window.ts';
import { utf8Chunks } from './utf16.ts';
import { InputError } from '../errors.ts';
import { textLogKey } from './text-logs.ts';

/** An input that cannot be read at all (missing file, no glob match, ...). */
export { InputError };

export interface ReadProgress {
  /** Bytes read from disk (compressed bytes for .gz) over all inputs so far. */
  bytesRead: number;
  /** Size of all input files on disk; stdin counts as 0. */
  bytesTotal: number;
  file: string;
}

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void;
  /** Target batch size in bytes of text (default 8 MB). A longer single line makes a longer batch. */
  batchBytes?: number;
  /** Longest line accepted (default 256 MB); longer lines are reported and skipped. */
  maxLineBytes?: number;
  /** Stream to read for `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Keep each JSONL batch's bytes for sourceBytes() (a store writes them as they are instead of encoding the text again). */
  keepBytes?: boolean;
}

// Outside the batch: a batch is copied whole into the isolate, its bytes must not be.
const batchSources = new WeakMap<LineBatch, Buffer>();

/**
 * The bytes a batch's text was decoded from, when decoding them gave exactly
 * that text (valid UTF-8, no byte-order mark dropped) and the read asked to
 * keep them (`keepBytes`); else undefined.
 */
export function sourceBytes(batch: LineBatch): Buffer | undefined {
  return batchSources.get(batch);
}

export const STDIN_NAME = '<stdin>';
const DEFAULT_BATCH = 8 * 1024 * 1024;
const DEFAULT_MAX_LINE = 256 * 1024 * 1024;
// `.traj`: SWE-agent trajectories (one JSON document each).
const TRACE_EXTENSIONS = ['jsonl', 'ndjson', 'json', 'traj', 'gz'];
// Plain-text run records (VCR cassettes, ChatDev logs, ReAct trial logs): a
// folder of them is read too, but such names are also configs and notes, so a
// folder's file counts only when its first bytes are a run log (text-logs.ts).
const TEXT_LOG_EXTENSIONS = ['yaml', 'yml', 'log', 'txt'];
// Extensions of files holding JSON documents (possibly pretty-printed), not JSONL.
const DOCUMENT_EXTENSIONS = new Set(['.json', '.traj']);
const SNIFF_BYTES = 8192;
const NL = 0x0a;

export interface InputFile {
  /** Path as shown in messages (as given, or as found under a directory). */
  name: string;
  /** Absolute or relative path to open; null for stdin. */
  path: string | null;
  /** Size on disk; 0 for stdin. */
  size: number;
  /** Why the file cannot be read (permission denied, a symlink loop): reported and skipped. */
  skip?: string;
}

/** Expands files, globs and directories into a list of files, in a stable order. */
export async function resolveInputs(inputs: string[]): Promise<InputFile[]> {
  if (inputs.length === 0) throw new InputError('no input files given');
  const out: InputFile[] = [];
  const seen = new Set<string>();
  // A file reached twice (the same path given twice, a `dir -> .` symlink, a
  // glob and its directory) is read once: files are told apart by real path.
  const add = (name: string, size: number) => {
    const key = realPath(name);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, path: name, size });
  };
  const addSkipped = (name: string, reason: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, path: name, size: 0, skip: reason });
  };
  const addFound = (name: string) => {
    const st = statOrCode(name);
    if (typeof st === 'string') addSkipped(name, unreadable(st));
    else add(name, st.size);
  };
  for (const input of inputs) {
    if (input === '-') {
      if (!seen.has(STDIN_NAME)) out.push({ name: STDIN_NAME, path: null, size: 0 });
      seen.add(STDIN_NAME);
      continue;
    }
    const st = statOrCode(input);
    if (typeof st !== 'string' && st.isDirectory()) {
      const pattern = `**/*.{${TRACE_EXTENSIONS.join(',')}}`;
      const found = await glob(pattern, { cwd: input, onlyFiles: true, dot: false });
      const texts = await glob(`**/*.{${TEXT_LOG_EXTENSIONS.join(',')}}`, { cwd: input, onlyFiles: true, dot: false });
      const logs = texts.filter((rel) => startsAsRunLog(join(input, rel)));
      found.push(...logs);
      // The walk above silently leaves out entries it cannot stat (a symlink
      // loop, a dangling link); list them without following links to report them.
      const listed = new Set(found);
      const hidden = unstatableEntries(input).filter((rel) => !listed.has(rel));
      if (found.length === 0 && hidden.length === 0) {
        const others = texts.length > 0 ? ` (its ${texts.length} .yaml, .yml, .log or .txt file${texts.length === 1 ? ' is' : 's are'} no VCR cassette, ChatDev log or ReAct trial log)` : '';
        throw new InputError(`${input}: directory has no .jsonl, .ndjson, .json, .traj or .gz files, and no run logs${others}`);
      }
      for (const rel of [...found, ...hidden].sort()) addFound(join(input, rel));
    } else if (typeof st !== 'string') {
      add(input, st.size);
    } else if (st !== 'ENOENT' && st !== 'ENOTDIR') {
      // It exists but cannot be read (a symlink loop, no permission): said, and skipped.
      addSkipped(input, unreadable(st));
    } else if (isDynamicPattern(input)) {
      const found = await glob(input, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(input) });
      if (found.length === 0) throw new InputError(`${input}: no files match this pattern`);
      for (const name of found.sort()) addFound(name);
    } else {
      throw new InputError(`${input}: no such file or directory`);
    }
  }
  return out;
}

/** Whether a file's first bytes open a plain-text run record Halo reads (an unreadable file is left to the reader to report). */
function startsAsRunLog(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, head, 0, SNIFF_BYTES, 0);
    return textLogKey(head.toString('utf8', 0, n)) !== null;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The file's stats, or the error code that stopped stat (ENOENT, ELOOP, EACCES, ...). */
function statOrCode(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

/** Trace-file entries under `dir` (links not followed) that stat cannot resolve: symlink loops, dangling links. */
function unstatableEntries(dir: string): string[] {
  const ext = new RegExp(`\\.(?:${TRACE_EXTENSIONS.join('|')})$`, 'i');
  const out: string[] = [];
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel === '' ? e.name : join(rel, e.name);
      if (e.isDirectory()) stack.push(path);
      else if (e.isSymbolicLink() && ext.test(e.name) && typeof statOrCode(join(dir, path)) === 'string') out.push(path);
    }
  }
  return out;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function unreadable(code: string): string {
  switch (code) {
    case 'ELOOP':
      return 'symlink loop; skipped';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; skipped';
    case 'ENOENT':
      return 'dangling symlink (its target does not exist); skipped';
    default:
      return `cannot be read (${code}); skipped`;
  }
}

/**
 * Yields batches of complete lines from every input in order. JSON arrays
 * (and `.json` documents) are streamed element by element and yielded with
 * `unit: 'element'`, one re-serialized element per line.
 */
export async function* readInputs(inputs: string[], opts: ReadOptions = {}): AsyncGenerator<LineBatch> {
  const files = await resolveInputs(inputs);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let bytesRead = 0;
  for (const file of files) {
    const onBytes = (n: number) => {
      bytesRead += n;
      opts.onProgress?.({ bytesRead, bytesTotal, file: file.name });
    };
    if (file.skip !== undefined) {
      yield { file: file.name, firstLine: 1, text: '', bytes: 0, warnings: [file.skip] };
      continue;
    }
    try {
      yield* readFile(file, opts, onBytes);
    } catch (err) {
      // One unreadable file (permission denied, an I/O error mid-read) is
      // reported and skipped; whatever was read before the error is kept.
      if (!(err instanceof UnreadableFile)) throw err;
      yield { file: file.name, firstLine: 1, text: '', bytes: 0, warnings: [`cannot read: ${err.message}; skipped${err.afterBytes > 0 ? ` after ${err.afterBytes} bytes` : ''}`] };
    }
  }
}

/** A read that failed at the file system (not a format problem). */
class UnreadableFile extends Error {
  constructor(
    message: string,
    readonly afterBytes: number,
  ) {
    super(message);
  }
}

async function* rawChunks(file: InputFile, opts: ReadOptions, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  // Reads of at most a batch, so small batch sizes are honoured too.
  const highWaterMark = Math.min(1 << 20, Math.max(1024, opts.batchBytes ?? DEFAULT_BATCH));
  const stream = file.path === null ? (opts.stdin ?? process.stdin) : createReadStream(file.path, { highWaterMark });
  let read = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      read += buf.length;
      onBytes(buf.length);
      yield buf;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UnreadableFile(e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message, read);
  }
}

function isGzip(first: Buffer): boolean {
  return first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
}

/** The gzip stream broke off (truncated) or turned to garbage (corrupt) mid-file. */
class GzipBreak extends Error {
  constructor(readonly what: 'truncated gzip: the file ends mid-stream' | 'corrupt gzip data') {
    super(what);
  }
}

/** Decompressed (or plain) content of one input. */
async function* contentChunks(file: InputFile, opts: ReadOptions, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  // Peek at the stream itself (not the path): inputs may be pipes, e.g. <(zcat ...).
  const rest = rawChunks(file, opts, onBytes);
  const r = await rest.next();
  if (r.done) return;
  const first = r.value;
  const raw = (async function* () {
    yield first;
    yield* rest;
  })();
  if (!isGzip(first)) {
    yield* raw;
    return;
  }
  const gunzip = createGunzip();
  const source = Readable.from(raw);
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err as NodeJS.ErrnoException;
    // Either way, what was decompressed before the break is kept and the break
    // is reported like a bad record: one damaged file must not stop the run.
    if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) throw new GzipBreak('truncated gzip: the file ends mid-stream');
    throw new GzipBreak('corrupt gzip data');
  }
}

// `text-log`: a framework's plain-text run log or a recorded cassette (text-logs.ts), one run per file.
type Mode = 'lines' | 'array' | 'values' | 'binary' | 'empty' | 'text-log';

/** Decides how to read a file from its first bytes (after an optional BOM). */
function sniff(name: string, head: Buffer): { mode: Mode; reason?: string } {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i >= head.length) return { mode: 'empty' };
  const c = head[i];
  // A run log's entries open with `[date time LEVEL]`, which would pass for a JSON array.
  if (c === 0x5b && textLogKey(head.toString('utf8', i, Math.min(head.length, i + SNIFF_BYTES))) !== null) return { mode: 'text-log' };
  if (c === 0x5b /* [ */) return { mode: 'array' };
  if (c === 0x7b /* { */) return { mode: DOCUMENT_EXTENSIONS.has(extname(stripGz(name)).toLowerCase()) || prettyPrinted(head, i + 1) ? 'values' : 'lines' };
  // Not JSON at the start: a binary file is skipped whole, anything else is
  // read line by line so good records after a bad first line are still kept.
  const window = head.subarray(0, SNIFF_BYTES);
  const nul = window.indexOf(0);
  if (nul !== -1) return { mode: 'binary', reason: `binary data (NUL byte at offset ${nul}), not JSON or JSONL; file skipped` };
  if (!isUtf8(window, true)) return { mode: 'binary', reason: 'binary data (not UTF-8 text), not JSON or JSONL; file skipped' };
  if (textLogKey(head.toString('utf8', i, Math.min(head.length, i + SNIFF_BYTES))) !== null) return { mode: 'text-log' };
  return { mode: 'lines' };
}

/**
 * A line break right after the opening brace: pretty-printed objects (Go's
 * stdouttrace, OTel-Python's console exporter), which no JSONL line starts
 * like, whatever the file is called.
 */
function prettyPrinted(head: Buffer, at: number): boolean {
  let i = at;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09)) i++;
  return head[i] === 0x0a || head[i] === 0x0d;
}

function stripGz(name: string): string {
  return name.toLowerCase().endsWith('.gz') ? name.slice(0, -3) : name;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: false });

/** True when `buf` is valid UTF-8; `partialEnd` tolerates a sequence cut at the end. */
function isUtf8(buf: Buffer, partialEnd = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: partialEnd });
    return true;
  } catch {
    return false;
  }
}

async function* readFile(file: InputFile, opts: ReadOptions, onBytes: (n: number) => void): AsyncGenerator<LineBatch> {
  let decodedFrom: string | null = null;
  const content = utf8Chunks(contentChunks(file, opts, onBytes), (encoding) => (decodedFrom = encoding.toUpperCase()));
  // Gather enough of the start to sniff the format.
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  let truncated: GzipBreak | null = null;
  try {
    while (headBytes < SNIFF_BYTES) {
      const r = await content.next();
      if (r.done) {
        ended = true;
        break;
      }
      head.push(r.value);
      headBytes += r.value.length;
      if (sniffable(r.value)) break;
    }
  } catch (err) {
    if (!(err instanceof GzipBreak)) throw err;
    truncated = err;
    ended = true;
  }
  const headBuf = Buffer.concat(head);
  const { mode, reason } = sniff(file.name, headBuf);
  if (decodedFrom !== null) yield { file: file.name, firstLine: 1, text: '', bytes: 0, warnings: [`read as ${decodedFrom} text (decoded to UTF-8)`] };

  if (mode === 'empty' && ended) {
    const batch: LineBatch = { file: file.name, firstLine: 1, text: '', bytes: headBuf.length, warnings: [headBuf.length === 0 ? 'empty file' : 'file holds only whitespace'] };
    if (truncated) batch.bad = [gzipRecord(truncated, file.name, 1, 0)];
    yield batch;
    return;
  }
  if (mode === 'binary') {
    await content.return(undefined);
    yield { file: file.name, firstLine: 1, text: '', bytes: 0, bad: [{ file: file.name, line: 0, reason: reason! }] };
    return;
  }

  const all = (async function* () {
    yield headBuf;
    if (truncated) throw truncated;
    if (!ended) yield* content;
  })();
  if (mode === 'array' || mode === 'values') yield* readDocument(file.name, all, mode, opts);
  else if (mode === 'text-log') yield* readTextLog(file.name, headBuf, all);
  else yield* readLines(file.name, all, opts);
}

/**
 * A plain-text run log (one run per file, see text-logs.ts): read whole and
 * handed on as ONE record, `{<key>: <the log's text>}`, for its format module
 * to parse. Its number is element 0: the file is one run, not lines of records.
 */
async function* readTextLog(name: string, head: Buffer, chunks: AsyncGenerator<Buffer>): AsyncGenerator<LineBatch> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    bytes += chunk.length;
  }
  let text: string;
  try {
    text = fatalDecoder.decode(Buffer.concat(parts, bytes));
  } catch {
    yield { file: name, firstLine: 0, text: '', bytes, unit: 'element', bad: [{ file: name, line: 0, unit: 'element', reason: 'run log is not valid UTF-8 text; file skipped' }] };
    return;
  }
  const key = textLogKey(head.toString('utf8'))!;
  yield { file: name, firstLine: 0, text: JSON.stringify({ [key]: text.replace(/^\ufeff/, '') }), bytes, unit: 'element' };
}

/** True once a chunk holds something other than whitespace (enough to sniff). */
function sniffable(chunk: Buffer): boolean {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xef && c !== 0xbb && c !== 0xbf) return true;
  }
  return false;
}

function gzipRecord(err: GzipBreak, file: string, line: number, partialBytes: number): BadRecord {
  const lost = partialBytes > 0 ? `the partial last line (${partialBytes} bytes) was dropped` : 'no partial line was lost';
  return { file, line, reason: `${err.what}; every complete line before was read, ${lost}` };
}

/**
 * The JSONL lines appended to a plain file after `fromByte` (the store's
 * incremental read), numbered on from `firstLine`.
 */
export async function* readAppended(file: InputFile, fromByte: number, firstLine: number, opts: ReadOptions = {}): AsyncGenerator<LineBatch> {
  const highWaterMark = Math.min(1 << 20, Math.max(1024, opts.batchBytes ?? DEFAULT_BATCH));
  const stream = createReadStream(file.path!, { start: fromByte, highWaterMark });
  const chunks = (async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  })();
  yield* readLines(file.name, chunks, opts, firstLine);
}

/** JSONL: cut at the last newline of each ~8 MB run of bytes and decode. */
async function* readLines(name: string, chunks: AsyncGenerator<Buffer>, opts: ReadOptions, firstLine = 1): AsyncGenerator<LineBatch> {
  const batchBytes = opts.batchBytes ?? DEFAULT_BATCH;
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let pendingHasNewline = false;
  let lineNo = firstLine;
  // A byte-order mark can only open a file, not an appended part.
  let atStart = firstLine === 1;
  // While skipping an over-long line: bytes skipped so far (else -1).
  let skipping = -1;
  let skipLine = 0;

  const cut = (buf: Buffer, final: boolean): LineBatch | null => {
    if (buf.length === 0) return null;
    if (atStart) {
      atStart = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const lines = countNewlines(buf) + (final && buf[buf.length - 1] !== NL ? 1 : 0);
    const batch = decodeLines(name, buf, lineNo);
    // A mark opening a later batch is dropped by the decoder, so its text would not be these bytes.
    if (opts.keepBytes && batch.replacedUtf8 === undefined && !(buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)) batchSources.set(batch, buf);
    lineNo += lines;
    return batch;
  };

  try {
    for await (let chunk of chunks) {
      if (skipping >= 0) {
        const nl = chunk.indexOf(NL);
        if (nl === -1) {
          skipping += chunk.length;
          continue;
        }
        skipping += nl;
        yield { file: name, firstLine: skipLine, text: '', bytes: skipping + 1, bad: [{ file: name, line: skipLine, reason: `line too long (${skipping} bytes, limit ${maxLine}); skipped` }] };
        lineNo = skipLine + 1;
        skipping = -1;
        chunk = chunk.subarray(nl + 1);
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!pendingHasNewline && chunk.lastIndexOf(NL) !== -1) pendingHasNewline = true;
      if (pendingBytes < batchBytes) continue;
      if (pendingHasNewline) {
        const buf = Buffer.concat(pending, pendingBytes);
        const last = buf.lastIndexOf(NL);
        const batch = cut(buf.subarray(0, last + 1), false);
        const rest = buf.subarray(last + 1);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        pendingHasNewline = false;
        if (batch) yield batch;
      } else if (pendingBytes > maxLine) {
        skipping = pendingBytes;
        skipLine = lineNo;
        pending = [];
        pendingBytes = 0;
      }
    }
  } catch (err) {
    if (!(err instanceof GzipBreak)) throw err;
    // Keep every complete line read before the cut; only the partial one is lost.
    const buf = Buffer.concat(pending, pendingBytes);
    const last = buf.lastIndexOf(NL);
    const batch = cut(buf.subarray(0, last + 1), false);
    const partial = buf.length - (last + 1);
    const rec = gzipRecord(err, name, lineNo, partial);
    // Also a file-level warning: among many bad records the cause must not get lost.
    const warning = `${err.what} at line ${lineNo}; the rest of the file could not be read`;
    if (batch) {
      batch.bad = [...(batch.bad ?? []), rec];
      batch.warnings = [...(batch.warnings ?? []), warning];
      yield batch;
    } else yield { file: name, firstLine: lineNo, text: '', bytes: partial, bad: [rec], warnings: [warning] };
    return;
  }
  if (skipping >= 0) {
    yield { file: name, firstLine: skipLine, text: '', bytes: skipping, bad: [{ file: name, line: skipLine, reason: `line too long (${skipping} bytes, limit ${maxLine}); skipped` }] };
    return;
  }
  const batch = cut(Buffer.concat(pending, pendingBytes), true);
  if (batch) yield batch;
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(NL);
  while (i !== -1) {
    n++;
    i = buf.indexOf(NL, i + 1);
  }
  return n;
}

/**
 * Decodes complete lines. Valid UTF-8 (the common case) decodes in one call;
 * otherwise each line is checked and bad ones become blank lines plus a bad
 * record, so numbering stays right and the good lines are kept.
 */
function decodeLines(name: string, buf: Buffer, firstLine: number): LineBatch {
  try {
    return { file: name, firstLine, text: fatalDecoder.decode(buf), bytes: buf.length };
  } catch {
    // Invalid bytes become U+FFFD and the line is kept: one bad byte in a
    // long prompt must not cost the whole record. Counted and said per batch.
    const parts: string[] = [];
    let start = 0;
    let lineNo = firstLine;
    let replaced = 0;
    let first = '';
    while (start < buf.length) {
      let end = buf.indexOf(NL, start);
      if (end === -1) end = buf.length;
      const line = buf.subarray(start, end);
      try {
        parts.push(fatalDecoder.decode(line));
      } catch {
        parts.push(lenientDecoder.decode(line));
        if (replaced++ === 0) first = `line ${lineNo}, byte ${firstInvalidUtf8(line)}`;
      }
      lineNo++;
      start = end + 1;
    }
    return {
      file: name,
      firstLine,
      text: parts.join('\n'),
      bytes: buf.length,
      replacedUtf8: replaced,
      warnings: [`invalid UTF-8 replaced with U+FFFD on ${replaced} line${replaced === 1 ? '' : 's'} (first: ${first}); the records were kept`],
    };
  }
}

/** Offset of the first byte that makes `buf` invalid UTF-8 (binary search on prefixes). */
function firstInvalidUtf8(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  // Invariant: buf[0, lo) decodes (allowing a cut sequence at its end), buf[0, hi) does not.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (isUtf8(buf.subarray(0, mid), true)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * A JSON array (`[...]`, any extension) or a `.json` document holding one or
 * more top-level values, streamed: the document is never held as one string.
 * Each element becomes one line of a batch with `unit: 'element'`.
 */
async function* readDocument(name: string, chunks: AsyncGenerator<Buffer>, mode: 'array' | 'values', opts: ReadOptions): AsyncGenerator<LineBatch> {
  const batchBytes = opts.batchBytes ?? DEFAULT_BATCH;
  let decoder = new TextDecoder('utf-8', { fatal: true });
  let lenient = false;
  let replaced = 0;
  let lines: string[] = [];
  let textBytes = 0;
  let firstIndex = 0;
  let bytes = 0;
  let bad: BadRecord[] = [];
  let warnings: string[] = [];
  const splitter = new ElementSplitter(mode, {
    element(text, index) {
      if (lines.length === 0) firstIndex = index;
      else if (index !== firstIndex + lines.length) lines.push(...Array<string>(index - firstIndex - lines.length).fill(''));
      lines.push(text);
      textBytes += text.length;
    },
    bad(index, reason) {
      bad.push({ file: name, line: index, unit: 'element', reason });
    },
    warn(message) {
      warnings.push(message);
    },
  });
  const full = () => textBytes >= batchBytes;
  /** Everything gathered so far, cut into batches of about `batchBytes`. */
  const flush = (): LineBatch[] => {
    if (lines.length === 0 && bad.length === 0 && warnings.length === 0 && bytes === 0 && replaced === 0) return [];
    const out: LineBatch[] = [];
    let from = 0;
    while (from < lines.length || out.length === 0) {
      let to = from;
      let size = 0;
      while (to < lines.length && (to === from || size + lines[to]!.length <= batchBytes)) size += lines[to++]!.length;
      out.push({ file: name, firstLine: lines.length ? firstIndex + from : splitter.count, text: lines.slice(from, to).join('\n'), unit: 'element' });
      from = to;
    }
    out[0]!.bytes = bytes;
    if (bad.length) out[0]!.bad = bad;
    if (warnings.length) out[0]!.warnings = warnings;
    if (replaced > 0) out[0]!.replacedUtf8 = replaced;
    replaced = 0;
    lines = [];
    textBytes = 0;
    bytes = 0;
    bad = [];
    warnings = [];
    return out;
  };

  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // Invalid bytes become U+FFFD from here on and every element is kept.
        if (!lenient) {
          lenient = true;
          decoder = new TextDecoder('utf-8');
          warnings.push(`invalid UTF-8 near element ${splitter.count} replaced with U+FFFD; the elements were kept`);
        }
        text = decoder.decode(chunk, { stream: true });
        for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) replaced++;
      }
      splitter.push(text);
      if (full()) yield* flush();
    }
  } catch (err) {
    if (!(err instanceof GzipBreak)) throw err;
    const at = splitter.count;
    bad.push({ file: name, line: at, unit: 'element', reason: `${err.what}; ${at} elements were read, the partial element after them was dropped` });
    warnings.push(`${err.what} after element ${at - 1}; the rest of the file could not be read`);
    yield* flush();
    return;
  }
  splitter.finish();
  yield* flush();
}

export interface LoadOptions extends ReadOptions {
  window?: WindowSpec;
  strict?: boolean;
  keepBad?: number;
  /** Field mapping for flat records of an unknown exporter (`--field`). */
  fields?: Record<string, string>;
  /** Clock for relative windows (default Date.now()). */
  now?: number;
  /** Outcomes kept outside the traces, read by readOutcomeFiles. */
  outcomes?: IngestOptions['outcomes'];
}

/** Reads and ingests inputs in this process: reader + ingestor + window. */
export async function loadTraces(inputs: string[], opts: LoadOptions = {}): Promise<IngestResult> {
  checkWindowSpec(opts.window ?? {}, opts.now);
  const ingestor = createIngestor({ strict: opts.strict, keepBad: opts.keepBad, ...(opts.fields ? { fields: opts.fields } : {}), ...(opts.outcomes ? { outcomes: opts.outcomes } : {}) });
  for await (const batch of readInputs(inputs, opts)) ingestor.pushBatch(batch);
  return ingestor.finish(opts.window ?? {}, opts.now ?? Date.now());
}
