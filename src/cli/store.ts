// `halo store`: what the DuckDB store in the state directory holds (files,
// days, runs, size), and `--keep 30d` to forget runs older than that.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDbStore } from '../store/duckdb.ts';
import { parseStoreSpec, STORE_FILE } from '../store/open.ts';
import { parseDuration } from '../ingest/window.ts';
import { isUserError, UsageError } from '../errors.ts';
import { syncInputs } from '../store/sync.ts';
import type { StoreInfo } from '../store/api.ts';
import { clickHouseInfo, clickHouseName } from '../store/clickhouse.ts';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function print(info: StoreInfo): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const bytes = info.files.reduce((n, f) => n + f.bytesRead, 0);
  if (info.backend === 'clickhouse') {
    out(`${info.location}: ${info.sizeBytes ? `${mb(info.sizeBytes)} on the server` : 'size not visible to this user (system.parts)'}`);
    out(`${info.runs} runs, ${info.spans} spans`);
  } else {
    out(`${info.location}: ${mb(info.sizeBytes)} on disk`);
    out(`${info.files.length} file${info.files.length === 1 ? '' : 's'} read (${mb(bytes)}), ${info.runs} runs, ${info.spans} spans`);
  }
  if (info.days.length) {
    out('');
    out(`${'day'.padEnd(12)}${'runs'.padStart(8)}${'spans'.padStart(10)}`);
    for (const d of info.days) out(`${d.day.padEnd(12)}${String(d.runs).padStart(8)}${String(d.spans).padStart(10)}`);
  }
  if (info.files.length) {
    out('');
    out(`${'read at'.padEnd(22)}${'bytes'.padStart(12)}${'records'.padStart(10)}${'bad'.padStart(6)}  file`);
    for (const f of info.files) {
      out(`${new Date(f.ingestedAt).toISOString().slice(0, 19).padEnd(22)}${String(f.bytesRead).padStart(12)}${String(f.stats.records).padStart(10)}${String(f.stats.badRecords).padStart(6)}  ${f.path}`);
    }
  }
}

export function registerStore(program: Command): void {
  program
    .command('store')
    .description('Show what the trace store in the state directory holds, or prune it by age')
    .option('--state <dir>', 'state directory', '.halo')
    .option('--store <spec>', 'which store: duckdb (in the state directory), duckdb:<file>, or clickhouse://user@host:8123/db (show what the table holds)', 'duckdb')
    .option('--keep <age>', 'delete runs that started longer ago than this (e.g. 30d); their files stay marked as read')
    .option('--json', 'machine-readable output')
    .option('--add <path...>', 'read these files or directories into the store (only what is new), without analyzing them')
    .option('--no-wait', 'give up at once (exit 2) when another halo process has the store, instead of waiting up to 10 minutes')
    .addHelpText(
      'after',
      `
The store is written by \`halo analyze --store duckdb\` (<state>/${STORE_FILE}).

Examples:
  $ halo store                 # files, days, runs and size
  $ halo store --keep 30d      # forget runs older than 30 days
  $ halo store --add traces/   # read what is new in traces/ into the store now

Exit codes: 0 ok, 2 no store, bad --keep, or the store is in use`,
    )
    .action(async (opts: { state: string; keep?: string; json?: boolean; add?: string[]; wait: boolean; store: string }) => {
      let path = join(opts.state, STORE_FILE);
      try {
        const spec = parseStoreSpec(opts.store, opts.state);
        if (spec.backend === 'clickhouse') {
          // Halo only reads a ClickHouse table: the exporter fills it, and its TTL prunes it.
          if (opts.keep !== undefined || opts.add) throw new UsageError(`${clickHouseName(spec)} is read-only to halo: --keep and --add apply to a DuckDB store (the table's TTL prunes it)`);
          const info = await clickHouseInfo(spec);
          if (opts.json) return void process.stdout.write(JSON.stringify(info, null, 2) + '\n');
          return print(info);
        }
        if (spec.backend !== 'duckdb') throw new UsageError(`--store ${opts.store}: halo store shows a DuckDB or ClickHouse store`);
        path = spec.path;
        const keepMs = opts.keep !== undefined ? parseDuration(opts.keep, '--keep') : null;
        if (!existsSync(path) && !opts.add) {
          process.stderr.write(`halo store: no store in ${opts.state} yet; \`halo analyze --store duckdb\` creates ${path}\n`);
          process.exitCode = 2;
          return;
        }
        const store = await openDuckDbStore(path, opts.wait ? {} : { lockWaitMs: 0 });
        try {
          if (opts.add) {
            const r = await syncInputs(store, opts.add);
            const changed = r.files.filter((f) => f.action !== 'unchanged');
            const line = { files: changed.length, bytes: r.bytesRead };
            if (opts.json) return void process.stdout.write(JSON.stringify(line) + '\n');
            return void process.stdout.write(`added ${line.files} file(s), ${line.bytes} bytes\n`);
          }
          const pruned = keepMs !== null ? await store.prune(Date.now() - keepMs) : null;
          const info = await store.info();
          if (opts.json) return void process.stdout.write(JSON.stringify({ ...(pruned ? { pruned } : {}), ...info }, null, 2) + '\n');
          if (pruned) process.stdout.write(`pruned ${pruned.runs} runs (${pruned.spans} spans) that started more than ${opts.keep} ago\n\n`);
          print(info);
        } finally {
          await store.close();
        }
      } catch (err) {
        if (!isUserError(err)) throw err;
        process.stderr.write(`halo store: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
