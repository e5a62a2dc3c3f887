import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// End-to-end tests: each drives the built `halo` CLI (or a browser) many
// times, one Node start, sandbox child and trace load per run. They are the
// `e2e` project; `npm test` runs the rest (`default`), and CI (`.ci/run`) runs
// both. `npx vitest run` with no project runs everything.
export const E2E_TESTS = [
  'tests/analyze-history.test.ts',
  'tests/analyze-gates.test.ts',
  'tests/qa-regressions.test.ts',
  'tests/inspect.test.ts',
  'tests/exec.test.ts',
  'tests/mute.test.ts',
  'tests/eval.test.ts',
  'tests/schedule-cli.test.ts',
  'tests/export-schedule.test.ts',
  'tests/lifetime.test.ts',
  'tests/cli-flags.test.ts',
  'tests/store-analyze.test.ts',
  'tests/analyze.test.ts',
  'tests/providers-cli.test.ts',
  'tests/report-html.test.ts',
  'tests/compare-cli.test.ts',
  // Whole analyses of generated weeks and judged samples, a minute each: npm test stays under four minutes idle.
  'tests/compare.test.ts',
  'tests/signals.test.ts',
  'tests/dataset.test.ts',
  // Scripted-model analyses of the 3,000-run sample week through the real sandbox, 30 s in all: with six more real sets loaded by detector tests, npm test had crossed four minutes.
  'tests/verification.test.ts',
  // ClickHouse (chdb in process) behind its HTTP interface: whole analyses from a table and from its export, CLI runs.
  'tests/store-clickhouse.test.ts',
  // The two-step detector property on every real set under five shardings each: a minute of detector runs.
  'tests/detectors-two-step-real.test.ts',
  // Three whole analyses (memory, a first and a lazy re-run over DuckDB) of the sample week and every real set.
  'tests/store-lazy.test.ts',
  // Two sandbox loads (a first run and a lazy re-run over DuckDB) of the sample week and every real set.
  'tests/store-rebuilt-spans.test.ts',
  // Three whole analyses and two sandbox loads (memory, and a first run streamed from DuckDB) of the sample week and every real set.
  'tests/store-stream.test.ts',
  // Three sandbox loads of the sample week (two in memory, one streamed from DuckDB), each verified in one pass or in pieces.
  'tests/store-pieces.test.ts',
];

// isolated-vm must run in forked processes started with --no-node-snapshot,
// never in worker threads.
export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    // Vitest's default is one worker fewer than the cores: on 2 cores, one
    // file at a time. Most of a file's time is spent waiting on the processes
    // it starts (the CLI, sandbox children), so one worker per core keeps both
    // cores busy.
    maxWorkers: availableParallelism(),
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'default', include: ['tests/**/*.test.ts'], exclude: E2E_TESTS } },
      { extends: true, test: { name: 'e2e', include: E2E_TESTS } },
    ],
  },
});
