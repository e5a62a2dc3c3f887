// Linear (GraphQL): each halo issue carries an attachment whose URL encodes the
// fingerprint; existing issues come from listing those attachments.
import type { Finding } from '../findings/schema.ts';
import { buildDoc, contentDigest, parseMarkers, prevalenceOf, renderMarkdown } from './body.ts';
import type { Http, RequestInit_ } from './http.ts';
import { labelsFor, priorityFor } from './labels.ts';
import type { IssueContent, Mapping, PlanItem, RemoteIssue, Tracker } from './types.ts';

export const LINEAR_API = 'https://api.linear.app';
export const FINDING_URL_PREFIX = 'https://halo.local/finding/';

export interface LinearSettings {
  team: string;
  apiUrl?: string;
}

const PRIORITY = { critical: 1, high: 2, medium: 3, low: 4, info: 0 } as const;

interface LinIssue {
  id: string;
  identifier: string;
  url: string;
  description?: string | null;
  state: { type: string };
  team: { key: string };
}
interface Team {
  id: string;
  key: string;
  states: { nodes: Array<{ id: string; name: string; type: string; position: number }> };
  labels: { nodes: Array<{ id: string; name: string }> };
}

const ISSUE_FIELDS = 'id identifier url description state { type } team { key }';
const Q_TEAM = `query HaloTeam($key: String!) { teams(filter: { key: { eq: $key } }) { nodes { id key states { nodes { id name type position } } labels { nodes { id name } } } } }`;
const Q_LIST = `query HaloFindings($prefix: String!, $after: String) { attachments(first: 50, after: $after, filter: { url: { startsWith: $prefix } }) { nodes { url issue { ${ISSUE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const Q_ISSUE = `query HaloIssue($id: String!) { issue(id: $id) { ${ISSUE_FIELDS} } }`;
const M_CREATE = `mutation HaloCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${ISSUE_FIELDS} } } }`;
const M_ATTACH = `mutation HaloAttach($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success } }`;
const M_UPDATE = `mutation HaloUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }`;
const M_COMMENT = `mutation HaloComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }`;
const M_LABEL = `mutation HaloLabel($input: IssueLabelCreateInput!) { issueLabelCreate(input: $input) { success issueLabel { id name } } }`;

export class LinearError extends Error {}

export function findingUrl(fp: string): string {
  return `${FINDING_URL_PREFIX}${fp}`;
}

export function linearTracker(s: LinearSettings, http: Http, mapping: Mapping): Tracker {
  const endpoint = `${(s.apiUrl ?? LINEAR_API).replace(/\/+$/, '')}/graphql`;
  let team: Team | null = null;

  async function gql<T>(query: string, variables: Record<string, unknown>, init?: RequestInit_): Promise<T> {
    const res = await http<{ data?: T; errors?: Array<{ message: string }> }>('POST', endpoint, { query, variables }, init);
    const body = res.body;
    if (body.errors?.length) throw new LinearError(`linear: ${body.errors.map((e) => e.message).join('; ')}`);
    if (!body.data) throw new LinearError('linear: response without data');
    return body.data;
  }
  async function getTeam(): Promise<Team> {
    if (team) return team;
    const d = await gql<{ teams: { nodes: Team[] } }>(Q_TEAM, { key: s.team });
    const t = d.teams.nodes[0];
    if (!t) throw new LinearError(`linear: no team with key "${s.team}" visible to this API key`);
    return (team = t);
  }
  const toRemote = (i: LinIssue, fingerprint: string): RemoteIssue => {
    const m = parseMarkers(i.description);
    const type = i.state.type;
    return {
      id: i.id,
      key: i.identifier,
      url: i.url,
      fingerprint,
      open: type !== 'completed' && type !== 'canceled',
      ...(type === 'canceled' ? { declined: true } : {}),
      ...(m.digest ? { digest: m.digest } : {}),
      ...(m.prevalence ? { prevalence: m.prevalence } : {}),
    };
  };
  const reopenState = (t: Team) => {
    const byType = (type: string) => t.states.nodes.filter((x) => x.type === type).sort((a, b) => a.position - b.position)[0];
    const st = byType('unstarted') ?? byType('backlog') ?? byType('triage');
    if (!st) throw new LinearError(`linear: team ${t.key} has no unstarted, backlog or triage state to reopen into`);
    return st;
  };
  const createInput = (item: PlanItem, teamId: string, labelIds?: string[]) => ({
    teamId,
    title: item.content.title,
    description: item.content.markdown,
    ...(item.content.priority !== undefined ? { priority: item.content.priority } : {}),
    ...(labelIds ? { labelIds } : {}),
  });

  return {
    target: 'linear',
    destination: `linear:${s.team}`,
    async list() {
      // A query, so a dry run already says when the team key is wrong.
      await getTeam();
      const out = new Map<string, RemoteIssue>();
      let after: string | null = null;
      do {
        const d: { attachments: { nodes: Array<{ url: string; issue: LinIssue | null }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await gql(Q_LIST, { prefix: FINDING_URL_PREFIX, after });
        for (const a of d.attachments.nodes) {
          const fp = a.url.slice(FINDING_URL_PREFIX.length);
          if (!a.issue || a.issue.team.key !== s.team || !/^[0-9a-f]{16}$/.test(fp)) continue;
          const r = toRemote(a.issue, fp);
          if (!out.has(fp) || (!out.get(fp)!.open && r.open)) out.set(fp, r);
        }
        after = d.attachments.pageInfo.hasNextPage ? d.attachments.pageInfo.endCursor : null;
      } while (after);
      return out;
    },
    async get(id, fingerprint) {
      try {
        const d = await gql<{ issue: LinIssue | null }>(Q_ISSUE, { id });
        return d.issue ? toRemote(d.issue, fingerprint) : null;
      } catch (err) {
        if (err instanceof LinearError && /not found/i.test(err.message)) return null;
        throw err;
      }
    },
    content(f: Finding, runId: string): IssueContent {
      const doc = buildDoc(f, runId);
      const p = priorityFor(f, mapping, PRIORITY);
      return {
        title: f.title,
        markdown: renderMarkdown(doc, { visibleMarker: true }),
        doc,
        labels: labelsFor(f, mapping),
        ...(p !== undefined ? { priority: Number(p) } : {}),
        digest: contentDigest(f),
        prevalence: prevalenceOf(f),
      };
    },
    preview(item) {
      const id = item.issue?.id;
      const gqlReq = (query: string, variables: unknown) => ({ method: 'POST', path: '/graphql', body: { query, variables } });
      switch (item.action) {
        case 'create':
          return [
            gqlReq(M_CREATE, { input: { ...createInput(item, `<team ${s.team}>`), labelNames: item.content.labels } }),
            gqlReq(M_ATTACH, { input: { issueId: '<new issue>', url: findingUrl(item.fingerprint), title: `Halo finding ${item.fingerprint}` } }),
          ];
        case 'update':
          return [gqlReq(M_UPDATE, { id, input: { description: item.content.markdown } }), gqlReq(M_COMMENT, { input: { issueId: id, body: item.comment } })];
        case 'reopen':
          return [gqlReq(M_COMMENT, { input: { issueId: id, body: item.comment } }), gqlReq(M_UPDATE, { id, input: { stateId: '<first unstarted state>', description: item.content.markdown } })];
        default:
          return [];
      }
    },
    async prepare() {
      await getTeam();
    },
    async create(item) {
      const t = await getTeam();
      const labelIds: string[] = [];
      for (const name of item.content.labels) {
        let label = t.labels.nodes.find((l) => l.name.toLowerCase() === name.toLowerCase());
        if (!label) {
          const d = await gql<{ issueLabelCreate: { issueLabel: { id: string; name: string } } }>(M_LABEL, { input: { name, teamId: t.id } });
          label = d.issueLabelCreate.issueLabel;
          t.labels.nodes.push(label);
        }
        labelIds.push(label.id);
      }
      const d = await gql<{ issueCreate: { issue: LinIssue } }>(M_CREATE, { input: createInput(item, t.id, labelIds) }, { retryServerErrors: false });
      const issue = d.issueCreate.issue;
      try {
        await gql(M_ATTACH, { input: { issueId: issue.id, url: findingUrl(item.fingerprint), title: `Halo finding ${item.fingerprint}`, subtitle: item.content.prevalence.replace('/', ' of ') + ' traces' } });
      } catch (err) {
        throw new LinearError(`linear: created ${issue.identifier} (${issue.url}) but could not attach its fingerprint, so later runs may not find it: ${(err as Error).message}`);
      }
      return toRemote(issue, item.fingerprint);
    },
    async update(item) {
      await gql(M_UPDATE, { id: item.issue.id, input: { description: item.content.markdown } });
      await gql(M_COMMENT, { input: { issueId: item.issue.id, body: item.comment } });
    },
    async reopen(item) {
      const st = reopenState(await getTeam());
      await gql(M_COMMENT, { input: { issueId: item.issue.id, body: item.comment } });
      await gql(M_UPDATE, { id: item.issue.id, input: { stateId: st.id, description: item.content.markdown } });
    },
  };
}
