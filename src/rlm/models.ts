// The provider clients of one run, made once per model name from the run's
// configuration, with retries logged to its run log. The analysis loop and
// signal judging (src/signals) build their models here.
import { createProvider, priceFor, type PriceTable } from '../providers/index.ts';
import type { LanguageModel } from '../providers/types.ts';
import { UsageError } from '../errors.ts';
import type { RlmConfig } from './config.ts';
import type { RunLog } from './runlog.ts';
import type { SubcallDeps } from './subcalls.ts';
import { readPrompt } from './opening.ts';

/** What every sub-call service takes from the run's configuration: its concurrency, the fixed sub-call system prompt and the generation defaults. */
export function subcallSettings(config: RlmConfig): Pick<SubcallDeps, 'concurrency' | 'system' | 'generation'> {
  return {
    concurrency: config.concurrency,
    system: readPrompt('sub.md'),
    generation: { temperature: config.temperature, reasoningEffort: config.reasoningEffort, maxOutputTokens: config.subMaxOutputTokens },
  };
}

export function modelFactory(config: RlmConfig, runlog: RunLog): (name: string) => LanguageModel {
  const base = {
    provider: config.provider,
    baseURL: config.baseURL,
    headers: config.headers,
    timeoutMs: config.timeoutMs,
    api: config.api,
    promptCaching: config.promptCaching,
    ...(config.promptCacheTtl ? { promptCacheTtl: config.promptCacheTtl } : {}),
    retry: {
      ...config.retry,
      onRetry: (r: { attempt: number; delayMs: number; error: unknown }) =>
        runlog.write({ ev: 'retry', loop: '-', depth: 0, attempt: r.attempt, delayMs: r.delayMs, error: (r.error as Error)?.message }),
    },
  };
  const models = new Map<string, LanguageModel>();
  return (name) => {
    let m = models.get(name);
    if (!m) {
      m = createProvider({ ...base, model: name });
      models.set(name, m);
    }
    return m;
  };
}

/**
 * A model with no known price costs $0 to the dollar budget: a budget the user
 * set cannot be enforced then, so the run refuses to start until prices are
 * given; the default budget only warns.
 */
export function checkPrices(models: string[], config: { prices?: PriceTable; usdBudgetGiven: boolean; limits: { maxUsd: number } }, warn: (message: string) => void): void {
  const unknown = [...new Set(models)].filter((m) => !priceFor(m, config.prices));
  if (!unknown.length) return;
  const names = unknown.join(', ');
  if (config.usdBudgetGiven) {
    throw new UsageError(
      `no price known for ${names}, so the $${config.limits.maxUsd} budget cannot be enforced: add its prices (USD per 1M tokens) to halo.config.json, e.g. "prices": {"${unknown[0]}": {"input": 1, "output": 4}}, or drop --max-usd`,
    );
  }
  warn(`no price known for ${names}: its calls count $0 against the dollar budget (set "prices" in halo.config.json)`);
}
