// EasyTool FuncQA results (microsoft/JARVIS `easytool/data_funcqa/result/
// FuncQA_<set>_<model>_easytool.json`): a tool-using pipeline answers a math
// question by planning and executing. One run per array element: `{ID,
// question, subtask: [{task, id, dep}], answer_subtask: [{task, answer}],
// answer_wrong: [{task, answer}], check_index, execute_log: {api_result_ls,
// call_result_ls, tool_instruction_ls, tool_check_reason_ls}, final_answer,
// check}`.
// - The question is the user message. The plan (`subtask`, each with the
//   subtasks it depends on) is the planner's reply.
// - Each subtask that got an answer: the executor's calls (`api_result_ls[i]`:
//   `{api_name, parameters}`, the tool EasyTool chose and the arguments the
//   model wrote), their result (`call_result_ls[i]`, one per subtask: the last
//   call's), then the executor's answer from that result (`answer_subtask[i]`).
//   Some answered subtasks kept an empty result (67 calls in the four files,
//   51 in 35 multi-hop vicuna runs, 29 of them with arguments `{}`), though
//   EasyTool's published loop (funcQA.py) retries on an empty or `-1` result:
//   each is its call, its arguments as recorded and its empty result, with no
//   status (`unset`): the record shows neither a success (no number came back)
//   nor a failure the harness acted on. `api_result_ls[i]` "" (no tool
//   chosen) → the answer with no call.
// - `answer_wrong` holds the executor's answers that EasyTool rejected because
//   its `retrieval` (an LLM picks a tool, an LLM writes the arguments, the
//   tool runs) gave an empty or `-1` result; it then ran `retrieval` again for
//   that subtask. The record keeps only the answer: not the tool, not the
//   arguments, not even whether a call was made (`retrieval` also gives up
//   with no call when it cannot parse the model's tool or arguments). So each
//   is the executor's reply alone, no tool span (a call with a made-up name
//   and arguments would be read as a named tool failing and being retried the
//   same way; a call marked `tool.requestor: harness` would say no model made
//   it, and `halo.action_unparsed` that the reply did not parse, neither of
//   which the record shows), marked `easytool.discarded: true` with why in
//   `easytool.rejected`, placed before the subtask's answered attempt. The
//   rejected answer never reached the summarizer.
// - `final_answer` is the summarizer's reply. `check` (1 or 0) → outcome: the
//   script writes 0 and the results were marked afterwards (the answer judged
//   against the reference). `check_index` is the model's own check of its
//   final answer (`easytool.check_index`).
// - Agents: `planner`, `executor`, `summarizer` per reply; the run `easytool
//   (<model>)`, the model as the file names it (`chatgpt`, `vicuna`). No times.
// - Trace id `easytool:<file>#<ID>`; task id `FuncQA_<set>_<model>:<ID>` (the
//   same question by another model is another agent's run, not a trial).
import type { Span, ToolCall } from '../../types.ts';
import type { RecordSource } from '../identity.ts';
import { isObject, str } from '../values.ts';
import { RecordError, contentText, type InputFormat } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

// Why an `answer_wrong` reply was set aside, in what the record supports.
const REJECTED = "EasyTool's retrieval gave this subtask an empty or -1 result, so it set this answer aside and ran retrieval again; the tool and arguments (or whether a call was made) are not recorded";

const FILE = /^(FuncQA_[^_]+)_(.+?)_easytool\.jsonl?(?:\.gz)?$/;

const isRun = (r: Dict): boolean =>
  typeof r.question === 'string' && Array.isArray(r.subtask) && isObject(r.execute_log) && Array.isArray(r.execute_log.api_result_ls);

const tasksOf = (list: unknown): { task: string; answer: string }[] =>
  Array.isArray(list) ? list.filter(isObject).map((x) => ({ task: contentText(x.task), answer: contentText(x.answer) })) : [];

