// TapeAgents tapes (ServiceNow/TapeAgents): a run is a "tape", the typed steps
// the agents and the environment appended, in order: `{metadata: {id,
// parent_id, author, n_added_steps, error, result}, context, steps: [{metadata:
// {id, prompt_id, node, agent, other}, kind, …fields}]}`. A step written by an
// agent names it by its path in the agent tree (`Initiator/Manager/
// SoftwareEngineer`) and the node that wrote it; observations (the task, a
// user message, a browser page, a code or calculator result, a tool message)
// name no agent.
// - Consecutive steps of one agent under one prompt (`prompt_id`) are one model
//   reply, an llm span named for the agent (the path's last part; the path and
//   node are kept): its thoughts and outputs are the text, its actions the tool
//   calls, each named for that agent. A tape does not say which nodes called a
//   model and which ran code (a code executor extracting the last message's
//   code, a deduplicating node): every node's output is read as a reply. The
//   run's agent is the tape's `author`, else the root of the first agent path.
// - Actions: `<name>_action` steps (click, input_text, select_option,
//   use_calculator, …) are calls named `<name>` with the step's fields as
//   arguments; `execute_code` is a call with the code blocks; an `assistant`
//   step's `tool_calls` are OpenAI-style calls. `final_answer_action` is the
//   agent's answer, text, not a call.
// - The observation after an action is its result: a page (failed when the
//   page carries the browser's `error`), a code result (failed on a nonzero
//   `exit_code`), a calculator result, a `tool` message (joined by call id).
//   Observations with no call waiting are user (or system) messages.
// - Framework steps that route rather than say anything (`set_next_node`, a
//   `call` or `respond` with no content, `broadcast` of a message already on
//   the tape, `final_step`) are no model output: they are counted on the run
//   (`tapeagents.control_steps`), and the delegations (`call`) listed in order
//   (`tapeagents.calls`). A `call` with content hands a message to another
//   agent: a user message named for the caller.
// - `metadata.result.solved` (the GSM8K tapes) → outcome; `metadata.error` fails
//   the run. The tapes name no model and record no times.
// - Trace id `tapeagents:<tape id>`; task id: the file's name.
import type { Message, Span, ToolCall } from '../../types.ts';
import { isObject, str } from '../values.ts';
import { RecordError, contentText, toToolCall, type InputFormat, type RecordSource, failSpan } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const isTape = (r: Dict): boolean =>
  Array.isArray(r.steps) && isObject(r.metadata) && ('n_added_steps' in r.metadata || 'author_tape_id' in r.metadata) && r.steps.every((s) => isObject(s) && typeof s.kind === 'string');

const fieldsOf = (s: Dict): Dict => {
  const { metadata: _m, kind: _k, ...rest } = s;
  return rest;
};

/** A step's words: its one string field when it has one, else its fields as JSON. */
function stepText(s: Dict): string {
  const f = fieldsOf(s);
  if ('content' in f) return contentText(f.content);
  const keys = Object.keys(f);
  if (keys.length === 1 && typeof f[keys[0]!] === 'string') return f[keys[0]!] as string;
  for (const k of ['reasoning', 'text']) if (typeof f[k] === 'string' && f[k] !== '') return f[k] as string;
  return JSON.stringify(f);
}

function isControl(s: Dict): boolean {
  switch (s.kind) {
    case 'set_next_node':
    case 'broadcast':
    case 'final_step':
      return true;
    case 'call':
    case 'respond':
      return contentText(s.content) === '';
    default:
      return false;
  }
}

const agentOf = (s: Dict): string | null => (isObject(s.metadata) ? str(s.metadata.agent) : null) || null;
const promptOf = (s: Dict): string => (isObject(s.metadata) ? (str(s.metadata.prompt_id) ?? '') : '');
const nodeOf = (s: Dict): string | null => (isObject(s.metadata) ? str(s.metadata.node) : null) || null;
const leaf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

interface Pending {
  id: string;
  name: string;
}

