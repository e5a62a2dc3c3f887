// Error spans grouped by where they happen (tool or span name) and their
// normalized message, so "timeout after 30s on order 123" and "timeout after
// 31s on order 456" are one failure, not two.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { normalizeMessage } from '../../src/ingest/signature.ts';
import { buildFinding, count, shareText, type Citation, minPatternTraces } from './finding.ts';
import { excerpt, firstLine, textOf } from './text.ts';
import { agentOf, errorMessage, indexTrace, isErrorSpan, isToolSpan, toolName } from './trace-index.ts';
import { failureOf, originAgent, originErrors, requestingTurn } from './origin.ts';
import { probeOf, receivingCall } from './received.ts';
import { PROVIDER_CAPACITY } from './provider-capacity.ts';
import { recoveredLater, valueOrigin, type ValueSource } from './provenance.ts';
import { acknowledges, replyText } from './ignored-errors.ts';
import { resultText } from './error-text.ts';

/** The error text part of a group's signature (multi-agent signatures lead with the span). */
function errorSignature0(g: Group): string {
  return g.component.startsWith('agent:') && g.signature.startsWith(g.where) ? g.signature.slice(g.where.length + 1) : g.signature;
}

/** Span names that differ only by a number or an id ("Step 6", "Step 10") name one place. */
export function normalizeSpanName(name: string): string {
  return normalizeMessage(name, 120);
}

export function spanComponent(s: Span): string {
  if (isToolSpan(s)) return `tool:${toolName(s)}`;
  if (s.kind === 'llm') return `model:${s.model ?? s.name}`;
  return `span:${normalizeSpanName(String(s.name ?? ''))}`;
}

// An exception class named in the text ("… due to: TypeError: …",
// "litellm.RateLimitError: …") identifies the failure; what follows it is the
// occurrence's own detail. A bare "Error:" is not a class.
const EXCEPTION_CLASS = /\b[A-Za-z_][\w.]*[a-z](?:Error|Exception|Exit|Interrupt)\b/;
// Code quoted by an interpreter's message ("failed at line '<code>' due to")
// is the occurrence, not the failure.
const QUOTED_CODE = /\b(at|on) line '[\s\S]*?'(?=\s+due to\b)/;

// A traceback names its exception on a line of its own, last; other mentions
// (a `raise ValueError(` in a quoted code line) are the code, not the failure.
const EXCEPTION_LINE = /^[ \t]*((?:[A-Za-z_][\w]*\.)*[A-Za-z_]*[a-z](?:Error|Exception|Exit|Interrupt))\b(?=:|[ \t]*$)/gm;

function exceptionClass(msg: string): { name: string; start: number } | null {
  let last: RegExpExecArray | null = null;
  for (const m of msg.matchAll(EXCEPTION_LINE)) last = m;
  if (last) {
    // Keep what precedes the traceback only when it is short (an "exitcode: 1" status line).
    const before = msg.slice(0, last.index).split('\n')[0]!;
    return { name: last[1]!, start: before.length <= 80 ? before.length : 0 };
  }
  const m = EXCEPTION_CLASS.exec(msg);
  return m ? { name: m[0], start: m.index } : null;
}

