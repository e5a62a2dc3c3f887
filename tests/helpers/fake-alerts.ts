// Loopback servers that behave like alert endpoints. Slack's incoming webhook:
// a good post gets 200 "ok" (text/plain); a body without `text` or with
// malformed blocks gets 400 "invalid_payload"; 429 carries Retry-After. A
// generic webhook receiver records bodies and headers and answers 200. Each
// request can be given a scripted fault first: a status, a hang (never
// answer), or a slow answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { status: number; body?: string; retryAfter?: string } | { hang: true } | { delayMs: number };

export interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
}

export interface AlertServer {
  url: string;
  /** Requests that were answered with success. */
  delivered: Received[];
  /** Every request, answered or not. */
  requests: Received[];
  faults: Fault[];
  close(): Promise<void>;
}

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions', 'image']);

/** What Slack checks before it posts: text or blocks present, at most 50 well-formed blocks. */
export function slackProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object') return 'invalid_payload';
  const b = body as { text?: unknown; blocks?: unknown };
  if (typeof b.text !== 'string' && !Array.isArray(b.blocks)) return 'no_text';
  if (b.blocks !== undefined) {
    if (!Array.isArray(b.blocks) || b.blocks.length > 50) return 'invalid_blocks';
    for (const bl of b.blocks as Array<{ type?: unknown; text?: { type?: unknown; text?: unknown } }>) {
      if (typeof bl?.type !== 'string' || !BLOCK_TYPES.has(bl.type)) return 'invalid_blocks';
      if ((bl.type === 'section' || bl.type === 'header') && (typeof bl.text?.text !== 'string' || (bl.text.text as string).length > (bl.type === 'header' ? 150 : 3000))) return 'invalid_blocks';
    }
  }
  return null;
}

async function start(kind: 'slack' | 'webhook'): Promise<AlertServer> {
  const faults: Fault[] = [];
  const delivered: Received[] = [];
  const requests: Received[] = [];
  const hung: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const rec = { headers: req.headers, raw, body };
      requests.push(rec);
      const fault = faults.shift();
      const answer = () => {
        if (fault && 'status' in fault) {
          res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) });
          return void res.end(fault.body ?? (fault.status === 429 ? 'rate_limited' : 'error'));
        }
        if (kind === 'slack') {
          const problem = slackProblem(body);
          res.writeHead(problem ? 400 : 200, { 'content-type': 'text/plain' });
          if (!problem) delivered.push(rec);
          return void res.end(problem ?? 'ok');
        }
        delivered.push(rec);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":true}');
      };
      if (fault && 'hang' in fault) return void hung.push(res);
      if (fault && 'delayMs' in fault) return void setTimeout(answer, fault.delayMs);
      answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: kind === 'slack' ? `http://127.0.0.1:${port}/services/T000/B000/XXXXSECRETXXXX` : `http://127.0.0.1:${port}/hooks/halo`,
    delivered,
    requests,
    faults,
    close: () =>
      new Promise<void>((r) => {
        for (const h of hung) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const startFakeSlack = () => start('slack');
export const startFakeWebhook = () => start('webhook');
