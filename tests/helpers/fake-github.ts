// A loopback GitHub Issues API: in-memory issues and labels, label/state
// filtering, Link-header pagination with a small page size, 422 for an
// existing label, injected rate-limit and 5xx responses, and a search index
// that lags behind writes (new issues stay invisible to listing for a while).
// Faults a real network adds: responses lost after the work is done, bodies
// that are not what the endpoint returns (HTML, truncated JSON), silence, and
// pagination that never ends.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Injected {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only requests whose path (with query) matches. */
  path?: RegExp;
  /** Do the work first, then answer with this failure (a server that errs after committing). */
  after?: boolean;
  /** Send this text as the body instead of JSON (with `contentType`, default JSON's). */
  raw?: string;
  contentType?: string;
  /** Close the connection without answering (with `after`: once the work is done — a lost response). */
  drop?: boolean;
  /** Never answer at all. */
  silent?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface JsonServer {
  url: string;
  requests: LoggedRequest[];
  inject(...responses: Injected[]): void;
  writes(): LoggedRequest[];
  close(): Promise<void>;
}

export type Handler = (req: LoggedRequest, url: URL) => { status: number; body?: unknown; headers?: Record<string, string> };

/** Periodic faults: called for each request (1-based count) before the queue; may return a fault. */
export type FaultRule = (req: LoggedRequest, n: number) => Injected | undefined;

