// Library entry point. Each area re-exports its public surface here.
export type * from './types.ts';
export * from './findings/schema.ts';
export * from './history/index.ts';
export * from './config/index.ts';
export type * from './sandbox/api.ts';
export { createSandbox, defaultMemoryLimitMb, SandboxError } from './sandbox/supervisor.ts';
export { buildReportData, REPORT_LIMITS, type ReportData, type ReportTrace, type ReportSpan } from './report/data.ts';
export { renderHtmlReport } from './report/html.ts';
export type * from './ingest/api.ts';
export { loadTraces, readInputs, resolveInputs, InputError, STDIN_NAME, type ReadOptions, type ReadProgress, type LoadOptions, type InputFile } from './ingest/reader.ts';
export { createIngestor, IngestError, formatBadRecord, type Ingestor } from './ingest/ingestor.ts';
export { parseDuration, parseInstant, resolveWindow, inWindow, WindowError } from './ingest/window.ts';
export { forEachLine, LineSplitter, type LineHandler } from './ingest/lines.ts';
export { buildOverview, OVERVIEW_SCHEMA_VERSION, OVERVIEW_LIST_CAP, type DatasetOverview } from './ingest/overview.ts';
