// A loopback Linear GraphQL API: one team with workflow states and labels,
// issues with attachments, comments and state changes; attachment search by URL
// prefix with cursor pages; errors shaped like Linear's (RATELIMITED,
// "Entity not found"); a search index that lags behind writes.
import { startJsonServer, type JsonServer } from './fake-github.ts';

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
  humanClose(identifier: string, type?: 'completed' | 'canceled'): void;
  labelNames(issue: LinearIssue): string[];
}

type Gql = { status: number; body: unknown };

export async function startFakeLinear(opts: { teamKey: string; apiKey: string; pageSize?: number; searchLag?: number }): Promise<FakeLinear> {
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
        return i ? ok({ issue: issueView(i) }) : fail('Entity not found: Issue - Could not find referenced Issue.');
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
  });
  fake = Object.assign(server, {
    team,
    issues,
    labels,
    states,
    searchLag: opts.searchLag ?? 0,
    humanClose(identifier: string, type: 'completed' | 'canceled' = 'completed') {
      const i = find(identifier)!;
      i.stateId = states.find((s) => s.type === type)!.id;
      i.stateChanges.push({ to: type, by: 'human' });
    },
    labelNames: (i: LinearIssue) => i.labelIds.map((id) => labels.find((l) => l.id === id)!.name),
  });
  return fake;
}
