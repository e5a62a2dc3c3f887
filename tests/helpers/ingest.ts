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

export { prng } from './prng.ts';
