// Our retry policy around a provider call. The SDKs' own retries are turned
// off (maxRetries: 0) so every attempt is counted here, logged, and bounded by
// the run's budgets and abort signal.

import { abortableSleep as sleep, parseRetryAfter } from '../retry-wait.ts';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** First backoff step; doubles each attempt, with full jitter. */
  baseDelayMs?: number;
  /** Ceiling for one wait, including a server's retry-after. */
  maxDelayMs?: number;
  /** Called before each wait (for progress and the run log). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Injectable for deterministic tests of the jitter. */
  random?: () => number;
  /**
   * Keep retrying a transient failure for this long from the first attempt,
   * past maxRetries when that was not set explicitly (the root model's turns:
   * an overloaded provider often recovers within minutes).
   */
  horizonMs?: number;
  now?: () => number;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'onRetry' | 'random' | 'horizonMs' | 'now'>> = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

interface ErrorLike {
  status?: number;
  /** The error's type or code as the provider named it (SDK APIError fields, or the body's). */
  type?: unknown;
  error?: { type?: unknown; code?: unknown; error?: { type?: unknown } };
  headers?: { get?: (name: string) => string | null } | Record<string, string>;
  name?: string;
  code?: string;
  /** Set by the provider adapters on the SDKs' connection and timeout errors. */
  connectionError?: boolean;
  timedOut?: boolean;
}

/** Error types and codes providers give transient failures (overloaded, rate limited, a server fault). */
const TRANSIENT = /overload|rate.?limit|too.?many|server.?error|api.?error|internal|unavailable|timeout|timed.?out|capacity|busy|try.?again/i;

/**
 * Whether a provider's own name for an error (Anthropic's `overloaded_error`
 * event, an OpenAI-compatible server's `{"error": {"type": "server_error"}}`
 * chunk, a Responses `error` event's code) says it is transient.
 */
export function transientType(...names: unknown[]): boolean {
  for (const n of names) {
    if (typeof n === 'number' && (n === 429 || n >= 500)) return true;
    if (typeof n === 'string' && (TRANSIENT.test(n) || /^(429|5\d\d)$/.test(n))) return true;
  }
  return false;
}

/** 408/409/429/5xx (incl. Anthropic's 529), timeouts, connection failures and status-less transient errors are worth another try. */
export function isRetryable(error: unknown): boolean {
  const e = error as ErrorLike | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'AbortError') return false;
  if (typeof e.status === 'number') return e.status === 408 || e.status === 409 || e.status === 429 || e.status >= 500;
  // An error sent inside a stream carries no status, only the provider's name for it.
  if (transientType(e.type, e.code, e.error?.type, e.error?.code, e.error?.error?.type)) return true;
  // SDK connection errors carry no status.
  return (
    e.connectionError === true ||
    e.name === 'APIConnectionError' ||
    e.name === 'APIConnectionTimeoutError' ||
    e.code === 'ECONNRESET' ||
    e.code === 'ECONNREFUSED' ||
    e.code === 'ETIMEDOUT' ||
    e.code === 'UND_ERR_SOCKET'
  );
}

/** A 400/422 that names a request feature the server does not support (e.g. json_schema output). */
export function unsupportedFeature(error: unknown, feature: RegExp): boolean {
  const e = error as { status?: number; message?: string };
  return (e?.status === 400 || e?.status === 422) && feature.test(e.message ?? '');
}

function header(error: unknown, name: string): string | null {
  const h = (error as ErrorLike | undefined)?.headers;
  if (!h) return null;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get: (n: string) => string | null }).get(name);
  const rec = h as Record<string, string>;
  return rec[name] ?? rec[name.toLowerCase()] ?? null;
}

/** The wait a server asked for, in ms: `retry-after-ms`, else `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const ms = header(error, 'retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = header(error, 'retry-after');
  if (after === null || after.trim() === '') return undefined;
  return parseRetryAfter(after, now);
}

/** Exponential backoff with full jitter, unless the server said how long to wait. */
export function backoffDelay(attempt: number, error: unknown, opts: RetryOptions = {}): number {
  const base = opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const asked = retryAfterMs(error);
  if (asked !== undefined) return Math.min(asked, max);
  const random = opts.random ?? Math.random;
  return Math.min(max, Math.round(random() * base * 2 ** (attempt - 1)));
}

/** Runs `fn` until it succeeds, fails with a non-retryable error, or retries run out. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions & { signal?: AbortSignal } = {},
): Promise<{ value: T; attempts: number }> {
  const maxRetries = opts.maxRetries ?? DEFAULT_RETRY.maxRetries;
  const now = opts.now ?? Date.now;
  const start = now();
  // An explicit maxRetries is the user's word; the horizon only stretches the default.
  const horizon = opts.maxRetries === undefined ? (opts.horizonMs ?? 0) : 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (error) {
      const delayMs = backoffDelay(attempt, error, opts);
      const withinHorizon = now() - start + delayMs < horizon;
      if (opts.signal?.aborted || (attempt > maxRetries && !withinHorizon) || !isRetryable(error)) {
        if (error && typeof error === 'object') Object.assign(error, { attempts: attempt });
        throw error;
      }
      opts.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, opts.signal);
    }
  }
}
