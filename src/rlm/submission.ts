// submit() as the model sees it: schema validation with readable paths, the
// refusal before the model has looked at anything, verification against the
// data in the sandbox and the audit (review.ts writes what the model is shown).
import type { z } from 'zod';
import type { Sandbox } from '../sandbox/api.ts';
import { FindingInput, Submission } from '../findings/schema.ts';
import type { VerifyResult } from '../findings/verify.ts';
import { verifyInSandbox } from '../findings/verify-in-sandbox.ts';
import { auditFindings } from './audit-run.ts';
import type { RunLog } from './runlog.ts';
import type { LoopSpec, LoopState, Tree } from './tree.ts';

export { verificationReview } from './review.ts';

export function zodIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((i) => {
    const path = i.path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), '');
    return `${path || '(submission)'}: ${i.message}`;
  });
}

export async function handleSubmit(state: LoopState, raw: unknown, spec: LoopSpec, runlog: RunLog): Promise<unknown> {
  if (state.submission) return { ok: true, message: 'Already submitted; the analysis is over.' };
  if (state.outputsSeen === 0 && !state.forced) {
    const msg = 'submit() refused: look at the data first. Run cells, read their output, and submit in a later turn.';
    state.submitFeedback.push(msg);
    runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, ok: false, errors: [msg] });
    return { ok: false, errors: [msg] };
  }
  const parsed = Submission.safeParse(raw);
  if (!parsed.success) {
    const errors = zodIssues(parsed.error);
    // Keep what is valid on its own, so a budget end still has something to return.
    const items = Array.isArray((raw as { findings?: unknown })?.findings) ? (raw as { findings: unknown[] }).findings : [];
    for (const item of items) {
      const f = FindingInput.safeParse(item);
      if (f.success) state.candidates.push(f.data);
    }
    state.submitFeedback.push(`submit() returned errors to fix (nothing was submitted):\n${errors.map((e) => `- ${e}`).join('\n')}`);
    runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, ok: false, errors });
    return { ok: false, errors };
  }
  state.submission = parsed.data;
  runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, ok: true, findings: parsed.data.findings.length, forced: state.forced || undefined });
  return { ok: true, accepted: parsed.data.findings.length, message: 'Submission accepted; the analysis ends after this cell.' };
}

/**
 * Checks a submission against the data: each predicate under its own time
 * limit inside what is left of the wall budget, then citations and excerpts,
 * then (root, model mode) the audit of each predicate by the sub-model.
 */
export async function verifySubmission(tree: Tree, sandbox: Sandbox, submission: Submission, spec: LoopSpec): Promise<VerifyResult | undefined> {
  const { runlog, ledger, config } = tree;
  if (submission.findings.length === 0) return { kept: [], droppedFindings: [], droppedEvidence: 0 };
  try {
    const result = await verifyInSandbox(sandbox, submission.findings, {
      predicateTimeoutMs: config.predicateTimeoutMs,
      deadline: Date.now() + ledger.remainingWallMs(),
      onUnfinished: (source, reason) =>
        runlog.write({ ev: 'warning', loop: spec.loop, depth: spec.depth, message: `${reason}: ${source.slice(0, 300)}` }),
    });
    const audited = spec.depth === 0 ? await auditFindings(tree, sandbox, result, spec) : result;
    runlog.write({
      ev: 'submit',
      loop: spec.loop,
      depth: spec.depth,
      verified: true,
      kept: audited.kept.length,
      levels: audited.kept.map((f) => ({ title: f.title, level: f.verification.level, status: f.verification.status, prevalence: f.prevalence })),
      droppedFindings: audited.droppedFindings,
      droppedEvidence: audited.droppedEvidence,
    });
    return audited;
  } catch (err) {
    runlog.write({ ev: 'warning', loop: spec.loop, depth: spec.depth, message: `verification failed: ${(err as Error).message}` });
    return undefined;
  }
}

/** One finding per key (component + signature), the first kept. */
export function dedupeByKey(findings: FindingInput[]): FindingInput[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.key.component}\u0000${f.key.signature}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
