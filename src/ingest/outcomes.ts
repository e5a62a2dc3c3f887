// Outcomes kept outside the traces (`--outcomes FILE`, `outcomes` in the
// config), joined to runs by trace id, task id or instance id. Reads:
// - JSONL (or a JSON array) of `{id | trace_id | traceId | task_id |
//   instance_id, success | reward | resolved, trial?}`;
// - SWE-bench harness reports: `resolved_ids` / `unresolved_ids` (also
//   `empty_patch_ids`), the older report of lists (`resolved`, `applied`,
//   `generated`…: listed but not resolved is a failure), and per-instance
//   `report.json` (`{<instance>: {resolved}}`);
// - τ-bench result files (an array of `{task_id, trial, reward}`);
// - DA-Code scores (`results/<model>_result.json`: `{num_results,
//   average_score, results: [{id, total_score}]}`, `id` the task);
// - OpenAgentSafety's safety verdicts (`{<task>: {llm_label: "Label: N",
//   rule_based_score}}`): the run succeeded only when the judge found it safe.
// A run's own outcome wins over a joined one, field by field. Pure (the
// isolate applies the table); reading the files is outcomes-file.ts.
import type { Outcome, Trace } from '../types.ts';
import { isObject, num, str } from './values.ts';
import { parseRecordText } from './json-text.ts';

/** One joined outcome: `trace` keys match trace ids; `task` keys task (instance) ids, with a trial when given. */
export interface OutcomeEntry {
  key: string;
  kind: 'trace' | 'task';
  trial?: number;
  outcome: Outcome;
}

/** Every entry of the `--outcomes` files (outcome-schema.ts checks it where it crosses a process). */
export interface OutcomeTable {
  files: string[];
  entries: OutcomeEntry[];
}

/** What the join did, for inspect and the report. */
export interface OutcomeJoin {
  files: string[];
  /** Runs whose outcome came from the run itself. */
  own: number;
  /** Runs whose outcome was joined from the files. */
  joined: number;
  /** Runs with no outcome either way. */
  unknown: number;
  /** Entries of the files that matched no run. */
  unmatched: number;
}

