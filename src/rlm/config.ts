// The model side of an analysis: provider, models, generation settings,
// budgets, redaction. Parsed with zod at the boundary (CLI flags, config file,
// library callers). API keys are not part of it: they come from the
// environment of the parent process only.
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { DURATION_HINT, tryParseDuration } from '../duration.ts';

const Price = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

export const RlmConfig = z.object({
  provider: z.enum(['openai', 'anthropic']).default('openai'),
  model: z.string().min(1),
  /** A cheaper model for llm()/llmBatch(); defaults to `model`. */
  subModel: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  /** OpenAI: 'responses' or 'chat'; default by endpoint and model (see providers/index.ts openAIApiFor). */
  api: z.enum(['chat', 'responses']).optional(),
  /** Anthropic: cache the system prompt and the conversation prefix across turns (default true). */
  promptCaching: z.boolean().default(true),
  headers: z.record(z.string(), z.string()).default({}),
  temperature: z.number().min(0).max(2).optional(),
  /** The root model's context window in tokens (default: by model family); older cell outputs are compacted near it. */
  contextWindow: z.number().int().positive().optional(),
  /** Output cap for the root model's turns (default 8192). */
  maxOutputTokens: z.number().int().positive().optional(),
  /** Output cap for llm()/llmBatch() replies (default 4096); a cell can lower it per call. */
  subMaxOutputTokens: z.number().int().positive().optional(),
  reasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
  limits: z
    .object({
      maxTurns: z.number().int().positive(),
      maxDepth: z.number().int().nonnegative(),
      maxSubcalls: z.number().int().nonnegative(),
      maxTokens: z.number().int().positive(),
      maxUsd: z.number().positive(),
      maxWallMs: z.number().int().positive(),
      maxPromptChars: z.number().int().positive(),
    })
    .partial()
    .default({}),
  /** Concurrent requests per model for sub-calls. */
  concurrency: z.number().int().positive().max(256).default(8),
  redact: z.boolean().default(true),
  redactPatterns: z.array(z.string()).default([]),
  /** USD per 1M tokens, by model name; added to / overriding the built-in table. */
  prices: z.record(z.string(), Price).optional(),
  /** Idle timeout (ms): the longest wait for a reply to start or for its next streamed piece. */
  timeoutMs: z.number().int().positive().optional(),
  retry: z
    .object({ maxRetries: z.number().int().nonnegative(), baseDelayMs: z.number().nonnegative(), maxDelayMs: z.number().nonnegative() })
    .partial()
    .optional(),
  /** Wall-clock deadline per cell (ms); sub-calls inside a cell count against it. */
  cellDeadlineMs: z.number().int().positive().default(10 * 60_000),
  /** Characters of cell output fed back to the model per cell (head and tail kept). */
  outputLimit: z.number().int().positive().default(12_000),
  /** Time limit for one finding's predicate over the window (ms); one that cannot finish loses its prevalence claim. */
  predicateTimeoutMs: z.number().int().positive().default(30_000),
  /** Matched, uncited traces per predicate the sub-model judges in the audit; 0 turns the audit off. */
  auditSample: z.number().int().nonnegative().max(200).default(12),
  /** Rounds in which the root may repair findings that did not verify (each needs a turn of budget). */
  reviewRounds: z.number().int().nonnegative().max(10).default(2),
  /** Concurrent child analyses (each is a sandbox process holding the data). */
  childConcurrency: z.number().int().positive().default(2),
});
export type RlmConfig = z.infer<typeof RlmConfig>;
export type RlmConfigInput = z.input<typeof RlmConfig>;

/** Models used when only a key is configured. */
export const DEFAULT_MODELS: Record<'openai' | 'anthropic', { model: string; subModel: string }> = {
  openai: { model: 'gpt-4.1', subModel: 'gpt-4.1-mini' },
  anthropic: { model: 'claude-sonnet-4-5', subModel: 'claude-haiku-4-5' },
};

