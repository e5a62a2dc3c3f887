// One HTTP(S) request with three separate limits: connecting, waiting for the
// response headers, and the whole exchange. A tracker (or a proxy in front of
// it) that accepts a connection and then says nothing must not hold a run for
// minutes; global fetch only offers one overall signal and minutes-long
// defaults, and cannot tell the three apart.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';

export interface Timeouts {
  connectMs: number;
  headersMs: number;
  totalMs: number;
}

export class TransportTimeout extends Error {
  constructor(
    readonly phase: 'connect' | 'headers' | 'total',
    ms: number,
  ) {
    super(phase === 'connect' ? `no connection within ${ms} ms` : phase === 'headers' ? `no response within ${ms} ms` : `request not finished within ${ms} ms`);
    this.name = 'TransportTimeout';
  }
}

// Idle kept-alive sockets are unref'd by the agent, so they never hold the process open.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** The parts of a fetch Response the exporters read. */
interface MinimalResponse {
  status: number;
  headers: Headers;
  text(): Promise<string>;
}

function toHeaders(res: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

/** A fetch-shaped request (resolves at the headers; text() reads the body) under `limits`. */
export function request(url: string, init: RequestInit, limits: Timeouts): Promise<Response> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  if (!secure && u.protocol !== 'http:') return Promise.reject(new Error(`unsupported protocol ${u.protocol}`));
  const headers = Object.fromEntries(new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).entries());
  const body = typeof init.body === 'string' ? init.body : undefined;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const clear = () => timers.forEach(clearTimeout);
    const req = (secure ? httpsRequest : httpRequest)(u, {
      method: init.method ?? 'GET',
      headers,
      agent: secure ? agents.https : agents.http,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const fail = (err: Error) => {
      clear();
      req.destroy(err);
      reject(err);
    };
    const after = (ms: number, phase: TransportTimeout['phase']) => {
      const t = setTimeout(() => fail(new TransportTimeout(phase, ms)), ms);
      timers.push(t);
      return t;
    };
    after(limits.totalMs, 'total');
    const headersTimer = after(limits.headersMs, 'headers');
    req.once('socket', (socket) => {
      // A reused keep-alive socket is already connected.
      if (!socket.connecting) return;
      const t = after(limits.connectMs, 'connect');
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(t));
    });
    req.once('error', (err) => {
      clear();
      reject(err);
    });
    req.once('response', (res) => {
      clearTimeout(headersTimer);
      const chunks: Buffer[] = [];
      const done = new Promise<string>((ok, bad) => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          clear();
          ok(Buffer.concat(chunks).toString('utf8'));
        });
        res.once('error', bad);
        res.once('aborted', () => bad(new Error('connection closed mid-body')));
        req.once('error', bad);
      });
      // Nobody may read the body (a HEAD, an error path): keep its rejection from going unhandled.
      done.catch(() => {});
      const out: MinimalResponse = { status: res.statusCode ?? 0, headers: toHeaders(res), text: () => done };
      resolve(out as unknown as Response);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}
