// Tool arguments that cannot work: not valid JSON, or valid JSON that breaks
// the schema the tool declared (missing required fields, wrong types, values
// outside the declared enum). One finding per tool and violation.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, lit, shareText, type Citation } from './finding.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { checkSchema, type Violation } from './schema-check.ts';
import { excerpt, textOf } from './text.ts';
import { AGENT_EXPR, agentOf, errorMessage, indexTrace, isErrorSpan, OTHERS_CALL_EXPR, toolName, agentLabel, agentPhrase } from './trace-index.ts';
import { callOwner, declarationFor, emittingCall } from './owner.ts';
import { parsePythonLiteral } from '../../src/ingest/python-literal.ts';
import { describeLimit, outputLimit } from './output-limit.ts';
import { afterViolation, reportsNoFailure, type RetryOutcome } from './validation-retry.ts';

interface Group {
  tool: string;
  signature: string;
  violation: Violation | null;
  traces: Set<string>;
  citations: Citation[];
  calls: number;
  values: Map<string, number>;
  /** Calls per tool (invalid JSON is grouped per agent). */
  tools: Map<string, number>;
  /** Cut-off calls whose emitting reply's provider named the output limit as its stop reason, by reason. */
  stopReasons: Map<string, number>;
  /** Cut-off calls whose emitting reply's output tokens reached its request's max tokens. */
  atMax: number;
  /** Violations present in cut-off calls that the cut did not cause (a whole field of the wrong type): path → description. */
  besides: Map<string, string>;
  /** Cut-off calls whose arguments do not parse as JSON at all. */
  unparsed: number;
  /** What became of each violating call, by outcome (see afterViolation). */
  returned: number;
  passedFirst: number;
  passedLater: number;
  retryFailed: number;
  noRetry: number;
  /** Broken-JSON calls whose error went back unrecorded, after which a later call of the tool parsed and ran. */
  laterRan: number;
}

/** One failing call as the global step adds it to its group. */
interface Added {
  agent: string;
  tool: string;
  signature: string;
  violation: Violation | null;
  citation: Citation;
  /** For a schema violation: what became of the call (afterViolation), its reporting spans left out. */
  outcome?: { kind: RetryOutcome['kind']; retries?: number; passed?: boolean };
  /** For broken JSON whose error no recorded model input shows: a later call of the same tool by the same agent parsed and ran without error. */
  laterRan?: boolean;
  /** For a call cut off at the output limit: how it shows, the required fields it lacks, and the other violations (path, description). */
  cut?: { reason?: string; atMax: boolean; lacking: string[]; besides: [string, string][]; unparsed?: boolean };
}

interface ArgumentsRun {
  /** The agents that act in the run. */
  agents: string[];
  added: Added[];
  /** Agents for which the invalid-JSON predicate matches this run; null when the predicate throws on it. */
  brokenJsonAgents: string[] | null;
}

