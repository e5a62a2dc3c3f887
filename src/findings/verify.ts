// Verification of submitted findings against the data. Pure; runs inside the
// isolate (predicates are untrusted model code and must never run in the host).
// STUB: the findings helper replaces this file.
import type { Trace } from '../types.ts';
import type { FindingInput, Prevalence, Verification } from './schema.ts';

export interface VerifiedFinding extends FindingInput {
  prevalence: Prevalence;
  verification: Verification;
}

export interface VerifyResult {
  kept: VerifiedFinding[];
  droppedFindings: { title: string; reason: string }[];
  droppedEvidence: number;
}

/**
 * `compilePredicate` turns predicate source into a function (inside the isolate,
 * via the isolate's own Function); it throws on bad source.
 */
export function verifyFindings(
  inputs: FindingInput[],
  traces: Trace[],
  compilePredicate: (source: string) => (trace: Trace) => unknown,
): VerifyResult {
  void inputs; void traces; void compilePredicate;
  throw new Error('verifyFindings: not implemented');
}
