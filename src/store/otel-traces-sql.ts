// The SQL Halo sends to a ClickHouse `otel_traces` table, the OpenTelemetry
// Collector ClickHouse exporter's (Timestamp DateTime64(9), TraceId, SpanId,
// ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes and
// SpanAttributes maps of strings, Duration in ns, StatusCode, Events.* and
// Links.* nested columns), read as it is: no table or view is created.
//
// A run is a TraceId; it starts at its earliest span's Timestamp, as ingest
// dates a trace. The window is decided in SQL (which runs start inside it),
// so only the window's spans leave the server, and the rows that leave are
// the table's own columns, read by the same `clickhouse-row` normalizer
// ingest uses for `SELECT * … FORMAT JSONEachRow` files — one mapping of the
// conventions, not two. Times leave in UTC whatever the server's time zone.
import type { TimeWindow } from '../ingest/api.ts';

/** `db`.`table`, quoted. */
export function tableRef(database: string, table: string): string {
  return `${ident(database)}.${ident(table)}`;
}

export function ident(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

/** Epoch ms (possibly fractional) as a DateTime64(9) literal expression. */
export function nsLiteral(ms: number): string {
  const whole = Math.floor(ms);
  const ns = BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
  return `fromUnixTimestamp64Nano(toInt64(${ns.toString()}))`;
}

/**
 * Spans ingest keeps: it drops a span dated before 1970 (a broken clock) and
 * dates the run by the rest, so the SQL does too (DateTime64 reaches back to 1900).
 */
const USABLE = 'Timestamp >= fromUnixTimestamp64Nano(toInt64(0))';

/** Each run's start: its earliest span (ms since the epoch, fractional). */
const RUN_STARTS = (t: string) => `SELECT TraceId, min(Timestamp) AS s FROM ${t} WHERE ${USABLE} GROUP BY TraceId`;
const MS = (col: string) => `toUnixTimestamp64Nano(${col}) / 1e6`;

/** Runs and spans per UTC day of the runs' starts, oldest first (`halo store`). */
export function daysQuery(t: string): string {
  return `SELECT toString(toDate(s, 'UTC')) AS day, count() AS runs, sum(n) AS spans FROM (SELECT TraceId, min(Timestamp) AS s, count() AS n FROM ${t} WHERE ${USABLE} GROUP BY TraceId) GROUP BY day ORDER BY day`;
}

/** The table's active parts' size on disk (system.parts: a user may not be allowed to read it). */
export function sizeQuery(database: string, table: string): string {
  const lit = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = ${lit(database)} AND table = ${lit(table)}`;
}

/** How many runs the table holds. */
export function runCountQuery(t: string): string {
  return `SELECT count() AS n FROM (${RUN_STARTS(t)})`;
}

/** The start of the run at `offset` in start order (the quartiles the time-outlier fences are built from). */
export function nthStartQuery(t: string, offset: number): string {
  return `SELECT ${MS('s')} AS start FROM (${RUN_STARTS(t)}) ORDER BY s, TraceId LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`;
}

/**
 * Runs starting outside [lo, hi] (time outliers: a host with a broken clock),
 * newest first, at most `limit`; and their count, and the newest start inside.
 */
export function outlierQueries(t: string, lo: number, hi: number, limit: number): { list: string; counts: string } {
  const inside = `s >= ${nsLiteral(lo)} AND s <= ${nsLiteral(hi)}`;
  return {
    list: `SELECT TraceId AS trace_id, ${MS('s')} AS start FROM (${RUN_STARTS(t)}) WHERE NOT (${inside}) ORDER BY s DESC, TraceId LIMIT ${limit}`,
    counts: `SELECT countIf(NOT (${inside})) AS outliers, ${MS('maxIf(s, ' + inside + ')')} AS latest, countIf(${inside}) AS inside FROM (${RUN_STARTS(t)})`,
  };
}

/**
 * The runs that start inside the window, as a subquery of TraceIds: the runs
 * with a span in [start, end), kept when their earliest span is not before
 * `start`. The first condition is on Timestamp, which the table is
 * partitioned by; the second looks those TraceIds up, which the exporter's
 * bloom-filter index on TraceId answers without reading the other days.
 */
export function windowRunIds(t: string, w: TimeWindow): string {
  const inRange = [USABLE, w.start !== null ? `Timestamp >= ${nsLiteral(w.start)}` : null, w.end !== null ? `Timestamp < ${nsLiteral(w.end)}` : null].filter(Boolean);
  const touching = `SELECT DISTINCT TraceId FROM ${t} WHERE ${inRange.join(' AND ')}`;
  if (w.start === null) return touching;
  return `SELECT TraceId FROM ${t} WHERE TraceId IN (${touching}) AND ${USABLE} GROUP BY TraceId HAVING min(Timestamp) >= ${nsLiteral(w.start)}`;
}

/** How many runs start inside the window. */
export function windowCountQuery(t: string, w: TimeWindow): string {
  return `SELECT count() AS n FROM (${windowRunIds(t, w)})`;
}

/**
 * The window's spans, the table's columns as they are but for times, which
 * leave as UTC text (`2025-06-01 10:00:00.123456789`), in time order.
 */
export function windowRowsQuery(t: string, w: TimeWindow): string {
  // The WHERE is inside: outside, `Timestamp` is the text the REPLACE makes (fixed-width, so it sorts as the time does).
  return (
    `SELECT * REPLACE (toString(Timestamp, 'UTC') AS Timestamp, arrayMap(x -> toString(x, 'UTC'), \`Events.Timestamp\`) AS \`Events.Timestamp\`)` +
    ` FROM (SELECT * FROM ${t}${windowWhere(t, w)}) ORDER BY Timestamp, TraceId, SpanId`
  );
}

/** The attribute keys ingest reads a span's model and tool name from, first present wins (see ingest/conventions.ts). */
const MODEL_KEYS = ['llm.model_name', 'gen_ai.response.model', 'gen_ai.request.model', 'inference.llm.model_name'];
const TOOL_KEYS = ['tool.name', 'gen_ai.tool.name', 'tool_call.function.name'];
const firstAttr = (keys: string[]) => `coalesce(${keys.map((k) => `nullIf(SpanAttributes['${k}'], '')`).join(', ')})`;

/**
 * The tables `sql()` offers, as common table expressions over the exporter's
 * table (no view is created: the connection is read-only): `spans` and `runs`
 * with the DuckDB store's column names, and `window_spans` / `window_runs` for
 * the analyzed window (`format`, `part` and `undated` are constants here, so
 * queries written for the DuckDB store run unchanged where the dialects
 * agree). `otel_traces` itself can be queried by its own name.
 */
export function sqlTables(t: string, w: TimeWindow): string {
  const spans = (where: string) => `SELECT TraceId AS trace_id, SpanId AS span_id, nullIf(ParentSpanId, '') AS parent_id, SpanName AS name,
      lower(replaceRegexpOne(SpanKind, '^SPAN_KIND_', '')) AS kind, ${MS('Timestamp')} AS start_time, ${MS('Timestamp')} + Duration / 1e6 AS end_time,
      multiIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR'), 'error', StatusCode IN ('Ok', 'STATUS_CODE_OK'), 'ok', 'unset') AS status,
      ${firstAttr(MODEL_KEYS)} AS model, ${firstAttr(TOOL_KEYS)} AS tool_name, ServiceName AS service, 'clickhouse-row' AS format, 'span' AS part FROM ${t}${where}`;
  const runs = (from: string) =>
    `SELECT trace_id, min(start_time) AS start_time, max(end_time) AS end_time, toInt64(count()) AS spans, toInt64(countIf(status = 'error')) AS error_spans, false AS undated FROM ${from} GROUP BY trace_id`;
  return `spans AS (${spans('')}), runs AS (${runs('spans')}), window_spans AS (${spans(windowWhere(t, w))}), window_runs AS (${runs('window_spans')})`;
}

/** ` WHERE …` selecting the spans of the window's runs ('' for an open window). */
function windowWhere(t: string, w: TimeWindow): string {
  const where = [w.start !== null ? `Timestamp >= ${nsLiteral(w.start)}` : null, w.start !== null || w.end !== null ? `TraceId IN (${windowRunIds(t, w)})` : null].filter(Boolean);
  return where.length ? ` WHERE ${where.join(' AND ')}` : '';
}
