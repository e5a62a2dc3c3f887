// `--store clickhouse://user:pass@host:port/db`: an existing ClickHouse that
// the OpenTelemetry Collector's ClickHouse exporter writes `otel_traces` to,
// read where it is through the official client. Every query is read-only
// (`readonly=1`: the server refuses writes, DDL, settings changes and table
// functions that reach files or URLs) and carries execution limits. Nothing
// is written to it and nothing is cached locally: each run asks the server
// for the window's runs (decided in SQL, see otel-traces-sql.ts) and streams
// their rows into the analysis as text, as a file's lines would be.
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { TimeWindow, WindowSpec } from '../ingest/api.ts';
import type { WindowAnchors } from '../ingest/ingestor.ts';
import { resolveWindow } from '../ingest/window.ts';
import { UsageError } from '../errors.ts';
import type { SqlResult, StoreInfo } from './api.ts';
import { StoreError } from './errors.ts';
import { daysQuery, nthStartQuery, outlierQueries, runCountQuery, sizeQuery, sqlTables, tableRef, windowCountQuery, windowRowsQuery } from './otel-traces-sql.ts';
import { OUTLIER_RULE } from '../ingest/time-outliers.ts';

export interface ClickHouseSpec {
  backend: 'clickhouse';
  /** http(s)://host:port of the HTTP interface. */
  url: string;
  username: string;
  password: string;
  database: string;
  table: string;
}

/** The exporter's defaults (`database: otel`, `traces_table_name: otel_traces`). */
const DEFAULT_DATABASE = 'otel';
const DEFAULT_TABLE = 'otel_traces';

/**
 * `clickhouse://user:pass@host:port/db?table=otel_traces` (`clickhouses://`
 * for TLS). The password may instead come from HALO_CLICKHOUSE_PASSWORD, so
 * it need not be written in a config file or a shell history.
 */
export function parseClickHouseUrl(text: string, env: NodeJS.ProcessEnv = process.env): ClickHouseSpec {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`--store ${redactUrl(text)}: not a URL; expected clickhouse://user:password@host:8123/database`);
  }
  const tls = u.protocol === 'clickhouses:';
  if (!tls && u.protocol !== 'clickhouse:') throw new UsageError(`--store ${redactUrl(text)}: expected clickhouse:// or clickhouses://`);
  if (!u.hostname) throw new UsageError(`--store ${redactUrl(text)}: no host; expected clickhouse://user:password@host:8123/database`);
  const path = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  if (path.includes('/')) throw new UsageError(`--store ${redactUrl(text)}: the path names one database (clickhouse://host:8123/otel), got "${path}"`);
  const table = u.searchParams.get('table') ?? DEFAULT_TABLE;
  for (const k of u.searchParams.keys()) if (k !== 'table') throw new UsageError(`--store ${redactUrl(text)}: unknown parameter "${k}" (only ?table=<name>)`);
  return {
    backend: 'clickhouse',
    url: `${tls ? 'https' : 'http'}://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${u.port || (tls ? '8443' : '8123')}`,
    username: decodeURIComponent(u.username) || 'default',
    password: u.password ? decodeURIComponent(u.password) : (env.HALO_CLICKHOUSE_PASSWORD ?? ''),
    database: path || DEFAULT_DATABASE,
    table,
  };
}

/** What messages and reports call the table: no password. */
export function clickHouseName(spec: ClickHouseSpec): string {
  return `clickhouse://${spec.username}@${spec.url.replace(/^https?:\/\//, '')}/${spec.database}.${spec.table}`;
}