export const toolArgumentSteps: TwoStep<ArgumentsRun, { minTraces?: number }> = {
  perRun(t) {
    const added: Added[] = [];
    const add = (agent: string, tool: string, signature: string, v: Violation | null, c: Citation, s?: Span, schema?: unknown): Added => {
      const a: Added = { agent, tool, signature, violation: v, citation: c };
      if (s && v && schema !== undefined) {
        const o = afterViolation(t, s, fieldNames(v), (x) => passes(t, x, schema));
        a.outcome = o.kind === 'retried' ? { kind: o.kind, retries: o.retries, passed: o.passed } : { kind: o.kind };
      }
      added.push(a);
      return a;
    };
    for (const s of indexTrace(t).tools) {
      const name = toolName(s);
      const agent = callOwner(t, s) ?? agentOf(t);
      const raw = s.tool?.arguments;
      const parsed = parseArguments(s);
      if (parsed.invalid) {
        // Arguments that stop part-way because the reply hit its output limit are a cut-off, not malformed JSON.
        const limit = outputLimit(emittingCall(t, s));
        if (limit) {
          const text = parsed.text;
          add(agent, name, 'arguments_cut_off', null, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, text.length - 160)), note: `cut off at the output limit (${describeLimit(limit)}); the arguments do not parse as JSON` }).cut = {
            ...(limit.reason ? { reason: limit.reason } : {}),
            atMax: limit.max !== undefined && limit.output! >= limit.max - 1,
            lacking: [],
            besides: [],
            unparsed: true,
          };
          continue;
        }
        const a = add(agent, name, 'invalid_json_arguments', null, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(parsed.text) });
        // As for a schema violation: did the parse error go back, and did a retry the model made after reading it parse and run?
        const ran = (x: Span) => !parseArguments(x).invalid && !isErrorSpan(x) && reportsNoFailure(t, x);
        const o = afterViolation(t, s, [], ran);
        a.outcome = o.kind === 'retried' ? { kind: o.kind, retries: o.retries, passed: o.passed } : { kind: o.kind };
        if (o.kind === 'not_returned') {
          const tools = indexTrace(t).tools;
          a.laterRan = tools.slice(tools.indexOf(s) + 1).some((x) => toolName(x) === name && (callOwner(t, x) ?? agentOf(t)) === agent && ran(x));
        }
        continue;
      }
      if (parsed.value === undefined) continue;
      // Arguments passed positionally with no parameter names in the trace: a
      // schema check would see every required field as missing.
      if (s.tool?.positionalArguments !== undefined) continue;
      // Only the schema this agent was offered in this run; none, or
      // declarations that disagree, leave nothing to check against.
      const decl = declarationFor(t, s);
      if (decl === undefined || decl === 'conflict' || !decl.schema) continue;
      const seen = new Set<string>();
      const violations = checkSchema(parsed.value, decl.schema);
      // A call cut off at the output limit is one failure, not one per field:
      // what it lacks, the cut removed. A field it sent whole but of the wrong
      // type was not cut, and is said apart.
      const limit = violations.length ? outputLimit(emittingCall(t, s)) : null;
      if (limit) {
        const text = typeof raw === 'string' ? raw : textOf(raw);
        const lacking = violations.filter((v) => v.kind === 'missing');
        const other = violations.filter((v) => v.kind !== 'missing');
        const note = `cut off at the output limit (${describeLimit(limit)})${lacking.length ? `; lacks ${lacking.slice(0, 6).map((v) => `\`${v.path}\``).join(', ')}` : ''}${other.length ? `; besides, ${other.slice(0, 3).map(describe).join('; ')}` : ''}`;
        add(agent, name, 'arguments_cut_off', violations[0]!, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, text.length - 160)), note }).cut = {
          ...(limit.reason ? { reason: limit.reason } : {}),
          atMax: limit.max !== undefined && limit.output! >= limit.max - 1,
          lacking: lacking.map((v) => v.path),
          besides: other.map((v) => [v.path, describe(v)]),
        };
        continue;
      }
      for (const v of violations) {
        const signature = `schema_violation:${v.kind}:${v.path}`;
        if (seen.has(signature)) continue; // one count per call, even with many array items
        seen.add(signature);
        const text = typeof raw === 'string' ? raw : textOf(raw);
        add(agent, name, signature, v, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, locate(text, v)), note: describe(v) }, s, decl.schema);
      }
    }
    let brokenJsonAgents: string[] | null;
    try {
      brokenJsonAgents = (brokenJsonOwners(t) as unknown[]).filter((a): a is string => typeof a === 'string');
    } catch {
      brokenJsonAgents = null;
    }
    return { agents: [...agentsOfRun(t)], added, brokenJsonAgents };
  },
  global: toolArgumentFindings,
  passes: true,
};

export const toolArguments = oneShot(toolArgumentSteps);

