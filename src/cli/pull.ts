// `halo pull`: brings what is new in Langfuse, LangSmith or Phoenix into the
// state directory (one JSONL file per pull), for `halo analyze` to read later.
import type { Command } from 'commander';
import { runPull, DEFAULT_OVERLAP_MS, DEFAULT_SETTLE_MS } from '../pull/pull.ts';
import { SOURCE_NAMES, type SourceName } from '../pull/sources.ts';
import { parseDuration } from '../ingest/window.ts';
import { HaloError, UsageError } from '../errors.ts';

interface PullFlags {
  source?: string;
  sourceUrl?: string;
  sourceProject?: string;
  since: string;
  settle?: string;
  overlap?: string;
  pageSize?: string;
  state: string;
  json?: boolean;
}

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('Pull what is new from Langfuse, LangSmith or Phoenix into the state directory')
    .requiredOption('--source <service>', `the service: ${SOURCE_NAMES.join(', ')}`)
    .option('--source-url <url>', "its API base URL (default: its cloud, or LANGFUSE_HOST / LANGSMITH_ENDPOINT / PHOENIX_COLLECTOR_ENDPOINT)")
    .option('--source-project <name>', 'the LangSmith or Phoenix project (name or id)')
    .option('--since <age>', 'how far back the first pull reaches', '7d')
    .option('--settle <age>', `leave runs younger than this for the next pull (default ${DEFAULT_SETTLE_MS / 60_000}m)`)
    .option('--overlap <age>', `how far before the last cursor each pull looks again, for records the service indexed late (default ${DEFAULT_OVERLAP_MS / 60_000}m)`)
    .option('--page-size <n>', 'records per page')
    .option('--state <dir>', 'state directory', '.halo')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Keys come from the environment only: LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY,
LANGSMITH_API_KEY, PHOENIX_API_KEY (a local Phoenix needs none).

Each pull writes one file under <state>/pull/<service>-<key>/ and moves the cursor
kept beside it; a pull that fails keeps nothing and the next starts from the same cursor.

Examples:
  $ halo pull --source langfuse && halo analyze .halo/pull/langfuse-*/ --window 1d
  $ halo analyze --source langsmith --source-project support-bot --window 1d   # pull, then analyze

Exit codes: 0 ok, 1 the service refused or kept failing, 2 bad usage`,
    )
    .action(async (flags: PullFlags) => {
      try {
        if (!SOURCE_NAMES.includes(flags.source as SourceName)) throw new UsageError(`--source ${flags.source}: use ${SOURCE_NAMES.join(', ')}`);
        const pageSize = flags.pageSize !== undefined ? Number(flags.pageSize) : undefined;
        if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) throw new UsageError(`--page-size ${flags.pageSize}: expected a positive integer`);
        const r = await runPull(
          { source: flags.source as SourceName, ...(flags.sourceUrl ? { url: flags.sourceUrl } : {}), ...(flags.sourceProject ? { project: flags.sourceProject } : {}), ...(pageSize ? { pageSize } : {}) },
          {
            stateDir: flags.state,
            sinceMs: parseDuration(flags.since, '--since'),
            ...(flags.settle ? { settleMs: parseDuration(flags.settle, '--settle') } : {}),
            ...(flags.overlap ? { overlapMs: parseDuration(flags.overlap, '--overlap') } : {}),
            http: { log: (l) => process.stderr.write(`halo pull: ${l}\n`) },
          },
        );
        if (flags.json) return void process.stdout.write(JSON.stringify(r) + '\n');
        process.stdout.write(`pulled ${r.records} new record(s) from ${flags.source} in ${r.pages} page(s), ${r.from} to ${r.to}${r.repeated ? ` (${r.repeated} seen before, skipped)` : ''}\n`);
        process.stdout.write(r.file ? `wrote ${r.file}\n` : `nothing new; ${r.dir} is unchanged\n`);
      } catch (err) {
        if (!HaloError.isInstance(err)) throw err;
        process.stderr.write(`halo pull: ${err.message}\n`);
        process.exitCode = err.exitCode;
      }
    });
}
