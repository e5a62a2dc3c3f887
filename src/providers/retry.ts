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
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'onRetry' | 'random'>> = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

interface ErrorLike {
  status?: number;
  headers?: { get?: (name: string) => string | null } | Record<string, string>;
  name?: string;
  code?: string;
  /** Set by the provider adapters on the SDKs' connection and timeout errors. */
  connectionError?: boolean;
  timedOut?: boolean;
}

/** 408/409/429/5xx (incl. Anthropic's 529), timeouts and connection failures are worth another try. */
export function isRetryable(error: unknown): boolean {
  const e = error as ErrorLike | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'AbortError') return false;
  if (typeof e.status === 'number') return e.status === 408 || e.status === 409 || e.status === 429 || e.status >= 500;
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
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (error) {
      if (opts.signal?.aborted || attempt > maxRetries || !isRetryable(error)) {
        if (error && typeof error === 'object') Object.assign(error, { attempts: attempt });
        throw error;
      }
      const delayMs = backoffDelay(attempt, error, opts);
      opts.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, opts.signal);
    }
  }
}