function redactUrl(text: string): string {
  return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** Limits on every query Halo sends; the server enforces them. */
const LOAD_SETTINGS: ClickHouseSettings = {
  readonly: '1',
  max_execution_time: 600,
  max_memory_usage: String(4 * 1024 ** 3),
  // The window's rows leave in time order (the same input, the same report): a large window sorts on disk, within the memory cap.
  max_bytes_before_external_sort: String(1024 ** 3),
  // A long load stays alive behind proxies and load balancers that drop idle connections.
  send_progress_in_http_headers: 1,
  http_headers_progress_interval_ms: '10000',
};

export const CLICKHOUSE_SQL_LIMITS = { timeoutMs: 10_000, maxMemoryBytes: 1024 ** 3 };

function client(spec: ClickHouseSpec, settings: ClickHouseSettings, timeoutMs: number, compress = true): ClickHouseClient {
  return createClient({
    url: spec.url,
    username: spec.username,
    password: spec.password,
    database: spec.database,
    clickhouse_settings: settings,
    request_timeout: timeoutMs,
    compression: { response: compress, request: false },
    application: 'halo',
  });
}

/** Each user's own `readonly` (its settings profile), asked once per server and user. */
const profileReadonly = new Map<string, Promise<number>>();

/**
 * A client whose queries are read-only and limited, for the user's profile: a
 * user that may change settings gets readonly=1 and the limits sent with every
 * query; a `readonly=2` profile is read-only already and keeps its own
 * `readonly` (the server refuses to change it); a `readonly=1` profile refuses
 * every setting (compression's included), so nothing is sent and the limits
 * are the profile's.
 */
async function connect(spec: ClickHouseSpec, settings: ClickHouseSettings, timeoutMs: number): Promise<ClickHouseClient> {
  const key = `${spec.url}\n${spec.username}`;
  let level = profileReadonly.get(key);
  if (level === undefined) {
    level = askReadonly(spec);
    profileReadonly.set(key, level);
    level.catch(() => profileReadonly.delete(key));
  }
  const ro = await level;
  if (ro === 1) return client(spec, {}, timeoutMs, false);
  if (ro === 2) {
    const { readonly: _ignored, ...rest } = settings;
    return client(spec, rest, timeoutMs);
  }
  return client(spec, settings, timeoutMs);
}

async function askReadonly(spec: ClickHouseSpec): Promise<number> {
  const c = client(spec, {}, 30_000, false);
  try {
    return Number((await rowsOf<{ r: number | string }>(c, "SELECT toUInt8(getSetting('readonly')) AS r"))[0]?.r ?? 0);
  } catch (err) {
    throw fail(spec, err);
  } finally {
    await c.close();
  }
}

function fail(spec: ClickHouseSpec, err: unknown): StoreError {
  const msg = String((err as Error)?.message ?? err).trim();
  return new StoreError(`${clickHouseName(spec)}: ${msg}`);
}

async function rowsOf<T>(c: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await c.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}


/** A window of the table: what ingest would have said of the whole table, and how to stream the window's rows. */
export interface ClickHouseWindow {
  /** The table's name for messages and per-file stats. */
  name: string;
  window: TimeWindow;
  anchors: WindowAnchors;
  runs: { total: number; inWindow: number };
  /** Streams the window's rows (JSONEachRow text, whole lines) in batches of about `batchChars`. */
  read(onText: (text: string) => Promise<void> | void, batchChars?: number): Promise<void>;
}

export async function planClickHouseWindow(spec: ClickHouseSpec, windowSpec: WindowSpec, now: number): Promise<ClickHouseWindow> {
  const t = tableRef(spec.database, spec.table);
  const name = clickHouseName(spec);
  const c = await connect(spec, LOAD_SETTINGS, 600_000);
  try {
    const num = async (q: string, col: string) => Number((await rowsOf<Record<string, unknown>>(c, q))[0]?.[col] ?? 0);
    const total = await num(runCountQuery(t), 'n');
    let latest: number | null = null;
    let outliers: { trace_id: string; start: number }[] = [];
    let outlierCount = 0;
    // Time outliers as ingest finds them (findTimeOutliers): fences around the middle half of all run starts.
    if (total >= OUTLIER_RULE.minTraces) {
      const q1 = await num(nthStartQuery(t, (total - 1) * 0.25), 'start');
      const q3 = await num(nthStartQuery(t, (total - 1) * 0.75), 'start');
      const fence = Math.max(OUTLIER_RULE.iqrFactor * (q3 - q1), OUTLIER_RULE.minFenceMs);
      const q = outlierQueries(t, q1 - fence, q3 + fence, 5);
      const counts = (await rowsOf<{ outliers: string | number; latest: number; inside: string | number }>(c, q.counts))[0]!;
      outlierCount = Number(counts.outliers);
      latest = Number(counts.inside) > 0 ? Number(counts.latest) : null;
      if (outlierCount > 0) outliers = await rowsOf(c, q.list);
    } else if (total > 0) {
      latest = await num(nthStartQuery(t, total - 1), 'start');
    }
    const window = resolveWindow(windowSpec, { now, latest });
    const open = window.start === null && window.end === null;
    const inWindow = open ? total : await num(windowCountQuery(t, window), 'n');
    return {
      name,
      window,
      anchors: {
        latest,
        outliers: outliers.map((o) => ({ traceId: o.trace_id, startTime: Number(o.start), file: name })),
        outlierCount,
        outsideWindow: total - inWindow,
      },
      runs: { total, inWindow },
      read: async (onText, batchChars = 8 * 1024 * 1024) => {
        const rc = await connect(spec, LOAD_SETTINGS, 600_000);
        try {
          const rs = await rc.query({ query: windowRowsQuery(t, window), format: 'JSONEachRow' });
          let parts: string[] = [];
          let chars = 0;
          for await (const rows of rs.stream()) {
            for (const row of rows) {
              parts.push(row.text);
              chars += row.text.length + 1;
            }
            if (chars >= batchChars) {
              const text = parts.join('\n');
              parts = [];
              chars = 0;
              await onText(text);
            }
          }
          if (parts.length) await onText(parts.join('\n'));
        } catch (err) {
          throw err instanceof StoreError ? err : fail(spec, err);
        } finally {
          await rc.close();
        }
      },
    };
  } catch (err) {
    throw err instanceof StoreError || err instanceof UsageError ? err : fail(spec, err);
  } finally {
    await c.close();
  }
}

/** What the table holds, as `halo store` shows a store: runs and spans per day, and its size when the user may see it. */
export async function clickHouseInfo(spec: ClickHouseSpec): Promise<StoreInfo> {
  const c = await connect(spec, LOAD_SETTINGS, 600_000);
  try {
    const days = (await rowsOf<{ day: string; runs: string | number; spans: string | number }>(c, daysQuery(tableRef(spec.database, spec.table)))).map((d) => ({
      day: d.day,
      runs: Number(d.runs),
      spans: Number(d.spans),
    }));
    let sizeBytes = 0;
    try {
      sizeBytes = Number((await rowsOf<{ bytes: string | number }>(c, sizeQuery(spec.database, spec.table)))[0]?.bytes ?? 0);
    } catch {
      // no grant on system.parts: the size is not shown
    }
    return {
      backend: 'clickhouse',
      location: clickHouseName(spec),
      files: [],
      runs: days.reduce((n, d) => n + d.runs, 0),
      spans: days.reduce((n, d) => n + d.spans, 0),
      days,
      sizeBytes,
    };
  } catch (err) {
    throw fail(spec, err);
  } finally {
    await c.close();
  }
}

export interface ClickHouseSqlLimits {
  maxRows: number;
  maxChars: number;
  timeoutMs?: number;
}

/**
 * `sql()` against the table: one SELECT (or WITH … SELECT), refused otherwise
 * before it is sent; `spans`, `runs`, `window_spans` and `window_runs` are
 * defined for it (sqlTables). The server runs it with readonly=1, a time
 * limit, a memory limit and a result cap; the rows are cut here too.
 */
export async function clickHouseSql(spec: ClickHouseSpec, window: TimeWindow, query: string, limits: ClickHouseSqlLimits): Promise<SqlResult> {
  const body = selectBody(query);
  const tables = sqlTables(tableRef(spec.database, spec.table), window);
  const full = body.with ? `WITH ${tables}, ${body.rest}` : `WITH ${tables} ${body.rest}`;
  const timeoutMs = limits.timeoutMs ?? CLICKHOUSE_SQL_LIMITS.timeoutMs;
  const c = await connect(
    spec,
    {
      readonly: '1',
      max_execution_time: Math.ceil(timeoutMs / 1000),
      max_memory_usage: String(CLICKHOUSE_SQL_LIMITS.maxMemoryBytes),
      max_result_rows: String(limits.maxRows + 1),
      max_result_bytes: String(limits.maxChars * 4),
      result_overflow_mode: 'break',
    },
    timeoutMs + 5_000,
  );
  try {
    const rs = await c.query({ query: full, format: 'JSONCompactEachRowWithNames' });
    let columns: string[] | null = null;
    const rows: unknown[][] = [];
    let chars = 0;
    let truncated = false;
    const stream = rs.stream();
    outer: for await (const batch of stream) {
      for (const row of batch) {
        const values = row.json<unknown[]>();
        if (columns === null) {
          columns = values as string[];
          continue;
        }
        chars += row.text.length + 1;
        if (rows.length >= limits.maxRows || chars > limits.maxChars) {
          truncated = true;
          break outer;
        }
        rows.push(values);
      }
    }
    if (truncated) stream.destroy();
    return { columns: columns ?? [], rows, truncated };
  } catch (err) {
    const msg = String((err as Error)?.message ?? err).trim();
    if (/TIMEOUT_EXCEEDED|Timeout exceeded/i.test(msg)) throw new StoreError(`sql(): the query ran past its ${timeoutMs / 1000}s limit and was stopped; aggregate more, or filter first`);
    throw new StoreError(`sql(): ${msg}`);
  } finally {
    await c.close();
  }
}

/** Strips comments and one trailing `;`, and checks the statement is a query. */
function selectBody(query: string): { with: boolean; rest: string } {
  let q = query.trim();
  for (;;) {
    if (q.startsWith('--')) q = q.slice(q.indexOf('\n') === -1 ? q.length : q.indexOf('\n') + 1).trimStart();
    else if (q.startsWith('/*')) q = q.slice(q.indexOf('*/') === -1 ? q.length : q.indexOf('*/') + 2).trimStart();
    else break;
  }
  q = q.replace(/;\s*$/, '');
  if (/;/.test(q.replace(/'(?:[^'\\]|\\.)*'/g, "''"))) throw new StoreError('sql(): one statement at a time');
  const m = /^(select|with)\b/i.exec(q);
  if (m === null) throw new StoreError('sql(): only SELECT (or WITH … SELECT) queries are allowed');
  return m[1]!.toLowerCase() === 'with' ? { with: true, rest: q.slice(m[0].length).trimStart() } : { with: false, rest: q };
}
