// Pulls from Langfuse, LangSmith and Phoenix against loopback servers that
// answer in each API's published shapes, page by page: a pull that dies
// mid-listing keeps nothing and the next one restarts from the same cursor;
// 429 (with Retry-After) and 5xx are retried; records the service indexed late
// come in with the next pull's overlap; nothing is pulled twice; and what was
// pulled reads through the same formats modules as exported files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPull, type PullOptions } from '../src/pull/pull.ts';
import type { SourceName } from '../src/pull/sources.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { startFakeService, type FakeService, type Held } from './helpers/fake-trace-services.ts';
import { cliEnv, findingsOf, halorunAsync } from './helpers/cli.ts';
import { otlpRequest } from './helpers/otlp-requests.ts';
import { runScheduledAnalysis } from '../src/schedule/job.ts';
import { RunHistory } from '../src/history/store.ts';
import type { HaloConfig } from '../src/config/index.ts';

const T0 = Date.UTC(2026, 11, 1, 8);
const MIN = 60_000;
const SPANS = 3;

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
const iso = (ms: number) => new Date(ms).toISOString();

/** One run of three records (agent, model call, tool call) in the service's own shape. */
function run(kind: SourceName, r: number, start: number, visibleAt: number): Held[] {
  const failed = r % 3 === 0;
  switch (kind) {
    case 'langfuse': {
      const traceId = `lf-trace-${r}`;
      const obs = [0, 1, 2].map((i) => `lf-obs-${r}-${i}`);
      return [
        { start, visibleAt, listing: 'traces', record: { id: traceId, timestamp: iso(start), name: 'support', observations: obs, metadata: { task: `t${r}` } } },
        ...obs.map((id, i) => ({
          start: start + i,
          visibleAt,
          listing: 'observations' as const,
          record: {
            id, traceId, type: i === 1 ? 'GENERATION' : 'SPAN', name: ['agent', 'chat', 'lookup_order'][i], startTime: iso(start + i), endTime: iso(start + i + 500),
            parentObservationId: i === 0 ? null : obs[0], ...(i === 1 ? { model: 'gpt-4o', usage: { input: 10, output: 5 } } : {}),
            ...(i === 2 && failed ? { level: 'ERROR', statusMessage: 'OrderServiceTimeout' } : { level: 'DEFAULT' }),
          },
        })),
      ];
    }
    case 'langsmith': {
      const ids = [0, 1, 2].map((i) => `00000000-0000-4000-8000-${hex(r * 10 + i, 12)}`);
      const t = (ms: number) => iso(ms).replace('Z', '');
      return ids.map((id, i) => ({
        start: start + i,
        visibleAt,
        record: {
          id, trace_id: ids[0], name: ['agent', 'ChatOpenAI', 'lookup_order'][i], run_type: ['chain', 'llm', 'tool'][i], start_time: t(start + i), end_time: t(start + i + 500),
          parent_run_id: i === 0 ? null : ids[0], dotted_order: i === 0 ? `${t(start).replace(/[-:.]/g, '')}Z${ids[0]}` : `${t(start).replace(/[-:.]/g, '')}Z${ids[0]}.${t(start + i).replace(/[-:.]/g, '')}Z${id}`,
          inputs: { order: `A${r}` }, outputs: i === 2 && failed ? null : { ok: true }, error: i === 2 && failed ? 'OrderServiceTimeout' : null, status: i === 2 && failed ? 'error' : 'success',
          session_id: '6b3ac5a2-0d7e-4f6b-9d43-1f4c0e0b9a11', extra: { metadata: {} },
        },
      }));
    }
    case 'phoenix': {
      const traceId = hex(r + 1, 32);
      return [0, 1, 2].map((i) => ({
        start: start + i,
        visibleAt,
        record: {
          id: `U3Bhbjo${r}${i}`, name: ['agent', 'chat', 'lookup_order'][i], context: { trace_id: traceId, span_id: hex(r * 10 + i + 1, 16) }, span_kind: ['AGENT', 'LLM', 'TOOL'][i],
          parent_id: i === 0 ? null : hex(r * 10 + 1, 16), start_time: iso(start + i).replace('Z', '+00:00'), end_time: iso(start + i + 500).replace('Z', '+00:00'),
          status_code: i === 2 && failed ? 'ERROR' : 'OK', status_message: i === 2 && failed ? 'OrderServiceTimeout' : '',
          attributes: i === 1 ? { llm: { model_name: 'gpt-4o' } } : i === 2 ? { tool: { name: 'lookup_order' } } : {}, events: [],
        },
      }));
    }
  }
}

