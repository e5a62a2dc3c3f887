// Turns halo.config.json sections into the option shapes the engine takes.
// Flags win: callers merge these under whatever the command line set.
import type { HaloConfig, ScheduleConfig } from './schema.ts';

type Budgets = NonNullable<HaloConfig['budgets']>;

/** The flat model configuration `analyze()` passes to the recursive-analysis engine. */
export function modelConfigFrom(config: HaloConfig, budgets?: Budgets): Record<string, unknown> {
  const p = config.provider;
  const b = { ...(config.budgets ?? {}), ...(budgets ?? {}) };
  const out: Record<string, unknown> = {};
  if (p) {
    out.provider = p.name;
    out.model = p.model;
    if (p.subModel) out.subModel = p.subModel;
    if (p.baseUrl) out.baseUrl = p.baseUrl;
    if (p.headers) out.headers = p.headers;
    if (p.temperature !== undefined) out.temperature = p.temperature;
    if (p.maxOutputTokens) out.maxOutputTokens = p.maxOutputTokens;
    if (p.reasoningEffort) out.reasoningEffort = p.reasoningEffort;
    if (p.prices) out.prices = p.prices;
    if (p.api) out.api = p.api;
    if (p.promptCaching !== undefined) out.promptCaching = p.promptCaching;
  }
  if (b.maxTurns) out.maxTurns = b.maxTurns;
  if (b.maxDepth !== undefined) out.maxDepth = b.maxDepth;
  if (b.maxSubcalls !== undefined) out.maxSubcalls = b.maxSubcalls;
  if (b.maxTokens) out.maxTokens = b.maxTokens;
  if (b.maxUsd) out.maxUsd = b.maxUsd;
  if (b.maxWallSeconds) out.maxWallMs = Math.round(b.maxWallSeconds * 1000);
  if (b.concurrency) out.concurrency = b.concurrency;
  if (b.predicateTimeoutSeconds) out.predicateTimeoutMs = Math.round(b.predicateTimeoutSeconds * 1000);
  if (b.auditSample !== undefined) out.auditSample = b.auditSample;
  if (b.reviewRounds !== undefined) out.reviewRounds = b.reviewRounds;
  return out;
}

/** The window a schedule analyzes: its own, else the config's. */
export function scheduleWindow(config: HaloConfig, s: ScheduleConfig): string | undefined {
  return s.window ?? config.window;
}
