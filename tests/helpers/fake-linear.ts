// A loopback Linear GraphQL API: one team with workflow states and labels,
// issues with attachments, comments and state changes; attachment search by URL
// prefix with cursor pages; errors shaped like Linear's (RATELIMITED,
// "Entity not found"); a search index that lags behind writes. Issue filters
// (team + description contains) read the database, so they do not lag.
// Periodic faults like the GitHub fake's: rate limits (Linear's 400
// RATELIMITED and a plain 429), 503s, creates done and their answer lost,
// writes done and never answered.
import { startJsonServer, type FaultRule, type Injected, type JsonServer } from './fake-github.ts';

export interface LinearFaults {
  /** Every Nth issueCreate is done and then its response lost (connection closed). */
  loseCreateEvery?: number;
  /** Every Nth request is rate limited: odd occurrences Linear's HTTP 400 RATELIMITED, even ones 429 with Retry-After. */
  rateLimitEvery?: number;
  /** Every Nth request is answered 503 before anything is done. */
  serverErrorEvery?: number;
  /** Every Nth issueLabelCreate is done and then its response lost. */
  loseLabelCreateEvery?: number;
  /** Every Nth mutation other than issueCreate is done and never answered (the client times out). */
  silentWriteEvery?: number;
}

export interface LinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string;
  priority: number;
  labelIds: string[];
  stateId: string;
  comments: string[];
  attachments: Array<{ url: string; title: string }>;
  hiddenForSearches: number;
  stateChanges: Array<{ to: string; by: 'api' | 'human' }>;
}

export interface FakeLinear extends JsonServer {
  team: { id: string; key: string };
  issues: LinearIssue[];
  labels: Array<{ id: string; name: string }>;
  states: Array<{ id: string; name: string; type: string; position: number }>;
  searchLag: number;
  faults: LinearFaults;
  /** Each injected fault, in order: "rate-limit 429 <op>", "lost-create", "silent <op>", … */
  faultLog: string[];
  humanClose(identifier: string, type?: 'completed' | 'canceled'): void;
  labelNames(issue: LinearIssue): string[];
}

type Gql = { status: number; body: unknown };

