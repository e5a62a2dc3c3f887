// Shapes and size caps of the report data. Pure: bundled into the isolate.
import type { Trace } from '../../types.ts';

export const REPORT_DATA_VERSION = 1;

/** Caps on what is embedded. Exported so callers (and tests) can see the limits. */
export const REPORT_LIMITS = {
  /** Cited traces embedded per finding. */
  tracesPerFinding: 10,
  /** Cited traces embedded in total. */
  traces: 200,
  /** Spans kept per embedded trace (cited spans and their ancestors always kept). */
  spansPerTrace: 400,
  /** Spans kept across all embedded traces; shared out per trace. */
  spansTotal: 12_000,
  /** Characters kept of one text field (input, output, args, result...). */
  field: 4000,
  /** Characters of text across all embedded traces; shared out per trace. */
  textTotal: 2_000_000,
  /** Per-trace share of `textTotal` never exceeds this. */
  textPerTrace: 96_000,
  /** Time buckets on the per-day chart; wider windows use wider buckets. */
  timeBuckets: 62,
  /** Agents drawn in the distribution and pass^k charts. */
  agents: 8,
  /** Findings on the top-findings chart. */
  topFindings: 12,
  /** Largest k on the pass^k curves. */
  maxK: 16,
} as const;

/** The part of a finding the report data needs (findings are plain JSON here). */
export interface ReportFindingInput {
  evidence: { traceId: string; spanId?: string }[];
  category: string;
  fingerprint?: string;
  key?: unknown;
  title?: string;
  severity?: string;
  prevalence?: { traces: number; total: number; share: number };
  data?: Record<string, unknown>;
}

export interface Histogram {
  /** Number of values (including zeros). */
  count: number;
  /** Values ≤ 0 (e.g. traces with no recorded cost); not in any bucket. */
  zeros: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  /** Log-spaced buckets over (min, max]: [lo, hi) with a count. */
  buckets: { lo: number; hi: number; count: number }[];
}

export interface AgentDistribution {
  agent: string;
  traces: number;
  /** Null when no trace of this agent records a cost. */
  cost: Histogram | null;
  latency: Histogram | null;
}

export interface PassKCurve {
  agent: string;
  /** Tasks tried at least twice (the curve is over these). */
  tasks: number;
  /** Tasks with a task id and an outcome, however often tried. */
  allTasks: number;
  /** Trials per repeated task: smallest and largest. */
  trialsMin: number;
  trialsMax: number;
  /** pass^k = mean over repeated tasks with n ≥ k trials of C(c,k)/C(n,k). */
  points: { k: number; value: number; tasks: number }[];
}

export interface ReportSpan {
  id: string;
  parent: string | null;
  name: string;
  kind: string;
  status: string;
  /** Start offset from the trace start, ms. */
  start: number;
  duration: number;
  depth: number;
  model?: string;
  tool?: { name: string; args?: string; result?: string; argsInvalid?: boolean };
  tokens?: { input: number; output: number; total: number };
  cost?: number;
  error?: string;
  statusMessage?: string;
  input?: string;
  output?: string;
  /** Text fields that were cut to fit the budget. */
  truncated?: boolean;
}

export interface ReportTrace {
  traceId: string;
  agent: string | null;
  taskId: string | null;
  status: string;
  startTime: number;
  durationMs: number;
  costUsd: number;
  tokens: { input: number; output: number; total: number };
  outcome: { success?: boolean; reward?: number; label?: string } | null;
  file: string;
  format: string;
  /** Spans in tree order (parent before children, siblings by start time). */
  spans: ReportSpan[];
  /** Total spans in the trace; more than `spans.length` when capped. */
  spanCount: number;
}

export interface ReportData {
  version: number;
  /** `failedOutcomes`: traces whose recorded outcome failed (success false or reward below 1). */
  totals: { traces: number; spans: number; errorTraces: number; failedOutcomes: number; agents: number };
  /** Time range of the traces (epoch ms), null when there are none. */
  range: { start: number; end: number } | null;
  /** Affected traces per category per time bucket (by trace start, UTC). */
  failuresByDay: {
    /** Bucket start dates, YYYY-MM-DD (UTC). */
    days: string[];
    /** Days per bucket (1 unless the window is wide). */
    bucketDays: number;
    series: { category: string; counts: number[]; total: number }[];
    /** Affected traces dated far outside the rest (a broken clock), left off the axis. */
    outside: number;
  };
  /** Findings by affected traces, largest first. */
  topFindings: { ref: string; title: string; category: string; severity: string; traces: number }[];
  passK: PassKCurve[];
  distributions: AgentDistribution[];
  /** Embedded cited traces (an array, not a map: trace ids are untrusted and may be `__proto__`). */
  traces: ReportTrace[];
  limits: {
    tracesCited: number;
    tracesEmbedded: number;
    spansOmitted: number;
    fieldsTruncated: number;
  };
}

/** The name a trace is grouped under in per-agent charts: the ingest's one rule. */
export { agentOf } from '../../ingest/agent-identity.ts';
