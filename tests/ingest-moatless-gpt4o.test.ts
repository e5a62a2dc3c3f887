// Moatless Tools on gpt-4o (tests/fixtures/real/moatless-swe-bench-lite-gpt4o): the same state-machine loop as
// moatless-swe-bench-lite, another evaluation run of it, with that evaluation's resolved lists joined as outcomes.
// The counts below were taken from the raw files.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/moatless-swe-bench-lite-gpt4o/', import.meta.url));
const load = () => loadTraces([join(DIR, 'trajs')], { outcomes: readOutcomeFiles([join(DIR, 'result.json')]) });

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);

describe('Moatless Tools SWE-bench Lite trajectories on gpt-4o', () => {
  it('60 runs of one evaluation, 12 resolved', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(traces.every((t) => t.source.format === 'moatless' && t.traceId.startsWith('moatless:20240616_moatless_temp_0_2_gpt-4o-2024-05-13:'))).toBe(true);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(12);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(48);
    expect(byTask(traces, 'django__django-14238').outcome?.success).toBe(true);
    // 554 state actions, each a model call and a call of the tool named for its state.
    const all = traces.flatMap((t) => t.spans);
    expect(all.filter((s) => s.kind === 'llm')).toHaveLength(554);
    expect(all.filter((s) => s.kind === 'tool')).toHaveLength(554);
    expect(all.filter((s) => s.kind === 'llm').every((s) => s.model === 'gpt-4o-2024-05-13')).toBe(true);
  });

  it('24 actions the loop sent back in 13 runs, one run aborted on its prompt size', async () => {
    const { traces } = await load();
    const failed = traces.flatMap((t) => ofKind(t, 'tool').filter((s) => s.status === 'error'));
    expect(failed).toHaveLength(24);
    expect(failed.every((s) => s.error!.type === 'retry')).toBe(true);
    expect(new Set(failed.map((s) => s.traceId)).size).toBe(13);
    const t = byTask(traces, 'scikit-learn__scikit-learn-11281');
    expect(ofKind(t, 'tool').map((s) => `${s.tool!.name} ${s.status}`)).toEqual([
      'SearchCode ok', 'IdentifyCode ok', 'PlanToCode ok', 'ClarifyCodeChange ok', 'EditCode ok', 'PlanToCode ok',
      'ClarifyCodeChange error', 'ClarifyCodeChange ok', 'EditCode ok', 'PlanToCode ok',
      'ClarifyCodeChange error', 'ClarifyCodeChange error', 'ClarifyCodeChange error',
    ]);
    expect(ofKind(t, 'tool').at(-1)!.error!.message).toMatch(/^Lines 173 - 245 has 554 tokens, which is higher than the maximum allowed 1000 tokens in completion\./);
    expect(t.outcome?.success).toBe(false);
    const crashed = byTask(traces, 'sympy__sympy-15346');
    expect(root(crashed).status).toBe('error');
    expect(root(crashed).error).toEqual({ type: 'traceback', message: 'ValueError: Too many tokens in the new message: 18428' });
    expect(traces.filter((x) => root(x).status === 'error')).toHaveLength(1);
  });
});
