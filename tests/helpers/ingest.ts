// Shared helpers for the ingest tests: temp dirs and fixture lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HALO = fileURLToPath(new URL('../fixtures/halo/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fixtureLines(name: string): string[] {
  return readFileSync(join(HALO, name), 'utf8').split('\n').filter((l) => l.length > 0);
}

/** A temp dir for one test file; `cleanup()` in afterAll. */
export function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `halo-${prefix}-`));
  return {
    dir,
    path: (name: string) => join(dir, name),
    write(name: string, data: string | Buffer): string {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Deterministic PRNG (mulberry32) so failures reproduce from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
