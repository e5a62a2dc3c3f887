import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeRecord, RecordError } from '../src/ingest/normalize.ts';
import { sniffFormat } from '../src/ingest/sniff.ts';
import { TraceAssembler } from '../src/ingest/assemble.ts';
import { normalizeId, toMs } from '../src/ingest/values.ts';
import type { Span, Trace } from '../src/types.ts';
import { mutateRecord } from './helpers/mutate.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));

function lines(p: string): unknown[] {
  return readFileSync(fixture(p), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

function assemble(records: unknown[], file = 'f.jsonl'): Trace[] {
  const a = new TraceAssembler();
  for (const r of records) a.add(normalizeRecord(r), file);
  return a.finish();
}

function load(p: string): Trace[] {
  return assemble(lines(p), p);
}

function span(t: Trace, pred: (s: Span) => boolean): Span {
  const s = t.spans.find(pred);
  if (s === undefined) throw new Error(`no matching span in ${t.traceId}`);
  return s;
}

describe('HALO flat span JSONL', () => {
  it('tiny: 3 traces, agent names, models, tokens, cost, status', () => {
    const traces = load('halo/tiny_traces.jsonl');
    expect(traces.map((t) => t.traceId)).toEqual(['t-aaaa', 't-bbbb', 't-cccc']);
    const a = traces[0]!;
    expect(a.source).toEqual({ file: 'halo/tiny_traces.jsonl', format: 'flat-span' });
    expect(a.agentName).toBe('agent-a');
    expect(a.service).toBe('agent-a');
    expect(a.rootSpanId).toBe('s-aaaa-1');
    expect(a.startTime).toBe(Date.parse('2026-04-23T05:32:00Z'));
    expect(a.durationMs).toBe(1000);
    expect(a.tokens).toEqual({ input: 100, output: 50, total: 150 });
    expect(a.costUsd).toBeCloseTo(0.0012);
    const llm = span(a, (s) => s.kind === 'llm');
    expect(llm.model).toBe('claude-sonnet-4-5');
    expect(llm.parentId).toBe('s-aaaa-1');
    // every original attribute is kept, resource attributes under resource.*
    expect(llm.attributes['llm.provider']).toBe('anthropic');
    expect(llm.attributes['inference.llm.cost.total']).toBe('0.0012');
    expect(llm.attributes['resource.deployment.environment']).toBe('prod');
    expect(llm.attributes['scope.name']).toBe('@test/scope');
    const b = traces[1]!;
    expect(b.status).toBe('error');
    expect(span(b, (s) => s.parentId === null).statusMessage).toBe('tool call failed');
    expect(span(b, (s) => s.kind === 'llm').error).toEqual({ type: null, message: 'tool failure' });
  });

  it('realistic Agents SDK run: tool spans with parsed args, errors, tokens not double counted', () => {
    const traces = load('halo/realistic_traces.jsonl');
    expect(traces).toHaveLength(3);
    expect(traces.reduce((n, t) => n + t.spans.length, 0)).toBe(58);
    const errors = traces.flatMap((t) => t.spans.filter((s) => s.status === 'error'));
    expect(errors).toHaveLength(3);
    for (const e of errors) {
      expect(e.kind).toBe('tool');
      expect(e.statusMessage).toBe('Error running tool (non-fatal)');
    }
    const first = traces.find((t) => t.traceId === '84559aaf5d124026b1da35a7a66d9e94')!;
    expect(first.agentName).toBe('HaloCodeHelper');
    expect(first.service).toBe('halo-openai-agents-demo');
    // The root chain span's sdk.data.usage says 1205/61 over 3 requests: the sum of the llm spans.
    expect(first.tokens).toEqual({ input: 1205, output: 61, total: 1266 });
    expect(span(first, (s) => s.spanId === first.rootSpanId).name).toBe('custom.task');
    const tool = span(first, (s) => s.kind === 'tool' && s.tool?.name === 'list_files');
    expect(tool.tool!.arguments).toEqual({ subdir: './', pattern: '*.py' });
    expect(tool.tool!.result).toContain('./agent.py');
    // span ids that are 24 hex chars stay hex (not mistaken for base64)
    expect(tool.spanId).toBe('261fcb79ae604e8ca68f610e');
    // spans sorted by start time, tree intact
    for (let i = 1; i < first.spans.length; i++) expect(first.spans[i]!.startTime).toBeGreaterThanOrEqual(first.spans[i - 1]!.startTime);
    const ids = new Set(first.spans.map((s) => s.spanId));
    for (const s of first.spans) if (s.parentId !== null) expect(ids.has(s.parentId)).toBe(true);
  });

  it('medium: 500 traces, 2,000 spans, 134 error spans', () => {
    const traces = load('halo/medium_traces.jsonl');
    expect(traces).toHaveLength(500);
    expect(traces.reduce((n, t) => n + t.spans.length, 0)).toBe(2000);
    expect(traces.flatMap((t) => t.spans).filter((s) => s.status === 'error')).toHaveLength(134);
    expect(new Set(traces.map((t) => t.agentName)).size).toBeGreaterThan(1);
    expect(traces.every((t) => t.agentName !== null && t.rootSpanId !== null)).toBe(true);
  });

  it('traces split across two files assemble by trace id', () => {
    const a = new TraceAssembler();
    for (const r of lines('halo/tiny_traces.jsonl')) a.add(normalizeRecord(r), 'one.jsonl');
    for (const r of lines('halo/tiny_traces_second_file.jsonl')) a.add(normalizeRecord(r), 'two.jsonl');
    const traces = a.finish();
    expect(traces.reduce((n, t) => n + t.spans.length, 0)).toBe(8);
  });

  it('OpenInference messages with gaps in their numbering have no holes', () => {
    const [s] = normalizeRecord({
      trace_id: 'T1',
      span_id: 'S1',
      start_time: '2026-04-23T05:32:00Z',
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'hi',
        'llm.input_messages.2.message.role': 'assistant',
        'llm.input_messages.2.message.tool_calls.1.tool_call.function.name': 'f',
        'llm.input_messages.2.message.tool_calls.1.tool_call.function.arguments': 'not json',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.contents.0.message_content.text': 'a',
        'llm.output_messages.0.message.contents.1.message_content.text': 'b',
      },
    }).spans;
    expect(s!.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: '', toolCalls: [{ name: 'f', arguments: 'not json' }] },
      { role: 'assistant', content: 'a\nb' },
    ]);
  });

  it('nested attribute objects are flattened; unix-nano times accepted', () => {
    const [s] = normalizeRecord({
      trace_id: 'T1',
      span_id: 'S1',
      start_time_unix_nano: 1776922320000000000,
      end_time_unix_nano: '1776922320500000000',
      status: 'STATUS_CODE_OK',
      attributes: { llm: { model_name: 'gpt-4o', token_count: { prompt: 10, completion: 2 } }, 'openinference.span.kind': 'LLM', tags: ['x'] },
    }).spans;
    expect(s!.attributes).toEqual({ 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 10, 'llm.token_count.completion': 2, 'openinference.span.kind': 'LLM', tags: ['x'] });
    expect(s!.model).toBe('gpt-4o');
    expect(s!.tokens).toEqual({ input: 10, output: 2, total: 12 });
    expect(s!.durationMs).toBe(500);
    expect(s!.status).toBe('ok');
    expect(s!.traceId).toBe('T1'); // not hex: kept as given
  });

  it('OTel console-exporter shape (context/parent_id, 0x ids, status_code)', () => {
    const rec = {
      name: 'lookup',
      context: { trace_id: '0x5b8efff798038103d269b633813fc60c', span_id: '0x051581bf3cb55c13', trace_state: '[]' },
      kind: 'SpanKind.INTERNAL',
      parent_id: '0x051581bf3cb55c12',
      start_time: '2026-04-23T05:32:00.000000Z',
      end_time: '2026-04-23T05:32:00.250000Z',
      status: { status_code: 'ERROR', description: 'boom' },
      attributes: { 'tool.name': 'lookup', 'input.value': '{"q": 1}' },
      events: [{ name: 'exception', timestamp: '2026-04-23T05:32:00.200000Z', attributes: { 'exception.type': 'ValueError', 'exception.message': 'bad q' } }],
      resource: { attributes: { 'service.name': 'py-svc' }, schema_url: '' },
    };
    expect(sniffFormat(rec)).toBe('flat-span');
    const [s] = normalizeRecord(rec).spans;
    expect(s!.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(s!.spanId).toBe('051581bf3cb55c13');
    expect(s!.parentId).toBe('051581bf3cb55c12');
    expect(s!.kind).toBe('tool');
    expect(s!.tool).toEqual({ name: 'lookup', arguments: { q: 1 }, result: null });
    expect(s!.status).toBe('error');
    expect(s!.error).toEqual({ type: 'ValueError', message: 'bad q' });
    expect(s!.durationMs).toBe(250);
    expect(s!.attributes['otel.span_kind']).toBe('INTERNAL');
    expect(s!.attributes['resource.service.name']).toBe('py-svc');
    expect(assemble([rec])[0]!.service).toBe('py-svc');
  });
});

