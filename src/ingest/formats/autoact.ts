// AutoAct group-planning runs (zjunlp/AutoAct `Self_Plan/Group_Planning/output/<model>/<level>.jsonl`): Llama-2
// sub-agents (a plan agent, a tool agent and a reflect agent, LoRA-tuned from one model) answer HotpotQA questions
// with BingSearch, Retrieve and Lookup (Wikipedia), Finish and Reflect. One JSON line per run: `{question, answer,
// correct, reward, halted, error, prompt}`.
// - `prompt` is the run as the agent's scratchpad holds it: the instruction (the tools and their syntax), then
//   `Question: …`, then `Thought: …`, `Action: Name[argument]`, `Observation: …` lines, one field a line (a field
//   that runs on over more lines continues it). The sub-agents' calls are not told apart in the file: a Thought with
//   its Action is one assistant turn, its action one tool call (`BingSearch[q]` → `{query}`, `Retrieve[e]` →
//   `{entity}`, `Lookup[k]` → `{keyword}`, `Finish[a]` → `{answer}`, as the instruction names them; `Reflect[…]`
//   and any other name → `{input}`), the action as written kept raw, the Observation its result.
// - A result fails when the harness says the action failed: `Invalid action…` (an action it does not know, or
//   Reflect before any Finish), `Lookup must after Retrive or BingSearch` and `The last page … was not found, so you
//   cannot Lookup…` (type `invalid_action`); `Could not find that page, please try again.` (the Wikipedia tool
//   raised; `exception`); `bingSearch error, please try again.` / `Bing search error` (`search_error`). A search
//   that found no page (`Could not find [X]. Similar: […]`) or a Lookup with `No Results` is a result, kept ok.
// - The harness answers the first Finish with `Please reflect your answer.`, then the run's Finish or Reflect[right]
//   with its verdict, `Answer is CORRECT` / `Answer is INCORRECT` (it checks the answer against the reference).
// - `correct` (exact match) → success; `reward` (F1) → reward; `halted` (out of steps or context) and `error` (a
//   sub-agent returned no response) → label and attributes; `answer` is the reference answer. No model named in the
//   record (the folder names its size), no times (one second per message, said).
// - Trace id `autoact:<file>#<line>`; task id the question.
import type { Message, Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { isObject, str } from '../values.ts';
import { RecordError, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';
import { parseAction } from './react-actions.ts';
import { resultTurn, type Rejection } from './wiki-env.ts';

type Dict = Record<string, unknown>;

const ARGUMENTS: Readonly<Record<string, string>> = { BingSearch: 'query', Retrieve: 'entity', Lookup: 'keyword', Finish: 'answer' };
const FIELD = /^(Thought|Action|Observation): ?(.*)$/;
const QUESTION = '\nQuestion: ';

const FAILURES: readonly Rejection[] = [
  { test: /^Lookup must after /, type: 'invalid_action' },
  { test: /^(?:bingSearch error, please try again\.|Bing search error)\s*$/i, type: 'search_error' },
];

const isRun = (r: Dict): boolean =>
  typeof r.prompt === 'string' && typeof r.question === 'string' && 'answer' in r && typeof r.correct === 'boolean' && typeof r.halted === 'boolean' && 'error' in r && 'reward' in r;

interface Step {
  thought: string | null;
  action: string | null;
  observation: string | null;
}

/** The instruction, the question as the scratchpad holds it, and the steps after it. */
function parse(prompt: string): { instruction: string; question: string; steps: Step[] } {
  const q = prompt.indexOf(QUESTION);
  if (q < 0) throw new RecordError('AutoAct run: its prompt holds no `Question:` line');
  const instruction = prompt.slice(0, q);
  const lines = prompt.slice(q + QUESTION.length).split('\n');
  let question = lines.shift() ?? '';
  const steps: Step[] = [];
  let open: { step: Step; key: keyof Step } | null = null;
  for (const line of lines) {
    const m = FIELD.exec(line);
    if (m !== null) {
      const key = m[1]!.toLowerCase() as keyof Step;
      let step = steps[steps.length - 1];
      // A Thought opens a step; an Action or Observation joins the open step unless it already has one.
      if (step === undefined || key === 'thought' || step[key] !== null || (key === 'action' && step.observation !== null)) steps.push((step = { thought: null, action: null, observation: null }));
      step[key] = m[2]!;
      open = { step, key };
    } else if (open !== null) open.step[open.key] = `${open.step[open.key]}\n${line}`;
    else question += `\n${line}`;
  }
  return { instruction, question: question.trim(), steps };
}


function turnsOf(instruction: string, question: string, steps: Step[], traceId: string): Turn[] {
  const turns: Turn[] = [{ message: { role: 'system', content: instruction.trim() } }, { message: { role: 'user', content: question } }];
  steps.forEach((s, i) => {
    if (s.thought === null && s.action === null) {
      if (s.observation !== null) turns.push({ message: { role: 'user', content: s.observation.trim() } });
      return;
    }
    const message: Message = { role: 'assistant', content: (s.thought ?? '').trim() };
    if (s.action === null) {
      turns.push({ message });
      return;
    }
    const a = parseAction(s.action, ARGUMENTS);
    const id = `${traceId}:step-${i}`;
    message.toolCalls = [{ id, name: a.name, arguments: a.args }];
    turns.push({ message, rawArguments: [s.action.trim()] });
    if (s.observation === null) return;
    turns.push(resultTurn(s.observation, s.observation.trim(), id, FAILURES));
  });
  return turns;
}

function normalize(r: Dict, at?: RecordSource): Span[] {
  const { instruction, question, steps } = parse(r.prompt as string);
  const file = at !== undefined ? at.file.replace(/\.gz$/, '') : 'autoact';
  const traceId = `autoact:${file}#${at?.line ?? 0}`;
  const label = r.error === true ? 'error' : r.halted === true ? 'halted' : r.correct === true ? 'correct' : 'incorrect';
  const attributes: Dict = { 'autoact.reference_answer': str(r.answer) ?? (isObject(r.answer) ? JSON.stringify(r.answer) : null), 'autoact.correct': r.correct, 'autoact.reward': r.reward, 'autoact.halted': r.halted, 'autoact.error': r.error };
  return buildConversation({
    traceId,
    turns: turnsOf(instruction, question, steps, traceId),
    agentName: 'AutoAct',
    model: null,
    taskId: str(r.question)?.trim() ?? question,
    outcome: outcomeFrom(r.correct, r.reward, label),
    attributes,
  });
}

export const autoAct: InputFormat = {
  name: 'autoact',
  sniff: isRun,
  normalize: (r, _pool, at) => ({ format: 'autoact', spans: normalize(r, at), wholeTrace: true }),
};
