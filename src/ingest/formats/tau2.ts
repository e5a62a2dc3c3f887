// τ²-bench (sierra-research/tau2-bench) results: the document a run saves,
// `{timestamp, info, tasks, simulations: [...]}`, or one simulation per
// record (a JSONL of simulations, or the `simulations/<id>.json` files newer
// versions write beside `results.json`). Each simulation is one run:
// - messages: `assistant` turns are the agent's; `user` turns are the user
//   simulator's, and the tool calls it makes on its own device stay the
//   user's (`tool.requestor: user`); tool results carry their call id in `id`
//   and a boolean `error`;
// - outcome: `reward_info.reward` (success when 1); the whole `reward_info`
//   (db check, action checks, env and NL assertions) is kept as attributes;
// - model: `info.agent_info.llm`; agent: `info.agent_info.implementation`;
//   task: `task_id` (the domain is kept as `tau2.domain`); trial: `trial`;
// - time: `start_time`/`end_time` and each message's `timestamp`.
import type { Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { isObject, num, str, toMs } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import { RecordError, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import { chatTurn } from './chat-transcript.ts';

type Dict = Record<string, unknown>;

/** What a results document says about every simulation in it. */
interface RunInfo {
  domain: string | null;
  agent: string | null;
  model: string | null;
  userModel: string | null;
  tasks: Map<string, Dict>;
}

function runInfo(doc: Dict | null): RunInfo {
  const info = doc !== null && isObject(doc.info) ? doc.info : {};
  const agent = isObject(info.agent_info) ? info.agent_info : {};
  const user = isObject(info.user_info) ? info.user_info : {};
  const env = isObject(info.environment_info) ? info.environment_info : {};
  const tasks = new Map<string, Dict>();
  if (doc !== null && Array.isArray(doc.tasks)) for (const t of doc.tasks) if (isObject(t) && str(t.id) !== null) tasks.set(str(t.id)!, t);
  return { domain: str(env.domain_name), agent: str(agent.implementation), model: str(agent.llm), userModel: str(user.llm), tasks };
}

function turnOf(raw: unknown): Turn | null {
  if (!isObject(raw)) return null;
  if (raw.role !== 'tool') return chatTurn(raw);
  // A tool result names its call in `id`, and says itself whether it failed.
  const turn = chatTurn({ ...raw, tool_call_id: raw.tool_call_id ?? raw.id });
  if (turn === null) return null;
  if (raw.error === true) turn.failed = true;
  const requestor = str(raw.requestor);
  if (requestor !== null && requestor !== 'assistant') turn.attributes = { 'tool.requestor': requestor };
  return turn;
}

function simulation(sim: Dict, run: RunInfo, at: RecordSource | undefined, index: number | null): Span[] {
  const taskId = str(sim.task_id);
  const trial = num(sim.trial);
  const where = index !== null ? `simulations[${index}]` : 'simulation';
  if (!Array.isArray(sim.messages)) {
    throw new RecordError(`τ²-bench ${where} ${str(sim.id) ?? ''} has no messages list${Array.isArray(sim.ticks) ? ' (a full-duplex voice run: its ticks are not read)' : ''}`.replace('  ', ' '));
  }
  const turns = sim.messages.map(turnOf);
  const reward = isObject(sim.reward_info) ? sim.reward_info.reward : undefined;
  const attrs = recordAttributes(sim, ['messages']);
  if (run.domain !== null) attrs['tau2.domain'] = run.domain;
  if (run.userModel !== null) attrs['tau2.user_model'] = run.userModel;
  const task = taskId !== null ? run.tasks.get(taskId) : undefined;
  if (task !== undefined && isObject(task.description) && str(task.description.purpose) !== null) attrs['tau2.task.purpose'] = task.description.purpose;
  return buildConversation({
    // Inside a results document the path and position cannot tell simulations apart: the composite key can.
    traceId: traceIdentity(sim, { prefix: 'tau2', own: str(sim.id), composite: [run.domain, taskId, trial ?? 0], perFile: index === null }, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName: run.agent,
    model: run.model,
    start: toMs(sim.start_time),
    end: toMs(sim.end_time),
    taskId,
    trial,
    outcome: outcomeFrom(undefined, reward, undefined),
    attributes: attrs,
  });
}

function normalizeTau2(r: Dict, at?: RecordSource): Span[] {
  if (!Array.isArray(r.simulations)) return simulation(r, runInfo(null), at, null);
  const run = runInfo(r);
  if (r.simulations.length === 0) throw new RecordError('τ²-bench results document has no simulations (newer versions keep them in simulations/*.json beside results.json: give that folder)');
  const spans: Span[] = [];
  for (let i = 0; i < r.simulations.length; i++) {
    const sim: unknown = r.simulations[i];
    if (!isObject(sim)) throw new RecordError(`τ²-bench simulations[${i}] is not an object`);
    spans.push(...simulation(sim, run, at, i));
  }
  return spans;
}

export const tau2: InputFormat = {
  name: 'tau2-bench',
  // A results document, or one simulation: a run with `reward_info` beside its messages.
  sniff: (r) => (Array.isArray(r.simulations) && ('tasks' in r || 'info' in r)) || ('reward_info' in r && 'task_id' in r && (Array.isArray(r.messages) || Array.isArray(r.ticks))),
  normalize: (r, _pool, at) => ({ format: 'tau2-bench', spans: normalizeTau2(r, at), wholeTrace: true }),
};
