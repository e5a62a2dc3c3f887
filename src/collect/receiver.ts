// OTLP/HTTP trace receiver: POST /v1/traces in protobuf or JSON, gzip or not.
// A request is answered 200 only once its spans are in the spool on disk; the
// bytes of requests not yet answered are bounded, and a request that would
// pass the bound is refused at once with 429 and Retry-After, which OTLP
// exporters honour by retrying later.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { statusBody, successBody } from './otlp-decode.ts';
import { inThread, type Decoder } from './decode.ts';
import type { Spool } from './spool.ts';

export interface ReceiverOptions {
  host: string;
  port: number;
  /** Required `Authorization: Bearer` token; none when empty. */
  token?: string;
  /** Largest body accepted, compressed and decompressed alike (bytes). */
  maxBodyBytes: number;
  /** Bytes of requests received but not yet answered; past it, 429. */
  queueBytes: number;
  /** Seconds a refused sender is told to wait. */
  retryAfterSeconds?: number;
  /** Where bodies are decoded (worker threads in the CLI); this thread by default. */
  decoder?: Decoder;
}

export interface ReceiverStats {
  requests: number;
  accepted: number;
  spans: number;
  refused: Record<number, number>;
}

export interface Receiver {
  server: Server;
  /** The address actually bound (port 0 picks one). */
  url: string;
  stats: ReceiverStats;
  /** Stops accepting connections and waits for answers in flight. */
  close(): Promise<void>;
}

// gRPC status codes for the error bodies (OTLP/HTTP answers with google.rpc.Status).
const RPC = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAUTHENTICATED: 16, UNIMPLEMENTED: 12 } as const;

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly rpc: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startReceiver(spool: Spool, opts: ReceiverOptions): Promise<Receiver> {
  const stats: ReceiverStats = { requests: 0, accepted: 0, spans: 0, refused: {} };
  let inFlight = 0;
  const tokenDigest = opts.token ? digest(opts.token) : null;
  const retryAfter = String(opts.retryAfterSeconds ?? 1);
  const decode = opts.decoder ?? inThread;

  const refuse = (req: IncomingMessage, res: ServerResponse, json: boolean, e: HttpRefusal) => {
    stats.refused[e.status] = (stats.refused[e.status] ?? 0) + 1;
    const body = statusBody(json, e.rpc, e.message);
    const early = !req.complete;
    res.writeHead(e.status, { 'content-type': json ? 'application/json' : 'application/x-protobuf', 'content-length': body.length, ...(early ? { connection: 'close' } : {}), ...e.headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const json = type === 'application/json';
    let reserved = 0;
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/v1/traces') throw new HttpRefusal(404, RPC.UNIMPLEMENTED, `${path}: this receiver takes traces at /v1/traces`);
      if (req.method !== 'POST') throw new HttpRefusal(405, RPC.UNIMPLEMENTED, `${req.method}: /v1/traces takes POST`, { allow: 'POST' });
      if (tokenDigest !== null && !bearerMatches(req.headers.authorization, tokenDigest)) {
        throw new HttpRefusal(401, RPC.UNAUTHENTICATED, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
      }
      if (!json && type !== 'application/x-protobuf') throw new HttpRefusal(415, RPC.INVALID_ARGUMENT, `content-type ${type || '(none)'}: send application/x-protobuf or application/json`);
      const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'gzip' && encoding !== 'identity') throw new HttpRefusal(415, RPC.INVALID_ARGUMENT, `content-encoding ${encoding}: send gzip or none`);
      const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : null;
      if (declared !== null && declared > opts.maxBodyBytes) throw tooLarge(opts.maxBodyBytes);
      // Reserve what the body will take before reading it: a full queue refuses at once.
      reserved = declared ?? 0;
      if (inFlight + reserved > opts.queueBytes && inFlight > 0) throw new HttpRefusal(429, RPC.RESOURCE_EXHAUSTED, 'the receiver is busy writing; retry later', { 'retry-after': retryAfter });
      inFlight += reserved;
      const body = await readBody(req, opts.maxBodyBytes, (n) => {
        // A body of unknown length is reserved as it arrives.
        if (declared !== null) return;
        if (inFlight + n > opts.queueBytes && inFlight > reserved) throw new HttpRefusal(429, RPC.RESOURCE_EXHAUSTED, 'the receiver is busy writing; retry later', { 'retry-after': retryAfter });
        inFlight += n;
        reserved += n;
      });
      const decoded = await decode({ body, json, gzip: encoding === 'gzip', maxBytes: opts.maxBodyBytes });
      if ('error' in decoded) throw decoded.kind === 'too-large' ? tooLarge(opts.maxBodyBytes) : new HttpRefusal(400, RPC.INVALID_ARGUMENT, decoded.error);
      const spans = decoded.spans;
      if (spans > 0) await spool.append(decoded.line);
      stats.accepted++;
      stats.spans += spans;
      const ok = successBody(json);
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf', 'content-length': ok.length });
      res.end(ok);
    } catch (err) {
      if (err instanceof HttpRefusal) refuse(req, res, json, err);
      else if (err instanceof BodyAborted) res.destroy();
      else refuse(req, res, json, new HttpRefusal(503, RPC.RESOURCE_EXHAUSTED, `the receiver could not write: ${(err as Error).message}`, { 'retry-after': retryAfter }));
      // A refusal sent before the body was read: the rest is read and dropped
      // (the sender is still writing it), and the connection closes after.
      if (!req.complete) req.resume();
    } finally {
      inFlight -= reserved;
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}`,
    stats,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await decode.close?.();
    },
  };
}

function tooLarge(max: number): HttpRefusal {
  return new HttpRefusal(413, RPC.INVALID_ARGUMENT, `the body is larger than ${max} bytes (--max-body); send smaller batches`);
}

class BodyAborted extends Error {}

function readBody(req: IncomingMessage, max: number, onChunk: (n: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.removeAllListeners('data');
      req.resume();
      reject(err);
    };
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) return fail(tooLarge(max));
      try {
        onChunk(c.length);
      } catch (err) {
        return fail(err);
      }
      chunks.push(c);
    });
    req.on('end', () => !failed && resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('aborted', () => fail(new BodyAborted('the sender went away')));
    req.on('error', (err) => fail(new BodyAborted(err.message)));
  });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function bearerMatches(header: string | undefined, want: Buffer): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!.trim()), want);
}
