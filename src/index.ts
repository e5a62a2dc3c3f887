// The library's public API: what a program embedding Halo needs to load
// traces, run an analysis (offline or with a model), read its findings and
// history, and export them. Building blocks below this line live in
// src/internal.ts and may change without notice.

// Errors: one hierarchy, recognized with HaloError.isInstance().
export { HaloError, UsageError, InputError, InternalError, exitCodeOf, isUserError, type HaloErrorKind, type HaloErrorOptions } from './errors.ts';

// The canonical trace model and the findings schema (zod, exported as JSON Schema).
export type * from './types.ts';
export * from './findings/schema.ts';

// Analysis.
export { analyze, resolveMode, AnalyzeInputError, REPORT_FORMATS, type AnalyzeOptions, type AnalyzeResult, type AnalyzeProgress, type ReportFormat } from './analyze.ts';
export { parseRlmConfig, type RlmConfig, type RlmConfigInput } from './rlm/loop.ts';
export { DEFAULT_LIMITS } from './rlm/budgets.ts';
export { severityAtLeast } from './findings/rank.ts';
export { fingerprintKey, normalizeKey } from './findings/fingerprint.ts';

// Loading traces and windows.
export type * from './ingest/api.ts';
export { loadTraces, readInputs, resolveInputs, STDIN_NAME, type ReadOptions, type ReadProgress, type LoadOptions, type InputFile } from './ingest/reader.ts';
export { IngestError } from './ingest/ingestor.ts';
export { parseDuration, parseInstant, resolveWindow, checkWindowSpec, inWindow, WindowError } from './ingest/window.ts';
export { buildOverview, OVERVIEW_SCHEMA_VERSION, OVERVIEW_LIST_CAP, type DatasetOverview } from './ingest/overview.ts';

// The sandbox, for running your own code over the traces.
export type * from './sandbox/api.ts';
export { createSandbox, defaultMemoryLimitMb, SandboxError } from './sandbox/supervisor.ts';

// Models: bring any provider the engine supports, or your own LanguageModel.
export { createProvider, ProviderError, MockLanguageModel, costUsd, priceFor, DEFAULT_PRICES, type ProviderConfig, type LanguageModel, type GenerateRequest, type GenerateResult, type ProviderWarning, type PriceTable } from './providers/index.ts';
export { createRedactor, redactDeep, SECRET_RULES, type Redactor, type RedactOptions } from './redact.ts';

// Outputs, history and configuration.
export { buildFindingsFile, renderFindingsJson, writeFindingsJson } from './report/json.ts';
export { renderMarkdownReport } from './report/markdown.ts';
export { renderHtmlReport } from './report/html.ts';
export type { ReportData } from './report/data.ts';
export * from './history/index.ts';
export * from './config/index.ts';

// Window comparison and alerts.
export { compare, compareWindows, parseBaseline, COMPARE_DEFAULTS, Comparison, ComparisonRow, type CompareOptions, type CompareRunOptions, type CompareResult, type BaselineSpec, type RunMetric } from './compare/index.ts';
export { sendAlerts, alertTargets, AlertsConfig, ALERT_STATES, alertState, type AlertTargets, type AlertState, type AlertOutcome } from './alerts/index.ts';

// Signals (outcomes judged by the sub-model) and eval datasets from findings.
export { labelRuns, type LabelRunsOptions, type LabelRunsResult, type LabelledRun } from './signals/run.ts';
export { parseSignal, SignalConfig, type Signal } from './signals/spec.ts';
export { SignalStore, type StoredLabel } from './signals/store.ts';
export { agreementWith, type Agreement, type OutcomeSignal } from './signals/outcome.ts';
export { buildDataset, type DatasetOptions, type DatasetResult } from './dataset/build.ts';
export { EvalCase } from './dataset/case.ts';
export { DATASET_FORMATS, type DatasetFormat } from './dataset/formats.ts';

// Export to issue trackers.
export { exportFindings, ExportError, ExportHttpError, EXPORT_TARGETS, selectFindings, parseSeverityMap, toCsv, type ExportOptions, type ExportOutcome, type ExportResultFile, type PlanItem, type ExportTarget as ExportTargetName } from './export/index.ts';
