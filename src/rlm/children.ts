// rlm(question, traces | traceIds): a child analysis one level deeper. Each
// child gets its own sandbox process loaded from the same inputs and narrowed
// to the subset: its variables cannot clobber the caller's, a crash or
// restart in it leaves the caller's state alone, and verification of its
// findings runs against exactly the subset it saw. The cost is a reload of
// the inputs per child, so children run one at a time by default
// (childConcurrency) and the sub-call budget counts each rlm() call.
import { z } from 'zod';
import type { Sandbox } from '../sandbox/api.ts';
import type { FindingInput } from '../findings/schema.ts';
import { createHostRouter } from './host.ts';
import { progressLine } from './status.ts';
import { SubcallError } from './subcalls.ts';
import { zodIssues } from './submission.ts';
import type { LoopSpec, LoopState, Tree } from './tree.ts';

const RlmArgs = z.tuple([
  z.string().min(1, 'question must be a non-empty string'),
  z.array(z.union([z.string().min(1), z.object({ traceId: z.string().min(1) }).loose()])).min(1, 'pass at least one trace or trace id'),
  z.object({}).loose().optional(),
]);

/** `rlm(question, traces | traceIds)`: a child analysis one level deeper, in its own sandbox. */
export async function runChild(tree: Tree, args: unknown[], parent: LoopSpec, parentState: LoopState): Promise<unknown> {
  const { ledger, runlog } = tree;
  const parsed = RlmArgs.safeParse(args.length === 2 ? [...args, undefined] : args);
  if (!parsed.success) throw new SubcallError(`rlm(): ${zodIssues(parsed.error).join('; ')}`);
  const [question, subset] = parsed.data;
  const depth = parent.depth + 1;
  if (depth > ledger.limits.maxDepth) {
    throw new SubcallError(`rlm(): depth limit reached (max depth ${ledger.limits.maxDepth}); analyze this subset here with llmBatch instead.`);
  }
  if (!tree.createChildSandbox) throw new SubcallError('rlm(): child analyses are not available in this run; use llmBatch instead.');
  const refused = ledger.takeSubcalls(1);
  if (refused) throw new SubcallError(`rlm(): ${refused}`);
  const ids = [...new Set(subset.map((x) => (typeof x === 'string' ? x : x.traceId)))];
  const loop = `${parent.loop}.${++tree.childSeq}`;
  return tree.children.add(async () => {
    runlog.write({ ev: 'child', loop, depth, parent: parent.loop, question, traces: ids.length, budget: ledger.snapshot() });
    tree.progress(progressLine(ledger, `child analysis ${loop} over ${ids.length} traces`, depth));
    const router = createHostRouter();
    const child = tree.createChildSandbox!(router.onHostCall);
    try {
      await child.load();
      const kept = await narrowTo(child, ids);
      if (kept === 0) throw new SubcallError('rlm(): none of the given trace ids exist in the data');
      const outcome = await tree.runLoop(child, router, { depth, loop, question, ids });
      const findings = outcome.verification ? outcome.verification.kept.map(stripVerification) : (outcome.submission?.findings ?? []);
      parentState.candidates.push(...findings);
      runlog.write({ ev: 'child', loop, depth, parent: parent.loop, done: true, findings: findings.length, partial: outcome.partial });
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
      throw new SubcallError(`rlm(): the child analysis failed: ${(err as Error).message}`);
    } finally {
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
  return sandbox.evaluate<number>(
    `(() => {
      __halo.narrow(${JSON.stringify(ids)});
      const top = (pick) => {
        const m = new Map();
        for (const t of traces) for (const s of t.spans) { const k = pick(s, t); if (k) m.set(k, (m.get(k) || 0) + 1); }
        return [...m].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, count]) => ({ name, count }));
      };
      let start = Infinity, end = -Infinity, spans = 0;
      for (const t of traces) { start = Math.min(start, t.startTime); end = Math.max(end, t.endTime); spans += t.spans.length; }
      globalThis.meta = {
        subset: true,
        traces: traces.length,
        spans,
        errorTraces: traces.filter((t) => t.status === 'error').length,
        window: traces.length ? { start: new Date(start).toISOString(), end: new Date(end).toISOString() } : null,
        agents: top((s, t) => (s === t.spans[0] ? t.agentName || t.agentId : null)),
        tools: top((s) => s.tool && s.tool.name),
        errors: top((s) => (s.status === 'error' ? String((s.error && s.error.message) || s.statusMessage || s.name).slice(0, 160) : null)),
      };
      return traces.length;
    })()`,
  );
}
