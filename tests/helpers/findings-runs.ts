// Findings files from ten successive scheduled runs, for the exporter tests:
// A steady, B growing every run, C changing twice, D gone for runs 4–5 and
// back (regressed) from run 6, E new from run 7.
import { readFileSync } from 'node:fs';
import { FindingsFile, type Finding, type Severity } from '../../src/findings/schema.ts';
import type { ExportResultFile } from '../../src/export/types.ts';

export const FP = {
  A: 'aaaaaaaaaaaaaaa1',
  B: 'bbbbbbbbbbbbbbb2',
  C: 'ccccccccccccccc3',
  D: 'ddddddddddddddd4',
  E: 'eeeeeeeeeeeeeee5',
} as const;
export type Letter = keyof typeof FP;

const SEVERITY: Record<Letter, Severity> = { A: 'critical', B: 'high', C: 'medium', D: 'low', E: 'high' };

export function finding(letter: Letter, traces: number, rank: number, status?: Finding['status'], extra: Partial<Finding> = {}): Finding {
  const total = 100;
  return {
    id: `f-${letter}`,
    title: `Finding ${letter}: tool call fails with bad arguments`,
    category: 'tool_arguments',
    severity: SEVERITY[letter],
    summary: `The agent calls a tool with malformed arguments (${letter}).`,
    rootCause: { statement: `Schema for tool ${letter} is ambiguous.`, confidence: 'hypothesis' },
    fix: { summary: `Tighten the ${letter} tool schema.`, kind: 'tool_schema' },
    evidence: Array.from({ length: Math.max(1, traces) }, (_, i) => ({ traceId: `trace-${letter}-${i}`, excerpt: `error in ${letter} #${i}` })),
    prevalence: { traces, total, share: traces / total },
    key: { component: `tool-${letter}`, signature: 'bad_arguments' },
    fingerprint: FP[letter],
    rank,
    verification: { status: 'verified', evidenceChecked: traces, evidenceDropped: 0, dropped: [], predicate: 'absent', prevalenceSource: 'evidence' },
    ...(status ? { status } : {}),
    ...extra,
  };
}

export function findingsFile(runId: string, findings: Finding[]): FindingsFile {
  return FindingsFile.parse({
    schemaVersion: 1,
    run: { id: runId, startedAt: '2026-11-01T00:00:00Z', finishedAt: '2026-11-01T00:01:00Z', engineVersion: 'test', mode: 'offline', partial: false, options: {} },
    dataset: {},
    summary: 'test run',
    verification: { submitted: findings.length, kept: findings.length, droppedFindings: 0, droppedEvidence: 0, merged: 0 },
    findings,
  });
}

/** Run i (1-based) of the ten-run scenario. */
export function scheduledRun(i: number): FindingsFile {
  const st = (letter: Letter, firstRun: number): Finding['status'] => (i === firstRun ? 'new' : 'recurring');
  const fs: Finding[] = [
    finding('A', 10, 1, st('A', 1)),
    finding('B', 5 + i, 2, st('B', 1)),
    finding('C', i < 5 ? 3 : i < 9 ? 4 : 6, 3, st('C', 1)),
  ];
  if (i <= 3 || i >= 6) fs.push(finding('D', 2, 4, i === 6 ? 'regressed' : st('D', 1)));
  if (i >= 7) fs.push(finding('E', 7, 5, st('E', 7)));
  return findingsFile(`run-${String(i).padStart(2, '0')}`, fs);
}

/** Expected plan actions of run i, by letter (D is closed by a person after run 3). */
export function expectedActions(i: number): Partial<Record<Letter, string>> {
  if (i === 1) return { A: 'create', B: 'create', C: 'create', D: 'create' };
  const out: Partial<Record<Letter, string>> = { A: 'skip', B: 'update', C: i === 5 || i === 9 ? 'update' : 'skip' };
  if (i <= 3) out.D = 'skip';
  if (i === 6) out.D = 'reopen';
  if (i > 6) out.D = 'skip';
  if (i === 7) out.E = 'create';
  if (i > 7) out.E = 'skip';
  return out;
}

/** The one destination's section of an export-result.json (it holds one section per destination). */
export function exportState(path: string): ExportResultFile {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; destinations: Record<string, ExportResultFile> };
  const sections = Object.values(file.destinations);
  if (file.schemaVersion !== 2 || sections.length !== 1) throw new Error(`${path}: expected one destination, found ${sections.length}`);
  return sections[0]!;
}
