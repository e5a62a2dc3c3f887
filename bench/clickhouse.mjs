#!/usr/bin/env node
// `--store clickhouse://…` on a generated week (issue 21): a one-day window
// plus a group-by answered by the server, against reading the same week's
// JSON whole (read + split + JSON.parse, what any file-based path pays before
// it can pick a day), measured in one run. The server is ClickHouse in process
// (chdb) behind the tests' loopback HTTP interface (tests/helpers), reached
// through the official client, as a user's server would be; the table is the
// OpenTelemetry Collector exporter's `otel_traces`, made from its DDL, holding
// the week's OTLP spans converted as the exporter converts them.
//   plan     = the queries that fix the window (run count, quartiles, outliers, the window's run count)
//   group-by = sql() over window_spans of the last day: spans and error spans per span name
//   raw scan = rawPass over the week's OTLP JSON lines
// Usage: node bench/clickhouse.mjs [--scale 50m] [--no-write]   (needs chdb: npm install --no-save chdb)
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { arg, argv, MB, median, rawPass, root, tableSection, time, warmPageCache, writeResultsSection } from './lib.mjs';

const scale = arg('--scale', '50m');
const dataDir = join(root, 'bench/data', `clickhouse-week-${scale}`);
const listFiles = () => (existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dataDir, f)) : []);
if (listFiles().length === 0) {
  console.error(`bench clickhouse: generating a ${scale} OTLP week in ${dataDir} …`);
  const gen = spawnSync(process.execPath, [join(root, 'samples/generate.mjs'), '--out', dataDir, '--truth', 'none', '--scale-bytes', scale, '--format', 'otlp', '--quiet'], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}
const files = listFiles();
const bytes = files.reduce((n, f) => n + statSync(f).size, 0);

// The shim, the exporter-row conversion and Halo's ClickHouse module are TypeScript: bundled once, beside the data
// (inside the repository, so their packages resolve from its node_modules).
const bundle = join(root, 'bench/data', '.clickhouse-bench.mjs');
mkdirSync(join(root, 'bench/data'), { recursive: true });
await build({
  stdin: {
    contents: [
      "export * from './tests/helpers/clickhouse-server.ts';",
      "export * from './tests/helpers/otel-traces-table.ts';",
      "export { parseClickHouseUrl, planClickHouseWindow, clickHouseSql } from './src/store/clickhouse.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: bundle,
  logLevel: 'warning',
});
const ch = await import(bundle);
const got = ch.loadChdb();
if (!('chdb' in got)) {
  console.error(`bench clickhouse: ${got.missing}`);
  process.exit(2);
}

const load0 = loadavg()[0];
const server = await ch.startClickHouseServer();
try {
  ch.createOtelTraces(server, 'otel', 'otel_traces', join(root, 'tests/fixtures/clickhouse/otel_traces.sql'));
  // The exporter's rows, written once as JSONEachRow and inserted by the engine from the file.
  const rowsFile = join(dataDir, '.otel_traces.rows.jsonl');
  const out = createWriteStream(rowsFile);
  let rows = 0;
  for (const f of files) {
    for await (const line of createInterface({ input: createReadStream(f), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      for (const r of ch.exporterRows(JSON.parse(line))) {
        if (!out.write(JSON.stringify(r) + '\n')) await new Promise((res) => out.once('drain', res));
        rows++;
      }
    }
  }
  await new Promise((res) => out.end(res));
  const inserted = await time(() => server.admin(`INSERT INTO otel.otel_traces SELECT * FROM file('${rowsFile}', 'JSONEachRow')`));
  rmSync(rowsFile);
  console.error(`bench clickhouse: ${rows} rows inserted in ${inserted.secs.toFixed(1)} s`);

  const spec = ch.parseClickHouseUrl(server.storeUrl('otel'));
  const dayWindow = { window: '1d', until: 'latest' };
  const groupBy = "SELECT name, count() AS spans, countIf(status = 'error') AS errors FROM window_spans GROUP BY name ORDER BY spans DESC, name";
  await warmPageCache(files);
  const raw = [];
  const plan = [];
  const query = [];
  const engine = [];
  let answer = null;
  let planned = null;
  // Interleaved, so both sides see the same load on a shared machine.
  for (let i = 0; i < 5; i++) {
    raw.push((await time(() => rawPass(files))).secs);
    const p = await time(() => ch.planClickHouseWindow(spec, dayWindow, Date.now()));
    plan.push(p.secs);
    planned = p.value;
    const before = server.queries.length;
    const q = await time(() => ch.clickHouseSql(spec, planned.window, groupBy, { maxRows: 2000, maxChars: 256 * 1024 }));
    query.push(q.secs);
    answer = { result: q.value, sent: server.queries.slice(before) };
    engine.push(answer.sent.reduce((n, s) => n + (s.engineMs ?? 0), 0) / 1000);
  }
  // Whole offline analyses of the last day: from the table (pushed down) and from the OTLP files (parsed whole, then windowed).
  if (!existsSync(join(root, 'dist/index.js'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  const { analyze } = await import(new URL('../dist/index.js', import.meta.url).href);
  const outDir = join(root, 'bench/data', '.clickhouse-bench-out');
  const keyed = (r) => JSON.stringify(r.file.findings.map((f) => [f.fingerprint, f.prevalence]).sort());
  const fromTable = await time(() => analyze({ files: [], store: spec, window: dayWindow, offline: true, formats: ['json'], out: join(outDir, 'table'), env: {} }));
  const fromFiles = await time(() => analyze({ files, window: dayWindow, offline: true, formats: ['json'], out: join(outDir, 'files'), env: {} }));
  rmSync(outDir, { recursive: true, force: true });
  const load1 = loadavg()[0];
  const daySpans = answer.result.rows.reduce((n, r) => n + Number(r[1]), 0);
  // What the engine plans to read for the group-by, after pruning partitions by day (EXPLAIN ESTIMATE).
  const rowsRead = answer.sent.reduce((n, q) => n + server.estimateRows(q.sql), 0);
  const pushed = answer.sent.every((q) => /WHERE Timestamp >= fromUnixTimestamp64Nano/.test(q.sql) && q.settings.readonly === '1');
  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  const x = (v) => `${v.toFixed(3)}×`;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = tableSection(
    'Store: ClickHouse',
    `\`node bench/clickhouse.mjs --scale ${scale}\` · ${date} UTC · Node ${process.version} · 2 cores shared with other jobs. A small generated week (not the 1 GB one: this machine is shared), its OTLP spans converted as the exporter converts them into the exporter's \`otel_traces\` (its DDL) in chdb ${'(ClickHouse in process)'} behind the tests' loopback HTTP interface, queried through @clickhouse/client as \`halo analyze --store clickhouse://…\` does; medians of 5 interleaved passes.`,
    [
      ['input', `${files.length} OTLP JSONL files, ${(bytes / MB).toFixed(0)} MB; ${rows} spans in otel_traces, ${planned.runs.total} runs`],
      ['raw scan of the week (read + split + JSON.parse)', ms(median(raw))],
      ['window plan: run count, quartiles, outliers, runs in the day (5–6 queries)', `${ms(median(plan))} (${planned.runs.inWindow} runs start in the last day)`],
      ['**one-day window + group-by** (sql() over window_spans, spans and errors per span name)', `**${ms(median(query))}**: ${x(median(query) / median(raw))} the raw scan; with the plan ${x((median(query) + median(plan)) / median(raw))}; the engine's own time ${ms(median(engine))} (the rest is HTTP, the test server's per-request session and the client)`],
      ['pushed down', `${pushed ? 'yes' : 'NO'}: the query carried the WHERE on Timestamp with readonly=1; the engine planned to read ${rowsRead} rows of ${rows} for it (EXPLAIN ESTIMATE) and sent back ${answer.result.rows.length} rows covering ${daySpans} spans`],
      [
        '**`halo analyze --offline --window 1d`**: from the table / from the OTLP files (analyze time; load phase), one pass each, in this process (the engine too: CPU time is not comparable here)',
        `**${x(fromTable.value.timings.total / fromFiles.value.timings.total)}** (${(fromTable.value.timings.total / 1000).toFixed(1)} s vs ${(fromFiles.value.timings.total / 1000).toFixed(1)} s; load ${(fromTable.value.timings.load / 1000).toFixed(1)} s vs ${(fromFiles.value.timings.load / 1000).toFixed(1)} s), ${fromTable.value.load.traces} runs; findings (fingerprint + prevalence) ${keyed(fromTable.value) === keyed(fromFiles.value) ? 'identical' : 'DIFFERENT'} (${fromTable.value.file.findings.length})`,
      ],
      ['load average (1 min) at start / end', `${load0.toFixed(1)} / ${load1.toFixed(1)}`],
    ],
  );
  console.log(section);
  if (!argv.includes('--no-write')) console.error(`bench clickhouse: wrote ${writeResultsSection('Store: ClickHouse', section)}`);
} finally {
  await server.close();
  rmSync(bundle, { force: true });
}
