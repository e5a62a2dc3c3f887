// The contract across the isolate boundary, in both directions (the way
// vitest's types/rpc.ts says what its node and runtime sides may ask of each
// other). Types only: the isolate runtime (sandbox/runtime.ts) implements
// `EngineCalls` and calls `HostCalls`; the host side (src/sandbox/rpc.ts)
// builds the engine's calls and serves the isolate's, checking what crosses.
//
// Trust runs one way. The engine's calls carry the engine's own data into
// the isolate; their *results* are checked on the way out, because model code
// shares the isolate. The isolate's calls to the host come from model code;
// their *arguments* are checked on the way in.
import type { DatasetOverview } from '../ingest/overview.ts';
import type { FindingInput } from '../findings/schema.ts';
import type { VerifyResult } from '../findings/verify.ts';
import type { RunOutcomes } from '../findings/impact.ts';
import type { ReportData, ReportFindingInput } from '../report/data/types.ts';
import type { RunMetric } from '../compare/types.ts';

export interface PredicateStatus {
  status: 'ok' | 'error';
  matched: number;
  threw: number;
  error?: string;
}

export interface AuditSample {
  /** How many matched traces the finding did not cite. */
  uncited: number;
  sample: Array<{ traceId: string; text: string }>;
}

/** One run as signals and eval datasets list them (src/signals, src/dataset). */
export interface RunIndexEntry {
  traceId: string;
  /** Epoch ms; null when the source has no clock. */
  startTime: number | null;
  agent: string | null;
  /** The recorded verdict: true failed, false passed, null none. */
  failed: boolean | null;
}

/** A run's inputs for an eval case: what the agent was given. */
export interface RunCaseInputs {
  traceId: string;
  agent: string | null;
  system: string | null;
  user: string | null;
  tools: Array<{ name: string; parameters?: Record<string, unknown> }>;
  failed: boolean | null;
}

/** `meta` of a child analysis's sandbox: an overview of its subset. */
export interface SubsetMeta {
  subset: true;
  traces: number;
  spans: number;
  errorTraces: number;
  window: { start: string; end: string } | null;
  agents: Array<{ name: string; count: number }>;
  tools: Array<{ name: string; count: number }>;
  errors: Array<{ name: string; count: number }>;
}

/** What the engine may ask of the isolate (`__halo`, which model code cannot replace). */
export interface EngineCalls {
  /** The overview taken at load, before any model code ran. */
  overview(): DatasetOverview;
  /** What the model's opening message describes: the load overview, or a child's subset. */
  meta(): DatasetOverview | SubsetMeta;
  /** Up to `k` trace ids spread evenly over the window, for the opening message. */
  sampleTraceIds(k: number): string[];
  traceCount(): number;
  /** Which runs carry a verdict and which failed: the host computes each finding's impact from it. */
  outcomes(): RunOutcomes;
  /** System prompts seen in the traces, by agent (fix grounding). */
  systemPrompts(): Record<string, string[]>;
  /** Runs every detector over the engine's view and keeps their findings in the isolate; returns how many. */
  runDetectors(): number;
  /** The findings the last runDetectors() kept (tests and `halo exec` inspection). */
  detectedFindings(): FindingInput[];
  /** Detectors that threw during the last runDetectors(). */
  detectorErrors(): string[];
  /**
   * Runs the predicates of the findings the last runDetectors() kept over the next `count` runs of the window;
   * returns [runs passed over so far, runs in the window]. verifyDetected() uses what these pieces made.
   */
  predicatePass(count: number): [number, number];
  /** Verifies the findings the last runDetectors() kept, and lets them go. */
  verifyDetected(): VerifyResult;
  clearPredicates(): void;
  /** Runs one predicate over the engine's view and keeps the result for verify(); the host bounds its time. */
  runPredicate(source: string): PredicateStatus;
  /** Verifies findings; predicates named in `unfinished` did not finish and are not run again. */
  verify(inputs: FindingInput[], opts?: { unfinished?: Record<string, string> }): VerifyResult;
  /** A seeded sample of the traces a predicate matched and the finding did not cite, rendered for the audit. */
  auditSample(source: string, cited: string[], n: number, seed: number, budget: number): AuditSample | null;
  /** Narrows the engine's view, `traces` and `meta` to the given ids: a child analysis's subset. */
  narrow(ids: string[]): number;
  reportData(findings: ReportFindingInput[]): ReportData;
  /** The detector names sandbox code can call through `detect` (the REPL's help). */
  detectorNames(): string[];
  /** Per-run numbers of the engine's view for window comparison (src/compare). */
  runMetrics(): RunMetric[];
  /** Every run of the engine's view: id, start, agent, recorded verdict (signals' samples, datasets). */
  runIndex(): RunIndexEntry[];
  /** The given runs rendered for a judge, each within `budget` characters. */
  renderRuns(ids: string[], budget: number): Array<{ traceId: string; text: string }>;
  /** The given runs' inputs (system prompt, first user turn, tools declared), for eval cases. */
  runInputs(ids: string[]): RunCaseInputs[];
}

export type EngineCallName = keyof EngineCalls;

/**
 * What the isolate may ask of the host. Arguments are positional, as sandbox
 * code passes them; the isolate adds what only it can supply (a child's
 * subset as JSON, the rendered runs a diagnosis reads).
 */
export interface HostCalls {
  llm(prompt: unknown, opts?: unknown): unknown;
  llmBatch(prompts: unknown, opts?: unknown): unknown;
  rlm(question: unknown, ids: string[], opts: unknown, tracesJson: string): unknown;
  rlmBatch(questions: unknown, ids: unknown, opts: unknown, tracesJson: string[]): unknown;
  diagnose(items: unknown[], opts: unknown, missing: number): unknown;
  submit(submission: unknown): unknown;
  'repo.files'(opts?: { glob?: string }): unknown;
  'repo.grep'(pattern: string | { source: string; flags: string }, opts?: { glob?: string; max?: number }): unknown;
  'repo.read'(path: string, opts?: { from?: number; to?: number }): unknown;
  sql(query: string, opts?: { maxRows?: number }): unknown;
}

export type HostCallName = keyof HostCalls;