/** One pass over the runs, joining each run's calls as it goes, so that a week's runs are never held whole. */
function toolArgumentFindings(given: RunPasses<ArgumentsRun>, opts: { minTraces?: number }): FindingInput[] {
  const observed = Array.isArray(given) ? arrayPasses(given as RunObs<ArgumentsRun>[]) : given;
  const minTraces = opts.minTraces ?? 1;
  const out: FindingInput[] = [];
  // Grouped by the agent whose model emitted each call (a sub-agent's calls are
  // its own), checked against what that agent was offered in that run.
  const runs = new Map<string, Set<string>>();
  const byAgent = new Map<string, Map<string, Group>>();
  const broken: BrokenRuns = { unknown: false, byAgent: new Map() };
  observed.forEach(({ run, obs }) => {
    if (obs.brokenJsonAgents === null) broken.unknown = true;
    else for (const agent of new Set(obs.brokenJsonAgents)) (broken.byAgent.get(agent) ?? broken.byAgent.set(agent, []).get(agent)!).push(run.traceId);
    for (const agent of obs.agents) (runs.get(agent) ?? runs.set(agent, new Set()).get(agent)!).add(run.traceId);
    for (const a of obs.added) {
      const v = a.violation;
      let groups = byAgent.get(a.agent);
      if (!groups) byAgent.set(a.agent, (groups = new Map()));
      // Broken JSON is one agent-level failure (the fix is strict function calling); schema violations are per tool and field.
      const id = v || a.cut ? `${a.tool}\u0000${a.signature}` : a.signature;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { tool: a.tool, signature: a.signature, violation: v, traces: new Set(), citations: [], calls: 0, values: new Map(), tools: new Map(), stopReasons: new Map(), atMax: 0, besides: new Map(), unparsed: 0, returned: 0, passedFirst: 0, passedLater: 0, retryFailed: 0, noRetry: 0, laterRan: 0 }));
      g.calls++;
      const o = a.outcome;
      if (o && o.kind !== 'not_returned') g.returned++;
      if (a.laterRan) g.laterRan++;
      if (o?.kind === 'no_retry') g.noRetry++;
      else if (o?.kind === 'retried') {
        if (!o.passed) g.retryFailed++;
        else if (o.retries === 1) g.passedFirst++;
        else g.passedLater++;
      }
      if (a.cut) {
        for (const p of a.cut.lacking) g.values.set(p, (g.values.get(p) ?? 0) + 1);
        for (const [p, d] of a.cut.besides) g.besides.set(p, d);
        if (a.cut.reason) g.stopReasons.set(a.cut.reason, (g.stopReasons.get(a.cut.reason) ?? 0) + 1);
        if (a.cut.atMax) g.atMax++;
        if (a.cut.unparsed) g.unparsed++;
      }
      g.tools.set(a.tool, (g.tools.get(a.tool) ?? 0) + 1);
      g.traces.add(run.traceId);
      g.citations.push(a.citation);
      if (v?.kind === 'enum' || v?.kind === 'type') {
        const key = JSON.stringify(v.actual) ?? String(v.actual);
        g.values.set(key, (g.values.get(key) ?? 0) + 1);
      }
    }
  });
  for (const [agent, groups] of byAgent) {
    const total = runs.get(agent)?.size ?? observed.length;
    for (const g of groups.values()) {
      if (g.traces.size < minTraces) continue;
      out.push(g.signature === 'arguments_cut_off' ? cutOffFinding(agent, total, g) : g.violation ? schemaFinding(agent, total, g) : invalidJsonFinding(agent, total, g, broken));
    }
  }
  return out;
}

/** The agents that act in a run: every agent a span names, else the run's agent. */
function agentsOfRun(t: Trace): Set<string> {
  const out = new Set<string>();
  for (const s of t.spans) if (typeof s.agentName === 'string' && s.agentName !== '') out.add(s.agentName);
  if (!out.size) out.add(agentOf(t));
  return out;
}

/**
 * Parsed arguments, or the raw text when they are a string that is not JSON.
 * Only text that tries to be JSON and is not can be broken JSON: free text is
 * an input format some tools take, and a Python repr (`{'a': 1}`, what
 * LangChain and smolagents record) is a literal, not an error.
 */
