// LDB results (FloridSleeves/LLMDebugger `results/ldb/<dataset>/<model>/results.jsonl`): LDB, a debugging agent,
// repairs a seed program for a HumanEval or MBPP problem. One run per line: `{task_id, prompt, entry_point, seed,
// given_tests, generated_test, implementations, test_feedback, is_passing, is_solved, debug_iter, token_nums, …}`.
// ldb.py's loop: the seed (another generator's program, as LDB prepared it) is `implementations[0]`; the harness
// runs the visible tests (`generated_test`) on each implementation and keeps the ones that failed, each
// `assert … # Real Execution Output: <what the code returned or raised>`, in `test_feedback[i]`; while some fail
// (at most 10 times on HumanEval, 9 on MBPP, in these records) the model is asked to debug the program block by block from its execution trace and to
// regenerate it, the result being the next implementation; when the visible tests pass, or at the last iteration,
// the hidden tests decide `is_solved`.
// - The problem (`prompt`) is the user message. The seed is a harness message (no model of this run wrote it).
//   Each later implementation is the model's reply (an llm span, its text the program as LDB kept it); the
//   messages it was sent (the trace, the debugging verdicts) are not recorded, nor that each is two model calls
//   (ldb_debug, then ldb_generate): `ldb.prompt_unrecorded: true` on each.
// - Each visible-test run is a `run_visible_tests` call, its argument the implementation tested (`{code}`), its
//   result the failed tests as recorded (a JSON array; `[]` when all passed); a run with failed tests fails, type
//   `tests_failed`, message the first failed test. The seed's run is the harness's (`tool.requestor: harness`);
//   every later one is the model reply's call: LDB tests each program the model writes, the program being the action.
// - `is_solved` (the hidden tests' verdict) → outcome; `is_passing`, `debug_iter`, `token_nums`, `given_tests`,
//   `generated_test` → attributes. The model and dataset are the file's folders (`…/<dataset>/<model>/
//   results.jsonl`); no times (one second per message, said).
// - Trace id `ldb:<dataset>/<model>#<task_id>`; task id `<task_id> (<model>)`: another model's run of the same
//   problem is another agent's run, not a trial.
import type { Span } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { str } from '../values.ts';
import { RecordError, contentText, type InputFormat, type RecordSource } from './common.ts';
import { buildConversation, recordAttributes, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;

const isRun = (r: Dict): boolean =>
  Array.isArray(r.implementations) && Array.isArray(r.test_feedback) && typeof r.is_solved === 'boolean' && 'debug_iter' in r && typeof r.prompt === 'string';

/** `…/<dataset>/<model>/results.jsonl` → dataset and model; else the file name alone. */
function placeOf(at?: RecordSource): { dataset: string | null; model: string | null; file: string } {
  const parts = (at?.file ?? 'ldb').replace(/\\/g, '/').split('/');
  const file = parts[parts.length - 1]!.replace(/\.gz$/, '');
  if (parts.length >= 3 && /^results\.jsonl$/.test(file)) return { dataset: parts[parts.length - 3]!, model: parts[parts.length - 2]!, file };
  return { dataset: null, model: null, file };
}

function normalizeLdb(r: Dict, at?: RecordSource): Span[] {
  const { dataset, model, file } = placeOf(at);
  const taskId = str(r.task_id) ?? String(at?.line ?? 0);
  const where = dataset !== null ? `${dataset}/${model}` : file;
  const traceId = `ldb:${where}#${taskId}`;
  const impls = (r.implementations as unknown[]).map((x) => contentText(x));
  const feedback = r.test_feedback as unknown[];
  if (impls.length === 0) throw new RecordError('LDB run: no implementations');
  const turns: Turn[] = [{ message: { role: 'user', content: r.prompt as string } }];
  impls.forEach((code, i) => {
    const id = `${traceId}:tests-${i}`;
    // The seed came from elsewhere; every later program is this run's model's.
    if (i === 0) turns.push({ message: { role: 'harness', content: code, toolCalls: [{ id, name: 'run_visible_tests', arguments: { code } }] }, attributes: { 'ldb.seed': true } });
    // The model's program is its action: LDB runs the visible tests on every program the model writes, as a text
    // harness runs the action it parses from a reply, so the test run is that reply's call (its argument the reply).
    else turns.push({ message: { role: 'assistant', content: code, toolCalls: [{ id, name: 'run_visible_tests', arguments: { code } }] }, attributes: { 'ldb.prompt_unrecorded': true } });
    if (i >= feedback.length) return;
    const failed = Array.isArray(feedback[i]) ? (feedback[i] as unknown[]).map((x) => contentText(x)) : [];
    const result: Turn = { message: { role: 'tool', content: JSON.stringify(feedback[i] ?? null), toolCallId: id } };
    if (failed.length > 0) {
      result.failed = true;
      result.error = { type: 'tests_failed', message: failed[0]! };
    }
    turns.push(result);
  });
  const attributes = recordAttributes(r, ['implementations', 'test_feedback', 'prompt', 'seed', 'solution', 'test', 'canonical_solution']);
  return buildConversation({
    traceId,
    turns,
    agentName: `ldb (${model ?? 'model not named'})`,
    model,
    taskId: `${taskId}${model !== null ? ` (${model})` : ''}`,
    outcome: outcomeFrom(r.is_solved, undefined, undefined),
    attributes,
  });
}

export const ldb: InputFormat = {
  name: 'ldb',
  sniff: isRun,
  normalize: (r, _pool, at) => ({ format: 'ldb', spans: normalizeLdb(r, at), wholeTrace: true }),
};
