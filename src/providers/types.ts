// The small model interface the engine talks to, in the spirit of the Vercel
// AI SDK's LanguageModel: one `generate` call, text in and text out, with
// usage so budgets can count tokens and dollars.

import { HaloError } from '../errors.ts';

/** The reasoning-effort levels Halo accepts; a provider maps or reports the ones it lacks. */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export type ProviderName = 'openai' | 'anthropic';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  /**
   * Opaque reasoning a provider returned with this assistant message and
   * wants back on the next request (Responses API reasoning items).
   */
  reasoning?: unknown[];
}

export interface GenerateRequest {
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  reasoningEffort?: ReasoningEffort;
  /** JSON Schema the reply must follow; passed to the provider's structured-output feature. */
  schema?: Record<string, unknown>;
  /**
   * The request will be sent again with more appended (a conversation): ask
   * the provider to cache its prefix. OpenAI caches by itself; Anthropic
   * needs breakpoints.
   */
  cache?: boolean;
  /**
   * Names the conversation for the provider's prompt cache (OpenAI's
   * prompt_cache_key): requests of one loop land where its prefix is cached.
   */
  cacheKey?: string;
  signal?: AbortSignal;
  /**
   * Keep retrying transient failures this long (ms) unless maxRetries was set
   * explicitly: the root model's turns, bounded by the run's wall budget.
   */
  retryHorizonMs?: number;
}

export type FinishReason = 'stop' | 'length' | 'refusal' | 'content_filter' | 'tool_calls' | 'other';

export interface Usage {
  /** Every input token of the request, cached or not. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (priced at the cached rate). */
  cachedInputTokens?: number;
  /** Input tokens written to the prompt cache by this request (Anthropic prices them above the base rate). */
  cacheWriteTokens?: number;
  /** Of cacheWriteTokens, those written for an hour (Anthropic's ttl "1h", priced at 2× input, not 1.25×). */
  cacheWrite1hTokens?: number;
  /** Output tokens spent on reasoning, when the provider says (already inside outputTokens). */
  reasoningTokens?: number;
}

/**
 * Something the provider did differently from what was asked, in the AI SDK's
 * manner: the call still succeeded, and the user should hear about it.
 */
export type ProviderWarning =
  | { type: 'unsupported-setting'; setting: string; details: string }
  | { type: 'other'; message: string };

export function warningText(w: ProviderWarning): string {
  return w.type === 'unsupported-setting' ? `${w.setting} not applied: ${w.details}` : w.message;
}

export interface GenerateResult {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  /** Set when the provider reported a refusal (OpenAI `message.refusal`, Anthropic `stop_reason: refusal`). */
  refusal?: string;
  /** How many attempts the call took (1 = no retry). */
  attempts?: number;
  /** Reasoning to send back with this reply on the next turn (see ChatMessage.reasoning). */
  reasoning?: unknown[];
  /** The reasoning summary a reasoning model gave (for the run log). */
  reasoningSummary?: string;
  /** Settings the provider could not honour on this call (shown to the user, written to the run log). */
  warnings?: ProviderWarning[];
  raw?: unknown;
}

export interface LanguageModel {
  readonly provider: ProviderName;
  readonly modelId: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

/** A provider call that failed for good (after retries), with what a user needs to act on it. */
/**
 * A streamed reply that broke off: the stream went idle, or the server sent a
 * failure event. Retried like a dropped connection when `connectionError`.
 */
export class StreamError extends HaloError {
  readonly connectionError: boolean;
  readonly timedOut: boolean;
  constructor(message: string, opts: { connectionError: boolean; timedOut?: boolean; cause?: unknown; name?: string }) {
    super('provider', message, { code: 'provider.stream', cause: opts.cause });
    this.name = opts.name ?? 'StreamError';
    this.connectionError = opts.connectionError;
    this.timedOut = opts.timedOut ?? false;
  }
}

export class ProviderError extends HaloError {
  readonly provider: ProviderName;
  readonly model: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly attempts: number;
  constructor(opts: { provider: ProviderName; model: string; message: string; status?: number; retryable: boolean; attempts: number; cause?: unknown }) {
    super('provider', opts.message, { code: 'provider.failed', cause: opts.cause });
    this.name = 'ProviderError';
    this.provider = opts.provider;
    this.model = opts.model;
    this.status = opts.status;
    this.retryable = opts.retryable;
    this.attempts = opts.attempts;
  }
}
