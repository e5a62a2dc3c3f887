// An exclusive lock on the state directory so overlapping runs (two cron
// ticks, two machines sharing a volume) cannot interleave their writes.
// The lock file records its owner; a lock whose process is gone (same host)
// or that is older than `staleMs` is taken over.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

/** Not an internal error: another run owns the state (usage, exit 2). */
export class LockedError extends UsageError {
  constructor(readonly path: string, readonly owner: string) {
    super(
      `state directory is locked by another run (${owner}); lock file: ${path}. ` +
        `If no halo run is still going (one that crashed on another machine, say), remove the lock with: rm ${JSON.stringify(path)} ` +
        `(a lock whose process is gone on this machine, or older than 6 hours, is taken over by itself)`,
      { code: 'history.locked' },
    );
    this.name = 'LockedError';
  }
}

export interface Lock {
  path: string;
  release(): void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(stateDir: string, opts: { staleMs?: number } = {}): Lock {
  const staleMs = opts.staleMs ?? 6 * 3600_000;
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'lock');
  const owner = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, owner);
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8') === owner) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // released between our open and read: try again
      }
      let info: { pid?: number; host?: string; at?: string } = {};
      try {
        info = JSON.parse(text);
      } catch {
        /* a torn lock file from a killed writer counts as stale below */
      }
      const age = Date.now() - statSync(path).mtimeMs;
      const dead = info.host === hostname() && typeof info.pid === 'number' && !processAlive(info.pid);
      if (dead || age > staleMs || !info.pid) {
        try { unlinkSync(path); } catch { /* someone else took it over */ }
        continue;
      }
      throw new LockedError(path, `pid ${info.pid} on ${info.host}, since ${info.at}`);
    }
  }
  throw new LockedError(path, 'unknown');
}
