// What signals and eval datasets read of single runs, served in the isolate
// so the parent never holds the window: a small index of every run (id,
// start, agent, recorded verdict), runs rendered for a judge, and a run's
// inputs (system prompt, first user turn, tools declared) for an eval case.
import type { Message, Span, Trace } from '../src/types.ts';
import type { RunCaseInputs, RunIndexEntry } from '../src/sandbox/rpc-types.ts';
import { outcomeFailed, outcomeJudged } from './detectors/outcomes.ts';
import { declaredTools } from './detectors/tool-declarations.ts';
import { capText, render } from './render.ts';

/** Characters kept of a system prompt or a first user turn in an eval case. */
const MAX_INPUT_CHARS = 8000;
const MAX_TOOLS = 64;

/** Runs whose source has no clock carry placeholder times (the ingest marks their root): they are not "recent". */
function undated(t: Trace): boolean {
  const root = t.spans.find((s) => s.spanId === t.rootSpanId);
  return root?.attributes['halo.synthetic_time'] === true;
}

export function runIndex(traces: readonly Trace[]): RunIndexEntry[] {
  return traces.map((t) => ({
    traceId: t.traceId,
    startTime: Number.isFinite(t.startTime) && !undated(t) ? t.startTime : null,
    agent: t.agentName ?? t.agentId ?? null,
    failed: outcomeJudged(t) ? outcomeFailed(t) : null,
  }));
}

function byIds(traces: readonly Trace[], ids: readonly string[]): Trace[] {
  const want = new Set(ids);
  return traces.filter((t) => want.has(t.traceId));
}

/** Characters of one message in a transcript; the whole is capped to the budget. */
const MAX_MESSAGE_CHARS = 1500;
/** A system prompt is the same for every run of an agent: the judge needs its gist, not all of it. */
const MAX_SYSTEM_CHARS = 600;

/**
 * A run as a judge reads it: the conversation (the longest message list any
 * span holds: an agent span's whole transcript, or the last model call's
 * history), the failed steps and the final output; a run without messages is
 * rendered as its span tree. Never its recorded outcome: a signal stands in
 * for outcomes and is measured against them, so it must not be shown them.
 */
export function judgeText(t: Trace, budget: number): string {
  const bare = { ...t, outcome: null };
  let convo: Message[] = [];
  for (const s of t.spans) if ((s.messages?.length ?? 0) > convo.length) convo = s.messages!;
  if (convo.length < 2) return render(bare, { budget });
  const lines = [`run ${t.traceId}${t.agentName ? ` · agent ${t.agentName}` : ''} · ${t.spans.length} spans · ${convo.length} messages`, ''];
  for (const m of convo) {
    const calls = (m.toolCalls ?? []).map((c) => `${c.name}(${capText(typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) ?? '', 300)})`);
    const body = [m.content?.trim() ? capText(m.content.trim(), m.role === 'system' ? MAX_SYSTEM_CHARS : MAX_MESSAGE_CHARS) : '', calls.length ? `calls ${calls.join(', ')}` : ''].filter(Boolean).join('\n');
    lines.push(`[${m.role}${m.name ? ` ${m.name}` : ''}] ${body}`);
  }
  const failed = t.spans.filter((s) => s.status === 'error').slice(0, 10);
  if (failed.length) lines.push('', 'failed steps:', ...failed.map((s) => `- ${s.name}: ${capText(s.statusMessage ?? s.error?.message ?? 'error', 300)}`));
  return capText(lines.join('\n'), budget);
}

export function renderRuns(traces: readonly Trace[], ids: readonly string[], budget: number): Array<{ traceId: string; text: string }> {
  return byIds(traces, ids).map((t) => ({ traceId: t.traceId, text: judgeText(t, budget) }));
}

const text = (v: unknown): string | null => {
  if (typeof v === 'string') return v.trim() ? v : null;
  if (v == null) return null;
  try {
    return JSON.stringify(v);
  } catch {
    return null;
  }
};

const cap = (s: string | null): string | null => (s == null ? null : s.length > MAX_INPUT_CHARS ? `${s.slice(0, MAX_INPUT_CHARS)}…[+${s.length - MAX_INPUT_CHARS}]` : s);

/** Spans in the order they ran (start time, then their order in the trace). */
function inOrder(t: Trace): Span[] {
  return t.spans.map((s, i) => [s, i] as const).sort((a, b) => (a[0].startTime ?? 0) - (b[0].startTime ?? 0) || a[1] - b[1]).map(([s]) => s);
}

/**
 * The run's inputs as the agent received them: the first system message, the
 * first user message (else the root span's input), and the tools the first
 * model call that declares any was offered.
 */
export function runInputs(traces: readonly Trace[], ids: readonly string[]): RunCaseInputs[] {
  return byIds(traces, ids).map((t) => {
    let system: string | null = null;
    let user: string | null = null;
    let tools: RunCaseInputs['tools'] = [];
    const spans = inOrder(t);
    for (const s of spans) {
      for (const m of s.messages ?? []) {
        if (system === null && m.role === 'system') system = text(m.content);
        if (user === null && m.role === 'user') user = text(m.content);
      }
      if (!tools.length) {
        const decl = declaredTools(s);
        if (decl.length) tools = decl.slice(0, MAX_TOOLS).map((d) => ({ name: d.name, ...(d.schema ? { parameters: d.schema } : {}) }));
      }
      if (system !== null && user !== null && tools.length) break;
    }
    if (user === null) {
      const root = t.spans.find((s) => s.spanId === t.rootSpanId) ?? spans[0];
      user = text(root?.input);
    }
    return {
      traceId: t.traceId,
      agent: t.agentName ?? t.agentId ?? null,
      system: cap(system),
      user: cap(user),
      tools,
      failed: outcomeJudged(t) ? outcomeFailed(t) : null,
    };
  });
}
