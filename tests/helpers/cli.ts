// Running the built `halo` CLI the way a user would, with no model keys so it
// picks the offline mode by itself, and reading what it wrote.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FindingsFile } from '../../src/findings/schema.ts';

export const HALO_BIN = fileURLToPath(new URL('../../bin/halo', import.meta.url));

/** The caller's environment minus model keys, and no colour codes in output. */
export const cliEnv = { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', NO_COLOR: '1' };

export function halorun(cwd: string, args: string[]) {
  const r = spawnSync(HALO_BIN, args, { env: cliEnv, encoding: 'utf8', cwd, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The schema-checked findings.json a run wrote into `dir`. */
export const findingsOf = (dir: string) => FindingsFile.parse(JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')));

/**
 * The CLI, asynchronously, for tests whose loopback server lives in this
 * process and must keep answering while the CLI runs. `env` defaults to this
 * process's environment.
 */
export function halorunAsync(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(HALO_BIN, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
