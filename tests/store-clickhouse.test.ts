// `--store clickhouse://…`: Halo reads the OpenTelemetry Collector exporter's
// `otel_traces` table (created from the exporter's own DDL) in a real
// ClickHouse engine (chdb) behind ClickHouse's HTTP interface, through the
// official client. The same spans give the same findings as when read from a
// JSONL export of the table; a one-day window is decided on the server (the
// queries carry the WHERE on Timestamp and read a fraction of the rows);
// sql() is SELECT-only, read-only on the server, and capped.
//
// Skipped without chdb (an optional dependency), except under CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createClient } from '@clickhouse/client';
import { analyze } from '../src/analyze.ts';
import { parseStoreSpec } from '../src/store/open.ts';
import { parseClickHouseUrl, type ClickHouseSpec } from '../src/store/clickhouse.ts';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';
import { chdbOrSkip, startClickHouseServer, type ClickHouseTestServer } from './helpers/clickhouse-server.ts';
import { createOtelTraces, exporterRows } from './helpers/otel-traces-table.ts';
import { halorunAsync, cliEnv } from './helpers/cli.ts';
import { runScheduledAnalysis } from '../src/schedule/job.ts';
import type { HaloConfig } from '../src/config/schema.ts';

const root = new URL('..', import.meta.url).pathname;
const gate = chdbOrSkip();
if (gate.skip) console.warn(`store-clickhouse: skipped: ${gate.reason}`);

let tmp: string;
let server: ClickHouseTestServer;
let spec: ClickHouseSpec;
/** The table exported as a user would (`SELECT * FROM otel_traces FORMAT JSONEachRow`). */
let exported: string;
/** The generated week's OTLP files the rows were made from. */
let week: string;
let totalRows: number;

beforeAll(async () => {
  if (gate.skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'halo-clickhouse-'));
  server = await startClickHouseServer({ users: { reader: { password: 'r', readonly: 1 }, analyst: { password: 'a', readonly: 2 } } });
  createOtelTraces(server);
  // A generated week of OTLP (two agents), its spans inserted as the exporter writes them, through the client.
  week = join(tmp, 'week');
  execFileSync(process.execPath, [join(root, 'samples/generate.mjs'), '--out', week, '--truth', 'none', '--traces', '160', '--seed', '7', '--format', 'otlp', '--quiet']);
  const rows: Record<string, unknown>[] = [];
  for (const name of readdirSync(week).sort()) {
    const text = name.endsWith('.gz') ? gunzipSync(readFileSync(join(week, name))).toString('utf8') : readFileSync(join(week, name), 'utf8');
    for (const line of text.split('\n')) if (line.trim()) rows.push(...exporterRows(JSON.parse(line)));
  }
  const writer = createClient({ url: server.url, username: 'halo', password: 'secret', database: 'otel' });
  await writer.insert({ table: 'otel_traces', values: rows, format: 'JSONEachRow' });
  await writer.close();
  totalRows = rows.length;
  exported = join(tmp, 'otel_traces.jsonl');
  writeFileSync(exported, server.admin('SELECT * FROM otel.otel_traces', 'JSONEachRow'));
  spec = parseClickHouseUrl(server.storeUrl('otel'));
}, 300_000);