describe('OTLP/JSON', () => {
  const traces = load('formats/otlp-split.jsonl');

  it('joins one trace split across two lines with hex and base64 ids', () => {
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(t.spans.map((s) => s.spanId)).toEqual(['eee19b7ec3c1b174', 'eee19b7ec3c1b173', '0102030405060708']);
    expect(t.spans[2]!.parentId).toBe('eee19b7ec3c1b174');
    expect(t.rootSpanId).toBe('eee19b7ec3c1b174');
    expect(t.source.format).toBe('otlp');
  });

  it('decodes AnyValue attributes: arrays, kvlists (flattened), bytes, int64 strings', () => {
    const root = traces[0]!.spans[0]!;
    expect(root.attributes['tags']).toEqual(['a', 3, { x: true }]);
    expect(root.attributes['request.id']).toBe('r1');
    expect(root.attributes['request.meta.depth']).toBe(2);
    expect(root.attributes['raw']).toBe('aGVsbG8=');
    expect(root.attributes['big']).toBe('9007199254740993'); // beyond 2^53: kept exact as a string
    expect(root.attributes['halo.task.trial']).toBe(2);
    expect(root.attributes['resource.service.name']).toBe('billing-agent');
    expect(root.attributes['scope.version']).toBe('1.2.0');
    expect(root.attributes['otel.span_kind']).toBe('INTERNAL');
  });

  it('maps int and string enums for kind and status, nanosecond times as string or number', () => {
    const [root, llm, tool] = traces[0]!.spans;
    expect(root!.status).toBe('ok');
    expect(llm!.status).toBe('unset');
    expect(llm!.attributes['otel.span_kind']).toBe('CLIENT');
    expect(llm!.startTime).toBe(1776922320100);
    expect(llm!.durationMs).toBe(1000);
    expect(tool!.status).toBe('error');
    expect(tool!.statusMessage).toBe('refund failed');
    expect(tool!.attributes['otel.span_kind']).toBe('INTERNAL');
  });

  it('derives OpenInference fields: kind, model, tokens, cost, flattened messages, tool, exception', () => {
    const t = traces[0]!;
    const llm = span(t, (s) => s.kind === 'llm');
    expect(llm.model).toBe('gpt-4o');
    expect(llm.tokens).toEqual({ input: 1200, output: 80, total: 1280 });
    expect(llm.costUsd).toBeCloseTo(0.0042);
    expect(llm.messages).toEqual([
      { role: 'system', content: 'You are a billing agent.' },
      { role: 'user', content: 'Refund order 123' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'refund_order', arguments: { order_id: '123' } }] },
    ]);
    const tool = span(t, (s) => s.kind === 'tool');
    expect(tool.tool).toEqual({ name: 'refund_order', arguments: { order_id: '123' }, result: 'refund service unavailable' });
    expect(tool.error).toEqual({ type: 'TimeoutError', message: 'refund service timed out after 30s' });
    expect(tool.events[0]!.name).toBe('exception');
    expect(tool.events[0]!.time).toBe(1776922321600);
  });

  it('lifts hints to the trace: agent, session, user, task, trial, outcome, service', () => {
    const t = traces[0]!;
    expect(t.agentName).toBe('billing');
    expect(t.sessionId).toBe('sess-42');
    expect(t.userId).toBe('u-7');
    expect(t.taskId).toBe('refund-123');
    expect(t.trial).toBe(2);
    expect(t.outcome).toEqual({ success: false, reward: 0.25 });
    expect(t.service).toBe('billing-agent');
    expect(t.status).toBe('ok'); // the root says ok; the tool error stays on its span
    expect(t.tokens.total).toBe(1280);
  });

  it('untrusted keys cannot replace an object prototype; absurd nesting does not crash', () => {
    let deep: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 5000; i++) deep = { arrayValue: { values: [deep] } };
    const rec = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  startTimeUnixNano: '1776922320000000000',
                  attributes: [
                    { key: '__proto__', value: { arrayValue: { values: [{ stringValue: 'x' }] } } },
                    { key: 'nested', value: { kvlistValue: { values: [{ key: '__proto__', value: { stringValue: 'y' } }] } } },
                    { key: 'deep', value: deep },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const s = normalizeRecord(rec).spans[0]!;
    expect(Object.getPrototypeOf(s.attributes)).toBe(Object.prototype);
    expect(Object.keys(s.attributes)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(s.attributes, '__proto__')?.value).toEqual(['x']);
    expect(s.attributes['nested.__proto__']).toBe('y');
    expect(Array.isArray(s.attributes['deep'])).toBe(true);
  });

  it('an empty request is a valid record with no spans', () => {
    expect(normalizeRecord({ resourceSpans: [] })).toEqual({ format: 'otlp', spans: [] });
  });
});

