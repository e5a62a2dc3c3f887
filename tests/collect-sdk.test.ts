// Done-when for `halo collect`: the real OpenTelemetry JS SDK, with its OTLP/HTTP
// exporters in protobuf and in JSON, sends a scripted agent's spans to the CLI;
// `halo analyze` reads the store while the receiver runs and finds the planted
// failure; and the stored spans are the spans the same agent logged to JSONL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PLANTED_ERROR, failsOn, runAgent } from './helpers/otel-agent.ts';
import { startCollect, type CollectProcess } from './helpers/collect-process.ts';
import { halorunAsync, cliEnv, findingsOf } from './helpers/cli.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { openDuckDbStore } from '../src/store/duckdb.ts';
import { decodeStoredLines } from '../src/store/records.ts';
import type { Span } from '../src/types.ts';

let tmp: string;
let collect: CollectProcess;
const TOKEN = 'test-token-6f1d';
const PROTO_TASKS = 12;
const JSON_TASKS = 9;
const SPANS_PER_TASK = 4;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-collect-sdk-'));
  collect = await startCollect(['--state', join(tmp, 'state'), '--seal', '1s'], { HALO_COLLECT_TOKEN: TOKEN });
});
afterAll(() => {
  collect.child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** Spans in the spool's sealed segments (what a reader of the directory sees). */
function sealedSpans(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      for (const rs of JSON.parse(line).resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
    }
  }
  return n;
}

describe('halo collect with the OpenTelemetry JS SDK', () => {
  it('takes protobuf and JSON exports; analyze over the store finds the planted failure while it runs; the spans are the agent’s own', async () => {
    const jsonl = join(tmp, 'agent-spans.jsonl');
    const headers = { Authorization: `Bearer ${TOKEN}` };
    await runAgent({ exporter: new ProtoExporter({ url: collect.endpoint, headers }), jsonl, tasks: PROTO_TASKS });
    await runAgent({ exporter: new JsonExporter({ url: collect.endpoint, headers }), jsonl, tasks: JSON_TASKS, firstTask: PROTO_TASKS });
    const total = (PROTO_TASKS + JSON_TASKS) * SPANS_PER_TASK;

    // Every export was answered 200 before runAgent returned: wait (on the
    // receiver's own events) for them to be sealed and appended to the store.
    const spool = join(tmp, 'state', 'collect');
    for (let from = 0; sealedSpans(spool) < total; ) {
      await collect.waitFor(/appended \d+ segment/, from);
      from = collect.lines.length;
    }
    expect(sealedSpans(spool)).toBe(total);
    expect(collect.lines.join('\n')).not.toMatch(/could not append/);

    // analyze reads the same store while the receiver keeps running.
    const out = join(tmp, 'report');
    const run = await halorunAsync(tmp, ['analyze', spool, '--offline', '--store', 'duckdb', '--state', join(tmp, 'state'), '--window', '7d', '--until', 'latest', '--out', out, '--format', 'json', '-q'], cliEnv);
    expect([0, 1], run.stderr).toContain(run.status);
    expect(collect.child.exitCode).toBeNull();
    const file = findingsOf(out);
    const failing = Array.from({ length: PROTO_TASKS + JSON_TASKS }, (_, i) => i).filter(failsOn).length;
    const planted = file.findings.find((f) => f.title.includes('lookup_order') && f.title.includes('timed out'));
    expect(planted, JSON.stringify(file.findings.map((f) => f.title))).toBeDefined();
    // Every run the order service failed, out of every run both exporters sent.
    expect(planted!.prevalence).toMatchObject({ traces: failing, total: PROTO_TASKS + JSON_TASKS });

    // The stored records, normalized again as a window read does, hold the spans the agent logged itself.
    collect.child.kill('SIGTERM');
    expect(await collect.exited).toBe(0);
    const store = await openDuckDbStore(join(tmp, 'state', 'store.duckdb'));
    const stored = new Map<string, Span>();
    try {
      const fileIds = (await store.files()).map((f) => f.fileId);
      await store.records(fileIds, null, (_fileId, text) => {
        for (const rec of decodeStoredLines(text)) for (const s of rec.spans) stored.set(s.spanId, s);
      });
    } finally {
      await store.close();
    }
    const logged = (await loadTraces([jsonl])).traces.flatMap((t) => t.spans);
    expect(logged.length).toBe(total);
    expect(stored.size).toBe(total);
    for (const s of logged) {
      const got = stored.get(s.spanId);
      expect(got, s.spanId).toBeDefined();
      expect(comparable(got!)).toEqual(comparable(s));
    }
    const errors = logged.filter((s) => s.status === 'error' && s.tool?.name === 'lookup_order');
    expect(errors.length).toBe(failing);
    expect(errors.every((s) => s.statusMessage === PLANTED_ERROR)).toBe(true);
  });
});

/** A span as assembly leaves it; trace-level derivations (agentName) are compared on the traces, not here. */
function comparable(s: Span): unknown {
  return JSON.parse(JSON.stringify({ ...s, agentName: undefined, hints: undefined }));
}
