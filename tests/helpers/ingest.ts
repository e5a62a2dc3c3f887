// Shared helpers for the ingest tests: temp dirs and fixture lines.
import { spawnSync } from 'node:child_process';
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

/** Runs the built CLI (`bin/halo`) offline: no provider keys reach it. */
export function haloCli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/halo'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export { prng } from '../../src/prng.ts';
