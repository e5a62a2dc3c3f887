// Data the HTML report draws, computed next to the traces (inside the isolate,
// so the parent never holds the dataset). Pure.
// STUB: the HTML-report helper replaces this file.
import type { Trace } from '../types.ts';

export interface ReportData {
  [key: string]: unknown;
}

/** `findings` are the verified findings (plain JSON); cited traces are embedded for drill-down. */
export function buildReportData(traces: Trace[], findings: { evidence: { traceId: string; spanId?: string }[]; category: string; fingerprint?: string; key?: unknown }[]): ReportData {
  void traces; void findings;
  return {};
}
