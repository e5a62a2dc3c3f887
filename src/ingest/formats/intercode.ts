// InterCode results (princeton-nlp/intercode `data/results/<env>/<model>/*.json`):
// agents that work in an interactive SQL, bash, Python or CTF environment,
// one run per task. A results file is an object of runs keyed by their index
// (`{"0": run, "1": run, …}`), or `{meta, logs: {…}}` (Plan & Solve); a run
// alone is read too. A run: `{environment, query, task_id, turn_history:
// {actions, observations, rewards, valid_action, thoughts?, steps?}, summary:
// {max_reward, …}, hardness}`.
// - Each action is an `execute` tool call (`{command}`; ReAct writes
//   `execute[…]`, the others the bare command) or `submit` (`{answer}` when it
//   carries one, e.g. a CTF flag); its observation is
//   the result, failed when the environment marked the action invalid
//   (`valid_action: false`, e.g. "Error executing query: …"), except where
//   that flag is a bash exit status 1 that was the program's answer (grep with
//   no match, diff finding a difference: exit-answer.ts), kept as
//   `halo.flagged_error`; the turn's reward is kept on the call (`intercode.reward`).
// - A turn whose thought is InterCode's own "EXCEEDED MAX TURNS: submit" is
//   the harness submitting at the turn limit, not a model's reply: no model
//   call, and the call says so (`tool.requestor: harness`); its observation
//   repeats the last one's.
// - The actions are the harness's record of what it parsed out of each reply
//   (the reply itself is not kept, and InterCode's bash harness joins lines
//   and strips quotes on its way): every call says so
//   (`halo.harness_parsed`). A ReAct action not written as `execute[…]` or
//   `submit` is one the harness could not parse (`halo.action_unparsed`
//   says what was missing).
// - ReAct `thoughts` are the model's text before each action. Plan & Solve
//   `steps` are the planner's plan: one turn with the plan, then each action
//   carries the step it executes (`intercode.step`).
// - A last action `blocked` with no observation is no action: InterCode's
//   multi-turn harness logs that word when asking the policy for an action
//   raised (PaLM's chat returning no reply, a reply its parser could not
//   read) and ends the run there. No call is recorded for it; the run fails
//   with it (`intercode.blocked`).
// - `summary.max_reward` is the outcome's reward (1 = solved). The source
//   records no model (the folder names it) and no times.
// - Trace id: the file and the run's key (`intercode:<file>#<key>`); tasks repeat
//   across strategies and models, so the task id alone would merge runs.
import type { Span, ToolCall } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { isObject, num, str } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import { RecordError, contentText, type InputFormat, type RecordSource, failSpan } from './common.ts';
import { exitIsAnswer } from '../exit-answer.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

// Text after the last `]` (a reply that ran on into "Observation") does not stop the harness
// parsing the action: such a command reached the database and got its answer.
const EXECUTE = /^\s*execute\s*\[([\s\S]*)\][\s\S]*$/;
// `submit`, or `submit <answer>` / `submit[<answer>]` (a CTF flag).
const SUBMIT = /^\s*submit(?:\s*\[([\s\S]*)\]|\s+([\s\S]*?))?\s*$/i;

// What the ReAct harness writes in place of a thought when it submits for the model at the turn limit.
const FORCED = /^\s*EXCEEDED MAX TURNS\b/;

const isRun = (v: unknown): boolean => isObject(v) && isObject(v.turn_history) && ('query' in v || 'environment' in v);

