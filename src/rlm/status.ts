// The status line the root model sees each turn, and progress on stderr.
import type { BudgetLedger } from './budgets.ts';

function tokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1e6).toFixed(2)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** `turn 3/20 · sub-calls left 180/200 · tokens 12.3k/2.00M · $0.0412/$5 · 41s left`; `turn` is the model's next turn. */
export function statusLine(ledger: BudgetLedger, turn: number): string {
  const l = ledger.limits;
  const wall = Number.isFinite(l.maxWallMs) ? ` · ${Math.round(ledger.remainingWallMs() / 1000)}s left` : '';
  return (
    `turn ${turn}/${l.maxTurns} · sub-calls left ${ledger.subcallsLeft()}/${l.maxSubcalls}` +
    ` · tokens ${tokens(ledger.tokens)}/${tokens(l.maxTokens)} · $${ledger.usage.costUsd.toFixed(4)}/$${l.maxUsd}${wall}` +
    // The nudge: after this turn only the closing request is left.
    (turn === l.maxTurns ? ' · LAST TURN: call submit({findings, summary}) in this reply with what you have' : '')
  );
}

/** One progress line for stderr: where the run is and what it has spent. */
export function progressLine(ledger: BudgetLedger, what: string, depth: number): string {
  const s = ledger.snapshot();
  const indent = depth > 0 ? `${'  '.repeat(depth)}↳ ` : '';
  const cached = s.cachedInputTokens ? ` (${tokens(s.cachedInputTokens)} input cached)` : '';
  return `${indent}${what} · turns ${s.turns} · sub-calls ${s.subCalls} (${s.inFlight} in flight) · tokens ${tokens(s.inputTokens + s.outputTokens)}${cached} · $${s.costUsd.toFixed(4)}`;
}

/** What a run cost, split by part: `$0.4120 = input $0.2100 + cached input $0.0320 + output $0.1700`. */
export function costLine(u: { costUsd: number; cost: { input: number; cachedInput: number; output: number }; inputTokens: number; cachedInputTokens: number }): string {
  const share = u.inputTokens ? ` (${Math.round((100 * u.cachedInputTokens) / u.inputTokens)}% of input tokens from cache)` : '';
  return `$${u.costUsd.toFixed(4)} = uncached input $${u.cost.input.toFixed(4)} + cached input $${u.cost.cachedInput.toFixed(4)} + output $${u.cost.output.toFixed(4)}${share}`;
}
