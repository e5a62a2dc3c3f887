// Bundles the CLI, the library, the sandbox child and the isolate runtime.
// The isolate runtime is one self-contained IIFE: code inside isolated-vm
// cannot import modules, so ingest normalizers, detectors and verification are
// compiled into it from the same sources the host uses.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { isolateBundle } from './isolate-bundle.mjs';

mkdirSync('dist', { recursive: true });
const node = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};
await Promise.all([
  build({ ...node, entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', internal: 'src/internal.ts', 'sandbox-child': 'src/sandbox/child.ts', 'collect-decoder': 'src/collect/decoder-thread.ts' }, outdir: 'dist' }),
  build({ ...isolateBundle, outfile: 'dist/sandbox-runtime.js' }),
  // A fresh context per model predicate: the trace and JavaScript's built-ins, nothing of the cells.
  build({ ...isolateBundle, entryPoints: ['sandbox/predicate-runtime.ts'], outfile: 'dist/predicate-runtime.js' }),
]);
