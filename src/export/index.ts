// exportFindings: findings.json → a plan per finding → (with apply) idempotent
// upserts into GitHub, Linear or Jira, or a CSV for their importers.
import { readFileSync } from 'node:fs';
import { FindingsFile, type Severity } from '../findings/schema.ts';
import { githubTracker, type GithubSettings } from './github.ts';
import { linearTracker, type LinearSettings } from './linear.ts';
import { jiraTracker, type JiraSettings } from './jira.ts';
import { writeCsvExport, type CsvSettings } from './csv.ts';
import { createHttp, ExportHttpError, type HttpOptions } from './http.ts';
import { formatPlan, planExport, selectFindings } from './plan.ts';
import { emptyState, readExportState, writeExportState } from './state.ts';
import type { ExportResultFile, ExportTarget, Mapping, PlanItem, RemoteIssue, Tracker } from './types.ts';
import { UsageError } from '../errors.ts';

export type * from './types.ts';
export { EXPORT_TARGETS } from './types.ts';
export { ExportHttpError } from './http.ts';
export { formatPlan, planExport, selectFindings } from './plan.ts';
export { parseSeverityMap } from './labels.ts';
export { toCsv } from './csv.ts';

export class ExportError extends UsageError {
  constructor(message: string) {
    super(message, { code: 'export.usage' });
    this.name = 'ExportError';
  }
}

