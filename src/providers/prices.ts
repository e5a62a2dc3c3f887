// Prices so budgets can be set in dollars. USD per 1M tokens, list prices at
// the time of writing; users override or add models with `prices` in options
// or config. A model is priced by its exact name, or as a dated snapshot of a
// listed name (gpt-4o-2024-08-06, claude-sonnet-4-5-20250929) or its `-latest`
// alias. Never by a shorter prefix: gpt-5-pro is not gpt-5 (it costs 12×).
import type { Usage } from './types.ts';

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  /** USD per 1M input tokens read from the prompt cache (default: `input`). */
  cachedInput?: number;
  /** USD per 1M input tokens written to the prompt cache (Anthropic; default: `input`). */
  cacheWrite?: number;
}

export type PriceTable = Record<string, ModelPrice>;

// Cached input: OpenAI bills cache hits at a fixed discount per family (gpt-5
// 90%, gpt-4.1 75%, gpt-4o and o-series 50%); Anthropic bills reads at 0.1×
// and 5-minute cache writes at 1.25× the input price.
const anthropic = (input: number, output: number): ModelPrice => ({ input, output, cachedInput: input / 10, cacheWrite: input * 1.25 });

export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-chat-latest': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-pro': { input: 15, output: 120 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o3-pro': { input: 20, output: 80 },
  o1: { input: 15, output: 60, cachedInput: 7.5 },
  'o1-pro': { input: 150, output: 600 },
  'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'claude-opus-4-7': anthropic(5, 25),
  'claude-opus-4-6': anthropic(5, 25),
  'claude-opus-4-5': anthropic(5, 25),
  'claude-opus-4-1': anthropic(15, 75),
  'claude-opus-4': anthropic(15, 75),
  'claude-sonnet-4-5': anthropic(3, 15),
  'claude-sonnet-4': anthropic(3, 15),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-5-haiku': anthropic(0.8, 4),
  'claude-3-7-sonnet': anthropic(3, 15),
};

/** A dated snapshot (-2024-08-06, -20250929) or the -latest alias of a listed model name. */
const SNAPSHOT = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** The price for a model: its exact name, else the listed name it is a dated snapshot or -latest alias of. */
export function priceFor(model: string, overrides: PriceTable = {}): ModelPrice | undefined {
  const table = { ...DEFAULT_PRICES, ...overrides };
  // A provider prefix (openrouter's "openai/gpt-4o") does not change the price.
  const candidates = [model, model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : undefined].filter(
    (m): m is string => !!m,
  );
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(table, k) ? table[k] : undefined);
  for (const name of candidates) {
    const exact = own(name);
    if (exact) return exact;
    const base = name.replace(SNAPSHOT, '');
    if (base !== name && own(base)) return own(base);
  }
  return undefined;
}

/** A call's cost in USD, by part: input not cached, cache reads, cache writes, output. */
export interface CostParts {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
}

export function costParts(model: string, usage: Usage, overrides?: PriceTable): CostParts | undefined {
  const price = priceFor(model, overrides);
  if (!price) return undefined;
  const read = usage.cachedInputTokens ?? 0;
  const write = usage.cacheWriteTokens ?? 0;
  const hour = Math.min(write, usage.cacheWrite1hTokens ?? 0);
  const plain = Math.max(0, usage.inputTokens - read - write);
  return {
    input: (plain * price.input) / 1_000_000,
    cachedInput: (read * (price.cachedInput ?? price.input)) / 1_000_000,
    // An hour-long cache write costs twice the input price (5-minute ones: cacheWrite, 1.25× on Anthropic).
    cacheWrite: ((write - hour) * (price.cacheWrite ?? price.input) + hour * price.input * 2) / 1_000_000,
    output: (usage.outputTokens * price.output) / 1_000_000,
  };
}

/** Cost of one call in USD; 0 when the model has no known price (the caller warns once). */
export function costUsd(model: string, usage: Usage, overrides?: PriceTable): number {
  const p = costParts(model, usage, overrides);
  return p ? p.input + p.cachedInput + p.cacheWrite + p.output : 0;
}
