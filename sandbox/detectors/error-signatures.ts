// Error spans grouped by where they happen (tool or span name) and their
// normalized message, so "timeout after 30s on order 123" and "timeout after
// 31s on order 456" are one failure, not two.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { normalizeMessage } from '../../src/ingest/signature.ts';
import { buildFinding, count, shareText, type Citation, minPatternTraces } from './finding.ts';
import { excerpt, firstLine, textOf } from './text.ts';
import { agentOf, errorMessage, isToolSpan, toolName } from './trace-index.ts';
import { originAgent, originErrors, requestingTurn } from './origin.ts';
import { probeOf, receivingCall } from './received.ts';
import { PROVIDER_CAPACITY } from './provider-capacity.ts';

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

export function errorSignature(s: Span): string {
  const raw = errorMessage(s);
  const type = s.error?.type;
  const msg = raw.replace(QUOTED_CODE, '$1 line <code>');
  const cls = exceptionClass(msg);
  const head = cls ? `${msg.slice(0, cls.start).trimEnd()} ${cls.name}`.trim() : msg;
  // A trailing parenthesised detail (a parser's position, an errno) varies
  // between occurrences of one failure; keep it out of the signature.
  const norm = head ? normalizeMessage(head.replace(/\s+/g, ' ')).replace(/\s*\([^()]*\)\s*$/, '') : '';
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
  for (const t of traces) {
    // One failure counts once, where it originates: ancestors that re-raise it
    // are left out, and the same error text twice in one run is one occurrence.
    const seenText = new Set<string>();
    for (const s of originErrors(t)) {
      // The run's own top-level error repeats the failing step's; count the step.
      if (s.spanId === t.rootSpanId && t.spans.length > 1) continue;
      const text = `${spanComponent(s)}\u0000${errorMessage(s).trim()}`;
      if (seenText.has(text)) continue;
      seenText.add(text);
      // In a multi-agent run the failure belongs to the agent it starts with;
      // a model call refused for capacity (rate limit, overload, 5xx) starts at
      // the provider, whose limits every agent shares: it stays with the model.
      const capacity = spanComponent(s).startsWith('model:') && PROVIDER_CAPACITY.test(errorSignature(s));
      const origin = capacity ? undefined : originAgent(t, s);
      const component = origin ? `agent:${origin}` : spanComponent(s);
      const signature = origin ? `${spanComponent(s)} ${errorSignature(s)}` : errorSignature(s);
      const id = `${component}\u0000${signature}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { component, signature, where: spanComponent(s), traces: new Set(), spans: 0, citations: [], occurrences: [], received: 0, agents: new Map(), reported: 0 }));
      g.spans++;
      if (isToolSpan(s) && (REPORTED_FAILURE.test(errorMessage(s)) || REPORTED_FAILURE.test(textOf(s.tool?.result).slice(0, 2000)))) g.reported++;
      if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: s.spanId });
      // The turn whose request failed (an expert's code that the executor ran): where the named agent acted.
      const asked = requestingTurn(t, s);
      if (asked && g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: asked.spanId, role: 'requested', of: s.spanId });
      const reader = receivingCall(t, s, probeOf(errorMessage(s)));
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
        const msg = errorMessage(s);
        g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : undefined });
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
    const retryable = rateLimited || /timeout|timed out|unavailable|\b50[234]\b|connection|reset|temporar/i.test(g.signature);
    // A rate limit is the caller's volume, not a flaky dependency: more retries make it worse.
    const cause = rateLimited
      ? {
          rootCause: `Requests to \`${where}\` exceed its rate limit (${firstLine(g.signature, 80)}): calls are not paced to the quota, so bursts are rejected.`,
          fix: `Pace calls to \`${where}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if rejections keep growing.`,
        }
      : retryable
        ? {
            rootCause: `\`${where}\` fails transiently (${firstLine(g.signature, 80)}): the dependency is slow or unavailable at times and the call has no effective timeout/retry policy.`,
            fix: `Give \`${where}\` a timeout and a bounded retry with jittered backoff, and return a clear, model-readable error when retries are exhausted.`,
          }
        : g.reported === g.spans
          ? {
              rootCause: `\`${where}\` ran what the agent gave it and reported that it failed (${firstLine(g.signature, 80)}): the fault is in the agent's code or change, not necessarily in the tool.`,
              fix: `Have the agent read the reported failure and fix its code or change before going on, or say the task is unfinished instead of reporting success; keep \`${where}\`'s output naming what failed and why, so the model can act on it.`,
            }
          : {
            rootCause: `\`${where}\` fails the same way across runs (${firstLine(g.signature, 80)}), which points to a systematic cause — bad inputs from the agent or a defect in the ${kind} — rather than chance.`,
            fix: `Reproduce one cited span's input against \`${where}\`, fix the cause (validate the inputs the agent sends, or fix the ${kind}), and return an actionable error message the model can recover from.`,
          };
    return buildFinding({
      title: byAgent ? `${byAgent} → ${where}: ${firstLine(errorSignature0(g), 110)}` : `${where}: ${firstLine(g.signature, 120)}`,
      category: 'errors_recovery',
      severity: g.traces.size / Math.max(1, traces.length) >= 0.05 ? 'high' : 'medium',
      summary: `The ${kind} \`${where}\` failed with "${firstLine(errorSignature0(g), 160)}" in ${shareText(g.traces.size, traces.length)} (${count(g.spans, 'distinct error', 'distinct errors')}, counted where they originate${g.received ? `; the model was sent ${g.received === g.spans ? 'each' : `${g.received} of them`} in its next call` : ''}).${byAgent ? ` In these multi-agent runs the failing step starts with ${byAgent}.` : agents}`,
      rootCause: cause.rootCause,
      fix: cause.fix,
      fixKind: rateLimited ? 'config' : 'code',
      component: g.component,
      signature: `error:${g.signature}`,
      monitor: `Count of \`${where}\` errors matching "${firstLine(g.signature, 80)}" per day.`,
      detector: 'error-signatures',
      traceIds: g.traces,
      citations: g.citations,
      total: traces.length,
      data: { component: g.component, signature: g.signature, spans: g.spans, received: g.received, agents: Object.fromEntries(g.agents), occurrences: g.occurrences },
    });
  });
}
