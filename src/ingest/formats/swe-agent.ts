// SWE-agent (`.traj`) and mini-swe-agent (`.traj.json`, `trajectory_format:
// mini-swe-agent-1` / `-1.1`) trajectories: one run per file.
// - SWE-agent: `trajectory` steps `{thought, action, observation,
//   execution_time}` become an assistant turn whose action is a tool call
//   named by the command's first word (`find_file`, `edit`, `python3`,
//   `submit`) and its observation the result; the system prompt and the issue
//   come from the start of `history`. Model: `replay_config.agent.model.name`;
//   task: `replay_config.problem_statement.id`.
// - mini-swe-agent: bash commands are `bash` tool calls: from `tool_calls`
//   (1.1 with a tool-calling model), `extra.actions`, or the fenced block in
//   the assistant's text (1.0); the next message's `<returncode>` (or
//   `extra.returncode`) marks the result failed when nonzero. Model:
//   `info.config.model.model_name`; task: `instance_id`; times:
//   `extra.timestamp`.
// Both: `info.exit_status` is the outcome's label (whether the patch resolved
// the issue is in the SWE-bench harness report: join it with --outcomes),
// the task falls back to the file name, and the path identifies the run.
import type { Span, ToolCall } from '../../types.ts';
import { isObject, num, str, toMs, tryParseJson } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import type { InputFormat, RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';
import { chatTurn } from './chat-transcript.ts';

type Dict = Record<string, unknown>;

/** `.../astropy__astropy-12907.traj.json` → `astropy__astropy-12907`. */
function instanceFromPath(at: RecordSource | undefined): string | null {
  if (at === undefined) return null;
  const base = at.file.replace(/\\/g, '/').split('/').pop() ?? '';
  const id = base.replace(/(\.traj)?(\.json)?(\.gz)?$/i, '');
  return id !== '' && id !== base ? id : null;
}

/** One trajectory file as one run: the agent is the tool, the path the id, the exit status the outcome's label. */
function trajectoryRun(agent: string, r: Dict, at: RecordSource | undefined, run: { model: string | null; instance: string | null; turns: (Turn | null)[]; info: Dict; held: string[] }): Span[] {
  const exit = str(run.info.exit_status);
  return buildConversation({
    traceId: traceIdentity(r, { prefix: agent, composite: [run.model, run.instance, null], perFile: true }, at),
    turns: run.turns,
    invalid: run.turns.filter((t) => t === null).length,
    agentName: agent,
    model: run.model,
    taskId: run.instance,
    outcome: exit !== null ? { label: exit } : null,
    attributes: { ...recordAttributes(r, run.held), ...infoAttributes(run.info) },
  });
}

/** The run's info, flattened, without the bulky file dumps (`edited_files30`…). */
function infoAttributes(info: Dict): Dict {
  const out = recordAttributes(info, Object.keys(info).filter((k) => k.startsWith('edited_files')));
  const prefixed: Dict = {};
  for (const k in out) prefixed['info.' + k] = out[k];
  return prefixed;
}

// ---------------------------------------------------------------- SWE-agent

function normalizeSweAgent(r: Dict, at?: RecordSource): Span[] {
  const info = isObject(r.info) ? r.info : {};
  const replay = isObject(r.replay_config) ? r.replay_config : typeof r.replay_config === 'string' ? tryParseJson(r.replay_config) : null;
  const agent = isObject(replay) && isObject(replay.agent) ? replay.agent : {};
  const model = isObject(agent.model) ? str(agent.model.name) : null;
  const problem = isObject(replay) && isObject(replay.problem_statement) ? replay.problem_statement : {};
  const instance = str(problem.id) ?? str(r.instance_id) ?? instanceFromPath(at);

  const turns: (Turn | null)[] = [];
  // The system prompt and the issue: `history` up to the first action.
  if (Array.isArray(r.history)) {
    for (const h of r.history) {
      if (!isObject(h) || h.role === 'assistant') break;
      turns.push(chatTurn({ role: h.role, content: h.content }));
    }
  }
  const steps = r.trajectory as unknown[];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!isObject(s)) {
      turns.push(null);
      continue;
    }
    const action = str(s.action)?.trim() ?? '';
    const call: ToolCall = { id: `step-${i}`, name: action.split(/\s/, 1)[0] || 'action', arguments: { command: action } };
    turns.push({ message: { role: 'assistant', content: str(s.thought) ?? str(s.response) ?? '', ...(action !== '' ? { toolCalls: [call] } : {}) } });
    if (action !== '') {
      const t = num(s.execution_time);
      turns.push({ message: { role: 'tool', content: str(s.observation) ?? '', toolCallId: call.id! }, ...(t !== null ? { attributes: { 'tool.execution_time_s': t } } : {}) });
    }
  }
  return trajectoryRun('swe-agent', r, at, { model, instance, turns, info, held: ['trajectory', 'history', 'info', 'replay_config'] });
}

