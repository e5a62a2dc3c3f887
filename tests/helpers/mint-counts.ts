// The MINT harness's own count of the actions it took, per run, read straight from the raw results lines: what the
// MINT ingest tests hold the reader's spans to.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type ActionCounts = { propose_solution: number; use_tool: number; invalid_action: number };

/** Per `<set>:<task id>` (the reader's task id), `state.agent_action_count` of every `*.results.jsonl.gz` in `dir`. */
export function actionCounts(dir: string): Map<string, ActionCounts> {
  const out = new Map<string, ActionCounts>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.results.jsonl.gz'))) {
    const set = f.split('.')[0]!;
    for (const line of gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { state: { agent_action_count: ActionCounts }; task: { task_id: unknown } };
      out.set(`${set}:${String(r.task.task_id)}`, r.state.agent_action_count);
    }
  }
  return out;
}

/** Runs per MINT task set (alfworld, hotpotqa, mbpp, in that order) and how many of each were solved, from the reader's runs. */
export function runsPerSet(traces: { taskId: string | null; outcome: { success?: boolean | null } | null }[]): { runs: number[]; solved: number[] } {
  const sets = ['alfworld', 'hotpotqa', 'mbpp'];
  const of = (set: string) => traces.filter((t) => t.taskId!.startsWith(`${set}:`));
  return { runs: sets.map((s) => of(s).length), solved: sets.map((s) => of(s).filter((t) => t.outcome?.success === true).length) };
}