/** A code runner's error: its exception line (class and message), normalized, else the generic signature. */
function codeErrorSignature(s: Span, message: string): string {
  const line = message.split('\n').map((l) => l.trim()).filter((l) => /^(?:[\w.]+\.)?[A-Za-z_]*(?:Error|Exception)\b/.test(l)).pop();
  if (!line || /^(?:[\w.]+\.)?(ModuleNotFoundError|ImportError)\b/.test(line) && /No module named/.test(line)) return errorSignature(s, message);
  // Quoted names (the attribute, the key, the type) are what the failure is about: keep them.
  // File names and paths are each run's own value (an invented file differs per run): those collapse.
  const quoted: string[] = [];
  const masked = line.replace(/(['"])([^'"\n]{1,80})\1/g, (m, _q: string, inner: string) => (/[./\\]/.test(inner) ? m : `\uE000${String.fromCharCode(97 + Math.min(quoted.push(m) - 1, 25))}\uE001`));
  // Restored without their quotes: a finding's key normalizes quoted values away, and these names are the point.
  return normalizeMessage(masked.replace(/\s+/g, ' '), 160).replace(/\uE000([a-z])\uE001/g, (_, c: string) => (quoted[c.charCodeAt(0) - 97] ?? '').slice(1, -1));
}

export function errorSignature(s: Span, message?: string): string {
  const raw = message ?? errorMessage(s);
  const type = s.error?.type;
  const msg = raw.replace(QUOTED_CODE, '$1 line <code>');
  const cls = exceptionClass(msg);
  // A missing module is named by the failure itself: one missing package across runs is one cause, two are two.
  const missing = cls && /^(ModuleNotFoundError|ImportError)$/.test(cls.name.split('.').pop()!) ? /No module named '([\w]+)/.exec(msg)?.[1] : undefined;
  // Unquoted: a key's normalization collapses quoted values, and the module is what tells two causes apart.
  if (missing) return `${cls!.name}: No module named ${missing}`;
  const head = cls ? `${msg.slice(0, cls.start).trimEnd()} ${cls.name}`.trim() : msg;
  // A trailing parenthesised detail (a parser's position, an errno) varies
  // between occurrences of one failure; keep it out of the signature.
  const norm = head ? normalizeMessage(head.replace(/\s+/g, ' ')).replace(/\s*\([^()]*\)\s*$/, '').replace(/<n> (\w+?)s\b/g, '<n> $1') : '';
  return norm || (type ? `type:${type}` : 'error status without message');
}

interface Group {
  component: string;
  signature: string;
  /** The span/tool/model the error is raised in. */
  where: string;
  traces: Set<string>;
  spans: number;
  citations: Citation[];
  occurrences: Occurrence[];
  /** Occurrences the next model call was sent (its input holds the error text). */
  received: number;
  agents: Map<string, number>;
  /** Occurrences whose tool reported that what it ran failed (a test verdict, a non-zero exit), not that it broke. */
  reported: number;
  /** Occurrences run by an executor for another agent's turn (`role: 'requested'` recorded). */
  requested: number;
  /** Occurrences the agent got past: the next call to the same tool or model worked, or the model's next reply took the failure up. */
  recovered: number;
  /** Where the value a not-found error is about came from, per occurrence that could be told. */
  origins: Map<ValueSource, { count: number; example: string }>;
}

/**
 * A tool that runs something (tests, a script, the agent's code) and reports
 * its failure: the text says the run failed, not the tool. Its fix is in what
 * was run, not in the tool.
 */
const REPORTED_FAILURE = /\b(\d+ tests? failed|tests? failed|exit(?:ed)? (?:with )?(?:status|code) [1-9]\d*|exitcode: ?[1-9]\d*|non-zero exit|returned non-zero|Traceback \(most recent call last\))/i;

/**
 * A span a finding attributes the failure to. `role: 'received'` marks the
 * model call that was sent the failure (its text is in the call's input): the
 * step where the agent reacts to it; `role: 'repeated'` the earlier step whose
 * action a later one repeats; `role: 'requested'` the turn, in a multi-agent
 * run, whose request failed (the code an executor ran). `of` is the span the
 * role relates to.
 */
export interface Occurrence {
  traceId: string;
  spanId: string;
  role?: 'received' | 'repeated' | 'requested';
  of?: string;
}

/** Every span a finding attributes the failure to is recorded, up to this many. */
export const MAX_OCCURRENCES = 1000;

export function errorSignatures(traces: Trace[], opts: { minTraces?: number; maxFindings?: number } = {}): FindingInput[] {
  const minTraces = opts.minTraces ?? minPatternTraces(traces.length);
  const maxFindings = opts.maxFindings ?? 30;
  const groups = new Map<string, Group>();
  // A value the user gave that was not found, after which the agent got a corrected call through: handled well, not a defect.
  let userValuesHandled = 0;
  for (const t of traces) {
    // One failure counts once, where it originates: ancestors that re-raise it
    // are left out, and the same error text twice in one run is one occurrence.
    const seenText = new Set<string>();
    for (const s of originErrors(t)) {
      // The run's own top-level error repeats the failing step's; count the step.
      if (s.spanId === t.rootSpanId && t.spans.length > 1) continue;
      const message = failureOf(t, s);
      if (message === null) continue;
      const text = `${spanComponent(s)}\u0000${message.trim()}`;
      if (seenText.has(text)) continue;
      seenText.add(text);
      const valueFrom = isToolSpan(s) ? valueOrigin(t, s) : null;
      if (valueFrom?.source === 'user' && recoveredLater(t, s)) {
        userValuesHandled++;
        continue;
      }
      // In a multi-agent run the failure belongs to the agent it starts with;
      // a model call refused for capacity (rate limit, overload, 5xx) starts at
      // the provider, whose limits every agent shares: it stays with the model.
      const capacity = spanComponent(s).startsWith('model:') && PROVIDER_CAPACITY.test(errorSignature(s, message));
      const origin = capacity ? undefined : originAgent(t, s);
      const component = origin ? `agent:${origin}` : spanComponent(s);
      // A code runner's failures are told apart by their message, not their class alone.
      const sig = isToolSpan(s) && runsCode(s) ? codeErrorSignature(s, message) : errorSignature(s, message);
      // A traceback whose exception line the trace does not hold names no failure to group by.
      if (/^Traceback \(most recent call last\):?$/.test(sig.trim())) continue;
      const signature = origin ? `${spanComponent(s)} ${sig}` : sig;
      const id = `${component}\u0000${signature}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { component, signature, where: spanComponent(s), traces: new Set(), spans: 0, citations: [], occurrences: [], received: 0, agents: new Map(), reported: 0, requested: 0, recovered: 0, origins: new Map() }));
      g.spans++;
      if (recovered(t, s, message)) g.recovered++;
      if (valueFrom) {
        const o = g.origins.get(valueFrom.source);
        if (o) o.count++;
        else g.origins.set(valueFrom.source, { count: 1, example: valueFrom.value });
      }
      if (isToolSpan(s) && (REPORTED_FAILURE.test(message) || REPORTED_FAILURE.test(textOf(s.tool?.result).slice(0, 2000)))) g.reported++;
      if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: s.spanId });
      // The turn whose request failed (an expert's code that the executor ran): where the named agent acted.
      const asked = requestingTurn(t, s);
      if (asked) g.requested++;
      if (asked && g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: asked.spanId, role: 'requested', of: s.spanId });
      const reader = receivingCall(t, s, probeOf(message));
      if (reader) {
        g.received++;
        if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: reader.spanId, role: 'received', of: s.spanId });
      }
      if (!g.traces.has(t.traceId)) {
        g.traces.add(t.traceId);
        // Capacity errors are listed by the agent whose call was refused.
        const agent = origin ?? (capacity ? originAgent(t, s) : undefined) ?? agentOf(t);
        g.agents.set(agent, (g.agents.get(agent) ?? 0) + 1);
      }
      if (g.citations.length < 50) {
        g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: verbatim(s, message) });
      }
    }
  }
  const ranked = [...groups.values()].filter((g) => g.traces.size >= minTraces).sort((a, b) => b.traces.size - a.traces.size);
  return ranked.slice(0, maxFindings).map((g) => {
    const where = g.where.replace(/^(tool|model|span):/, '');
    const kind = g.where.startsWith('tool:') ? 'tool' : g.where.startsWith('model:') ? 'model call' : 'span';
    const byAgent = g.component.startsWith('agent:') ? g.component.slice(6) : null;
    const named = [...g.agents].filter(([a]) => a !== 'unknown').sort((a, b) => b[1] - a[1]);
    const agents = named.length ? ` Agents: ${named.map(([a, n]) => `${a} (${n})`).join(', ')}.` : '';
    const rateLimited = /\b429\b|rate.?limit|too many requests|quota|throttl/i.test(g.signature);
    const cause = causeOf(g, where, kind, rateLimited);
    const recoveredEach = g.recovered === g.spans;
    return buildFinding({
      title: (byAgent ? `${byAgent}${where === byAgent ? '' : ` → ${where}`}: ${firstLine(errorSignature0(g), 110)}` : `${where}: ${firstLine(g.signature, 120)}`) + (recoveredEach ? ' (handled each time)' : ''),
      category: 'errors_recovery',
      // Recovered each time: what it costs is the extra calls, not the run.
      // High only when the failures mostly stood: handled ones (a working next call, an acknowledging reply) cost less.
      severity: recoveredEach ? 'low' : g.traces.size / Math.max(1, traces.length) >= 0.05 && g.recovered * 2 < g.spans ? 'high' : 'medium',
      summary: `The ${kind} \`${where}\` failed with "${firstLine(errorSignature0(g), 160)}" in ${shareText(g.traces.size, traces.length)} (${count(g.spans, 'distinct error', 'distinct errors')}, counted where they originate${g.received ? `; the model was sent ${g.received === g.spans ? 'each' : `${g.received} of them`} in its next call` : ''}${g.recovered ? `; ${g.recovered === g.spans ? 'each was' : `${g.recovered} of them were`} handled: the next call to \`${where}\` worked, or the model's next reply acknowledged the failure` : ''}).${byAgent ? ` ${ownerSentence(g, byAgent)}` : agents}`,
      rootCause: cause.rootCause,
      fix: recoveredEach ? `Each of these was handled within the run (a working next call, or a reply that acknowledged it); where the next call worked they cost extra steps rather than outcomes. If those steps matter: ${cause.fix.charAt(0).toLowerCase()}${cause.fix.slice(1)}` : cause.fix,
      fixKind: cause.kind,
      component: g.component,
      signature: `error:${g.signature}`,
      monitor: `Count of \`${where}\` errors matching "${firstLine(g.signature, 80)}" per day.`,
      detector: 'error-signatures',
      traceIds: g.traces,
      citations: g.citations,
      total: traces.length,
      data: {
        component: g.component, signature: g.signature, spans: g.spans, received: g.received, recovered: g.recovered, ...(recoveredEach ? { recoveredEach: true } : {}), agents: Object.fromEntries(g.agents), occurrences: g.occurrences,
        ...(g.origins.size ? { valueOrigins: Object.fromEntries([...g.origins].map(([k, v]) => [k, v.count])) } : {}),
        ...(userValuesHandled ? { userValuesHandled } : {}),
      },
    });
  });
}