describe('OTel GenAI conventions', () => {
  it('attribute shape: operation → kind, models, usage (new and old names), messages, tool call, agent', () => {
    const [t] = load('formats/genai-attributes.jsonl');
    expect(t!.agentName).toBe('weather-agent');
    expect(t!.agentId).toBe('asst_9');
    expect(t!.sessionId).toBe('conv-1');
    const root = span(t!, (s) => s.parentId === null);
    expect(root.kind).toBe('agent');
    const chat = t!.spans.filter((s) => s.kind === 'llm');
    expect(chat).toHaveLength(2);
    expect(chat[0]!.model).toBe('claude-sonnet-4-5-20250929'); // response model wins over request model
    expect(chat[0]!.tokens).toEqual({ input: 500, output: 40, total: 540 });
    expect(chat[1]!.tokens).toEqual({ input: 560, output: 30, total: 590 });
    expect(chat[0]!.messages).toEqual([
      { role: 'system', content: 'You help with weather.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    ]);
    expect(chat[1]!.status).toBe('error');
    expect(chat[1]!.error).toEqual({ type: 'overloaded_error', message: '529 overloaded' });
    const tool = span(t!, (s) => s.kind === 'tool');
    expect(tool.tool).toEqual({ name: 'get_weather', arguments: '{"city": "Paris"', argumentsInvalid: true, result: '{"temp_c": 18}' });
    // The agent span's usage (999/99) aggregates its children; only leaves are summed.
    expect(t!.tokens).toEqual({ input: 1060, output: 70, total: 1130 });
    expect(t!.status).toBe('error'); // root unset, a child errored
  });

  it('older event shape: messages from gen_ai.* events, exception event → error', () => {
    const [t] = load('formats/genai-events.jsonl');
    const s = t!.spans[0]!;
    expect(s.kind).toBe('llm');
    expect(s.model).toBe('gpt-4o-mini');
    expect(s.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Look up order 9' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_x', name: 'lookup_order', arguments: { id: 9 } }] },
    ]);
    expect(s.status).toBe('error');
    expect(s.error).toEqual({ type: 'openai.RateLimitError', message: 'Error code: 429 - rate limit exceeded' });
    expect(s.statusMessage).toBe('Error code: 429 - rate limit exceeded');
    expect(t!.status).toBe('error');
  });
});

