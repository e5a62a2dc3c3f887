// Globals in the sandbox. Plain JS; top-level await works; top-level const/let/function/class persist
// across cells; the last expression's value is shown. No require/import/process/fs/network/timers.
// Each cell has a time limit (stopped, variables kept) and a wall-clock deadline (child killed: ALL variables lost, traces reload).
// Traces, spans and built-ins (String.prototype, JSON, ...) are frozen: they back verification. Copy before sorting spans, e.g. [...t.spans].sort(...); the traces array itself may be reordered.

type Status = 'ok' | 'error' | 'unset';
type SpanKind = 'agent' | 'llm' | 'tool' | 'chain' | 'retriever' | 'embedding' | 'guardrail' | 'evaluator' | 'other';
interface Tokens { input: number; output: number; total: number }
interface Message { role: string; content: string; toolCalls?: { id?: string; name: string; arguments: unknown }[]; toolCallId?: string; name?: string }
interface Span {
  spanId: string; parentId: string | null; traceId: string; name: string; kind: SpanKind;
  startTime: number; endTime: number; durationMs: number; // epoch ms
  status: Status; statusMessage: string | null; model: string | null;
  tool: { name: string; arguments: unknown; argumentsInvalid?: boolean; positionalArguments?: unknown[]; result: unknown } | null; // arguments parsed when JSON, framework wrappers ({args, kwargs}) unwrapped to names; positionalArguments: unnamed ones (no tool spec in the trace)
  input: unknown; output: unknown; messages: Message[] | null; tokens: Tokens | null; costUsd: number | null;
  error: { type: string | null; message: string } | null;
  events: { name: string; time: number | null; attributes: Record<string, unknown> }[];
  attributes: Record<string, unknown>; // every source attribute, dotted keys
  agentName?: string; // the agent that produced this span (group-chat speaker, enclosing agent span, else the trace's agent)
}
interface Trace {
  traceId: string; spans: Span[]; rootSpanId: string | null; // spans sorted by startTime; tree via parentId
  startTime: number; endTime: number; durationMs: number; status: Status;
  agentId: string | null; agentName: string | null; sessionId: string | null; userId: string | null;
  taskId: string | null; trial: number | null; outcome: { success?: boolean; reward?: number; label?: string } | null;
  tokens: Tokens; costUsd: number; service: string | null; source: { file: string; format: string };
}
interface Finding {
  title: string; category: 'outcome' | 'tool_selection' | 'tool_arguments' | 'trajectory' | 'errors_recovery' | 'cost' | 'latency' | 'consistency' | 'other';
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info'; summary: string;
  rootCause: { statement: string; confidence: 'confirmed' | 'hypothesis' };
  fix: { summary: string; kind: 'prompt' | 'tool_schema' | 'code' | 'config' | 'eval';
    locations?: { path: string; line: number; excerpt: string }[]; // in the agent's repo (see `repo`); checked: path inside it, line holds excerpt
    patch?: string }; // unified diff against the repo; checked: must apply cleanly. Wrong locations/patches are dropped
  evidence: { traceId: string; spanId?: string; excerpt?: string; note?: string }[]; // checked: ids must exist, excerpt must occur in the span
  predicate?: string; // JS source "(trace) => boolean"; re-run over all traces to count prevalence; must match every cited trace
  key: { component: string; signature: string }; // e.g. {component: "tool:refund_order", signature: "invalid_json_arguments"}
}

