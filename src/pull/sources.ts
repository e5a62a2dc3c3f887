// The three trace services Halo pulls from, each as listings of records in a
// time window, page by page, through its public HTTP API. A record is kept as
// the API returns it: the same formats modules that read exported files read
// it (src/ingest/formats/langfuse.ts, langsmith.ts, phoenix.ts).
import { z } from 'zod';
import type { Http } from '../export/http.ts';
import { UsageError } from '../errors.ts';

export type SourceName = 'langfuse' | 'langsmith' | 'phoenix';
export const SOURCE_NAMES: readonly SourceName[] = ['langfuse', 'langsmith', 'phoenix'];

type Dict = Record<string, unknown>;

/** One listing of a service (Langfuse has two: traces and observations). */
export interface Listing {
  name: string;
  /** One page of records starting in [from, to); `token` null for the first page. */
  page(from: Date, to: Date, token: string | null): Promise<{ items: Dict[]; next: string | null }>;
  /** What identifies a record (dedupe across overlapping pulls). */
  id(item: Dict): string;
}

export interface SourceConfig {
  source: SourceName;
  /** API base URL (the service's own default when unset). */
  url?: string;
  /** LangSmith project (name or id) or Phoenix project (name or id). */
  project?: string;
  /** Records per page. */
  pageSize?: number;
}

/** Credentials come from the environment only, never from flags or the config file. */
export interface SourceEnv {
  [key: string]: string | undefined;
}

const DEFAULT_URLS: Record<SourceName, string> = {
  langfuse: 'https://cloud.langfuse.com',
  langsmith: 'https://api.smith.langchain.com',
  phoenix: 'http://localhost:6006',
};

/** The base URL a pull uses: the flag or config, else the vendor's usual variable, else its default. */
export function baseUrl(cfg: SourceConfig, env: SourceEnv): string {
  const fromEnv = cfg.source === 'langfuse' ? (env.LANGFUSE_BASE_URL ?? env.LANGFUSE_HOST) : cfg.source === 'langsmith' ? env.LANGSMITH_ENDPOINT : (env.PHOENIX_BASE_URL ?? env.PHOENIX_COLLECTOR_ENDPOINT);
  return (cfg.url ?? fromEnv ?? DEFAULT_URLS[cfg.source]).replace(/\/+$/, '');
}

/** Auth headers from the environment; a usage error naming the variable when it is missing. */
export function authHeaders(source: SourceName, env: SourceEnv): Record<string, string> {
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new UsageError(`--source ${source}: set ${name} in the environment`);
    return v;
  };
  switch (source) {
    case 'langfuse':
      return { authorization: `Basic ${Buffer.from(`${need('LANGFUSE_PUBLIC_KEY')}:${need('LANGFUSE_SECRET_KEY')}`).toString('base64')}` };
    case 'langsmith':
      return { 'x-api-key': need('LANGSMITH_API_KEY') };
    case 'phoenix':
      // A local Phoenix runs without auth; Phoenix Cloud and auth-enabled servers take a bearer key.
      return env.PHOENIX_API_KEY ? { authorization: `Bearer ${env.PHOENIX_API_KEY}` } : {};
  }
}

const record = z.record(z.string(), z.unknown());
const LangfusePage = z.object({
  data: z.array(record),
  meta: z.object({ page: z.number().int(), limit: z.number().int(), totalPages: z.number().int(), totalItems: z.number().int().optional() }),
});
const LangSmithPage = z.object({ runs: z.array(record), cursors: z.object({ next: z.string().nullish() }).nullish() });
const PhoenixPage = z.object({ data: z.array(record), next_cursor: z.string().nullish() });
const LangSmithProjects = z.array(z.object({ id: z.string(), name: z.string().optional() }));

const idOf = (key: string) => (item: Dict) => {
  const v = item[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** The listings of one configured source, talking through `http` (retries, rate limits, schemas). */
export async function listingsFor(cfg: SourceConfig, http: Http, base: string): Promise<Listing[]> {
  const limit = cfg.pageSize ?? (cfg.source === 'langfuse' ? 100 : 100);
  switch (cfg.source) {
    case 'langfuse': {
      // GET /api/public/traces and /api/public/observations: page numbers from 1, meta.totalPages.
      const paged = (path: string, fromKey: string, toKey: string, extra: Record<string, string> = {}): Listing['page'] => async (from, to, token) => {
        const page = token === null ? 1 : Number(token);
        const q = new URLSearchParams({ page: String(page), limit: String(limit), [fromKey]: from.toISOString(), [toKey]: to.toISOString(), ...extra });
        const { body } = await http('GET', `${base}${path}?${q}`, undefined, { schema: LangfusePage });
        return { items: body.data, next: page < body.meta.totalPages && body.data.length > 0 ? String(page + 1) : null };
      };
      return [
        { name: 'traces', page: paged('/api/public/traces', 'fromTimestamp', 'toTimestamp', { orderBy: 'timestamp.asc' }), id: idOf('id') },
        { name: 'observations', page: paged('/api/public/observations', 'fromStartTime', 'toStartTime'), id: idOf('id') },
      ];
    }
    case 'langsmith': {
      if (!cfg.project) throw new UsageError('--source langsmith: name the project with --project (its name or id)');
      const project = await langsmithProjectId(http, base, cfg.project);
      return [
        {
          name: 'runs',
          // POST /runs/query: the SDK's listRuns body; cursors.next pages on.
          page: async (from, to, token) => {
            const body = {
              session: [project],
              start_time: from.toISOString(),
              filter: `lt(start_time, "${to.toISOString()}")`,
              limit,
              ...(token !== null ? { cursor: token } : {}),
            };
            const r = await http('POST', `${base}/runs/query`, body, { schema: LangSmithPage, retryServerErrors: true });
            return { items: r.body.runs, next: r.body.runs.length > 0 ? (r.body.cursors?.next ?? null) : null };
          },
          id: idOf('id'),
        },
      ];
    }
    case 'phoenix': {
      const project = encodeURIComponent(cfg.project ?? 'default');
      return [
        {
          name: 'spans',
          // GET /v1/projects/{project}/spans: start_time inclusive, end_time exclusive, next_cursor pages on.
          page: async (from, to, token) => {
            const q = new URLSearchParams({ start_time: from.toISOString(), end_time: to.toISOString(), limit: String(limit), ...(token !== null ? { cursor: token } : {}) });
            const { body } = await http('GET', `${base}/v1/projects/${project}/spans?${q}`, undefined, { schema: PhoenixPage });
            return { items: body.data, next: body.data.length > 0 ? (body.next_cursor ?? null) : null };
          },
          id: (item) => {
            const ctx = item.context as Dict | undefined;
            return String(ctx?.span_id ?? item['context.span_id'] ?? item.id);
          },
        },
      ];
    }
  }
}

/** A LangSmith project given by id is used as is; by name, looked up (GET /sessions?name=…). */
async function langsmithProjectId(http: Http, base: string, project: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(project)) return project;
  const { body } = await http('GET', `${base}/sessions?${new URLSearchParams({ name: project })}`, undefined, { schema: LangSmithProjects });
  const hit = body.find((p) => p.name === undefined || p.name === project);
  if (!hit) throw new UsageError(`--source langsmith: no project named "${project}"`);
  return hit.id;
}
