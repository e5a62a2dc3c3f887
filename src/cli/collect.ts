// `halo collect`: an OTLP/HTTP receiver that keeps what agents send in the
// state directory, where `halo analyze` and schedules read it.
import type { Command } from 'commander';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerPool, type Decoder } from '../collect/decode.ts';
import { startCollector, type CollectorEvent } from '../collect/collector.ts';
import { parseStoreSpec } from '../store/open.ts';
import { parseDuration } from '../ingest/window.ts';
import { isUserError, UsageError } from '../errors.ts';

interface CollectFlags {
  host: string;
  port: string;
  state: string;
  dir?: string;
  store: string;
  tokenEnv: string;
  maxBody: string;
  queue: string;
  seal: string;
  decoders?: string;
}

/** Decoder threads from the bundle (dist/collect-decoder.js); none when run from source, where bodies decode in this thread. */
function decoders(flag: string | undefined): Decoder | undefined {
  const script = new URL('./collect-decoder.js', import.meta.url);
  const n = flag !== undefined ? Number(flag) : undefined;
  if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 64)) throw new UsageError(`--decoders ${flag}: expected 0-64`);
  if (n === 0 || !existsSync(fileURLToPath(script))) return undefined;
  return workerPool(script, n);
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `20MiB`, `64mb`, `1048576` → bytes. */
export function parseBytes(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) > 0)) throw new UsageError(`${what} ${text}: expected a size such as 20MiB, 64MB or 1048576`);
  return Math.floor(Number(m[1]) * unit);
}

function describe(e: CollectorEvent): string {
  switch (e.kind) {
    case 'recovered':
      return [
        e.result.sealed.length ? `sealed ${e.result.sealed.length} segment(s) a previous run left open` : '',
        e.result.tornBytes ? `cut ${e.result.tornBytes} bytes of a batch a previous run died writing (never acknowledged)` : '',
      ].filter(Boolean).join('; ');
    case 'stored':
      return `appended ${e.files} segment(s) (${e.bytes} bytes) to the store`;
    case 'store-busy':
      return `the store is in use (${e.message}); segments wait in the spool`;
    case 'store-error':
      return `could not append to the store: ${e.message}; segments wait in the spool`;
  }
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('Receive OpenTelemetry traces over OTLP/HTTP and keep them for halo analyze')
    .option('--host <addr>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '4318')
    .option('--state <dir>', 'state directory', '.halo')
    .option('--dir <dir>', 'where received spans are written (default <state>/collect)')
    .option('--store <spec>', 'store the spans are appended to: duckdb, duckdb:<file>, or memory (keep only the files)', 'duckdb')
    .option('--token-env <name>', 'environment variable holding the bearer token senders must present (none required when unset)', 'HALO_COLLECT_TOKEN')
    .option('--max-body <size>', 'largest request body, compressed or not', '20MiB')
    .option('--queue <size>', 'bytes of requests being written at once; past it senders get 429 and retry', '64MiB')
    .option('--seal <age>', 'how often received spans become readable by halo analyze', '10s')
    .option('--decoders <n>', 'threads decoding request bodies (default: one per core, up to 4; 0: the receiving thread itself)')
    .addHelpText(
      'after',
      `
Point an OpenTelemetry SDK or collector at it:
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4318/v1/traces

Then, while it runs:
  $ halo analyze .halo/collect --window 1d

Exit codes: 0 stopped by SIGINT/SIGTERM after writing what it accepted, 2 bad usage or the port is taken`,
    )
    .action(async (flags: CollectFlags) => {
      try {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${flags.port}: expected 0-65535`);
        const spec = parseStoreSpec(flags.store, flags.state);
        if (spec.backend === 'clickhouse') throw new UsageError(`--store ${flags.store.replace(/:[^:@/]*@/, ':***@')}: halo collect appends to a DuckDB store; a ClickHouse table is written by the OpenTelemetry Collector's exporter`);
        const token = process.env[flags.tokenEnv] ?? '';
        const dir = flags.dir ?? join(flags.state, 'collect');
        const log = (s: string) => process.stderr.write(`halo collect: ${s}\n`);
        let busy = false;
        const collector = await startCollector({
          host: flags.host,
          port,
          token,
          maxBodyBytes: parseBytes(flags.maxBody, '--max-body'),
          queueBytes: parseBytes(flags.queue, '--queue'),
          sealAfterMs: parseDuration(flags.seal, '--seal'),
          decoder: decoders(flags.decoders),
          dir,
          ...(spec.backend === 'duckdb' ? { storePath: spec.path, appendCommand: [process.execPath, process.argv[1]!] } : {}),
          // Fault injection for tests/collect.test.ts: die inside a write as a power cut would.
          dieMidWrite: process.env.HALO_COLLECT_DIE_MID_WRITE === '1',
          // A busy store is said once, not at every seal while an analysis holds it.
          onEvent: (e) => {
            if (e.kind === 'store-busy' && busy) return;
            busy = e.kind === 'store-busy';
            log(describe(e));
          },
        }).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${flags.host}:${port} (${err.code})`);
          throw err;
        });
        log(`listening on ${collector.receiver.url}/v1/traces${token ? ' (bearer token required)' : ''}; spans go to ${dir}`);
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          log(`${signal}: writing what was accepted, then stopping`);
          void collector.stop().then(
            () => {
              const s = collector.receiver.stats;
              log(`stopped: ${s.accepted} requests (${s.spans} spans) accepted`);
              process.exit(0);
            },
            (err: unknown) => {
              log(`stopped with an error: ${(err as Error).message}`);
              process.exit(3);
            },
          );
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      } catch (err) {
        if (!isUserError(err)) throw err;
        process.stderr.write(`halo collect: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
