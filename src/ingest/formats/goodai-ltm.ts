// GoodAI LTM Benchmark results (GoodAI/goodai-ltm-benchmark `data/tests/<benchmark>/results/<agent>/<test>/
// <definition>_<n>.json`): a scripted tester holds a chat with an agent under test (GoodAI's LTM agent, a bare model
// chat session, MemGPT…) to see what it remembers, and grades the agent's answers. One file per test run:
// `{task_log, full_log, actual_responses, expected_responses, score, max_score, reasoning, needles, tokens,
// characters}`, and, where a person reviewed the grade, `auto_score` / `auto_reasoning` (the automatic grade that
// `score` / `reasoning` replaced).
// - `task_log` is the test's conversation as the runner's master log printed it (runner/master_log.py `messages`):
//   one string per message, `<Sender> (<date time>): <text>`. `Test` is a message of the test (a user turn),
//   `System` a filler message the runner sent the agent the same way (SEND_FILL: trivia to answer between the
//   test's messages; a user turn too, named `filler`), `Agent` the agent's reply (a model call of the agent; what
//   the agent did inside it, a memory agent's retrievals, is not recorded). Any other entry is counted as invalid.
// - `full_log` is not read: it holds the same messages and the runner's own events (its grading model's calls,
//   callbacks, waits), and, in benchmarks that interleave tests, every other test's messages too.
// - The log's times are local wall-clock times with no zone (the master log's epoch times put them at UTC+2 in
//   GoodAI's runs); they are read as UTC, so durations are right and absolute times may be off by the offset.
// - The records name neither agent nor model: the folder does (`<AgentClass> - <model> - <max prompt size>[ -
//   <variant>]`, e.g. `LTMAgentWrapper - gpt-4-turbo - 16384 - QG_JSON_USER_INFO`): the agent is its first part,
//   the model its second when that is not a number, the whole name `goodai.agent_config`. The task is the test
//   (`<test> - <definition>`, the master log's test id), with the agent's configuration: another agent's run of the
//   same test is another agent's run, not a trial; the trial is `<n>`.
// - outcome: `score` (the reviewed one where a person reviewed it) over `max_score` is the reward; the run passed when
//   it reached `max_score`.
import type { Span } from '../../types.ts';
import { flattenInto, toMs } from '../values.ts';
import { traceIdentity } from '../identity.ts';
import type { InputFormat, RecordSource } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const LINE = /^([A-Za-z]+) \((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\): ?([\s\S]*)$/;
const RESULT_FILE = /^(.+)_(\d+)\.json$/;

const isResult = (r: Dict): boolean =>
  Array.isArray(r.task_log) && Array.isArray(r.full_log) && typeof r.score === 'number' && typeof r.max_score === 'number' && 'expected_responses' in r;

interface Place {
  agentConfig: string;
  test: string;
  definition: string;
  trial: number;
}

/** `…/<agent config>/<test>/<definition>_<n>.json(.gz)`, or null when the path is not laid out that way. */
function placeOf(at?: RecordSource): Place | null {
  if (at === undefined) return null;
  const parts = at.file.replace(/\\/g, '/').split('/');
  if (parts.length < 3) return null;
  const m = RESULT_FILE.exec(parts[parts.length - 1]!.replace(/\.gz$/, ''));
  if (m === null) return null;
  return { agentConfig: parts[parts.length - 3]!, test: parts[parts.length - 2]!, definition: m[1]!, trial: Number(m[2]) };
}

function turnOf(entry: unknown): Turn | null {
  if (typeof entry !== 'string') return null;
  const m = LINE.exec(entry);
  if (m === null) return null;
  const time = toMs(m[2]!);
  const text = m[3]!;
  switch (m[1]) {
    case 'Test':
      return { message: { role: 'user', content: text }, time };
    case 'System':
      return { message: { role: 'user', name: 'filler', content: text }, time, attributes: { 'goodai.sender': 'System' } };
    case 'Agent':
      return { message: { role: 'assistant', content: text }, time };
  }
  return null;
}

function normalize(r: Dict, at?: RecordSource): Span[] {
  const place = placeOf(at);
  const config = place?.agentConfig ?? null;
  const configParts = config !== null ? config.split(' - ') : [];
  const agentName = configParts[0] ?? null;
  const model = configParts.length > 1 && !/^\d+$/.test(configParts[1]!) ? configParts[1]! : null;
  const testId = place !== null ? `${place.test} - ${place.definition}` : null;
  const turns = (r.task_log as unknown[]).map(turnOf);
  const score = r.score as number;
  const max = r.max_score as number;
  const attributes: Dict = {};
  for (const k in r) if (k !== 'task_log' && k !== 'full_log') flattenInto(attributes, `goodai.${k}`, r[k]);
  if (config !== null) attributes['goodai.agent_config'] = config;
  return buildConversation({
    traceId: place !== null ? `goodai-ltm:${config}/${place.test}/${place.definition}_${place.trial}` : traceIdentity(r, { prefix: 'goodai-ltm' }, at),
    turns,
    invalid: turns.filter((t) => t === null).length,
    agentName,
    model,
    taskId: testId !== null ? `${testId} (${config})` : null,
    trial: place?.trial ?? null,
    outcome: { success: score >= max, reward: max > 0 ? score / max : score },
    attributes,
  });
}

export const goodaiLtm: InputFormat = {
  name: 'goodai-ltm',
  sniff: isResult,
  normalize: (r, _pool, at) => ({ format: 'goodai-ltm', spans: normalize(r, at), wholeTrace: true }),
};
