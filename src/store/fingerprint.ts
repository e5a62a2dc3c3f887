// Per-file fingerprints: what tells a re-run that a file is unchanged (read
// nothing), grew at the end (read only the new bytes) or changed (read it again).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { StoredFile } from './api.ts';

export const HEAD_BYTES = 64 * 1024;
export const TAIL_BYTES = 64 * 1024;

/** sha1 of bytes [start, end) of a file. */
export function hashRange(path: string, start: number, end: number): string {
  const h = createHash('sha1');
  const len = Math.max(0, end - start);
  const buf = Buffer.allocUnsafe(Math.min(len, 1 << 16));
  const fd = openSync(path, 'r');
  try {
    let pos = start;
    while (pos < end) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

export function headHash(path: string, bytesRead: number): string {
  return hashRange(path, 0, Math.min(HEAD_BYTES, bytesRead));
}

export function tailHash(path: string, bytesRead: number): string {
  return hashRange(path, Math.max(0, bytesRead - TAIL_BYTES), bytesRead);
}

/** The last byte of a file is a newline (an append then starts a fresh line). */
export function endsWithNewline(path: string, size: number): boolean {
  if (size === 0) return false;
  const b = Buffer.alloc(1);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, b, 0, 1, size - 1);
  } finally {
    closeSync(fd);
  }
  return b[0] === 0x0a;
}

export function isGzipFile(path: string, size: number): boolean {
  if (size < 2) return false;
  const b = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, b, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return b[0] === 0x1f && b[1] === 0x8b;
}

export type ReadPlan = { kind: 'skip' } | { kind: 'append'; from: number } | { kind: 'full'; reason: string };

/** What to read of a file given what the store holds of it. */
export function planRead(prev: StoredFile | undefined, path: string, size: number, ingestKey: string): ReadPlan {
  if (prev === undefined) return { kind: 'full', reason: 'new' };
  if (prev.ingestKey !== ingestKey) return { kind: 'full', reason: 'read with other options or another halo version' };
  if (size < prev.bytesRead) return { kind: 'full', reason: 'shrank' };
  const sameStart = prev.bytesRead === 0 || (headHash(path, prev.bytesRead) === prev.headHash && tailHash(path, prev.bytesRead) === prev.tailHash);
  if (!sameStart) return { kind: 'full', reason: 'changed' };
  // Same size, same first and last 64 KB: unchanged (a `touch` alone does not re-read a week).
  if (size === prev.bytesRead) return { kind: 'skip' };
  return prev.appendable ? { kind: 'append', from: prev.bytesRead } : { kind: 'full', reason: 'grew, and it cannot be read from where it ended' };
}
