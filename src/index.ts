// Library entry point. Each area re-exports its public surface here.
export type * from './types.ts';
export * from './findings/schema.ts';
export * from './history/index.ts';
export * from './config/index.ts';
export type * from './sandbox/api.ts';
export { createSandbox, defaultMemoryLimitMb, SandboxError } from './sandbox/supervisor.ts';
export { buildReportData, REPORT_LIMITS, type ReportData, type ReportTrace, type ReportSpan } from './report/data.ts';
export { renderHtmlReport } from './report/html.ts';
