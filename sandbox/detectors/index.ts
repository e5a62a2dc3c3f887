// Deterministic detectors (DESIGN.md §7). Pure functions over Trace[] that
// return FindingInput[]; bundled into the isolate as `detect.*`, where
// model-written code calls them too, e.g. `detect.retries(traces.filter(...))`.
import type { Trace } from '../../src/types.ts';
import type { FindingInput } from '../../src/findings/schema.ts';
import { argumentShapes, argumentShapeSteps } from './argument-shapes.ts';
import { commandRewrites, commandRewriteSteps } from './command-rewrites.ts';
import { consistency, consistencySteps } from './consistency.ts';
import { errorSignatures, errorSignatureSteps } from './error-signatures.ts';
import { foldExplainedErrors } from './explained-errors.ts';
import { groupProviderCapacity } from './provider-capacity.ts';
import { ignoredErrorsDetector, ignoredErrorSteps } from './ignored-errors.ts';
import { failedOutcomes, failedOutcomeSteps } from './outcomes.ts';
import { outliers, outlierSteps } from './outliers.ts';
import { outputFormat, outputFormatSteps } from './output-format.ts';
import { textToolCalls, textToolCallSteps } from './text-tool-calls.ts';
import { stepLimit, stepLimitSteps } from './step-limit.ts';
import { repeatedCalls, repeatedCallSteps } from './repeats.ts';
import { repeatedStepsDetector, repeatedStepSteps } from './repeated-steps.ts';
import { repeatedEnding, repeatedEndingSteps } from './repeated-ending.ts';
import { retries, retrySteps } from './retries.ts';
import { silentFailures, silentFailureSteps } from './silent-failures.ts';
import { runArray, summaryOf, type RunObs, type RunPasses, type RunSummary, type TwoStep } from './two-step.ts';
import { releaseRunMemos } from './memo.ts';
import { stringAsList, stringAsListSteps } from './string-as-list.ts';
import { toolArguments, toolArgumentSteps } from './tool-arguments.ts';
import { unknownTools, unknownToolSteps } from './unknown-tools.ts';

export type Detector = (traces: Trace[], opts?: Record<string, unknown>) => FindingInput[];

