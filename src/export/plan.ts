// The export plan: which findings go out (top-N, minimum severity) and, per
// finding, create / update / reopen / skip against the issues that exist.
// Pure: the same inputs always give the same plan, and the dry run prints it.
import { isMuted, type Finding, type Severity } from '../findings/schema.ts';
import { severityAtLeast } from '../findings/rank.ts';
import { changeComment, renderMarkdown } from './body.ts';
import type { IssueContent, PlanItem, RemoteIssue } from './types.ts';

export interface SelectOptions {
  top?: number;
  minSeverity?: Severity;
}

/** Findings worth exporting, best-ranked first; muted ones stay out until they resurface. */
export function selectFindings(findings: Finding[], opts: SelectOptions = {}): Finding[] {
  let out = findings.filter((f) => !isMuted(f)).sort((a, b) => a.rank - b.rank);
  if (opts.minSeverity) out = out.filter((f) => severityAtLeast(f.severity, opts.minSeverity!));
  if (opts.top !== undefined) out = out.slice(0, opts.top);
  return out;
}

export interface PlanInput {
  findings: Finding[];
  runId: string;
  existing: Map<string, RemoteIssue>;
  /** Fingerprints whose earlier create got no answer (→ ISO time): not created again yet. */
  awaiting?: Map<string, string>;
  content: (f: Finding) => IssueContent;
}

function commentFor(f: Finding, runId: string, action: 'update' | 'reopen', was?: string) {
  const commentDoc = changeComment(f, runId, action, was);
  return { commentDoc, comment: renderMarkdown(commentDoc) };
}

export function planExport({ findings, runId, existing, awaiting, content }: PlanInput): PlanItem[] {
  return findings.map((f): PlanItem => {
    const c = content(f);
    const base = { fingerprint: f.fingerprint, title: f.title, severity: f.severity, finding: f, content: c };
    const issue = existing.get(f.fingerprint);
    const since = awaiting?.get(f.fingerprint);
    if (!issue && since) return { ...base, action: 'skip', awaiting: since, reason: `pending: a create at ${since} got no answer and the issue is not listed yet; waiting for it rather than creating a second one` };
    if (!issue) return { ...base, action: 'create', reason: f.status === 'recurring' || f.status === 'regressed' ? `no issue found for this ${f.status} finding` : 'new finding' };
    if (!issue.open && issue.declined) return { ...base, issue, action: 'skip', reason: `${issue.key} was closed as not planned; not reopening` };
    if (!issue.open) {
      return {
        ...base,
        issue,
        action: 'reopen',
        reason: `${issue.key} was closed but the failure is back (${c.prevalence.replace('/', ' of ')} traces)`,
        ...commentFor(f, runId, 'reopen', issue.prevalence),
      };
    }
    if (issue.digest === c.digest) return { ...base, issue, action: 'skip', reason: `${issue.key} is open and already shows this` };
    return {
      ...base,
      issue,
      action: 'update',
      reason: issue.prevalence && issue.prevalence !== c.prevalence ? `${issue.key}: prevalence ${issue.prevalence} → ${c.prevalence}` : `${issue.key}: evidence or details changed`,
      ...commentFor(f, runId, 'update', issue.prevalence),
    };
  });
}

export function formatPlan(items: PlanItem[], destination: string): string {
  const counts = { create: 0, update: 0, reopen: 0, skip: 0 };
  for (const i of items) counts[i.action]++;
  const waiting = items.filter((i) => i.awaiting).length;
  const lines = [`Export plan for ${destination}: ${counts.create} create, ${counts.update} update, ${counts.reopen} reopen, ${counts.skip} skip${waiting ? ` (${waiting} pending confirmation)` : ''}`];
  for (const i of items) lines.push(`  ${i.action.padEnd(6)} ${i.fingerprint} [${i.severity}] ${i.title}\n         ${i.reason}${i.issue ? ` — ${i.issue.url}` : ''}`);
  return lines.join('\n') + '\n';
}
