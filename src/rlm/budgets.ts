// Budgets for a whole analysis tree, enforced here in the parent. One
// BudgetLedger is shared by the root loop, every sub-call and every child
// analysis, so a child only ever gets what is left.
import { setMaxListeners } from 'node:events';
import { costParts, costUsd, type PriceTable } from '../providers/prices.ts';
import type { Usage } from '../providers/types.ts';
import { durationMs, MODEL_DEFAULTS, type ModelValues } from '../config/options.ts';

export interface BudgetLimits {
  /** Model turns across the whole tree (root and children). */
  maxTurns: number;
  /** Deepest rlm() nesting; the root is depth 0. */
  maxDepth: number;
  /** llm/llmBatch items and rlm() calls across the tree. */
  maxSubcalls: number;
  /** Input + output tokens across the tree. */
  maxTokens: number;
  maxUsd: number;
  maxWallMs: number;
  /** Characters per sub-prompt; longer ones fail fast with advice to chunk. */
  maxPromptChars: number;
}

/** The budgets of a run in the ledger's units, from the options (src/config/options.ts). */
export function limitsOf(v: Pick<ModelValues, 'maxTurns' | 'maxDepth' | 'maxSubcalls' | 'maxTokens' | 'maxUsd' | 'maxWall' | 'maxPromptChars'>): BudgetLimits {
  return {
    maxTurns: v.maxTurns,
    maxDepth: v.maxDepth,
    maxSubcalls: v.maxSubcalls,
    maxTokens: v.maxTokens,
    maxUsd: v.maxUsd,
    maxWallMs: durationMs(v.maxWall),
    maxPromptChars: v.maxPromptChars,
  };
}

/** The options' defaults, in the ledger's units. */
export const DEFAULT_LIMITS: BudgetLimits = limitsOf(MODEL_DEFAULTS);

export type BudgetKind = 'turns' | 'subcalls' | 'tokens' | 'usd' | 'wall';

export interface UsageTotals {
  turns: number;
  subCalls: number;
  /** Every input token, cached or not. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Input tokens read from a prompt cache (inside inputTokens). */
  cachedInputTokens: number;
  /** Input tokens written to a prompt cache (inside inputTokens). */
  cacheWriteTokens: number;
  /** costUsd split: uncached input, cached input (reads and writes), output. */
  cost: { input: number; cachedInput: number; output: number };
}

export interface BudgetSnapshot extends UsageTotals {
  limits: BudgetLimits;
  elapsedMs: number;
  inFlight: number;
  unpricedModels: string[];
}

/** A call's worst-case cost, held while it is in flight so parallel calls cannot overshoot together. */
export interface Reservation {
  tokens: number;
  usd: number;
  /** The loop that made the call: its in-flight dollars count against its cap and its parents'. */
  loop?: string;
}

export interface Refusal {
  refused: BudgetKind;
  message: string;
}

export function isRefusal(r: Reservation | Refusal): r is Refusal {
  return 'refused' in r;
}

