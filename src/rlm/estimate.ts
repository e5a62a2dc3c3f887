// What a model run will cost, before paying for it: tokens and dollars for
// the chosen models and budgets on this window, from the measured size of the
// root's system prompt and opening message. The rest is stated assumptions:
// the root uses every turn, each turn adds a reply and half a capped cell
// output, half the sub-call budget goes out at half the prompt cap, and the
// provider caches the root's repeated prefix (both providers do here).
import { isReasoningModel } from '../providers/openai-responses.ts';
import { costParts, type PriceTable } from '../providers/prices.ts';
import type { BudgetLimits } from './budgets.ts';

/** Characters a root reply takes on average (prose and a cell). */
const REPLY_CHARS = 1500;
/** Tokens a sub-call reply takes on average (a JSON answer). */
const SUB_REPLY_TOKENS = 400;
/** Reasoning tokens a reasoning model spends per root turn, assumed (medium effort on an analysis step). */
export const REASONING_TOKENS_PER_TURN = 4000;

export interface RunEstimate {
  root: { model: string; turns: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; usd: number };
  sub: { model: string; calls: number; inputTokens: number; outputTokens: number; usd: number };
  totalUsd: number;
  /** The USD budget, which stops the run whatever the estimate says. */
  maxUsd: number;
  unpriced: string[];
}

export function estimateRun(opts: {
  systemChars: number;
  openingChars: number;
  limits: BudgetLimits;
  outputLimit: number;
  rootModel: string;
  subModel: string;
  provider: 'openai' | 'anthropic';
  prices?: PriceTable;
}): RunEstimate {
  const { limits } = opts;
  const turns = limits.maxTurns;
  const first = (opts.systemChars + opts.openingChars) / 4;
  const growth = (REPLY_CHARS + opts.outputLimit / 2) / 4;
  let inputTokens = 0;
  let cachedInputTokens = 0;
  for (let i = 0; i < turns; i++) {
    inputTokens += first + i * growth;
    // Each turn re-reads the previous turn's prompt from the cache.
    if (i > 0) cachedInputTokens += first + (i - 1) * growth;
  }
  // A reasoning model also spends output tokens thinking before each reply (billed as output).
  const outputTokens = turns * (REPLY_CHARS / 4 + (isReasoningModel(opts.rootModel) ? REASONING_TOKENS_PER_TURN : 0));
  const write = opts.provider === 'anthropic' ? inputTokens - cachedInputTokens : 0;
  const unpriced: string[] = [];
  const usd = (model: string, u: { inputTokens: number; outputTokens: number; cachedInputTokens?: number; cacheWriteTokens?: number }) => {
    const p = costParts(model, u, opts.prices);
    if (!p) {
      unpriced.push(model);
      return 0;
    }
    return p.input + p.cachedInput + p.cacheWrite + p.output;
  };
  const root = {
    model: opts.rootModel,
    turns,
    inputTokens: Math.round(inputTokens),
    cachedInputTokens: Math.round(cachedInputTokens),
    outputTokens: Math.round(outputTokens),
    usd: usd(opts.rootModel, { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens: write }),
  };
  const calls = Math.floor(limits.maxSubcalls / 2);
  const subIn = calls * (limits.maxPromptChars / 2 / 4);
  const subOut = calls * SUB_REPLY_TOKENS;
  const sub = { model: opts.subModel, calls, inputTokens: Math.round(subIn), outputTokens: subOut, usd: usd(opts.subModel, { inputTokens: subIn, outputTokens: subOut }) };
  return { root, sub, totalUsd: root.usd + sub.usd, maxUsd: limits.maxUsd, unpriced: [...new Set(unpriced)] };
}

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1000)}k`);

export function estimateLine(e: RunEstimate): string {
  const capped = e.totalUsd > e.maxUsd ? ` (the $${e.maxUsd} budget stops it there)` : '';
  const unpriced = e.unpriced.length ? `; no price known for ${e.unpriced.join(', ')} (counted as $0)` : '';
  return (
    `estimate: ~$${e.totalUsd.toFixed(2)}${capped} — root ${e.root.model}: ${e.root.turns} turns, ${k(e.root.inputTokens)} input tokens ` +
    `(${k(e.root.cachedInputTokens)} cached), ${k(e.root.outputTokens)} output, $${e.root.usd.toFixed(2)}; ` +
    `sub-calls ${e.sub.model}: ${e.sub.calls} × ~${k(e.sub.inputTokens / Math.max(1, e.sub.calls))} tokens, $${e.sub.usd.toFixed(2)}${unpriced}`
  );
}