function normalizeEasyTool(r: Dict, at?: RecordSource): Span[] {
  const file = at !== undefined ? at.file.slice(at.file.lastIndexOf('/') + 1) : 'easytool';
  const named = FILE.exec(file);
  const set = named?.[1] ?? 'FuncQA';
  const model = named?.[2] ?? null;
  const id = r.ID !== undefined ? String(r.ID) : at !== undefined ? String(at.line) : '0';
  const traceId = `easytool:${file.replace(/\.gz$/, '')}#${id}`;
  const log = r.execute_log as Dict;
  const calls = log.api_result_ls as unknown[];
  const results = Array.isArray(log.call_result_ls) ? log.call_result_ls : [];
  const answered = tasksOf(r.answer_subtask);
  const wrong = tasksOf(r.answer_wrong);

  const turns: Turn[] = [{ message: { role: 'user', content: r.question as string } }];
  const agents: string[] = [];
  const toolAgents: string[] = [];
  const plan = (r.subtask as unknown[]).filter(isObject);
  turns.push({ message: { role: 'assistant', content: JSON.stringify(plan) }, attributes: { 'easytool.step': 'task_decompose' } });
  agents.push('planner');

  let n = 0;
  let k = 0; // index into answered / calls / results
  const used = new Set<number>();
  const attempt = (i: number, subtask: unknown): void => {
    const w = wrong[i]!;
    used.add(i);
    turns.push({ message: { role: 'assistant', content: w.answer }, attributes: { 'easytool.step': 'answer_generation', 'easytool.subtask': subtask, 'easytool.discarded': true, 'easytool.rejected': REJECTED } });
    agents.push('executor');
  };
  const answer = (subtask: unknown): void => {
    const group = Array.isArray(calls[k]) ? (calls[k] as unknown[]).filter(isObject) : [];
    const toolCalls: ToolCall[] = group.map((c) => ({ id: `call-${n++}`, name: str(c.api_name) ?? 'tool', arguments: c.parameters ?? null }));
    if (toolCalls.length > 0) {
      turns.push({ message: { role: 'assistant', content: '', toolCalls }, attributes: { 'easytool.step': 'choose_parameter', 'easytool.subtask': subtask } });
      agents.push('executor');
      for (let j = 0; j < toolCalls.length; j++) toolAgents.push('executor');
      // One result per subtask: EasyTool keeps the last call's.
      turns.push({ message: { role: 'tool', content: contentText(results[k]), toolCallId: toolCalls[toolCalls.length - 1]!.id! } });
    }
    turns.push({ message: { role: 'assistant', content: answered[k]!.answer }, attributes: { 'easytool.step': 'answer_generation', 'easytool.subtask': subtask } });
    agents.push('executor');
    k++;
  };
  for (const s of plan) {
    const task = contentText(s.task);
    // Attempts whose call returned nothing, in the order they were made.
    wrong.forEach((w, i) => {
      if (w.task === task && !used.has(i)) attempt(i, s.id ?? null);
    });
    if (k < answered.length && answered[k]!.task === task) answer(s.id ?? null);
  }
  // Answers whose task the plan does not word the same way: kept, in their order, with no subtask.
  const unmatched = answered.length - k;
  const unmatchedAttempts = wrong.length - used.size;
  wrong.forEach((_, i) => {
    if (!used.has(i)) attempt(i, null);
  });
  while (k < answered.length) answer(null);
  turns.push({ message: { role: 'assistant', content: contentText(r.final_answer) }, attributes: { 'easytool.step': 'answer_summarize' } });
  agents.push('summarizer');
  if (turns.length < 3) throw new RecordError('EasyTool run: no plan or answer');

  const attributes = recordAttributes(r, ['question', 'subtask', 'answer_subtask', 'answer_wrong', 'execute_log', 'final_answer', 'check_index', 'check']);
  attributes['easytool.check_index'] = r.check_index ?? null;
  // Answers and failed attempts whose task matches no subtask of the plan.
  attributes['easytool.unmatched_attempts'] = unmatchedAttempts;
  attributes['easytool.unmatched_answers'] = unmatched;
  const check = r.check;
  const spans = buildConversation({
    traceId,
    turns,
    agentName: `easytool (${model ?? 'model not named'})`,
    model,
    // The same question answered by another model is another agent's run, not a second trial.
    taskId: `${set}${model !== null ? `_${model}` : ''}:${id}`,
    outcome: check === 1 || check === 0 ? { success: check === 1 } : null,
    attributes,
  });
  // buildConversation numbers llm spans one per reply and tool spans one per call, in turn order.
  for (const s of spans) {
    const m = /:(llm|tool)-(\d+)$/.exec(s.spanId);
    const agent = m === null ? undefined : (m[1] === 'llm' ? agents : toolAgents)[Number(m[2])];
    if (agent !== undefined) s.agentName = agent;
    // An empty result: the record keeps the call and its empty result as the subtask's, and no status. Not `ok` (the
    // calculator returned no number), not failed either (the harness that wrote it accepted it; why it returned
    // nothing is not recorded).
    if (s.kind === 'tool' && typeof s.tool?.result === 'string' && s.tool.result.trim() === '' && s.status === 'ok') s.status = 'unset';
  }
  return spans;
}

export const easyTool: InputFormat = {
  name: 'easytool',
  sniff: isRun,
  normalize: (r, _pool, at) => ({ format: 'easytool', spans: normalizeEasyTool(r, at), wholeTrace: true }),
};
