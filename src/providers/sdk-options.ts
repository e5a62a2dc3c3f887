// What the OpenAI and Anthropic adapters share: the options a user gives, how
// they become SDK client settings, and how SDK connection failures are flagged
// for the retry policy. Both official SDKs come from the same generator, so
// their client options and connection-error classes line up.

export interface SdkModelOptions {
  model: string;
  apiKey?: string;
  baseURL?: string;
  headers?: Record<string, string>;
  /**
   * Idle timeout in ms: the longest wait for the response to start or for the
   * next piece of a streamed reply. A long reply that keeps streaming is fine.
   */
  timeoutMs?: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

export function sdkClientOptions(opts: SdkModelOptions) {
  return {
    // Compatible local servers often need no key; the SDKs insist on a value.
    apiKey: opts.apiKey || (opts.baseURL ? 'not-needed' : undefined),
    baseURL: opts.baseURL,
    defaultHeaders: opts.headers,
    timeout: opts.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, // until the headers; idle.ts covers the stream
    maxRetries: 0, // retries are ours (retry.ts), so each attempt is counted
    logLevel: 'off' as const,
  };
}

import { NotStreaming } from './replies.ts';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The SDK's connection/timeout errors carry no status; the returned function
 * flags them for the retry policy and rethrows every error.
 */
export function connectionErrorMarker(connectionError: ErrorClass, timeoutError: ErrorClass): (error: unknown) => never {
  return (error) => {
    // Not an SDK failure: the adapter falls back to a request without streaming.
    if (error instanceof NotStreaming) throw error;
    if (error instanceof connectionError) {
      Object.assign(error, { connectionError: true, timedOut: error instanceof timeoutError });
    }
    throw error;
  };
}
