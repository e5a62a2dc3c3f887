// The system prompts each agent ran with, as the traces show them: what
// offline grounding searches the agent's repository for (--repo). Bounded:
// a few distinct prompts per agent, each capped.
import type { Trace } from '../src/types.ts';

const PER_AGENT = 3;
const MAX_CHARS = 4000;

export function systemPrompts(traces: readonly Trace[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const t of traces) {
    const agent = t.agentName ?? t.agentId;
    if (!agent) continue;
    const list = (out[agent] ??= []);
    if (list.length >= PER_AGENT) continue;
    // The first system message of a run is its prompt; later ones repeat it.
    find: for (const s of t.spans) {
      for (const m of s.messages ?? []) {
        if (m.role !== 'system' || typeof m.content !== 'string' || m.content.trim() === '') continue;
        const text = m.content.slice(0, MAX_CHARS);
        if (!list.includes(text)) list.push(text);
        break find;
      }
    }
  }
  return { ...out };
}
