// createProvider: a LanguageModel for a provider config, wrapped in our retry
// policy. API keys are read here, in the parent, and nowhere else.
import { createAnthropicModel } from './anthropic.ts';
import { createOpenAIModel } from './openai.ts';
import { createOpenAIResponsesModel, isReasoningModel } from './openai-responses.ts';
import { withRetry, type RetryOptions } from './retry.ts';
import { ProviderError, type GenerateRequest, type LanguageModel, type ProviderName } from './types.ts';
import { UsageError } from '../errors.ts';

export * from './types.ts';
export { MockLanguageModel, approxTokens, type MockLanguageModelOptions, type MockReply } from './mock.ts';
export { costUsd, priceFor, DEFAULT_PRICES, type ModelPrice, type PriceTable } from './prices.ts';
export { withRetry, isRetryable, retryAfterMs, backoffDelay, type RetryOptions } from './retry.ts';

export interface ProviderConfig {
  provider: ProviderName;
  model: string;
  /** Defaults to OPENAI_API_KEY / ANTHROPIC_API_KEY from `env`. */
  apiKey?: string;
  baseURL?: string;
  headers?: Record<string, string>;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  structuredOutputs?: boolean;
  /**
   * OpenAI only: which API to speak. Default: the Responses API for reasoning
   * models (o-series, gpt-5) on OpenAI's own endpoint, so their reasoning is
   * kept across turns; Chat Completions otherwise, which every compatible
   * server speaks.
   */
  api?: OpenAIApi | 'messages';
  /** Anthropic only: mark prompt-cache breakpoints on conversations (default true). */
  promptCaching?: boolean;
  /** Anthropic only: how long the system prompt's cache lives (default '1h'). */
  promptCacheTtl?: '5m' | '1h';
  /** Where to read keys from (defaults to process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
}

export type OpenAIApi = 'chat' | 'responses';

/** The OpenAI API a model is spoken to with, unless the user chose one. */
export function openAIApiFor(model: string, baseURL: string | undefined, chosen?: OpenAIApi): OpenAIApi {
  if (chosen) return chosen;
  const official = !baseURL || /^https:\/\/api\.openai\.com(\/|$)/.test(baseURL);
  return official && isReasoningModel(model) ? 'responses' : 'chat';
}

const KEY_VARS: Record<ProviderName, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };

export function apiKeyVar(provider: ProviderName): string {
  return KEY_VARS[provider];
}

export function createProvider(config: ProviderConfig): LanguageModel {
  const env = config.env ?? process.env;
  // An empty variable counts as unset.
  const apiKey = config.apiKey || env[KEY_VARS[config.provider]] || undefined;
  if (!apiKey && !config.baseURL) {
    throw new UsageError(`${KEY_VARS[config.provider]} is not set: export it, or use --base-url for a server that needs no key`);
  }
  const common = { model: config.model, apiKey, baseURL: config.baseURL, headers: config.headers, timeoutMs: config.timeoutMs, structuredOutputs: config.structuredOutputs };
  let inner: LanguageModel;
  if (config.api === 'messages' && config.provider !== 'anthropic') throw new UsageError(`--api messages is Anthropic's API; with --provider ${config.provider} use chat or responses`);
  if (config.api && config.api !== 'messages' && config.provider === 'anthropic') throw new UsageError(`--api ${config.api} is OpenAI's; Anthropic speaks messages`);
  if (config.provider === 'openai') {
    const api = config.api === 'messages' ? undefined : config.api;
    inner = openAIApiFor(config.model, config.baseURL, api) === 'responses' ? createOpenAIResponsesModel(common) : createOpenAIModel(common);
  } else if (config.provider === 'anthropic') inner = createAnthropicModel({ ...common, promptCaching: config.promptCaching, ...(config.promptCacheTtl ? { promptCacheTtl: config.promptCacheTtl } : {}) });
  else throw new UsageError(`unknown provider "${String(config.provider)}" (expected openai or anthropic)`);
  return withRetries(inner, config.retry);
}

/** Wraps a model so transient failures retry and final failures become ProviderErrors. */
export function withRetries(inner: LanguageModel, retry: RetryOptions = {}): LanguageModel {
  return {
    provider: inner.provider,
    modelId: inner.modelId,
    async generate(req: GenerateRequest) {
      try {
        const horizon = req.retryHorizonMs !== undefined ? { horizonMs: req.retryHorizonMs } : {};
        const { value, attempts } = await withRetry(() => inner.generate(req), { ...retry, ...horizon, signal: req.signal });
        return { ...value, attempts };
      } catch (error) {
        throw toProviderError(inner, error);
      }
    },
  };
}

function toProviderError(model: LanguageModel, error: unknown): ProviderError {
  const e = error as { status?: number; message?: string; attempts?: number; name?: string; timedOut?: boolean };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const attempts = e?.attempts ?? 1;
  const what = status ? `HTTP ${status}` : e?.timedOut ? 'timed out' : (e?.name ?? 'error');
  const hint =
    status === 401 || status === 403
      ? ` — check ${KEY_VARS[model.provider]}`
      : status === 404
        ? ' — check --model and --base-url'
        : '';
  return new ProviderError({
    provider: model.provider,
    model: model.modelId,
    status,
    retryable: status === undefined || status === 429 || status >= 500,
    attempts,
    message: `${model.provider} ${model.modelId}: ${what} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${e?.message ?? String(error)}${hint}`,
    cause: error,
  });
}