export const detect: Record<string, Detector> = {
  /** Runs whose outcome failed (success false, reward 0, failure label) or that ended in error, per agent. */
  failedOutcomes,
  /** Tool calls to names the model was never offered. */
  unknownTools,
  /** Tool arguments that are invalid JSON or break the tool's declared schema. */
  toolArguments,
  /** Argument shapes (quoted, another kind than expected, empty, more items) whose calls fail far more often than the tool's other calls. */
  argumentShapes,
  /** Identical tool calls repeated ≥ 3 times in a row, and loops of 2–3 calls. */
  repeatedCalls,
  /** Model steps whose action (code, or a failed tool call sent again unchanged) repeats one of the previous three. */
  repeatedSteps: repeatedStepsDetector,
  /** Runs that end on one call sent ≥ 3 times in a row, each answered as the first (where model inputs are not recorded). */
  repeatedEnding,
  /** Step-count, token, cost and latency outliers per agent (median + k·MAD on log scale). */
  outliers,
  /** Error spans grouped by component and normalized message. */
  errorSignatures,
  /** Tool spans marked ok whose result is an error. */
  silentFailures,
  /** Model outputs the agent framework could not parse into an action (a format violation). */
  outputFormat,
  /** Runs whose last reply writes a tool call as text (a chat format's call syntax) and no call ran. */
  textToolCalls,
  /** Runs that stop at exactly the most steps any run of their agent makes, in numbers that pile up there, and mostly fail. */
  stepLimit,
  /** Step outputs that list a string one character per item (a string walked as a list). */
  stringAsList,
  /** Tool errors the next step neither retries nor acknowledges, in runs that end ok. */
  ignoredErrors: ignoredErrorsDetector,
  /** Calls failing ≥ 3 times with no later success; rate-limit errors recovered by a retry. */
  retries,
  /** Code-runner calls whose shell shows it ran something other than the command the call carries. */
  commandRewrites,
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
// `stepLimit` joined it after round 33: where a harness ends a run early only on success or an abort (a skip, a second
// wrong answer, a full context), the runs that reach the limit are the rest of the failures, so its count restates the
// outcomes; four of six such findings were judged circular, and the records do not say which harness ends runs how.
export const CONTEXT_ONLY: ReadonlySet<string> = new Set(['failedOutcomes', 'stepLimit']);

/**
 * Detectors split into a per-run and a global step (two-step.ts), by name.
 * The rest still run once over full traces (`runDetectors` needs them there).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each detector has its own observation and option types
export const steps: Record<string, TwoStep<any, any>> = {
  failedOutcomes: failedOutcomeSteps,
  silentFailures: silentFailureSteps,
  unknownTools: unknownToolSteps,
  consistency: consistencySteps,
  repeatedCalls: repeatedCallSteps,
  retries: retrySteps,
  ignoredErrors: ignoredErrorSteps,
  repeatedSteps: repeatedStepSteps,
  repeatedEnding: repeatedEndingSteps,
  commandRewrites: commandRewriteSteps,
  outputFormat: outputFormatSteps,
  textToolCalls: textToolCallSteps,
  stepLimit: stepLimitSteps,
  stringAsList: stringAsListSteps,
  toolArguments: toolArgumentSteps,
  argumentShapes: argumentShapeSteps,
  outliers: outlierSteps,
  errorSignatures: errorSignatureSteps,
};

/** One run's observations for every two-step detector, and the errors of those that threw on it. */
export interface RunObservations {
  run: RunSummary;
  obs: Record<string, unknown>;
  errors?: Record<string, string>;
}

/** The per-run step of every two-step detector on one run. */
export function observeRun(t: Trace, opts: Pick<RunDetectorsOptions, 'options'> = {}): RunObservations {
  const out: RunObservations = { run: summaryOf(t), obs: {} };
  for (const [name, d] of Object.entries(steps)) {
    if (CONTEXT_ONLY.has(name)) continue;
    try {
      out.obs[name] = d.perRun(t, opts.options?.[name] ?? {});
    } catch (error) {
      (out.errors ??= {})[name] = error instanceof Error ? error.message : String(error);
    }
  }
  // The observations are all the global steps need of the run.
  releaseRunMemos();
  return out;
}

/**
 * The global step of every detector over the runs' observations, in window
 * order; detectors not yet split run over `traces`, the same runs whole
 * (null leaves them out). A detector that threw on any run is reported once,
 * as it would have thrown over the whole window.
 */
export function detectFromObservations(runs: RunObservations[], traces: Trace[] | null, opts: RunDetectorsOptions = {}): FindingInput[] {
  return detectEach(
    (name) => {
      const failed = runs.find((r) => r.errors?.[name] !== undefined);
      if (failed) throw new Error(failed.errors![name]);
      return runs.map((r) => ({ run: r.run, obs: r.obs[name] }));
    },
    traces,
    opts,
  );
}

/**
 * detectFromObservations with each detector's observations asked for when its
 * global step runs (`observationsOf(name)`: every run's, in window order; it
 * throws a run's error for that detector), so only one detector's are needed
 * at a time, and a global step that reads them in passes holds none of them whole.
 */
export function detectEach(observationsOf: (name: string) => RunPasses<unknown>, traces: Trace[] | null, opts: RunDetectorsOptions = {}): FindingInput[] {
  const out: FindingInput[] = [];
  for (const [name, d] of Object.entries(detect)) {
    if (CONTEXT_ONLY.has(name)) continue;
    const split = steps[name];
    if (!split && !traces) continue;
    try {
      if (split) {
        const runs = observationsOf(name);
        // A step that reads in passes takes any RunPasses (its `global` is typed so); the rest are handed an array.
        out.push(...split.global(split.passes ? (runs as RunObs<unknown>[]) : runArray(runs), opts.options?.[name] ?? {}));
      } else {
        out.push(...d(traces!, opts.options?.[name]));
      }
    } catch (error) {
      if (!opts.onError) throw new Error(`detector ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      opts.onError(name, error);
    }
  }
  return opts.keepExplainedErrors ? out : groupProviderCapacity(foldExplainedErrors(out));
}

/** Runs every detector and returns all findings (unverified, unranked): both steps over the same runs. */
export function runDetectors(traces: Trace[], opts: RunDetectorsOptions = {}): FindingInput[] {
  return detectFromObservations(traces.map((t) => observeRun(t, opts)), traces, opts);
}

export { passK, passHatK, trialPassed } from './consistency.ts';
export { upperFence, median } from './stats.ts';
