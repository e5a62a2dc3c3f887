// The OTLP receiver's refusals (wrong token, bad protobuf, oversized bodies, a
// full queue) and its promise across crashes: what was acknowledged is kept,
// once; what was torn by a kill is cut and accepted again when re-sent.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { startCollector, type Collector } from '../src/collect/collector.ts';
import { encodeProtobuf } from '../src/collect/otlp-decode.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { checkOtlp, normalizeOtlp } from '../src/ingest/formats/otel.ts';
import { openDuckDbStore } from '../src/store/duckdb.ts';
import { otlpRequest, post } from './helpers/otlp-requests.ts';
import { startCollect } from './helpers/collect-process.ts';
import { OTLP_TRACE_DESCRIPTOR } from '../src/collect/otlp-descriptor.ts';
// @ts-expect-error: a build script, plain JavaScript
import { descriptorFromProtos } from '../scripts/otlp-proto.mjs';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-collect-rx-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let running: Collector | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function collector(name: string, opts: Partial<Parameters<typeof startCollector>[0]> = {}): Promise<Collector> {
  running = await startCollector({ host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20, queueBytes: 8 << 20, sealAfterMs: 3_600_000, dir: join(tmp, name), ...opts });
  return running;
}

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);
const statusOf = (body: Buffer) => Status.toObject(Status.decode(body)) as { code?: number; message?: string };

describe('protobuf definitions', () => {
  it('decodes with the descriptor made from the vendored opentelemetry-proto files, unchanged', () => {
    expect(OTLP_TRACE_DESCRIPTOR).toEqual(descriptorFromProtos());
  });
});

describe('the receiver’s check', () => {
  it('refuses exactly what the otlp normalizer rejects, with its words', () => {
    type Req = { resourceSpans: unknown[] & { scopeSpans: unknown[] & { spans: Record<string, unknown>[] }[] }[] };
    const breakers: [string, (r: Req) => void][] = [
      ['fine', () => {}],
      ['no trace id', (r) => delete r.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.traceId],
      ['zero trace id', (r) => (r.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.traceId = '0'.repeat(32))],
      ['no span id', (r) => delete r.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.spanId],
      ['no start', (r) => delete r.resourceSpans[0]!.scopeSpans[0]!.spans[3]!.startTimeUnixNano],
      ['bad start', (r) => (r.resourceSpans[0]!.scopeSpans[0]!.spans[3]!.startTimeUnixNano = 'soon')],
      ['span not an object', (r) => ((r.resourceSpans[0]!.scopeSpans[0]!.spans as unknown[])[2] = 7)],
      ['scope not an object', (r) => ((r.resourceSpans[0]!.scopeSpans as unknown[]).push('x'))],
      ['resource not an object', (r) => (r.resourceSpans as unknown[]).push(null)],
    ];
    for (const [what, breakIt] of breakers) {
      const req = otlpRequest(what, 4) as unknown as Req;
      breakIt(req);
      let rejected: string | null = null;
      let spans = 0;
      try {
        spans = normalizeOtlp(req as unknown as Record<string, unknown>).length;
      } catch (err) {
        rejected = (err as Error).message;
      }
      const check = checkOtlp(req as unknown as Record<string, unknown>);
      expect(check.problem, what).toBe(rejected);
      if (rejected === null) expect(check.spans, what).toBe(spans);
    }
  });
});

