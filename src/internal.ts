// Internal entry point for this repository's own benchmarks and tools: the
// building blocks under the public API (src/index.ts). Not part of the
// package's exports; names here may change without notice.
export * from './index.ts';
export { forEachLine, LineSplitter, type LineHandler } from './ingest/lines.ts';
export { createIngestor, formatBadRecord, type Ingestor } from './ingest/ingestor.ts';
export { normalizeRecord, RecordError } from './ingest/normalize.ts';
export { readOutcomeFiles } from './ingest/outcomes-file.ts';
export { TraceAssembler } from './ingest/assemble.ts';
export { buildReportData, REPORT_LIMITS, type ReportData, type ReportTrace, type ReportSpan } from './report/data.ts';
export { verifyInSandbox } from './analyze.ts';
export { verifyFindings, type VerifiedFinding, type VerifyResult } from './findings/verify.ts';
export { finalizeFindings, parseVerifyResult, type FinalizeResult } from './findings/pipeline.ts';
export { mergeFindings } from './findings/merge.ts';
export { rankFindings, rankScore } from './findings/rank.ts';
export { runRecursiveAnalysis, createHostRouter, type RecursiveAnalysisOptions, type RecursiveAnalysisResult, type HostRouter, type HostCallHandler } from './rlm/loop.ts';
export { BudgetLedger, type BudgetLimits } from './rlm/budgets.ts';
export { extractCells } from './rlm/reply-cells.ts';
export { planExport, formatPlan } from './export/index.ts';
export { prng } from './prng.ts';
export { buildReviewPackets, boundPacket, renderPacket, DEFAULT_PACKET_OPTIONS, type ReviewPacket, type PacketOptions } from './eval/review-packet.ts';
export { DEFAULT_BOUNDS } from './eval/raw-records.ts';
export { agentSteps, type StepUnit } from './eval/steps.ts';
export { openStore, type StoreSpec } from './store/open.ts';
export { syncInputs } from './store/sync.ts';
