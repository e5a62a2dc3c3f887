// Exclusive locks in the state directory, so overlapping runs (two cron ticks,
// two machines sharing a volume) cannot interleave their writes.
//
//   <state>/locks/<scope>.lock  held for a whole run of one scope (a schedule
//                               uses its name): one schedule's long run never
//                               blocks another schedule or a manual run
//   <state>/lock                the store lock, held only while a run's record
//                               is written
//
// A lock file records its owner; a lock whose process is gone (same host) or
// that is older than `staleMs` is taken over, and the new owner is told so.
// Locks still held when the process exits (a run ended by SIGINT/SIGTERM) are
// released on the way out.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

/** Not an internal error: another run owns the state (usage, exit 2). */
export class LockedError extends UsageError {
  constructor(readonly path: string, readonly owner: string, what = 'state directory') {
    super(
      `${what} is locked by another run (${owner}); lock file: ${path}. ` +
        `If no halo run is still going (one that crashed on another machine, say), remove the lock with: rm ${JSON.stringify(path)} ` +
        `(a lock whose process is gone on this machine, or older than 6 hours, is taken over by itself)`,
      { code: 'history.locked' },
    );
    this.name = 'LockedError';
  }
}

export interface Lock {
  path: string;
  /** Set when the lock of a run that is gone was taken over: say so, its run ended without cleaning up. */
  takenOver: string | null;
  release(): void;
}

export interface LockOptions {
  /** A lock older than this is stale whoever holds it (default 6 hours). */
  staleMs?: number;
  /** The run lock of this scope; without it, the store lock. */
  scope?: string;
  /** Keep trying this long while a live owner holds it (the store lock is held for milliseconds). */
  waitMs?: number;
}

const held = new Set<Lock>();
let exitHookInstalled = false;

function releaseOnExit(lock: Lock): void {
  held.add(lock);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const l of [...held]) l.release();
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The path of a lock: a scope's run lock, or the store lock. Scope names become safe file names. */
export function lockPath(stateDir: string, scope?: string): string {
  return scope === undefined ? join(stateDir, 'lock') : join(stateDir, 'locks', `${encodeURIComponent(scope)}.lock`);
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function acquireLock(stateDir: string, opts: LockOptions = {}): Lock {
  const staleMs = opts.staleMs ?? 6 * 3600_000;
  const path = lockPath(stateDir, opts.scope);
  const what = opts.scope === undefined ? 'state directory' : `scope "${opts.scope}"`;
  mkdirSync(join(path, '..'), { recursive: true });
  const owner = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let takenOver: string | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, owner);
      closeSync(fd);
      let released = false;
      const lock: Lock = {
        path,
        takenOver,
        release() {
          if (released) return;
          released = true;
          held.delete(lock);
          try {
            if (readFileSync(path, 'utf8') === owner) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
      releaseOnExit(lock);
      return lock;
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
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      const dead = info.host === hostname() && typeof info.pid === 'number' && !processAlive(info.pid);
      if ((dead || age > staleMs || !info.pid) && attempt < 8) {
        try {
          unlinkSync(path);
          takenOver =
            `took over ${path}: ` +
            (info.pid ? `its run (pid ${info.pid} on ${info.host}, since ${info.at}) ${dead ? 'is no longer running' : `is older than ${Math.round(staleMs / 3600_000)} hours`}` : 'the lock file was unreadable');
        } catch {
          /* someone else took it over */
        }
        continue;
      }
      if (Date.now() < deadline) {
        pause(50);
        continue;
      }
      throw new LockedError(path, info.pid ? `pid ${info.pid} on ${info.host}, since ${info.at}` : 'unknown', what);
    }
  }
}