export function parseArguments(s: Span): { invalid: boolean; value?: unknown; text: string } {
  const raw = s.tool?.arguments;
  if (typeof raw !== 'string') return { invalid: false, value: raw ?? undefined, text: '' };
  if (brokenJson(raw, isErrorSpan(s) ? errorMessage(s) : undefined)) return { invalid: true, text: raw };
  const trimmed = raw.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return { invalid: false, value: undefined, text: raw };
  try {
    return { invalid: false, value: JSON.parse(trimmed), text: raw };
  } catch {
    return { invalid: false, value: parsePythonLiteral(trimmed), text: raw };
  }
}

/**
 * Text that tries to be a JSON object or array and is not JSON: either the
 * call failed saying it could not parse its input (`failure`, the span's
 * error text), or it is not a Python literal either. Self-contained: its
 * source is inlined into the finding's predicate, so the engine re-runs
 * exactly this rule.
 */
export function brokenJson(a: unknown, failure?: unknown): boolean {
  if (typeof a !== 'string') return false;
  const s = a.trim();
  if (!/^[[{]/.test(s)) return false;
  try {
    JSON.parse(s);
    return false;
  } catch {
    /* not JSON: maybe a Python literal, which only a consumer that wanted JSON rejects */
  }
  if (typeof failure === 'string' && /\bJSON\b|\bpars(?:e|ing)\b/i.test(failure)) return true;
  const asJson = s.replace(/"(?:[^"\\]|\\.)*"|'((?:[^'\\]|\\.)*)'|\bTrue\b|\bFalse\b|\bNone\b|[()]|,\s*(?=[\]}])/g, (m: string, sq: string | undefined) => {
    if (sq !== undefined) return `"${sq.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`;
    if (m.startsWith('"')) return m;
    return m === 'True' ? 'true' : m === 'False' ? 'false' : m === 'None' ? 'null' : m === '(' ? '[' : m === ')' ? ']' : '';
  });
  try {
    JSON.parse(asJson);
    return false;
  } catch {
    return true;
  }
}

function locate(text: string, v: Violation): number {
  if (v.kind === 'missing') return 0;
  const at = text.indexOf(`"${v.field}"`);
  return at >= 0 ? at : 0;
}

function describe(v: Violation): string {
  switch (v.kind) {
    case 'missing': return `required field \`${v.path}\` is missing`;
    case 'type': return `\`${v.path}\` is ${String(v.actual)}, expected ${v.expected}`;
    case 'enum': return `\`${v.path}\` = ${JSON.stringify(v.actual)} is not one of ${v.expected}`;
    case 'unexpected': return `\`${v.path}\` is not a declared property`;
  }
}

// The invalid-JSON predicate, in pieces: a tool span whose arguments are broken JSON, and the agent it counts under.
const BROKEN_JSON_SPAN = `(s.kind === "tool" || s.tool != null) && !!s.tool && !${OTHERS_CALL_EXPR} && (${brokenJson.toString()})(s.tool.arguments, (s.status === "error" || s.error != null) ? ((s.error && typeof s.error.message === "string" && s.error.message) || (typeof s.statusMessage === "string" ? s.statusMessage : "")) : undefined)`;
const SPAN_AGENT = `(s.agentName || ${AGENT_EXPR})`;

/** Per run, the agents whose invalid-JSON predicate matches it: the same expression, evaluated once for every agent. */
function brokenJsonOwners(t: Trace): unknown {
  ownersFn ??= new Function(`return (t) => t.spans.filter((s) => ${BROKEN_JSON_SPAN}).map((s) => ${SPAN_AGENT})`)() as (t: Trace) => unknown;
  return ownersFn(t);
}
let ownersFn: ((t: Trace) => unknown) | undefined;

/**
 * exactOrNone (finding.ts) from the per-run matches: the predicate when the
 * runs it matches are exactly the affected ones, else undefined.
 */
/** Per agent, the runs whose calls by it the predicate's check of broken JSON matches; `unknown`: some run's could not be told. */
interface BrokenRuns {
  unknown: boolean;
  byAgent: Map<string, string[]>;
}

