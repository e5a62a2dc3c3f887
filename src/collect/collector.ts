// `halo collect` as a library: the receiver writing into the spool, and the
// spool's sealed segments appended to the store as they seal. The store is
// opened only for each append and closed after, so `halo analyze` and
// scheduled runs can open the same store between appends; while one of them
// holds it, segments wait on disk and go in at the next turn.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { openDuckDbStore } from '../store/duckdb.ts';
import { syncInputs } from '../store/sync.ts';
import { StoreError } from '../store/errors.ts';
import { startReceiver, type Receiver, type ReceiverOptions } from './receiver.ts';
import { Spool, type RecoverResult } from './spool.ts';

export interface CollectorOptions extends ReceiverOptions {
  /** Where the spool's segments go (`<state>/collect`). */
  dir: string;
  /** The DuckDB store sealed segments are appended to; none keeps only the spool. */
  storePath?: string;
  /** Seal the open segment when it is this old (ms) and has lines. */
  sealAfterMs: number;
  segmentBytes?: number;
  /**
   * The halo command line (`[node, bin/halo]`) to append with, as its own
   * process (\`halo store --add\`), so the receiver's process spends its time
   * receiving; without it the append runs in this process.
   */
  appendCommand?: string[];
  dieMidWrite?: boolean;
  onEvent?: (e: CollectorEvent) => void;
}

export type CollectorEvent =
  | { kind: 'recovered'; result: RecoverResult }
  | { kind: 'stored'; files: number; bytes: number }
  | { kind: 'store-busy'; message: string }
  | { kind: 'store-error'; message: string };

export interface Collector {
  receiver: Receiver;
  spool: Spool;
  /** Seals the open segment and appends every sealed one to the store (when it is free). */
  flush(): Promise<void>;
  /** Stops receiving, writes what was accepted, seals, appends to the store. */
  stop(): Promise<void>;
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const spool = new Spool(opts.dir, { segmentBytes: opts.segmentBytes, dieMidWrite: opts.dieMidWrite });
  const recovered = spool.recover();
  if (recovered.sealed.length > 0 || recovered.tornBytes > 0) opts.onEvent?.({ kind: 'recovered', result: recovered });
  const receiver = await startReceiver(spool, opts);

  let storing: Promise<void> | null = null;
  const toStore = async () => {
    if (!opts.storePath || spool.sealedFiles().length === 0) return;
    const r = opts.appendCommand ? await appendInChild(opts.appendCommand, opts.storePath, spool.dir) : await appendHere(opts.storePath, spool.dir);
    if (r.kind === 'stored' && r.files === 0) return;
    opts.onEvent?.(r);
  };
  const storeOnce = () => (storing ??= toStore().finally(() => (storing = null)));

  const tick = async (minAge: number) => {
    await spool.seal(minAge);
    await storeOnce();
  };
  const timer = setInterval(() => void tick(opts.sealAfterMs).catch((err) => opts.onEvent?.({ kind: 'store-error', message: String(err) })), Math.max(250, Math.min(opts.sealAfterMs, 5000)));
  timer.unref();
  // Segments a killed process left, or that the last run could not store.
  if (existsSync(opts.dir)) void storeOnce();

  return {
    receiver,
    spool,
    flush: async () => {
      await storing;
      await tick(0);
    },
    stop: async () => {
      clearInterval(timer);
      await receiver.close();
      await spool.close();
      await storing;
      await storeOnce();
    },
  };
}

async function appendHere(storePath: string, dir: string): Promise<CollectorEvent> {
  let store;
  try {
    // No waiting for the lock: another halo process has the store, and the segments keep.
    store = await openDuckDbStore(storePath, { lockWaitMs: 0 });
  } catch (err) {
    if (err instanceof StoreError) return { kind: 'store-busy', message: err.message };
    throw err;
  }
  try {
    const r = await syncInputs(store, [dir]);
    return { kind: 'stored', files: r.files.filter((f) => f.action !== 'unchanged').length, bytes: r.bytesRead };
  } catch (err) {
    return { kind: 'store-error', message: (err as Error).message };
  } finally {
    await store.close();
  }
}

function appendInChild(command: string[], storePath: string, dir: string): Promise<CollectorEvent> {
  return new Promise((resolve) => {
    const [exe, ...args] = command;
    const child = spawn(exe!, [...args, 'store', '--store', `duckdb:${storePath}`, '--add', dir, '--no-wait', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ kind: 'store-error', message: e.message }));
    child.on('close', (code) => {
      if (code === 0) {
        const r = JSON.parse(out) as { files: number; bytes: number };
        return resolve({ kind: 'stored', files: r.files, bytes: r.bytes });
      }
      const message = err.trim().replace(/^halo store: /, '');
      resolve(/in use/.test(message) ? { kind: 'store-busy', message } : { kind: 'store-error', message: message || `exit ${code}` });
    });
  });
}