describe('receiver refusals', () => {
  it('asks for the bearer token when one is set, and takes the request with it', async () => {
    const c = await collector('token', { token: 's3cret' });
    const url = `${c.receiver.url}/v1/traces`;
    const body = encodeProtobuf(otlpRequest('tok', 3));
    const none = await post(url, body, PROTO);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await post(url, body, { ...PROTO, authorization: 'Bearer s3cre' })).status).toBe(401);
    expect((await post(url, body, { ...PROTO, authorization: 'Basic s3cret' })).status).toBe(401);
    expect((await post(url, body, { ...PROTO, authorization: 'Bearer s3cret' })).status).toBe(200);
    await c.spool.seal();
    expect(c.spool.sealedFiles()).toHaveLength(1);
  });

  it('refuses bad protobuf and bad JSON with a 400 naming the problem, and keeps nothing of them', async () => {
    const c = await collector('bad');
    const url = `${c.receiver.url}/v1/traces`;
    const bad = await post(url, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTO);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toBe('application/x-protobuf');
    expect(statusOf(bad.body)).toMatchObject({ code: 3, message: expect.stringMatching(/ExportTraceServiceRequest in protobuf/) });
    const notJson = await post(url, Buffer.from('{"resourceSpans": ['), JSON_TYPE);
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body.toString())).toMatchObject({ code: 3, message: expect.stringMatching(/not JSON/) });
    // A span the store could not read is refused now, not lost later as a bad record.
    const req = otlpRequest('no-trace', 3) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    delete req.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.traceId;
    const missing = await post(url, Buffer.from(JSON.stringify(req)), JSON_TYPE);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body.toString()).message).toMatch(/missing traceId \(resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[2\]\)/);
    expect((await post(url, Buffer.from('x'), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(`${c.receiver.url}/v1/metrics`, Buffer.from('{}'), JSON_TYPE)).status).toBe(404);
    await c.spool.seal();
    expect(c.spool.sealedFiles()).toHaveLength(0);
  });

  it('refuses an oversized body by its length, and a gzip body that inflates past the limit', async () => {
    const c = await collector('big', { maxBodyBytes: 64 * 1024 });
    const url = `${c.receiver.url}/v1/traces`;
    const big = encodeProtobuf(otlpRequest('big', 1200));
    expect(big.length).toBeGreaterThan(64 * 1024);
    const r = await post(url, big, PROTO);
    expect(r.status).toBe(413);
    expect(statusOf(r.body).message).toMatch(/larger than 65536 bytes/);
    const bomb = gzipSync(Buffer.from(JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(1 << 20) })));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await post(url, bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' })).status).toBe(413);
    // The same spans in a body under the limit, gzipped, go through.
    const ok = gzipSync(encodeProtobuf(otlpRequest('small', 40)));
    expect((await post(url, ok, { ...PROTO, 'content-encoding': 'gzip' })).status).toBe(200);
  });

  it('answers 429 with Retry-After while the queue is full, and takes the request once it has room', async () => {
    const c = await collector('queue', { queueBytes: 40_000, retryAfterSeconds: 2 });
    const url = `${c.receiver.url}/v1/traces`;
    const first = Buffer.from(JSON.stringify(otlpRequest('first', 60)));
    const second = Buffer.from(JSON.stringify(otlpRequest('second', 60)));
    expect(first.length + second.length).toBeGreaterThan(40_000);
    // The first request's headers reserve its length; its body is held back
    // until the receiver has said "100 Continue", i.e. has reserved it.
    const firstReply = new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...JSON_TYPE, 'content-length': first.length, expect: '100-continue' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.on('continue', () => {
        void post(url, second, JSON_TYPE).then((busy) => {
          expect(busy.status).toBe(429);
          expect(busy.headers['retry-after']).toBe('2');
          req.end(first);
        }, reject);
      });
      req.flushHeaders();
    });
    expect(await firstReply).toBe(200);
    expect((await post(url, second, JSON_TYPE)).status).toBe(200);
    expect(c.receiver.stats.refused[429]).toBe(1);
  });
});

describe('a kill mid-batch, then a restart', () => {
  it('keeps every acknowledged span once, cuts the torn batch, and takes it again when re-sent', async () => {
    const state = join(tmp, 'crash');
    const args = ['--state', state, '--seal', '1h'];
    const send = (endpoint: string, seed: string) => post(endpoint, encodeProtobuf(otlpRequest(seed, 5)), PROTO);

    // 1. Three batches acknowledged, then SIGKILL: they sit in an unsealed segment.
    let p = await startCollect(args);
    for (const seed of ['a1', 'a2', 'a3']) expect((await send(p.endpoint, seed)).status).toBe(200);
    p.child.kill('SIGKILL');
    await p.exited;

    // 2. Restarted, it seals them; then it dies inside the write of the next batch (no answer).
    p = await startCollect(args, { HALO_COLLECT_DIE_MID_WRITE: '1' });
    await p.waitFor(/sealed 1 segment/);
    await expect(send(p.endpoint, 'b1')).rejects.toThrow();
    expect(await p.exited).toBe('SIGKILL');

    // 3. Restarted again: the torn half-batch is cut, the sender's retry is taken,
    //    and a retry of a batch whose answer was lost is taken too.
    p = await startCollect(args);
    await p.waitFor(/cut \d+ bytes of a batch a previous run died writing/);
    expect((await send(p.endpoint, 'b1')).status).toBe(200);
    expect((await send(p.endpoint, 'a2')).status).toBe(200);
    // The CLI decodes in worker threads: a bad body is refused from there too, naming the problem.
    const bad = await post(p.endpoint, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTO);
    expect(bad.status).toBe(400);
    expect(statusOf(bad.body).message).toMatch(/ExportTraceServiceRequest in protobuf/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    const spool = join(state, 'collect');
    const files = readdirSync(spool);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    for (const f of files.filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(spool, f), 'utf8').split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    }
    // The store took every segment, none with a bad record.
    const store = await openDuckDbStore(join(state, 'store.duckdb'));
    try {
      const stored = await store.files();
      expect(stored.map((f) => f.path).sort()).toEqual(files.filter((f) => f.endsWith('.jsonl')).map((f) => join(spool, f)).sort());
      expect(stored.reduce((n, f) => n + f.stats.badRecords, 0)).toBe(0);
      const runs = await store.summaries();
      expect(runs).toHaveLength(4);
    } finally {
      await store.close();
    }
    // Read as analyze reads them: four runs of five spans; the re-sent a2 is one copy.
    const { traces, stats } = await loadTraces([spool]);
    expect(traces.map((t) => t.spans.length)).toEqual([5, 5, 5, 5]);
    expect(stats.badRecords).toBe(0);
    expect(stats.repairs?.identicalDuplicates).toBe(5);
  });
});
