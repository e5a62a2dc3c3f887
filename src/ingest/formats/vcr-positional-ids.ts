// Tool calls that carry no id (the Gemini API's, unless the caller set one)
// are paired with their results by place: a chat API resends the whole
// conversation on every call, so the j-th call of an agent's a-th model turn
// is the same call in every later request, and the results that follow that
// turn answer its calls (by name, else in order). The id given is
// `pos:<agent>:<a>:<j>`; `tool_call.id` is never set from it.
import type { Message, ToolCall } from '../../types.ts';

export const POSITIONAL_ID = 'pos:';

/**
 * Gives every id-less call in `messages` (a request's conversation) and in
 * `reply` (the turn it produced) its positional id, and every id-less tool
 * result the id of the call it answers. Results quoted from another agent
 * (`agent` set) are left alone.
 */
export function pairByPosition(messages: Message[], reply: Message | null, agent: string | null): void {
  const who = agent ?? '';
  let turn = 0;
  let pending: ToolCall[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      pending = [];
      (m.toolCalls ?? []).forEach((c, j) => {
        c.id ??= `${POSITIONAL_ID}${who}:${turn}:${j}`;
        pending.push(c);
      });
      turn++;
    } else if (m.role === 'tool' && m.toolCallId === undefined && !('agent' in m)) {
      const k = m.name !== undefined ? pending.findIndex((c) => c.name === m.name) : 0;
      const call = k >= 0 ? pending[k] : undefined;
      if (call === undefined) continue;
      m.toolCallId = call.id;
      pending.splice(k, 1);
    }
  }
  (reply?.toolCalls ?? []).forEach((c, j) => {
    c.id ??= `${POSITIONAL_ID}${who}:${turn}:${j}`;
  });
}
