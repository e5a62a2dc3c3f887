// GitHub Issues: a hidden fingerprint marker in the body plus the `halo`
// label; existing issues come from listing that label (state=all, Link-header
// pagination). REST API version 2022-11-28.
import { z } from 'zod';
import type { Finding } from '../findings/schema.ts';
import { buildDoc, parseMarkers, prevalenceOf, contentDigest, renderMarkdown } from './body.ts';
import { ExportHttpError, nextLink, pageGuard, type Http } from './http.ts';
import { labelsFor, MARKER_LABEL } from './labels.ts';
import { commentSaid, writeOnce } from './writes.ts';
import type { IssueContent, Mapping, PlanItem, RemoteIssue, Tracker } from './types.ts';

export const GITHUB_API = 'https://api.github.com';

export interface GithubSettings {
  repo: string;
  apiUrl?: string;
}

// What each endpoint must return; anything else fails that request.
const GhIssue = z.object({
  number: z.number().int().positive(),
  html_url: z.string().min(1),
  state: z.enum(['open', 'closed']),
  state_reason: z.string().nullish(),
  body: z.string().nullish(),
  pull_request: z.unknown().optional(),
});
type GhIssue = z.infer<typeof GhIssue>;
const GhIssueList = z.array(GhIssue);
const GhComment = z.object({ id: z.number(), body: z.string().nullish() });
const GhCommentList = z.array(GhComment);
const GhLabel = z.object({ name: z.string() });

const SEVERITY_LABELS = { critical: ['severity:critical'], high: ['severity:high'], medium: ['severity:medium'], low: ['severity:low'], info: ['severity:info'] };

export function githubTracker(s: GithubSettings, http: Http, mapping: Mapping, log: (line: string) => void = () => {}): Tracker {
  if (!/^[\w.-]+\/[\w.-]+$/.test(s.repo)) throw new Error(`github: --repo must be owner/name, got "${s.repo}"`);
  const api = (s.apiUrl ?? GITHUB_API).replace(/\/+$/, '');
  const base = `${api}/repos/${s.repo}`;
  const toRemote = (i: GhIssue, fp?: string): RemoteIssue | null => {
    const m = parseMarkers(i.body);
    const fingerprint = m.fingerprint ?? fp;
    if (!fingerprint) return null;
    return { id: String(i.number), key: `#${i.number}`, url: i.html_url, fingerprint, open: i.state === 'open', ...(i.state === 'closed' && i.state_reason === 'not_planned' ? { declined: true } : {}), ...(m.digest ? { digest: m.digest } : {}), ...(m.prevalence ? { prevalence: m.prevalence } : {}) };
  };
  const createBody = (item: PlanItem) => ({ title: item.content.title, body: item.content.markdown, labels: item.content.labels });
  const hasComment = async (n: string, item: PlanItem): Promise<boolean> => {
    const guard = pageGuard(`${base}/issues/${n}/comments`);
    let url: string | null = `${base}/issues/${encodeURIComponent(n)}/comments?per_page=100`;
    while (url) {
      guard(url);
      const res: Awaited<ReturnType<Http>> = await http('GET', url, undefined, { schema: GhCommentList });
      if ((res.body as z.infer<typeof GhCommentList>).some((c) => commentSaid(c.body ?? '', item))) return true;
      url = nextLink(res.headers.get('link'));
    }
    return false;
  };
  const comment = (n: string, item: PlanItem) =>
    writeOnce(
      `comment on #${n}`,
      () => http('POST', `${base}/issues/${encodeURIComponent(n)}/comments`, { body: item.comment }, { retryServerErrors: false, schema: GhComment }),
      () => hasComment(n, item),
      log,
    );

  return {
    target: 'github',
    destination: `github:${s.repo}`,
    async list() {
      const out = new Map<string, RemoteIssue>();
      let url: string | null = `${base}/issues?labels=${encodeURIComponent(MARKER_LABEL)}&state=all&per_page=100`;
      const guard = pageGuard(`${base}/issues`);
      while (url) {
        guard(url);
        const res: Awaited<ReturnType<Http>> = await http('GET', url, undefined, { schema: GhIssueList });
        for (const i of res.body as GhIssue[]) {
          if (i.pull_request) continue;
          const r = toRemote(i);
          // Two issues with one fingerprint (a human copy): keep the open one, else the oldest.
          if (r && (!out.has(r.fingerprint) || (!out.get(r.fingerprint)!.open && r.open))) out.set(r.fingerprint, r);
        }
        url = nextLink(res.headers.get('link'));
      }
      return out;
    },
    async get(id, fingerprint) {
      try {
        const res = await http('GET', `${base}/issues/${encodeURIComponent(id)}`, undefined, { schema: GhIssue });
        return toRemote(res.body, fingerprint);
      } catch (err) {
        if (err instanceof ExportHttpError && (err.status === 404 || err.status === 410)) return null;
        throw err;
      }
    },
    content(f: Finding, runId: string): IssueContent {
      const doc = buildDoc(f, runId);
      const extra = mapping.priorityMap?.[f.severity];
      const labels = labelsFor(f, mapping, SEVERITY_LABELS);
      return { title: f.title, markdown: renderMarkdown(doc), doc, labels: extra !== undefined ? [...new Set([...labels, String(extra)])] : labels, digest: contentDigest(f), prevalence: prevalenceOf(f) };
    },
    preview(item) {
      const n = item.issue?.id;
      switch (item.action) {
        case 'create':
          return [{ method: 'POST', path: `/repos/${s.repo}/issues`, body: createBody(item) }];
        case 'update':
          return [
            { method: 'PATCH', path: `/repos/${s.repo}/issues/${n}`, body: { body: item.content.markdown } },
            { method: 'POST', path: `/repos/${s.repo}/issues/${n}/comments`, body: { body: item.comment } },
          ];
        case 'reopen':
          return [
            { method: 'POST', path: `/repos/${s.repo}/issues/${n}/comments`, body: { body: item.comment } },
            { method: 'PATCH', path: `/repos/${s.repo}/issues/${n}`, body: { state: 'open', body: item.content.markdown } },
          ];
        default:
          return [];
      }
    },
    async prepare() {
      try {
        await http('POST', `${base}/labels`, { name: MARKER_LABEL, color: '5319e7', description: 'Failure found by halo trace analysis' }, { schema: GhLabel });
      } catch (err) {
        // 422 already_exists: someone (maybe an earlier run) made it.
        if (!(err instanceof ExportHttpError && err.status === 422)) throw err;
      }
    },
    async create(item) {
      const res = await http('POST', `${base}/issues`, createBody(item), { retryServerErrors: false, schema: GhIssue });
      return toRemote(res.body, item.fingerprint)!;
    },
    async update(item) {
      // A PATCH sets the same body however often it is sent; the comment is looked for before any second try.
      await http('PATCH', `${base}/issues/${encodeURIComponent(item.issue.id)}`, { body: item.content.markdown }, { schema: GhIssue });
      await comment(item.issue.id, item);
    },
    async reopen(item) {
      await comment(item.issue.id, item);
      await http('PATCH', `${base}/issues/${encodeURIComponent(item.issue.id)}`, { state: 'open', body: item.content.markdown }, { schema: GhIssue });
    },
  };
}
