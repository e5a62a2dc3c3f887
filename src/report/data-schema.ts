// The report data crosses from the isolate to the parent, where it could have
// been shaped by model-written code that ran in the same isolate. It is checked
// here before a byte of it reaches the page. Host side only (zod).
import { z } from 'zod';
import type { ReportData } from './data.ts';

const count = z.number().int().nonnegative();
const finite = z.number();
const text = z.string().optional();

const Histogram = z.object({
  count,
  zeros: count,
  min: finite,
  max: finite,
  p50: finite,
  p90: finite,
  p99: finite,
  buckets: z.array(z.object({ lo: z.number().positive(), hi: z.number().positive(), count })).max(64),
});

const ReportSpan = z.object({
  id: z.string(),
  parent: z.string().nullable(),
  name: z.string(),
  kind: z.string(),
  status: z.string(),
  start: finite,
  duration: finite,
  depth: count,
  model: text,
  tool: z.object({ name: z.string(), args: text, result: text, argsInvalid: z.boolean().optional() }).optional(),
  tokens: z.object({ input: finite, output: finite, total: finite }).optional(),
  cost: finite.optional(),
  error: text,
  statusMessage: text,
  input: text,
  output: text,
  truncated: z.boolean().optional(),
});

const ReportTrace = z.object({
  traceId: z.string(),
  agent: z.string().nullable(),
  taskId: z.string().nullable(),
  status: z.string(),
  startTime: finite,
  durationMs: finite,
  costUsd: finite,
  tokens: z.object({ input: finite, output: finite, total: finite }),
  outcome: z.object({ success: z.boolean().optional(), reward: finite.optional(), label: z.string().optional() }).nullable(),
  file: z.string(),
  format: z.string(),
  spans: z.array(ReportSpan),
  spanCount: count,
});

export const ReportDataSchema = z.object({
  version: z.number(),
  totals: z.object({ traces: count, spans: count, errorTraces: count, failedOutcomes: count, agents: count }),
  range: z.object({ start: finite, end: finite }).nullable(),
  failuresByDay: z.object({
    days: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(400),
    bucketDays: z.number().int().positive(),
    series: z.array(z.object({ category: z.string(), counts: z.array(count), total: count })).max(50),
    outside: count,
  }),
  topFindings: z.array(z.object({ ref: z.string(), title: z.string(), category: z.string(), severity: z.string(), traces: count })),
  passK: z.array(
    z.object({
      agent: z.string(),
      tasks: count,
      allTasks: count,
      trialsMin: count,
      trialsMax: count,
      points: z.array(z.object({ k: z.number().int().positive(), value: z.number().min(0).max(1), tasks: count })).min(1),
    }),
  ),
  distributions: z.array(z.object({ agent: z.string(), traces: count, cost: Histogram.nullable(), latency: Histogram.nullable() })),
  traces: z.array(ReportTrace),
  limits: z.object({ tracesCited: count, tracesEmbedded: count, spansOmitted: count, fieldsTruncated: count }),
});

/** Validates report data from the isolate; the error names the first bad field. */
export function parseReportData(raw: unknown): ReportData {
  const r = ReportDataSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`report data is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data as ReportData;
}
