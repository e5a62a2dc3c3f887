// The exporters' HTTP client: writes strictly one at a time, reads in
// parallel, and waits as long as the server says (retry-after seconds or date,
// x-ratelimit-reset) — but not longer than the caller allows.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttp, retryDelayMs } from '../src/export/http.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function slowServer(): Promise<{ url: string; maxWrites: () => number; maxReads: () => number }> {
  let writes = 0;
  let reads = 0;
  let maxWrites = 0;
  let maxReads = 0;
  server = createServer((req, res) => {
    const write = req.method !== 'GET';
    if (write) maxWrites = Math.max(maxWrites, ++writes);
    else maxReads = Math.max(maxReads, ++reads);
    req.resume();
    // Hold each request until several are outstanding, so overlap would show.
    setTimeout(() => {
      if (write) writes--;
      else reads--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }, 30);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, maxWrites: () => maxWrites, maxReads: () => maxReads };
}

describe('export http', () => {
  it('sends writes one at a time even when called concurrently; reads overlap', async () => {
    const s = await slowServer();
    const http = createHttp();
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => http('POST', `${s.url}/w${i}`, { i })),
      ...Array.from({ length: 5 }, (_, i) => http('GET', `${s.url}/r${i}`)),
    ]);
    expect(s.maxWrites()).toBe(1);
    expect(s.maxReads()).toBeGreaterThan(1);
  });

  it('a failed write does not block the ones queued behind it', async () => {
    let n = 0;
    server = createServer((req, res) => {
      req.resume();
      n++;
      res.writeHead(n === 1 ? 400 : 201, { 'content-type': 'application/json' });
      res.end(n === 1 ? '{"message":"Validation Failed"}' : '{}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createHttp();
    const [a, b] = await Promise.allSettled([http('POST', `${url}/a`, {}), http('POST', `${url}/b`, {})]);
    expect(a.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason.message).toBe(`POST ${url}/a failed: HTTP 400: Validation Failed`);
    expect(b.status).toBe('fulfilled');
  });

  it('reads the wait from retry-after (seconds or HTTP date) and x-ratelimit-reset; backs off exponentially otherwise', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryDelayMs(new Headers({ 'retry-after': '7' }), 0, now)).toBe(7000);
    expect(retryDelayMs(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }), 0, now)).toBe(30_000);
    expect(retryDelayMs(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 60) }), 0, now)).toBe(61_000);
    expect(retryDelayMs(new Headers(), 0, now)).toBe(1000);
    expect(retryDelayMs(new Headers(), 3, now)).toBe(8000);
  });

  it('refuses to wait longer than maxWaitMs and says so', async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' });
      res.end('{"message":"slow down"}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const slept: number[] = [];
    const http = createHttp({ maxWaitMs: 60_000, sleep: async (ms) => void slept.push(ms) });
    await expect(http('GET', `${url}/x`)).rejects.toThrow(/rate limited for 3600 s, longer than we wait; run again later/);
    expect(slept).toEqual([]);
  });
});
