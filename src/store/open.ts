// Which store a run uses: `--store duckdb` (a file in the state directory) or
// `--store memory` (nothing kept between runs).
import { join } from 'node:path';
import type { Store } from './api.ts';
import { createMemoryStore } from './memory.ts';
import { openDuckDbStore } from './duckdb.ts';
import { UsageError } from '../errors.ts';

export type StoreSpec = { backend: 'memory' } | { backend: 'duckdb'; path: string };

export const STORE_FILE = 'store.duckdb';

/** `memory`, `duckdb` (in `stateDir`), or a `.duckdb` path of its own. */
export function parseStoreSpec(text: string, stateDir: string): StoreSpec {
  const t = text.trim();
  if (t === 'memory') return { backend: 'memory' };
  if (t === 'duckdb') return { backend: 'duckdb', path: join(stateDir, STORE_FILE) };
  if (t.startsWith('duckdb:')) return { backend: 'duckdb', path: t.slice('duckdb:'.length) };
  if (/^clickhouse(s)?:\/\//i.test(t)) throw new UsageError(`--store ${t}: the ClickHouse backend is not available yet; use duckdb or memory`);
  throw new UsageError(`--store ${text}: expected memory, duckdb or duckdb:<file>`);
}

export async function openStore(spec: StoreSpec): Promise<Store> {
  return spec.backend === 'memory' ? createMemoryStore() : openDuckDbStore(spec.path);
}
