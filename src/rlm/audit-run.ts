// Runs the audit (src/findings/audit.ts) for a verified submission: samples
// come out of the sandbox, judgements go through the same sub-call service
// as llm() (one p-queue per model, the tree's sub-call/token/USD budgets,
// redaction, the run log), so an audit is budgeted and replayable. An
// `audit` event in the run log records the seed, sample and verdicts.
import type { Sandbox } from '../sandbox/api.ts';
import { engineClient, type AuditSample } from '../sandbox/rpc.ts';
import type { Audit } from '../findings/schema.ts';
import type { VerifyResult, VerifiedFinding } from '../findings/verify.ts';
import { applyAudit, markUnaudited, AUDIT_INSTRUCTIONS, AUDIT_SCHEMA, auditQuestion, seedOf, summarizeAudit, type Judgement } from '../findings/audit.ts';
import type { LoopSpec, Tree } from './tree.ts';

/** Characters of each rendered trace shown to the judge. */
const AUDIT_RENDER_BUDGET = 6_000;

// Audits already paid for, per analysis tree: a resubmission with the same predicate and citations reuses them.
const cache = new WeakMap<Tree, Map<string, Audit | string>>();

function auditable(f: VerifiedFinding): boolean {
  const v = f.verification;
  if (f.source?.startsWith('detector:')) return false;
  if (!f.predicate || (v.predicate !== 'matched' && v.predicate !== 'failed')) return false;
  return Boolean(v.specificity && v.specificity.matched > v.specificity.citedMatched);
}

export async function auditFindings(tree: Tree, sandbox: Sandbox, result: VerifyResult, spec: LoopSpec): Promise<VerifyResult> {
  const n = tree.config.auditSample;
  if (n <= 0 || !result.kept.some(auditable)) return result;
  let done = cache.get(tree);
  if (!done) cache.set(tree, (done = new Map()));
  const kept: VerifiedFinding[] = [];
  for (const f of result.kept) {
    if (!auditable(f)) {
      kept.push(f);
      continue;
    }
    const cited = [...new Set(f.evidence.map((e) => e.traceId))].sort();
    const key = `${f.predicate}\u0000${cited.join(',')}\u0000${f.title}`;
    let audit = done.get(key);
    if (audit === undefined) {
      audit = await auditOne(tree, sandbox, f, cited, n, spec);
      done.set(key, audit);
    }
    kept.push(typeof audit === 'string' ? markUnaudited(f, audit) : applyAudit(f, audit));
  }
  return { ...result, kept };
}

/** The audit, or why it could not run. */
async function auditOne(tree: Tree, sandbox: Sandbox, f: VerifiedFinding, cited: string[], n: number, spec: LoopSpec): Promise<Audit | string> {
  const { runlog, ledger } = tree;
  const ctx = { loop: `${spec.loop}.audit`, depth: spec.depth };
  const seed = seedOf(f.predicate!);
  const size = Math.min(n, ledger.subcallsLeft());
  if (size <= 0) {
    const skipped = 'no sub-calls left in the budget';
    runlog.write({ ev: 'audit', loop: spec.loop, depth: spec.depth, title: f.title, skipped });
    return skipped;
  }
  let drawn: AuditSample | null;
  try {
    drawn = await engineClient(sandbox, { timeoutMs: 30_000 }).auditSample(f.predicate!, cited, size, seed, AUDIT_RENDER_BUDGET);
  } catch (err) {
    const skipped = `sample failed: ${(err as Error).message}`;
    runlog.write({ ev: 'audit', loop: spec.loop, depth: spec.depth, title: f.title, skipped });
    return skipped;
  }
  if (!drawn || drawn.sample.length === 0) return 'the uncited matches could not be drawn';
  tree.progress(`audit: judging ${drawn.sample.length} of ${drawn.uncited} uncited matches of "${f.title.slice(0, 60)}"`);
  const question = auditQuestion(f);
  const judgements: Judgement[] = await Promise.all(
    drawn.sample.map(async ({ traceId, text }): Promise<Judgement> => {
      try {
        const reply = (await tree.subcalls.llm(question, { schema: AUDIT_SCHEMA, system: AUDIT_INSTRUCTIONS, data: text, maxOutputTokens: 400 }, ctx)) as {
          shows: boolean;
          reason: string;
        };
        return { traceId, shows: reply.shows === true, reason: String(reply.reason ?? '') };
      } catch (err) {
        return { traceId, error: (err as Error).message };
      }
    }),
  );
  const audit = summarizeAudit(drawn.uncited, judgements, { model: tree.subcalls.modelId(), seed });
  runlog.write({
    ev: 'audit',
    loop: spec.loop,
    depth: spec.depth,
    title: f.title,
    predicate: f.predicate,
    seed,
    uncited: drawn.uncited,
    sample: judgements,
    ...(audit ? { precision: audit.precision, low: audit.low, high: audit.high } : { skipped: 'every judgement failed' }),
  });
  return audit ?? `every judgement failed (${judgements.find((j) => j.error)?.error?.slice(0, 200) ?? 'no answer'})`;
}
