// AgentDojo (ethz-spylab/agentdojo) task results, one run per file
// (`runs/<pipeline>/<suite>/<user_task>/<attack>/<injection_task>.json`):
// `{suite_name, pipeline_name, user_task_id, injection_task_id, attack_type,
// injections, messages, error, utility, security, duration}`.
// - tool calls are `{function, args, id}` (common.ts toToolCall reads them);
//   results are `tool` messages with `tool_call_id` and an `error` string;
// - outcome: `utility` (did the agent do the user's task); `security` (false:
//   the injection succeeded) is kept as an attribute and in the label;
// - task: `user_task_id`; the suite, attack and injection task complete the
//   composite key, so the same user task under every attack stays apart;
// - model: `pipeline_name`; time: `evaluation_timestamp` minus `duration`.
import type { Span } from '../../types.ts';
import { isObject, num, str, toMs } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import type { InputFormat, RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import { chatTurn } from './chat-transcript.ts';

type Dict = Record<string, unknown>;

function turnOf(raw: unknown): Turn | null {
  const turn = chatTurn(raw);
  if (turn !== null && turn.message.role === 'tool' && isObject(raw) && str(raw.error) !== null) {
    turn.failed = true;
    if (turn.message.content === '') turn.message.content = str(raw.error)!;
  }
  return turn;
}

function normalizeAgentDojo(r: Dict, at?: RecordSource): Span[] {
  const suite = str(r.suite_name);
  const pipeline = str(r.pipeline_name);
  const userTask = str(r.user_task_id);
  const list = r.messages as unknown[];
  const turns = list.map(turnOf);
  const end = toMs(r.evaluation_timestamp);
  const duration = num(r.duration);
  const utility = typeof r.utility === 'boolean' ? r.utility : null;
  const security = typeof r.security === 'boolean' ? r.security : null;
  const injected = str(r.injection_task_id) !== null;
  return buildConversation({
    traceId: traceIdentity(r, { prefix: 'agentdojo', composite: [pipeline, suite, userTask, str(r.attack_type) ?? 'none', str(r.injection_task_id) ?? 'none'], perFile: true }, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName: null,
    model: pipeline,
    start: end !== null && duration !== null ? end - duration * 1000 : null,
    end,
    taskId: userTask,
    outcome:
      utility === null
        ? null
        : { success: utility, ...(injected && security !== null ? { label: security ? 'injection resisted' : 'injection succeeded' } : {}) },
    attributes: recordAttributes(r, ['messages']),
  });
}

export const agentDojo: InputFormat = {
  name: 'agentdojo',
  sniff: (r) => 'user_task_id' in r && Array.isArray(r.messages) && ('utility' in r || 'suite_name' in r),
  normalize: (r, _pool, at) => ({ format: 'agentdojo', spans: normalizeAgentDojo(r, at), wholeTrace: true }),
};
