// Deterministic detectors (DESIGN.md §7). Pure functions over Trace[] that
// return FindingInput[]; bundled into the isolate as `detect.*`.
// STUB: the detectors helper replaces this file.
import type { Trace } from '../../src/types.ts';
import type { FindingInput } from '../../src/findings/schema.ts';

export type Detector = (traces: Trace[], opts?: Record<string, unknown>) => FindingInput[];

export const detect: Record<string, Detector> = {};

/** Runs every detector and returns all findings (unverified, unranked). */
export function runDetectors(traces: Trace[]): FindingInput[] {
  const out: FindingInput[] = [];
  for (const d of Object.values(detect)) out.push(...d(traces));
  return out;
}
