// A loopback Jira Cloud REST v3: issues with labels, JQL search on
// /rest/api/3/search/jql with nextPageToken pages (the old /search answers 410),
// ADF descriptions and comments (validated), workflow transitions, basic auth,
// injected failures and a search index that lags behind writes. Periodic
// faults like the GitHub fake's: 429 with Retry-After, 503s, creates done and
// their answer lost, writes done and never answered.
import { startJsonServer, type FaultRule, type Injected, type JsonServer } from './fake-github.ts';

export interface JiraFaults {
  /** Every Nth issue create is done and then its response lost (connection closed). */
  loseCreateEvery?: number;
  /** Every Nth request is answered 429 with Retry-After: `retryAfter` s. */
  rateLimitEvery?: number;
  retryAfter?: string;
  /** Every Nth request is answered 503 before anything is done. */
  serverErrorEvery?: number;
  /** Every Nth write other than a create is done and never answered (the client times out). */
  silentWriteEvery?: number;
}

export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  labels: string[];
  description: unknown;
  priority?: string;
  issuetype: string;
  status: 'To Do' | 'In Progress' | 'Done';
  resolution: string | null;
  comments: unknown[];
  hiddenForSearches: number;
  stateChanges: Array<{ to: string; by: 'api' | 'human' }>;
}

export interface FakeJira extends JsonServer {
  issues: JiraIssue[];
  searchLag: number;
  faults: JiraFaults;
  /** Each injected fault, in order: "rate-limit 429 <op>", "lost-create", "silent <op>", … */
  faultLog: string[];
  humanClose(key: string, resolution?: string): void;
}

const CATEGORY = { 'To Do': 'new', 'In Progress': 'indeterminate', Done: 'done' } as const;
const TRANSITIONS = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'In Progress', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
] as const;
const PRIORITIES = new Set(['Highest', 'High', 'Medium', 'Low', 'Lowest']);

/** Why an ADF document is invalid, or null. Jira rejects these with 400. */
export function adfProblem(doc: unknown): string | null {
  const d = doc as { version?: unknown; type?: unknown; content?: unknown };
  if (!d || d.type !== 'doc' || d.version !== 1 || !Array.isArray(d.content)) return 'not an ADF doc (version 1, type doc, content[])';
  const walk = (n: { type?: unknown; text?: unknown; content?: unknown; marks?: unknown }): string | null => {
    if (typeof n.type !== 'string') return 'node without type';
    if (n.type === 'text') {
      if (typeof n.text !== 'string' || n.text.length === 0) return 'empty text node';
      if (n.marks !== undefined && (!Array.isArray(n.marks) || n.marks.some((m: { type?: unknown }) => !['code', 'strong', 'em', 'link'].includes(m.type as string)))) return 'bad mark';
      return null;
    }
    if (!['paragraph', 'heading', 'bulletList', 'listItem', 'rule', 'codeBlock'].includes(n.type)) return `unknown node ${n.type}`;
    if (n.type === 'bulletList' && (!Array.isArray(n.content) || !n.content.length)) return 'empty bulletList';
    for (const c of (n.content as unknown[]) ?? []) {
      const p = walk(c as never);
      if (p) return p;
    }
    return null;
  };
  for (const c of d.content) {
    const p = walk(c as never);
    if (p) return p;
  }
  return null;
}