describe('Langfuse', () => {
  const [t] = load('formats/langfuse.jsonl');

  it('observations become spans with kinds, parents, usage, cost, errors', () => {
    expect(t!.traceId).toBe('lf-trace-1');
    expect(t!.source.format).toBe('langfuse');
    expect(t!.spans.map((s) => [s.spanId, s.kind])).toEqual([
      ['obs-root', 'agent'],
      ['obs-gen', 'llm'],
      ['obs-tool', 'tool'],
      ['obs-span', 'chain'],
      ['obs-gen2', 'llm'],
      ['obs-event', 'other'],
    ]);
    const gen = span(t!, (s) => s.spanId === 'obs-gen');
    expect(gen.parentId).toBe('obs-root');
    expect(gen.model).toBe('gpt-4o');
    expect(gen.tokens).toEqual({ input: 410, output: 25, total: 435 });
    expect(gen.costUsd).toBeCloseTo(0.0015);
    expect(gen.messages?.at(-1)?.toolCalls).toEqual([{ id: 'tc1', name: 'lookup_order', arguments: { order: 77 } }]);
    expect(gen.attributes['modelParameters.temperature']).toBe(0.2);
    expect(span(t!, (s) => s.spanId === 'obs-gen2').tokens).toEqual({ input: 500, output: 30, total: 530 });
    const tool = span(t!, (s) => s.spanId === 'obs-tool');
    expect(tool.status).toBe('error');
    expect(tool.error).toEqual({ type: null, message: 'order 77 not found' });
    expect(tool.tool).toEqual({ name: 'lookup_order', arguments: { order: 77 }, result: { error: 'order 77 not found' } });
    const warn = span(t!, (s) => s.spanId === 'obs-span');
    expect(warn.status).toBe('unset'); // WARNING is not an error
    expect(warn.statusMessage).toBe('slow formatter');
    expect(span(t!, (s) => s.spanId === 'obs-event').durationMs).toBe(0);
  });

  it('trace export hints and rollups', () => {
    expect(t!.sessionId).toBe('lf-sess-1');
    expect(t!.userId).toBe('lf-user-1');
    expect(t!.taskId).toBe('t-55');
    expect(t!.agentName).toBe('support-bot');
    expect(t!.tokens).toEqual({ input: 910, output: 55, total: 965 });
    expect(t!.costUsd).toBeCloseTo(0.0035);
    expect(t!.status).toBe('error');
  });
});

