// exportFindings: findings.json → a plan per finding → (with apply) idempotent
// upserts into GitHub, Linear or Jira, or a CSV for their importers.
import { readFileSync } from 'node:fs';
import { FindingsFile, type Severity } from '../findings/schema.ts';
import { githubTracker, type GithubSettings } from './github.ts';
import { linearTracker, type LinearSettings } from './linear.ts';
import { jiraTracker, type JiraSettings } from './jira.ts';
import { writeCsvExport, type CsvSettings } from './csv.ts';
import { createHttp, ExportHttpError, outcomeUnknown, type HttpOptions } from './http.ts';
import { formatPlan, planExport, selectFindings } from './plan.ts';
import { emptyState, readExportState, writeExportState } from './state.ts';
import type { ExportOutcome, ExportResultFile, ExportTarget, Mapping, PlanItem, RemoteIssue, Tracker } from './types.ts';
import { UsageError } from '../errors.ts';

export type * from './types.ts';
export { EXPORT_TARGETS } from './types.ts';
export { ExportHttpError, ExportResponseError } from './http.ts';
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
  http?: Pick<HttpOptions, 'fetch' | 'sleep' | 'maxRetries' | 'writeIntervalMs' | 'maxWaitMs' | 'timeouts'>;
  /**
   * How long a create that got no answer stays "pending" (ms, default 10 min):
   * until then later runs wait for it to show up instead of creating again;
   * after it, an issue still absent is taken as never made.
   */
  pendingWindowMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export const DEFAULT_PENDING_WINDOW_MS = 10 * 60_000;

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
    return githubTracker({ repo: need(s.repo, 'github: pass --repo owner/name'), ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}) }, http, mapping, opts.log);
  }
  if (opts.target === 'linear') {
    const s = pick<LinearSettings>(opts.settings, opts.linear);
    const key = need(env.LINEAR_API_KEY, 'linear: set LINEAR_API_KEY (a personal API key) — Linear needs it even for a dry run');
    const http = createHttp({ ...httpBase, headers: { authorization: key, 'user-agent': 'halo-export' }, isRateLimited: linearRateLimited });
    return linearTracker({ team: need(s.team, 'linear: pass --team KEY'), ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}) }, http, mapping, opts.log);
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
      opts.log,
    );
  }
  throw new ExportError(`export: unknown target "${opts.target}"`);
}

function linearRateLimited(_status: number, body: unknown): boolean {
  const errors = (body as { errors?: Array<{ extensions?: { code?: string } }> } | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e.extensions?.code === 'RATELIMITED');
}

/**
 * Create once. When the answer is lost (no response, a timeout, a 5xx, an
 * unreadable 2xx) the issue may exist: look, and if the listing does not show
 * it, never create again in this run — the caller records it as pending and
 * the next run confirms it.
 */
async function createOnce(tracker: Tracker, item: PlanItem, log: (l: string) => void): Promise<{ issue: RemoteIssue } | { unknown: string }> {
  try {
    return { issue: await tracker.create(item) };
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    let made: RemoteIssue | undefined;
    try {
      made = (await tracker.list()).get(item.fingerprint) ?? (await tracker.findLost?.(item.fingerprint, true)) ?? undefined;
    } catch (lookErr) {
      log(`create ${item.fingerprint}: could not look for the issue either (${(lookErr as Error).message})`);
    }
    if (made) {
      log(`${made.key}: ${(err as Error).message}, but the tracker had created the issue; keeping it`);
      return { issue: made };
    }
    return { unknown: (err as Error).message };
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
  // Creates that got no answer on an earlier run: wait for them to show up, for a while.
  const windowMs = opts.pendingWindowMs ?? DEFAULT_PENDING_WINDOW_MS;
  const awaiting = new Map<string, string>();
  for (const f of findings) {
    const since = results.items[f.fingerprint]?.pending;
    if (!since || existing.has(f.fingerprint)) continue;
    // Where listing cannot show an issue whose create lost its answer, look the other way (a dry run only looks).
    const lost = await tracker.findLost?.(f.fingerprint, Boolean(opts.apply));
    if (lost) {
      existing.set(f.fingerprint, lost);
      continue;
    }
    if (Date.now() - Date.parse(since) < windowMs) awaiting.set(f.fingerprint, since);
    else log(`${f.fingerprint}: a create at ${since} got no answer and the issue has not appeared since; creating it now`);
  }

  const plan = planExport({ findings, runId: file.run.id, existing, awaiting, content: (f) => tracker.content(f, file.run.id) });
  const requests = plan.flatMap((item) => tracker.preview(item).map((r) => ({ fingerprint: item.fingerprint, action: item.action, ...r })));
  const text = formatPlan(plan, tracker.destination);
  let errors = 0;
  let pending = 0;
  if (!opts.apply) return { destination: tracker.destination, plan, results, text, requests, errors, pending: awaiting.size };

  results.applied = true;
  results.at = new Date().toISOString();
  const record = (item: PlanItem, issue: RemoteIssue | undefined, extra: { error?: string; pending?: string } = {}) => {
    const before = results.items[item.fingerprint];
    const ok = !extra.error && !extra.pending;
    results.items[item.fingerprint] = {
      action: item.action,
      title: item.title,
      ...(issue ? { url: issue.url, id: issue.id, key: issue.key } : before?.id ? { ...(before.url ? { url: before.url } : {}), id: before.id, ...(before.key ? { key: before.key } : {}) } : {}),
      ...(ok ? { digest: item.content.digest } : before?.digest ? { digest: before.digest } : {}),
      at: new Date().toISOString(),
      ...extra,
    };
    // After every write, so a crash mid-run still leaves the state the next run needs.
    if (opts.out) writeExportState(opts.out, results);
  };

  if (plan.some((i) => i.action !== 'skip')) await tracker.prepare();
  for (const item of plan) {
    opts.signal?.throwIfAborted();
    try {
      if (item.action === 'create') {
        const made = await createOnce(tracker, item, log);
        if ('issue' in made) {
          log(`created ${made.issue.key} ${made.issue.url} — ${item.title}`);
          record(item, made.issue);
        } else {
          pending++;
          log(`create ${item.fingerprint}: ${made.unknown}; the tracker may have made it, so it is recorded as pending and not created again in this run (the next run confirms it)`);
          record(item, undefined, { pending: new Date().toISOString() });
        }
      } else if (item.action === 'update') {
        await tracker.update(item as PlanItem & { issue: RemoteIssue });
        log(`updated ${item.issue!.key} ${item.issue!.url} — ${item.title}`);
        record(item, item.issue);
      } else if (item.action === 'reopen') {
        await tracker.reopen(item as PlanItem & { issue: RemoteIssue });
        log(`reopened ${item.issue!.key} ${item.issue!.url} — ${item.title}`);
        record(item, item.issue);
      } else if (item.awaiting) {
        pending++;
        record(item, undefined, { pending: item.awaiting });
      } else record(item, item.issue);
    } catch (err) {
      // Bad credentials or permissions fail every write the same way: stop now.
      if (opts.signal?.aborted || (err instanceof ExportHttpError && (err.status === 401 || (err.status === 403 && !/rate limit/i.test(err.detail))))) throw err;
      errors++;
      log(`${item.action} ${item.fingerprint} failed: ${(err as Error).message}`);
      record(item, item.issue, { error: (err as Error).message });
    }
  }
  if (opts.out) writeExportState(opts.out, results);
  return { destination: tracker.destination, plan, results, text, requests, errors, pending };
}
