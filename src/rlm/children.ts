// rlm(question, traces | traceIds): a child analysis one level deeper. Each
// child gets its own sandbox process holding only its subset, exported from
// the caller's sandbox (no reload of the inputs): its variables cannot
// clobber the caller's, a crash or restart in it leaves the caller's state
// alone, and verification of its findings runs against exactly the subset it
// saw. Each is a process, so few run at once (childConcurrency) and the
// sub-call budget counts each child. Each child gets its own share of the
// turns and dollars left, never the caller's reserve for finishing.
import { z } from 'zod';
import type { Sandbox } from '../sandbox/api.ts';
import type { FindingInput } from '../findings/schema.ts';
import { createHostRouter } from './host.ts';
import { progressLine } from './status.ts';
import { SubcallError } from './subcalls.ts';
import { engineClient } from '../sandbox/rpc.ts';
import { zodIssues } from './submission.ts';
import type { LoopSpec, LoopState, Tree } from './tree.ts';

const TraceRefs = z
  .array(z.union([z.string().min(1), z.object({ traceId: z.string().min(1) }).loose()]))
  .min(1, 'pass at least one trace or trace id');

const ChildOptions = z
  .object({
    /** Model turns this child may take, its closing request included. */
    maxTurns: z.number().int().min(2).optional(),
    /** Dollars this child (and anything it starts) may spend. */
    maxUsd: z.number().positive().optional(),
  })
  .strict();
type ChildOptions = z.infer<typeof ChildOptions>;

const RlmArgs = z.tuple([z.string().min(1, 'question must be a non-empty string'), TraceRefs, ChildOptions.optional()]);
const RlmBatchArgs = z.tuple([
  z.array(z.string().min(1, 'each question must be a non-empty string')).min(1, 'pass at least one question'),
  z.array(TraceRefs),
  ChildOptions.optional(),
]);

/**
 * Turns the root keeps for itself whatever its children do: one more turn to
 * use their answers and the closing request for a submission.
 */
export const ROOT_RESERVE_TURNS = 2;

/**
 * What each of `n` children started now may spend: an equal share of what is
 * left after the caller's reserve; a lone child gets half, so the caller can
 * still act on its answer or start another.
 */
export function childBudgets(tree: Tree, parent: LoopSpec, n: number, asked: ChildOptions): { maxTurns: number; maxUsd: number } | string {
  const shares = Math.max(2, n);
  const { ledger } = tree;
  // A loop keeps its reserve (the root: a turn and its closing request; a child: its closing request).
  // What running siblings were granted and have not spent yet is not free (rlm() calls started together).
  const granted = ledger.outstanding(parent.loop);
  const ownLeft = (parent.maxTurns === undefined ? ledger.turnsLeft() : Math.min(ledger.turnsLeft(), parent.maxTurns - parent.turnsTaken!)) - granted.turns;
  const reserveTurns = parent.depth === 0 ? ROOT_RESERVE_TURNS : 1;
  const turns = Math.floor((ownLeft - reserveTurns) / shares);
  if (turns < 2) {
    return `not enough turns left for ${n === 1 ? 'a child analysis' : `${n} child analyses`} (${ownLeft} left; ${reserveTurns} kept to finish this analysis; each child needs 2). Use llmBatch instead, or fewer children.`;
  }
  // Two of the caller's own turns at their worst case stay reserved in dollars too.
  const usdLeft = ledger.limits.maxUsd - ledger.usage.costUsd - 2 * tree.rootTurnUsd - granted.usd;
  const parentCap = parent.maxUsd === undefined ? Infinity : parent.maxUsd - ledger.spentUnder(parent.loop) - tree.rootTurnUsd - granted.usd;
  const usd = Math.min(usdLeft, parentCap) / shares;
  if (!(usd > 0)) return `not enough of the USD budget left for a child analysis ($${ledger.usage.costUsd.toFixed(4)} of $${ledger.limits.maxUsd} spent).`;
  // A child's cap holds for its closing request too: a share below one turn's worst case could not even start.
  const least = Math.min(asked.maxUsd ?? usd, usd);
  if (least < tree.rootTurnUsd) {
    return `not enough of the USD budget left for ${n === 1 ? 'a child analysis' : `${n} child analyses`}: a share of $${least.toFixed(4)} is less than one turn may cost ($${tree.rootTurnUsd.toFixed(4)}). Use llmBatch instead, or fewer children.`;
  }
  return { maxTurns: Math.min(turns, asked.maxTurns ?? turns), maxUsd: Math.min(usd, asked.maxUsd ?? usd) };
}

function childArgsError(where: string, error: z.ZodError): SubcallError {
  return new SubcallError(`${where}: ${zodIssues(error).join('; ')} (options: {maxTurns, maxUsd})`);
}

/** `rlm(question, traces | traceIds, {maxTurns, maxUsd})`: a child analysis one level deeper, in its own sandbox. */
export async function runChild(tree: Tree, args: unknown[], parent: LoopSpec, parentState: LoopState): Promise<unknown> {
  // The sandbox appends the subset's traces (from the engine's view) as a fourth argument.
  const exported = typeof args[3] === 'string' ? args[3] : undefined;
  args = args.slice(0, 3);
  const parsed = RlmArgs.safeParse(args.length === 2 ? [...args, undefined] : args);
  if (!parsed.success) throw childArgsError('rlm()', parsed.error);
  const [question, subset, opts] = parsed.data;
  checkDepth(tree, parent, 'rlm()');
  const budget = childBudgets(tree, parent, 1, opts ?? {});
  if (typeof budget === 'string') throw new SubcallError(`rlm(): ${budget}`);
  const refused = tree.ledger.takeSubcalls(1);
  if (refused) throw new SubcallError(`rlm(): ${refused}`);
  return startChild(tree, parent, parentState, exported, question, idsOf(subset), budget, 'rlm()');
}