describe('LangSmith', () => {
  const [t] = load('formats/langsmith.jsonl');

  it('runs become spans: run_type → kind, parents, naive timestamps as UTC', () => {
    expect(t!.traceId).toBe('1ef5c8a0-0000-4000-8000-000000000001');
    expect(t!.spans.map((s) => s.kind)).toEqual(['chain', 'llm', 'tool']);
    expect(t!.startTime).toBe(Date.parse('2026-04-21T09:00:00Z'));
    const llm = span(t!, (s) => s.kind === 'llm');
    expect(llm.parentId).toBe(t!.rootSpanId);
    expect(llm.model).toBe('gpt-4o-mini');
    expect(llm.tokens).toEqual({ input: 800, output: 100, total: 900 });
    expect(llm.messages).toEqual([
      { role: 'system', content: 'You book tables.' },
      { role: 'user', content: 'book a table for 2' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_b', name: 'book_table', arguments: { people: 2 } }] },
    ]);
  });

  it('error runs, tool arguments that are not JSON, hints from extra.metadata, no double counting', () => {
    const tool = span(t!, (s) => s.kind === 'tool');
    expect(tool.status).toBe('error');
    expect(tool.error?.message).toMatch(/^ToolException\('no tables free at 19:00'\)/);
    expect(tool.tool).toEqual({ name: 'book_table', arguments: "{'people': 2}", argumentsInvalid: true, result: null });
    expect(t!.sessionId).toBe('thr-9');
    expect(t!.userId).toBe('ls-user');
    expect(t!.taskId).toBe('booking-4');
    expect(t!.trial).toBe(1);
    expect(t!.tokens.total).toBe(900);
    expect(t!.costUsd).toBeCloseTo(0.01);
    expect(t!.status).toBe('ok');
    expect(span(t!, (s) => s.kind === 'chain').attributes['extra.metadata.thread_id']).toBe('thr-9');
  });

  it('a child run without trace_id takes it from dotted_order', () => {
    const rec = { id: 'child', run_type: 'tool', name: 'x', parent_run_id: 'root-1', dotted_order: '20260421T090000000000Zroot-1.20260421T090001000000Zchild', start_time: '2026-04-21T09:00:01' };
    expect(normalizeRecord(rec).spans[0]!.traceId).toBe('root-1');
  });
});

describe('OpenAI Agents SDK', () => {
  const [t] = load('formats/openai-agents.jsonl');

  it('span_data types map to kinds, names, tools, usage, errors', () => {
    expect(t!.source.format).toBe('openai-agents');
    expect(t!.spans.map((s) => [s.kind, s.name])).toEqual([
      ['agent', 'Triage'],
      ['llm', 'generation'],
      ['tool', 'lookup'],
      ['chain', 'handoff Triage -> Refunds'],
      ['guardrail', 'pii_check'],
      ['llm', 'response'],
    ]);
    const gen = span(t!, (s) => s.name === 'generation');
    expect(gen.model).toBe('gpt-4.1');
    expect(gen.tokens).toEqual({ input: 320, output: 18, total: 338 });
    expect(gen.messages?.[1]?.toolCalls).toEqual([{ id: 'call_l', name: 'lookup', arguments: { user: 'u1' } }]);
    const fn = span(t!, (s) => s.kind === 'tool');
    expect(fn.tool).toEqual({ name: 'lookup', arguments: '{"user": "u1"', argumentsInvalid: true, result: null });
    expect(fn.status).toBe('error');
    expect(fn.error).toEqual({ type: null, message: 'Error running tool: Invalid JSON input for tool' });
    expect(fn.attributes['error.data.error']).toBe('Invalid JSON input for tool');
    expect(span(t!, (s) => s.kind === 'guardrail').attributes['span_data.triggered']).toBe(true);
  });

  it('trace objects give trace-level hints', () => {
    expect(t!.traceId).toBe('trace_6f1a2b3c4d5e6f708192a3b4c5d6e7f8');
    expect(t!.sessionId).toBe('chat-thread-3');
    expect(t!.taskId).toBe('triage-8');
    expect(t!.userId).toBe('agents-user');
    expect(t!.agentName).toBe('Triage');
    expect(t!.tokens).toEqual({ input: 720, output: 68, total: 788 });
  });

  it('Responses API items in a generation become chat messages', () => {
    const [s] = normalizeRecord({
      object: 'trace.span',
      id: 'span_g',
      trace_id: 'trace_g',
      started_at: '2026-04-22T12:00:00Z',
      ended_at: '2026-04-22T12:00:01Z',
      span_data: {
        type: 'generation',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'refund me' }] },
          { type: 'function_call', call_id: 'fc1', name: 'refund', arguments: '{"id":1}' },
          { type: 'function_call_output', call_id: 'fc1', output: 'done' },
        ],
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Refunded.' }] }],
      },
    }).spans;
    expect(s!.messages).toEqual([
      { role: 'user', content: 'refund me' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'fc1', name: 'refund', arguments: { id: 1 } }] },
      { role: 'tool', content: 'done', toolCallId: 'fc1' },
      { role: 'assistant', content: 'Refunded.' },
    ]);
  });

  it('a trace object alone yields no trace', () => {
    const rec = normalizeRecord({ object: 'trace', id: 'trace_x', workflow_name: 'w', group_id: 'g' });
    expect(rec.spans).toEqual([]);
    expect(rec.traceHints).toEqual([{ traceId: 'trace_x', hints: { sessionId: 'g' } }]);
    const a = new TraceAssembler();
    a.add(rec, 'f');
    expect(a.finish()).toEqual([]);
  });
});

