// letta-evals results (tests/fixtures/real/letta-filesystem-gptoss-*): Letta agents on gpt-oss-120b and gpt-oss-20b
// answering questions about a folder of data files with grep_files, open_files and semantic_search_files, one
// `results.jsonl` line per sample, graded by a model judge. The counts below were taken from the raw files.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const dir = (model: string) => fileURLToPath(new URL(`./fixtures/real/letta-filesystem-gptoss-${model}/run_1`, import.meta.url));
const kind = (t: Trace, k: string): Span[] => t.spans.filter((s) => s.kind === k);

describe('letta-evals filesystem runs', () => {
  it('one trace per sample, the judge score as reward and the suite gate (0.7) as pass', async () => {
    for (const [model, passed, half] of [['120b', 17, 5], ['20b', 6, 4]] as const) {
      const { traces, stats } = await loadTraces([dir(model)]);
      expect(stats.badRecords).toBe(0);
      expect(traces).toHaveLength(100);
      expect(traces.every((t) => t.source.format === 'letta-evals')).toBe(true);
      // 100 questions, each asked once in a run: the task is the sample id.
      expect(new Set(traces.map((t) => t.taskId)).size).toBe(100);
      // summary.json beside the results at the source: passed_attempts 17 (120b) and 6 (20b).
      expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(passed);
      // A refusal scores 0.5: a failed run that keeps its reward.
      expect(traces.filter((t) => t.outcome?.success === false && t.outcome.reward === 0.5)).toHaveLength(half);
      expect(traces.every((t) => t.spans.find((s) => s.spanId === t.rootSpanId)!.model === `openai/gpt-oss-${model}`)).toBe(true);
    }
  });

  it('a reply is one model call with the tool call it carries; returns the server marks error fail', async () => {
    const cases = [
      { model: '120b', llm: 371, calls: 271, errors: 1, errorTraces: 1, types: { ToolConstraintError: 1 }, tokens: { input: 12417123, output: 680199, total: 13097322 } },
      { model: '20b', llm: 262, calls: 162, errors: 42, errorTraces: 30, types: { ToolConstraintError: 31, TypeError: 10, ValidationError: 1 }, tokens: { input: 8629718, output: 464777, total: 9094495 } },
    ];
    for (const c of cases) {
      const { traces } = await loadTraces([dir(c.model)]);
      expect(traces.flatMap((t) => kind(t, 'llm'))).toHaveLength(c.llm);
      const calls = traces.flatMap((t) => kind(t, 'tool'));
      expect(calls).toHaveLength(c.calls);
      // Every call has its return (joined by tool_call_id).
      expect(calls.every((s) => s.tool!.result !== null)).toBe(true);
      const failed = calls.filter((s) => s.status === 'error');
      expect(failed).toHaveLength(c.errors);
      expect(new Set(failed.map((s) => s.traceId)).size).toBe(c.errorTraces);
      const types: Record<string, number> = {};
      for (const s of failed) types[s.error!.type ?? 'none'] = (types[s.error!.type ?? 'none'] ?? 0) + 1;
      expect(types).toEqual(c.types);
      // agent_usage: the whole agent loop's tokens, on the run.
      const sum = traces.reduce((a, t) => ({ input: a.input + t.tokens.input, output: a.output + t.tokens.output, total: a.total + t.tokens.total }), { input: 0, output: 0, total: 0 });
      expect(sum).toEqual(c.tokens);
    }
  });

  it('tool names the model garbled are kept as written and rejected by the server', async () => {
    const { traces } = await loadTraces([dir('20b')]);
    const calls = traces.flatMap((t) => kind(t, 'tool'));
    const unknown = calls.filter((s) => !['grep_files', 'open_files', 'semantic_search_files'].includes(s.tool!.name));
    expect(unknown).toHaveLength(31);
    expect(unknown.every((s) => s.status === 'error' && s.error!.type === 'ToolConstraintError')).toBe(true);
    expect(unknown.filter((s) => s.tool!.name === 'sematic_search_files')).toHaveLength(5);
    // Keyword arguments the tool does not take: the server's TypeError, from the return's stderr.
    const typeErrors = calls.filter((s) => s.error?.type === 'TypeError');
    expect(typeErrors.every((s) => /got an unexpected keyword argument/.test(s.error!.message))).toBe(true);
  });

  it('one run in order: a misspelled tool, then a final reply with no call', async () => {
    const { traces } = await loadTraces([dir('20b')]);
    const t = traces.find((x) => x.traceId === 'agent-3b816b6d-6719-4fa1-85f4-0b94209078bb')!;
    expect(t.taskId).toBe('3');
    expect(t.outcome).toEqual({ success: false, reward: 0 });
    const [call] = kind(t, 'tool');
    expect(kind(t, 'tool')).toHaveLength(1);
    expect(call!.tool!.name).toBe('sematic_search_files');
    expect(call!.tool!.arguments).toEqual({ query: 'qstewart', limit: 5 });
    expect(call!.error!.message).toBe("[ToolConstraintError] Cannot call sematic_search_files, valid tools include: ['semantic_search_files', 'open_files', 'grep_files'].");
    const llm = kind(t, 'llm');
    expect(llm).toHaveLength(2);
    expect(llm[0]!.messages![0]!.toolCalls).toHaveLength(1);
    expect(llm[1]!.messages![0]!.toolCalls).toBeUndefined();
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.input).toBe("What is the name of the bird owned by the person with internet account username 'qstewart' on https://acevedo.biz/?");
    expect(root.attributes['halo.synthetic_time']).toBe(false);
    expect(t.startTime).toBe(Date.parse('2025-10-22T18:16:57Z'));
  });
});