function exactFromRuns(predicate: string, agent: string, broken: BrokenRuns, affected: Set<string>): string | undefined {
  if (broken.unknown) return undefined;
  let matched = 0;
  for (const id of broken.byAgent.get(agent) ?? []) {
    if (!affected.has(id)) return undefined;
    matched++;
  }
  return matched === affected.size ? predicate : undefined;
}

function invalidJsonFinding(agent: string, total: number, g: Group, runs: BrokenRuns): FindingInput {
  const tools = [...g.tools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const one = tools.length === 1 ? tools[0]![0] : null;
  const listed = tools.slice(0, 8).map(([n, c]) => `\`${n}\` ×${c}`).join(', ') + (tools.length > 8 ? `, and ${tools.length - 8} more` : '');
  const recovered = g.passedFirst + g.passedLater;
  const went = g.laterRan ? ` ${g.laterRan === g.calls ? (g.calls === 1 ? 'After it' : 'After each') : `After ${g.laterRan} of them`}, a later ${one ? `\`${one}\` call` : 'call of the same tool'} by the same agent in the run parsed and ran without error (no later model call's recorded input holds the parse error, so whether it reached the model is not shown).` : '';
  const strict = `Turn on structured outputs / strict function calling for ${agentPhrase(agent)} so arguments are constrained to each tool's schema`;
  return buildFinding({
    title: one ? `${one}: tool arguments are not valid JSON` : `${agentLabel(agent)}: tool arguments are not valid JSON`,
    category: 'tool_arguments',
    // Recovered each time by a retry the model made after reading the parse error: what it costs is the extra calls.
    severity: recovered === g.calls ? 'low' : recovered + g.laterRan === g.calls ? 'low' : recovered + g.laterRan > 0 ? 'medium' : 'high',
    summary: `${shareText(g.traces.size, total)} of ${agentPhrase(agent)} send tool arguments that do not parse as JSON (${count(g.calls, 'call')}: ${listed}); a call whose arguments do not parse cannot run as sent.${recoveryText(g, 'parse error', 'parsed and ran without error')}${went}`,
    rootCause: `The arguments the model sent do not parse as JSON (the cited excerpts show them as sent).`,
    confirmed: true,
    fix:
      recovered === g.calls
        ? `The run already sends the parse error back and the model's retry parses: ${strict.charAt(0).toLowerCase()}${strict.slice(1)} to save the extra ${g.passedLater ? 'calls' : 'call'}.`
        : recovered + g.laterRan === g.calls
          ? `The run went on to call the tool with arguments that parse: ${strict.charAt(0).toLowerCase()}${strict.slice(1)} to save the failed ${g.calls === 1 ? 'call' : 'calls'}.`
          : `${strict}; on a parse failure, return the parse error to the model and let it retry once instead of executing.`,
    fixKind: 'config',
    component: `agent:${agent}`,
    signature: 'invalid_json_arguments',
    monitor: `Share of tool calls of ${agentLabel(agent)} whose arguments fail JSON.parse, per day (should be 0).`,
    detector: 'tool-arguments',
    traceIds: g.traces,
    citations: g.citations,
    total,
    predicate: exactFromRuns(`(t) => t.spans.some((s) => ${BROKEN_JSON_SPAN} && ${SPAN_AGENT} === ${lit(agent)})`, agent, runs, g.traces),
    data: { agent, calls: g.calls, tools: Object.fromEntries(tools), recovery: { returned: g.returned, passedFirst: g.passedFirst, passedLater: g.passedLater, retryFailed: g.retryFailed, noRetry: g.noRetry, laterRan: g.laterRan } },
  });
}

/** The names a validation error about `v` would use for its field: the top-level property and the leaf. */
function fieldNames(v: Violation): string[] {
  const parts = v.path.split(/[.[\]]+/).filter(Boolean);
  return [...new Set([parts[0] ?? v.path, v.field].filter((x): x is string => typeof x === 'string' && x !== ''))];
}

/** A later call passes: its arguments parse, break nothing in the schema, were not cut off, and it reports no failure. */
function passes(t: Trace, x: Span, schema: unknown): boolean {
  const parsed = parseArguments(x);
  if (parsed.invalid || parsed.value === undefined || x.tool?.positionalArguments !== undefined) return false;
  if (checkSchema(parsed.value, schema).length) return false;
  return !isErrorSpan(x) && reportsNoFailure(t, x);
}

function cutOffFinding(agent: string, total: number, g: Group): FindingInput {
  const fields = [...g.values].sort((a, b) => b[1] - a[1]).map(([p]) => `\`${p}\``);
  const reasons = [...g.stopReasons];
  const stopped = reasons.reduce((n, [, c]) => n + c, 0);
  // What shows each call was cut: the provider's stop reason, else its output tokens at the request's max.
  const how = [
    stopped ? `the provider recorded stop reason ${reasons.map(([r]) => `\`${r}\``).join(' or ')} for ${stopped === g.calls ? (g.calls === 1 ? 'it' : 'each') : `${stopped} of them`}` : '',
    g.atMax ? `output tokens at the request's max tokens, or one short of it, for ${g.atMax === g.calls ? (g.calls === 1 ? 'it' : 'each') : `${g.atMax} of them`}` : '',
  ].filter(Boolean).join('; ');
  const besides = [...g.besides.values()];
  return buildFinding({
    title: `${g.tool}: arguments cut off at the model's output limit`,
    category: 'tool_arguments',
    severity: 'medium',
    summary: `${shareText(g.traces.size, total)} of ${agentPhrase(agent)} call \`${g.tool}\` with arguments that stop part-way (${count(g.calls, 'call')}): each was emitted by a model reply that stopped at its output limit (${how}).${g.unparsed ? ` ${g.unparsed === g.calls ? (g.calls === 1 ? 'Its arguments do' : 'Their arguments do') : `The arguments of ${g.unparsed} of them do`} not parse as JSON.` : ''}${fields.length ? ` The arguments as cut lack required ${fields.length === 1 ? 'field' : 'fields'} ${fields.slice(0, 8).join(', ')}${fields.length > 8 ? ', …' : ''}.` : ''}${besides.length ? ` Besides the cut, ${besides.slice(0, 3).join('; ')}.` : ''}`,
    rootCause: `The model reply that emitted these arguments stopped at its output limit: the arguments were cut off part-way, so what they lack was never sent.`,
    confirmed: true,
    fix: `Raise the output limit (max tokens) for the calls that emit \`${g.tool}\`, or treat a reply stopped for length (finish_reason "length", stop_reason "max_tokens") as failed and retry it with more room; schema wording cannot fix arguments that were cut off.`,
    fixKind: 'config',
    component: `tool:${g.tool}`,
    signature: 'arguments_cut_off',
    monitor: `Count of model calls that stop at their output limit while emitting \`${g.tool}\`, per day.`,
    detector: 'tool-arguments',
    traceIds: g.traces,
    citations: g.citations,
    total,
    data: { agent, tool: g.tool, calls: g.calls, fields: Object.fromEntries(g.values), stopReasons: Object.fromEntries(g.stopReasons), atMax: g.atMax },
  });
}

