// Who made a call. A tool call is emitted by a model: the agent whose model
// produced it owns it, through any nesting of sub-agents — not the agent that
// delegated to that sub-agent. Where no model of the call's own agent spoke
// before it (a group chat's code executor, which runs what another agent
// wrote), the owner is the agent whose turn asked for it.
import type { Span, Trace } from '../../src/types.ts';
import { declaredTools, type ToolDeclaration } from './tool-declarations.ts';
import { indexTrace, othersCall, toolName } from './trace-index.ts';
import { requestingTurn, spanAgent } from './origin.ts';
import { runMemo } from './memo.ts';

interface Emitters {
  /** Model calls per agent, in start order. */
  byAgent: Map<string | undefined, Span[]>;
  /** `emittingCall` per span already asked: detectors ask it of every call, many times over. */
  emitted: Map<Span, Span | undefined>;
}

const cache = runMemo<Trace, Emitters>();

function emittersOf(t: Trace): Emitters {
  let e = cache.get(t);
  if (e) return e;
  const byAgent = new Map<string | undefined, Span[]>();
  for (const s of indexTrace(t).steps) {
    if (s.kind !== 'llm') continue;
    const a = spanAgent(s);
    (byAgent.get(a) ?? byAgent.set(a, []).get(a)!).push(s);
  }
  cache.set(t, (e = { byAgent, emitted: new Map() }));
  return e;
}

/**
 * The model call that emitted tool span `s`: the latest model call of the
 * same agent that started no later than the tool call. Undefined when that
 * agent has no model call before it, or when the source says someone other
 * than a model made the call (`tool.requestor`).
 */
export function emittingCall(t: Trace, s: Span): Span | undefined {
  if (othersCall(s)) return undefined;
  const e = emittersOf(t);
  if (e.emitted.has(s)) return e.emitted.get(s);
  const calls = e.byAgent.get(spanAgent(s));
  let best: Span | undefined;
  if (calls) {
    for (const c of calls) {
      if (c.startTime > s.startTime) break;
      if (c.spanId !== s.spanId) best = c;
    }
  }
  e.emitted.set(s, best);
  return best;
}

/**
 * The agent that owns a call at span `s`: for a tool call, the agent whose
 * model emitted it; when its own agent has no model (an executor), the agent
 * whose turn requested it; else the span's own agent. Undefined when no span
 * names an agent.
 */
export function callOwner(t: Trace, s: Span): string | undefined {
  const own = spanAgent(s);
  if (s.kind !== 'tool' && s.tool == null) return own;
  const asked = requestingTurn(t, s);
  return asked ? spanAgent(asked) : own;
}

/**
 * The declaration of tool `s` as its calling agent saw it in this run: the one
 * its emitting model call was offered; else the one every model call of that
 * agent in this run agrees on. `conflict` when that agent's calls declare the
 * tool differently (nothing can be checked), undefined when none declares it.
 */
export function declarationFor(t: Trace, s: Span): ToolDeclaration | 'conflict' | undefined {
  const name = toolName(s);
  const emitter = emittingCall(t, s);
  if (emitter) {
    const own = declaredTools(emitter).filter((d) => d.name === name);
    if (own.length === 1) return own[0];
    if (own.length > 1) return agree(own);
  }
  const calls = emittersOf(t).byAgent.get(spanAgent(s)) ?? [];
  const found: ToolDeclaration[] = [];
  for (const c of calls) for (const d of declaredTools(c)) if (d.name === name) found.push(d);
  return found.length ? agree(found) : undefined;
}

function agree(decls: ToolDeclaration[]): ToolDeclaration | 'conflict' {
  const first = JSON.stringify(decls[0]!.schema);
  return decls.every((d) => JSON.stringify(d.schema) === first) ? decls[0]! : 'conflict';
}
