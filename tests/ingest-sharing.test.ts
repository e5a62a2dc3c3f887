// Ingest shares repeated strings and repeated chat messages between spans to
// keep memory and GC work down. Sharing must never merge things that differ,
// and shared data must still serialize exactly like unshared data.
import { describe, expect, it } from 'vitest';
import { createIngestor } from '../src/ingest/ingestor.ts';
import type { Span } from '../src/types.ts';

const sv = (s: string) => ({ stringValue: s });

function llmSpan(spanId: string, messages: Record<string, string>[], extra: [string, string][] = []) {
  const attributes: { key: string; value: unknown }[] = [{ key: 'openinference.span.kind', value: sv('LLM') }];
  messages.forEach((m, i) => {
    for (const [field, v] of Object.entries(m)) attributes.push({ key: `llm.input_messages.${i}.message.${field}`, value: sv(v) });
  });
  for (const [k, v] of extra) attributes.push({ key: k, value: sv(v) });
  return { traceId: 'aa'.repeat(16), spanId, name: 'chat', startTimeUnixNano: `${1_700_000_000_000 + Number.parseInt(spanId, 16)}000000`, attributes };
}

function ingest(spans: unknown[]): Span[] {
  const line = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: sv('svc') }] }, scopeSpans: [{ spans }] }] });
  const ing = createIngestor({});
  ing.pushBatch({ file: 'a.jsonl', firstLine: 1, text: `${line}\n` });
  const { traces } = ing.finish({});
  expect(traces).toHaveLength(1);
  return traces[0]!.spans;
}

const system = { role: 'system', content: 'You are a careful agent.' };
const user = { role: 'user', content: 'Refund order 42.' };

describe('sharing repeated messages between spans', () => {
  it('equal messages in later spans are the same object, and serialize unchanged', () => {
    const spans = ingest([llmSpan('01', [system, user]), llmSpan('02', [system, user, { role: 'assistant', content: 'Done.' }])]);
    expect(spans).toHaveLength(2);
    const [a, b] = spans;
    expect(a!.messages![0]).toBe(b!.messages![0]);
    expect(a!.messages![1]).toBe(b!.messages![1]);
    expect(JSON.parse(JSON.stringify(b!.messages))).toEqual([system, user, { role: 'assistant', content: 'Done.' }]);
  });

  it('messages that differ in role, name or tool-call id stay separate', () => {
    const spans = ingest([
      llmSpan('01', [{ role: 'user', content: 'same text' }]),
      llmSpan('02', [{ role: 'assistant', content: 'same text' }]),
      llmSpan('03', [{ role: 'user', content: 'same text', name: 'bob' }]),
      llmSpan('04', [{ role: 'tool', content: 'same text', tool_call_id: 'call_1' }]),
      llmSpan('05', [{ role: 'tool', content: 'same text', tool_call_id: 'call_2' }]),
    ]);
    const firstFive = spans.map((s) => s.messages![0]);
    expect(firstFive.map((m) => [m!.role, m!.name ?? null, m!.toolCallId ?? null])).toEqual([
      ['user', null, null],
      ['assistant', null, null],
      ['user', 'bob', null],
      ['tool', null, 'call_1'],
      ['tool', null, 'call_2'],
    ]);
    expect(new Set(firstFive).size).toBe(5);
  });

  it('tool calls with the same id but different arguments stay separate', () => {
    const call = (args: string) => ({
      role: 'assistant',
      content: '',
      'tool_calls.0.tool_call.id': 'call_9',
      'tool_calls.0.tool_call.function.name': 'refund',
      'tool_calls.0.tool_call.function.arguments': args,
    });
    const spans = ingest([llmSpan('01', [call('{"order":1}')]), llmSpan('02', [call('{"order":2}')]), llmSpan('03', [call('{"order":1}')])]);
    const [a, b, c] = spans.map((s) => s.messages![0]!);
    expect(a!.toolCalls).toEqual([{ id: 'call_9', name: 'refund', arguments: { order: 1 } }]);
    expect(b!.toolCalls).toEqual([{ id: 'call_9', name: 'refund', arguments: { order: 2 } }]);
    expect(a).not.toBe(b);
    expect(c!.toolCalls![0]!.arguments).toEqual({ order: 1 });
  });

  it('GenAI JSON message history is shared too, and differing messages are not', () => {
    const genai = (spanId: string, msgs: unknown[]) => ({
      traceId: 'aa'.repeat(16),
      spanId,
      name: 'chat',
      startTimeUnixNano: `${1_700_000_000_000 + Number.parseInt(spanId, 16)}000000`,
      attributes: [
        { key: 'gen_ai.operation.name', value: sv('chat') },
        { key: 'gen_ai.input.messages', value: sv(JSON.stringify(msgs)) },
      ],
    });
    const hi = { role: 'user', parts: [{ type: 'text', content: 'hello there' }] };
    const spans = ingest([genai('01', [hi]), genai('02', [hi, { role: 'assistant', parts: [{ type: 'text', content: 'hello there' }] }])]);
    const [a, b] = spans.map((s) => s.messages!);
    expect(a![0]).toBe(b![0]);
    expect(b!.map((m) => [m.role, m.content])).toEqual([
      ['user', 'hello there'],
      ['assistant', 'hello there'],
    ]);
    expect(b![1]).not.toBe(b![0]);
  });

  it('attribute values are unchanged by sharing', () => {
    const long = 'x'.repeat(500);
    const spans = ingest([llmSpan('01', [system], [['llm.tools.0.tool.json_schema', long]]), llmSpan('02', [system], [['llm.tools.0.tool.json_schema', long]])]);
    expect(spans[0]!.attributes['llm.tools.0.tool.json_schema']).toBe(long);
    expect(spans[1]!.attributes['resource.service.name']).toBe('svc');
  });
});
