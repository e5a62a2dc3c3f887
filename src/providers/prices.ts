// Prices so budgets can be set in dollars. USD per 1M tokens, list prices at
// the time of writing; users override or add models with `prices` in options
// or config. Dated snapshots (gpt-4o-2024-08-06, claude-sonnet-4-5-20250929)
// match their family by longest prefix.
import type { Usage } from './types.ts';

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
}

export type PriceTable = Record<string, ModelPrice>;

export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
};

/** The price for a model: exact name first, then the longest table key it starts with. */
export function priceFor(model: string, overrides: PriceTable = {}): ModelPrice | undefined {
  const table = { ...DEFAULT_PRICES, ...overrides };
  // A provider prefix (openrouter's "openai/gpt-4o") does not change the price.
  const candidates = [model, model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : undefined].filter(
    (m): m is string => !!m,
  );
  for (const name of candidates) {
    if (table[name]) return table[name];
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (name.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
    }
    if (best) return table[best];
  }
  return undefined;
}

/** Cost of one call in USD; 0 when the model has no known price (the caller warns once). */
export function costUsd(model: string, usage: Usage, overrides?: PriceTable): number {
  const price = priceFor(model, overrides);
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
