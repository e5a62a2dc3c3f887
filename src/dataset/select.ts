// Which runs become eval cases. Deterministic and stable: for each finding
// (in rank order), its affected runs are taken hardest first (failed runs,
// then runs with no recorded outcome, then near-misses that passed anyway),
// and within each tier by a hash of the finding's fingerprint and the run id,
// so the choice never depends on file order; runs with the same inputs make
// one case; at most `perFinding` cases per finding. An earlier dataset's
// cases are kept as they are and count toward the cap, so next week adds
// cases for new findings (or findings not yet full) and never reshuffles.
import type { RunCaseInputs } from '../sandbox/rpc-types.ts';
import { samplePosition } from '../signals/sample.ts';
import { caseId, inputKey, type EvalCase } from './case.ts';

export interface FindingForCases {
  fingerprint: string;
  id: string;
  title: string;
  category: string;
  severity: string;
  /** What the fix changes: the expected behaviour. */
  fix: string;
  /** Affected run ids (the finding's data.traceIds, matched or cited runs). */
  affected: string[];
  /** A cited excerpt per run, where the finding quotes one. */
  excerpts: ReadonlyMap<string, string>;
}

export interface SelectOptions {
  perFinding: number;
  /** The findings.json run id the new cases come from. */
  addedIn: string;
  previous?: EvalCase[];
}

export interface Selection {
  cases: EvalCase[];
  kept: number;
  added: number;
  /** Per finding: cases it has now, and affected runs that had inputs to make one from. */
  perFinding: Array<{ fingerprint: string; id: string; cases: number; candidates: number }>;
}

const TIER = { failure: 0, affected: 1, 'near-miss': 2 } as const;
const kindOf = (failed: boolean | null): EvalCase['kind'] => (failed === true ? 'failure' : failed === false ? 'near-miss' : 'affected');

function reasonFor(kind: EvalCase['kind'], f: FindingForCases): string {
  const what = `${f.id} "${f.title}"`;
  if (kind === 'failure') return `the run failed and shows ${what}`;
  if (kind === 'near-miss') return `a near-miss: the run shows ${what} and still passed`;
  return `the run shows ${what} (it records no outcome)`;
}

function observedFor(f: FindingForCases, runId: string): string {
  const ex = f.excerpts.get(runId);
  return ex ? `${f.title} — in this run: "${ex.replace(/\s+/g, ' ').slice(0, 300)}"` : f.title;
}

export function selectCases(findings: FindingForCases[], runs: ReadonlyMap<string, RunCaseInputs>, opts: SelectOptions): Selection {
  const previous = opts.previous ?? [];
  const cases: EvalCase[] = previous.map((c) => ({ ...c }));
  const byId = new Map(cases.map((c) => [c.id, c]));
  const fresh = new Set<string>();
  const count = new Map<string, number>();
  for (const c of previous) for (const f of c.findings) count.set(f.fingerprint, (count.get(f.fingerprint) ?? 0) + 1);
  const perFinding: Selection['perFinding'] = [];

  for (const f of findings) {
    const candidates = [...new Set(f.affected)]
      .map((id) => runs.get(id))
      .filter((r): r is RunCaseInputs => r !== undefined && (r.user !== null || r.system !== null))
      .map((r) => ({ r, tier: TIER[kindOf(r.failed)], p: samplePosition(f.fingerprint, r.traceId) }))
      .sort((a, b) => a.tier - b.tier || a.p - b.p || (a.r.traceId < b.r.traceId ? -1 : 1));
    for (const { r } of candidates) {
      if ((count.get(f.fingerprint) ?? 0) >= opts.perFinding) break;
      const id = caseId(inputKey(r, r.traceId));
      const existing = byId.get(id);
      const ref = { fingerprint: f.fingerprint, id: f.id, title: f.title, category: f.category, severity: f.severity };
      if (existing) {
        // Cases from an earlier dataset stay exactly as they were; one made in this pass gathers what else its inputs show.
        if (!fresh.has(id)) continue;
        if (!existing.runIds.includes(r.traceId)) existing.runIds.push(r.traceId);
        if (existing.findings.some((x) => x.fingerprint === f.fingerprint)) continue;
        existing.findings.push(ref);
        existing.observed += `\n${observedFor(f, r.traceId)}`;
        existing.ideal += `\n${f.fix}`;
        existing.reason += `; ${reasonFor(kindOf(r.failed), f)}`;
        count.set(f.fingerprint, (count.get(f.fingerprint) ?? 0) + 1);
        continue;
      }
      const kind = kindOf(r.failed);
      const c: EvalCase = {
        id,
        input: [...(r.system !== null ? [{ role: 'system' as const, content: r.system }] : []), ...(r.user !== null ? [{ role: 'user' as const, content: r.user }] : [])],
        tools: r.tools,
        ideal: f.fix,
        observed: observedFor(f, r.traceId),
        reason: reasonFor(kind, f),
        kind,
        agent: r.agent,
        findings: [ref],
        runIds: [r.traceId],
        addedIn: opts.addedIn,
      };
      cases.push(c);
      byId.set(id, c);
      fresh.add(id);
      count.set(f.fingerprint, (count.get(f.fingerprint) ?? 0) + 1);
    }
    perFinding.push({ fingerprint: f.fingerprint, id: f.id, cases: count.get(f.fingerprint) ?? 0, candidates: candidates.length });
  }
  return { cases, kept: previous.length, added: fresh.size, perFinding };
}