/**
 * An excerpt of the failure as the span holds it: the error message, or for a
 * failure read from the span's text, that text where the failure line (or a
 * provider's "Error code: NNN") stands.
 */
function verbatim(s: Span, message: string): string | undefined {
  if (!message) return undefined;
  const raw = isToolSpan(s) ? resultText(s) : textOf(s.output);
  const own = errorMessage(s);
  // The message itself, the detail after a bare "ERROR:" heading, or a provider's status line.
  const detail = message.replace(/^\W*(error|exception|fatal|failed|failure)\W*\s+/i, '');
  for (const text of [own, raw]) {
    if (!text) continue;
    for (const probe of [message, detail]) {
      const at = text.indexOf(probe);
      if (at >= 0) return excerpt(text, at);
    }
    const at = text.search(/\bError code: [45]\d\d\b/);
    if (at >= 0) return excerpt(text, at);
  }
  return own ? excerpt(own) : undefined;
}

/**
 * A tool that runs whatever code or command it is given: each call is a
 * different program, so what identifies a failure is the error's own text,
 * not its exception class alone (two scripts' AttributeErrors are two
 * failures).
 */
export function runsCode(s: Span): boolean {
  const args = s.tool?.arguments;
  if (args && typeof args === 'object' && !Array.isArray(args) && ['code', 'command', 'cmd', 'script', 'shell'].some((k) => k in args)) return true;
  return /\b(exec|execute|bash|shell|python|terminal|interpreter|code|run_?command|ipython|sh)\b/i.test(toolName(s).replace(/_/g, ' '));
}

