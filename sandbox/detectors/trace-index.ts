// Per-trace derived views shared by the detectors: steps in time order, tool
// calls, the root span and the tools the model was offered. Computed once per
// trace (cached) so running every detector stays a few linear passes.
import type { Span, Trace } from '../../src/types.ts';
import { declaredTools, type ToolDeclaration } from './tool-declarations.ts';
import { argumentText } from './text.ts';
import { runMemo } from './memo.ts';

export interface TraceIndex {
  /** LLM and tool spans in start order: the agent's steps (a call some other party made, `othersCall`, is none). */
  steps: Span[];
  /** Tool calls in start order. */
  tools: Span[];
  root: Span | undefined;
}

const cache = runMemo<Trace, TraceIndex>();
const declaredCache = runMemo<Trace, Map<string, ToolDeclaration>>();

/** Tools declared to the model in this trace, by name; empty when none were recorded. */
export function declaredInTrace(trace: Trace): Map<string, ToolDeclaration> {
  let declared = declaredCache.get(trace);
  if (declared) return declared;
  declared = new Map();
  for (const s of trace.spans) {
    if (s.kind === 'llm' || s.kind === 'agent' || s.kind === 'chain') {
      for (const d of declaredTools(s)) if (!declared.has(d.name)) declared.set(d.name, d);
    }
  }
  declaredCache.set(trace, declared);
  return declared;
}

export function indexTrace(trace: Trace): TraceIndex {
  let ix = cache.get(trace);
  if (ix) return ix;
  const steps: Span[] = [];
  let root: Span | undefined;
  for (const s of trace.spans) {
    if (s.spanId === trace.rootSpanId) root = s;
    if ((isToolSpan(s) && !othersCall(s)) || s.kind === 'llm') steps.push(s);
  }
  // Array.prototype.sort is stable, so spans with equal start keep file order.
  steps.sort((a, b) => a.startTime - b.startTime);
  ix = { steps, tools: steps.filter(isToolSpan), root: root ?? trace.spans.find((s) => s.parentId == null) };
  cache.set(trace, ix);
  return ix;
}

export function isToolSpan(s: Span): boolean {
  return s.kind === 'tool' || s.tool != null;
}

/**
 * A tool call the source says someone other than a model made (canonical
 * attribute `tool.requestor`: `user` for a simulated user acting on its own
 * device, `harness` for a call the framework made itself, such as a submit
 * forced at the turn limit). It is not one of the agent's steps: no detector
 * counts it as the agent's call, its failure or its retry.
 */
export function othersCall(s: Span): boolean {
  const r = s.attributes?.['tool.requestor'];
  return typeof r === 'string' && r !== 'assistant';
}

/** Tool calls some other party made (`othersCall`) that started after `from` and no later than `to` (epoch ms). */
export function othersCallsBetween(trace: Trace, from: number, to: number): Span[] {
  return trace.spans.filter((s) => isToolSpan(s) && othersCall(s) && s.startTime > from && s.startTime <= to);
}

/** `othersCall` as predicate source, for predicates that must select the calls the detectors do. */
export const OTHERS_CALL_EXPR = `(s.attributes != null && typeof s.attributes["tool.requestor"] === "string" && s.attributes["tool.requestor"] !== "assistant")`;

export function toolName(s: Span): string {
  const n = s.tool?.name;
  return (typeof n === 'string' && n) || (typeof s.name === 'string' ? s.name : '');
}

const DISPATCH_TOOL = ['tool_name', 'toolName', 'function_name', 'tool'];
const DISPATCH_SERVER = ['server_name', 'serverName', 'server', 'mcp_server'];
const DISPATCH_PARAMS = ['params', 'parameters', 'arguments', 'args', 'tool_input', 'input', 'kwargs'];

/**
 * The tool a dispatching call runs: a gateway tool (an MCP proxy's
 * `execute-tool`, a `call_tool`) whose arguments name another tool, and its
 * server, beside that tool's own parameters. What fails is the tool it names,
 * so errors are that tool's. Null for any other call.
 */