describe('chat transcripts', () => {
  it('τ-bench airline: 200 traces, 50 tasks × 4 trials, reward → outcome, tool spans', () => {
    const records = JSON.parse(readFileSync(fixture('tau-bench/gpt-4o-airline.json'), 'utf8')) as unknown[];
    expect(sniffFormat(records[0])).toBe('chat-transcript');
    const traces = assemble(records, 'gpt-4o-airline.json');
    expect(traces).toHaveLength(200);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(50);
    expect(traces.filter((t) => t.outcome?.reward === 0 && t.outcome.success === false)).toHaveLength(116);
    expect(traces.filter((t) => t.outcome?.reward === 1 && t.outcome.success === true)).toHaveLength(84);
    const t = traces.find((x) => x.traceId === 'tau-0-0')!;
    expect(t.taskId).toBe('0');
    expect(t.trial).toBe(0);
    expect(t.source.format).toBe('chat-transcript');
    const root = span(t, (s) => s.spanId === t.rootSpanId);
    expect(root.kind).toBe('agent');
    expect(root.messages?.[0]?.role).toBe('system');
    expect(root.attributes['info.task.user_id']).toBe('mia_li_3668');
    const tool = span(t, (s) => s.kind === 'tool');
    expect(tool.tool?.name).toBe('get_user_details');
    expect(tool.tool?.arguments).toEqual({ user_id: 'mia_li_3668' });
    expect(String(tool.tool?.result)).toContain('"first_name": "Mia"');
    // one tool span per call; each joins its own result even when a call id is reused
    const calls = (records[0] as { traj: { tool_calls?: unknown[] }[] }).traj.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0);
    expect(t.spans.filter((s) => s.kind === 'tool')).toHaveLength(calls);
    expect(t.spans.filter((s) => s.kind === 'tool').every((s) => s.tool?.result !== null)).toBe(true);
    // deterministic synthetic time, increasing per step
    const llms = t.spans.filter((s) => s.kind === 'llm');
    for (let i = 1; i < llms.length; i++) expect(llms[i]!.startTime).toBeGreaterThan(llms[i - 1]!.startTime);
    expect(assemble(records.slice(0, 1))[0]!.spans.map((s) => s.startTime)).toEqual(t.spans.map((s) => s.startTime));
    // tool results starting with "Error" mark the tool span as an error
    const errs = traces.flatMap((x) => x.spans).filter((s) => s.kind === 'tool' && s.status === 'error');
    expect(errs.length).toBeGreaterThan(50);
    expect(errs.every((s) => String(s.tool?.result).startsWith('Error'))).toBe(true);
    expect(errs[0]!.error?.message).toMatch(/^Error/);
  });

  it('a corrupt message is skipped and counted; a malformed call does not shift the others', () => {
    const [t] = assemble([
      {
        task_id: 'k',
        messages: [
          { role: 'user', content: 'go' },
          7,
          { role: 'assistant', content: null, tool_calls: [{ id: 'bad' }, { id: 'c2', function: { name: 'f', arguments: '{oops' } }] },
          { role: 'tool', tool_call_id: 'c2', content: 'ok' },
        ],
      },
    ]);
    const root = t!.spans.find((s) => s.spanId === t!.rootSpanId)!;
    expect(root.attributes['halo.invalid_messages']).toBe(1);
    expect(root.messages).toHaveLength(3);
    const tools = t!.spans.filter((s) => s.kind === 'tool');
    expect(tools.map((s) => s.tool)).toEqual([{ name: 'f', arguments: '{oops', argumentsInvalid: true, result: 'ok' }]);
  });

  it('generic messages: content parts, invalid arguments, explicit outcome, deterministic ids', () => {
    const traces = load('formats/chat.jsonl');
    const math = traces.find((t) => t.taskId === 'math-1')!;
    expect(math.traceId).toBe('chat-math-1-3');
    expect(math.trial).toBe(3);
    expect(math.outcome).toEqual({ success: true, label: 'correct' });
    const tools = math.spans.filter((s) => s.kind === 'tool');
    expect(tools.map((s) => [s.tool?.arguments, s.tool?.argumentsInvalid ?? false, s.status])).toEqual([
      [{ expr: '2+2' }, false, 'ok'],
      ['{expr: 2+2}', true, 'error'],
    ]);
    const root = span(math, (s) => s.spanId === math.rootSpanId);
    expect(root.output).toBe('It is 4.');
    expect(root.model).toBe('gpt-4o-mini');
    const other = traces.find((t) => t.taskId === null)!;
    expect(other.traceId).toMatch(/^chat-[0-9a-f]{16}$/);
    expect(load('formats/chat.jsonl').find((t) => t.taskId === null)!.traceId).toBe(other.traceId);
  });
});

