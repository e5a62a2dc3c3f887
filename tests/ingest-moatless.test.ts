// Moatless Tools trajectories (tests/fixtures/real/moatless-swe-bench-lite):
// a state-machine code agent on SWE-bench Lite, read from its own evaluation
// output, with the evaluation's resolved lists joined as outcomes.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/moatless-swe-bench-lite/', import.meta.url));
const load = () => loadTraces([join(DIR, 'trajs')], { outcomes: readOutcomeFiles([join(DIR, 'result.json')]) });

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);

describe('Moatless Tools SWE-bench Lite trajectories', () => {
  it('60 runs, one per file, named by instance, with the evaluation verdicts joined', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(traces.every((t) => t.source.format === 'moatless' && t.agentName === 'AgenticLoop')).toBe(true);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
    // result.json's `resolved` list: 19 of the 60 drawn; every other run is listed as generated, not resolved.
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(19);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(41);
    expect(byTask(traces, 'django__django-11905').outcome?.success).toBe(false);
    // How the loop ended is not the verdict: this run ended rejected, and its submitted patch resolved the instance.
    expect(byTask(traces, 'psf__requests-2674').outcome?.success).toBe(true);
    expect(root(byTask(traces, 'psf__requests-2674')).attributes['info.status']).toBe('rejected');
  });

  it('each state action is a model call and a tool call named for the state, the state as its agent', async () => {
    const { traces } = await load();
    const t = byTask(traces, 'pytest-dev__pytest-11148');
    expect(t.traceId).toBe('moatless:20240623_moatless_claude-3.5-sonnet:pytest-dev__pytest-11148');
    expect(ofKind(t, 'tool').map((s) => [s.tool!.name, s.status])).toEqual([
      ['SearchCode', 'ok'],
      ['IdentifyCode', 'ok'],
      ['DecideRelevance', 'ok'],
      ['SearchCode', 'error'],
      ['SearchCode', 'error'],
      ['SearchCode', 'error'],
    ]);
    const llm = ofKind(t, 'llm');
    expect(llm.map((s) => s.agentName)).toEqual(['SearchCode', 'IdentifyCode', 'DecideRelevance', 'SearchCode', 'SearchCode', 'SearchCode']);
    expect(llm.every((s) => s.model === 'claude-3-5-sonnet-20240620')).toBe(true);
    expect(llm[0]!.tokens).toEqual({ input: 3726, output: 232, total: 3958 });
    expect(llm[0]!.costUsd).toBeCloseTo(0.014658, 6);
    // The model's scratch pad is its text; the rest of the reply is the call's arguments.
    expect(llm[0]!.output).toMatch(/\S/);
    expect(Object.keys(ofKind(t, 'tool')[0]!.tool!.arguments as object).sort()).toEqual(['complete', 'search_requests']);
    expect(ofKind(t, 'tool')[0]!.tool!.result).toContain('ranked_spans');
    expect(root(t).input).toContain('Module imported twice');
    expect(root(t).attributes['info.status']).toBe('rejected');
  });

  it('an action the loop sent back (retry_message) is a failed call with that message; a crash fails the run', async () => {
    const { traces } = await load();
    const t = byTask(traces, 'pytest-dev__pytest-11148');
    const failed = ofKind(t, 'tool').filter((s) => s.status === 'error');
    expect(failed.map((s) => s.error)).toEqual([
      { type: 'retry', message: "It's not possible to search for test files." },
      { type: 'retry', message: 'Unfortunately, I didn’t find any relevant results.' },
      { type: 'retry', message: 'Unfortunately, I didn’t find any relevant results.' },
    ]);
    // An edit the linter complained about was applied: its result keeps the errors, the call did not fail.
    const linted = byTask(traces, 'django__django-13925');
    const edits = ofKind(linted, 'tool').filter((s) => s.tool!.name === 'EditCode' && String(s.tool!.result).includes("Class 'object' has no '_meta' member"));
    expect(edits).toHaveLength(1);
    expect(edits[0]!.status).toBe('ok');
    expect(root(linted).status).not.toBe('error');
    const crashed = byTask(traces, 'sphinx-doc__sphinx-7686');
    expect(root(crashed).status).toBe('error');
    expect(root(crashed).error).toEqual({ type: 'traceback', message: 'RuntimeError: The loop was aborted because the cost exceeded the limit.' });
    // 33 refused actions in the 60 runs, and 2 crashed runs.
    const all = traces.flatMap((x) => x.spans);
    expect(all.filter((s) => s.kind === 'tool' && s.status === 'error')).toHaveLength(33);
    expect(traces.filter((x) => root(x).status === 'error')).toHaveLength(2);
  });
});
