// The OpenTelemetry Collector ClickHouse exporter's `otel_traces` table in a
// test ClickHouse, and OTLP/JSON spans turned into its rows the way the
// exporter turns them (exporter/clickhouseexporter: ids as hex, SpanKindStr /
// StatusCodeStr names, attribute values as pcommon.Value.AsString(),
// Duration = end − start in ns, service.name lifted into ServiceName).
import { readFileSync } from 'node:fs';
import type { ClickHouseTestServer } from './clickhouse-server.ts';

const DDL = new URL('../fixtures/clickhouse/otel_traces.sql', import.meta.url);

/**
 * Creates `database`.`table` from the exporter's own DDL (its placeholders:
 * database, table, cluster, engine, TTL). `ddl`: where the DDL is, for a
 * bundled copy of this module (bench/clickhouse.mjs).
 */
export function createOtelTraces(server: ClickHouseTestServer, database = 'otel', table = 'otel_traces', ddl: string | URL = DDL): void {
  const fill = [database, table, '', 'MergeTree()', ''];
  let i = 0;
  server.admin(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  server.admin(readFileSync(ddl, 'utf8').replace(/%s/g, () => fill[i++]!));
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; bytesValue?: string; arrayValue?: { values?: AnyValue[] }; kvlistValue?: { values?: KeyValue[] } };
type KeyValue = { key: string; value?: AnyValue };

function raw(v: AnyValue | undefined): unknown {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(raw);
  if (v.kvlistValue !== undefined) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, raw(kv.value)]));
  return null;
}

/** pcommon.Value.AsString(): strings as they are, scalars as text, arrays and maps as JSON. */
function asString(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return JSON.stringify(raw(v));
}

const attrMap = (kvs: KeyValue[] | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, asString(kv.value)]));

/** Unix ns (string) → DateTime64(9) text in UTC. */
function dateTime64(ns: string | number): string {
  const n = BigInt(ns);
  const ms = Number(n / 1_000_000n);
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + '.' + frac;
}

const KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** One OTLP/JSON export request (`{resourceSpans: […]}`) → the exporter's rows. */
export function exporterRows(doc: { resourceSpans?: unknown[] }): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const rs of (doc.resourceSpans ?? []) as { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string; version?: string }; spans?: Record<string, any>[] }[] }[]) {
    const res = attrMap(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const start = BigInt(s.startTimeUnixNano);
        const end = BigInt(s.endTimeUnixNano ?? s.startTimeUnixNano);
        const events = (s.events ?? []) as { timeUnixNano: string; name: string; attributes?: KeyValue[] }[];
        const links = (s.links ?? []) as { traceId: string; spanId: string; traceState?: string; attributes?: KeyValue[] }[];
        out.push({
          Timestamp: dateTime64(s.startTimeUnixNano),
          TraceId: s.traceId,
          SpanId: s.spanId,
          ParentSpanId: s.parentSpanId ?? '',
          TraceState: s.traceState ?? '',
          SpanName: s.name,
          SpanKind: KINDS[Number(s.kind ?? 0)] ?? '',
          ServiceName: res['service.name'] ?? '',
          ResourceAttributes: res,
          ScopeName: ss.scope?.name ?? '',
          ScopeVersion: ss.scope?.version ?? '',
          SpanAttributes: attrMap(s.attributes),
          Duration: (end - start).toString(),
          StatusCode: STATUS[Number(s.status?.code ?? 0)] ?? '',
          StatusMessage: s.status?.message ?? '',
          'Events.Timestamp': events.map((e) => dateTime64(e.timeUnixNano)),
          'Events.Name': events.map((e) => e.name),
          'Events.Attributes': events.map((e) => attrMap(e.attributes)),
          'Links.TraceId': links.map((l) => l.traceId),
          'Links.SpanId': links.map((l) => l.spanId),
          'Links.TraceState': links.map((l) => l.traceState ?? ''),
          'Links.Attributes': links.map((l) => attrMap(l.attributes)),
        });
      }
    }
  }
  return out;
}