/**
 * `rlmBatch(questions, subsets, opts)`: several children at once (bounded by
 * childConcurrency), each with an equal share of what is left. An aligned
 * array; a child that fails is `{error}` in its place.
 */
export async function runChildren(tree: Tree, args: unknown[], parent: LoopSpec, parentState: LoopState): Promise<unknown[]> {
  const exported = Array.isArray(args[3]) ? (args[3] as unknown[]) : [];
  args = args.slice(0, 3);
  const parsed = RlmBatchArgs.safeParse(args.length === 2 ? [...args, undefined] : args);
  if (!parsed.success) throw childArgsError('rlmBatch()', parsed.error);
  const [questions, subsets, opts] = parsed.data;
  if (questions.length !== subsets.length) {
    throw new SubcallError(`rlmBatch(): ${questions.length} questions but ${subsets.length} subsets; pass one subset per question`);
  }
  checkDepth(tree, parent, 'rlmBatch()');
  const budget = childBudgets(tree, parent, questions.length, opts ?? {});
  if (typeof budget === 'string') throw new SubcallError(`rlmBatch(): ${budget}`);
  const refused = tree.ledger.takeSubcalls(questions.length);
  if (refused) throw new SubcallError(`rlmBatch(): ${refused}`);
  return Promise.all(
    questions.map((q, i) =>
      startChild(tree, parent, parentState, typeof exported[i] === 'string' ? (exported[i] as string) : undefined, q, idsOf(subsets[i]!), budget, `rlmBatch() item ${i}`).catch((err: unknown) => ({ error: (err as Error).message })),
    ),
  );
}

function checkDepth(tree: Tree, parent: LoopSpec, where: string): void {
  if (parent.depth + 1 > tree.ledger.limits.maxDepth) {
    throw new SubcallError(`${where}: depth limit reached (max depth ${tree.ledger.limits.maxDepth}); analyze this subset here with llmBatch instead.`);
  }
  if (!tree.createChildSandbox) throw new SubcallError(`${where}: child analyses are not available in this run; use llmBatch instead.`);
}

function idsOf(subset: z.infer<typeof TraceRefs>): string[] {
  return [...new Set(subset.map((x) => (typeof x === 'string' ? x : x.traceId)))];
}

function startChild(
  tree: Tree,
  parent: LoopSpec,
  parentState: LoopState,
  tracesJson: string | undefined,
  question: string,
  ids: string[],
  budget: { maxTurns: number; maxUsd: number },
  where: string,
): Promise<unknown> {
  const { ledger, runlog } = tree;
  const depth = parent.depth + 1;
  const loop = `${parent.loop}.${++tree.childSeq}`;
  ledger.capLoop(loop, budget.maxUsd);
  // Spoken for from now on, even while the child waits for a free slot.
  ledger.grant(loop, budget.maxTurns, budget.maxUsd);
  return tree.children.add(async () => {
    const started = Date.now();
    runlog.write({ ev: 'child', loop, depth, parent: parent.loop, question, traces: ids.length, maxTurns: budget.maxTurns, maxUsd: budget.maxUsd, budget: ledger.snapshot() });
    tree.progress(progressLine(ledger, `child analysis ${loop} over ${ids.length} traces (≤ ${budget.maxTurns} turns, ≤ $${budget.maxUsd.toFixed(4)})`, depth));
    const router = createHostRouter();
    // The subset comes from the data the caller already holds (checked, normalized, in its window),
    // not from the files: the child parses a few traces instead of the whole window.
    const child = tree.createChildSandbox!(router.onHostCall, tracesJson !== undefined ? { tracesJson } : undefined);
    try {
      await child.load();
      const kept = await narrowTo(child, ids);
      if (kept === 0) throw new SubcallError(`${where}: none of the given trace ids exist in the data`);
      runlog.write({ ev: 'child', loop, depth, parent: parent.loop, ready: true, startMs: Date.now() - started });
      const outcome = await tree.runLoop(child, router, { depth, loop, question, ids, maxTurns: budget.maxTurns, maxUsd: budget.maxUsd, turnsTaken: 0 });
      const findings = outcome.verification ? outcome.verification.kept.map(stripVerification) : (outcome.submission?.findings ?? []);
      parentState.candidates.push(...findings);
      runlog.write({ ev: 'child', loop, depth, parent: parent.loop, done: true, findings: findings.length, partial: outcome.partial, spentUsd: ledger.spentUnder(loop) });
      return {
        findings,
        summary: outcome.submission?.summary ?? '',
        partial: outcome.partial,
        ...(outcome.partialReason ? { partialReason: outcome.partialReason } : {}),
        dropped: outcome.verification?.droppedFindings.length ?? 0,
        traces: kept,
      };
    } catch (err) {
      if (err instanceof SubcallError) throw err;
      runlog.write({ ev: 'child', loop, depth, parent: parent.loop, done: true, error: (err as Error).message });
      throw new SubcallError(`${where}: the child analysis failed: ${(err as Error).message}`);
    } finally {
      ledger.release(loop);
      await child.close().catch(() => {});
    }
  }) as Promise<unknown>;
}

function stripVerification(f: FindingInput & { verification?: unknown }): FindingInput {
  const { verification: _v, ...rest } = f;
  return rest as FindingInput;
}

/**
 * Leaves only the given traces in a freshly loaded sandbox: the engine's own
 * view (what verification counts against) and `traces`; replaces `meta` with
 * an overview of the subset.
 */
export async function narrowTo(sandbox: Sandbox, ids: string[]): Promise<number> {
  return engineClient(sandbox).narrow(ids);
}