/**
 * The agent got past a failure: the next call to the same tool or model
 * worked (a retry, or changed inputs), or the model's next reply took the
 * failure up (said it failed, named the tool or the error — a reproduction
 * the agent meant to fail reads this way). Checked on the spans that follow.
 */
function recovered(t: Trace, s: Span, message: string): boolean {
  const c = spanComponent(s);
  const steps = indexTrace(t).steps;
  const next = steps.find((x) => x !== s && x.startTime >= s.endTime && spanComponent(x) === c);
  if (next && !isErrorSpan(next) && failureOf(t, next) === null) return true;
  if (!isToolSpan(s)) return false;
  const reply = steps.find((x) => x.kind === 'llm' && x.startTime >= s.endTime && replyText(x).trim() !== '');
  if (!reply) return false;
  const cls = /\b([A-Za-z_][\w.]*(?:Error|Exception))\b/.exec(message)?.[1];
  return acknowledges(reply, toolName(s)) || (cls !== undefined && replyText(reply).includes(cls.split('.').pop()!));
}

/** Who made the failing call in a multi-agent run, as the spans show it. */
function ownerSentence(g: Group, agent: string): string {
  if (g.requested === g.spans) return `In these multi-agent runs ${agent} wrote what failed: an executor ran it for ${agent}'s turn.`;
  if (g.requested === 0) return `In these multi-agent runs the failing call was emitted by ${agent}'s own model.`;
  return `In these multi-agent runs the failures belong to ${agent}: ${g.requested} of ${g.spans} ran for its turn in an executor, the rest were emitted by its own model.`;
}

const CODE_FAILED = /\b(code (parsing|execution) failed|InterpreterError|SyntaxError|IndentationError|NameError)\b/i;
const TRANSIENT = /timeout|timed out|unavailable|\b50[234]\b|connection|reset|temporar/i;
const SOURCE_TEXT: Record<ValueSource, string> = {
  model: "appears first in the model's own call: no task text, user message or earlier tool output in the run holds it",
  user: "came from the user's own message, and no later call with a corrected value succeeded",
  tool: 'came from an earlier tool call\'s output',
  environment: 'is named by the task, and the environment did not provide it',
};

