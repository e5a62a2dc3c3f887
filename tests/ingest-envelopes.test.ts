// Files as a new user has them: list envelopes from APIs, UTF-16 text, BOMs.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/formats/${p}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'halo-envelopes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const records = (p: string) =>
  readFileSync(fixture(p), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function loadText(name: string, text: string | Buffer) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return loadTraces([p], { now: 0 });
}

describe('{data: [...]} envelopes', () => {
  it('an Agents SDK ingest batch reads like the same records one per line', async () => {
    const plain = await loadTraces([fixture('openai-agents.jsonl')], { now: 0 });
    const batch = await loadText('batch.json', JSON.stringify({ data: records('openai-agents.jsonl') }));
    expect(batch.stats.badRecords).toBe(0);
    expect(batch.stats.files[0]!.formats).toEqual({ 'openai-agents': 1 });
    expect(batch.traces).toEqual(plain.traces.map((t) => ({ ...t, source: { ...t.source, file: join(dir, 'batch.json') } })));
  });

  it("a Langfuse public-API page ({data, meta}) of observations, and a page of traces that only name theirs", async () => {
    const observations = records('langfuse.jsonl').filter((r) => 'traceId' in r);
    const page = await loadText('observations.json', JSON.stringify({ data: observations, meta: { page: 1, limit: 50, totalItems: observations.length, totalPages: 1 } }));
    expect(page.stats.badRecords).toBe(0);
    expect(page.traces.length).toBeGreaterThan(0);
    const traces = await loadText('traces.json', JSON.stringify({ data: [{ id: 'lf-1', name: 'chat', sessionId: 's-1', observations: ['o-1', 'o-2'] }], meta: { page: 1 } }));
    expect(traces.stats.badRecords).toBe(0);
    expect(traces.traces).toEqual([]);
  });

  it('a bad element is named by its index', async () => {
    const r = await loadText('bad.json', JSON.stringify({ data: [records('openai-agents.jsonl')[1], { object: 'trace.span', trace_id: 't' }] }));
    expect(r.stats.badExamples[0]!.reason).toMatch(/^data\[1\]: Agents SDK span missing id/);
  });
});

describe('text encodings', () => {
  const text = readFileSync(fixture('tau2-simulations.jsonl'), 'utf8');
  const expected = async () => (await loadTraces([fixture('tau2-simulations.jsonl')], { now: 0 })).traces.map((t) => [t.traceId, t.spans.length, t.outcome]);

  for (const [name, bytes] of [
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16LE without a BOM', Buffer.from(text, 'utf16le')],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
  ] as const) {
    it(`${name} is decoded, not called binary`, async () => {
      const r = await loadText(`${name.replace(/\W+/g, '-')}.jsonl`, bytes);
      expect(r.stats.badRecords).toBe(0);
      expect(r.traces.map((t) => [t.traceId, t.spans.length, t.outcome])).toEqual(await expected());
      expect(r.stats.files[0]!.warnings?.[0]).toMatch(/^read as UTF-16(LE|BE) text/);
    });
  }

  it('a UTF-8 BOM before a JSON document is skipped', async () => {
    const r = await loadText('bom.json', '\ufeff' + readFileSync(fixture('any-agent-trace.json'), 'utf8'));
    expect(r.stats.badRecords).toBe(0);
    expect(r.traces).toHaveLength(1);
  });
});

describe('a JSON array of bare chat messages', () => {
  it('is one conversation, read as one run, and said so', async () => {
    const messages = [
      { role: 'system', content: 'You are a helpful assistant that can interact with a computer.' },
      { role: 'user', content: 'Please solve this issue: Blah blah blah' },
      { role: 'assistant', content: "Here be some dummy command:\n\n```mswea_bash_command\necho 'hello world'\n```" },
      { role: 'user', content: '<returncode>0</returncode>\n<output>\nhello world\n</output>' },
    ];
    const r = await loadText('history.json', JSON.stringify(messages, null, 2));
    expect(r.stats.badRecords).toBe(0);
    expect(r.traces).toHaveLength(1);
    expect(r.traces[0]!.spans.find((s) => s.spanId === r.traces[0]!.rootSpanId)!.messages).toHaveLength(4);
    expect(r.stats.files[0]!.warnings).toEqual(['its 4 elements are the chat messages of one conversation: read as one run']);
  });
});

describe("Langfuse's web-app trace download ({trace, observations}, JSON-encoded fields)", () => {
  const real = (f: string) => fileURLToPath(new URL(`./fixtures/real/langfuse-framework-traces/traces/${f}.trace.json.gz`, import.meta.url));

  it('reads the observations of the trace, decoding their input, output and metadata', async () => {
    const { traces, stats } = await loadTraces([real('openai-agents-2025-09-30')]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.traceId).toBe('fee618f96dc31e0ca38b2f7b26eb8b29');
    expect(t.source.format).toBe('langfuse');
    const byKind = (k: string) => t.spans.filter((s) => s.kind === k);
    expect(byKind('agent').map((s) => s.name).sort()).toEqual(['Agent workflow', 'Hello world']);
    const [tool] = byKind('tool');
    // The encoded input is the tool's arguments, the output its result.
    expect(tool!.tool).toEqual({ name: 'get_weather', arguments: { city: 'Tokyo' }, result: 'The weather in Tokyo is sunny.' });
    const calls = byKind('llm').sort((a, b) => a.startTime - b.startTime);
    expect(calls.map((s) => s.model)).toEqual(['gpt-4.1-2025-04-14', 'gpt-4.1-2025-04-14']);
    expect(calls[0]!.tokens).toMatchObject({ input: 55, output: 15, total: 70 });
    // The second call's decoded input is the conversation so far, the tool's call and output among it.
    expect(calls[1]!.messages!.some((m) => m.role === 'tool' && m.content === 'The weather in Tokyo is sunny.')).toBe(true);
  });

  it("an OpenTelemetry span's attributes kept in metadata name the agent of each observation", async () => {
    const { traces } = await loadTraces([real('pydantic-ai-tools-2025-12-04')]);
    const calls = traces[0]!.spans.filter((s) => s.kind === 'llm').sort((a, b) => a.startTime - b.startTime);
    expect(calls.map((s) => s.agentName)).toEqual(['joke_agent', 'joke_agent', 'joke_agent', 'evaluator_agent']);
    expect(calls[0]!.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('a generic SPAN whose OTel attributes name a tool is that tool call; one that declares another kind is not', async () => {
    const { traces } = await loadTraces([real('koog-2025-08-26'), real('beeai-2025-08-01')]);
    const koog = traces.find((t) => t.traceId === 'dff173a675b759ce1b70e522b27d6846')!;
    const tools = koog.spans.filter((s) => s.kind === 'tool').sort((a, b) => a.name.localeCompare(b.name));
    expect(tools.map((s) => s.tool)).toEqual([
      { name: 'ByeTool', arguments: { name: 'Bob' }, result: 'Bye my dear Bob!' },
      { name: 'HelloTool', arguments: { name: 'Bob' }, result: 'Hello my darling Bob!' },
    ]);
    // BeeAI's agent updates name the tool the agent chose (`tool.name`) but declare themselves AGENT spans.
    const beeai = traces.find((t) => t.traceId === '096fc09a30ab90d2431778f9ee2b3936')!;
    expect(beeai.spans.filter((s) => s.name.startsWith('agent.react.update')).every((s) => s.kind !== 'tool')).toBe(true);
  });
});
