// Which agent a trace and each of its spans belong to. One rule, used by
// trace assembly (span.agentName, trace.agentName), `inspect`, `meta`, the
// detectors and the reports, so the same run is never "(unknown)" in one
// place and its service name in another.
//
// A span names an agent when a normalizer said so (a group-chat speaker, an
// Agents SDK agent span), when it carries an agent hint (`gen_ai.agent.name`
// ...), or when it is a framework's agent span: kind `agent` and a name like
// `CodeAgent.run` / `ToolCallingAgent.run` (smolagents), which names the class.
// Every other span belongs to its nearest enclosing agent, else the trace's.
import type { Span, Trace } from '../types.ts';

const FRAMEWORK_AGENT_SPAN = /^([A-Za-z_][\w]*)\.(?:run|arun|invoke|ainvoke|__call__)$/;

/** The agent a framework's agent span names (`CodeAgent.run` → `CodeAgent`), or null. */
export function frameworkAgentName(s: Span): string | null {
  if (s.kind !== 'agent') return null;
  const m = FRAMEWORK_AGENT_SPAN.exec(s.name);
  return m === null ? null : m[1]!;
}

/** The agent this span itself names, not inherited. */
function ownAgent(s: Span): string | null {
  return s.agentName ?? s.hints?.agentName ?? frameworkAgentName(s);
}

/** The trace's agent when no hint named one: its top-most framework agent span. */
export function traceAgentFromSpans(spans: Span[], byId: Map<string, Span>): string | null {
  let best: string | null = null;
  let bestDepth = Infinity;
  for (const s of spans) {
    const name = frameworkAgentName(s);
    if (name === null) continue;
    const d = depthOf(s, byId);
    if (d < bestDepth) {
      best = name;
      bestDepth = d;
    }
  }
  return best;
}

function depthOf(s: Span, byId: Map<string, Span>): number {
  let d = 0;
  let p = s.parentId === null ? undefined : byId.get(s.parentId);
  while (p !== undefined && d < 10_000) {
    d++;
    p = p.parentId === null ? undefined : byId.get(p.parentId);
  }
  return d;
}

/** Sets `agentName` on every span: its own, else its nearest ancestor's, else `fallback`. */
export function assignSpanAgents(spans: Span[], byId: Map<string, Span>, fallback: string | null): void {
  const resolved = new Map<Span, string | null>();
  const chain: Span[] = [];
  for (const s of spans) {
    if (resolved.has(s)) continue;
    // Walk up until a span that names an agent or is already resolved; a
    // parent cycle stops at the first span seen twice.
    chain.length = 0;
    let cur: Span | undefined = s;
    let found: string | null = null;
    let guard = 0;
    while (cur !== undefined && guard++ <= spans.length) {
      const known = resolved.get(cur);
      if (known !== undefined) {
        found = known;
        break;
      }
      const own = ownAgent(cur);
      chain.push(cur);
      if (own !== null) {
        found = own;
        break;
      }
      cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
    }
    // Each span on the chain takes the nearest own name at or above it.
    let name = found ?? fallback;
    for (let i = chain.length - 1; i >= 0; i--) {
      const own = ownAgent(chain[i]!);
      if (own !== null) name = own;
      resolved.set(chain[i]!, name);
    }
  }
  for (const s of spans) {
    const name = resolved.get(s) ?? null;
    s.agentName = name ?? undefined;
  }
}

/** The one name a trace is grouped under: its agent, else agent id, else service, else "unknown". */
export function agentOf(t: Pick<Trace, 'agentName' | 'agentId' | 'service'>): string {
  for (const v of [t.agentName, t.agentId, t.service]) if (typeof v === 'string' && v !== '') return v;
  return 'unknown';
}

/** agentOf as a JS expression over `t`, for predicates the engine re-runs. */
export const AGENT_EXPR = '([t.agentName, t.agentId, t.service].find((v) => typeof v === "string" && v !== "") ?? "unknown")';

/**
 * The agents a trace is counted under: the trace's own agent when it has one;
 * else (a group chat, which names no single agent) every agent that produced a
 * span; else agentOf's fallback (service, "unknown").
 */
export function agentsIn(t: Trace): string[] {
  const own = t.agentName || t.agentId;
  if (own) return [own];
  const seen = new Set<string>();
  for (const s of t.spans) if (typeof s.agentName === 'string' && s.agentName !== '') seen.add(s.agentName);
  return seen.size > 0 ? [...seen] : [agentOf(t)];
}
