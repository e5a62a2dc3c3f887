// The budget bookkeeping every model request in a loop goes through, whether
// the root model's turn or an llm() sub-call: size the prompt for the
// reservation, then settle it and describe the request for the run log.
import type { ChatMessage, GenerateResult } from '../providers/types.ts';
import type { BudgetLedger, Reservation } from './budgets.ts';

/** Prompt size in characters, what the ledger estimates input tokens from. */
export function promptChars(system: string, messages: ChatMessage[]): number {
  return system.length + messages.reduce((n, m) => n + m.content.length, 0);
}

/**
 * Settles a finished request (failed ones have no result) against the budgets,
 * and returns its usage fields for the run log, the budget snapshot after it.
 */
export function settleModelCall(ledger: BudgetLedger, reservation: Reservation, modelId: string, result: GenerateResult | null, started: number, loop?: string) {
  const costUsd = ledger.settle(reservation, modelId, result?.usage ?? null, loop);
  return {
    inputTokens: result?.usage.inputTokens ?? 0,
    outputTokens: result?.usage.outputTokens ?? 0,
    ...(result?.usage.cachedInputTokens ? { cachedInputTokens: result.usage.cachedInputTokens } : {}),
    ...(result?.usage.cacheWriteTokens ? { cacheWriteTokens: result.usage.cacheWriteTokens } : {}),
    ...(result?.usage.reasoningTokens ? { reasoningTokens: result.usage.reasoningTokens } : {}),
    costUsd,
    attempts: result?.attempts,
    latencyMs: Date.now() - started,
    budget: ledger.snapshot(),
  };
}
