// LiveMCPBench (icip-cas/LiveMCPBench) runs: its MCP Copilot agent finds
// tools among many MCP servers with `route` and runs one with `execute-tool`
// (`{server_name, tool_name, params}`). A results file is one JSON array, a
// run per element: `{task_id, Question, answers, category, Annotator Metadata,
// response, messages, task_success?}`, `messages` OpenAI chat messages.
// - A tool result is the Python repr of the MCP `CallToolResult` the copilot
//   returned (`meta=None content=[TextContent(…)] isError=False`), or the
//   harness's `Tool call timed out.`. The call failed when the copilot says so
//   (`isError=True`), when it timed out, when the server's own result inside
//   it says `"isError": true` (the copilot passes a failed tool's result on
//   with its own `isError=False`), or when `route` answers `success: false`.
// - outcome: `task_success` (`success` / `failure`: the human annotation, or
//   an evaluator's verdict in its output files); task: `task_id`.
// - The records name neither the model nor the agent, nor any time: times are
//   synthetic (conversation.ts).
import type { Span } from '../../types.ts';
import { str } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import type { InputFormat, RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import { chatTurn } from './chat-transcript.ts';

type Dict = Record<string, unknown>;

const TIMED_OUT = 'Tool call timed out.';
const OUTER_ERROR = /\bisError=True\s*$/;
// The server's own result, as JSON inside the repr: `"isError": true` closes it.
const INNER_ERROR = /"isError": true\s*\\n\}'?,? annotations=None\)\]\s*isError=False\s*$/;
const INNER_TEXT = /"text": "((?:[^"\\]|\\.)*)"/;
const ROUTE_FAILED = /^meta=None content=\[TextContent\(type='text', text=["']success: false\\nerror: ([^\\]*)/;

/** The repr's first text, its escapes undone far enough to read its first line. */
function firstLine(s: string): string {
  const line = s.split(/\\+n/)[0] ?? s;
  return line.replace(/\\+(['"])/g, '$1').trim();
}

function failure(content: string): { type: string; message: string } | null {
  const text = content.trim();
  if (text === TIMED_OUT) return { type: 'timeout', message: TIMED_OUT };
  const route = ROUTE_FAILED.exec(text);
  if (route !== null) return { type: 'route failed', message: route[1]!.trim() };
  if (OUTER_ERROR.test(text)) {
    const m = /text=["'](.*)/.exec(text);
    return { type: 'isError', message: firstLine(m !== null ? m[1]! : text) };
  }
  if (INNER_ERROR.test(text)) {
    const m = INNER_TEXT.exec(text);
    return { type: 'isError', message: firstLine(m !== null ? m[1]! : text) };
  }
  return null;
}

function turnOf(raw: unknown): Turn | null {
  const turn = chatTurn(raw);
  if (turn === null || turn.message.role !== 'tool') return turn;
  const err = failure(turn.message.content);
  if (err !== null) {
    turn.failed = true;
    turn.error = err;
  }
  return turn;
}

function normalize(r: Dict, at?: RecordSource): Span[] {
  const taskId = str(r.task_id);
  const turns = (r.messages as unknown[]).map(turnOf);
  const verdict = str(r.task_success);
  return buildConversation({
    traceId: traceIdentity(r, { prefix: 'livemcpbench', own: null, composite: [taskId, null] }, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName: null,
    model: null,
    taskId,
    outcome: verdict === 'success' ? { success: true } : verdict === 'failure' ? { success: false } : null,
    attributes: recordAttributes(r, ['messages']),
  });
}

export const liveMcpBench: InputFormat = {
  name: 'livemcpbench',
  sniff: (r) => Array.isArray(r.messages) && typeof r.Question === 'string' && 'Annotator Metadata' in r,
  normalize: (r, _pool, at) => ({ format: 'livemcpbench', spans: normalize(r, at), wholeTrace: true }),
};