export function dispatchedTool(s: Span): string | null {
  const a = s.tool?.arguments;
  if (!a || typeof a !== 'object' || Array.isArray(a)) return null;
  const o = a as Record<string, unknown>;
  const tool = DISPATCH_TOOL.map((k) => o[k]).find((v): v is string => typeof v === 'string' && /^[\w.:/-]{1,120}$/.test(v));
  if (!tool) return null;
  const params = DISPATCH_PARAMS.some((k) => k in o && (o[k] === null || typeof o[k] === 'object' || (typeof o[k] === 'string' && /^\s*\{/.test(o[k] as string))));
  if (!params) return null;
  const server = DISPATCH_SERVER.map((k) => o[k]).find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 120);
  return server ? `${server}/${tool}` : tool;
}

/** The tool a call reaches: the dispatched one through a gateway (`execute-tool → fetch/fetch`), else its own name. */
export function callTarget(s: Span): string {
  let v = targets.get(s);
  if (v === undefined) {
    const inner = dispatchedTool(s);
    targets.set(s, (v = inner ? `${toolName(s)} → ${inner}` : toolName(s)));
  }
  return v;
}

const targets = runMemo<Span, string>();

/**
 * Formats whose spans carry a status of their own (OTel and the tracing
 * products). Elsewhere (chat transcripts, group chats, agent trajectories)
 * a span's status is the ingest's reading of an exit code or an error field,
 * and the text is where a framework puts a failure.
 */
const STATUS_FORMATS = new Set(['otlp', 'flat-span', 'clickhouse-row', 'span-tree', 'phoenix', 'langfuse', 'langsmith', 'openai-agents']);

/** The run's source records a status per span, so "unset" and "ok" are what the source said. */
export function recordsStatus(t: Trace): boolean {
  const f = (t as { source?: { format?: unknown } }).source?.format;
  return typeof f !== 'string' || STATUS_FORMATS.has(f);
}

export function isErrorSpan(s: Span): boolean {
  return s.status === 'error' || s.error != null;
}

/**
 * Whether the source recorded how a call went. A reader marks a call no
 * result answers (`halo.result_unrecorded`: a run's last action, which the log
 * stops before); such a call neither worked nor failed as far as the spans
 * show, so it is never the call that "ran without error". (An OTel span's
 * unset status is not this: there it means the span ended without error.)
 */
export function outcomeRecorded(s: Span): boolean {
  return s.attributes?.['halo.result_unrecorded'] !== true;
}
/** The same test as a predicate expression over a span `s`. */
export const OUTCOME_RECORDED_EXPR = '!(s.attributes && s.attributes["halo.result_unrecorded"] === true)';

/** The span's error text: the error message, else the status message. */
export function errorMessage(s: Span): string {
  const m = s.error?.message;
  return (typeof m === 'string' && m) || (typeof s.statusMessage === 'string' ? s.statusMessage : '');
}

/** Which agent a trace belongs to: the ingest's one rule (agent, agent id, service). Predicates inline AGENT_EXPR. */
export { agentOf, AGENT_EXPR } from '../../src/ingest/agent-identity.ts';

/** Identity of a tool call: name plus arguments as recorded. */
export function callKey(s: Span): string {
  // As `argumentText` renders them, but for null, which JSON writes out.
  return `${toolName(s)}\u0000${s.tool?.arguments === null ? 'null' : argumentText(s)}`;
}

export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** How titles name an agent; traces without any agent identity read as "Agent". */
export function agentLabel(agent: string): string {
  return agent === 'unknown' ? 'Agent' : agent;
}

/** How summaries name an agent: "agent support-agent", or "the agent" when unnamed. */
export function agentPhrase(agent: string): string {
  return agent === 'unknown' ? 'the agent' : `agent ${agent}`;
}
