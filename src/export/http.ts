// HTTP for the exporters: JSON over node:http(s) with connect, header and total
// timeouts, every response body checked against the endpoint's schema, backoff
// on rate limits and server errors, and writes strictly one at a time
// (trackers punish bursts of concurrent writes with secondary rate limits).

import type { z } from 'zod';
import { abortableSleep, parseRetryAfter } from '../retry-wait.ts';
import { HaloError } from '../errors.ts';
import { request as transportRequest, TransportTimeout, type Timeouts } from './transport.ts';

/** The tracker refused (provider kind, exit 1): not a bug in halo. */
export class ExportHttpError extends HaloError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super('provider', `${method} ${url} failed: ${status ? `HTTP ${status}` : 'no response'}${detail ? `: ${detail}` : ''}`, { code: 'export.http' });
    this.name = 'ExportHttpError';
  }
}

/**
 * The tracker answered, but not with what the endpoint returns (an HTML proxy
 * page, a truncated body, a record without its id). Never read as "nothing
 * there": for a create it means the outcome is unknown.
 */
export class ExportResponseError extends ExportHttpError {
  constructor(method: string, url: string, status: number, detail: string) {
    super(method, url, status, `malformed response (${detail})`);
    this.name = 'ExportResponseError';
  }
}

/**
 * A write whose effect we cannot know: no answer, a timeout, a 5xx, or a 2xx
 * we cannot read. The tracker may have done it.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (!(err instanceof ExportHttpError)) return false;
  return err.status === 0 || err.status >= 500 || (err instanceof ExportResponseError && err.status < 300);
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface HttpOptions {
  /** Headers on every request (auth, accept, user agent). Never printed. */
  headers?: Record<string, string>;
  /** Retries per request on 429, secondary-rate-limit 403 and 5xx. */
  maxRetries?: number;
  /** Pause between writes; GitHub asks for ≥ 1 s between content-creating requests. */
  writeIntervalMs?: number;
  /** Longest single wait we accept from retry-after / reset headers. */
  maxWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Extra retry rule for APIs that signal rate limits in the body (Linear's RATELIMITED). */
  isRateLimited?: (status: number, body: unknown) => boolean;
  /** Connect, response-header and whole-request limits (ms). */
  timeouts?: Partial<Timeouts>;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, totalMs: 60_000 };

export interface RequestInit_ {
  headers?: Record<string, string>;
  /**
   * Retry 5xx and dropped connections (default true). Creates pass false: the
   * server may have made the issue before failing, and a blind retry would
   * make a second one; the exporter checks first instead.
   */
  retryServerErrors?: boolean;
  /** The shape a successful response must have; anything else is an ExportResponseError. */
  schema?: z.ZodType;
}

export type Http = <T = unknown>(method: string, url: string, body?: unknown, init?: RequestInit_ & { schema?: z.ZodType<T> }) => Promise<HttpResponse<T>>;

export const defaultSleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; errorMessages?: unknown; errors?: unknown };
    if (typeof b.message === 'string') return b.message;
    if (Array.isArray(b.errorMessages) && b.errorMessages.length) return b.errorMessages.join('; ');
    return JSON.stringify(body).slice(0, 300);
  }
  return '';
}

function isSecondaryRateLimit(status: number, headers: Headers, body: unknown): boolean {
  if (status !== 403) return false;
  if (headers.get('x-ratelimit-remaining') === '0' || headers.has('retry-after')) return true;
  return /rate limit/i.test(bodyText(body));
}

/** How long the server asked us to wait, or exponential backoff when it did not say. */
export function retryDelayMs(headers: Headers, attempt: number, now = Date.now()): number {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const asked = parseRetryAfter(retryAfter, now);
    if (asked !== undefined) return asked;
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && headers.get('x-ratelimit-remaining') === '0') {
    const at = Number(reset) * 1000;
    if (Number.isFinite(at)) return Math.max(0, at - now) + 1000;
  }
  return Math.min(60_000, 1000 * 2 ** attempt);
}

function describeIssue(e: z.ZodError): string {
  const first = e.issues[0];
  if (!first) return 'unexpected shape';
  return `${first.path.length ? first.path.join('.') : 'body'}: ${first.message}`;
}

