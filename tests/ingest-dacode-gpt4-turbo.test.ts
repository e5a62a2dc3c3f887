// DA-Code's DA-Agent on gpt-4-turbo (tests/fixtures/real/dacode-da-agent-gpt4-turbo): the same harness, reader and
// scores document as the gpt-4o, claude-3-opus and Qwen2-72B sets, another model's runs (on the gpt-4o set's 60
// tasks). Counts recounted from the raw result.json files and the results file.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/dacode-da-agent-gpt4-turbo/', import.meta.url));
const MODEL = 'gpt4-turbo';
const load = () => loadTraces([`${DIR}${MODEL}`], { outcomes: readOutcomeFiles([`${DIR}GPT-4-turbo_result.json`]) });

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');
const rootOf = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;

describe('DA-Code DA-Agent runs on gpt-4-turbo', () => {
  it('60 runs, model and task from the path, scores joined from the results file', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(traces.every((t) => t.source.format === 'dacode')).toBe(true);
    expect(traces.every((t) => t.traceId === `dacode:${MODEL}/${t.taskId}`)).toBe(true);
    // total_score 1 for 20 tasks, 0 for 30, in between (ML metrics) for 10: those carry a reward and no verdict.
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(20);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(30);
    const partial = traces.filter((t) => t.outcome?.success === undefined);
    expect(partial).toHaveLength(10);
    expect(partial.every((t) => t.taskId!.startsWith('ml-'))).toBe(true);
    expect(partial.every((t) => typeof t.outcome?.reward === 'number' && t.outcome.reward > 0 && t.outcome.reward < 1)).toBe(true);
    const all = traces.flatMap(tools);
    const count = (name: string) => all.filter((s) => s.tool!.name === name).length;
    // 494 replies, every one parsed to an action.
    expect([count('Bash'), count('Python'), count('SQL'), count('Terminate')]).toEqual([240, 192, 4, 58]);
    const llm = traces.flatMap((t) => t.spans.filter((s) => s.kind === 'llm'));
    expect(llm).toHaveLength(494);
    expect(llm.some((s) => s.attributes['halo.action_unparsed'] !== undefined)).toBe(false);
    expect(llm.every((s) => s.model === MODEL)).toBe(true);
  });

  it('failures: Python tracebacks, harness timeouts, one refused repeat, one SQL file not found', async () => {
    const { traces } = await load();
    const failed = traces.flatMap(tools).filter((s) => s.status === 'error');
    expect(failed).toHaveLength(83);
    expect(new Set(failed.map((s) => s.traceId)).size).toBe(25);
    const python = failed.filter((s) => s.tool!.name === 'Python');
    const types = (type: string) => python.filter((s) => s.error!.type === type).length;
    expect([python.length, types('exception'), types('timeout'), types('harness_refused')]).toEqual([82, 78, 3, 1]);
    const sql = failed.filter((s) => s.tool!.name === 'SQL');
    expect(sql.map((s) => [s.traceId, s.error!.message])).toEqual([[`dacode:${MODEL}/plot-line-004`, 'ERROR: File not found: olist.db']]);
    // 58 runs end on Terminate; 2 are cut off at the 20-step limit on a Python call the harness never answered.
    const unrecorded = traces.flatMap(tools).filter((s) => s.attributes['halo.result_unrecorded'] === true);
    expect(unrecorded.filter((s) => s.tool!.name === 'Terminate')).toHaveLength(58);
    expect(unrecorded.filter((s) => s.tool!.name === 'Python').map((s) => s.traceId.split('/')[1]).sort()).toEqual(['data-sa-032', 'dm-csv-052']);
    expect(traces.filter((t) => rootOf(t).attributes['finished'] === false).map((t) => t.taskId).sort()).toEqual(['data-sa-032', 'dm-csv-052']);
  });

  it('a run cut off at the 20-step limit: one script failing the same way, rewritten again and again', async () => {
    const { traces } = await load();
    const t = byTask(traces, 'data-sa-032');
    expect(t.outcome).toEqual({ success: false, reward: 0 });
    const calls = tools(t);
    expect(calls).toHaveLength(20);
    const valueErrors = calls.filter((s) => s.error?.type === 'exception' && s.error.message.startsWith('ValueError: Unable to coerce to Series, length must be'));
    expect(valueErrors).toHaveLength(13);
    expect(calls[19]!.status).toBe('unset');
  });
});