const FLAT_LIMITS: Record<string, string> = {
  maxTurns: 'maxTurns',
  maxDepth: 'maxDepth',
  maxSubcalls: 'maxSubcalls',
  maxTokens: 'maxTokens',
  maxUsd: 'maxUsd',
  maxWall: 'maxWallMs',
  maxWallMs: 'maxWallMs',
  maxPromptChars: 'maxPromptChars',
};

const NUMERIC = new Set(['contextWindow', 'auditSample', 'reviewRounds', 'predicateTimeoutMs', 'temperature', 'maxOutputTokens', 'subMaxOutputTokens', 'concurrency', 'timeoutMs', 'cellDeadlineMs', 'outputLimit', 'childConcurrency']);

/** --max-wall: the shared duration grammar, where a plain number means seconds. */
export function parseWallDuration(text: string | number): number {
  const ms = tryParseDuration(text, { bareUnit: 's' });
  if (ms === undefined) throw new UsageError(`--max-wall: "${text}" is not a duration (${DURATION_HINT}; a plain number is seconds)`);
  return ms;
}

function toNumber(key: string, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: "${v}" is not a number`);
  }
  return n;
}

/** `k=v` or `k: v` header flags into a record. */
export function parseHeaders(list: unknown): Record<string, string> {
  const items = Array.isArray(list) ? list : [list];
  const out: Record<string, string> = {};
  for (const item of items) {
    const m = /^\s*([^=:\s]+)\s*[=:]\s*(.*)$/.exec(String(item));
    if (!m) throw new UsageError(`--header: "${String(item)}" is not key=value`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * Accepts the nested RlmConfig shape or the flat shape CLI flags produce
 * (`baseUrl`, `header: ['k=v']`, `maxTurns: '12'`, `maxWall: '30m'`), and
 * fills provider and models from the environment's keys when absent.
 */
export function normalizeConfigInput(raw: unknown, env: Record<string, string | undefined> = process.env): Record<string, unknown> {
  const input = { ...((raw ?? {}) as Record<string, unknown>) };
  const out: Record<string, unknown> = {};
  const limits: Record<string, unknown> = { ...((input.limits as Record<string, unknown>) ?? {}) };
  delete input.limits;
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    if (k === 'predicateTimeout') {
      // Seconds on the command line (`--predicate-timeout 20`), or a duration.
      const ms = tryParseDuration(String(v), { bareUnit: 's' });
      if (ms === undefined) throw new UsageError(`--predicate-timeout: "${String(v)}" is not a duration (${DURATION_HINT}; a plain number is seconds)`);
      out.predicateTimeoutMs = ms;
    } else if (k in FLAT_LIMITS) {
      limits[FLAT_LIMITS[k]!] = k === 'maxWall' ? parseWallDuration(v as string) : toNumber(k, v);
    } else if (k === 'baseUrl' || k === 'baseURL') out.baseURL = v;
    else if (k === 'header' || k === 'headers') out.headers = typeof v === 'object' && !Array.isArray(v) ? v : parseHeaders(v);
    else if (k === 'redactPattern') out.redactPatterns = Array.isArray(v) ? v : [v];
    else if (NUMERIC.has(k)) out[k] = toNumber(k, v);
    else out[k] = v;
  }
  if (Object.keys(limits).length) out.limits = limits;
  if (!out.provider) {
    out.provider = !env.OPENAI_API_KEY && env.ANTHROPIC_API_KEY && !out.baseURL ? 'anthropic' : 'openai';
  }
  const defaults = DEFAULT_MODELS[out.provider as 'openai' | 'anthropic'];
  if (!out.model && defaults) {
    if (out.baseURL) {
      throw new UsageError('--model is required with --base-url (the server decides which models exist)');
    }
    out.model = defaults.model;
    out.subModel ??= defaults.subModel;
  }
  return out;
}

export function parseRlmConfig(raw: unknown, env: Record<string, string | undefined> = process.env): RlmConfig {
  const r = RlmConfig.safeParse(normalizeConfigInput(raw, env));
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new UsageError(`invalid model configuration: ${msg}`);
  }
  return r.data;
}
