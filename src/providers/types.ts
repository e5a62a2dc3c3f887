// The small model interface the engine talks to, in the spirit of the Vercel
// AI SDK's LanguageModel: one `generate` call, text in and text out, with
// usage so budgets can count tokens and dollars.

import { HaloError } from '../errors.ts';

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export type ProviderName = 'openai' | 'anthropic';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface GenerateRequest {
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  reasoningEffort?: ReasoningEffort;
  /** JSON Schema the reply must follow; passed to the provider's structured-output feature. */
  schema?: Record<string, unknown>;
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'refusal' | 'content_filter' | 'tool_calls' | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface GenerateResult {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  /** Set when the provider reported a refusal (OpenAI `message.refusal`, Anthropic `stop_reason: refusal`). */
  refusal?: string;
  /** How many attempts the call took (1 = no retry). */
  attempts?: number;
  raw?: unknown;
}

export interface LanguageModel {
  readonly provider: ProviderName;
  readonly modelId: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

/** A provider call that failed for good (after retries), with what a user needs to act on it. */
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