export async function startFakeJira(opts: { project: string; email: string; token: string; pageSize?: number; searchLag?: number; priorityOnScreen?: boolean; faults?: JiraFaults }): Promise<FakeJira> {
  const issues: JiraIssue[] = [];
  const auth = `Basic ${Buffer.from(`${opts.email}:${opts.token}`).toString('base64')}`;
  const pageSize = opts.pageSize ?? 2;
  const view = (i: JiraIssue, base: string) => ({
    id: i.id,
    key: i.key,
    self: `${base}/rest/api/3/issue/${i.id}`,
    fields: {
      summary: i.summary,
      labels: i.labels,
      description: i.description,
      status: { name: i.status, statusCategory: { key: CATEGORY[i.status] } },
      resolution: i.resolution ? { name: i.resolution } : null,
    },
  });
  const bad = (msg: string) => ({ status: 400, body: { errorMessages: [msg], errors: {} } });
  let fake!: FakeJira;
  let creates = 0;
  let silentWrites = 0;
  const faultLog: string[] = [];
  const faultRule: FaultRule = (req, n) => {
    const fault = pickFault(req, n);
    if (fault) faultLog.push(`${fault.status || (fault.silent ? 'silent' : 'lost')} ${req.method} ${req.path.replace(/\?.*/, '')}`);
    return fault;
  };
  const pickFault: FaultRule = (req, n): Injected | undefined => {
    const f = fake.faults;
    if (f.rateLimitEvery && n % f.rateLimitEvery === 0) return { status: 429, headers: { 'retry-after': f.retryAfter ?? '1' }, body: { errorMessages: ['Rate limit exceeded.'] } };
    if (f.serverErrorEvery && n % f.serverErrorEvery === 0) return { status: 503, raw: '<html><body>503 Service Unavailable</body></html>', contentType: 'text/html' };
    const write = req.method !== 'GET' && !req.path.startsWith('/rest/api/3/search');
    if (req.method === 'POST' && req.path === '/rest/api/3/issue') {
      if (f.loseCreateEvery && ++creates % f.loseCreateEvery === 0) return { status: 0, after: true, drop: true };
    } else if (write && f.silentWriteEvery && ++silentWrites % f.silentWriteEvery === 0) return { status: 0, after: true, silent: true };
    return undefined;
  };
  const server = await startJsonServer((req, url) => {
    if (req.headers.authorization !== auth) return { status: 401, body: { errorMessages: ['Client must be authenticated to access this resource.'] } };
    const p = url.pathname;
    if (p === '/rest/api/3/search') return { status: 410, body: { errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.'] } };
    if (p === '/rest/api/3/search/jql' && req.method === 'POST') {
      const b = req.body as { jql?: string; maxResults?: number; nextPageToken?: string; fields?: string[] };
      const jql = b.jql ?? '';
      const project = /project\s*=\s*"?([A-Z0-9_]+)"?/.exec(jql)?.[1];
      const label = /labels\s*=\s*"([^"]+)"/.exec(jql)?.[1];
      if (!project || !label) return bad(`Error in the JQL Query: unsupported query "${jql}"`);
      if (!b.nextPageToken) for (const i of issues) if (i.hiddenForSearches > 0) i.hiddenForSearches--;
      const matching = issues.filter((i) => i.hiddenForSearches === 0 && i.key.startsWith(`${project}-`) && i.labels.includes(label));
      const start = b.nextPageToken ? Number(Buffer.from(b.nextPageToken, 'base64url').toString()) : 0;
      const per = Math.min(pageSize, b.maxResults ?? 50);
      const slice = matching.slice(start, start + per);
      const more = start + per < matching.length;
      return { status: 200, body: { issues: slice.map((i) => view(i, fake.url)), isLast: !more, ...(more ? { nextPageToken: Buffer.from(String(start + per)).toString('base64url') } : {}) } };
    }
    if (p === '/rest/api/3/issue' && req.method === 'POST') {
      const f = (req.body as { fields?: Record<string, any> }).fields ?? {};
      if (f.project?.key !== opts.project) return bad(`project: valid project is required`);
      if (typeof f.summary !== 'string' || !f.summary) return bad('summary: You must specify a summary of the issue.');
      if (!['Task', 'Bug'].includes(f.issuetype?.name)) return bad('issuetype: Specify a valid issue type');
      const adf = adfProblem(f.description);
      if (adf) return bad(`description: Operation value must be an Atlassian Document (${adf})`);
      if (!Array.isArray(f.labels) || f.labels.some((l: string) => /\s/.test(l))) return bad('labels: labels cannot contain spaces');
      if (f.priority && opts.priorityOnScreen === false) return { status: 400, body: { errorMessages: [], errors: { priority: "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown." } } };
      if (f.priority && !PRIORITIES.has(f.priority.name)) return bad(`priority: Priority name '${f.priority.name}' is not valid`);
      const n = issues.length + 1;
      const issue: JiraIssue = { id: String(10000 + n), key: `${opts.project}-${n}`, summary: f.summary, labels: f.labels, description: f.description, priority: f.priority?.name, issuetype: f.issuetype.name, status: 'To Do', resolution: null, comments: [], hiddenForSearches: fake.searchLag, stateChanges: [] };
      issues.push(issue);
      return { status: 201, body: { id: issue.id, key: issue.key, self: `${fake.url}/rest/api/3/issue/${issue.id}` } };
    }
    const m = /^\/rest\/api\/3\/issue\/([A-Z0-9_]+-\d+|\d+)(\/comment|\/transitions)?$/.exec(p);
    const issue = m ? issues.find((i) => i.key === m[1] || i.id === m[1]) : undefined;
    if (!issue) return { status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] } };
    const sub = m![2];
    if (!sub && req.method === 'GET') return { status: 200, body: view(issue, fake.url) };
    if (!sub && req.method === 'PUT') {
      const f = (req.body as { fields?: Record<string, unknown> }).fields ?? {};
      if ('description' in f) {
        const adf = adfProblem(f.description);
        if (adf) return bad(`description: ${adf}`);
        issue.description = f.description;
      }
      return { status: 204 };
    }
    if (sub === '/comment' && req.method === 'GET') {
      const newestFirst = url.searchParams.get('orderBy') === '-created';
      const all = issue.comments.map((body, n) => ({ id: String(n + 1), body }));
      const comments = (newestFirst ? all.reverse() : all).slice(0, Number(url.searchParams.get('maxResults') ?? '50'));
      return { status: 200, body: { comments, total: issue.comments.length, startAt: 0, maxResults: comments.length } };
    }
    if (sub === '/comment' && req.method === 'POST') {
      const body = (req.body as { body?: unknown }).body;
      const adf = adfProblem(body);
      if (adf) return bad(`comment body: ${adf}`);
      issue.comments.push(body);
      return { status: 201, body: { id: String(issue.comments.length) } };
    }
    if (sub === '/transitions' && req.method === 'GET') {
      return { status: 200, body: { transitions: TRANSITIONS.filter((t) => t.to !== issue.status).map((t) => ({ id: t.id, name: t.name, to: { name: t.to, statusCategory: { key: CATEGORY[t.to] } } })) } };
    }
    if (sub === '/transitions' && req.method === 'POST') {
      const t = TRANSITIONS.find((x) => x.id === (req.body as { transition?: { id?: string } }).transition?.id && x.to !== issue.status);
      if (!t) return bad('Transition id is not valid for this issue');
      issue.status = t.to;
      issue.resolution = t.to === 'Done' ? 'Done' : null;
      issue.stateChanges.push({ to: t.to, by: 'api' });
      return { status: 204 };
    }
    return { status: 405, body: { errorMessages: ['Method not allowed'] } };
  }, () => faultRule);
  fake = Object.assign(server, {
    issues,
    searchLag: opts.searchLag ?? 0,
    faults: opts.faults ?? {},
    faultLog,
    humanClose(key: string, resolution = 'Done') {
      const i = issues.find((x) => x.key === key)!;
      i.status = 'Done';
      i.resolution = resolution;
      i.stateChanges.push({ to: 'Done', by: 'human' });
    },
  });
  return fake;
}
