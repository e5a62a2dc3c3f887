// One eval case made from a finding: the inputs a failing (or nearly
// failing) run was given, what it did wrong, and what the fix should make it
// do, with the ids of the runs it came from. The JSONL line follows OpenAI
// evals' shape (`input` messages, `ideal`), with Halo's fields beside it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJsonLines } from '../json-lines.ts';

export const CaseFinding = z.object({
  fingerprint: z.string(),
  /** The finding's id (F3) in the findings.json that added it; ids change between runs, fingerprints do not. */
  id: z.string(),
  title: z.string(),
  category: z.string(),
  severity: z.string(),
});

export const EvalCase = z.object({
  id: z.string().regex(/^case-[0-9a-f]{12}$/),
  /** The run's inputs as chat messages: its system prompt and first user turn. */
  input: z.array(z.object({ role: z.enum(['system', 'user']), content: z.string() })),
  /** Tools the agent was offered in that run. */
  tools: z.array(z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })),
  /** What the fix should make the agent do (the findings' fixes). */
  ideal: z.string(),
  /** What the run did (the findings it shows, and its cited excerpt). */
  observed: z.string(),
  /** Why it was chosen. */
  reason: z.string(),
  /** failure: the run failed; near-miss: it showed the failure and still passed; affected: no recorded outcome. */
  kind: z.enum(['failure', 'near-miss', 'affected']),
  agent: z.string().nullable(),
  findings: z.array(CaseFinding).min(1),
  /** The runs with these inputs that showed the findings, the first one the case was made from. */
  runIds: z.array(z.string()).min(1),
  /** The findings.json run that added the case. */
  addedIn: z.string(),
});
export type EvalCase = z.infer<typeof EvalCase>;

/** Inputs that make the same case: two trials of one task are one case, not two. */
export function inputKey(i: { system: string | null; user: string | null; tools: Array<{ name: string }> }, runId: string): string {
  if (i.system === null && i.user === null) return `run\u0000${runId}`;
  return JSON.stringify([i.system, i.user, i.tools.map((t) => t.name).sort()]);
}

export function caseId(key: string): string {
  return `case-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** A dataset written before (`--out` of an earlier run): its cases are kept as they are. A bad line names the file and line. */
export function readCases(path: string): EvalCase[] {
  return parseJsonLines(readFileSync(path, 'utf8'), path, EvalCase, 'a Halo eval case', { code: 'dataset.invalid', hint: 'use --fresh to start a new dataset' });
}
