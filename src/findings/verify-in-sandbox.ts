// Host side of verification: findings are checked inside the isolate (their
// predicates are untrusted code), each predicate first on its own, under its
// own time limit, inside what is left of the run's wall-clock budget. A
// predicate that cannot finish is reported as such: its finding keeps its
// citations but loses the prevalence claim, and ranks as unverified.
import type { Sandbox } from '../sandbox/api.ts';
import type { FindingInput } from './schema.ts';
import type { VerifyResult } from './verify.ts';
import { engineClient } from '../sandbox/rpc.ts';
import { durationMs, MODEL_DEFAULTS } from '../config/options.ts';
import { messageOf } from '../errors.ts';

/** Default time limit for one predicate over the whole window (the predicateTimeout option's default). */
export const DEFAULT_PREDICATE_TIMEOUT_MS = durationMs(MODEL_DEFAULTS.predicateTimeout);
/** A predicate still gets this long when the run's wall budget is (nearly) spent, once. */
const MIN_PREDICATE_MS = 1_000;

export interface SandboxVerifyOptions {
  /** Time limit for one predicate over the window (ms). */
  predicateTimeoutMs?: number;
  /** Epoch ms by which verification must be done (the run's wall budget); predicates past it are not run. */
  deadline?: number;
  /** Time limit for the verification pass itself (citations, excerpts), predicates excluded. */
  timeoutMs?: number;
  /** Told about each predicate that did not finish. */
  onUnfinished?: (source: string, reason: string) => void;
  now?: () => number;
}

const EMPTY: VerifyResult = { kept: [], droppedFindings: [], droppedEvidence: 0 };

export async function verifyInSandbox(sandbox: Sandbox, inputs: FindingInput[], opts: SandboxVerifyOptions = {}): Promise<VerifyResult> {
  if (inputs.length === 0) return EMPTY;
  const now = opts.now ?? Date.now;
  const limit = Math.max(1, opts.predicateTimeoutMs ?? DEFAULT_PREDICATE_TIMEOUT_MS);
  const unfinished: Record<string, string> = {};
  // One slack allowance past the deadline for the whole pass, not one per predicate.
  let graceLeft = MIN_PREDICATE_MS;
  const engine = engineClient(sandbox);
  await engine.clearPredicates();
  const sources = [...new Set(inputs.map((f) => f?.predicate).filter((p): p is string => typeof p === 'string' && p.trim() !== ''))];
  for (const source of sources) {
    let timeoutMs = limit;
    if (opts.deadline !== undefined) {
      const left = opts.deadline - now();
      if (left >= Math.min(limit, MIN_PREDICATE_MS)) timeoutMs = Math.min(limit, left);
      else if (graceLeft > 0) {
        timeoutMs = Math.min(limit, graceLeft);
        graceLeft = 0;
      } else {
        unfinished[source] = 'predicate not run: the run\'s wall-time budget was used up';
        opts.onUnfinished?.(source, unfinished[source]);
        continue;
      }
    }
    try {
      // The isolate's timeout stops a synchronous loop; the deadline (which kills and restarts the child) is a last resort.
      await engine.with({ timeoutMs, deadlineMs: timeoutMs * 2 + 5_000 }).runPredicate(source);
    } catch (err) {
      const m = messageOf(err);
      unfinished[source] = /timed out|time limit|deadline/i.test(m)
        ? `predicate did not finish within its ${formatSeconds(timeoutMs)} time limit`
        : `predicate could not run: ${m.slice(0, 200)}`;
      opts.onUnfinished?.(source, unfinished[source]);
    }
  }
  const timeoutMs = opts.timeoutMs ?? 120_000;
  try {
    return await engine
      .with({ timeoutMs, deadlineMs: timeoutMs * 2 + 5_000 })
      .verify(inputs, Object.keys(unfinished).length ? { unfinished } : undefined);
  } catch (err) {
    // Only the citation checks ran here (predicates are done or named unfinished); a failure is about one odd finding: verify them one by one.
    if (inputs.length === 1) return { kept: [], droppedFindings: [{ title: inputs[0]!.title, reason: `could not be verified: ${messageOf(err)}` }], droppedEvidence: 0 };
    const parts: VerifyResult[] = [];
    for (const f of inputs) parts.push(await verifyInSandbox(sandbox, [f], { ...opts, predicateTimeoutMs: limit }));
    return {
      kept: parts.flatMap((p) => p.kept),
      droppedFindings: parts.flatMap((p) => p.droppedFindings),
      droppedEvidence: parts.reduce((n, p) => n + p.droppedEvidence, 0),
    };
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
