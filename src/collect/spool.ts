// The receiver's write-ahead log: accepted requests as OTLP/JSON lines, on disk
// (written and fsynced) before the sender hears 200. The segment being written
// is a hidden file that no reader lists; it is sealed by renaming it to
// `spans-<time>-<n>.jsonl`, after which it never changes. So the store, and any
// `halo analyze` given this directory, only ever read whole, final files: a
// file read once is never read again, and no line is read twice.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const OPEN_PREFIX = '.segment-';

export interface SpoolOptions {
  /** Seal the open segment once it holds this many bytes. */
  segmentBytes?: number;
  /**
   * Fault injection for the crash test: write half of the next batch, sync it,
   * then die by SIGKILL, as a power cut mid-write would leave the file.
   */
  dieMidWrite?: boolean;
}

interface Pending {
  buf: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface RecoverResult {
  /** Segments a previous process left open, now sealed. */
  sealed: string[];
  /** Bytes of torn lines (never acknowledged) cut from their ends. */
  tornBytes: number;
}

export class Spool {
  private fh: FileHandle | null = null;
  private openPath = '';
  private openBytes = 0;
  private openedAt = 0;
  private seq = 0;
  private queue: Pending[] = [];
  private draining = false;
  /** Writes, seals and closes run one at a time, in order, on this chain. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly segmentBytes: number;

  constructor(
    readonly dir: string,
    private readonly opts: SpoolOptions = {},
  ) {
    this.segmentBytes = opts.segmentBytes ?? 64 * 1024 * 1024;
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Seals what a killed process left open. A segment's last line may be torn
   * (the process died inside a write): it was never acknowledged, so it is cut.
   */
  recover(): RecoverResult {
    const out: RecoverResult = { sealed: [], tornBytes: 0 };
    for (const name of readdirSync(this.dir).sort()) {
      if (!name.startsWith(OPEN_PREFIX)) continue;
      const path = join(this.dir, name);
      const size = statSync(path).size;
      const keep = lastNewlineEnd(path, size);
      if (keep < size) {
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, keep);
        } finally {
          closeSync(fd);
        }
        out.tornBytes += size - keep;
      }
      if (keep === 0) rmSync(path);
      else out.sealed.push(this.sealFile(path, statSync(path).mtimeMs));
    }
    return out;
  }

  /** Resolves once `line` (one JSON document, no newline) is on disk. */
  append(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ buf: Buffer.from(line + '\n'), resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.serial(() => this.drain());
      }
    });
  }

  /** Sealed segments, oldest first. */
  sealedFiles(): string[] {
    return readdirSync(this.dir)
      .filter((n) => n.startsWith('spans-') && n.endsWith('.jsonl'))
      .sort()
      .map((n) => join(this.dir, n));
  }

  /** Seals the open segment if it has lines and is at least `minAgeMs` old; returns whether it did. */
  seal(minAgeMs = 0, now = Date.now()): Promise<boolean> {
    return this.serial(async () => {
      if (this.fh === null || this.openBytes === 0 || now - this.openedAt < minAgeMs) return false;
      await this.closeAndSeal();
      return true;
    });
  }

  /** Waits for queued writes, then seals what was written. */
  async close(): Promise<void> {
    await this.serial(async () => {
      if (this.fh === null) return;
      if (this.openBytes > 0) return this.closeAndSeal();
      await this.fh.close();
      rmSync(this.openPath, { force: true });
      this.fh = null;
    });
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.chain.then(op);
    this.chain = run.catch(() => {});
    return run;
  }

  private async closeAndSeal(): Promise<void> {
    await this.fh!.close();
    this.fh = null;
    this.sealFile(this.openPath, this.openedAt);
  }

  /**
   * Group commit: everything queued while the last write was syncing goes in
   * one write and one fsync. One round per turn of the chain, so a seal asked
   * for under sustained load runs between two rounds instead of waiting for a
   * lull that never comes.
   */
  private async drain(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      if (this.fh === null) await this.openSegment();
      const buf = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((p) => p.buf));
      if (this.opts.dieMidWrite) {
        await this.fh!.write(buf, 0, buf.length >> 1);
        await this.fh!.datasync();
        process.kill(process.pid, 'SIGKILL');
      }
      let off = 0;
      while (off < buf.length) off += (await this.fh!.write(buf, off, buf.length - off)).bytesWritten;
      await this.fh!.datasync();
      this.openBytes += buf.length;
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
      // What was written of a failed round is unacknowledged: a new segment starts clean after recovery.
      await this.abandonSegment().catch(() => {});
    }
    try {
      if (this.fh !== null && this.openBytes >= this.segmentBytes) await this.closeAndSeal();
    } finally {
      // Whatever happened to this round, the next one (or the next append) must run.
      if (this.queue.length > 0) void this.serial(() => this.drain());
      else this.draining = false;
    }
  }

  private async openSegment(): Promise<void> {
    this.openedAt = Date.now();
    this.openPath = join(this.dir, `${OPEN_PREFIX}${this.openedAt}-${process.pid}-${this.seq++}`);
    this.fh = await open(this.openPath, 'wx');
    this.openBytes = 0;
  }

  private async abandonSegment(): Promise<void> {
    try {
      await this.fh?.close();
    } catch {
      // Closing a handle whose write failed may fail too; recovery reads the file anyway.
    }
    this.fh = null;
    if (existsSync(this.openPath)) {
      const size = statSync(this.openPath).size;
      const keep = Math.min(size, this.openBytes);
      const fd = openSync(this.openPath, 'r+');
      try {
        ftruncateSync(fd, keep);
      } finally {
        closeSync(fd);
      }
      if (keep === 0) rmSync(this.openPath);
      else this.sealFile(this.openPath, this.openedAt);
    }
  }

  private sealFile(path: string, startedMs: number): string {
    const stamp = new Date(startedMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    for (let n = 0; ; n++) {
      const target = join(this.dir, `spans-${stamp}-${String(n).padStart(4, '0')}.jsonl`);
      if (existsSync(target)) continue;
      renameSync(path, target);
      return target;
    }
  }
}

/** Length of the file up to and including its last newline (0 if none). */
function lastNewlineEnd(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - start, start);
      const i = buf.subarray(0, n).lastIndexOf(0x0a);
      if (i !== -1) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