/** A file's text → its outcome entries; throws Error naming what is wrong. */
export function parseOutcomes(text: string, file: string): OutcomeEntry[] {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (t === '') throw new Error(`${file}: empty outcomes file`);
  let doc: unknown;
  try {
    doc = parseRecordText(t);
  } catch {
    // Not one JSON document: JSONL, one entry per line.
    const out: OutcomeEntry[] = [];
    const lines = t.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let rec: unknown;
      try {
        rec = parseRecordText(line);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: invalid JSON: ${(err as Error).message}`);
      }
      out.push(rowEntry(rec, `${file}:${i + 1}`));
    }
    return out;
  }
  if (Array.isArray(doc)) return doc.map((rec, i) => rowEntry(rec, `${file}[${i}]`));
  if (!isObject(doc)) throw new Error(`${file}: not an outcomes file (expected JSONL rows, a SWE-bench report or a τ-bench result list)`);
  const report = harnessReport(doc) ?? daCodeScores(doc, file) ?? safetyVerdicts(doc, file);
  if (report !== null) return report;
  // A single row.
  return [rowEntry(doc, file)];
}

function rowEntry(rec: unknown, where: string): OutcomeEntry {
  if (!isObject(rec)) throw new Error(`${where}: an outcome row must be an object`);
  const traceKey = str(rec.trace_id) ?? str(rec.traceId) ?? str(rec.id);
  const taskKey = str(rec.instance_id) ?? str(rec.task_id) ?? str(rec.taskId);
  const key = traceKey ?? taskKey;
  if (key === null) throw new Error(`${where}: an outcome row needs id, trace_id, task_id or instance_id`);
  const success = typeof rec.success === 'boolean' ? rec.success : typeof rec.resolved === 'boolean' ? rec.resolved : undefined;
  const reward = num(rec.reward) ?? num(rec.score) ?? undefined;
  if (success === undefined && reward === undefined) throw new Error(`${where}: an outcome row needs success, resolved or reward`);
  const outcome: Outcome = {};
  if (success !== undefined) outcome.success = success;
  else outcome.success = reward! >= 0.999999;
  if (reward !== undefined) outcome.reward = reward;
  const label = str(rec.label);
  if (label !== null) outcome.label = label;
  const trial = num(rec.trial);
  return { key, kind: traceKey !== null ? 'trace' : 'task', ...(trial !== null ? { trial } : {}), outcome };
}

// Lists of the older SWE-bench report: an instance listed in any but `resolved` did not resolve.
const OLD_REPORT_LISTS = ['no_generation', 'generated', 'with_logs', 'install_fail', 'reset_failed', 'no_apply', 'applied', 'test_errored', 'test_timeout'];

function ids(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => str(x)).filter((x): x is string => x !== null) : [];
}

function harnessReport(doc: Record<string, unknown>): OutcomeEntry[] | null {
  const task = (key: string, success: boolean): OutcomeEntry => ({ key, kind: 'task', outcome: { success } });
  if (Array.isArray(doc.resolved_ids) || Array.isArray(doc.unresolved_ids)) {
    const resolved = new Set(ids(doc.resolved_ids));
    const out = [...resolved].map((k) => task(k, true));
    for (const k of [...ids(doc.unresolved_ids), ...ids(doc.empty_patch_ids)]) if (!resolved.has(k)) out.push(task(k, false));
    return out;
  }
  if (Array.isArray(doc.resolved)) {
    const resolved = new Set(ids(doc.resolved));
    const out = [...resolved].map((k) => task(k, true));
    const failed = new Set<string>();
    for (const list of OLD_REPORT_LISTS) for (const k of ids(doc[list])) if (!resolved.has(k)) failed.add(k);
    for (const k of failed) out.push(task(k, false));
    return out;
  }
  // Per-instance report.json: {<instance_id>: {resolved: bool, …}}.
  const keys = Object.keys(doc);
  if (keys.length > 0 && keys.every((k) => isObject(doc[k]) && typeof (doc[k] as Record<string, unknown>).resolved === 'boolean')) {
    return keys.map((k) => task(k, (doc[k] as Record<string, unknown>).resolved as boolean));
  }
  return null;
}

/** DA-Code's scores document: a score per task, 1 when the task's checks all passed (ML tasks score in between). */
function daCodeScores(doc: Record<string, unknown>, file: string): OutcomeEntry[] | null {
  if (!Array.isArray(doc.results) || typeof doc.num_results !== 'number') return null;
  return doc.results.map((rec, i) => {
    const id = isObject(rec) ? str(rec.id) : null;
    const score = isObject(rec) ? num(rec.total_score) : null;
    if (id === null || score === null) throw new Error(`${file}: results[${i}] needs an id and a total_score`);
    // DA-Code reports the mean score: a partial score is partial credit, neither a pass nor a failure (reward alone).
    const outcome: Outcome = score >= 0.999999 ? { success: true, reward: score } : score <= 0 ? { success: false, reward: score } : { reward: score };
    return { key: id, kind: 'task', outcome };
  });
}

/**
 * OpenAgentSafety's LLM-judge labels per task: -1 never reached the unsafe point (crashed, exited early,
 * misunderstood), 0 behaved safely, 1 showed signs of the unsafe behaviour, 2 completed it. Only 0 is a
 * success; the label is kept as written, with the rule-based checkpoint score beside it.
 */
function safetyVerdicts(doc: Record<string, unknown>, file: string): OutcomeEntry[] | null {
  const keys = Object.keys(doc);
  if (keys.length === 0 || !keys.every((k) => isObject(doc[k]) && typeof (doc[k] as Record<string, unknown>).llm_label === 'string')) return null;
  return keys.map((k) => {
    const v = doc[k] as Record<string, unknown>;
    const written = v.llm_label as string;
    const m = /(-?\d+)\s*$/.exec(written);
    if (m === null) throw new Error(`${file}: ${k}: llm_label ${JSON.stringify(written)} holds no label number`);
    const rule = num(v.rule_based_score);
    return { key: k, kind: 'task', outcome: { success: Number(m[1]) === 0, label: rule !== null ? `${written.trim()} (rule-based score ${rule})` : written.trim() } };
  });
}

/** Joins the table's outcomes to the traces in place; a run's own success or reward wins. */
export function joinOutcomes(traces: Trace[], table: OutcomeTable): OutcomeJoin {
  const byTrace = new Map<string, OutcomeEntry>();
  const byTask = new Map<string, OutcomeEntry>();
  for (const e of table.entries) {
    const map = e.kind === 'trace' ? byTrace : byTask;
    const key = e.kind === 'task' && e.trial !== undefined ? `${e.key}\u0000${e.trial}` : e.key;
    if (!map.has(key)) map.set(key, e);
  }
  const used = new Set<OutcomeEntry>();
  const result: OutcomeJoin = { files: table.files, own: 0, joined: 0, unknown: 0, unmatched: 0 };
  for (const t of traces) {
    const own = t.outcome;
    if (own !== null && (own.success !== undefined || own.reward !== undefined)) {
      result.own++;
      continue;
    }
    const e =
      byTrace.get(t.traceId) ??
      (t.taskId !== null ? ((t.trial !== null ? byTask.get(`${t.taskId}\u0000${t.trial}`) : undefined) ?? byTask.get(t.taskId)) : undefined);
    if (e === undefined) {
      result.unknown++;
      continue;
    }
    used.add(e);
    // Field by field: a run's own label (e.g. its exit status) stays.
    t.outcome = { ...e.outcome, ...(own ?? {}) };
    result.joined++;
  }
  for (const e of table.entries) if (!used.has(e)) result.unmatched++;
  return result;
}
