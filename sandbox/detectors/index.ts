// Deterministic detectors (DESIGN.md §7). Pure functions over Trace[] that
// return FindingInput[]; bundled into the isolate as `detect.*`, where
// model-written code calls them too, e.g. `detect.retries(traces.filter(...))`.
import type { Trace } from '../../src/types.ts';
import type { FindingInput } from '../../src/findings/schema.ts';
import { consistency } from './consistency.ts';
import { errorSignatures } from './error-signatures.ts';
import { foldExplainedErrors } from './explained-errors.ts';
import { groupProviderCapacity } from './provider-capacity.ts';
import { ignoredErrorsDetector } from './ignored-errors.ts';
import { failedOutcomes } from './outcomes.ts';
import { outliers } from './outliers.ts';
import { outputFormat } from './output-format.ts';
import { repeatedCalls } from './repeats.ts';
import { repeatedStepsDetector } from './repeated-steps.ts';
import { retries } from './retries.ts';
import { silentFailures } from './silent-failures.ts';
import { stringAsList } from './string-as-list.ts';
import { toolArguments } from './tool-arguments.ts';
import { unknownTools } from './unknown-tools.ts';

export type Detector = (traces: Trace[], opts?: Record<string, unknown>) => FindingInput[];

export const detect: Record<string, Detector> = {
  /** Runs whose outcome failed (success false, reward 0, failure label) or that ended in error, per agent. */
  failedOutcomes,
  /** Tool calls to names the model was never offered. */
  unknownTools,
  /** Tool arguments that are invalid JSON or break the tool's declared schema. */
  toolArguments,
  /** Identical tool calls repeated ≥ 3 times in a row, and loops of 2–3 calls. */
  repeatedCalls,
  /** Model steps whose action (code, or a failed tool call sent again unchanged) repeats one of the previous three. */
  repeatedSteps: repeatedStepsDetector,
  /** Step-count, token, cost and latency outliers per agent (median + k·MAD on log scale). */
  outliers,
  /** Error spans grouped by component and normalized message. */
  errorSignatures,
  /** Tool spans marked ok whose result is an error. */
  silentFailures,
  /** Model outputs the agent framework could not parse into an action (a format violation). */
  outputFormat,
  /** Step outputs that list a string one character per item (a string walked as a list). */
  stringAsList,
  /** Tool errors the next step neither retries nor acknowledges, in runs that end ok. */
  ignoredErrors: ignoredErrorsDetector,
  /** Calls failing ≥ 3 times with no later success; rate-limit errors recovered by a retry. */
  retries,
  /** pass^k per task (τ-bench definition) per agent, with the flaky tasks. */
  consistency,
} as Record<string, Detector>;

export interface RunDetectorsOptions {
  /** Options per detector, by name, e.g. `{ outliers: { k: 4 } }`. */
  options?: Record<string, Record<string, unknown>>;
  /** Called when a detector throws; without it the error is rethrown naming the detector. */
  onError?: (name: string, error: unknown) => void;
  /** Keep error-signature findings that a specific detector already explains (default: fold them in). */
  keepExplainedErrors?: boolean;
}

/**
 * Detectors whose results are context, not findings: how many runs failed is
 * what the outcomes already say (the report states it per agent, from
 * `runOutcomes`); ranked beside real failure modes it would be a tautology
 * whose impact is circular. Model code can still call them.
 */
const CONTEXT_ONLY = new Set(['failedOutcomes']);

/** Runs every detector and returns all findings (unverified, unranked). */
export function runDetectors(traces: Trace[], opts: RunDetectorsOptions = {}): FindingInput[] {
  const out: FindingInput[] = [];
  for (const [name, d] of Object.entries(detect)) {
    if (CONTEXT_ONLY.has(name)) continue;
    try {
      out.push(...d(traces, opts.options?.[name]));
    } catch (error) {
      if (!opts.onError) throw new Error(`detector ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      opts.onError(name, error);
    }
  }
  return opts.keepExplainedErrors ? out : groupProviderCapacity(foldExplainedErrors(out));
}

export { passK, passHatK, trialPassed } from './consistency.ts';
export { upperFence, median } from './stats.ts';