/** The first entry of a keyed document, when it looks like a results file (`"0": run`). */
function firstEntry(r: Dict): unknown {
  for (const k in r) return /^\d+$/.test(k) ? r[k] : undefined;
  return undefined;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function strategy(history: Dict): string {
  if (Array.isArray(history.steps)) return 'intercode plan-and-solve';
  if (Array.isArray(history.thoughts)) return 'intercode react';
  return 'intercode';
}

/** The harness's `blocked` entry: a last action with no observation, logged when the policy raised. */
function blockedAtEnd(h: Dict): boolean {
  const actions = list(h.actions);
  return actions.length === list(h.observations).length + 1 && contentText(actions[actions.length - 1]) === 'blocked';
}

function runTurns(run: Dict): Turn[] {
  const h = run.turn_history as Dict;
  const actions = blockedAtEnd(h) ? list(h.actions).slice(0, -1) : list(h.actions);
  const observations = list(h.observations);
  const rewards = list(h.rewards);
  const valid = list(h.valid_action);
  const thoughts = list(h.thoughts);
  const steps = Array.isArray(h.steps) ? h.steps.map((s) => contentText(s)) : null;
  const turns: Turn[] = [];
  const query = str(run.query);
  if (query !== null) turns.push({ message: { role: 'user', content: query } });
  if (steps !== null) turns.push({ message: { role: 'assistant', content: steps.map((s, i) => `${i + 1}. ${s}`).join('\n') }, attributes: { 'intercode.role': 'planner', 'intercode.plan': steps } });
  for (let i = 0; i < actions.length; i++) {
    const text = contentText(actions[i]);
    const id = `action-${i}`;
    const wrapped = EXECUTE.exec(text);
    const submit = SUBMIT.exec(text);
    const answer = submit !== null ? (submit[1] ?? submit[2] ?? '') : '';
    const call: ToolCall = submit !== null ? { id, name: 'submit', arguments: answer !== '' ? { answer } : {} } : { id, name: 'execute', arguments: { command: wrapped !== null ? wrapped[1]! : text } };
    const attributes: Dict = {};
    if (steps !== null && steps[i] !== undefined) attributes['intercode.step'] = steps[i];
    const thought = thoughts[i] !== undefined ? contentText(thoughts[i]) : '';
    // A turn no model wrote is not an assistant turn: its call is the harness's (conversation.ts records the requestor).
    const role = FORCED.test(thought) ? 'harness' : 'assistant';
    turns.push({ message: { role, content: thought, toolCalls: [call] }, rawArguments: [text], attributes });
    if (i >= observations.length) continue;
    const result: Turn = { message: { role: 'tool', content: contentText(observations[i]), toolCallId: id } };
    // Kept on the call's span (conversation.ts puts a result's attributes there).
    result.attributes = { 'halo.harness_parsed': true };
    const reward = num(rewards[i]);
    if (reward !== null) result.attributes['intercode.reward'] = reward;
    // ReAct writes every action as `execute[…]` or `submit`: anything else is a reply the parser could not read.
    if (thoughts.length > 0 && wrapped === null && submit === null) result.attributes['halo.action_unparsed'] = /^\s*execute\s*\[/.test(text) ? '`execute[` with no closing `]`' : 'no `execute[…]` around the command';
    if (valid[i] === false) {
      // Bash flags every non-zero exit; grep finding no line and diff finding a difference exit 1 as their answer.
      const answered = call.name === 'execute' && typeof call.arguments === 'object' ? exitIsAnswer(String((call.arguments as Dict).command ?? ''), result.message.content) : null;
      if (answered !== null) result.attributes['halo.flagged_error'] = `the environment marked the action invalid; \`${answered}\` exits 1 to answer (no match, a difference), and its output reports no error`;
      else result.failed = true;
    }
    turns.push(result);
  }
  return turns;
}

function runSpans(run: Dict, key: string | null, at: RecordSource | undefined, meta: Dict | null): Span[] {
  const summary = isObject(run.summary) ? run.summary : {};
  const taskId = str(run.task_id);
  const attributes = recordAttributes(run, ['turn_history', 'query']);
  if (meta !== null) Object.assign(attributes, recordAttributes({ meta }, []));
  const traceId = key !== null && at !== undefined ? `intercode:${at.file}#${key}` : traceIdentity(run, { prefix: 'intercode', perFile: key === null }, at);
  const spans = buildConversation({
    traceId,
    turns: runTurns(run),
    agentName: strategy(run.turn_history as Dict),
    model: null,
    taskId: taskId !== null ? `${str(run.environment) ?? 'intercode'}-${taskId}` : null,
    outcome: outcomeFrom(undefined, summary.max_reward, undefined),
    attributes,
  });
  if (blockedAtEnd(run.turn_history as Dict)) {
    const root = spans[0]!;
    root.attributes['intercode.blocked'] = true;
    failSpan(root, { type: 'blocked', message: 'blocked: the harness got no action from the policy and ended the run' });
  }
  return spans;
}

function normalizeInterCode(r: Dict, at?: RecordSource): Span[] {
  if (isRun(r)) return runSpans(r, null, at, null);
  const meta = isObject(r.meta) ? r.meta : null;
  const runs = isObject(r.logs) ? r.logs : r;
  const spans: Span[] = [];
  for (const key in runs) {
    const run = runs[key];
    if (!isRun(run)) throw new RecordError(`InterCode results: entry ${key} is not a run (no turn_history)`);
    spans.push(...runSpans(run as Dict, key, at, meta));
  }
  if (spans.length === 0) throw new RecordError('InterCode results document has no runs');
  return spans;
}

export const interCode: InputFormat = {
  name: 'intercode',
  sniff: (r) => isRun(r) || (isObject(r.logs) && isRun(firstEntry(r.logs))) || isRun(firstEntry(r)),
  normalize: (r, _pool, at) => ({ format: 'intercode', spans: normalizeInterCode(r, at), wholeTrace: true }),
};
