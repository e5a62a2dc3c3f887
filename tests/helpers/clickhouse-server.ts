// A ClickHouse server for tests: the real engine (chdb, ClickHouse in
// process) behind a loopback HTTP server that speaks enough of ClickHouse's
// HTTP interface for the official client (@clickhouse/client): the query in
// the body or the `query` parameter (an INSERT's rows in the body after it),
// `database`, `default_format`, every other URL parameter applied as a
// setting of the query's own session (so `readonly=1` and the execution
// limits are the engine's to enforce), gzip when asked, the `X-ClickHouse-*`
// headers the client reads, and errors as HTTP 500 carrying ClickHouse's own
// text. It stands in for clickhouse-server; nothing is mocked.
//
// chdb is an optional dependency (about 550 MB with its engine): without it
// `loadChdb()` says why, and ClickHouse tests skip — except under CI=true.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

interface ChdbResult {
  readonly rowsRead: number;
  readonly bytesRead: number;
  readonly elapsed: number;
  bytes(): Uint8Array;
}
interface ChdbSession {
  query(sql: string, format?: string): string;
  queryAsync(sql: string, opts?: { format?: string }): Promise<ChdbResult>;
  close(): void;
}
interface ChdbModule {
  Session: new (path?: string) => ChdbSession;
}

/** chdb, or why it cannot be loaded. */
export function loadChdb(): { chdb: ChdbModule } | { missing: string } {
  try {
    return { chdb: createRequire(import.meta.url)('chdb') as ChdbModule };
  } catch (err) {
    return { missing: `chdb is not installed (${String((err as Error).message).split('\n')[0]}); npm install --no-save chdb (as .ci/run does) runs these tests` };
  }
}

/** Whether ClickHouse tests run: they skip without chdb, except under CI=true, where its absence fails them. */
export function chdbOrSkip(): { skip: false } | { skip: true; reason: string } {
  const got = loadChdb();
  if ('chdb' in got) return { skip: false };
  if (process.env.CI === 'true') throw new Error(`CI=true: ${got.missing}`);
  return { skip: true, reason: got.missing };
}

/** One query as the server received it. */
export interface ReceivedQuery {
  sql: string;
  settings: Record<string, string>;
  database: string;
  /** The engine's own time for it (chdb's elapsed), without HTTP, the session or the client. */
  engineMs?: number;
  error?: string;
}

export interface ClickHouseTestServer {
  url: string;
  /** `clickhouse://user:pass@127.0.0.1:port/db` for `--store` (`as`: another of the server's users). */
  storeUrl(database?: string, as?: string): string;
  /** Runs SQL as the server's administrator (no settings, no auth): for setting up tables. */
  admin(sql: string, format?: string): string;
  /**
   * The rows the engine plans to read for a query (EXPLAIN ESTIMATE, summed
   * over its tables, after partition pruning and index analysis): how much of
   * a table a pushed-down query touches, without timing it.
   */
  estimateRows(sql: string): number;
  /** Every query received over HTTP, oldest first. */
  queries: ReceivedQuery[];
  close(): Promise<void>;
}

/** URL parameters that are not settings (the rest are applied as settings, as ClickHouse does). */
const NOT_SETTINGS = new Set(['query', 'database', 'default_format', 'query_id', 'session_id', 'session_timeout', 'session_check', 'user', 'password', 'compress', 'decompress', 'role']);

/** Which settings the server applies last: once set, `readonly` refuses to change settings. */
const LAST = ['readonly'];

/**
 * `user`/`password`: the user storeUrl() names (no settings profile).
 * `users`: more users, each with the `readonly` its settings profile sets —
 * applied before the query's own settings, as a profile is, so the engine
 * refuses what a real server refuses such a user.
 */
