// Linear (GraphQL): each halo issue carries an attachment whose URL encodes the
// fingerprint; existing issues come from listing those attachments.
import { z } from 'zod';
import type { Finding } from '../findings/schema.ts';
import { buildDoc, contentDigest, parseMarkers, prevalenceOf, renderMarkdown } from './body.ts';
import { ExportResponseError, outcomeUnknown, pageGuard, type Http, type RequestInit_ } from './http.ts';
import { labelsFor, priorityFor } from './labels.ts';
import { commentSaid, writeOnce } from './writes.ts';
import type { IssueContent, Mapping, PlanItem, RemoteIssue, Tracker } from './types.ts';

export const LINEAR_API = 'https://api.linear.app';
export const FINDING_URL_PREFIX = 'https://halo.local/finding/';

export interface LinearSettings {
  team: string;
  apiUrl?: string;
}

const PRIORITY = { critical: 1, high: 2, medium: 3, low: 4, info: 0 } as const;

// The data each query and mutation must return; anything else fails that request.
const LinIssue = z.object({
  id: z.string().min(1),
  identifier: z.string().min(1),
  url: z.string().min(1),
  description: z.string().nullish(),
  state: z.object({ type: z.string() }),
  team: z.object({ key: z.string() }),
});
type LinIssue = z.infer<typeof LinIssue>;
const Label = z.object({ id: z.string().min(1), name: z.string() });
const Team = z.object({
  id: z.string().min(1),
  key: z.string(),
  states: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), position: z.number() })) }),
  labels: z.object({ nodes: z.array(Label) }),
});
type Team = z.infer<typeof Team>;
const D_TEAM = z.object({ teams: z.object({ nodes: z.array(Team) }) });
const D_LIST = z.object({
  attachments: z.object({
    nodes: z.array(z.object({ url: z.string(), issue: LinIssue.nullable() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});
const D_ISSUE = z.object({ issue: LinIssue.nullable() });
const D_CREATE = z.object({ issueCreate: z.object({ issue: LinIssue }) });
const D_LABEL = z.object({ issueLabelCreate: z.object({ issueLabel: Label }) });
const D_SUCCESS = (field: string) => z.object({ [field]: z.object({ success: z.boolean() }) });
const D_LOST = z.object({ issues: z.object({ nodes: z.array(LinIssue) }) });
const D_COMMENTS = z.object({ issue: z.object({ comments: z.object({ nodes: z.array(z.object({ body: z.string() })) }) }).nullable() });

const ISSUE_FIELDS = 'id identifier url description state { type } team { key }';
const Q_TEAM = `query HaloTeam($key: String!) { teams(filter: { key: { eq: $key } }) { nodes { id key states { nodes { id name type position } } labels { nodes { id name } } } } }`;
const Q_LIST = `query HaloFindings($prefix: String!, $after: String) { attachments(first: 50, after: $after, filter: { url: { startsWith: $prefix } }) { nodes { url issue { ${ISSUE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const Q_ISSUE = `query HaloIssue($id: String!) { issue(id: $id) { ${ISSUE_FIELDS} } }`;
const M_CREATE = `mutation HaloCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${ISSUE_FIELDS} } } }`;
const M_ATTACH = `mutation HaloAttach($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success } }`;
const M_UPDATE = `mutation HaloUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }`;
const M_COMMENT = `mutation HaloComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }`;
const Q_COMMENTS = `query HaloComments($id: String!) { issue(id: $id) { comments(first: 100) { nodes { body } } } }`;
// Issues whose description carries the visible fingerprint marker: a database filter, not the search index.
const Q_LOST = `query HaloLost($team: String!, $marker: String!) { issues(first: 10, filter: { team: { key: { eq: $team } }, description: { contains: $marker } }) { nodes { ${ISSUE_FIELDS} } } }`;
const M_LABEL = `mutation HaloLabel($input: IssueLabelCreateInput!) { issueLabelCreate(input: $input) { success issueLabel { id name } } }`;

export class LinearError extends Error {}

export function findingUrl(fp: string): string {
  return `${FINDING_URL_PREFIX}${fp}`;
}

export function linearTracker(s: LinearSettings, http: Http, mapping: Mapping, log: (line: string) => void = () => {}): Tracker {
  const endpoint = `${(s.apiUrl ?? LINEAR_API).replace(/\/+$/, '')}/graphql`;
  let team: Team | null = null;

  const Envelope = z.object({ data: z.unknown().optional(), errors: z.array(z.object({ message: z.string() })).optional() });
  async function gql<T>(query: string, variables: Record<string, unknown>, data: z.ZodType<T>, init?: RequestInit_): Promise<T> {
    const res = await http('POST', endpoint, { query, variables }, { ...init, schema: Envelope });
    const body = res.body;
    if (body.errors?.length) throw new LinearError(`linear: ${body.errors.map((e) => e.message).join('; ')}`);
    if (body.data === undefined || body.data === null) throw new ExportResponseError('POST', endpoint, res.status, 'GraphQL response without data');
    const checked = data.safeParse(body.data);
    if (!checked.success) {
      const first = checked.error.issues[0];
      throw new ExportResponseError('POST', endpoint, res.status, `data.${first?.path.join('.') ?? ''}: ${first?.message ?? 'unexpected shape'}`);
    }
    return checked.data;
  }
  async function getTeam(): Promise<Team> {
    if (team) return team;
    const d = await gql(Q_TEAM, { key: s.team }, D_TEAM);
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
  const comment = (item: PlanItem & { issue: RemoteIssue }) =>
    writeOnce(
      `comment on ${item.issue.key}`,
      () => gql(M_COMMENT, { input: { issueId: item.issue.id, body: item.comment } }, D_SUCCESS('commentCreate'), { retryServerErrors: false }),
      async () => (await gql(Q_COMMENTS, { id: item.issue.id }, D_COMMENTS)).issue?.comments.nodes.some((c) => commentSaid(c.body, item)) ?? false,
      log,
    );
  const reopenState = (t: Team) => {
    const byType = (type: string) => t.states.nodes.filter((x) => x.type === type).sort((a, b) => a.position - b.position)[0];
    const st = byType('unstarted') ?? byType('backlog') ?? byType('triage');
    if (!st) throw new LinearError(`linear: team ${t.key} has no unstarted, backlog or triage state to reopen into`);
    return st;
  };
  const attach = (issueId: string, fingerprint: string, prevalence?: string) =>
    gql(M_ATTACH, { input: { issueId, url: findingUrl(fingerprint), title: `Halo finding ${fingerprint}`, ...(prevalence ? { subtitle: prevalence.replace('/', ' of ') + ' traces' } : {}) } }, D_SUCCESS('attachmentCreate'));
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
      const guard = pageGuard(`${endpoint} attachments`);
      do {
        if (after) guard(after);
        const d: z.infer<typeof D_LIST> = await gql(Q_LIST, { prefix: FINDING_URL_PREFIX, after }, D_LIST);
        for (const a of d.attachments.nodes) {
          const fp = a.url.slice(FINDING_URL_PREFIX.length);
          if (!a.issue || a.issue.team.key !== s.team || !/^[0-9a-f]{16}$/.test(fp)) continue;
          const r = toRemote(a.issue, fp);
          if (!out.has(fp) || (!out.get(fp)!.open && r.open)) out.set(fp, r);
        }
        if (d.attachments.pageInfo.hasNextPage && !d.attachments.pageInfo.endCursor) throw new ExportResponseError('POST', endpoint, 200, 'hasNextPage without an endCursor');
        after = d.attachments.pageInfo.hasNextPage ? d.attachments.pageInfo.endCursor : null;
      } while (after);
      return out;
    },
    async get(id, fingerprint) {
      try {
        const d = await gql(Q_ISSUE, { id }, D_ISSUE);
        return d.issue ? toRemote(d.issue, fingerprint) : null;
      } catch (err) {
        if (err instanceof LinearError && /not found/i.test(err.message)) return null;
        throw err;
      }
    },
    async findLost(fingerprint, repair) {
      // issueCreate carries the marker in the description; the attachment list() reads comes in a second request,
      // so an issueCreate whose answer was lost left an issue list() will never show.
      const marker = `halo:fingerprint=${fingerprint}`;
      const d = await gql(Q_LOST, { team: s.team, marker }, D_LOST);
      // `contains` is a substring match: the marker must end where the fingerprint does.
      const says = (text: string | null | undefined) => (text ?? '').split(marker).slice(1).some((rest) => !/^[0-9a-f]/.test(rest));
      const found = d.issues.nodes.filter((i) => i.team.key === s.team && says(i.description)).map((i) => toRemote(i, fingerprint));
      const issue = found.find((i) => i.open) ?? found[0];
      if (!issue) return null;
      if (repair) {
        await attach(issue.id, fingerprint, issue.prevalence);
        log(`${issue.key}: created earlier without an answer; found by its description and attached its fingerprint`);
      }
      return issue;
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
      let t = await getTeam();
      const labelIds: string[] = [];
      for (const name of item.content.labels) {
        let label = t.labels.nodes.find((l) => l.name.toLowerCase() === name.toLowerCase());
        if (!label) {
          try {
            const d = await gql(M_LABEL, { input: { name, teamId: t.id } }, D_LABEL, { retryServerErrors: false });
            label = d.issueLabelCreate.issueLabel;
          } catch (err) {
            // Made but unanswered, or made meanwhile by someone else: a retry would be refused as a duplicate name,
            // so read the team's labels again instead.
            team = null;
            t = await getTeam();
            label = t.labels.nodes.find((l) => l.name.toLowerCase() === name.toLowerCase());
            if (label) log(`label "${name}": ${(err as Error).message}, but the team has it; using it`);
            else if (outcomeUnknown(err)) label = (await gql(M_LABEL, { input: { name, teamId: t.id } }, D_LABEL, { retryServerErrors: false })).issueLabelCreate.issueLabel;
            else throw err;
          }
          if (!t.labels.nodes.includes(label)) t.labels.nodes.push(label);
        }
        labelIds.push(label.id);
      }
      const d = await gql(M_CREATE, { input: createInput(item, t.id, labelIds) }, D_CREATE, { retryServerErrors: false });
      const issue = d.issueCreate.issue;
      try {
        // Attaching the same URL twice updates the attachment, so a retry is harmless.
        await attach(issue.id, item.fingerprint, item.content.prevalence);
      } catch (err) {
        throw new LinearError(`linear: created ${issue.identifier} (${issue.url}) but could not attach its fingerprint, so later runs may not find it: ${(err as Error).message}`);
      }
      return toRemote(issue, item.fingerprint);
    },
    async update(item) {
      await gql(M_UPDATE, { id: item.issue.id, input: { description: item.content.markdown } }, D_SUCCESS('issueUpdate'));
      await comment(item);
    },
    async reopen(item) {
      const st = reopenState(await getTeam());
      await comment(item);
      await gql(M_UPDATE, { id: item.issue.id, input: { stateId: st.id, description: item.content.markdown } }, D_SUCCESS('issueUpdate'));
    },
  };
}