function normalizeTape(r: Dict, at?: RecordSource): Span[] {
  const meta = r.metadata as Dict;
  const steps = r.steps as Dict[];
  const tapeId = str(meta.id) ?? 'tape';
  const traceId = `tapeagents:${tapeId}`;
  const turns: Turn[] = [];
  const agents: string[] = [];
  const toolAgents: string[] = [];
  let rootAgent: string | null = null;
  const calls: string[] = [];
  let control = 0;
  let n = 0;
  // Calls waiting for their observation, in the order they were made.
  let pending: Pending[] = [];

  const observe = (s: Dict): void => {
    const kind = s.kind as string;
    if (kind === 'tool') {
      const id = str(s.tool_call_id);
      const idx = pending.findIndex((p) => p.id === id);
      const p = idx >= 0 ? pending.splice(idx, 1)[0]! : pending.shift();
      turns.push({ message: { role: 'tool', content: contentText(s.content), toolCallId: p?.id ?? id ?? `step-${n++}` } });
      return;
    }
    const p = kind === 'task' || kind === 'user' || kind === 'system' ? undefined : pending.shift();
    if (p === undefined) {
      const role = kind === 'system' ? 'system' : 'user';
      turns.push({ message: { role, content: kind === 'task' ? (str(s.task) ?? stepText(s)) : stepText(s) }, attributes: { 'tapeagents.kind': kind } });
      return;
    }
    const turn: Turn = { message: { role: 'tool', content: '', toolCallId: p.id }, attributes: { 'tapeagents.kind': kind } };
    if (kind === 'code_execution_result' && isObject(s.result)) {
      const code = s.result.exit_code;
      turn.message.content = contentText(s.result.output);
      turn.attributes!['exit_code'] = code;
      if (typeof code === 'number' && code !== 0) {
        turn.failed = true;
        turn.error = { type: 'exit_code', message: `exit code ${code}` };
      }
    } else if (kind === 'page_observation') {
      turn.message.content = str(s.text) ?? '';
      const err = str(s.error);
      if (err !== null && err !== '') {
        turn.failed = true;
        turn.error = { type: 'browser', message: err.trim().split('\n')[0]! };
        turn.attributes!['tapeagents.error'] = err;
      }
    } else turn.message.content = 'result' in s ? contentText(s.result) : stepText(s);
    turns.push(turn);
  };

  let i = 0;
  while (i < steps.length) {
    const s = steps[i]!;
    if (!isObject(s)) throw new RecordError('TapeAgents tape: a step is not an object');
    const agent = agentOf(s);
    if (agent === null) {
      observe(s);
      i++;
      continue;
    }
    rootAgent ??= agent.split('/')[0]!;
    // One agent's steps under one prompt: one reply.
    const prompt = promptOf(s);
    const group: Dict[] = [];
    while (i < steps.length && agentOf(steps[i]!) === agent && promptOf(steps[i]!) === prompt && (prompt !== '' || group.length === 0)) group.push(steps[i++]!);
    const text: string[] = [];
    const toolCalls: ToolCall[] = [];
    const kinds: string[] = [];
    for (const g of group) {
      const kind = g.kind as string;
      if (kind === 'call') calls.push(`${agent} → ${str(g.agent_name) ?? '?'}`);
      if (isControl(g)) {
        control++;
        continue;
      }
      kinds.push(kind);
      if (kind === 'call') {
        // The caller is the framework handing a message down, not a model.
        turns.push({ message: { role: 'user', content: contentText(g.content), name: leaf(agent) }, attributes: { 'tapeagents.kind': kind, 'tapeagents.to': str(g.agent_name) } });
        continue;
      }
      if (kind === 'execute_code' || (kind.endsWith('_action') && kind !== 'final_answer_action')) {
        const id = `step-${n++}`;
        const name = kind === 'execute_code' ? kind : kind.slice(0, -'_action'.length);
        toolCalls.push({ id, name, arguments: fieldsOf(g) });
        continue;
      }
      if (kind === 'assistant' && Array.isArray(g.tool_calls)) {
        for (const raw of g.tool_calls) {
          const c = toToolCall(raw);
          if (c === null) continue;
          if (c.id === undefined || c.id === '') c.id = `step-${n++}`;
          toolCalls.push(c);
        }
        const t = contentText(g.content);
        if (t !== '') text.push(t);
        continue;
      }
      const t = stepText(g);
      if (t !== '') text.push(t);
    }
    if (text.length === 0 && toolCalls.length === 0) continue;
    const message: Message = { role: 'assistant', content: text.join('\n\n') };
    if (toolCalls.length > 0) message.toolCalls = toolCalls;
    turns.push({ message, attributes: { 'tapeagents.agent_path': agent, 'tapeagents.node': nodeOf(group[0]!), 'tapeagents.prompt_id': prompt, 'tapeagents.kinds': kinds } });
    agents.push(leaf(agent));
    for (let k = 0; k < toolCalls.length; k++) toolAgents.push(leaf(agent));
    pending = [...pending, ...toolCalls.map((c) => ({ id: c.id!, name: c.name }))];
  }
  if (turns.length === 0) throw new RecordError('TapeAgents tape: no steps');

  const attributes = recordAttributes(r, ['steps']);
  attributes['tapeagents.control_steps'] = control;
  if (calls.length > 0) attributes['tapeagents.calls'] = calls;
  const result = isObject(meta.result) ? meta.result : null;
  const solved = result !== null && typeof result.solved === 'boolean' ? result.solved : null;
  const author = str(meta.author) || null;
  const taskId = at !== undefined ? at.file.slice(at.file.lastIndexOf('/') + 1).replace(/\.json(?:\.gz)?$/, '') : null;
  const spans = buildConversation({
    traceId,
    turns,
    agentName: author ?? rootAgent ?? 'tapeagents',
    model: null,
    taskId,
    outcome: solved !== null ? { success: solved } : null,
    attributes,
  });
  // buildConversation numbers llm spans one per reply and tool spans one per call, in turn order.
  for (const s of spans) {
    const m = /:(llm|tool)-(\d+)$/.exec(s.spanId);
    const agent = m === null ? undefined : (m[1] === 'llm' ? agents : toolAgents)[Number(m[2])];
    if (agent !== undefined) s.agentName = agent;
  }
  const err = meta.error;
  if (err !== null && err !== undefined && err !== '') {
    const root = spans[0]!;
    const text = typeof err === 'string' ? err : JSON.stringify(err);
    failSpan(root, { type: 'tape', message: text.trim().split('\n')[0]! });
  }
  return spans;
}

export const tapeAgents: InputFormat = {
  name: 'tapeagents',
  sniff: isTape,
  normalize: (r, _pool, at) => ({ format: 'tapeagents', spans: normalizeTape(r, at), wholeTrace: true }),
};
