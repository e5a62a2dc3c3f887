// One incremental pull: every record a source's listings hold that started
// since the last pull's cursor (less an overlap, for records the service
// indexed late), up to `now - settle` (runs still going are left for the next
// pull), into one new JSONL file under <state>/pull/<source>-<key>/. The file
// is written whole and renamed into place before the cursor moves: a pull that
// fails leaves the cursor where it was, and the next one starts over from it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../history/atomic.ts';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createHttp, type HttpOptions } from '../export/http.ts';
import { InputError } from '../errors.ts';
import { authHeaders, baseUrl, listingsFor, type SourceConfig, type SourceEnv } from './sources.ts';

export interface PullOptions {
  stateDir: string;
  /** How far back the first pull reaches (ms). */
  sinceMs: number;
  /** Records younger than this are left for the next pull (ms). */
  settleMs?: number;
  /** How far before the cursor each pull looks again, for records indexed late (ms). */
  overlapMs?: number;
  now?: number;
  env?: SourceEnv;
  /** Passed to the HTTP client (tests give a sleep that does not wait). */
  http?: Pick<HttpOptions, 'sleep' | 'maxRetries' | 'log' | 'timeouts' | 'signal'>;
  /** Pages any one listing may take. */
  maxPages?: number;
}

export interface PullResult {
  /** The directory every pull of this source writes into (what analyze reads). */
  dir: string;
  /** The file this pull wrote, or null when nothing was new. */
  file: string | null;
  records: number;
  /** Records the overlap brought back that an earlier pull already had. */
  repeated: number;
  pages: number;
  from: string;
  to: string;
}

const State = z.object({
  version: z.literal(1),
  cursor: z.string(),
  /** Ids of records started after cursor − overlap, with their listing: what the next overlap may bring back. */
  seen: z.record(z.string(), z.number()),
});
type State = z.infer<typeof State>;

export const DEFAULT_SETTLE_MS = 5 * 60_000;
export const DEFAULT_OVERLAP_MS = 60 * 60_000;

/** Pulls of the same service, URL and project share a cursor and a directory. */
export function pullKey(cfg: SourceConfig, base: string): string {
  return `${cfg.source}-${createHash('sha1').update(`${base}\n${cfg.project ?? ''}`).digest('hex').slice(0, 10)}`;
}

export async function runPull(cfg: SourceConfig, opts: PullOptions): Promise<PullResult> {
  const env = opts.env ?? process.env;
  const base = baseUrl(cfg, env);
  const key = pullKey(cfg, base);
  const root = join(opts.stateDir, 'pull');
  const dir = join(root, key);
  const statePath = join(root, `${key}.json`);
  mkdirSync(dir, { recursive: true });
  const now = opts.now ?? Date.now();
  const state = readState(statePath);
  const overlap = opts.overlapMs ?? DEFAULT_OVERLAP_MS;
  const to = new Date(now - (opts.settleMs ?? DEFAULT_SETTLE_MS));
  const from = new Date(state ? Date.parse(state.cursor) - overlap : now - opts.sinceMs);
  const result: PullResult = { dir, file: null, records: 0, repeated: 0, pages: 0, from: from.toISOString(), to: to.toISOString() };
  if (to <= from) return result;

  const http = createHttp({ headers: authHeaders(cfg.source, env), ...opts.http });
  const listings = await listingsFor(cfg, http, base);
  const seen = new Map(Object.entries(state?.seen ?? {}));
  const stamp = to.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `${stamp}.jsonl`);
  const tmp = `${file}.tmp`;
  const out = await open(tmp, 'w');
  try {
    for (const listing of listings) {
      const tokens = new Set<string>();
      for (let token: string | null = null; ; ) {
        const page = await listing.page(from, to, token);
        result.pages++;
        const lines: string[] = [];
        for (const item of page.items) {
          const id = `${listing.name}:${listing.id(item)}`;
          if (seen.has(id)) {
            result.repeated++;
            continue;
          }
          seen.set(id, now);
          lines.push(JSON.stringify(item));
        }
        if (lines.length) await out.write(lines.join('\n') + '\n');
        result.records += lines.length;
        if (page.next === null) break;
        // A listing that hands back a cursor it gave before would page forever.
        if (tokens.has(page.next) || tokens.size >= (opts.maxPages ?? 10_000)) throw new InputError(`--source ${cfg.source}: the ${listing.name} listing does not end (page ${tokens.size + 1}); nothing was kept, the next pull starts from the same point`);
        tokens.add(page.next);
        token = page.next;
      }
    }
    await out.sync();
  } catch (err) {
    await out.close();
    rmSync(tmp, { force: true });
    throw err;
  }
  await out.close();
  if (result.records > 0) {
    renameSync(tmp, file);
    result.file = file;
  } else {
    rmSync(tmp, { force: true });
  }
  // The next pull looks back to this pull's `to` − overlap; a record seen by a
  // pull at time t started before t − settle. Ids seen before now − overlap −
  // settle started before that point and cannot come back: forget them.
  const keepAfter = now - overlap - (opts.settleMs ?? DEFAULT_SETTLE_MS);
  for (const [id, at] of seen) if (at < keepAfter) seen.delete(id);
  writeFileAtomic(statePath, JSON.stringify({ version: 1, cursor: to.toISOString(), seen: Object.fromEntries(seen) } satisfies State));
  return result;
}

function readState(path: string): State | null {
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: the pull cursor is not JSON (${(err as Error).message}); delete it to pull again from --since`);
  }
  const parsed = State.safeParse(raw);
  if (!parsed.success) throw new InputError(`${path}: not a pull cursor this halo writes; delete it to pull again from --since`);
  return parsed.data;
}

