import { execFileSync } from 'node:child_process';

// Tests that fork the sandbox child or run the CLI use the bundles in dist/,
// so build them from the current sources first.
export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
