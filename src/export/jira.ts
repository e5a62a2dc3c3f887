// Jira Cloud (REST v3): a `halo-<fingerprint>` label on each issue, found with
// JQL on the current search endpoint (POST /rest/api/3/search/jql, paged by
// nextPageToken); descriptions and comments in Atlassian Document Format;
// reopening goes through the workflow's transitions.
import { z } from 'zod';
import type { Finding } from '../findings/schema.ts';
import { adfText, toAdf } from './adf.ts';
import { buildDoc, contentDigest, parseMarkers, prevalenceOf, renderMarkdown } from './body.ts';
import { ExportHttpError, pageGuard, type Http } from './http.ts';
import { labelsFor, MARKER_LABEL, priorityFor } from './labels.ts';
import { commentSaid, writeOnce } from './writes.ts';
import type { IssueContent, Mapping, PlanItem, RemoteIssue, Tracker } from './types.ts';

export interface JiraSettings {
  project: string;
  site: string;
  apiUrl?: string;
  issueType?: string;
}

const PRIORITY = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } as const;
const FIELDS = ['summary', 'status', 'labels', 'description', 'resolution'];
const FP_LABEL = /^halo-([0-9a-f]{16})$/;

// What each endpoint must return; anything else fails that request.
const JiraIssue = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  fields: z.object({
    labels: z.array(z.string()).optional(),
    description: z.unknown().optional(),
    status: z.object({ statusCategory: z.object({ key: z.string().optional() }).optional() }).optional(),
    resolution: z.object({ name: z.string().optional() }).nullish(),
  }),
});
type JiraIssue = z.infer<typeof JiraIssue>;
const SearchPage = z.object({ issues: z.array(JiraIssue).optional(), nextPageToken: z.string().optional(), isLast: z.boolean().optional() });
const Created = z.object({ id: z.string().min(1), key: z.string().min(1) });
const Transitions = z.object({ transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ statusCategory: z.object({ key: z.string().optional() }).optional() }).optional() })) });
const Comment = z.object({ id: z.string() });
const Comments = z.object({ comments: z.array(z.object({ body: z.unknown() })), total: z.number().optional(), startAt: z.number().optional() });

export function fingerprintLabel(fp: string): string {
  return `halo-${fp}`;
}