export const sweAgent: InputFormat = {
  name: 'swe-agent',
  sniff: (r) => Array.isArray(r.trajectory) && ('history' in r || 'info' in r),
  normalize: (r, _pool, at) => ({ format: 'swe-agent', spans: normalizeSweAgent(r, at), wholeTrace: true }),
};

// ----------------------------------------------------------- mini-swe-agent

// The command block of a text-based mini-swe-agent reply.
const BASH_BLOCK = /```(?:bash|sh|mswea_bash_command)[ \t]*\r?\n([\s\S]*?)```/;
const RETURN_CODE = /^\s*<returncode>\s*(-?\d+)\s*<\/returncode>/;

function commandsOf(m: Dict): string[] {
  const extra = isObject(m.extra) ? m.extra : null;
  if (extra !== null && Array.isArray(extra.actions)) {
    const out: string[] = [];
    for (const a of extra.actions) {
      const c = isObject(a) ? str(a.command) : str(a);
      if (c !== null) out.push(c);
    }
    if (out.length > 0) return out;
  }
  const text = typeof m.content === 'string' ? m.content : '';
  const block = BASH_BLOCK.exec(text);
  return block !== null ? [block[1]!.trimEnd()] : [];
}

function miniTurns(list: unknown[]): (Turn | null)[] {
  const turns: (Turn | null)[] = [];
  // Call ids of the text-based actions waiting for their observation.
  let pending: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    const turn = chatTurn(m);
    if (turn === null || !isObject(m)) {
      turns.push(null);
      continue;
    }
    const extra = isObject(m.extra) ? m.extra : null;
    const time = toMs(extra?.timestamp);
    if (time !== null) turn.time = time;
    const msg = turn.message;
    if (msg.role === 'assistant' && (msg.toolCalls?.length ?? 0) === 0) {
      const commands = commandsOf(m);
      pending = commands.map((_, j) => `action-${i}-${j}`);
      if (commands.length > 0) msg.toolCalls = commands.map((command, j) => ({ id: pending[j]!, name: 'bash', arguments: { command } }));
    } else if (msg.role === 'user' && pending.length > 0) {
      // The observation of a text-based action comes back as a user message.
      const rc = num(extra?.returncode) ?? (RETURN_CODE.exec(msg.content) !== null ? Number(RETURN_CODE.exec(msg.content)![1]) : null);
      msg.role = 'tool';
      msg.toolCallId = pending.shift()!;
      if (rc !== null && rc !== 0) turn.failed = true;
      if (rc !== null) turn.attributes = { 'tool.returncode': rc };
    } else if (msg.role === 'tool') {
      const rc = num(extra?.returncode);
      if (rc !== null && rc !== 0) turn.failed = true;
      if (rc !== null) turn.attributes = { 'tool.returncode': rc };
    }
    turns.push(turn);
  }
  return turns;
}

function normalizeMiniSweAgent(r: Dict, at?: RecordSource): Span[] {
  const info = isObject(r.info) ? r.info : {};
  const config = isObject(info.config) ? info.config : {};
  const model = isObject(config.model) ? (str(config.model.model_name) ?? str(config.model.model)) : null;
  const instance = str(r.instance_id) ?? instanceFromPath(at);
  const turns = miniTurns(r.messages as unknown[]);
  return trajectoryRun('mini-swe-agent', r, at, { model, instance, turns, info, held: ['messages', 'info'] });
}

export const miniSweAgent: InputFormat = {
  name: 'mini-swe-agent',
  sniff: (r) => Array.isArray(r.messages) && typeof r.trajectory_format === 'string' && r.trajectory_format.startsWith('mini-swe-agent'),
  normalize: (r, _pool, at) => ({ format: 'mini-swe-agent', spans: normalizeMiniSweAgent(r, at), wholeTrace: true }),
};
