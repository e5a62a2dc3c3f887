// KnowAgent's HotpotQA runs (zjunlp/KnowAgent `Self-Learning/trajs/datas/KnowAgentHotpotQA_<model>_D<n>.jsonl`,
// written by `Path_Generation/hotpotqa_run` (`utils.log_agent`): a Llama-2 chat model answers a HotpotQA question
// with Search (Bing), Retrieve and Lookup (Wikipedia) and Finish, shown a graph of which action may follow which.
// One JSON line per run, `{question, answer, correct, reward, halted, error, prompt}` — AutoAct's shape, told
// apart by its prompt (see `isRun`).
// - `prompt` is the whole prompt of the run's last model call: the instruction and the few-shot examples up to
//   `(END OF EXAMPLES)`, `Question: …`, then the scratchpad, one field a line (`agent_arch.py` strips newlines
//   from what the model writes): per step n, `ActionPath n: …` (the path taken through the graph so far),
//   `Thought n: …` and `Action n: Name[argument]`, each from its own model call, then `Observation n: …`, the
//   harness's answer to the action.
// - ActionPath and Thought replies are model turns with no call; an Action is one tool call (`Search[t]` →
//   `{topic}`, `Retrieve[e]` → `{entity}`, `Lookup[k]` → `{keyword}`, `Finish[a]` → `{answer}`, as the
//   instruction names them; any other text → `{input}`), the action as written kept raw, the Observation its
//   result. An empty field is a reply the harness recorded as '' (`knowagent.empty_reply`): the model replied
//   nothing or its call raised (`prompt_agent` catches every exception), the file does not say which.
// - A result fails when the harness says the action failed: `Invalid Action…` (a name it does not know, or no
//   `Name[…]` at all) and `The last page Retrieved/Searched was not found, so you cannot Lookup…` (type
//   `invalid_action`); `Could not find that page, please try again.` (the Wikipedia tool raised; `exception`);
//   `Could not complete the Bing search…` / `Search error,please try again` (`search_error`). A Retrieve that
//   found no page (`Could not find [X]. Similar: […]`) or a Lookup with `No results found.` is a result, kept ok.
//   Finish is answered `Answer is CORRECT` / `Answer is INCORRECT` (exact match against the reference), a result
//   too: the run's outcome carries the verdict.
// - `correct` (exact match) → success; `reward` (F1) → reward; `halted` (past 10 steps or the context budget)
//   and `error` (the model returned no response) → label and attributes; `answer` is the reference answer. No
//   model named in the record (the file name names it), no times (one second per message, said).
// - Trace id `knowagent-hotpotqa:<file>#<line>`; task id the question.
import type { Message, Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { isObject, str } from '../values.ts';
import { RecordError, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';
import { parseAction } from './react-actions.ts';
import { resultTurn, type Rejection } from './wiki-env.ts';

type Dict = Record<string, unknown>;

const ARGUMENTS: Readonly<Record<string, string>> = { Search: 'topic', Retrieve: 'entity', Lookup: 'keyword', Finish: 'answer' };
const END_OF_EXAMPLES = '(END OF EXAMPLES)\nQuestion: ';
const FIELD = /^(ActionPath|Thought|Action|Observation) (\d+):(.*)$/;

const FAILURES: readonly Rejection[] = [
  { test: /^(?:Could not complete the Bing search, please try again\.|Search error,\s*please try again)/, type: 'search_error' },
];

/** AutoAct's record shape, with KnowAgent's scratchpad: numbered fields and an ActionPath first after the question. */
const isRun = (r: Dict): boolean => {
  if (typeof r.prompt !== 'string' || typeof r.question !== 'string' || !('answer' in r) || typeof r.correct !== 'boolean') return false;
  if (typeof r.halted !== 'boolean' || !('error' in r) || !('reward' in r)) return false;
  const at = r.prompt.lastIndexOf(END_OF_EXAMPLES);
  return at >= 0 && /\nActionPath 1:/.test(r.prompt.slice(at));
};

interface Field {
  key: 'ActionPath' | 'Thought' | 'Action' | 'Observation';
  step: number;
  text: string;
}

/** The instruction with its examples, the question, and the scratchpad's fields in order. */
function parse(prompt: string): { instruction: string; question: string; fields: Field[] } {
  const at = prompt.lastIndexOf(END_OF_EXAMPLES);
  if (at < 0) throw new RecordError('KnowAgent HotpotQA run: its prompt holds no `(END OF EXAMPLES)` line');
  const instruction = prompt.slice(0, at + END_OF_EXAMPLES.indexOf('\n'));
  const lines = prompt.slice(at + END_OF_EXAMPLES.length).split('\n');
  let question = lines.shift() ?? '';
  const fields: Field[] = [];
  for (const line of lines) {
    const m = FIELD.exec(line);
    if (m !== null) fields.push({ key: m[1] as Field['key'], step: Number(m[2]), text: m[3]!.replace(/^ /, '') });
    else if (fields.length > 0) fields[fields.length - 1]!.text += `\n${line}`;
    else question += `\n${line}`;
  }
  return { instruction, question: question.trim(), fields };
}


function turnsOf(instruction: string, question: string, fields: Field[], traceId: string): Turn[] {
  const turns: Turn[] = [{ message: { role: 'system', content: instruction.trim() } }, { message: { role: 'user', content: question } }];
  let pending: string | null = null;
  fields.forEach((f, i) => {
    const text = f.text.trim();
    const attributes: Dict = { 'knowagent.field': f.key, 'knowagent.step': f.step };
    // `prompt_agent` writes '' both for an empty reply and for a model call that raised: which one is not recorded.
    if (text === '' && f.key !== 'Observation') attributes['knowagent.empty_reply'] = true;
    if (f.key === 'ActionPath' || f.key === 'Thought') {
      turns.push({ message: { role: 'assistant', content: text }, attributes });
      pending = null;
      return;
    }
    // An empty Action is a reply with nothing in it, not a call of a tool named "action": the harness's answer to it is its own message.
    if (f.key === 'Action' && text === '') {
      turns.push({ message: { role: 'assistant', content: text }, attributes });
      pending = null;
      return;
    }
    if (f.key === 'Action') {
      const a = parseAction(text, ARGUMENTS);
      const id = `${traceId}:field-${i}`;
      const message: Message = { role: 'assistant', content: text, toolCalls: [{ id, name: a.name, arguments: a.args }] };
      turns.push({ message, rawArguments: [text], attributes });
      pending = id;
      return;
    }
    // An Observation with no action before it is not written by this harness; kept as the harness's message if a file has it.
    if (pending === null) {
      turns.push({ message: { role: 'user', name: 'harness', content: text } });
      return;
    }
    turns.push(resultTurn(text, text, pending, FAILURES));
    pending = null;
  });
  return turns;
}

function normalize(r: Dict, at?: RecordSource): Span[] {
  const { instruction, question, fields } = parse(r.prompt as string);
  const file = at !== undefined ? at.file.replace(/\.gz$/, '') : 'knowagent-hotpotqa';
  const traceId = `knowagent-hotpotqa:${file}#${at?.line ?? 0}`;
  const label = r.error === true ? 'error' : r.halted === true ? 'halted' : r.correct === true ? 'correct' : 'incorrect';
  const attributes: Dict = {
    'knowagent.reference_answer': str(r.answer) ?? (isObject(r.answer) ? JSON.stringify(r.answer) : null),
    'knowagent.correct': r.correct,
    'knowagent.reward': r.reward,
    'knowagent.halted': r.halted,
    'knowagent.error': r.error,
  };
  return buildConversation({
    traceId,
    turns: turnsOf(instruction, question, fields, traceId),
    agentName: 'KnowAgent',
    model: null,
    taskId: str(r.question)?.trim() ?? question,
    outcome: outcomeFrom(r.correct, r.reward, label),
    attributes,
  });
}

export const knowAgentHotpotqa: InputFormat = {
  name: 'knowagent-hotpotqa',
  sniff: isRun,
  normalize: (r, _pool, at) => ({ format: 'knowagent-hotpotqa', spans: normalize(r, at), wholeTrace: true }),
};
