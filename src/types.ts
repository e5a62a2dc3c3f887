// Canonical trace model (DESIGN.md §3). These types describe plain JSON data:
// the same objects live inside the isolate, cross IPC, and land in reports.
// No Node imports here — sandbox code bundles this file too.

export type Status = 'ok' | 'error' | 'unset';

export type SpanKind =
  | 'agent'
  | 'llm'
  | 'tool'
  | 'chain'
  | 'retriever'
  | 'embedding'
  | 'guardrail'
  | 'evaluator'
  | 'other';

export type SourceFormat =
  | 'flat-span'
  | 'otlp'
  | 'langfuse'
  | 'langsmith'
  | 'openai-agents'
  | 'chat-transcript'
  | 'multi-agent-chat'
  | 'span-tree'
  | 'clickhouse-row'
  | 'phoenix'
  | 'tau2-bench'
  | 'agentdojo'
  | 'swe-agent'
  | 'mini-swe-agent'
  | 'openhands'
  | 'chatdev'
  | 'react-trials'
  | 'vcr-cassette'
  | 'toolbench'
  | 'intercode'
  | 'moatless'
  | 'mint'
  | 'tapeagents'
  | 'aider-chat'
  | 'easytool'
  | 'fireact'
  | 'ldb'
  | 'notebook'
  | 'livemcpbench'
  | 'dacode'
  | 'opendevin-log'
  | 'autoact'
  | 'knowagent-alfworld'
  | 'knowagent-hotpotqa'
  | 'letta-evals'
  | 'goodai-ltm'
  | 'tooleval'
  | 'mapped';

export interface Tokens {
  input: number;
  output: number;
  total: number;
}

export interface ToolCall {
  id?: string;
  name: string;
  /** Parsed when the source carried valid JSON, else the raw string. */
  arguments: unknown;
}

export interface Message {
  role: string;
  content: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  name?: string;
}

export interface SpanEvent {
  name: string;
  time: number | null;
  attributes: Record<string, unknown>;
}

export interface Span {
  spanId: string;
  parentId: string | null;
  traceId: string;
  name: string;
  kind: SpanKind;
  startTime: number;
  endTime: number;
  durationMs: number;
  status: Status;
  statusMessage: string | null;
  model: string | null;
  tool: {
    name: string;
    /** Parsed when JSON; the raw string when not parseable (an invalid-arguments signal). */
    arguments: unknown;
    /** True when the arguments arrived as a string that is not valid JSON. */
    argumentsInvalid?: boolean;
    /**
     * Positional arguments a framework passed (smolagents `args`) that could
     * not be matched to parameter names: no tool spec in the trace. Never
     * checked against a schema as if they were named.
     */
    positionalArguments?: unknown[];
    result: unknown;
  } | null;
  input: unknown;
  output: unknown;
  messages: Message[] | null;
  tokens: Tokens | null;
  costUsd: number | null;
  /**
   * What failed. `type` is the source's error class where it names one;
   * `harness_refused` marks a call the harness refused to run (it never
   * reached the tool), as a reader knows from the harness's own message.
   */
  error: { type: string | null; message: string } | null;
  events: SpanEvent[];
  /** Every original attribute, flattened with dotted keys. */
  attributes: Record<string, unknown>;
  /**
   * The agent that produced this span: the speaker of a multi-agent chat
   * turn, else the nearest enclosing agent span's agent, else the trace's.
   */
  agentName?: string;
  /** Identity hints a normalizer found on this span; trace assembly lifts them. */
  hints?: TraceHints;
}

/** Trace-level facts a span may carry (agent, session, task, outcome...). */
export interface TraceHints {
  agentId?: string;
  agentName?: string;
  sessionId?: string;
  userId?: string;
  taskId?: string;
  trial?: number;
  service?: string;
  outcome?: Outcome;
}

export interface Outcome {
  success?: boolean;
  reward?: number;
  label?: string;
}

export interface Trace {
  traceId: string;
  spans: Span[];
  rootSpanId: string | null;
  startTime: number;
  endTime: number;
  durationMs: number;
  status: Status;
  agentId: string | null;
  agentName: string | null;
  sessionId: string | null;
  userId: string | null;
  taskId: string | null;
  trial: number | null;
  outcome: Outcome | null;
  tokens: Tokens;
  costUsd: number;
  service: string | null;
  source: { file: string; format: SourceFormat };
}

/** One normalized record: the spans a source record yields, in the format it was sniffed as. */
export interface NormalizedRecord {
  format: SourceFormat;
  spans: Span[];
  /**
   * Trace-level facts from records that describe a trace rather than a span
   * (an Agents SDK `trace` object, a Langfuse trace); the assembler merges them.
   */
  traceHints?: { traceId: string; hints: TraceHints }[];
  /**
   * Each trace in `spans` is a whole run held by this one record (a
   * transcript, a benchmark result): a second record claiming the same trace
   * id with other content is another run, not more of this one.
   */
  wholeTrace?: boolean;
}

/** A record that could not be used, with where it came from. */
export interface BadRecord {
  file: string;
  line: number;
  reason: string;
  /** `element` when `line` is a 0-based JSON array element index. Default `line`. */
  unit?: 'line' | 'element';
  /** The start of the offending text, cut to a few hundred characters. */
  excerpt?: string;
}

/** `Span.error.type` of a call the harness refused to run: it never reached the tool. */
export const HARNESS_REFUSED = 'harness_refused';