export async function startClickHouseServer(
  opts: { user?: string; password?: string; users?: Record<string, { password: string; readonly: 1 | 2 }> } = {},
): Promise<ClickHouseTestServer> {
  const got = loadChdb();
  if (!('chdb' in got)) throw new Error(got.missing);
  const { Session } = got.chdb;
  const dir = mkdtempSync(join(tmpdir(), 'halo-chdb-'));
  const user = opts.user ?? 'halo';
  const password = opts.password ?? 'secret';
  const users: Record<string, { password: string; readonly?: 1 | 2 }> = { ...opts.users, [user]: { password } };
  const adminSession = new Session(dir);
  adminSession.query(`SET session_timezone = 'UTC'`);
  const queries: ReceivedQuery[] = [];
  // chdb runs one query per session at a time; requests are served in order.
  let queue: Promise<void> = Promise.resolve();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Ok.\n');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) body = gunzipSync(body);
    const fail = (status: number, code: number, name: string, message: string) => {
      const text = `Code: ${code}. DB::Exception: ${message}. (${name}) (version 26.7.2.1 (chdb))\n`;
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code) }).end(text);
    };
    const [u, p] = credentials(req, url);
    const account = Object.prototype.hasOwnProperty.call(users, u) ? users[u]! : null;
    if (account === null || account.password !== p) return fail(516, 516, 'AUTHENTICATION_FAILED', `${u || 'default'}: Authentication failed: password is incorrect, or there is no user with such name`);
    const inUrl = url.searchParams.get('query');
    // An INSERT names itself in the URL and sends its rows in the body.
    const sql = inUrl !== null ? (body.length > 0 ? `${inUrl}\n${body.toString('utf8')}` : inUrl) : body.toString('utf8');
    const database = url.searchParams.get('database') ?? 'default';
    const settings: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (!NOT_SETTINGS.has(k) && !k.startsWith('param_')) settings[k] = v;
    }
    const format = url.searchParams.get('default_format') ?? 'TabSeparated';
    const entry: ReceivedQuery = { sql: inUrl ?? sql, settings, database };
    queries.push(entry);
    const run = queue.then(async () => {
      // Settings belong to the query: each request has a session of its own over the same data.
      const session = new Session(dir);
      try {
        // A server in UTC, as clickhouse-server usually runs.
        session.query(`SET session_timezone = 'UTC'`);
        session.query(`USE ${quoteIdent(database)}`);
        if (account.readonly !== undefined) session.query(`SET readonly = ${account.readonly}`);
        const names = Object.keys(settings).sort((a, b) => Number(LAST.includes(a)) - Number(LAST.includes(b)));
        for (const k of names) session.query(`SET ${quoteIdent(k)} = ${quoteValue(settings[k]!)}`);
        return await session.queryAsync(sql, { format });
      } finally {
        session.close();
      }
    });
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    let result: ChdbResult;
    try {
      result = await run;
    } catch (err) {
      const text = String((err as Error).message ?? err).replace(/^Query failed: /, '');
      entry.error = text;
      const m = /Code: (\d+)\./.exec(text);
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': m ? m[1]! : '1000' }).end(text.endsWith('\n') ? text : `${text}\n`);
      return;
    }
    entry.engineMs = result.elapsed * 1000;
    let out = Buffer.from(result.bytes());
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Format': format,
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Query-Id': url.searchParams.get('query_id') ?? '',
      'X-ClickHouse-Summary': JSON.stringify({
        read_rows: String(result.rowsRead),
        read_bytes: String(result.bytesRead),
        written_rows: '0',
        written_bytes: '0',
        total_rows_to_read: String(result.rowsRead),
        result_rows: '0',
        result_bytes: String(out.length),
        elapsed_ns: String(Math.round(result.elapsed * 1e9)),
      }),
    };
    if (settings.enable_http_compression === '1' && /gzip/i.test(String(req.headers['accept-encoding'] ?? ''))) {
      out = gzipSync(out);
      headers['Content-Encoding'] = 'gzip';
    }
    res.writeHead(200, headers).end(out);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500).end(`Code: 1001. DB::Exception: ${String(err)}. (STD_EXCEPTION)\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    storeUrl: (database = 'default', as = user) => `clickhouse://${encodeURIComponent(as)}:${encodeURIComponent(users[as]!.password)}@127.0.0.1:${port}/${database}`,
    admin: (q, f = 'TabSeparated') => adminSession.query(q, f),
    estimateRows: (q) =>
      adminSession
        .query(`EXPLAIN ESTIMATE ${q.replace(/\s+FORMAT\s+\w+\s*$/i, '')}`, 'JSONEachRow')
        .split('\n')
        .filter((l) => l.trim())
        .reduce((n, l) => n + Number((JSON.parse(l) as { rows: number | string }).rows), 0),
    queries,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      adminSession.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function credentials(req: IncomingMessage, url: URL): [string, string] {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const i = text.indexOf(':');
    return [text.slice(0, i), text.slice(i + 1)];
  }
  const u = req.headers['x-clickhouse-user'] ?? url.searchParams.get('user') ?? '';
  const p = req.headers['x-clickhouse-key'] ?? url.searchParams.get('password') ?? '';
  return [String(u), String(p)];
}

function quoteIdent(name: string): string {
  return '`' + name.replace(/[`\\]/g, (c) => '\\' + c) + '`';
}

function quoteValue(v: string): string {
  return /^-?\d+(\.\d+)?$/.test(v) ? v : `'${v.replace(/['\\]/g, (c) => '\\' + c)}'`;
}