const AUTH: Record<SourceName, { headers: Record<string, string>; env: Record<string, string> }> = {
  langfuse: { headers: { authorization: `Basic ${Buffer.from('pk-lf-1:sk-lf-2').toString('base64')}` }, env: { LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-2' } },
  langsmith: { headers: { 'x-api-key': 'lsv2-key' }, env: { LANGSMITH_API_KEY: 'lsv2-key' } },
  phoenix: { headers: { authorization: 'Bearer px-key' }, env: { PHOENIX_API_KEY: 'px-key' } },
};

let tmp: string;
let svc: FakeService;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-pull-'));
});
afterEach(async () => {
  await svc?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.each(['langfuse', 'langsmith', 'phoenix'] as const)('pull --source %s', (kind) => {
  it('pages, retries 429 and 5xx, restarts from its cursor after a failed pull, takes late records once', async () => {
    svc = await startFakeService(kind, AUTH[kind].headers, 4);
    // Six runs before the first pull; one the service indexes late; two after.
    for (let r = 0; r < 6; r++) svc.held.push(...run(kind, r, T0 + r * 10 * MIN, T0));
    const late = T0 + 130 * MIN;
    svc.held.push(...run(kind, 6, late, T0 + 200 * MIN));
    for (let r = 7; r < 9; r++) svc.held.push(...run(kind, r, T0 + (120 + r) * MIN, T0));
    const waits: number[] = [];
    const opts = (now: number): PullOptions => ({
      stateDir: tmp, sinceMs: 7 * 24 * 60 * MIN, settleMs: 5 * MIN, overlapMs: 60 * MIN, now, env: AUTH[kind].env,
      http: { sleep: async (ms) => void waits.push(ms), maxRetries: 3 },
    });
    const cfg = { source: kind, url: svc.url, project: 'support-bot', pageSize: 4 };

    // 1. The service fails past the first page: nothing is kept, the cursor does not move.
    svc.now = T0 + 119 * MIN;
    svc.failAfterFirstPage = true;
    await expect(runPull(cfg, opts(svc.now))).rejects.toThrow(/HTTP 5\d\d/);
    const dir = join(tmp, 'pull', readdirSync(join(tmp, 'pull'))[0]!);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(join(tmp, 'pull')).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(waits).toHaveLength(3); // the failing page was tried 1 + 3 times
    waits.length = 0;

    // 2. Again, with a 429 and a 503 on the way: every page, the asked-for wait honoured.
    svc.failAfterFirstPage = false;
    const before = svc.requests.length;
    svc.faults.set(before + 2, { status: 429, retryAfter: '7' });
    svc.faults.set(before + 4, { status: 503 });
    const first = await runPull(cfg, opts(svc.now));
    expect(waits).toEqual([7000, 1000]);
    expect(first.records).toBe(6 * (kind === 'langfuse' ? SPANS + 1 : SPANS));
    expect(first.pages).toBeGreaterThan(3);

    // 3. Later: the two new runs; the overlap looks again but keeps nothing twice; the late run is not visible yet.
    svc.now = T0 + 180 * MIN;
    const second = await runPull(cfg, opts(svc.now));
    expect(second.records).toBe(2 * (kind === 'langfuse' ? SPANS + 1 : SPANS));

    // 4. The service has indexed the late run (it started before the last cursor): the overlap brings it in, once.
    svc.now = T0 + 230 * MIN;
    const third = await runPull(cfg, opts(svc.now));
    expect(third.records).toBe(kind === 'langfuse' ? SPANS + 1 : SPANS);
    expect(third.repeated).toBeGreaterThan(0);
    expect(Date.parse(third.from)).toBeLessThan(late);

    // What was pulled reads as the service's format: nine runs of three spans, nothing doubled.
    const { traces, stats } = await loadTraces([dir]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(9);
    expect(traces.every((t) => t.spans.length === SPANS)).toBe(true);
    expect(stats.repairs?.identicalDuplicates ?? 0).toBe(0);
    expect(Object.keys(Object.assign({}, ...stats.files.map((f) => f.formats)))).toEqual([kind]);
    const failing = traces.filter((t) => t.spans.some((s) => s.status === 'error'));
    expect(failing).toHaveLength(3);
    expect(existsSync(join(tmp, 'pull', `${dir.split('/').pop()}.json`))).toBe(true);
  });
});

describe('halo analyze --source', () => {
  it('pulls from the service first, finds the failure in what it pulled, and the report says where the traces came from', async () => {
    svc = await startFakeService('langfuse', AUTH.langfuse.headers, 25);
    const now = Date.now();
    svc.now = now;
    for (let r = 0; r < 15; r++) svc.held.push(...run('langfuse', r, now - (200 - r) * MIN, now - 300 * MIN));
    const state = join(tmp, 'state');
    const out = join(tmp, 'report');
    const env = { ...cliEnv, ...AUTH.langfuse.env };
    const args = ['analyze', '--source', 'langfuse', '--source-url', svc.url, '--offline', '--state', state, '--out', out, '--format', 'json,md', '--window', '7d'];
    const first = await halorunAsync(tmp, args, env);
    expect([0, 1], first.stderr).toContain(first.status);
    expect(first.stderr).toMatch(/pulled 60 new records from langfuse/);
    const file = findingsOf(out);
    expect(file.findings.map((f) => f.title).join('\n')).toMatch(/lookup_order/);
    expect(file.run.options.input).toMatch(/^pulled from langfuse/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\*\*Input:\*\* pulled from langfuse/);

    // A second pull finds nothing new; without the keys it says which variable is missing.
    const again = await halorunAsync(tmp, ['pull', '--source', 'langfuse', '--source-url', svc.url, '--state', state], env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/pulled 0 new record\(s\) from langfuse[^]*nothing new/);
    const keyless = await halorunAsync(tmp, ['pull', '--source', 'langfuse', '--source-url', svc.url, '--state', state], cliEnv);
    expect(keyless.status).toBe(2);
    expect(keyless.stderr).toMatch(/set LANGFUSE_PUBLIC_KEY in the environment/);
  });
});

describe('scheduled jobs read a pull, what halo collect received, or files', () => {
  it('runs a job that pulls from LangSmith and one over the receiver’s directory; each report and history record says which', async () => {
    svc = await startFakeService('langsmith', AUTH.langsmith.headers, 10);
    const now = Date.now();
    svc.now = now;
    for (let r = 0; r < 12; r++) svc.held.push(...run('langsmith', r, now - (300 - r) * MIN, now - 300 * MIN));
    const state = join(tmp, 'state');
    mkdirSync(join(state, 'collect'), { recursive: true });
    writeFileSync(join(state, 'collect', 'spans-20261201T120000Z-0000.jsonl'), [0, 1, 2].map((i) => JSON.stringify(otlpRequest(`rx${i}`, 4))).join('\n') + '\n');
    const config: HaloConfig = {
      state, out: join(tmp, 'out'), store: 'duckdb',
      schedules: [
        { name: 'pulled', cron: '0 * * * *', source: 'langsmith', sourceUrl: svc.url, sourceProject: 'support-bot', offline: true, window: '7d', formats: ['json', 'md'] },
        { name: 'received', cron: '0 * * * *', inputs: [join(state, 'collect')], offline: true, window: '30d', until: 'latest', formats: ['json'] },
      ],
    };
    const lines: string[] = [];
    const env = { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', ...AUTH.langsmith.env };
    const pulled = await runScheduledAnalysis({ config, schedule: config.schedules![0]!, signal: new AbortController().signal, log: (l) => lines.push(l), env });
    expect(pulled.load.traces).toBe(12);
    expect(pulled.file.run.options.input).toMatch(/^pulled from langsmith/);
    expect(readFileSync(join(tmp, 'out', 'pulled', 'report.md'), 'utf8')).toMatch(/\*\*Input:\*\* pulled from langsmith/);
    expect(lines.join('\n')).toMatch(/pulled: pulled 36 new records from langsmith/);
    const received = await runScheduledAnalysis({ config, schedule: config.schedules![1]!, signal: new AbortController().signal, log: (l) => lines.push(l), env });
    expect(received.load.traces).toBe(3);
    expect(received.file.run.options.input).toMatch(/^OTLP received by halo collect/);
    expect(lines.join('\n')).toMatch(/received: \d+ findings over 3 traces from OTLP received by halo collect/);
    const history = new RunHistory(state);
    expect(history.runs('pulled')[0]!.profile).toMatch(/inputs pull from langsmith: /);
    expect(history.runs('received')[0]!.profile).toMatch(/inputs halo collect: /);
  });
});