/**
 * The cause and fix a group's spans support, and nothing more: where the
 * failing value came from when every traced origin agrees, what the tool
 * reported, how often a later call got through; otherwise what the error
 * says, without guessing at a reason.
 */
function causeOf(g: Group, where: string, kind: string, rateLimited: boolean): { rootCause: string; fix: string; kind: FindingInput['fix']['kind'] } {
  const sig = firstLine(errorSignature0(g), 80);
  const origins = [...g.origins];
  const traced = origins.reduce((n, [, o]) => n + o.count, 0);
  if (origins.length === 1 && traced * 2 >= g.spans) {
    const [source, o] = origins[0]!;
    const share = traced === g.spans ? `In every failing call` : `In ${traced} of ${g.spans} failing calls`;
    const rootCause = `${share} the value that was not found (e.g. \`${firstLine(o.example, 80)}\`) ${SOURCE_TEXT[source]}.`;
    if (source === 'model')
      return { rootCause, fix: `Have the agent look such values up with a tool, or ask for them, instead of assuming them; make \`${where}\`'s not-found error list what does exist, so the next call can use it.`, kind: 'prompt' };
    if (source === 'environment')
      return { rootCause, fix: `Provide the resource the task names in the run's environment (or check it when the run starts and report it missing); have the agent say it is missing instead of working around it.`, kind: 'config' };
    if (source === 'user')
      return { rootCause, fix: `When a value the user gave is not found, have the agent say so and ask the user to confirm it, or look it up another way, before going on.`, kind: 'prompt' };
    return { rootCause, fix: `Make the earlier tool return values that \`${where}\` accepts (or document the mapping between them), and have the agent check such values before passing them on.`, kind: 'code' };
  }
  if (rateLimited)
    return {
      rootCause: `\`${where}\` rejected these calls for its rate limit (${sig})${g.recovered ? `; ${g.recovered} of ${g.spans} were handled (the next call to it worked, or the model's next reply acknowledged the failure)` : ''}.`,
      fix: `Pace calls to \`${where}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if rejections keep growing.`,
      kind: 'config',
    };
  if (TRANSIENT.test(g.signature))
    return {
      rootCause: `\`${where}\` failed with an error that reads as transient (${sig}); ${g.recovered ? `${g.recovered} of ${g.spans} were handled (the next call to it worked, or the model's next reply acknowledged the failure)` : 'none was handled: the next call to it failed too, or there was none, and no reply acknowledged it'}.`,
      fix: `Give \`${where}\` a timeout and a bounded retry with jittered backoff, and return a clear, model-readable error when retries are exhausted.`,
      kind: 'code',
    };
  if (g.reported === g.spans)
    return {
      rootCause: `\`${where}\` ran what it was given and reported that it failed (${sig}): what ran failed, which does not by itself show a defect in the tool.`,
      fix: `Have the agent read the reported failure and fix what it ran before going on, or say the task is unfinished; keep \`${where}\`'s output naming what failed and why, so the model can act on it.`,
      kind: 'prompt',
    };
  if (kind === 'span' && CODE_FAILED.test(g.signature))
    return {
      rootCause: `The code the model wrote for these steps failed when the framework parsed or ran it (${sig})${g.received === g.spans ? '; the model was sent each error in its next call' : ''}.`,
      fix: g.received === g.spans
        ? `The error already reaches the model; compare the cited code with what the agent's instructions say the interpreter accepts, and state the rule it broke there (with an example) if it is missing.`
        : `Send the model the full error and the offending line when a step's code fails, and state in its instructions which imports and functions the interpreter allows.`,
      kind: 'prompt',
    };
  // A tool's own plain-language rejection (no exception, nothing transient): it checked the
  // inputs against a rule and said which; the inputs, not the tool, are what the calls got wrong.
  if (kind === 'tool' && !/[A-Za-z](Error|Exception)\b/.test(g.signature))
    return {
      rootCause: `\`${where}\` rejected these calls with a reason of its own (${sig}): the inputs broke a condition the tool checks, and the error states it; nothing in the spans shows the tool misbehaving.`,
      fix: `Have the agent check that condition before calling \`${where}\` (the data it depends on is in the run: earlier tool results, the policy in its instructions), and when a call is rejected, change the input the error names or tell the user instead of sending it again.`,
      kind: 'prompt',
    };
  return {
    rootCause: `\`${where}\` failed with the same error in ${g.traces.size} runs (${sig}); the traces show the error, not why the inputs or the ${kind} led to it.`,
    fix: `Reproduce one cited span's input against \`${where}\` to tell a bad input from a defect in the ${kind}, fix that, and return an error message the model can act on.`,
    kind: 'code',
  };
}