declare const traces: Trace[]; // every trace in the window. Over a stored window (--store duckdb, re-run) each trace is a summary
// whose `spans` load on first read into a capped cache: filter on trace fields (status, agentName, outcome, taskId, times, tokens,
// costUsd) before touching spans; the API is the same either way.
declare function load(ids: (Trace | string)[]): Trace[]; // those runs with their spans held by the copies returned (unknown ids skipped)
declare function scan<T>(fn: (t: Trace, i: number) => T | undefined): T[]; // one pass over the window, a run's spans at a time; collects what fn returns (undefined skipped)
declare const meta: { // dataset overview (lists capped at 50)
  traces: number; spans: number; bytes: number; timeRange: { start: string; end: string } | null;
  window: { start: string | null; end: string | null; outsideWindow: number };
  agents: { name: string; traces: number; errorTraces: number; errorRate: number; failed: number }[]; // a multi-agent run counts for each agent that spoke
  models: { model: string; calls: number; tokens: Tokens; costUsd: number }[];
  tools: { name: string; calls: number; errors: number; errorRate: number; arguments: string[]; positional: boolean }[]; // argument names seen
  errors: { span: string; message: string; count: number; traces: number; exampleTraceIds: string[] }[]; // error taxonomy
  outcomes: { success: number; failure: number; unknown: number; successRate: number | null; meanReward: number | null; tasks: number; flakyTasks: number };
  spanKinds: Record<string, number>; tokens: Tokens; costUsd: number;
  notices?: string[]; // present when the ingest repaired something (duplicate span ids, parent cycles, invalid UTF-8) and traces dated far from the rest
};
declare function print(...values: unknown[]): void; // also console.log/info/warn/error; output capped head+tail per cell
declare function render(x: Trace | Span, opts?: { budget?: number }): string; // compact span tree text (default 4000 chars)
type Detector = (traces: Trace[], opts?: { minTraces?: number }) => (Finding & { data: { traceIds: string[] } & Record<string, unknown> })[]; // data.traceIds: every affected trace
declare const detect: { // deterministic detectors; run them on any subset, e.g. detect.retries(traces.filter(...))
  failedOutcomes: Detector; unknownTools: Detector; toolArguments: Detector /* invalid JSON, schema violations */;
  argumentShapes: Detector /* argument shapes (quoted, wrong kind, empty, more items) whose calls fail far more often: data.withShape, data.withoutShape, data.p */;
  repeatedCalls: Detector /* identical calls, loops */; outliers: Detector /* steps, tokens, cost, latency per agent */;
  errorSignatures: Detector; silentFailures: Detector; ignoredErrors: Detector; retries: Detector /* exhausted, rate-limited */;
  repeatedSteps: Detector /* near-identical model actions */; stringAsList: Detector /* outputs listing a string one character per item */; outputFormat: Detector /* model output the framework could not parse */;
  consistency: Detector /* pass^k per task: data.passK, data.flakyTasks */;
};
// Sub-model calls (cost budget). Put trace material in `data`, not in the prompt text. With `schema`, returns parsed JSON.
declare function llm(prompt: string, opts?: { model?: string; schema?: object; system?: string; data?: unknown; maxOutputTokens?: number }): Promise<any>;
declare function llmBatch(items: (string | { prompt: string; data?: unknown })[], opts?: { model?: string; schema?: object; system?: string; maxOutputTokens?: number }): Promise<(any | { error: string })[]>; // aligned; never throws per item; an item's `data` is its trace material
declare function rlm(question: string, traces: (Trace | string)[], opts?: { maxTurns?: number; maxUsd?: number }): Promise<{ findings: Finding[]; summary: string; partial: boolean }>; // child analysis over a subset; default budget: half of what is left after your reserve for finishing
declare function rlmBatch(questions: string[], subsets: (Trace | string)[][], opts?: { maxTurns?: number; maxUsd?: number }): Promise<({ findings: Finding[]; summary: string; partial: boolean } | { error: string })[]>; // several children at once, each an equal share; aligned; never throws per item
declare function diagnose(runs: (Trace | string)[], opts?: { taxonomy?: string[]; model?: string; budget?: number }): Promise<{ diagnoses: { traceId: string; spanId?: string; agent?: string; step?: number; category?: string; reason?: string }[]; undiagnosed: string[]; dropped: { spans: number; agents: number }; errors: string[] }>; // per-run diagnosis of failed runs (sub-calls, packed): span and agent at fault, category (TRAIL taxonomy unless given), one-line reason; span ids checked; saved to diagnoses.jsonl
declare function submit(s: { findings: Finding[]; summary: string }): Promise<{ ok: boolean; errors?: string[]; message?: string }>; // ok ends the run
// The agent's own source code, read-only, when the run has one (--repo); without it every call throws. Secret files are absent,
// secrets in code redacted. Paths are relative to the repo root. Cite what you read in fix.locations.
declare const repo: {
  files(opts?: { glob?: string }): Promise<string[]>; // .gitignore honoured; glob "*.py" matches base names, "src/**/*.ts" paths
  grep(pattern: string | RegExp, opts?: { glob?: string; max?: number }): Promise<{ matches: { path: string; line: number; text: string }[]; truncated: boolean }>; // string = regex source
  read(path: string, opts?: { from?: number; to?: number }): Promise<{ path: string; from: number; to: number; totalLines: number; text: string; truncated: boolean }>; // 1-based lines, ≤ 400 per call
};
// SQL over the trace store (only with --store duckdb or clickhouse://…; otherwise it throws). Read-only DuckDB (or ClickHouse, its
// dialect; there the exporter's otel_traces table too), one SELECT at a time, ≤ 2000 rows (default 200) and 256 KB, 10 s.
// window_runs / window_spans: this window; runs / spans: every stored day. Columns:
// runs(trace_id, start_time, end_time, spans, error_spans, undated), spans(trace_id, span_id, parent_id, name, kind, start_time,
// end_time, status, model, tool_name, format, part 'span'|'hints', file_id, seq, idx, line) — times in epoch ms; span content
// (messages, arguments, attributes) is only in `traces`. Cheap aggregates across days: counts per day, tool, model, status.
declare function sql(query: string, opts?: { maxRows?: number }): Promise<{ columns: string[]; rows: unknown[][]; truncated: boolean; note?: string }>;
