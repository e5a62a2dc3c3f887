#!/usr/bin/env node
// Runs every benchmark in order and lets each one rewrite its section of
// bench/RESULTS.md. They share one generated ≥1 GB week under bench/data/.
// Usage: npm run bench [-- ingest splitters sandbox analyze rlm caching children]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['ingest', 'splitters', 'sandbox', 'analyze', 'rlm', 'caching', 'children'];
const pick = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = pick.length ? pick : all;
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
let failed = 0;
for (const name of names) {
  const file = `bench/${name}.mjs`;
  if (!existsSync(file)) {
    console.error(`bench: ${file} not found`);
    failed++;
    continue;
  }
  console.error(`\n== bench ${name} ==`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--no-node-snapshot', '--max-old-space-size=16384', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
