// KnowAgent's ALFWorld runs (zjunlp/KnowAgent `Self-Learning/trajs/datas/KnowAgentALFWorld_<model>_D<n>.jsonl`,
// written by `Path_Generation/alfworld_run/run_alfworld.py`): a Llama-2 chat model plays ALFWorld's text household
// games (AlfredTWEnv), writing one line per model call: a `Think: …`, an `ActionPath: …` (the path it has taken
// through KnowAgent's action-knowledge graph so far) or a command for the game (`go to shelf 8`, `take keychain 1
// from sidetable 1`, …). One JSON line per game, `{name, result, traj}`.
// - `traj` is the game's opening observation (the room, then `Your task is to: …`), then per model call `> <line>`;
//   a command's line is followed by the game's observation. The harness sends Think and ActionPath lines to the game
//   too but drops its answer, so they are model turns with no call here: only commands become tool calls.
// - A command is one call of a tool named for its first word (`go`, `open`, `take`, `put`, …; an empty reply,
//   which the harness also sends, `action`), its text kept whole as `{command}`; the game's observation its result.
//   ALFWorld answers `Nothing happens.` to a command it could not carry out (not in its grammar, or not possible
//   where the agent stands): that result is failed (`no_effect`).
// - `result` is the game's `won` flag (`0` when the harness caught an exception) → success. The harness stops at
//   50 model calls, on a 4,000-token prompt or when the game is done; the record does not say which, nor the
//   model (the file name does), the few-shot prompt, the times (one second per message, said) or the replies the
//   harness asked for again because they were shorter than five characters.
// - Trace id `knowagent-alfworld:<file>#<line>`; task id the game (`name`).
import type { Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { RecordError, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const ACTION = '> ';
const NO_EFFECT = 'Nothing happens.';
const MODEL_ONLY = /^(?:Think|ActionPath):/;

const isRun = (r: Dict): boolean =>
  typeof r.name === 'string' && typeof r.traj === 'string' && (typeof r.result === 'boolean' || typeof r.result === 'number') && r.traj.includes('\n> ') && r.traj.includes('Your task is to: ');

interface Step {
  line: string;
  observation: string[];
}

/** The opening observation and each `> ` line with the lines after it. */
function parse(traj: string): { opening: string; steps: Step[] } {
  const lines = traj.split('\n');
  const opening: string[] = [];
  const steps: Step[] = [];
  for (const line of lines) {
    if (line.startsWith(ACTION) || line === '>') steps.push({ line: line.slice(ACTION.length), observation: [] });
    else if (steps.length === 0) opening.push(line);
    else steps[steps.length - 1]!.observation.push(line);
  }
  // The harness ends every line with a newline: the last split piece is empty.
  const last = steps[steps.length - 1];
  if (last !== undefined && last.observation[last.observation.length - 1] === '') last.observation.pop();
  if (steps.length === 0) throw new RecordError('KnowAgent ALFWorld run: its traj holds no `> ` line');
  return { opening: opening.join('\n').trim(), steps };
}

function turnsOf(opening: string, steps: Step[], traceId: string): Turn[] {
  const turns: Turn[] = [{ message: { role: 'user', content: opening } }];
  steps.forEach((s, i) => {
    const text = s.line.trim();
    const observation = s.observation.length > 0 ? s.observation.join('\n') : null;
    if (MODEL_ONLY.test(text)) {
      turns.push({ message: { role: 'assistant', content: text } });
      // Not written by this harness after a Think or ActionPath line; kept as said if a file has it.
      if (observation !== null) turns.push({ message: { role: 'user', content: observation } });
      return;
    }
    const id = `${traceId}:step-${i}`;
    const name = text === '' ? 'action' : text.split(/\s+/, 1)[0]!;
    turns.push({ message: { role: 'assistant', content: text, toolCalls: [{ id, name, arguments: { command: text } }] }, rawArguments: [s.line] });
    if (observation === null) return;
    const result: Turn = { message: { role: 'tool', content: observation, toolCallId: id } };
    if (observation.trim() === NO_EFFECT) {
      result.failed = true;
      result.error = { type: 'no_effect', message: NO_EFFECT };
    }
    turns.push(result);
  });
  return turns;
}

function normalize(r: Dict, at?: RecordSource): Span[] {
  const { opening, steps } = parse(r.traj as string);
  const file = at !== undefined ? at.file.replace(/\.gz$/, '') : 'knowagent-alfworld';
  const traceId = `knowagent-alfworld:${file}#${at?.line ?? 0}`;
  const won = r.result === true || r.result === 1;
  return buildConversation({
    traceId,
    turns: turnsOf(opening, steps, traceId),
    agentName: 'KnowAgent',
    model: null,
    taskId: r.name as string,
    outcome: outcomeFrom(won, null, null),
    attributes: { 'alfworld.game': r.name, 'alfworld.result': r.result },
  });
}

export const knowAgentAlfworld: InputFormat = {
  name: 'knowagent-alfworld',
  sniff: isRun,
  normalize: (r, _pool, at) => ({ format: 'knowagent-alfworld', spans: normalize(r, at), wholeTrace: true }),
};