const operation = (body: unknown) => /^\s*(query|mutation)\b[^{]*\{\s*(\w+)/.exec((body as { query?: string } | undefined)?.query ?? '');

export async function startFakeLinear(opts: { teamKey: string; apiKey: string; pageSize?: number; searchLag?: number; faults?: LinearFaults }): Promise<FakeLinear> {
  const team = { id: 'team-0001', key: opts.teamKey };
  const states = [
    { id: 'st-backlog', name: 'Backlog', type: 'backlog', position: 0 },
    { id: 'st-todo', name: 'Todo', type: 'unstarted', position: 1 },
    { id: 'st-doing', name: 'In Progress', type: 'started', position: 2 },
    { id: 'st-done', name: 'Done', type: 'completed', position: 3 },
    { id: 'st-canceled', name: 'Canceled', type: 'canceled', position: 4 },
  ];
  const labels: Array<{ id: string; name: string }> = [];
  const issues: LinearIssue[] = [];
  const pageSize = opts.pageSize ?? 2;
  const ok = (data: unknown): Gql => ({ status: 200, body: { data } });
  const fail = (message: string, code = 'INVALID_INPUT'): Gql => ({ status: 200, body: { data: null, errors: [{ message, extensions: { code } }] } });
  const issueView = (i: LinearIssue) => ({
    id: i.id,
    identifier: i.identifier,
    url: `https://linear.example/acme/issue/${i.identifier}`,
    title: i.title,
    description: i.description,
    priority: i.priority,
    state: { type: states.find((s) => s.id === i.stateId)!.type },
    team: { key: team.key },
  });
  const find = (id: unknown) => issues.find((i) => i.id === id || i.identifier === id);
  let fake!: FakeLinear;
  let creates = 0;
  let labelCreates = 0;
  let rateLimits = 0;
  let silentWrites = 0;
  const faultLog: string[] = [];
  const faultRule: FaultRule = (req, n) => {
    const op = operation(req.body);
    const fault = pickFault(req, n, op);
    if (fault) faultLog.push(`${fault.status || (fault.silent ? 'silent' : 'lost')} ${op?.[2] ?? req.path}`);
    return fault;
  };
  const pickFault = (_req: unknown, n: number, op: RegExpExecArray | null): Injected | undefined => {
    const f = fake.faults;
    if (f.rateLimitEvery && n % f.rateLimitEvery === 0) {
      return ++rateLimits % 2 === 1
        ? { status: 400, body: { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] } }
        : { status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ message: 'Too many requests', extensions: { code: 'RATELIMITED' } }] } };
    }
    if (f.serverErrorEvery && n % f.serverErrorEvery === 0) return { status: 503, body: { errors: [{ message: 'Service unavailable' }] } };
    if (op?.[1] === 'mutation' && op[2] === 'issueCreate') {
      if (f.loseCreateEvery && ++creates % f.loseCreateEvery === 0) return { status: 0, after: true, drop: true };
    } else if (op?.[1] === 'mutation' && op[2] === 'issueLabelCreate' && f.loseLabelCreateEvery) {
      if (++labelCreates % f.loseLabelCreateEvery === 0) return { status: 0, after: true, drop: true };
    } else if (op?.[1] === 'mutation' && f.silentWriteEvery && ++silentWrites % f.silentWriteEvery === 0) return { status: 0, after: true, silent: true };
    return undefined;
  };

  const server = await startJsonServer((req) => {
    if (req.headers.authorization !== opts.apiKey) return { status: 400, body: { errors: [{ message: 'Authentication required, not authenticated', extensions: { code: 'AUTHENTICATION_ERROR' } }] } };
    if (req.path !== '/graphql' || req.method !== 'POST') return { status: 404, body: { message: 'Not found' } };
    const { query, variables = {} } = req.body as { query?: string; variables?: Record<string, any> };
    const m = /^\s*(query|mutation)\b[^{]*\{\s*(\w+)/.exec(query ?? '');
    if (!m) return { status: 400, body: { errors: [{ message: 'Syntax Error: expected an operation', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] } };
    const [, op, field] = m;
    const declared = (type: string) => new RegExp(`\\$\\w+\\s*:\\s*${type}`).test(query!);
    const input = variables.input as Record<string, any> | undefined;
    if (op === 'query') {
      if (field === 'teams') return ok({ teams: { nodes: variables.key === team.key ? [{ ...team, states: { nodes: states }, labels: { nodes: labels } }] : [] } });
      if (field === 'attachments') {
        const prefix = /startsWith:\s*\$(\w+)/.exec(query!)?.[1];
        const startsWith = prefix ? variables[prefix] : undefined;
        if (typeof startsWith !== 'string') return fail('attachments: filter.url.startsWith must be a string');
        if (!variables.after) for (const i of issues) if (i.hiddenForSearches > 0) i.hiddenForSearches--;
        const all = issues.filter((i) => i.hiddenForSearches === 0).flatMap((i) => i.attachments.filter((a) => a.url.startsWith(startsWith)).map((a) => ({ url: a.url, issue: issueView(i) })));
        const start = variables.after ? Number(variables.after) : 0;
        const slice = all.slice(start, start + pageSize);
        const more = start + pageSize < all.length;
        return ok({ attachments: { nodes: slice, pageInfo: { hasNextPage: more, endCursor: more ? String(start + pageSize) : null } } });
      }
      if (field === 'issue') {
        const i = find(variables.id);
        if (!i) return fail('Entity not found: Issue - Could not find referenced Issue.');
        const comments = /comments\s*\(/.test(query!) ? { comments: { nodes: i.comments.map((body) => ({ body })) } } : {};
        return ok({ issue: { ...issueView(i), ...comments } });
      }
      if (field === 'issues') {
        // Only the filter halo sends: one team by key, description containing a marker.
        const teamVar = /team:\s*\{\s*key:\s*\{\s*eq:\s*\$(\w+)/.exec(query!)?.[1];
        const marker = /description:\s*\{\s*contains:\s*\$(\w+)/.exec(query!)?.[1];
        if (!teamVar || !marker || typeof variables[teamVar] !== 'string' || typeof variables[marker] !== 'string') return fail('issues: unsupported filter in this fake');
        const nodes = variables[teamVar] === team.key ? issues.filter((i) => i.description.includes(variables[marker])).map(issueView) : [];
        return ok({ issues: { nodes } });
      }
      return fail(`Cannot query field "${field}" on type "Query".`, 'GRAPHQL_VALIDATION_FAILED');
    }
    if (field === 'issueCreate') {
      if (!declared('IssueCreateInput!')) return fail('Variable "$input" of type IssueCreateInput! is required', 'GRAPHQL_VALIDATION_FAILED');
      if (input?.teamId !== team.id) return fail('Argument Validation Error: teamId must be a team id');
      if (typeof input.title !== 'string' || !input.title) return fail('Argument Validation Error: title should not be empty');
      if (input.priority !== undefined && !(Number.isInteger(input.priority) && input.priority >= 0 && input.priority <= 4)) return fail('Argument Validation Error: priority must be an integer 0-4');
      if ('labelNames' in input) return fail('Field "labelNames" is not defined by type "IssueCreateInput".', 'GRAPHQL_VALIDATION_FAILED');
      for (const l of input.labelIds ?? []) if (!labels.some((x) => x.id === l)) return fail(`Entity not found: IssueLabel ${l}`);
      const n = issues.length + 1;
      const issue: LinearIssue = { id: `issue-${String(n).padStart(4, '0')}`, identifier: `${team.key}-${n}`, title: input.title, description: input.description ?? '', priority: input.priority ?? 0, labelIds: input.labelIds ?? [], stateId: 'st-todo', comments: [], attachments: [], hiddenForSearches: fake.searchLag, stateChanges: [] };
      issues.push(issue);
      return ok({ issueCreate: { success: true, issue: issueView(issue) } });
    }
    if (field === 'attachmentCreate') {
      const i = find(input?.issueId);
      if (!i) return fail('Entity not found: Issue');
      if (!/^https?:\/\//.test(input!.url ?? '')) return fail('Argument Validation Error: url must be a URL');
      if (!i.attachments.some((a) => a.url === input!.url)) i.attachments.push({ url: input!.url, title: input!.title });
      return ok({ attachmentCreate: { success: true } });
    }
    if (field === 'issueUpdate') {
      const i = find(variables.id);
      if (!i) return fail('Entity not found: Issue');
      if (input?.description !== undefined) i.description = input.description;
      if (input?.stateId !== undefined) {
        const st = states.find((s) => s.id === input.stateId);
        if (!st) return fail('Entity not found: WorkflowState');
        if (st.id !== i.stateId) i.stateChanges.push({ to: st.type, by: 'api' });
        i.stateId = st.id;
      }
      return ok({ issueUpdate: { success: true } });
    }
    if (field === 'commentCreate') {
      const i = find(input?.issueId);
      if (!i) return fail('Entity not found: Issue');
      i.comments.push(input!.body);
      return ok({ commentCreate: { success: true } });
    }
    if (field === 'issueLabelCreate') {
      if (labels.some((l) => l.name.toLowerCase() === String(input?.name).toLowerCase())) return fail('duplicate label name');
      const label = { id: `label-${labels.length + 1}`, name: String(input?.name) };
      labels.push(label);
      return ok({ issueLabelCreate: { success: true, issueLabel: label } });
    }
    return fail(`Cannot query field "${field}" on type "Mutation".`, 'GRAPHQL_VALIDATION_FAILED');
  }, () => faultRule);
  fake = Object.assign(server, {
    team,
    issues,
    labels,
    states,
    searchLag: opts.searchLag ?? 0,
    faults: opts.faults ?? {},
    faultLog,
    humanClose(identifier: string, type: 'completed' | 'canceled' = 'completed') {
      const i = find(identifier)!;
      i.stateId = states.find((s) => s.type === type)!.id;
      i.stateChanges.push({ to: type, by: 'human' });
    },
    labelNames: (i: LinearIssue) => i.labelIds.map((id) => labels.find((l) => l.id === id)!.name),
  });
  return fake;
}