/** What the spans show became of the violating calls: the error sent back, the model's retries and how they ended. Empty when no error went back. */
function recoveryText(g: Group, error = 'validation error', check = 'passed the check'): string {
  if (!g.returned) return '';
  const all = g.returned === g.calls;
  const who = all ? (g.calls === 1 ? 'The' : 'Each time the') : `For ${g.returned} of them the`;
  const head = `${who} ${error} went back to the model (a later model call's input holds it verbatim)`;
  const one = g.returned === 1;
  const n = (k: number) => (k === g.returned ? (one ? '' : 'each time ') : `${k} ${k === 1 ? 'time' : 'times'}: `);
  const parts = [
    g.passedFirst ? `${n(g.passedFirst)}the next \`${g.tool}\` call, which the model made after reading it, ${check}` : '',
    g.passedLater ? `${n(g.passedLater)}the model's retry failed again, and a later retry, made after reading that error too, ${check.replace(/^passed the check$/, 'passed')}` : '',
    g.retryFailed ? `${n(g.retryFailed)}the model retried after reading it, and no retry passed` : '',
    g.noRetry ? `${n(g.noRetry)}the model that read it made no further \`${g.tool}\` call` : '',
  ].filter(Boolean);
  return ` ${head}; ${parts.join('; ')}.`;
}

