import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;

// What a user's own runs leave in the checkout (the Quickstart writes both).
// Tests use temporary directories; one that writes here would make the next
// Quickstart run read the tests' fake runs as history.
const USER_STATE = ['.halo', 'halo-report', 'export-result.json'];

function snapshot(): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (path: string, depth: number) => {
    if (!existsSync(path)) return;
    const st = statSync(path);
    out.set(path, st.mtimeMs);
    if (st.isDirectory() && depth < 3) for (const name of readdirSync(path)) walk(join(path, name), depth + 1);
  };
  for (const name of USER_STATE) walk(join(ROOT, name), 0);
  return out;
}

// Tests that fork the sandbox child or run the CLI use the bundles in dist/,
// so build them from the current sources first.
export default function setup() {
  // Vitest runs this once for the root config and once per project (vitest.config.ts): build once.
  const flags = globalThis as { haloBuilt?: boolean };
  if (!flags.haloBuilt) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  flags.haloBuilt = true;
  const before = snapshot();
  return () => {
    const changed = [...snapshot()].filter(([path, mtime]) => before.get(path) !== mtime).map(([path]) => path.slice(ROOT.length));
    if (!changed.length) return;
    // A teardown error alone is only logged: set the exit code so `npm test` fails.
    process.exitCode = 1;
    throw new Error(`tests wrote into the checkout's own state (use a temporary directory or --state/--no-history): ${changed.slice(0, 5).join(', ')}`);
  };
}