export function jiraTracker(s: JiraSettings, http: Http, mapping: Mapping, log: (line: string) => void = () => {}): Tracker {
  if (!/^[A-Z][A-Z0-9_]+$/.test(s.project)) throw new Error(`jira: --project must be a project key like OPS, got "${s.project}"`);
  const site = s.site.replace(/\/+$/, '');
  const api = `${(s.apiUrl ?? site).replace(/\/+$/, '')}/rest/api/3`;
  const toRemote = (i: JiraIssue, fallback?: string): RemoteIssue | null => {
    const fp = (i.fields.labels ?? []).map((l) => FP_LABEL.exec(l)?.[1]).find(Boolean) ?? fallback;
    if (!fp) return null;
    const m = parseMarkers(adfText(i.fields.description));
    const done = i.fields.status?.statusCategory?.key === 'done';
    const declined = done && /won.?t|not (do|fix|planned)|duplicate|cannot|declined|rejected/i.test(i.fields.resolution?.name ?? '');
    return { id: i.key, key: i.key, url: `${site}/browse/${i.key}`, fingerprint: fp, open: !done, ...(declined ? { declined: true } : {}), ...(m.digest ? { digest: m.digest } : {}), ...(m.prevalence ? { prevalence: m.prevalence } : {}) };
  };
  let noPriority = false;
  const createBody = (item: PlanItem, withPriority = true) => ({
    fields: {
      project: { key: s.project },
      summary: item.content.title.slice(0, 255),
      issuetype: { name: s.issueType ?? 'Task' },
      description: toAdf(item.content.doc),
      labels: item.content.labels,
      ...(item.content.priority && withPriority ? { priority: { name: String(item.content.priority) } } : {}),
    },
  });
  const commentBody = (item: PlanItem) => ({ body: toAdf(item.commentDoc ?? []) });
  const comment = (item: PlanItem & { issue: RemoteIssue }) => {
    const key = encodeURIComponent(item.issue.id);
    return writeOnce(
      `comment on ${item.issue.key}`,
      () => http('POST', `${api}/issue/${key}/comment`, commentBody(item), { retryServerErrors: false, schema: Comment }),
      async () => {
        // Newest first: ours, if saved, is among the latest.
        const res = await http('GET', `${api}/issue/${key}/comment?orderBy=-created&maxResults=100`, undefined, { schema: Comments });
        return res.body.comments.some((c) => commentSaid(adfText(c.body), item));
      },
      log,
    );
  };

  return {
    target: 'jira',
    destination: `jira:${site}/${s.project}`,
    async list() {
      const out = new Map<string, RemoteIssue>();
      let nextPageToken: string | undefined;
      const guard = pageGuard(`${api}/search/jql`);
      do {
        if (nextPageToken) guard(nextPageToken);
        const res = await http(
          'POST',
          `${api}/search/jql`,
          {
            jql: `project = "${s.project}" AND labels = "${MARKER_LABEL}" ORDER BY created ASC`,
            fields: FIELDS,
            maxResults: 50,
            ...(nextPageToken ? { nextPageToken } : {}),
          },
          { schema: SearchPage },
        );
        for (const i of res.body.issues ?? []) {
          const r = toRemote(i);
          if (r && (!out.has(r.fingerprint) || (!out.get(r.fingerprint)!.open && r.open))) out.set(r.fingerprint, r);
        }
        nextPageToken = res.body.isLast === false || (res.body.isLast === undefined && res.body.nextPageToken) ? res.body.nextPageToken : undefined;
      } while (nextPageToken);
      return out;
    },
    async get(id, fingerprint) {
      try {
        const res = await http('GET', `${api}/issue/${encodeURIComponent(id)}?fields=${FIELDS.join(',')}`, undefined, { schema: JiraIssue });
        return toRemote(res.body, fingerprint);
      } catch (err) {
        if (err instanceof ExportHttpError && err.status === 404) return null;
        throw err;
      }
    },
    content(f: Finding, runId: string): IssueContent {
      const doc = buildDoc(f, runId);
      const p = priorityFor(f, mapping, PRIORITY);
      const labels = [...labelsFor(f, mapping), fingerprintLabel(f.fingerprint)].map((l) => l.replace(/\s+/g, '-'));
      return {
        title: f.title,
        markdown: renderMarkdown(doc),
        doc,
        labels: [...new Set(labels)],
        ...(p !== undefined && p !== '' && p !== 'none' ? { priority: String(p) } : {}),
        digest: contentDigest(f),
        prevalence: prevalenceOf(f),
      };
    },
    preview(item) {
      const key = item.issue?.id;
      switch (item.action) {
        case 'create':
          return [{ method: 'POST', path: '/rest/api/3/issue', body: createBody(item) }];
        case 'update':
          return [
            { method: 'PUT', path: `/rest/api/3/issue/${key}`, body: { fields: { description: toAdf(item.content.doc) } } },
            { method: 'POST', path: `/rest/api/3/issue/${key}/comment`, body: commentBody(item) },
          ];
        case 'reopen':
          return [
            { method: 'POST', path: `/rest/api/3/issue/${key}/comment`, body: commentBody(item) },
            { method: 'POST', path: `/rest/api/3/issue/${key}/transitions`, body: { transition: { id: '<first transition to a To Do status>' } } },
            { method: 'PUT', path: `/rest/api/3/issue/${key}`, body: { fields: { description: toAdf(item.content.doc) } } },
          ];
        default:
          return [];
      }
    },
    async prepare() {},
    async create(item) {
      let res: Awaited<ReturnType<typeof http<z.infer<typeof Created>>>>;
      try {
        res = await http('POST', `${api}/issue`, createBody(item, !noPriority), { retryServerErrors: false, schema: Created });
      } catch (err) {
        // Many projects leave Priority off the create screen; create without it rather than fail.
        if (!(err instanceof ExportHttpError && err.status === 400 && /priority/i.test(err.detail) && item.content.priority)) throw err;
        noPriority = true;
        res = await http('POST', `${api}/issue`, createBody(item, false), { retryServerErrors: false, schema: Created });
      }
      return { id: res.body.key, key: res.body.key, url: `${site}/browse/${res.body.key}`, fingerprint: item.fingerprint, open: true, digest: item.content.digest, prevalence: item.content.prevalence };
    },
    async update(item) {
      // PUT sets the same description however often it is sent (204, no body); the comment is looked for before any second try.
      await http('PUT', `${api}/issue/${encodeURIComponent(item.issue.id)}`, { fields: { description: toAdf(item.content.doc) } });
      await comment(item);
    },
    async reopen(item) {
      const key = encodeURIComponent(item.issue.id);
      const res = await http('GET', `${api}/issue/${key}/transitions`, undefined, { schema: Transitions });
      const ts = res.body.transitions;
      const t = ts.find((x) => x.to?.statusCategory?.key === 'new') ?? ts.find((x) => x.to?.statusCategory?.key === 'indeterminate');
      if (!t) throw new Error(`jira: ${item.issue.key} has no transition out of done (available: ${ts.map((x) => x.name).join(', ') || 'none'}); reopen it by hand`);
      await comment(item);
      // Sent blindly a second time, a transition that was made but not answered is refused (the issue is no
      // longer in the state it leaves) and fails the reopen; look at the issue's status before sending it again.
      await writeOnce(
        `reopen ${item.issue.key}`,
        () => http('POST', `${api}/issue/${key}/transitions`, { transition: { id: t.id } }, { retryServerErrors: false }),
        async () => (await http('GET', `${api}/issue/${key}?fields=status`, undefined, { schema: JiraIssue })).body.fields.status?.statusCategory?.key !== 'done',
        log,
      );
      await http('PUT', `${api}/issue/${key}`, { fields: { description: toAdf(item.content.doc) } });
    },
  };
}