export function createHttp(opts: HttpOptions = {}): Http {
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const doFetch: typeof fetch = opts.fetch ?? ((url, init) => transportRequest(String(url), init ?? {}, timeouts));
  const sleep = opts.sleep ?? defaultSleep;
  const maxRetries = opts.maxRetries ?? 5;
  const maxWaitMs = opts.maxWaitMs ?? 15 * 60_000;
  const log = opts.log ?? (() => {});
  let writeChain: Promise<unknown> = Promise.resolve();
  let lastWriteEnd = 0;

  async function once<T>(method: string, url: string, body: unknown, init: RequestInit_ = {}): Promise<HttpResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      opts.signal?.throwIfAborted();
      let res: Response;
      try {
        res = await doFetch(url, {
          method,
          headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers, ...init.headers },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        const e = err as { code?: string; cause?: { code?: string; message?: string } };
        const why = err instanceof TransportTimeout ? err.message : (e.code ?? e.cause?.code ?? e.cause?.message ?? (err as Error).message);
        // Refused or reset connections and DNS hiccups pass; a tracker being down for minutes does not.
        if (init.retryServerErrors !== false && attempt < Math.min(2, maxRetries)) {
          const wait = 1000 * 2 ** attempt;
          log(`${method} ${url}: ${why}, retrying in ${Math.ceil(wait / 1000)} s (attempt ${attempt + 1}/${Math.min(2, maxRetries)})`);
          await sleep(wait, opts.signal);
          continue;
        }
        throw new ExportHttpError(method, url, 0, err instanceof TransportTimeout ? why : `cannot connect (${why})`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        // The status line came but the body did not: for a write, it may have happened.
        throw new ExportHttpError(method, url, 0, `response cut off after HTTP ${res.status} (${err instanceof TransportTimeout ? err.message : (err as Error).message})`);
      }
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      let parsed: unknown = text;
      let unparsable: string | undefined;
      if (text && isJson) {
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          unparsable = (err as Error).message;
        }
      }
      const retryable =
        res.status === 429 || (res.status >= 500 && init.retryServerErrors !== false) || isSecondaryRateLimit(res.status, res.headers, parsed) || Boolean(opts.isRateLimited?.(res.status, parsed));
      if (retryable && attempt < maxRetries) {
        const wait = retryDelayMs(res.headers, attempt);
        if (wait > maxWaitMs) throw new ExportHttpError(method, url, res.status, `rate limited for ${Math.ceil(wait / 1000)} s, longer than we wait; run again later`);
        log(`${method} ${url}: HTTP ${res.status}, retrying in ${Math.ceil(wait / 1000)} s (attempt ${attempt + 1}/${maxRetries})`);
        await sleep(wait, opts.signal);
        continue;
      }
      if (res.status >= 400) throw new ExportHttpError(method, url, res.status, bodyText(parsed));
      if (init.schema) {
        if (!isJson) throw new ExportResponseError(method, url, res.status, `HTTP ${res.status} with content-type "${res.headers.get('content-type') ?? 'none'}", not JSON`);
        if (unparsable !== undefined) throw new ExportResponseError(method, url, res.status, `HTTP ${res.status} body is not valid JSON: ${unparsable}`);
        const checked = init.schema.safeParse(parsed);
        if (!checked.success) throw new ExportResponseError(method, url, res.status, `HTTP ${res.status}: ${describeIssue(checked.error)}`);
        return { status: res.status, headers: res.headers, body: checked.data as T };
      }
      return { status: res.status, headers: res.headers, body: parsed as T };
    }
  }

  return <T>(method: string, url: string, body?: unknown, init?: RequestInit_) => {
    const m = method.toUpperCase();
    if (!WRITE_METHODS.has(m)) return once<T>(m, url, body, init);
    // Writes queue behind each other, whoever calls.
    const run = writeChain.then(async () => {
      const gap = (opts.writeIntervalMs ?? 0) - (Date.now() - lastWriteEnd);
      if (lastWriteEnd && gap > 0) await sleep(gap, opts.signal);
      try {
        return await once<T>(m, url, body, init);
      } finally {
        lastWriteEnd = Date.now();
      }
    });
    writeChain = run.catch(() => {});
    return run;
  };
}

/** Pages any listing may follow before we call the tracker's pagination broken. */
export const MAX_PAGES = 200;

/**
 * Guards a pagination loop: an error past `max` pages or when a cursor comes
 * back that was already followed. A listing cut short would read as "no issue
 * yet" and duplicate every issue past the cut, so it must fail instead.
 */
export function pageGuard(what: string, max = MAX_PAGES): (cursor: string) => void {
  const seen = new Set<string>();
  return (cursor) => {
    if (seen.has(cursor)) throw new ExportHttpError('GET', what, 0, `pagination repeats itself (cursor ${cursor.slice(0, 120)} came back); stopping`);
    seen.add(cursor);
    if (seen.size > max) throw new ExportHttpError('GET', what, 0, `more than ${max} pages; stopping (a listing that never ends)`);
  };
}

/** The next page from an RFC 8288 Link header (GitHub pagination). */
export function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1]!;
  }
  return null;
}