export class BudgetLedger {
  readonly limits: BudgetLimits;
  readonly startedAt: number;
  readonly usage: UsageTotals = {
    turns: 0,
    subCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    cost: { input: 0, cachedInput: 0, output: 0 },
  };
  private reserved: Reservation = { tokens: 0, usd: 0 };
  private inFlight = 0;
  private readonly unpriced = new Set<string>();
  /** Dollars spent by each loop of the tree ("root", "root.1", ...). */
  private readonly spentBy = new Map<string, number>();
  /** A child's own USD cap (its share of what was left when it started). */
  private readonly loopCaps = new Map<string, number>();
  /** Dollars reserved by calls in flight, by loop. */
  private readonly reservedBy = new Map<string, number>();
  /**
   * Turns and dollars granted to children that have not finished: granted
   * but not yet spent, they are not free for the next child or the caller.
   */
  private readonly grants = new Map<string, { turns: number; usd: number; turnsUsed: number }>();
  private readonly prices: PriceTable | undefined;
  private readonly now: () => number;
  private readonly controller = new AbortController();
  private wallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(limits: Partial<BudgetLimits> = {}, opts: { prices?: PriceTable; now?: () => number } = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...stripUndefined(limits) };
    this.prices = opts.prices;
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    // Every in-flight request listens on this one signal; dozens at once is normal.
    setMaxListeners(0, this.controller.signal);
    if (Number.isFinite(this.limits.maxWallMs)) {
      this.wallTimer = setTimeout(() => this.controller.abort(new BudgetExhausted('wall', this.describe('wall'))), this.limits.maxWallMs);
      this.wallTimer.unref?.();
    }
  }

  /** Aborts in-flight provider calls when the wall-clock budget ends. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get tokens(): number {
    return this.usage.inputTokens + this.usage.outputTokens;
  }

  remainingWallMs(): number {
    return Math.max(0, this.startedAt + this.limits.maxWallMs - this.now());
  }

  /** The first budget that has run out, or null. Turns are checked separately (they are per loop step). */
  exhausted(): BudgetKind | null {
    if (this.remainingWallMs() <= 0) return 'wall';
    if (this.tokens >= this.limits.maxTokens) return 'tokens';
    if (this.usage.costUsd >= this.limits.maxUsd) return 'usd';
    return null;
  }

  turnsLeft(): number {
    return Math.max(0, this.limits.maxTurns - this.usage.turns);
  }

  subcallsLeft(): number {
    return Math.max(0, this.limits.maxSubcalls - this.usage.subCalls);
  }

  /** Counts a model turn of any loop in the tree, against the grant of the child it runs in (and its ancestors'). */
  takeTurn(loop?: string): void {
    this.usage.turns++;
    if (!loop) return;
    for (const [key, g] of this.grants) if (loop === key || loop.startsWith(`${key}.`)) g.turnsUsed++;
  }

  /** A child loop starts with these turns and dollars: they stay spoken for until it ends. */
  grant(loop: string, turns: number, usd: number): void {
    this.grants.set(loop, { turns, usd, turnsUsed: 0 });
  }

  /** The child ended: what it did not use is free again. */
  release(loop: string): void {
    this.grants.delete(loop);
  }

  /** Turns and dollars granted to the running children of `parent` and not yet spent by them. */
  outstanding(parent: string): { turns: number; usd: number } {
    let turns = 0;
    let usd = 0;
    for (const [key, g] of this.grants) {
      // Direct children only: a grandchild's grant came out of its parent's.
      if (!key.startsWith(`${parent}.`) || key.slice(parent.length + 1).includes('.')) continue;
      turns += Math.max(0, g.turns - g.turnsUsed);
      usd += Math.max(0, g.usd - this.spentUnder(key) - this.reservedUnder(key));
    }
    return { turns, usd };
  }

  /** Dollars reserved by calls in flight from a loop and every loop under it. */
  reservedUnder(loop: string): number {
    let n = 0;
    for (const [k, v] of this.reservedBy) if (k === loop || k.startsWith(`${loop}.`)) n += v;
    return n;
  }

  /**
   * Takes `n` sub-calls from the budget, or explains why not. Taken up front
   * so a batch larger than what is left fails as a whole, before any call.
   */
  takeSubcalls(n: number): string | null {
    if (n > this.subcallsLeft()) {
      return `sub-call budget: ${n} requested, ${this.subcallsLeft()} of ${this.limits.maxSubcalls} left`;
    }
    const out = this.exhausted();
    if (out) return this.describe(out);
    this.usage.subCalls += n;
    return null;
  }

  /** Gives back sub-calls taken for items that never went out (refused by the token or USD budget). */
  refundSubcalls(n: number): void {
    this.usage.subCalls = Math.max(0, this.usage.subCalls - n);
  }

  /**
   * Reserves a call's worst case (prompt estimate + max output) against the
   * token and USD budgets, or refuses with the budget it would break. Strict:
   * a call that could take the tree past a limit does not start.
   */
  reserve(model: string, promptChars: number, maxOutputTokens: number, opts: { force?: boolean; loop?: string } = {}): Reservation | Refusal {
    const est = { inputTokens: Math.ceil(promptChars / 4), outputTokens: maxOutputTokens };
    const r: Reservation = { tokens: est.inputTokens + est.outputTokens, usd: costUsd(model, est, this.prices), ...(opts.loop ? { loop: opts.loop } : {}) };
    if (!opts.force) {
      const out = this.exhausted();
      if (out) return { refused: out, message: this.describe(out) };
      if (this.tokens + this.reserved.tokens + r.tokens > this.limits.maxTokens) {
        return {
          refused: 'tokens',
          message: `token budget: ${fmt(this.tokens)} used and ${fmt(this.reserved.tokens)} in flight of ${fmt(this.limits.maxTokens)}; this call may need ${fmt(r.tokens)}`,
        };
      }
      if (this.usage.costUsd + this.reserved.usd + r.usd > this.limits.maxUsd) {
        return {
          refused: 'usd',
          message: `USD budget: $${this.usage.costUsd.toFixed(4)} spent and $${this.reserved.usd.toFixed(4)} in flight of $${this.limits.maxUsd}; this call may cost $${r.usd.toFixed(4)}`,
        };
      }
      const capped = this.loopRefusal(opts.loop, r.usd);
      if (capped) return { refused: 'usd', message: capped };
    } else {
      // A child's closing request is not forced past its own cap: its dollars were given to it to spend, not more.
      const capped = this.loopRefusal(opts.loop, r.usd);
      if (capped) return { refused: 'usd', message: capped };
    }
    // `force` is the one closing request for a submission after a budget ran out.
    this.reserved.tokens += r.tokens;
    this.reserved.usd += r.usd;
    if (r.loop) this.reservedBy.set(r.loop, (this.reservedBy.get(r.loop) ?? 0) + r.usd);
    this.inFlight++;
    return r;
  }

  /** Caps what a loop (and the loops it starts) may spend. */
  capLoop(loop: string, maxUsd: number): void {
    this.loopCaps.set(loop, maxUsd);
  }

  loopCap(loop: string): number | undefined {
    return this.loopCaps.get(loop);
  }

  /** Dollars spent by a loop and every loop under it. */
  spentUnder(loop: string): number {
    let n = 0;
    for (const [k, v] of this.spentBy) if (k === loop || k.startsWith(`${loop}.`)) n += v;
    return n;
  }

  /** The first capped loop on `loop`'s path whose cap this call could break, described; else null. */
  private loopRefusal(loop: string | undefined, usd: number): string | null {
    if (!loop) return null;
    for (const [key, cap] of this.loopCaps) {
      if (loop !== key && !loop.startsWith(`${key}.`)) continue;
      // Calls already in flight count: eight sub-calls started together must not each pass the check alone.
      const spent = this.spentUnder(key);
      const flying = this.reservedUnder(key);
      if (spent + flying + usd > cap) {
        return `child ${key} USD budget: $${spent.toFixed(4)} spent and $${flying.toFixed(4)} in flight of its $${cap.toFixed(4)}; this call may cost $${usd.toFixed(4)}`;
      }
    }
    return null;
  }

  /** Releases a reservation and books what the call actually used. */
  settle(reservation: Reservation, model: string, usage: Usage | null, loop?: string): number {
    this.reserved.tokens -= reservation.tokens;
    this.reserved.usd -= reservation.usd;
    if (reservation.loop) {
      const left = (this.reservedBy.get(reservation.loop) ?? 0) - reservation.usd;
      if (left > 1e-12) this.reservedBy.set(reservation.loop, left);
      else this.reservedBy.delete(reservation.loop);
    }
    this.inFlight--;
    if (!usage) return 0;
    this.usage.inputTokens += usage.inputTokens;
    this.usage.outputTokens += usage.outputTokens;
    this.usage.cachedInputTokens += usage.cachedInputTokens ?? 0;
    this.usage.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    const parts = costParts(model, usage, this.prices);
    if (!parts) {
      if (usage.inputTokens + usage.outputTokens > 0) this.unpriced.add(model);
      return 0;
    }
    const cost = parts.input + parts.cachedInput + parts.cacheWrite + parts.output;
    this.usage.cost.input += parts.input;
    this.usage.cost.cachedInput += parts.cachedInput + parts.cacheWrite;
    this.usage.cost.output += parts.output;
    this.usage.costUsd += cost;
    if (loop) this.spentBy.set(loop, (this.spentBy.get(loop) ?? 0) + cost);
    return cost;
  }

  describe(kind: BudgetKind): string {
    switch (kind) {
      case 'turns':
        return `turn budget used: ${this.usage.turns} of ${this.limits.maxTurns} turns`;
      case 'subcalls':
        return `sub-call budget used: ${this.usage.subCalls} of ${this.limits.maxSubcalls}`;
      case 'tokens':
        return `token budget used: ${fmt(this.tokens)} of ${fmt(this.limits.maxTokens)} tokens`;
      case 'usd':
        return `USD budget used: $${this.usage.costUsd.toFixed(4)} of $${this.limits.maxUsd}`;
      case 'wall':
        return `wall-time budget used: ${Math.round((this.now() - this.startedAt) / 1000)}s of ${Math.round(this.limits.maxWallMs / 1000)}s`;
    }
  }

  snapshot(): BudgetSnapshot {
    return {
      ...this.usage,
      cost: { ...this.usage.cost },
      limits: this.limits,
      elapsedMs: this.now() - this.startedAt,
      inFlight: this.inFlight,
      unpricedModels: [...this.unpriced],
    };
  }

  close(): void {
    if (this.wallTimer) clearTimeout(this.wallTimer);
  }
}

export class BudgetExhausted extends Error {
  readonly kind: BudgetKind;
  constructor(kind: BudgetKind, message: string) {
    super(message);
    this.name = 'BudgetExhausted';
    this.kind = kind;
  }
}

function fmt(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
