// ToolBench answers (OpenBMB/ToolBench `data_example/answer/*`, StableToolBench
// and the DFSDT/CoT runners that write the same file): one run per record,
// `{answer_generation: {query, function, finish_type, final_answer, …}, tree:
// {tree: node}, win, forward_args}`. The run is a depth-first search over
// tool calls: a node is a `Thought` (the model's text), an `Action` (the
// function it called) or an `Action Input` (the arguments, with the
// `observation` the environment returned and its `observation_code`). The
// tree keeps every branch, the abandoned ones too, so the run is read from the
// tree, not from the winning chain.
//
// Order: DFSDT expands children in creation order and finishes a subtree before
// it asks the model for the next sibling, so a pre-order walk is the order the
// model calls happened in. One model call is a `Thought` then its `Action` and
// `Action Input`, or an `Action` alone (no text); a `Thought` the search
// expanded itself (`expand_num` > 0, or childless) was a reply with no call.
// A call whose parent is not where the previous call ended went back up the
// tree: `toolbench.backtrack: true` with the depth it resumed from.
//
// Errors: ToolBench's own status codes (toolbench/inference/Downstream_tasks/
// rapidapi.py): 1 no such function, 2 malformed Finish, 5 timeout, 6 API not
// working, 7 unauthorized, 8 unsubscribed, 9 too many requests, 10 rate
// limit, 11 the API answered with an error message, 12 the request failed.
// 4 (the model chose `give_up_and_restart`) and 3 (final answer given) are
// the agent's own moves, not failures. The codes are read with the reply they
// come with (`failureOf`): code 0 on a reply that is only an error message is
// a failure, code 11 on a reply that holds results is not. Outcome: `win` (the search ended in a
// final answer; no judge ran) and `finish_type` as its label. The source
// records no times and no model name.
import type { Message, ToolCall } from '../../types.ts';
import { isObject, num, parseArguments, str, tryParseJson } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import { RecordError, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import { outcomeFrom } from '../conventions.ts';
import { carriesData, errorOnlyBody } from '../error-body.ts';

type Dict = Record<string, unknown>;

// The failures among ToolBench's status codes, named as its source comments them.
const FAILURES: ReadonlyMap<number, string> = new Map([
  [1, 'NoSuchFunction'],
  [2, 'InvalidFinish'],
  [5, 'Timeout'],
  [6, 'ApiNotWorking'],
  [7, 'Unauthorized'],
  [8, 'Unsubscribed'],
  [9, 'TooManyRequests'],
  [10, 'RateLimit'],
  [11, 'ApiErrorMessage'],
  [12, 'RequestFailed'],
]);

/**
 * The observation's `error`, with the API's reply when it sent one (code 11 keeps the cause there).
 * ToolBench cuts long observations, so the JSON may be unterminated: read its fields by pattern then.
 */
function failureMessage(observation: string): string {
  const { error, response } = envelope(observation);
  if (error === null || error === '') return observation.trim().split('\n', 1)[0]!;
  const reply = response.trim().split('\n', 1)[0]!.slice(0, 500);
  return reply === '' ? error : `${error} ${reply}`;
}

/** The observation's `error` and the API's reply (`response`), also from an observation cut short. */
function envelope(observation: string): { error: string | null; response: string } {
  const o = tryParseJson(observation);
  if (isObject(o)) return { error: str(o.error), response: typeof o.response === 'string' ? o.response : o.response != null ? JSON.stringify(o.response) : '' };
  const m = CUT_OBSERVATION.exec(observation);
  if (m === null) return { error: null, response: '' };
  return { error: (tryParseJson(`"${m[1]}"`) as string | null) ?? m[1]!, response: m[2] ?? '' };
}

/**
 * The call's failure, read from the status code and the reply together: a
 * reply that is only an error message fails the call whatever the code (the
 * API said "Endpoint '/search/shows' does not exist" with code 0), and code
 * 11's "Message error..." on a reply that holds the data asked for (a list of
 * results) is ToolBench's guess, not a refusal: the call worked.
 */
function failureOf(code: number, observation: string): { type: string | null; message: string } | null {
  const type = FAILURES.get(code);
  const { response } = envelope(observation);
  if (type !== undefined) return code === 11 && carriesData(response) ? null : { type, message: failureMessage(observation) };
  if (code !== 0) return null;
  const message = errorOnlyBody(response);
  return message === undefined ? null : { type: null, message };
}

// `{"error": "…", "response": "…` of an observation cut short.
const CUT_OBSERVATION = /^\s*\{\s*"error"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"response"\s*:\s*"?(.*)$/s;

const children = (n: Dict): Dict[] => (Array.isArray(n.children) ? n.children.filter(isObject) : []);
const typeOf = (n: Dict | undefined): string | null => (n === undefined ? null : str(n.node_type));

/** The nodes one model call made, starting at `first`: [Thought?, Action?, Action Input?]. */
function callChain(first: Dict): { thought: Dict | null; action: Dict | null; input: Dict | null; end: Dict } {
  let thought: Dict | null = null;
  let node: Dict | undefined = first;
  if (typeOf(node) === 'Thought') {
    thought = node;
    const expanded = (num(node.expand_num) ?? 0) > 0 || children(node).length === 0;
    if (expanded) return { thought, action: null, input: null, end: node };
    node = children(node)[0];
  }
  if (typeOf(node) !== 'Action') return { thought, action: null, input: null, end: thought ?? first };
  const action = node!;
  const input = children(action).find((c) => typeOf(c) === 'Action Input') ?? null;
  return { thought, action, input, end: input ?? action };
}

// ToolBench's runner renames a call to a function that does not exist
// (status 1) before it files the call in the history the model is sent next:
// the model sees this name, not the one it sent, in the calls below.
const PLACEHOLDER = 'invalid_hallucination_function_name';

function asSentBack(reply: Message): Message {
  return { ...reply, toolCalls: reply.toolCalls?.map((c) => ({ ...c, name: PLACEHOLDER })) };
}

function treeTurns(root: Dict, offered: unknown, opening: Message[]): Turn[] {
  const turns: Turn[] = [];
  let lastEnd: Dict = root;
  let n = 0;
  // The model expanding a node is sent the path from the root to it: the messages of the calls above it, not of pruned siblings.
  const visit = (state: Dict, path: Message[]): void => {
    for (const first of children(state)) {
      const { thought, action, input, end } = callChain(first);
      const id = `call-${n++}`;
      const attributes: Dict = { 'toolbench.depth': num(first.depth) };
      if (state !== lastEnd) {
        attributes['toolbench.backtrack'] = true;
        attributes['toolbench.resumed_from_depth'] = num(state.depth);
      }
      if (thought !== null && num(thought.observation_code) !== null) attributes['toolbench.error_code'] = num(thought.observation_code);
      if (end.pruned === true) attributes['toolbench.pruned'] = true;
      if (offered !== undefined) attributes.tools = offered;
      const calls: ToolCall[] = [];
      const raw: unknown[] = [];
      if (action !== null) {
        const args = input !== null ? input.description : undefined;
        calls.push({ id, name: str(action.description) ?? 'action', arguments: parseArguments(args).value });
        raw.push(args);
      }
      const reply: Message = { role: 'assistant', content: thought !== null ? (str(thought.description) ?? '') : '', ...(calls.length > 0 ? { toolCalls: calls } : {}) };
      turns.push({ message: reply, rawArguments: raw, attributes, context: path });
      const code = action !== null && input !== null ? num(input.observation_code) : null;
      const below: Message[] = [...path, code === 1 ? asSentBack(reply) : reply];
      if (action !== null && input !== null) {
        const turn: Turn = { message: { role: 'tool', content: str(input.observation) ?? '', toolCallId: id, name: calls[0]!.name } };
        if (code !== null) {
          turn.attributes = { 'toolbench.observation_code': code };
          const failure = failureOf(code, turn.message.content);
          if (failure !== null) {
            turn.failed = true;
            turn.error = failure;
          } else if (FAILURES.has(code)) turn.attributes['halo.flagged_error'] = envelope(turn.message.content).error ?? FAILURES.get(code)!;
        }
        turns.push(turn);
        below.push(code === 1 ? { ...turn.message, name: PLACEHOLDER } : turn.message);
      }
      lastEnd = end;
      visit(end, below);
    }
  };
  visit(root, opening);
  return turns;
}

function normalizeToolBench(r: Dict, at?: RecordSource) {
  const answer = r.answer_generation as Dict;
  const tree = isObject(r.tree) ? (isObject(r.tree.tree) ? r.tree.tree : r.tree) : null;
  if (tree === null) throw new RecordError('a ToolBench answer without its search `tree`: the calls are recorded only there');
  const query = str(answer.query);
  const turns: Turn[] = [];
  const opening: Message[] = query !== null ? [{ role: 'user', content: query }] : [];
  turns.push(...opening.map((message) => ({ message })));
  turns.push(...treeTurns(tree, Array.isArray(answer.function) ? answer.function : undefined, opening));
  const args = isObject(r.forward_args) ? r.forward_args : {};
  return buildConversation({
    traceId: traceIdentity(r, { prefix: 'toolbench', perFile: true }, at),
    turns,
    agentName: 'tree_beam_size' in args ? 'toolbench DFSDT' : 'toolbench',
    model: null,
    outcome: outcomeFrom(r.win, undefined, answer.finish_type),
    attributes: {
      // The tree is the spans; the offered functions are on every model call; the rest is kept as it came.
      ...recordAttributes(r, ['tree', 'answer_generation']),
      ...Object.fromEntries(Object.entries(recordAttributes(answer, ['function', 'query'])).map(([k, v]) => [`answer_generation.${k}`, v])),
      'toolbench.tree_size': isObject(r.tree) ? num(r.tree.size) : null,
    },
  });
}

export const toolBench: InputFormat = {
  name: 'toolbench',
  sniff: (r) => isObject(r.answer_generation) && ('tree' in r || 'query' in r.answer_generation),
  normalize: (r, _pool, at) => ({ format: 'toolbench', spans: normalizeToolBench(r, at), wholeTrace: true }),
};
