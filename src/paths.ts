// Locates files that ship with the package (dist bundles, prompts, samples),
// whether running from dist/ (installed) or from src/ (tests).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'halo'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('halo: cannot locate the package root');
    dir = up;
  }
}

export const packageRoot = findRoot();
export const distPath = (name: string) => join(packageRoot, 'dist', name);
export const promptPath = (name: string) => join(packageRoot, 'prompts', name);
