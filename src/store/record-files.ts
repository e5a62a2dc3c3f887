// The DuckDB store's record lines: one append-only file per input file and
// generation (a file read again gets a new one), beside the index. Writes
// land at once; the index rows that point at them land with their
// transaction, so what a rollback leaves behind is bytes no row points at:
// an append is cut back to where it started, a new generation is deleted,
// and a replaced generation is deleted only once its replacement committed.
// Writes go out in the background while the next batch is parsed (writing the
// lines of a 166 MB week waited 1.5 s on the disk here); settle() waits for
// them, and the store calls it before it commits or reads.
import { closeSync, constants, ftruncateSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, write } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** Bytes written but not yet on their way to the disk, past which append() waits. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/** Where one record's line is: byte offset and length (with its newline). */
export interface LineRange {
  off: number;
  len: number;
}

export class RecordFiles {
  /** Files written in this transaction: descriptor and their size before it. */
  private readonly writing = new Map<string, { fd: number; start: number; size: number; pending: Promise<void> }>();
  private pendingBytes = 0;
  private created: string[] = [];
  private obsolete: string[] = [];

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * A name for a new generation of a file's records (the file is made on
   * first write). Not `.jsonl`: a store inside an input directory must not be read as input.
   */
  fresh(fileId: number): string {
    const name = `${fileId}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.lines`;
    this.created.push(name);
    return name;
  }

  /** This generation goes once the transaction that replaced it commits. */
  retire(name: string): void {
    this.obsolete.push(name);
  }

  /** Appends the lines (a line, or its header and then its own bytes); returns where each one lands (the bytes may still be on their way: see settle()). */
  async append(name: string, lines: readonly { line: string; tail?: Uint8Array }[]): Promise<LineRange[]> {
    let w = this.writing.get(name);
    if (w === undefined) {
      // Positioned writes, not O_APPEND: the offsets handed out are where the bytes go.
      const fd = openSync(join(this.dir, name), constants.O_WRONLY | constants.O_CREAT, 0o644);
      const size = fstatSync(fd).size;
      w = { fd, start: size, size, pending: Promise.resolve() };
      this.writing.set(name, w);
    }
    // Encoded straight into one buffer; a JSON line holds no raw newline.
    let total = 0;
    for (const l of lines) total += Buffer.byteLength(l.line, 'utf8') + (l.tail?.byteLength ?? 0) + 1;
    const bytes = Buffer.allocUnsafe(total);
    const out: LineRange[] = new Array(lines.length);
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const from = at;
      at += bytes.write(l.line, at, 'utf8');
      if (l.tail !== undefined) {
        bytes.set(l.tail, at);
        at += l.tail.byteLength;
      }
      bytes[at++] = 0x0a;
      out[i] = { off: w.size + from, len: at - from };
    }
    const fd = w.fd;
    const start = w.size;
    w.size += bytes.length;
    this.pendingBytes += bytes.length;
    w.pending = w.pending.then(() => writeAll(fd, bytes, start)).finally(() => {
      this.pendingBytes -= bytes.length;
    });
    // A failed write is reported by settle(), not as an unhandled rejection meanwhile.
    w.pending.catch(() => {});
    if (this.pendingBytes > MAX_PENDING_BYTES) await this.settle();
    return out;
  }

  /** Waits for every write handed out so far; throws the first that failed. */
  async settle(): Promise<void> {
    for (const w of this.writing.values()) await w.pending;
  }

  async commit(): Promise<void> {
    await this.settle();
    for (const w of this.writing.values()) closeSync(w.fd);
    this.writing.clear();
    for (const name of this.obsolete) rmSync(join(this.dir, name), { force: true });
    this.obsolete = [];
    this.created = [];
  }

  async rollback(): Promise<void> {
    for (const w of this.writing.values()) {
      try {
        await w.pending.catch(() => {});
        ftruncateSync(w.fd, w.start);
      } finally {
        closeSync(w.fd);
      }
    }
    this.writing.clear();
    for (const name of this.created) rmSync(join(this.dir, name), { force: true });
    this.created = [];
    this.obsolete = [];
  }

  /**
   * Reads the ranges (in the order given) and hands them on as text batches
   * of whole lines, about `batchBytes` each; adjacent ranges are read at once.
   */
  async read(name: string, ranges: readonly LineRange[], batchBytes: number, onText: (text: string) => void | Promise<void>): Promise<void> {
    if (ranges.length === 0) return;
    const fd = openSync(join(this.dir, name), 'r');
    try {
      let pieces: Buffer[] = [];
      let bytes = 0;
      const emit = async () => {
        if (bytes === 0) return;
        const text = (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, bytes)).toString('utf8');
        pieces = [];
        bytes = 0;
        await onText(text);
      };
      let i = 0;
      while (i < ranges.length) {
        // One read for a run of adjacent ranges, up to the batch size.
        const start = ranges[i]!.off;
        let end = start + ranges[i]!.len;
        i++;
        while (i < ranges.length && ranges[i]!.off === end && end - start + ranges[i]!.len <= batchBytes) end += ranges[i++]!.len;
        const buf = Buffer.allocUnsafe(end - start);
        let got = 0;
        while (got < buf.length) {
          const n = readSync(fd, buf, got, buf.length - got, start + got);
          if (n === 0) throw new Error(`${join(this.dir, name)}: ends at byte ${start + got}, before the record the index places at ${start}–${end}`);
          got += n;
        }
        pieces.push(buf);
        bytes += buf.length;
        if (bytes >= batchBytes) await emit();
      }
      await emit();
    } finally {
      closeSync(fd);
    }
  }

  /** Deletes every file but these (call only while no transaction is open). */
  removeAllBut(keep: ReadonlySet<string>): void {
    for (const f of readdirSync(this.dir)) if (!keep.has(f)) rmSync(join(this.dir, f), { force: true });
  }

  /** Bytes on disk. */
  size(): number {
    let n = 0;
    for (const f of readdirSync(this.dir)) {
      try {
        n += statSync(join(this.dir, f)).size;
      } catch {
        // removed meanwhile
      }
    }
    return n;
  }
}

function writeAll(fd: number, bytes: Buffer, at: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number) => {
      if (done === bytes.length) return resolve();
      write(fd, bytes, done, bytes.length - done, at + done, (err, n) => (err ? reject(err) : step(done + n)));
    };
    step(0);
  });
}