/** A JSON HTTP server on 127.0.0.1 that logs every request and can be told to fail the next ones. */
export async function startJsonServer(handler: Handler, rule?: () => FaultRule | undefined): Promise<JsonServer> {
  const requests: LoggedRequest[] = [];
  const queue: Injected[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const logged: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname + url.search, body: raw ? JSON.parse(raw) : undefined, headers: req.headers };
    requests.push(logged);
    const i = queue.findIndex((q) => (!q.method || q.method === logged.method) && (!q.path || q.path.test(logged.path)));
    const injected = rule?.()?.(logged, requests.length) ?? (i >= 0 ? queue.splice(i, 1)[0]! : undefined);
    const handled = !injected || injected.after ? handler(logged, url) : undefined;
    if (injected?.silent) {
      held.add(res);
      return;
    }
    if (injected?.drop) {
      req.socket.destroy();
      return;
    }
    const reply = injected ?? handled!;
    res.writeHead(reply.status, { 'content-type': injected?.contentType ?? 'application/json; charset=utf-8', ...reply.headers });
    res.end(injected?.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject: (...r) => queue.push(...r),
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    close: () =>
      new Promise((r) => {
        for (const h of held) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface GhIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  state_reason: string | null;
  comments: string[];
  /** Listing requests that must pass before the issue shows up in listings. */
  hiddenForLists: number;
  /** Who changed the state, in order ("api" = the exporter, "human" = the test). */
  stateChanges: Array<{ to: 'open' | 'closed'; by: 'api' | 'human' }>;
}

export interface FakeGithub extends JsonServer {
  issues: GhIssue[];
  labels: Set<string>;
  /** A person closes an issue in the web UI. */
  humanClose(n: number, reason?: 'completed' | 'not_planned'): void;
  /** How many issue-list requests make a new issue visible (search lag). */
  searchLag: number;
  /** Periodic faults, applied to every request while set. */
  faults: GithubFaults;
}

export interface GithubFaults {
  /** Every Nth issue create is done and then its response lost (connection closed). */
  loseCreateEvery?: number;
  /** Every Nth request (any kind) is answered 429 with Retry-After: `retryAfter` s. */
  rateLimitEvery?: number;
  retryAfter?: string;
  /** Every listing page says there is a next page, forever. */
  endlessPages?: boolean;
}

export async function startFakeGithub(opts: { repo: string; token: string; pageSize?: number; searchLag?: number; faults?: GithubFaults }): Promise<FakeGithub> {
  const issues: GhIssue[] = [];
  const labels = new Set<string>();
  const pageSize = opts.pageSize ?? 2;
  const prefix = `/repos/${opts.repo}`;
  const view = (i: GhIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name) => ({ name })),
    comments: i.comments.length,
    html_url: `https://github.example/${opts.repo}/issues/${i.number}`,
  });
  let fake!: FakeGithub;
  let creates = 0;
  const issuesPath = `${prefix}/issues`;
  const faultRule: FaultRule = (req, n) => {
    const f = fake.faults;
    if (f.rateLimitEvery && n % f.rateLimitEvery === 0) return { status: 429, headers: { 'retry-after': f.retryAfter ?? '1' }, body: { message: 'API rate limit exceeded' } };
    if (f.loseCreateEvery && req.method === 'POST' && req.path === issuesPath && ++creates % f.loseCreateEvery === 0) return { status: 0, after: true, drop: true };
    return undefined;
  };
  const server = await startJsonServer((req, url) => {
    const write = req.method !== 'GET';
    if (write && req.headers.authorization !== `Bearer ${opts.token}`) return { status: 401, body: { message: 'Requires authentication' } };
    const path = url.pathname;
    if (!path.startsWith(prefix)) return { status: 404, body: { message: 'Not Found' } };
    const rest = path.slice(prefix.length);
    if (rest === '/labels' && req.method === 'POST') {
      const name = (req.body as { name: string }).name;
      if (labels.has(name)) return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] } };
      labels.add(name);
      return { status: 201, body: { name } };
    }
    if (rest === '/issues' && req.method === 'GET') {
      const want = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const state = url.searchParams.get('state') ?? 'open';
      const page = Number(url.searchParams.get('page') ?? '1');
      const per = Math.min(pageSize, Number(url.searchParams.get('per_page') ?? '30'));
      // A listing "search" starts at page 1; lagging issues count down on each.
      if (page === 1) for (const i of issues) if (i.hiddenForLists > 0) i.hiddenForLists--;
      const matching = issues.filter((i) => i.hiddenForLists === 0 && want.every((l) => i.labels.includes(l)) && (state === 'all' || i.state === state));
      const slice = matching.slice((page - 1) * per, page * per);
      const headers: Record<string, string> = {};
      if (fake.faults.endlessPages) headers.link = `<${fake.url}${path}?labels=halo&state=all&per_page=${per}&page=${page + 1}>; rel="next"`;
      else if (page * per < matching.length) {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(page + 1));
        const last = new URL(url.toString());
        last.searchParams.set('page', String(Math.ceil(matching.length / per)));
        headers.link = `<${fake.url}${next.pathname}${next.search}>; rel="next", <${fake.url}${last.pathname}${last.search}>; rel="last"`;
      }
      return { status: 200, body: slice.map(view), headers };
    }
    if (rest === '/issues' && req.method === 'POST') {
      const b = req.body as { title: string; body: string; labels?: string[] };
      for (const l of b.labels ?? []) labels.add(l);
      const issue: GhIssue = { number: issues.length + 1, title: b.title, body: b.body, labels: b.labels ?? [], state: 'open', state_reason: null, comments: [], hiddenForLists: fake.searchLag, stateChanges: [] };
      issues.push(issue);
      return { status: 201, body: view(issue) };
    }
    const m = /^\/issues\/(\d+)(\/comments)?$/.exec(rest);
    const issue = m ? issues.find((i) => i.number === Number(m[1])) : undefined;
    if (!issue) return { status: 404, body: { message: 'Not Found' } };
    if (m![2] && req.method === 'POST') {
      issue.comments.push((req.body as { body: string }).body);
      return { status: 201, body: { id: issue.comments.length } };
    }
    if (!m![2] && req.method === 'GET') return { status: 200, body: view(issue) };
    if (!m![2] && req.method === 'PATCH') {
      const b = req.body as { body?: string; title?: string; state?: 'open' | 'closed' };
      if (b.body !== undefined) issue.body = b.body;
      if (b.title !== undefined) issue.title = b.title;
      if (b.state && b.state !== issue.state) {
        issue.state = b.state;
        issue.state_reason = b.state === 'open' ? 'reopened' : 'completed';
        issue.stateChanges.push({ to: b.state, by: 'api' });
      }
      return { status: 200, body: view(issue) };
    }
    if (m![2] && req.method === 'GET') return { status: 200, body: issue.comments.map((body, i) => ({ id: i + 1, body })) };
    return { status: 404, body: { message: 'Not Found' } };
  }, () => faultRule);
  fake = Object.assign(server, {
    issues,
    labels,
    searchLag: opts.searchLag ?? 0,
    faults: opts.faults ?? {},
    humanClose(n: number, reason: 'completed' | 'not_planned' = 'completed') {
      const i = issues.find((x) => x.number === n)!;
      i.state = 'closed';
      i.state_reason = reason;
      i.stateChanges.push({ to: 'closed', by: 'human' });
    },
  });
  return fake;
}
