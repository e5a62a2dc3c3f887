// LDB results (tests/fixtures/real/ldb-debugger): a debugging agent (gpt-3.5-turbo-0613) repairing seed programs
// for HumanEval and MBPP problems against visible tests, each run's hidden-test verdict as its outcome.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/ldb-debugger/results/', import.meta.url));
const load = () => loadTraces([DIR], {});

const byId = (traces: Trace[], id: string): Trace => traces.find((t) => t.traceId === id)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);

describe('LDB results', () => {
  it('664 runs (164 HumanEval, 500 MBPP), the hidden-test verdict as outcome, a test run per program', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(664);
    expect(traces.every((t) => t.source.format === 'ldb')).toBe(true);
    const of = (ds: string) => traces.filter((t) => t.traceId.startsWith(`ldb:${ds}/gpt-3.5-turbo-0613#`));
    const marks = (ds: string) => [of(ds).length, of(ds).filter((t) => t.outcome?.success === true).length, of(ds).filter((t) => t.outcome?.success === false).length];
    expect(marks('humaneval')).toEqual([164, 136, 28]);
    expect(marks('mbpp')).toEqual([500, 380, 120]);
    const all = traces.flatMap((t) => t.spans);
    const tools = all.filter((s) => s.kind === 'tool');
    // One visible-test run per program (413 and 1,158): the seed's is the harness's (no model call of these runs wrote
    // it), every other one the call of the model reply whose program it tests.
    expect(tools).toHaveLength(413 + 1158);
    expect(tools.every((s) => s.tool!.name === 'run_visible_tests')).toBe(true);
    expect(tools.filter((s) => s.attributes['tool.requestor'] === 'harness')).toHaveLength(664);
    expect(all.filter((s) => s.kind === 'llm')).toHaveLength(413 + 1158 - 664);
    expect(tools.filter((s) => s.status === 'error')).toHaveLength(269 + 721);
    expect(all.filter((s) => s.kind === 'llm').every((s) => s.attributes['ldb.prompt_unrecorded'] === true && s.model === 'gpt-3.5-turbo-0613')).toBe(true);
  });

  it('a repaired run: the seed tested, then each regenerated program and its test run, failed while a test fails', async () => {
    const { traces } = await load();
    const t = byId(traces, 'ldb:humaneval/gpt-3.5-turbo-0613#HumanEval/90');
    expect(t.outcome).toEqual({ success: true });
    expect(root(t).input).toMatch(/def next_smallest\(lst\):/);
    const tests = ofKind(t, 'tool');
    expect(tests.map((s) => s.status)).toEqual(['error', 'error', 'error', 'ok']);
    expect(tests[0]!.error).toEqual({ type: 'tests_failed', message: 'assert next_smallest([1, 1]) is None # Real Execution Output: 1' });
    expect(tests[3]!.tool!.result).toBe('[]');
    // Three regenerated programs; the first is the seed again, tested with the same code and failing the same way.
    const llm = ofKind(t, 'llm');
    expect(llm).toHaveLength(3);
    const code = tests.map((s) => (s.tool!.arguments as { code: string }).code);
    expect(code.slice(1)).toEqual(llm.map((s) => s.output));
    expect(code[1]).toBe(code[0]);
    expect(tests[1]!.tool!.result).toBe(tests[0]!.tool!.result);
    expect(new Set(code).size).toBe(3);
    expect(root(t).attributes['debug_iter']).toBe(3);
  });

  it('a seed that passed its visible tests: one harness test run, no model call', async () => {
    const { traces } = await load();
    const t = byId(traces, 'ldb:humaneval/gpt-3.5-turbo-0613#HumanEval/45');
    expect(ofKind(t, 'llm')).toHaveLength(0);
    expect(ofKind(t, 'tool').map((s) => [s.status, s.tool!.result])).toEqual([['ok', '[]']]);
    expect(t.outcome).toEqual({ success: true });
  });
});
