// Loopback servers that answer like Langfuse's, LangSmith's and Phoenix's
// public APIs for listing traces (paths, auth headers, query parameters and
// page shapes as their clients send and read them), holding records that
// become visible at a time of the test's choosing (a service indexing late),
// with scripted faults per request (429 with Retry-After, 5xx).
import { createServer, type IncomingMessage, type Server } from 'node:http';

type Dict = Record<string, unknown>;

export interface Held {
  /** When the record started (the listings filter on it). */
  start: number;
  /** When the service shows it (later than `start` for a record indexed late). */
  visibleAt: number;
  record: Dict;
  /** Langfuse: which listing it belongs to. */
  listing?: 'traces' | 'observations';
}

export interface FakeService {
  url: string;
  held: Held[];
  /** The service's clock: what is visible. */
  now: number;
  /** Requests seen, in order: method, path and query or body. */
  requests: { method: string; path: string; query: Dict; body: Dict | null }[];
  /** Answer request number n (1-based, counting every request) with this status instead. */
  faults: Map<number, { status: number; retryAfter?: string }>;
  /** Answer every request for a page after the first with 500 (a service down mid-pull). */
  failAfterFirstPage: boolean;
  close(): Promise<void>;
}

function readJson(req: IncomingMessage): Promise<Dict | null> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (d) => (s += d));
    req.on('end', () => resolve(s ? (JSON.parse(s) as Dict) : null));
  });
}

export async function startFakeService(kind: 'langfuse' | 'langsmith' | 'phoenix', auth: Record<string, string>, pageSize: number): Promise<FakeService> {
  const svc: FakeService = { url: '', held: [], now: 0, requests: [], faults: new Map(), failAfterFirstPage: false, close: async () => {} };
  const visible = (from: number, to: number, listing?: string) =>
    svc.held.filter((h) => h.visibleAt <= svc.now && h.start >= from && h.start < to && (listing === undefined || h.listing === listing)).sort((a, b) => a.start - b.start);

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const body = req.method === 'POST' ? await readJson(req) : null;
    svc.requests.push({ method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    for (const [h, v] of Object.entries(auth)) if (req.headers[h] !== v) return send(401, { message: 'Unauthorized' });
    const fault = svc.faults.get(svc.requests.length);
    if (fault) return send(fault.status, { message: 'injected' }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    const q = url.searchParams;
    if (kind === 'langfuse') {
      const listing = url.pathname === '/api/public/traces' ? 'traces' : url.pathname === '/api/public/observations' ? 'observations' : null;
      if (!listing) return send(404, { message: 'not found' });
      const [fromKey, toKey] = listing === 'traces' ? ['fromTimestamp', 'toTimestamp'] : ['fromStartTime', 'toStartTime'];
      const page = Number(q.get('page') ?? 1);
      const limit = Math.min(Number(q.get('limit') ?? 50), pageSize);
      if (svc.failAfterFirstPage && page > 1) return send(500, { message: 'Internal Server Error' });
      const all = visible(Date.parse(q.get(fromKey)!), Date.parse(q.get(toKey)!), listing);
      const data = all.slice((page - 1) * limit, page * limit).map((h) => h.record);
      return send(200, { data, meta: { page, limit, totalItems: all.length, totalPages: Math.ceil(all.length / limit) } });
    }
    if (kind === 'langsmith') {
      if (url.pathname === '/sessions') return send(200, [{ id: '6b3ac5a2-0d7e-4f6b-9d43-1f4c0e0b9a11', name: q.get('name') }]);
      if (url.pathname !== '/runs/query' || req.method !== 'POST') return send(404, { detail: 'Not Found' });
      const b = body!;
      if (!Array.isArray(b.session) || b.session[0] !== '6b3ac5a2-0d7e-4f6b-9d43-1f4c0e0b9a11') return send(400, { detail: 'session required' });
      const before = /^lt\(start_time, "([^"]+)"\)$/.exec(String(b.filter ?? ''));
      const offset = b.cursor ? Number(Buffer.from(String(b.cursor), 'base64').toString()) : 0;
      if (svc.failAfterFirstPage && offset > 0) return send(502, { detail: 'Bad Gateway' });
      const all = visible(Date.parse(String(b.start_time)), before ? Date.parse(before[1]!) : Infinity);
      const limit = Math.min(Number(b.limit ?? 100), pageSize);
      const runs = all.slice(offset, offset + limit).map((h) => h.record);
      const more = offset + limit < all.length;
      return send(200, { runs, cursors: { next: more ? Buffer.from(String(offset + limit)).toString('base64') : null } });
    }
    const m = /^\/v1\/projects\/([^/]+)\/spans$/.exec(url.pathname);
    if (!m) return send(404, { detail: 'Not Found' });
    const cursor = q.get('cursor');
    if (svc.failAfterFirstPage && cursor) return send(503, { detail: 'Service Unavailable' });
    const all = visible(Date.parse(q.get('start_time')!), Date.parse(q.get('end_time')!));
    const limit = Math.min(Number(q.get('limit') ?? 100), pageSize);
    // Phoenix's cursor is the next span's global id.
    const at = cursor ? all.findIndex((h) => (h.record as { id: string }).id === cursor) : 0;
    const data = all.slice(at, at + limit).map((h) => h.record);
    const next = all[at + limit];
    return send(200, { data, next_cursor: next ? (next.record as { id: string }).id : null });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  svc.url = `http://127.0.0.1:${addr.port}`;
  svc.close = () => new Promise((r) => server.close(() => r()));
  return svc;
}