describe('mixed formats and bad records', () => {
  it('sniffs each record on its own', () => {
    const recs = [...lines('halo/tiny_traces.jsonl').slice(0, 1), ...lines('formats/langfuse.jsonl').slice(1, 2), ...lines('formats/otlp-split.jsonl').slice(0, 1), ...lines('formats/langsmith.jsonl').slice(0, 1), ...lines('formats/openai-agents.jsonl').slice(1, 2), ...lines('formats/chat.jsonl').slice(0, 1)];
    expect(recs.map((r) => sniffFormat(r))).toEqual(['flat-span', 'langfuse', 'otlp', 'langsmith', 'openai-agents', 'chat-transcript']);
    const traces = assemble(recs);
    expect(new Set(traces.map((t) => t.source.format))).toEqual(new Set(['flat-span', 'langfuse', 'otlp', 'langsmith', 'openai-agents', 'chat-transcript']));
  });

  const bad: [string, unknown, RegExp][] = [
    ['unrecognized object', { foo: 1, bar: 2 }, /^unrecognized record: object with keys foo, bar; as a flat span it lacks traceId, spanId, startTime; map them with --field traceId=<key> --field spanId=<key> --field startTime=<key> \(or "fields" in halo.config.json\)$/],
    ['array', [1, 2], /unrecognized record: an array of 2 items/],
    ['string', 'hello', /unrecognized record: string/],
    ['null', null, /unrecognized record: null/],
    ['empty object', {}, /empty object/],
    ['OTLP span without traceId', { resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'eee19b7ec3c1b174', startTimeUnixNano: '1' }] }] }] }, /OTLP span missing traceId \(resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\)/],
    ['OTLP span without start time', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' }] }] }] }, /startTimeUnixNano missing/],
    ['flat span with bad time', { trace_id: 't', span_id: 's', start_time: 'yesterday' }, /flat span s: start_time is not a timestamp/],
    ['flat span without span id', { trace_id: 't', span_id: '' }, /flat span in trace t missing span_id/],
    ['Langfuse without id', { traceId: 't', type: 'SPAN', startTime: '2026-01-01T00:00:00Z' }, /Langfuse SPAN observation missing id/],
    ['LangSmith child without trace', { id: 'r', run_type: 'llm', parent_run_id: 'p', start_time: '2026-01-01T00:00:00Z' }, /LangSmith run r has a parent but no trace_id/],
    ['Agents SDK span without trace', { object: 'trace.span', id: 'span_1', started_at: '2026-01-01T00:00:00Z' }, /Agents SDK span span_1 missing trace_id/],
    ['empty transcript', { messages: [] }, /empty messages list/],
    ['transcript with no object messages', { messages: [7, null] }, /no usable messages \(2 entries, none an object\)/],
  ];
  for (const [what, rec, msg] of bad) {
    it(`throws RecordError for ${what}`, () => {
      let err: unknown;
      try {
        normalizeRecord(rec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RecordError);
      expect((err as Error).message).toMatch(msg);
    });
  }
});