export interface ExportOptions extends Mapping {
  target: ExportTarget;
  /** Path of a findings.json; or pass `file`. */
  findingsFile?: string;
  file?: FindingsFile;
  /** Write to the tracker. Without it, only the plan is computed (dry run). */
  apply?: boolean;
  top?: number;
  minSeverity?: Severity;
  /** The target's section of halo.config.json `exports` (repo/team/project/site/apiUrl/labels/top/minSeverity/out/flavor). */
  settings?: Record<string, unknown>;
  github?: Partial<GithubSettings>;
  linear?: Partial<LinearSettings>;
  jira?: Partial<JiraSettings>;
  csv?: Partial<CsvSettings>;
  /** Where export-result.json goes (trackers); written only with apply. */
  out?: string;
  /** Previous export-result.json to use as local state; default `out`. */
  state?: string;
  /** Credentials come from here (default process.env): GITHUB_TOKEN, LINEAR_API_KEY, JIRA_EMAIL + JIRA_API_TOKEN. */
  env?: Record<string, string | undefined>;
  http?: Pick<HttpOptions, 'fetch' | 'sleep' | 'maxRetries' | 'writeIntervalMs' | 'maxWaitMs'>;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface ExportOutcome {
  destination: string;
  plan: PlanItem[];
  /** The merged export-result (previous runs + this one). */
  results: ExportResultFile;
  /** Human-readable plan. */
  text: string;
  /** The requests each planned action sends (dry-run printout). */
  requests: Array<{ fingerprint: string; action: string; method: string; path: string; body: unknown }>;
  errors: number;
}

function loadFindings(opts: ExportOptions): FindingsFile {
  if (opts.file) return opts.file;
  if (!opts.findingsFile) throw new ExportError('export: pass --findings <findings.json>');
  let raw: string;
  try {
    raw = readFileSync(opts.findingsFile, 'utf8');
  } catch (err) {
    throw new ExportError(`${opts.findingsFile}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new ExportError(`${opts.findingsFile}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = FindingsFile.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ExportError(`${opts.findingsFile}: not a halo findings file: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return parsed.data;
}

function pick<T>(settings: Record<string, unknown> | undefined, explicit: Partial<T> | undefined): Partial<T> {
  const out: Record<string, unknown> = { ...(settings ?? {}) };
  for (const [k, v] of Object.entries(explicit ?? {})) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new ExportError(what);
  return value;
}

function makeTracker(opts: ExportOptions, env: Record<string, string | undefined>): Tracker {
  const httpBase: HttpOptions = { ...opts.http, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.log ? { log: opts.log } : {}) };
  const mapping: Mapping = { ...(opts.labels ? { labels: opts.labels } : {}), ...(opts.labelMap ? { labelMap: opts.labelMap } : {}), ...(opts.priorityMap ? { priorityMap: opts.priorityMap } : {}) };
  if (!mapping.labels && Array.isArray(opts.settings?.labels)) mapping.labels = opts.settings.labels as string[];
  if (opts.target === 'github') {
    const s = pick<GithubSettings>(opts.settings, opts.github);
    const token = env.GITHUB_TOKEN || env.GH_TOKEN;
    if (opts.apply && !token) throw new ExportError('github: set GITHUB_TOKEN (a token with issues:write on the repository) to --apply');
    const http = createHttp({
      writeIntervalMs: 1000,
      ...httpBase,
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'halo-export', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return githubTracker({ repo: need(s.repo, 'github: pass --repo owner/name'), ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}) }, http, mapping);
  }
  if (opts.target === 'linear') {
    const s = pick<LinearSettings>(opts.settings, opts.linear);
    const key = need(env.LINEAR_API_KEY, 'linear: set LINEAR_API_KEY (a personal API key) — Linear needs it even for a dry run');
    const http = createHttp({ ...httpBase, headers: { authorization: key, 'user-agent': 'halo-export' }, isRateLimited: linearRateLimited });
    return linearTracker({ team: need(s.team, 'linear: pass --team KEY'), ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}) }, http, mapping);
  }
  if (opts.target === 'jira') {
    const s = pick<JiraSettings>(opts.settings, opts.jira);
    const email = need(env.JIRA_EMAIL, 'jira: set JIRA_EMAIL and JIRA_API_TOKEN — Jira needs them even for a dry run');
    const token = need(env.JIRA_API_TOKEN, 'jira: set JIRA_API_TOKEN (an Atlassian API token) — Jira needs it even for a dry run');
    const http = createHttp({ ...httpBase, headers: { authorization: `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`, 'user-agent': 'halo-export' } });
    return jiraTracker(
      {
        project: need(s.project, 'jira: pass --project KEY'),
        site: need(s.site, 'jira: pass --site https://your-site.atlassian.net'),
        ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}),
        ...(s.issueType ? { issueType: s.issueType } : {}),
      },
      http,
      mapping,
    );
  }
  throw new ExportError(`export: unknown target "${opts.target}"`);
}

function linearRateLimited(_status: number, body: unknown): boolean {
  const errors = (body as { errors?: Array<{ extensions?: { code?: string } }> } | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e.extensions?.code === 'RATELIMITED');
}

/**
 * Create, and when the tracker fails mid-request (5xx, dropped connection) look
 * before trying again: the issue may exist even though the response said not.
 */
async function createOnce(tracker: Tracker, item: PlanItem, log: (l: string) => void): Promise<RemoteIssue> {
  try {
    return await tracker.create(item);
  } catch (err) {
    if (!(err instanceof ExportHttpError && (err.status === 0 || err.status >= 500))) throw err;
    const made = (await tracker.list()).get(item.fingerprint);
    if (made) {
      log(`${made.key}: the tracker answered ${err.status || 'nothing'} but had created the issue; keeping it`);
      return made;
    }
    log(`create ${item.fingerprint}: ${err.message}; not in the tracker, trying once more`);
    return tracker.create(item);
  }
}

export async function exportFindings(opts: ExportOptions): Promise<ExportOutcome> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const file = loadFindings(opts);
  const top = opts.top ?? (typeof opts.settings?.top === 'number' ? opts.settings.top : undefined);
  const minSeverity = opts.minSeverity ?? (opts.settings?.minSeverity as Severity | undefined);
  const findings = selectFindings(file.findings, { ...(top !== undefined ? { top } : {}), ...(minSeverity ? { minSeverity } : {}) });

  if (opts.target === 'csv') return writeCsvExport(file, findings, { ...opts, ...pick<CsvSettings>(opts.settings, opts.csv) });

  const tracker = makeTracker(opts, env);
  const statePath = opts.state ?? opts.out;
  const prev = statePath ? readExportState(statePath, tracker.destination, log) : null;
  const results: ExportResultFile = prev ? { ...prev, items: { ...prev.items } } : emptyState(opts.target, tracker.destination);

  const existing = await tracker.list();
  // Search indexes lag: issues this machine made may not be searchable yet.
  for (const f of findings) {
    const remembered = results.items[f.fingerprint];
    if (existing.has(f.fingerprint) || !remembered?.id) continue;
    const issue = await tracker.get(remembered.id, f.fingerprint);
    if (issue) existing.set(f.fingerprint, issue);
  }

  const plan = planExport({ findings, runId: file.run.id, existing, content: (f) => tracker.content(f, file.run.id) });
  const requests = plan.flatMap((item) => tracker.preview(item).map((r) => ({ fingerprint: item.fingerprint, action: item.action, ...r })));
  const text = formatPlan(plan, tracker.destination);
  let errors = 0;
  if (!opts.apply) return { destination: tracker.destination, plan, results, text, requests, errors };

  results.applied = true;
  results.at = new Date().toISOString();
  const record = (item: PlanItem, issue: RemoteIssue | undefined, error?: string) => {
    results.items[item.fingerprint] = {
      action: item.action,
      title: item.title,
      ...(issue ? { url: issue.url, id: issue.id, key: issue.key } : {}),
      ...(!error ? { digest: item.content.digest } : results.items[item.fingerprint]?.digest ? { digest: results.items[item.fingerprint]!.digest! } : {}),
      at: new Date().toISOString(),
      ...(error ? { error } : {}),
    };
    // After every write, so a crash mid-run still leaves the state the next run needs.
    if (opts.out) writeExportState(opts.out, results);
  };

  if (plan.some((i) => i.action !== 'skip')) await tracker.prepare();
  for (const item of plan) {
    opts.signal?.throwIfAborted();
    try {
      if (item.action === 'create') {
        const issue = await createOnce(tracker, item, log);
        log(`created ${issue.key} ${issue.url} — ${item.title}`);
        record(item, issue);
      } else if (item.action === 'update') {
        await tracker.update(item as PlanItem & { issue: RemoteIssue });
        log(`updated ${item.issue!.key} ${item.issue!.url} — ${item.title}`);
        record(item, item.issue);
      } else if (item.action === 'reopen') {
        await tracker.reopen(item as PlanItem & { issue: RemoteIssue });
        log(`reopened ${item.issue!.key} ${item.issue!.url} — ${item.title}`);
        record(item, item.issue);
      } else record(item, item.issue);
    } catch (err) {
      // Bad credentials or permissions fail every write the same way: stop now.
      if (opts.signal?.aborted || (err instanceof ExportHttpError && (err.status === 401 || (err.status === 403 && !/rate limit/i.test(err.detail))))) throw err;
      errors++;
      log(`${item.action} ${item.fingerprint} failed: ${(err as Error).message}`);
      record(item, item.issue, (err as Error).message);
    }
  }
  if (opts.out) writeExportState(opts.out, results);
  return { destination: tracker.destination, plan, results, text, requests, errors };
}
