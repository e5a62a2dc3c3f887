// Moatless Tools trajectories (aorwall/moatless-tools 0.0.x,
// `evaluations/<run>/trajs/<instance>.json`): a code agent built as a state
// machine, one run per SWE-bench instance. A trajectory: `{name:
// "AgenticLoop", initial_message, transitions: [{name, state, actions}], info:
// {evaluation_name, instance_id, status, duration, total_cost, submission,
// error?}}`. Each transition is one state of the loop, with its own prompt and
// model (`state.model`): SearchCode (search requests, answered with ranked code
// spans), IdentifyCode, DecideRelevance, PlanToCode (a planner choosing
// `modify` / `review` / `finish`), ClarifyCodeChange and EditCode (the editor
// writing the change, answered with the diff and lint errors); Finished and
// Rejected end the run and hold no actions.
// - Each action is one model reply: an llm span (the state's model, its
//   `scratch_pad` as text, tokens and cost) whose tool call is named for the
//   state (the reply is the state's one structured output; its other fields are
//   the arguments) and whose result is the action's `output`.
// - An action with `retry_message` instead of an output is one the loop refused
//   and sent back to the model ("Span not found: …", "The code in the replace
//   tag is the same as in the search"): that call failed, with the retry
//   message as its error. Lint errors after an edit (`verification_errors`)
//   are part of a result that succeeded: kept, not a failure.
// - Each llm and tool span is named for its state as its agent: the states are
//   the loop's sub-agents, each with its own instructions.
// - `info.error` is the harness's traceback when the loop crashed: the root
//   span fails with its last line. `info.status` (finished / rejected / error)
//   is how the loop ended, not a verdict; the SWE-bench verdict is in the
//   run folder's `result.json`, read with `--outcomes`.
// - No times are recorded (only `info.duration`): runs say `halo.synthetic_time: true`.
// - Trace id: `moatless:<evaluation_name>:<instance_id>`; task id: the instance id.
import type { Span, ToolCall } from '../../types.ts';
import { isObject, num, str } from '../values.ts';
import { RecordError, type InputFormat, failSpan } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const isTrajectory = (r: Dict): boolean => Array.isArray(r.transitions) && isObject(r.info) && typeof r.initial_message === 'string';

function actionTurns(state: string, model: string | null, actions: unknown[], n: { i: number }): { turns: Turn[]; agents: string[] } {
  const turns: Turn[] = [];
  const agents: string[] = [];
  for (const a of actions) {
    if (!isObject(a)) continue;
    const reply = isObject(a.action) ? a.action : {};
    const { scratch_pad: thought, ...args } = reply;
    const id = `action-${n.i++}`;
    const call: ToolCall = { id, name: state, arguments: args };
    const input = num(a.input_tokens);
    const output = num(a.output_tokens);
    const turn: Turn = { message: { role: 'assistant', content: str(thought) ?? '', toolCalls: [call] }, model, attributes: { 'moatless.state': state } };
    if (input !== null && output !== null) turn.tokens = { input, output, total: input + output };
    const cost = num(a.completion_cost);
    if (cost !== null) turn.cost = cost;
    turns.push(turn);
    agents.push(state);
    const retry = str(a.retry_message);
    if (retry !== null) {
      turns.push({ message: { role: 'tool', content: retry, toolCallId: id }, failed: true, error: { type: 'retry', message: retry.trim().split('\n')[0]! }, attributes: { 'moatless.retry': true } });
    } else if ('output' in a) {
      turns.push({ message: { role: 'tool', content: JSON.stringify(a.output ?? null), toolCallId: id } });
    }
  }
  return { turns, agents };
}

function normalizeMoatless(r: Dict): Span[] {
  const info = r.info as Dict;
  const instance = str(info.instance_id);
  const evaluation = str(info.evaluation_name) ?? 'moatless';
  const traceId = `moatless:${evaluation}:${instance ?? 'run'}`;
  const turns: Turn[] = [{ message: { role: 'user', content: r.initial_message as string } }];
  const agents: string[] = [];
  const n = { i: 0 };
  let last: Dict | null = null;
  for (const t of r.transitions as unknown[]) {
    if (!isObject(t)) throw new RecordError('Moatless trajectory: a transition is not an object');
    const state = str(t.name) ?? 'state';
    const props = isObject(t.state) ? t.state : {};
    const got = actionTurns(state, str(props.model), Array.isArray(t.actions) ? t.actions : [], n);
    turns.push(...got.turns);
    agents.push(...got.agents);
    last = t;
  }
  const attributes = recordAttributes(r, ['transitions', 'initial_message']);
  if (last !== null) {
    attributes['moatless.final_state'] = str(last.name);
    const props = isObject(last.state) ? last.state : {};
    if (str(props.message) !== null) attributes['moatless.final_message'] = str(props.message);
  }
  const spans = buildConversation({ traceId, turns, agentName: str(r.name) ?? 'moatless', model: null, taskId: instance, attributes });
  // buildConversation numbers llm spans and tool spans in turn order, one call per reply.
  for (const s of spans) {
    const m = /:(llm|tool)-(\d+)$/.exec(s.spanId);
    const agent = m !== null ? agents[Number(m[2])] : undefined;
    if (agent !== undefined) s.agentName = agent;
  }
  const crash = str(info.error);
  if (crash !== null) {
    const root = spans[0]!;
    const lines = crash.trim().split('\n');
    failSpan(root, { type: 'traceback', message: lines[lines.length - 1]!.trim() });
  }
  return spans;
}

export const moatless: InputFormat = {
  name: 'moatless',
  sniff: isTrajectory,
  normalize: (r) => ({ format: 'moatless', spans: normalizeMoatless(r), wholeTrace: true }),
};
