// The model side of an analysis as the engine reads it: provider, models,
// generation settings, budgets, redaction. The options themselves, their
// bounds and defaults are defined once in src/config/options.ts; this file
// checks a caller's options against them and puts them in the engine's shape
// (budgets grouped as `limits`, durations in milliseconds). API keys are not
// part of it: they come from the environment of the parent process only.
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { describeOptionIssues, durationMs, MODEL_OPTIONS, ModelOptions, withDefaults, type ModelValues } from '../config/options.ts';
import { limitsOf, type BudgetLimits } from './budgets.ts';
import { isReasoningModel } from '../providers/openai-responses.ts';

/** What the engine takes: the model options, and the redaction analyze() applies to text bound for a model. */
const EngineInput = ModelOptions.extend({
  redact: z.boolean().optional(),
  redactPatterns: z.array(z.string()).optional(),
});
export type RlmConfigInput = z.input<typeof EngineInput>;

type Limits = 'maxTurns' | 'maxDepth' | 'maxSubcalls' | 'maxTokens' | 'maxUsd' | 'maxWall' | 'maxPromptChars' | 'predicateTimeout' | 'baseUrl';

export type RlmConfig = Omit<ModelValues, Limits | 'provider' | 'model'> & {
  provider: 'openai' | 'anthropic';
  model: string;
  baseURL?: string;
  limits: BudgetLimits;
  predicateTimeoutMs: number;
  redact: boolean;
  redactPatterns: string[];
  /** The user set a dollar budget (not the default): a model without a known price then cannot run. */
  usdBudgetGiven: boolean;
};

/** The default output cap for a reasoning model's turns: room for ~25k tokens of reasoning and a reply. */
export const REASONING_MAX_OUTPUT_TOKENS = 32_000;

/** Models used when only a key is configured. */
export const DEFAULT_MODELS: Record<'openai' | 'anthropic', { model: string; subModel: string }> = {
  openai: { model: 'gpt-4.1', subModel: 'gpt-4.1-mini' },
  anthropic: { model: 'claude-sonnet-4-5', subModel: 'claude-haiku-4-5' },
};

/**
 * Checks the options (unknown keys and bad values are UsageErrors naming the
 * option), fills provider and models from the environment's keys when
 * absent, and applies the defaults.
 */
export function parseRlmConfig(raw: unknown, env: Record<string, string | undefined> = process.env): RlmConfig {
  const parsed = EngineInput.safeParse(raw ?? {});
  if (!parsed.success) throw new UsageError(`invalid model configuration: ${describeOptionIssues('', parsed.error.issues)}`, { code: 'options.invalid' });
  const { redact, redactPatterns, ...options } = parsed.data;
  const v = withDefaults(MODEL_OPTIONS, options);
  const provider = v.provider ?? (!env.OPENAI_API_KEY && env.ANTHROPIC_API_KEY && !v.baseUrl ? 'anthropic' : 'openai');
  let { model, subModel } = v;
  if (!model) {
    if (v.baseUrl) throw new UsageError('--model is required with --base-url (the server decides which models exist)');
    model = DEFAULT_MODELS[provider].model;
    subModel ??= DEFAULT_MODELS[provider].subModel;
  }
  const { baseUrl, maxTurns: _t, maxDepth: _d, maxSubcalls: _s, maxTokens: _k, maxUsd: _u, maxWall: _w, maxPromptChars: _p, predicateTimeout, ...rest } = v;
  return {
    ...rest,
    provider,
    model,
    ...(subModel ? { subModel } : {}),
    ...(baseUrl ? { baseURL: baseUrl } : {}),
    limits: limitsOf(v),
    predicateTimeoutMs: durationMs(predicateTimeout),
    redact: redact ?? true,
    redactPatterns: redactPatterns ?? [],
    usdBudgetGiven: options.maxUsd !== undefined,
    // A reasoning model's output cap must leave room for its reasoning (OpenAI advises ≥ 25k), unless the user set one.
    ...(options.maxOutputTokens === undefined && isReasoningModel(model) ? { maxOutputTokens: REASONING_MAX_OUTPUT_TOKENS } : {}),
  };
}
