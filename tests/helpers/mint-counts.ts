// The MINT harness's own count of the actions it took, per run, read straight from the raw results lines: what the
// MINT ingest tests hold the reader's spans to. Also the loading and the span accessors those tests share.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { loadTraces } from '../../src/ingest/reader.ts';
import type { Span, Trace } from '../../src/types.ts';

export type ActionCounts = { propose_solution: number; use_tool: number; invalid_action: number };

/** The folder of a real MINT set under tests/fixtures/real. */
export const mintSet = (name: string): string => fileURLToPath(new URL(`../fixtures/real/${name}/`, import.meta.url));

export const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
export const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
export const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');
export const replies = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'llm');
/** Replies the reader found no action in, each with its reason in `halo.action_unparsed`. */
export const unparsed = (t: Trace): Span[] => replies(t).filter((s) => s.attributes['halo.action_unparsed'] !== undefined);
/** A reply cut off inside <solution>: the harness counted it as a proposal and checked nothing. */
export const unclosedSolution = (s: Span): boolean => String(s.attributes['halo.action_unparsed']).startsWith('<solution> block not closed');
export const arg = (s: Span, key: string): string => String((s.tool!.arguments as Record<string, unknown>)[key]);
/** Runs whose model call raised, which ends a MINT run. */
export const crashed = (traces: Trace[]): Trace[] => traces.filter((x) => root(x).status === 'error');

/** Every run of a MINT results folder, every record read and each read as a MINT run. */
export async function loadMintRuns(dir: string): Promise<Trace[]> {
  const { traces, stats } = await loadTraces([dir]);
  expect(stats.badRecords).toBe(0);
  expect(traces.every((t) => t.source.format === 'mint' && t.agentName === 'MINT agent')).toBe(true);
  return traces;
}

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

/**
 * Asserts every run of `traces` (the reader's runs of `dir`) has the calls the harness counted for it: its
 * propose_solution calls plus its replies cut off inside <solution> are the proposals, its execute calls the tool uses,
 * its other unparsed replies the invalid actions. With `missingReplies`, a run may have one invalid action fewer than
 * counted (MINT does not log an empty reply); those runs' task ids come back as `short`. `unclosed` is how many replies,
 * over all runs, were cut off inside <solution>: a set whose replies all close should assert it is 0.
 */
export function expectHarnessCounts(traces: Trace[], dir: string, opts: { missingReplies?: boolean } = {}): { unclosed: number; short: string[] } {
  const counts = actionCounts(dir);
  expect(traces).toHaveLength(counts.size);
  let unclosed = 0;
  const short: string[] = [];
  for (const t of traces) {
    const calls = tools(t).map((s) => s.tool!.name);
    const c = counts.get(t.taskId!)!;
    const open = unparsed(t).filter(unclosedSolution).length;
    unclosed += open;
    expect([calls.filter((n) => n === 'propose_solution').length + open, calls.filter((n) => n === 'execute').length]).toEqual([c.propose_solution, c.use_tool]);
    const invalid = unparsed(t).length - open;
    if (opts.missingReplies === true && invalid !== c.invalid_action) {
      expect(invalid).toBe(c.invalid_action - 1);
      short.push(t.taskId!);
    } else expect(invalid).toBe(c.invalid_action);
  }
  return { unclosed, short };
}

/** Runs per MINT task set (alfworld, hotpotqa, mbpp, in that order) and how many of each were solved, from the reader's runs. */
export function runsPerSet(traces: { taskId: string | null; outcome: { success?: boolean | null } | null }[]): { runs: number[]; solved: number[] } {
  const sets = ['alfworld', 'hotpotqa', 'mbpp'];
  const of = (set: string) => traces.filter((t) => t.taskId!.startsWith(`${set}:`));
  return { runs: sets.map((s) => of(s).length), solved: sets.map((s) => of(s).filter((t) => t.outcome?.success === true).length) };
}

/** runsPerSet, and how many runs ended with each of the harness's labels. */
export function outcomes(traces: Trace[]): { runs: number[]; solved: number[]; labels: Record<string, number> } {
  const labels: Record<string, number> = {};
  for (const t of traces) labels[t.outcome!.label!] = (labels[t.outcome!.label!] ?? 0) + 1;
  return { ...runsPerSet(traces), labels };
}

/** Asserts each crashed run is labelled `error` and crashed on a model call past a 4,096-token context. */
export function expectContextLimitCrashes(runs: Trace[]): void {
  expect(runs.every((x) => x.outcome?.label === 'error')).toBe(true);
  for (const x of runs) expect(root(x).error!.message).toMatch(/^openai\.error\.InvalidRequestError: .*maximum context length is 4096 tokens/);
}
