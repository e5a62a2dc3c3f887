// Serves sandbox code's `sql(query, {maxRows})` inside the sandbox child,
// next to the isolate, as `repo.*` is: the parent never sees the query. Each
// call opens the DuckDB store read-only with external access off (no files, no
// URLs, no extensions; a query cannot turn it back on), so the store is not
// held between calls and another halo process (a schedule, `halo collect`)
// can append meanwhile. The window this run analyzes is `window_runs` and
// `window_spans`; `runs` and `spans` are everything the store holds. With
// `--store clickhouse://…` the same four names are defined over the table
// (clickhouse.ts), queried read-only on the server with the same caps.
import type { DuckDBInstance } from '@duckdb/node-api';
import { duckdbApi } from './duckdb-api.ts';
import type { SqlResult } from './api.ts';
import type { TimeWindow } from '../ingest/api.ts';
import { clickHouseSql } from './clickhouse.ts';
import type { StoreSpec } from './open.ts';
import { selectOnly } from './duckdb.ts';

export const SQL_LIMITS = {
  defaultRows: 200,
  maxRows: 2000,
  /** Characters of the rows as JSON. */
  maxChars: 256 * 1024,
  timeoutMs: 10_000,
  /** How long a call waits for a halo process that is writing the store. */
  lockWaitMs: 5_000,
};

export type SqlCallHandler = (query: string, opts?: { maxRows?: number }) => Promise<SqlResult & { note?: string }>;

/** The analyzed window as sql() defines it: the DuckDB store's run ids, or a ClickHouse window's time bounds. */
export type SqlWindow = { ids: readonly string[] } | { bounds: TimeWindow };

/** `window`: the analyzed window, or null where sql() is not offered (no store, a child analysis). */
export function createSqlCalls(spec: StoreSpec | undefined, window: () => SqlWindow | null): SqlCallHandler {
  return async (query, opts) => {
    if (spec === undefined || spec.backend === 'memory') throw new Error('sql() needs the trace store: run halo with --store duckdb (or --store clickhouse://…)');
    const w = window();
    if (w === null) throw new Error('sql() is available in the root analysis only; a child analysis works on the runs it was given');
    const maxRows = Math.min(Math.max(1, Math.floor(Number(opts?.maxRows) || SQL_LIMITS.defaultRows)), SQL_LIMITS.maxRows);
    const noted = (r: SqlResult) =>
      r.truncated ? { ...r, note: `cut at ${r.rows.length} rows (maxRows ${maxRows}, at most ${SQL_LIMITS.maxChars / 1024} KB of rows); aggregate in SQL or add LIMIT` } : r;
    if (spec.backend === 'clickhouse') {
      if (!('bounds' in w)) throw new Error('sql(): the ClickHouse window was not planned');
      return noted(await clickHouseSql(spec, w.bounds, query, { maxRows, maxChars: SQL_LIMITS.maxChars, timeoutMs: SQL_LIMITS.timeoutMs }));
    }
    if (!('ids' in w)) throw new Error('sql(): the store window was not planned');
    const ids = w.ids;
    const instance = await openReadOnly(spec.path);
    try {
      const conn = await instance.connect();
      try {
        await conn.run('CREATE TEMP TABLE window_ids (trace_id VARCHAR)');
        const a = await conn.createAppender('window_ids', 'main', 'temp');
        for (const id of ids) {
          a.appendVarchar(id);
          a.endRow();
        }
        a.closeSync();
        await conn.run(`CREATE TEMP VIEW window_runs AS SELECT r.* FROM main.runs r JOIN window_ids USING (trace_id);
          CREATE TEMP VIEW window_spans AS SELECT s.* FROM main.spans s JOIN window_ids USING (trace_id)`);
        return noted(await selectOnly(conn, query, { maxRows, maxChars: SQL_LIMITS.maxChars, timeoutMs: SQL_LIMITS.timeoutMs }));
      } finally {
        conn.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  };
}

async function openReadOnly(path: string): Promise<DuckDBInstance> {
  const until = Date.now() + SQL_LIMITS.lockWaitMs;
  for (;;) {
    try {
      return await duckdbApi().DuckDBInstance.create(path, {
        access_mode: 'READ_ONLY',
        enable_external_access: 'false',
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        lock_configuration: 'true',
        memory_limit: '256MB',
        threads: '1',
      });
    } catch (err) {
      const msg = String((err as Error)?.message ?? err);
      if (!/lock/i.test(msg) || Date.now() >= until) throw new Error(`sql(): cannot open the store: ${msg.split('\n')[0]}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