afterAll(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Findings = { findings: { fingerprint: string; prevalence: unknown }[] };
const keyed = (dir: string) => {
  const f = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as Findings;
  return f.findings.map((x) => ({ fingerprint: x.fingerprint, prevalence: x.prevalence })).sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
};

describe.skipIf(gate.skip)('--store clickhouse:// over the exporter’s otel_traces', () => {
  it('holds every span inserted, as the exporter’s rows', () => {
    expect(totalRows).toBeGreaterThan(1000);
    expect(Number(server.admin('SELECT count() FROM otel.otel_traces').trim())).toBe(totalRows);
  });

  it('gives the findings of the same spans read from a JSONL export and from the OTLP files, for the week and for three days', async () => {
    for (const window of [{ window: '7d', until: 'latest' }, { window: '3d', until: 'latest' }]) {
      const tag = window.window;
      const fromFile = await analyze({ files: [exported], window, offline: true, out: join(tmp, `file-${tag}`), formats: ['json'] });
      const fromOtlp = await analyze({ files: [week], window, offline: true, out: join(tmp, `otlp-${tag}`), formats: ['json'] });
      const before = server.queries.length;
      const fromTable = await analyze({ files: [], store: spec, window, offline: true, out: join(tmp, `ch-${tag}`), formats: ['json'] });
      expect(fromTable.load.traces).toBe(fromFile.load.traces);
      expect(fromTable.load.spans).toBe(fromFile.load.spans);
      expect(fromTable.file.findings.length).toBeGreaterThan(0);
      expect(keyed(join(tmp, `ch-${tag}`))).toEqual(keyed(join(tmp, `file-${tag}`)));
      expect(fromOtlp.load.traces).toBe(fromTable.load.traces);
      expect(keyed(join(tmp, `ch-${tag}`))).toEqual(keyed(join(tmp, `otlp-${tag}`)));
      // Every query the analysis sent was read-only, but the one asking the user's own readonly (sent with no settings).
      const sent = server.queries.slice(before).filter((q) => !/getSetting\('readonly'\)/.test(q.sql));
      expect(sent.length).toBeGreaterThan(3);
      for (const q of sent) expect(q.settings.readonly).toBe('1');
      if (tag === '3d') {
        // The days were chosen on the server: the rows query carried the WHERE on Timestamp, and only the window's spans left it.
        const rowsQuery = sent.find((q) => /SELECT \* REPLACE/.test(q.sql))!;
        expect(rowsQuery.sql).toMatch(/WHERE Timestamp >= fromUnixTimestamp64Nano/);
        // What the engine plans to read for it after pruning partitions by day: the three days, not the week.
        const planned = server.estimateRows(rowsQuery.sql);
        expect(planned).toBeGreaterThan(0);
        expect(planned).toBeLessThan(totalRows * 0.6);
        expect(server.estimateRows(`SELECT * FROM otel.otel_traces WHERE Timestamp > toDateTime64(0, 9)`)).toBe(totalRows);
        expect(fromTable.load.spans).toBeLessThan(totalRows * 0.75);
        expect(fromTable.load.stats.outsideWindow).toBeGreaterThan(0);
        expect(fromTable.load.stats.outsideWindow).toBe(fromFile.load.stats.outsideWindow);
      }
    }
  }, 300_000);

  it('`halo analyze --store clickhouse://…` runs from the command line and keeps the password out of what it writes', async () => {
    const out = join(tmp, 'cli');
    const r = await halorunAsync(tmp, ['analyze', '--store', server.storeUrl('otel'), '--window', '7d', '--until', 'latest', '--offline', '--out', out, '--format', 'json', '--state', join(tmp, 'state'), '-q'], cliEnv);
    expect(r.status, r.stderr).toBe(0);
    expect(keyed(out)).toEqual(keyed(join(tmp, 'file-7d')));
    const written = readFileSync(join(out, 'findings.json'), 'utf8');
    expect(written).toMatch(/ClickHouse table clickhouse:\/\/halo@127\.0\.0\.1:\d+\/otel\.otel_traces/);
    expect(written).not.toContain('secret');
    const withFiles = await halorunAsync(tmp, ['analyze', exported, '--store', server.storeUrl('otel'), '--offline', '--out', join(tmp, 'cli2'), '-q'], cliEnv);
    expect(withFiles.status).toBe(2);
    expect(withFiles.stderr).toMatch(/reads the table; pass no input files/);
    expect(withFiles.stderr).not.toContain('secret');
  }, 300_000);

  it('anchors --until latest and reports time outliers as ingest does, with a broken clock in the table', async () => {
    createOtelTraces(server, 'fleet');
    server.admin('INSERT INTO fleet.otel_traces SELECT * FROM otel.otel_traces');
    const [first] = JSON.parse(`[${server.admin("SELECT * FROM otel.otel_traces ORDER BY Timestamp DESC LIMIT 1", 'JSONEachRow').trim()}]`) as Record<string, unknown>[];
    const row = (traceId: string, spanId: string, ts: string) => ({ ...first, TraceId: traceId, SpanId: spanId, ParentSpanId: '', Timestamp: ts });
    // A run dated 2200 (a host with a broken clock), and a run one of whose spans says 1969 (dropped by ingest, the run dated by the other).
    const broken = [row('f'.repeat(32), '1'.repeat(16), '2200-01-01 00:00:00.000000000'), row('e'.repeat(32), '2'.repeat(16), '1969-12-31 00:00:00.000000000'), row('e'.repeat(32), '3'.repeat(16), String(first!.Timestamp))];
    server.admin(`INSERT INTO fleet.otel_traces FORMAT JSONEachRow\n${broken.map((r) => JSON.stringify(r)).join('\n')}`);
    const file = join(tmp, 'fleet.jsonl');
    writeFileSync(file, server.admin('SELECT * FROM fleet.otel_traces', 'JSONEachRow'));
    const window = { window: '7d', until: 'latest' };
    const fromFile = await analyze({ files: [file], window, offline: true, out: join(tmp, 'fleet-file'), formats: ['json'] });
    const fromTable = await analyze({ files: [], store: parseClickHouseUrl(server.storeUrl('fleet')), window, offline: true, out: join(tmp, 'fleet-ch'), formats: ['json'] });
    const outliers = (s: typeof fromFile.load.stats) => ({ count: s.timeOutliers?.count, runs: s.timeOutliers?.examples.map((e) => [e.traceId, e.startTime]) });
    expect(outliers(fromFile.load.stats).count).toBe(1);
    expect(outliers(fromTable.load.stats)).toEqual(outliers(fromFile.load.stats));
    expect(fromTable.load.stats.window).toEqual(fromFile.load.stats.window);
    expect(fromTable.load.traces).toBe(fromFile.load.traces);
    expect(fromTable.load.stats.outsideWindow).toBe(fromFile.load.stats.outsideWindow);
    expect(keyed(join(tmp, 'fleet-ch'))).toEqual(keyed(join(tmp, 'fleet-file')));
  }, 300_000);

  it('a scheduled run reads the table named in the config, its password from the environment', async () => {
    const dir = join(tmp, 'scheduled');
    const config: HaloConfig = {
      state: join(dir, '.halo'),
      out: join(dir, 'reports'),
      formats: ['json'],
      store: server.storeUrl('otel').replace(':secret@', '@'),
      schedules: [{ name: 'nightly', cron: '0 3 * * *', offline: true, window: '7d', until: 'latest' }],
    };
    const lines: string[] = [];
    const result = await runScheduledAnalysis({ config, schedule: config.schedules![0]!, signal: new AbortController().signal, log: (l) => lines.push(l), env: { HALO_CLICKHOUSE_PASSWORD: 'secret', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' } });
    expect(keyed(join(dir, 'reports', 'nightly'))).toEqual(keyed(join(tmp, 'file-7d')));
    expect(lines.at(-1)).toMatch(/from ClickHouse table clickhouse:\/\/halo@127\.0\.0\.1:\d+\/otel\.otel_traces/);
    expect(result.load.traces).toBeGreaterThan(0);
  }, 300_000);

  it('`halo store --store clickhouse://…` shows the runs and spans per day the table holds, and refuses to prune it', async () => {
    const r = await halorunAsync(tmp, ['store', '--store', server.storeUrl('otel'), '--json'], cliEnv);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { backend: string; location: string; runs: number; spans: number; days: { day: string; runs: number; spans: number }[]; sizeBytes: number };
    expect(info.backend).toBe('clickhouse');
    expect(info.location).not.toContain('secret');
    expect(info.spans).toBe(totalRows);
    expect(info.days.length).toBeGreaterThanOrEqual(7);
    expect(info.days.reduce((n, d) => n + d.runs, 0)).toBe(info.runs);
    expect(info.runs).toBe(Number(server.admin('SELECT uniqExact(TraceId) FROM otel.otel_traces').trim()));
    expect(info.sizeBytes).toBeGreaterThan(0);
    const keep = await halorunAsync(tmp, ['store', '--store', server.storeUrl('otel'), '--keep', '1d'], cliEnv);
    expect(keep.status).toBe(2);
    expect(keep.stderr).toMatch(/read-only to halo/);
  }, 120_000);

  it('reads as a user whose profile is read-only already: readonly=1 (no setting may be sent) and readonly=2', async () => {
    for (const as of ['reader', 'analyst']) {
      const before = server.queries.length;
      await analyze({ files: [], store: parseClickHouseUrl(server.storeUrl('otel', as)), window: { window: '7d', until: 'latest' }, offline: true, out: join(tmp, `as-${as}`), formats: ['json'] });
      expect(keyed(join(tmp, `as-${as}`))).toEqual(keyed(join(tmp, 'file-7d')));
      const sent = server.queries.slice(before);
      expect(sent.every((q) => !q.error)).toBe(true);
      if (as === 'reader') expect(sent.every((q) => Object.keys(q.settings).length === 0)).toBe(true);
      else expect(sent.filter((q) => /REPLACE/.test(q.sql)).every((q) => q.settings.readonly === undefined && Number(q.settings.max_execution_time) > 0)).toBe(true);
    }
  }, 300_000);

  it('says what the server said when the credentials are wrong', async () => {
    const wrong = parseStoreSpec(server.storeUrl('otel').replace(':secret@', ':nope@'), tmp) as ClickHouseSpec;
    await expect(analyze({ files: [], store: wrong, window: {}, offline: true, out: join(tmp, 'wrong'), formats: ['json'] })).rejects.toThrow(
      /clickhouse:\/\/halo@127\.0\.0\.1:\d+\/otel\.otel_traces: .*Authentication failed/,
    );
  }, 120_000);
});

describe.skipIf(gate.skip)('the canonical runs a ClickHouse table gives', () => {
  it('are those of the same rows read from a JSONL export, span for span', async () => {
    // A digest of every run as the sandbox holds it (all but where it was read from), computed inside each sandbox.
    const digest = `
      let h = 0x811c9dc5;
      const text = JSON.stringify([...traces].sort((a, b) => (a.traceId < b.traceId ? -1 : 1)).map((t) => ({ ...t, source: t.source.format })));
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
      ({ runs: traces.length, spans: traces.reduce((n, t) => n + t.spans.length, 0), chars: text.length, h })`;
    const window = { window: '7d', until: 'latest' };
    const seen = [];
    for (const opts of [{ files: [exported] }, { files: [], store: spec }]) {
      const sb = createSandbox({ ...opts, window });
      try {
        await sb.load();
        const r = await sb.run(digest);
        expect(r.error).toBeUndefined();
        seen.push(r.value);
      } finally {
        await sb.close();
      }
    }
    expect((seen[0] as { runs: number }).runs).toBeGreaterThan(100);
    expect(seen[1]).toEqual(seen[0]);
  }, 120_000);
});

describe.skipIf(gate.skip)('sql() over a ClickHouse table', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    if (gate.skip) return;
    sb = createSandbox({ files: [], store: spec, window: { window: '1d', until: 'latest' } });
    await sb.load();
  }, 120_000);
  afterAll(async () => {
    await sb?.close();
  });

  it('answers a one-day group-by on the server, with the store’s table names', async () => {
    const before = server.queries.length;
    const r = await sb.run(`
      const w = await sql('SELECT count() AS runs, sum(spans) AS spans FROM window_runs');
      const byKind = await sql("SELECT kind, count() AS n FROM window_spans GROUP BY kind ORDER BY n DESC, kind");
      const all = await sql('SELECT count() AS runs FROM runs');
      ({ w: w.rows[0], byKind, all: all.rows[0][0], n: traces.length, spans: traces.reduce((n, t) => n + t.spans.length, 0) })`);
    expect(r.error).toBeUndefined();
    const v = r.value as { w: unknown[]; byKind: { columns: string[]; rows: unknown[][] }; all: unknown; n: number; spans: number };
    expect(Number(v.w[0])).toBe(v.n);
    expect(Number(v.w[1])).toBe(v.spans);
    expect(Number(v.all)).toBeGreaterThan(v.n);
    expect(v.byKind.columns).toEqual(['kind', 'n']);
    expect(v.byKind.rows.reduce((n, row) => n + Number(row[1]), 0)).toBe(v.spans);
    const sent = server.queries.slice(before).filter((q) => !/getSetting\('readonly'\)/.test(q.sql));
    expect(sent.every((q) => q.settings.readonly === '1' && Number(q.settings.max_execution_time) > 0)).toBe(true);
    const groupBy = sent.find((q) => /GROUP BY kind/.test(q.sql))!.sql;
    expect(groupBy).toMatch(/WHERE Timestamp >= fromUnixTimestamp64Nano/);
    // The day is pushed to the server: it plans to read a fraction of the week.
    expect(server.estimateRows(groupBy)).toBeLessThan(totalRows / 2);
  });

  it('caps rows and says so', async () => {
    const r = await sb.run(`await sql('SELECT trace_id, span_id FROM window_spans', { maxRows: 3 })`);
    const v = r.value as { rows: unknown[]; truncated: boolean; note: string };
    expect(r.error).toBeUndefined();
    expect(v.rows).toHaveLength(3);
    expect(v.truncated).toBe(true);
    expect(v.note).toMatch(/maxRows 3/);
  });

  it('as a user whose profile is readonly=1 (no setting can be sent), still caps rows and the server still refuses writes', async () => {
    const reader = createSandbox({ files: [], store: parseClickHouseUrl(server.storeUrl('otel', 'reader')), window: { window: '1d', until: 'latest' } });
    try {
      await reader.load();
      const capped = await reader.run(`await sql('SELECT trace_id, span_id FROM window_spans', { maxRows: 3 })`);
      expect(capped.error).toBeUndefined();
      expect((capped.value as { rows: unknown[]; truncated: boolean }).rows).toHaveLength(3);
      expect((capped.value as { truncated: boolean }).truncated).toBe(true);
      expect((await reader.run(`await sql("SELECT * FROM file('/etc/passwd', 'LineAsString')")`)).error?.message).toMatch(/readonly/i);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('refuses anything but a SELECT, and the server refuses writes, settings and files even inside one', async () => {
    const errorOf = async (query: string) => (await sb.run(`await sql(${JSON.stringify(query)})`)).error?.message ?? '';
    expect(await errorOf('INSERT INTO otel.otel_traces (TraceId) VALUES (1)')).toMatch(/only SELECT/);
    expect(await errorOf('DROP TABLE otel.otel_traces')).toMatch(/only SELECT/);
    expect(await errorOf('SELECT 1; DROP TABLE otel.otel_traces')).toMatch(/one statement/);
    expect(await errorOf("SELECT * FROM file('/etc/passwd', 'LineAsString')")).toMatch(/readonly/i);
    expect(await errorOf('SELECT 1 SETTINGS readonly = 0')).toMatch(/readonly/i);
    expect(Number(server.admin('SELECT count() FROM otel.otel_traces').trim())).toBe(totalRows);
  });
});

describe('the ClickHouse URL', () => {
  it('names the HTTP interface, the database and the table, with the exporter’s defaults', () => {
    expect(parseClickHouseUrl('clickhouse://reader:p%40ss@ch.internal:8124/telemetry?table=spans', {})).toEqual({
      backend: 'clickhouse', url: 'http://ch.internal:8124', username: 'reader', password: 'p@ss', database: 'telemetry', table: 'spans',
    });
    expect(parseClickHouseUrl('clickhouses://ch.internal', { HALO_CLICKHOUSE_PASSWORD: 'from-env' })).toEqual({
      backend: 'clickhouse', url: 'https://ch.internal:8443', username: 'default', password: 'from-env', database: 'otel', table: 'otel_traces',
    });
  });

  it('says what is wrong without echoing the password', () => {
    expect(() => parseClickHouseUrl('clickhouse://u:hunter2@host:8123/a/b', {})).toThrow(/one database/);
    expect(() => parseClickHouseUrl('clickhouse://u:hunter2@host:8123/a/b', {})).not.toThrow(/hunter2/);
    expect(() => parseClickHouseUrl('clickhouse://u:hunter2@host/db?tabel=x', {})).toThrow(/clickhouse:\/\/u:\*\*\*@host.*unknown parameter "tabel"/);
    expect(() => parseStoreSpec('clickhous://host', '.halo')).toThrow(/expected memory, duckdb, duckdb:<file> or clickhouse:\/\//);
  });
});
