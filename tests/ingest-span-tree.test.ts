// Nested span trees (TRAIL/Patronus documents) and ClickHouse-exporter rows:
// both spellings of the otel_traces columns, Python-repr maps, "None"
// parents, ISO-8601 durations, and smolagents tool inputs unwrapped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { normalizeRecord } from '../src/ingest/normalize.ts';
import { parsePythonLiteral } from '../src/ingest/python-literal.ts';
import { isoDurationMs } from '../src/ingest/values.ts';
import type { Span, Trace } from '../src/types.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/formats/${p}`, import.meta.url));
const byName = (t: Trace, name: string): Span => {
  const s = t.spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name}`);
  return s;
};

describe('nested span trees', () => {
  it('reads every span at any depth, parents from nesting, ids as written', async () => {
    const { traces, stats } = await loadTraces([fixture('span-tree.json')]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.source.format).toBe('span-tree');
    expect(t.traceId).toBe('5a1e7f00c0ffee0000000000000000aa');
    expect(t.spans.map((s) => s.spanId).sort()).toEqual(['a0000000000000a1', 'a0000000000000a2', 'a0000000000000a3', 'a0000000000000a4', 'a0000000000000a5', 'a0000000000000a6']);
    // "None" is no parent; a child without parent_span_id hangs from the span that encloses it.
    expect(byName(t, 'process_item').parentId).toBeNull();
    expect(t.rootSpanId).toBe('a0000000000000a1');
    expect(byName(t, 'CodeAgent.run').parentId).toBe('a0000000000000a1');
    expect(byName(t, 'LiteLLMModel.__call__').parentId).toBe('a0000000000000a3');
  });

  it('reads ISO-8601 durations, Python-repr maps, statuses, events and conventions', async () => {
    const t = (await loadTraces([fixture('span-tree.json')])).traces[0]!;
    const root = byName(t, 'process_item');
    expect(root.startTime).toBe(Date.parse('2025-03-25T09:12:19.622Z') + 0.584);
    expect(root.durationMs).toBeCloseTo(125_500, 3);
    expect(root.attributes['pat.app']).toBe('SWEBenchLite');
    expect(root.attributes['pat.retries']).toBe(2);
    expect(root.attributes['pat.flag']).toBe(true);
    expect(root.attributes['resource.telemetry.sdk.language']).toBe('python');
    expect(root.attributes['otel.span_kind']).toBe('INTERNAL');
    expect(t.service).toBe('worker-1');
    const step = byName(t, 'Step 1');
    expect(step.status).toBe('error');
    expect(step.error).toEqual({ type: 'AgentExecutionError', message: 'Code execution failed at line 3' });
    expect(step.events[0]!.time).toBe(Date.parse('2025-03-25T09:12:29.500Z'));
    const llm = byName(t, 'LiteLLMModel.__call__');
    expect(llm.kind).toBe('llm');
    expect(llm.model).toBe('anthropic/claude-3-7-sonnet-latest');
    expect(llm.tokens).toEqual({ input: 80, output: 15, total: 95 });
  });

  it('names the agent from the framework agent span, on the trace and on every span below it', async () => {
    const t = (await loadTraces([fixture('span-tree.json')])).traces[0]!;
    expect(t.agentName).toBe('CodeAgent');
    for (const s of t.spans) expect(s.agentName).toBe('CodeAgent');
  });

  it('unwraps smolagents {args, kwargs}: positional by the declared order, else kept positional', async () => {
    const t = (await loadTraces([fixture('span-tree.json')])).traces[0]!;
    const final = byName(t, 'FinalAnswerTool');
    expect(final.kind).toBe('tool');
    expect(final.tool!.name).toBe('final_answer');
    expect(final.tool!.arguments).toEqual({ answer: '--- a/x.py\n+++ b/x.py' });
    expect(final.tool!.positionalArguments).toBeUndefined();
    // No tool spec in the trace: the named ones are kept, the rest stay marked positional.
    const search = byName(t, 'SearchTool');
    expect(search.tool!.arguments).toEqual({ lang: 'en' });
    expect(search.tool!.positionalArguments).toEqual(['halo traces', 5]);
  });
});

describe('ClickHouse exporter rows (otel_traces JSONEachRow)', () => {
  it('reads the CamelCase columns, ns durations, nested Events.* and Links.* arrays', async () => {
    const { traces, stats } = await loadTraces([fixture('clickhouse-rows.jsonl')]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.source.format).toBe('clickhouse-row');
    expect(t.service).toBe('support-svc');
    expect(t.agentName).toBe('support');
    const root = byName(t, 'invoke_agent support');
    expect(root.parentId).toBeNull();
    expect(root.startTime).toBe(Date.parse('2025-06-01T10:00:00Z'));
    expect(root.durationMs).toBe(3000);
    expect(root.kind).toBe('agent');
    const tool = byName(t, 'execute_tool lookup_order');
    expect(tool.parentId).toBe('b1b1b1b1b1b1b1b1');
    expect(tool.durationMs).toBe(250);
    expect(tool.tool).toMatchObject({ name: 'lookup_order', arguments: { order_id: 'A-17' } });
    expect(tool.status).toBe('error');
    expect(tool.statusMessage).toBe('order not found');
    expect(tool.events).toEqual([{ name: 'exception', time: Date.parse('2025-06-01T10:00:00.700Z'), attributes: { 'exception.type': 'KeyError', 'exception.message': 'A-17' } }]);
    expect(tool.attributes['otel.links']).toEqual([{ traceId: 'd2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2', spanId: 'e1e1e1e1e1e1e1e1', traceState: '', attributes: {} }]);
  });

  it('reads the lower-case spelling of the same row on its own', () => {
    const tree = JSON.parse(readFileSync(fixture('span-tree.json'), 'utf8'));
    const row = { ...tree.spans[0], child_spans: undefined };
    const rec = normalizeRecord(row);
    expect(rec.format).toBe('clickhouse-row');
    expect(rec.spans[0]!.spanId).toBe('a0000000000000a1');
    expect(rec.spans[0]!.durationMs).toBeCloseTo(125_500, 3);
  });
});

describe('value readers', () => {
  it('ISO-8601 durations', () => {
    expect(isoDurationMs('PT2M5.655384S')).toBeCloseTo(125_655.384, 6);
    expect(isoDurationMs('PT0.000161S')).toBeCloseTo(0.161, 6);
    expect(isoDurationMs('P1DT2H')).toBe(26 * 3_600_000);
    expect(isoDurationMs('PT')).toBeNull();
    expect(isoDurationMs('2 minutes')).toBeNull();
  });

  it('Python literals, and not objects', () => {
    expect(parsePythonLiteral("{'a': 'x\\'y', \"b\": [1, 2.5, -3e2], 'c': (True, False, None), 'd': {}}")).toEqual({ a: "x'y", b: [1, 2.5, -300], c: [true, false, null], d: {} });
    expect(parsePythonLiteral("{'step': ActionStep(n=1)}")).toBeUndefined();
    expect(parsePythonLiteral("{'__proto__': {'polluted': 1}}")).toEqual(JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('positional tool arguments are never schema-checked as named', () => {
  const schema = JSON.stringify({ type: 'function', function: { name: 'final_answer', parameters: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } } });
  const records = (input: unknown) => [
    { trace_id: 't1', span_id: 's1', name: 'llm', start_time: '2025-01-01T00:00:00Z', attributes: { 'openinference.span.kind': 'LLM', 'llm.tools.0.tool.json_schema': schema } },
    { trace_id: 't1', span_id: 's2', parent_span_id: 's1', name: 'FinalAnswerTool', start_time: '2025-01-01T00:00:01Z', attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'final_answer', 'input.value': JSON.stringify(input) } },
  ];
  const findings = async (input: unknown) => {
    const { TraceAssembler } = await import('../src/ingest/assemble.ts');
    const { toolArguments } = await import('../sandbox/detectors/tool-arguments.ts');
    const a = new TraceAssembler();
    for (const r of records(input)) a.add(normalizeRecord(r), 'f.jsonl');
    return toolArguments(a.finish());
  };

  it('a call that passed `answer` positionally (no spec on the span) raises nothing', async () => {
    expect(await findings({ args: ['the patch'], sanitize_inputs_outputs: true, kwargs: {} })).toEqual([]);
  });

  it('a call that really omitted `answer` is still reported', async () => {
    const out = await findings({ args: [], sanitize_inputs_outputs: true, kwargs: {} });
    expect(out).toHaveLength(1);
    expect(out[0]!.key.signature).toBe('schema_violation:missing:answer');
  });
});
