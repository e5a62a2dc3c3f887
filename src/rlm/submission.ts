// submit() as the model sees it: schema validation with readable paths, the
// refusal before the model has looked at anything, verification against the
// data in the sandbox, and the review the model gets of what did not verify.
import type { z } from 'zod';
import type { Sandbox } from '../sandbox/api.ts';
import { FindingInput, Submission } from '../findings/schema.ts';
import type { VerifyResult } from '../findings/verify.ts';
import { parseVerifyResult } from '../findings/pipeline.ts';
import type { RunLog } from './runlog.ts';
import type { LoopSpec, LoopState } from './tree.ts';

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

export async function verifySubmission(sandbox: Sandbox, submission: Submission, spec: LoopSpec, runlog: RunLog): Promise<VerifyResult | undefined> {
  if (submission.findings.length === 0) return { kept: [], droppedFindings: [], droppedEvidence: 0 };
  try {
    const findings = submission.findings.map(excerptsOutsideRedactions);
    // Predicates run over every trace: give big windows room (analyze falls back to per-finding checks on failure).
    const raw = await sandbox.evaluate(`__halo.verify(${JSON.stringify(findings)})`, { timeoutMs: 300_000, deadlineMs: 600_000 });
    const result = parseVerifyResult(raw);
    runlog.write({
      ev: 'submit',
      loop: spec.loop,
      depth: spec.depth,
      verified: true,
      kept: result.kept.length,
      droppedFindings: result.droppedFindings,
      droppedEvidence: result.droppedEvidence,
    });
    return result;
  } catch (err) {
    runlog.write({ ev: 'warning', loop: spec.loop, depth: spec.depth, message: `verification failed: ${(err as Error).message}` });
    return undefined;
  }
}

/** What did not verify, for the model's one chance to fix it; null when everything verified. */
export function verificationReview(v: VerifyResult | undefined): string | null {
  if (!v) return null;
  const lines: string[] = [];
  for (const d of v.droppedFindings.slice(0, 10)) lines.push(`- finding "${d.title}" was dropped: ${d.reason}`);
  for (const f of v.kept) {
    const dropped = f.verification.dropped ?? [];
    if (!dropped.length && f.verification.predicate !== 'failed' && f.verification.predicate !== 'error') continue;
    const cites = dropped.slice(0, 4).map((d) => `${d.traceId}${d.spanId ? `/${d.spanId}` : ''} (${d.reason})`).join('; ');
    const more = dropped.length > 4 ? `; and ${dropped.length - 4} more` : '';
    const predicate = f.verification.predicate === 'failed' || f.verification.predicate === 'error' ? ` Its predicate ${f.verification.predicate === 'error' ? 'threw' : 'did not match every cited trace'}.` : '';
    lines.push(`- "${f.title}": ${dropped.length} citation(s) dropped${cites ? `: ${cites}${more}` : ''}.${predicate}`);
  }
  if (!lines.length) return null;
  return [
    `The engine checked your submission against the data: ${v.kept.length} finding(s) kept, and these problems:`,
    ...lines,
    'What does not verify is dropped from the report. You have one chance to fix it: correct the ids, use excerpts copied verbatim ' +
      'from the cited span, fix predicates, then call submit() again (earlier variables are still defined) — or call submit() with the ' +
      'same findings to keep this result.',
  ].join('\n');
}

const REDACTION_MARK = /\[REDACTED(?::[a-z0-9_]+)?\]/;

/**
 * The model only ever saw redacted text, so an excerpt may quote a
 * redaction marker that the raw data does not contain. Keep the longest part
 * outside the markers as the excerpt (or none, citing the span by id alone).
 */
export function excerptsOutsideRedactions(f: FindingInput): FindingInput {
  if (!f.evidence.some((e) => e.excerpt && REDACTION_MARK.test(e.excerpt))) return f;
  return {
    ...f,
    evidence: f.evidence.map((e) => {
      if (!e.excerpt || !REDACTION_MARK.test(e.excerpt)) return e;
      const longest = e.excerpt.split(REDACTION_MARK).map((p) => p.trim()).sort((a, b) => b.length - a.length)[0] ?? '';
      const { excerpt: _x, ...rest } = e;
      return longest.length >= 8 ? { ...rest, excerpt: longest } : rest;
    }),
  };
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