function schemaFinding(agent: string, total: number, g: Group): FindingInput {
  const v = g.violation!;
  const recovered = g.passedFirst + g.passedLater;
  const values = [...g.values].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const what =
    v.kind === 'missing' ? `omit the required field \`${v.path}\``
    : v.kind === 'enum' ? `set \`${v.path}\` to values outside its enum (${values.map(([x, n]) => `${x} ×${n}`).join(', ')}; allowed: ${v.expected})`
    : v.kind === 'type' ? `pass \`${v.path}\` with the wrong type (expected ${v.expected}; got ${values.map(([x]) => x).join(', ')})`
    : `pass \`${v.path}\`, which the schema does not declare`;
  const fix =
    v.kind === 'missing' ? `Make \`${v.path}\` impossible to forget: keep it in \`required\`, describe in the \`${g.tool}\` tool description where its value comes from, enable strict function calling, and validate arguments against the schema before calling (returning the validation error to the model).`
    : v.kind === 'enum' ? `List the allowed values of \`${v.path}\` (${v.expected}) in the \`${g.tool}\` description, enable strict function calling so the enum is enforced, and reject other values before execution with the allowed list.`
    : v.kind === 'type' ? `State the type of \`${v.path}\` (${v.expected}) in the \`${g.tool}\` description with an example, enable strict function calling, and validate before execution.`
    : `Remove \`${v.path}\` from what the prompt suggests, or declare it in the \`${g.tool}\` schema if the tool accepts it.`;
  return buildFinding({
    title: `${g.tool}: arguments ${v.kind === 'missing' ? `miss required \`${v.path}\`` : v.kind === 'enum' ? `use invalid \`${v.path}\` values` : v.kind === 'type' ? `have wrong type for \`${v.path}\`` : `include undeclared \`${v.path}\``}`,
    category: 'tool_arguments',
    // Recovered each time by a retry the model made after being told: what it costs is the extra calls.
    severity: recovered === g.calls ? 'low' : v.kind === 'unexpected' || recovered > 0 ? 'medium' : 'high',
    summary: `${shareText(g.traces.size, total)} of ${agentPhrase(agent)} call \`${g.tool}\` with arguments that ${what}: ${count(g.calls, 'call breaks', 'calls break')} the tool's declared JSON schema.${recoveryText(g)}`,
    rootCause: `The arguments the model sends to \`${g.tool}\` violate its declared schema (${describe(v)}); the schema is in the trace, so this is confirmed, not inferred.`,
    confirmed: true,
    fix: recovered === g.calls ? `The run already sends the validation error back and the model's retry passes: ${fix.charAt(0).toLowerCase()}${fix.slice(1)} Only the extra ${g.passedLater ? 'calls are' : 'call is'} saved.` : fix,
    fixKind: 'tool_schema',
    component: `tool:${g.tool}`,
    signature: g.signature,
    monitor: `Validate \`${g.tool}\` arguments against its schema in production and count \`${g.signature}\` per day (should be 0).`,
    detector: 'tool-arguments',
    traceIds: g.traces,
    citations: g.citations,
    total,
    data: { agent, tool: g.tool, calls: g.calls, violation: { kind: v.kind, path: v.path, expected: v.expected }, values: Object.fromEntries(values), recovery: { returned: g.returned, passedFirst: g.passedFirst, passedLater: g.passedLater, retryFailed: g.retryFailed, noRetry: g.noRetry } },
  });
}
