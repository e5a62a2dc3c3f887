// `halo collect` as a library: the receiver writing into the spool, and the
// spool's sealed segments appended to the store as they seal. The store is
// opened only for each append and closed after, so `halo analyze` and
// scheduled runs can open the same store between appends; while one of them
// holds it, segments wait on disk and go in at the next turn.
import { existsSync } from 'node:fs';
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
    let store;
    try {
      // No waiting for the lock: another halo process has the store, and the segments keep.
      store = await openDuckDbStore(opts.storePath, { lockWaitMs: 0 });
    } catch (err) {
      if (err instanceof StoreError) return opts.onEvent?.({ kind: 'store-busy', message: err.message });
      throw err;
    }
    try {
      const r = await syncInputs(store, [spool.dir]);
      const changed = r.files.filter((f) => f.action !== 'unchanged');
      if (changed.length > 0) opts.onEvent?.({ kind: 'stored', files: changed.length, bytes: r.bytesRead });
    } catch (err) {
      opts.onEvent?.({ kind: 'store-error', message: (err as Error).message });
    } finally {
      await store.close();
    }
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