describe('value helpers', () => {
  it('ids: hex, base64, 0x, all-zero', () => {
    expect(normalizeId('5B8EFFF798038103D269B633813FC60C')).toBe('5b8efff798038103d269b633813fc60c');
    expect(normalizeId('W47/95gDgQPSabYzgT/GDA==', true)).toBe('5b8efff798038103d269b633813fc60c');
    expect(normalizeId('7uGbfsPBsXQ=', true)).toBe('eee19b7ec3c1b174');
    expect(normalizeId('7uGbfsPBsXQ', true)).toBe('7uGbfsPBsXQ'); // proto3 JSON pads; unpadded is a custom id
    expect(normalizeId('7uGbfsPBsXQ=')).toBe('7uGbfsPBsXQ='); // base64 only where the source uses it (OTLP)
    expect(normalizeId('span-0000001', true)).toBe('span-0000001');
    expect(normalizeId('0x051581bf3cb55c13')).toBe('051581bf3cb55c13');
    expect(normalizeId('0000000000000000')).toBeNull();
    expect(normalizeId('run-uuid-like')).toBe('run-uuid-like');
  });

  it('times: ns strings, ns/µs/ms/s numbers, ISO with and without zone', () => {
    const ms = Date.parse('2026-04-23T05:32:00.123Z');
    expect(toMs('1776922320123000000')).toBe(ms);
    expect(toMs(1776922320123000)).toBe(ms);
    expect(toMs(1776922320123)).toBe(ms);
    expect(toMs(1776922320.123)).toBeCloseTo(ms, 0);
    expect(toMs('2026-04-23T05:32:00.123456789Z')).toBeCloseTo(ms + 0.456789, 5); // sub-ms kept
    expect(toMs('2026-04-23 05:32:00.123Z')).toBe(ms);
    expect(toMs('2026-04-23T05:32:00.123-0130')).toBe(ms + 90 * 60_000);
    expect(toMs('2026-04-23')).toBe(Date.parse('2026-04-23T00:00:00Z'));
    expect(toMs('2026-13-23T05:32:00Z')).toBeNull();
    expect(toMs('2026-04-23T05:32:00.123')).toBe(ms);
    expect(toMs('2026-04-23T07:32:00.123+02:00')).toBe(ms);
    expect(toMs('not a time')).toBeNull();
  });
});

describe('structure-aware fuzz', () => {
  it('mutated records of every format normalize to valid spans or throw RecordError, nothing else', () => {
    let seed = 20261123;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const base: unknown[] = ['otlp-split', 'genai-attributes', 'genai-events', 'langfuse', 'langsmith', 'openai-agents', 'chat'].flatMap((f) => lines(`formats/${f}.jsonl`));
    base.push(...lines('halo/realistic_traces.jsonl').slice(0, 5));
    const replacements = [null, 0, -1, 1e300, '', 'x', 'STATUS_CODE_ERROR', [], [null], {}, { a: 1 }, true, '2026-01-01T00:00:00Z', '12', { stringValue: 5 }, { arrayValue: null }, { kvlistValue: { values: [null, { key: 1 }] } }];
    const KINDS = new Set(['agent', 'llm', 'tool', 'chain', 'retriever', 'embedding', 'guardrail', 'evaluator', 'other']);
    let kept = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const rec = mutateRecord(base[Math.floor(rnd() * base.length)], replacements, rnd);
      let traces: Trace[];
      try {
        traces = assemble([rec]);
      } catch (e) {
        expect(e, `record ${i}: ${JSON.stringify(rec).slice(0, 300)}`).toBeInstanceOf(RecordError);
        rejected++;
        continue;
      }
      kept++;
      for (const t of traces) {
        expect(typeof t.traceId).toBe('string');
        for (const n of [t.startTime, t.durationMs, t.costUsd, t.tokens.total]) expect(Number.isFinite(n)).toBe(true);
        for (const s of t.spans) {
          expect(typeof s.spanId).toBe('string');
          expect(typeof s.name).toBe('string');
          expect(KINDS.has(s.kind)).toBe(true);
          expect(['ok', 'error', 'unset']).toContain(s.status);
          expect(Number.isFinite(s.startTime) && Number.isFinite(s.durationMs) && s.durationMs >= 0).toBe(true);
          if (s.status === 'error') expect(typeof s.error?.message).toBe('string');
          if (s.tool !== null) expect(typeof s.tool.name).toBe('string');
          for (const m of s.messages ?? []) expect(typeof m.role === 'string' && typeof m.content === 'string').toBe(true);
        }
      }
    }
    // Both outcomes occur, so the loop really exercises both paths.
    expect(kept).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(100);
  });
});
