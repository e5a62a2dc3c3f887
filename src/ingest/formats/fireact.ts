// FireAct trajectories (anchen1011/FireAct `trajs/<task>_<split>_<start>_<end>_<model>_<temperature>_<time>.json`):
// language agents fine-tuned on ReAct trajectories answer HotpotQA questions with a Google search tool (SerpAPI).
// One JSON object per file, a run per question id: `{"<id>": {reward, em, f1, gt, pred, prompt, traj}}`.
// - `traj` is the run as generation.py kept it, in one of two shapes: chat messages (`--chatgpt_format`: the
//   question as the first user message, then each model reply `Thought: …\nAction: name[args]` and the harness's
//   `Observation: …` user message), or the Alpaca-format text a fine-tuned Llama was prompted with and continued
//   (`### Instruction:\n<question>\n\n### Response:\nThought: …\nAction: …\nObservation: …\n…`, its lines also in
//   `traj_by_line`). `prompt` is the few-shot prompt before it (empty in the published runs: the models are
//   fine-tuned and prompted zero-shot).
// - A reply is one model call; its action is a tool call (`search[q]` → tool `search`, `{query}`; `finish[a]` →
//   `finish`, `{answer}`; any other name → `{input}`), read as generation.py reads it (the text before the first
//   `[`, trimmed (57 Llama replies write `Action:  finish[…]`), and after it up to the next `[` less its last
//   character: 11 replies ran on past the `]` with a new
//   thought, which went into the search query), the action as written kept raw; the observation is its result.
//   generation.py runs `search` through SerpAPI and keeps `None` when Google's reply had no answer box or snippet:
//   that result is kept as written with status `unset` (the search ran and returned nothing; no failure is
//   recorded). A tool that raised becomes `('<tool>', '<args>') generated an exception: …`: a failed call. After
//   `finish` the harness scores the answer and writes `Episode finished, reward = True|False` as its observation.
// - generation.py saves only runs that called `finish` within its 11 iterations, so every run here finished; a
//   reply with no `Action:` or no `[` was asked again or dropped before it reached `traj`.
// - `reward` (the exact-match verdict, as `em`) → outcome; `em`, `f1`, `gt` (the reference answer, normalized)
//   and `pred` → attributes. Model and temperature from the file name (`ft_gpt-3.5-turbo-0613_princeton-nlp__…`,
//   `llama_models_lora_llama-2-13b-d_1000`); no times (one second per message, said).
// - Trace id `fireact:<file>#<id>`; task id `<task>_<split>:<id> (<model>)`: the same question answered by another
//   model is another agent's run, not a trial.
import type { Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { isObject } from '../values.ts';
import { RecordError, contentText, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const ARGUMENTS: Readonly<Record<string, string>> = { search: 'query', finish: 'answer' };

const FILE = /^([a-z0-9]+)_([a-z]+)_\d+_\d+_(.+)_(\d+(?:\.\d+)?)_(\d{4}(?:-\d\d){5})\.json(?:\.gz)?$/;

// What generation.py writes when a tool call raised (`'%r generated an exception: %s' % ((tool, args), exc)`).
const RAISED = /^\(.*\) generated an exception: /s;
const FIELD = /^(Thought|Action|Observation):[ ]?(.*)$/;

const isRun = (v: unknown): boolean =>
  isObject(v) && (Array.isArray(v.traj) || typeof v.traj === 'string') && 'reward' in v && 'gt' in v && 'pred' in v;

function firstEntry(r: Dict): unknown {
  for (const k in r) return /^\d+$/.test(k) ? r[k] : undefined;
  return undefined;
}

interface Step {
  reply: string;
  thought: string;
  action: string | null;
  observation: string | null;
}

/** `Thought: …\nAction: …` → the thought and the action text (generation.py splits on the first `\nAction: `). */
function splitReply(reply: string): { thought: string; action: string | null } {
  const t = reply.trim();
  const at = t.indexOf('\nAction: ');
  if (at >= 0) return { thought: t.slice(0, at), action: t.slice(at + '\nAction: '.length).split('\nAction: ')[0]! };
  if (t.startsWith('Action: ')) return { thought: '', action: t.slice('Action: '.length) };
  return { thought: t, action: null };
}

/**
 * The tool and argument as generation.py read them (`action.split('[')[:2]`, the argument's last character
 * dropped): a reply that ran on past the `]` (`search[q]\nThought: …`) sent that whole tail to the search.
 */
function harnessAction(action: string): { name: string; args: Dict } {
  const parts = action.split('[');
  if (parts.length < 2) return { name: action.trim().split(/\s+/, 1)[0] || 'action', args: { input: action } };
  const name = parts[0]!.trim();
  return { name, args: { [ARGUMENTS[name.toLowerCase()] ?? 'input']: parts[1]!.slice(0, -1) } };
}

const observationOf = (text: string): string => (text.startsWith('Observation: ') ? text.slice('Observation: '.length) : text);

function chatSteps(traj: unknown[]): { question: string; steps: Step[] } {
  const msgs = traj.filter(isObject);
  const first = msgs[0];
  if (first === undefined || first.role !== 'user') throw new RecordError('FireAct run: traj does not open with the question');
  const steps: Step[] = [];
  for (const m of msgs.slice(1)) {
    const content = contentText(m.content);
    if (m.role === 'assistant') steps.push({ reply: content, ...splitReply(content), observation: null });
    else if (m.role === 'user' && steps.length > 0 && steps[steps.length - 1]!.observation === null) steps[steps.length - 1]!.observation = observationOf(content);
    else throw new RecordError(`FireAct run: a ${String(m.role)} message where a reply or an observation was expected`);
  }
  return { question: contentText(first.content), steps };
}

/** The Alpaca-format text: the question between `### Instruction:` and `### Response:`, then the fields line by line. */
function textSteps(traj: string): { question: string; steps: Step[] } {
  const inst = traj.indexOf('### Instruction:\n');
  const resp = traj.indexOf('### Response:\n');
  const question = inst >= 0 && resp > inst ? traj.slice(inst + '### Instruction:\n'.length, resp).trim() : '';
  const body = resp >= 0 ? traj.slice(resp + '### Response:\n'.length) : traj;
  const fields: { key: string; text: string }[] = [];
  for (const line of body.split('\n')) {
    const m = FIELD.exec(line);
    if (m !== null) fields.push({ key: m[1]!, text: m[2]! });
    else if (fields.length > 0) fields[fields.length - 1]!.text += `\n${line}`;
  }
  const steps: Step[] = [];
  let thought: string | null = null;
  for (const f of fields) {
    const text = f.text.replace(/\n+$/, '');
    if (f.key === 'Thought') thought = text;
    else if (f.key === 'Action') {
      steps.push({ reply: `Thought: ${thought ?? ''}\nAction: ${text}`, thought: thought ?? '', action: text, observation: null });
      thought = null;
    } else if (steps.length > 0 && steps[steps.length - 1]!.observation === null) steps[steps.length - 1]!.observation = text;
  }
  if (question === '' && steps.length === 0) throw new RecordError('FireAct run: no question and no steps in the traj text');
  return { question, steps };
}

function runSpans(run: Dict, key: string, file: string): Span[] {
  const named = FILE.exec(file);
  const model = named?.[3] ?? null;
  const task = named !== null ? `${named[1]}_${named[2]}` : 'fireact';
  const traceId = `fireact:${file.replace(/\.gz$/, '')}#${key}`;
  const { question, steps } = Array.isArray(run.traj) ? chatSteps(run.traj) : textSteps(run.traj as string);
  const turns: Turn[] = [{ message: { role: 'user', content: question } }];
  steps.forEach((s, i) => {
    if (s.action === null) {
      turns.push({ message: { role: 'assistant', content: s.reply } });
      return;
    }
    const id = `${traceId}:step-${i}`;
    const a = harnessAction(s.action);
    turns.push({ message: { role: 'assistant', content: s.reply, toolCalls: [{ id, name: a.name, arguments: a.args }] }, rawArguments: [s.action] });
    if (s.observation === null) return;
    const result: Turn = { message: { role: 'tool', content: s.observation, toolCallId: id } };
    if (RAISED.test(s.observation)) result.failed = true;
    else if (s.observation.trim() === 'None') result.attributes = { 'fireact.no_result': true };
    turns.push(result);
  });
  const attributes = recordAttributes(run, ['traj', 'traj_by_line', 'prompt']);
  if (named !== null) {
    attributes['fireact.temperature'] = Number(named[4]);
    attributes['fireact.started'] = named[5];
  }
  const spans = buildConversation({
    traceId,
    turns,
    agentName: `fireact (${model ?? 'model not named'})`,
    model,
    taskId: `${task}:${key}${model !== null ? ` (${model})` : ''}`,
    outcome: outcomeFrom(run.reward, undefined, undefined),
    attributes,
  });
  // A search that returned Python's None: it ran, and no answer came back; the record shows no failure.
  for (const s of spans) if (s.kind === 'tool' && s.attributes['fireact.no_result'] === true && s.status === 'ok') s.status = 'unset';
  return spans;
}

function normalizeFireAct(r: Dict, at?: RecordSource): Span[] {
  const file = at !== undefined ? at.file.slice(at.file.lastIndexOf('/') + 1) : 'fireact';
  const spans: Span[] = [];
  for (const key in r) {
    const run = r[key];
    if (!isRun(run)) throw new RecordError(`FireAct trajectories: entry ${key} is not a run (no traj, reward, gt, pred)`);
    spans.push(...runSpans(run as Dict, key, file));
  }
  if (spans.length === 0) throw new RecordError('FireAct trajectories document has no runs');
  return spans;
}

export const fireAct: InputFormat = {
  name: 'fireact',
  sniff: (r) => isRun(firstEntry(r)),
  normalize: (r, _pool, at) => ({ format: 'fireact', spans: normalizeFireAct(r, at), wholeTrace: true }),
};
