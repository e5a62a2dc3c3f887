import { defineConfig } from 'vitest/config';

// isolated-vm must run in forked processes started with --no-node-snapshot,
// never in worker threads.
export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['tests/global-setup.ts'],
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
