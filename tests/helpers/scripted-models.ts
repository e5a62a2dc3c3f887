// Scripted models for tests: a script sees each request (normalized across
// providers) and returns the next reply, like a real model would. The
// loopback servers in loopback-openai.ts / loopback-anthropic.ts speak each
// provider's wire protocol around these scripts.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from './prng.ts';

export interface ScriptedRequest {
  provider: 'openai' | 'anthropic';
  /** 0-based arrival order across all requests to this server (retries included). */
  index: number;
  model: string;
  system: string;
  messages: { role: string; content: string }[];
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
}

export type ScriptReply =
  | string
  | { text: string; finishReason?: string; refusal?: string; usage?: { input: number; output: number }; delayMs?: number }
  | { error: { status: number; message?: string; headers?: Record<string, string> } };

export type Script = (req: ScriptedRequest) => ScriptReply | Promise<ScriptReply>;

export type FaultKind = '429' | '500' | 'timeout';

export interface FaultPlan {
  /** Share of requests that fail (0..1), chosen by a seeded generator so runs repeat. */
  rate: number;
  kinds: FaultKind[];
  seed?: number;
}

export interface LoopbackServer {
  baseURL: string;
  /** Every request that reached the script (faulted ones excluded). */
  requests: ScriptedRequest[];
  /** Every request body the server received, faulted ones included. */
  received: ScriptedRequest[];
  faults: { index: number; kind: FaultKind }[];
  maxInFlight: number;
  close(): Promise<void>;
}

/** Rough, deterministic token count (4 chars per token) like a tokenizer would give. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface WireProtocol {
  provider: 'openai' | 'anthropic';
  path: string;
  /** Path prefix the SDK's baseURL carries. */
  basePath: string;
  parse(body: Record<string, any>): { model: string; system: string; messages: { role: string; content: string }[]; maxTokens?: number };
  ok(req: ScriptedRequest, reply: { text: string; finishReason?: string; refusal?: string; usage: { input: number; output: number } }): unknown;
  error(status: number, message: string): unknown;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startLoopback(protocol: WireProtocol, script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  const random = prng(faults?.seed ?? 7);
  const state: LoopbackServer = {
    baseURL: '',
    requests: [],
    received: [],
    faults: [],
    maxInFlight: 0,
    close: async () => {},
  };
  let inFlight = 0;
  let index = 0;
  const server = createServer(async (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    try {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== protocol.path) {
        return send(res, 404, protocol.error(404, `no route ${req.method} ${req.url}`));
      }
      let body: Record<string, any>;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, protocol.error(400, 'invalid JSON body'));
      }
      const { maxTokens: _max, ...parsed } = protocol.parse(body);
      const maxTokens = _max;
      const sreq: ScriptedRequest = { provider: protocol.provider, index: index++, ...parsed, body, headers: req.headers };
      state.received.push(sreq);
      if (faults && random() < faults.rate) {
        const kind = faults.kinds[Math.floor(random() * faults.kinds.length)]!;
        state.faults.push({ index: sreq.index, kind });
        if (kind === '429') return send(res, 429, protocol.error(429, 'Rate limit exceeded'), { 'retry-after-ms': '20' });
        if (kind === '500') return send(res, 500, protocol.error(500, 'Internal server error'));
        return; // timeout: hold the request until the client gives up and closes it
      }
      state.requests.push(sreq);
      const reply = await script(sreq);
      if (typeof reply === 'object' && 'error' in reply) {
        return send(res, reply.error.status, protocol.error(reply.error.status, reply.error.message ?? 'error'), reply.error.headers);
      }
      let r = typeof reply === 'string' ? { text: reply } : reply;
      if ('delayMs' in r && r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
      // Like a real model, stop at the requested output cap.
      if (maxTokens !== undefined && countTokens(r.text) > maxTokens) {
        r = { ...r, text: r.text.slice(0, maxTokens * 4), finishReason: 'length' };
      }
      const input = countTokens(parsed.system + parsed.messages.map((m) => m.content).join(''));
      send(res, 200, protocol.ok(sreq, { ...r, usage: r.usage ?? { input, output: countTokens(r.text) } }));
    } catch (err) {
      send(res, 500, protocol.error(500, `script failed: ${(err as Error).message}`));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  state.baseURL = `http://127.0.0.1:${port}${protocol.basePath}`;
  state.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return state;
}

/** Text of a message content that may be a string or a list of text blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b) => (typeof b === 'string' ? b : (b?.text ?? ''))).join('');
  return '';
}

/** A root script from a list of turns: turn n answers the n-th root request of a conversation. */
export function turns(...replies: (ScriptReply | ((req: ScriptedRequest) => ScriptReply))[]): Script {
  return (req) => {
    const n = req.messages.filter((m) => m.role === 'assistant').length;
    const r = replies[Math.min(n, replies.length - 1)]!;
    return typeof r === 'function' ? r(req) : r;
  };
}

/** Wraps JS source in a fenced cell the way models write them. */
export function cell(code: string, prose = 'Let me look at the data.'): string {
  return `${prose}\n\n\`\`\`js\n${code}\n\`\`\`\n`;
}
