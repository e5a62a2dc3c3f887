// Answers in ToolEval's format (ToolBench's evaluation input, `{query, available_tools, answer: {method, total_steps,
// final_answer, answer_details}}`), as EasyTool (microsoft/JARVIS `easytool/data_toolbench/result/<model>_easytool/
// G2_category.json`, `G3_instruction.json`) published its ToolBench runs: one JSON object of runs keyed by query id.
// - `answer_details` is a tree of `{role, message, next: [node]}` nodes. In EasyTool's files it is one chain: an empty
//   `system` node, an empty `user` node, then a `tool` node per API call (`{name, arguments, response}`) and a last
//   `Finish` node holding the final answer. A tree that branches is not read (its order is not established here).
// - The question is `query` (the user node's message when it has one). A `system` or `assistant` node with text is
//   that message; a tool node that follows an assistant node with no call yet is that reply's call.
// - A tool node is a model call that chose the API and wrote its arguments (the reply's text is not recorded), then
//   the call and its `response` as its result. The API name and arguments are as written: EasyTool's names are the
//   APIs' own ("Get Video Urls"), not the names in `available_tools` (ToolBench's list for the query, which EasyTool
//   did not offer its model; kept as `tooleval.available_tools`). Arguments written as a list mean EasyTool called
//   the API once per element and joined the results with blank lines; results longer than 1,000 characters were cut
//   there (EasyTool keeps `str(result)[:1000]`).
// - Failed calls, read from the response: `No function named <f> in <path>` (EasyTool's own reply when the tool's
//   module has no such function), `No respond due to error.` (as the reply says: no response, an error), and a reply
//   that is only an error report (error-body.ts: `{'message': 'This endpoint is disabled for your subscription'}`,
//   `Unauthorized`); a response that joins several replies fails when each of them does. Anything else is a result,
//   empty lists included.
// - `Finish` is how the converter wrote the final answer (EasyTool has no Finish tool; its response is empty): the
//   run's last reply, its text `answer.final_answer` (the Finish arguments repeat it, most not valid JSON), its
//   `return_type` kept as `tooleval.return_type`.
// - No verdict per run is recorded (ToolEval's pass rate needs a judge): no outcome. No times, no tokens.
// - Model from the folder (`<model>_easytool[_retrieve]`), agent `easytool (<model>)`; trace id
//   `tooleval:<folder>/<file>#<id>`; task id `ToolBench_<group>:<id> (<model>)` (the same query by another model is
//   another agent's run).
import type { Span, ToolCall } from '../../types.ts';
import { errorOnlyBody } from '../error-body.ts';
import { isObject, str } from '../values.ts';
import { RecordError, contentText, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const FOLDER = /^(.+?)_easytool(_retrieve)?$/;
const NO_FUNCTION = /^No function named (\S+) in /;
const NO_RESPONSE = /^No respond due to error\.?$/;
const RETURN_TYPE = /"return_type"\s*:\s*"(\w+)"/;

const isRun = (v: unknown): boolean =>
  isObject(v) && typeof v.query === 'string' && Array.isArray(v.available_tools) && isObject(v.answer) && Array.isArray(v.answer.answer_details);

function firstEntry(r: Dict): unknown {
  for (const k in r) return r[k];
  return undefined;
}

function replyFailure(reply: string): { type: string | null; message: string } | null {
  const text = reply.trim();
  if (NO_FUNCTION.test(text)) return { type: 'NoSuchFunction', message: text.split('\n', 1)[0]! };
  if (NO_RESPONSE.test(text)) return { type: null, message: text };
  const message = errorOnlyBody(text);
  return message === undefined ? null : { type: null, message };
}

/**
 * The call's failure: its reply is one, or, where EasyTool joined the replies of several calls with blank lines,
 * every one of them is (a single reply with blank lines of its own that is not an error reads as data).
 */
function failureOf(response: string): { type: string | null; message: string } | null {
  const whole = replyFailure(response);
  if (whole !== null || !response.includes('\n\n')) return whole;
  const parts = response.split('\n\n').filter((p) => p.trim() !== '');
  const failures = parts.map(replyFailure);
  if (parts.length < 2 || failures.some((f) => f === null)) return null;
  return { type: failures[0]!.type, message: `${failures[0]!.message} (each of ${parts.length} replies joined by EasyTool is an error)` };
}

/** The chain of nodes from the root; a node with two or more children makes the tree unreadable here. */
function chain(roots: unknown[], key: string): Dict[] {
  const nodes: Dict[] = [];
  let level = roots.filter(isObject);
  while (level.length > 0) {
    if (level.length > 1) throw new RecordError(`ToolEval answer ${key}: the answer tree branches (${level.length} children); only a single chain is read`);
    const node = level[0]!;
    nodes.push(node);
    level = Array.isArray(node.next) ? node.next.filter(isObject) : [];
  }
  return nodes;
}

function runSpans(run: Dict, key: string, folder: string, file: string): Span[] {
  const named = FOLDER.exec(folder);
  const model = named?.[1] ?? null;
  const group = file.replace(/\.json(?:\.gz)?$/, '');
  const traceId = `tooleval:${folder}/${file.replace(/\.gz$/, '')}#${key}`;
  const answer = run.answer as Dict;
  const turns: Turn[] = [];
  let question: string | null = null;
  let n = 0;
  for (const node of chain(answer.answer_details as unknown[], key)) {
    const role = str(node.role);
    const m = node.message;
    if (role === 'system') {
      const text = contentText(m);
      if (text !== '') turns.push({ message: { role: 'system', content: text } });
    } else if (role === 'user') {
      question = contentText(m) || (run.query as string);
      turns.push({ message: { role: 'user', content: question } });
    } else if (role === 'assistant') {
      turns.push({ message: { role: 'assistant', content: contentText(m) } });
    } else if (role === 'tool' && isObject(m)) {
      const name = str(m.name) ?? 'tool';
      if (name === 'Finish') {
        const args = contentText(m.arguments);
        const returnType = RETURN_TYPE.exec(args)?.[1] ?? null;
        turns.push({ message: { role: 'assistant', content: contentText(answer.final_answer) }, attributes: { 'tooleval.finish': true, 'tooleval.return_type': returnType } });
        continue;
      }
      const id = `${traceId}:call-${n++}`;
      const call: ToolCall = { id, name, arguments: m.arguments ?? null };
      const last = turns[turns.length - 1];
      if (last !== undefined && last.message.role === 'assistant' && last.message.toolCalls === undefined && last.attributes === undefined) {
        last.message.toolCalls = [call];
        last.rawArguments = [m.arguments];
      } else turns.push({ message: { role: 'assistant', content: '', toolCalls: [call] }, rawArguments: [m.arguments] });
      const response = contentText(m.response);
      const result: Turn = { message: { role: 'tool', content: response, toolCallId: id } };
      const failure = failureOf(response);
      if (failure !== null) {
        result.failed = true;
        result.error = failure;
      }
      turns.push(result);
    } else throw new RecordError(`ToolEval answer ${key}: a node with role ${String(role)} and no readable message`);
  }
  if (question === null) turns.unshift({ message: { role: 'user', content: run.query as string } });
  const attributes = recordAttributes(run, ['answer', 'available_tools']);
  attributes['tooleval.method'] = answer.method ?? null;
  attributes['tooleval.total_steps'] = answer.total_steps ?? null;
  attributes['tooleval.available_tools'] = (run.available_tools as unknown[]).map((t) => (isObject(t) ? str(t.name) : null)).filter((t) => t !== null).join(', ');
  attributes['tooleval.retrieve'] = named?.[2] !== undefined;
  return buildConversation({
    traceId,
    turns,
    agentName: `easytool (${model ?? 'model not named'})`,
    model,
    taskId: `ToolBench_${group}:${key}${model !== null ? ` (${model})` : ''}`,
    outcome: null,
    attributes,
  });
}

function normalizeToolEval(r: Dict, at?: RecordSource): Span[] {
  const parts = (at?.file ?? 'tooleval').split('/');
  const file = parts[parts.length - 1]!;
  const folder = parts.length > 1 ? parts[parts.length - 2]! : 'tooleval';
  const spans: Span[] = [];
  for (const key in r) {
    const run = r[key];
    if (!isRun(run)) throw new RecordError(`ToolEval answers: entry ${key} is not a run (no query, available_tools, answer.answer_details)`);
    spans.push(...runSpans(run as Dict, key, folder, file));
  }
  if (spans.length === 0) throw new RecordError('ToolEval answers document has no runs');
  return spans;
}

export const toolEval: InputFormat = {
  name: 'tooleval',
  sniff: (r) => isRun(firstEntry(r)),
  normalize: (r, _pool, at) => ({ format: 'tooleval', spans: normalizeToolEval(r, at), wholeTrace: true }),
};
