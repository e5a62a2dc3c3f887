// The model side of an analysis: provider, models, generation settings,
// budgets, redaction. Parsed with zod at the boundary (CLI flags, config file,
// library callers). API keys are not part of it: they come from the
// environment of the parent process only.
import { z } from 'zod';

const Price = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() });

export const RlmConfig = z.object({
  provider: z.enum(['openai', 'anthropic']).default('openai'),
  model: z.string().min(1),
  /** A cheaper model for llm()/llmBatch(); defaults to `model`. */
  subModel: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  temperature: z.number().min(0).max(2).optional(),
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
  /** Per-attempt request timeout (ms). */
  timeoutMs: z.number().int().positive().optional(),
  retry: z
    .object({ maxRetries: z.number().int().nonnegative(), baseDelayMs: z.number().nonnegative(), maxDelayMs: z.number().nonnegative() })
    .partial()
    .optional(),
  /** Wall-clock deadline per cell (ms); sub-calls inside a cell count against it. */
  cellDeadlineMs: z.number().int().positive().default(10 * 60_000),
  /** Characters of cell output fed back to the model per cell (head and tail kept). */
  outputLimit: z.number().int().positive().default(12_000),
  /** Concurrent child analyses (each is a sandbox process holding the data). */
  childConcurrency: z.number().int().positive().default(1),
});
export type RlmConfig = z.infer<typeof RlmConfig>;
export type RlmConfigInput = z.input<typeof RlmConfig>;

export function parseRlmConfig(raw: unknown): RlmConfig {
  const r = RlmConfig.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw Object.assign(new Error(`invalid model configuration: ${msg}`), { exitCode: 2 });
  }
  return r.data;
}
