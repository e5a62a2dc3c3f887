import { describe, expect, it } from 'vitest';
import { TraceAssembler } from '../src/ingest/assemble.ts';
import { normalizeRecord } from '../src/ingest/normalize.ts';

const T0 = Date.parse('2026-04-20T00:00:00Z');

/** A flat-span record; `at`/`len` in ms from T0. */
function rec(trace: string, id: string, parent: string | null, at: number, attributes: Record<string, unknown> = {}, status = 'STATUS_CODE_UNSET', len = 100) {
  return {
    trace_id: trace,
    span_id: id,
    parent_span_id: parent ?? '',
    name: id,
    start_time: new Date(T0 + at).toISOString(),
    end_time: new Date(T0 + at + len).toISOString(),
    status: { code: status, message: status === 'STATUS_CODE_ERROR' ? `${id} failed` : '' },
    attributes,
  };
}

function build(records: unknown[], file = 'a.jsonl') {
  const a = new TraceAssembler();
  for (const r of records) a.add(normalizeRecord(r), file);
  return a;
}

describe('TraceAssembler', () => {
  it('groups spans arriving in any order across files; sorts by start; finds the root', () => {
    const a = new TraceAssembler();
    a.add(normalizeRecord(rec('t1', 'c2', 'r', 300)), 'second.jsonl');
    a.add(normalizeRecord(rec('t2', 'x', null, 50)), 'second.jsonl');
    a.add(normalizeRecord(rec('t1', 'r', null, 0, {}, 'STATUS_CODE_UNSET', 1000)), 'first.jsonl');
    a.add(normalizeRecord(rec('t1', 'c1', 'r', 100)), 'first.jsonl');
    expect(a.spanCount).toBe(4);
    const traces = a.finish();
    expect(traces.map((t) => t.traceId)).toEqual(['t1', 't2']);
    const t1 = traces[0]!;
    expect(t1.spans.map((s) => s.spanId)).toEqual(['r', 'c1', 'c2']);
    expect(t1.rootSpanId).toBe('r');
    expect(t1.startTime).toBe(T0);
    expect(t1.endTime).toBe(T0 + 1000);
    expect(t1.durationMs).toBe(1000);
    expect(t1.source.file).toBe('second.jsonl'); // where the trace was first seen
    // finish() hands everything over and starts empty
    expect(a.spanCount).toBe(0);
    expect(a.finish()).toEqual([]);
  });

  it('a partial trace roots at the earliest span whose parent is missing', () => {
    const [t] = build([rec('t', 'b', 'missing', 200), rec('t', 'a', 'missing', 100), rec('t', 'c', 'a', 150)]).finish();
    expect(t!.rootSpanId).toBe('a');
    expect(t!.spans.find((s) => s.spanId === 'a')!.parentId).toBe('missing'); // kept as the source said
  });

  it('a duplicated span id loses nothing: the later span is kept under <id>~dup2, and counted', () => {
    const a = build([rec('t', 'r', null, 0), rec('t', 's', 'r', 10, { 'llm.model_name': 'old' }), rec('t', 's', 'r', 10, { 'llm.model_name': 'new' })]);
    const [t] = a.finish();
    expect(t!.spans).toHaveLength(3);
    const first = t!.spans.find((s) => s.spanId === 's')!;
    const second = t!.spans.find((s) => s.spanId === 's~dup2')!;
    expect(first.model).toBe('old');
    expect(second.model).toBe('new');
    expect(second.attributes['halo.duplicate_span_id']).toBe('s');
    expect(second.parentId).toBe('r');
    expect(a.repairs).toMatchObject({ duplicateSpanIds: 1, identicalDuplicates: 0 });
  });

  it('a span repeated verbatim is kept once, and counted', () => {
    const a = build([rec('t', 'r', null, 0), rec('t', 's', 'r', 10), rec('t', 's', 'r', 10)]);
    const [t] = a.finish();
    expect(t!.spans.map((s) => s.spanId).sort()).toEqual(['r', 's']);
    expect(a.repairs).toMatchObject({ duplicateSpanIds: 0, identicalDuplicates: 1 });
  });

  it('a parent cycle is broken at its earliest span, which keeps the parent it named', () => {
    const a = build([rec('t', 'root', null, 0), rec('t', 'a', 'b', 5), rec('t', 'b', 'c', 6), rec('t', 'c', 'a', 7), rec('t', 'self', 'self', 8)]);
    const [t] = a.finish();
    expect(t!.spans).toHaveLength(5);
    const byId = Object.fromEntries(t!.spans.map((s) => [s.spanId, s]));
    expect(byId.a!.parentId).toBeNull();
    expect(byId.a!.attributes['halo.parent_cycle']).toBe('b');
    expect(byId.b!.parentId).toBe('c');
    expect(byId.self!.parentId).toBeNull();
    expect(t!.rootSpanId).toBe('root');
    expect(a.repairs.parentCycles).toBe(2);
  });

  it('status: the root decides when set; else any error; else any ok', () => {
    const traces = build([
      rec('okroot', 'r', null, 0, {}, 'STATUS_CODE_OK'),
      rec('okroot', 'e', 'r', 10, {}, 'STATUS_CODE_ERROR'),
      rec('unsetroot', 'r', null, 1, {}),
      rec('unsetroot', 'e', 'r', 10, {}, 'STATUS_CODE_ERROR'),
      rec('errroot', 'r', null, 2, {}, 'STATUS_CODE_ERROR'),
      rec('allok', 'r', null, 3, {}),
      rec('allok', 'k', 'r', 10, {}, 'STATUS_CODE_OK'),
      rec('unset', 'r', null, 4, {}),
    ]).finish();
    const status = Object.fromEntries(traces.map((t) => [t.traceId, t.status]));
    expect(status).toEqual({ okroot: 'ok', unsetroot: 'error', errroot: 'error', allok: 'ok', unset: 'unset' });
  });

  it('tokens and cost sum leaves only, so parent aggregates are not double counted', () => {
    const [t] = build([
      rec('t', 'agent', null, 0, { 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100, 'llm.cost.total': 1 }),
      rec('t', 'sub', 'agent', 10, { 'gen_ai.usage.input_tokens': 300, 'gen_ai.usage.output_tokens': 30 }),
      rec('t', 'llm1', 'sub', 20, { 'llm.token_count.prompt': 100, 'llm.token_count.completion': 10, 'llm.cost.total': 0.1 }),
      rec('t', 'llm2', 'sub', 30, { 'llm.token_count.prompt': 200, 'llm.token_count.completion': 20, 'llm.token_count.total': 221 }),
      rec('t', 'llm3', 'agent', 40, { 'llm.token_count.prompt': 5, 'llm.token_count.completion': 1, 'llm.cost.total': 0.25 }),
      rec('t', 'tool', 'agent', 50, { 'tool.name': 'x' }),
    ]).finish();
    expect(t!.tokens).toEqual({ input: 305, output: 31, total: 337 });
    expect(t!.costUsd).toBeCloseTo(0.35);
  });

  it('lifts hints: root first, then trace-level records, then other spans; outcome merged field by field', () => {
    const a = build([
      rec('t', 'child', 'root', 10, { 'session.id': 'child-session', 'gen_ai.agent.name': 'child-agent', 'halo.outcome.reward': 0.5, 'task.id': 'task-9' }),
      rec('t', 'root', null, 0, { 'gen_ai.agent.name': 'root-agent', 'halo.outcome.label': 'partial', 'user.id': 'u1' }),
    ]);
    a.add({ format: 'openai-agents', spans: [], traceHints: [{ traceId: 't', hints: { sessionId: 'trace-session', trial: 4 } }] }, 'x');
    const [t] = a.finish();
    expect(t!.agentName).toBe('root-agent');
    expect(t!.sessionId).toBe('trace-session');
    expect(t!.userId).toBe('u1');
    expect(t!.taskId).toBe('task-9');
    expect(t!.trial).toBe(4);
    expect(t!.outcome).toEqual({ label: 'partial', reward: 0.5, success: false });
  });

  it('outcome conventions: reward alone implies success at 1, explicit success wins', () => {
    const traces = build([
      rec('a', 'r', null, 0, { 'halo.outcome.reward': 1 }),
      rec('b', 'r', null, 1, { 'eval.reward': 0.4 }),
      rec('c', 'r', null, 2, { 'outcome.success': 'true', 'outcome.reward': 0 }),
      rec('d', 'r', null, 3, { 'halo.outcome.label': 'resolved' }),
      rec('e', 'r', null, 4, {}),
    ]).finish();
    expect(traces.map((t) => t.outcome)).toEqual([{ success: true, reward: 1 }, { success: false, reward: 0.4 }, { success: true, reward: 0 }, { label: 'resolved' }, null]);
  });

  it('bare keys on span attributes are tool payload, not trace facts; in metadata they count', () => {
    const [t] = build([
      rec('t', 'r', null, 0, {}),
      rec('t', 'lookup', 'r', 10, { 'tool.name': 'lookup_user', success: false, reward: 0, user_id: 'someone-else', task_id: 'x', outcome: 'failed' }),
    ]).finish();
    expect(t!.outcome).toBeNull();
    expect(t!.userId).toBeNull();
    expect(t!.taskId).toBeNull();
    const lf = normalizeRecord({ id: 'o1', traceId: 'lt', type: 'SPAN', startTime: '2026-04-20T00:00:00Z', metadata: { success: false, reward: 0, user_id: 'u9', task_id: 'k1' } });
    expect(lf.spans[0]!.hints).toEqual({ outcome: { success: false, reward: 0 }, userId: 'u9', taskId: 'k1' });
  });

  it('survives a parent cycle in broken data', () => {
    const [t] = build([rec('t', 'a', 'b', 0, { 'llm.token_count.prompt': 1 }), rec('t', 'b', 'a', 10, { 'llm.token_count.prompt': 2 })]).finish();
    expect(t!.spans).toHaveLength(2);
    expect(t!.rootSpanId).toBe('a');
  });
});
