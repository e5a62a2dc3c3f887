// VCR.py cassettes of CrewAI runs (real OpenAI calls recorded by CrewAI's own
// tests, tests/fixtures/real/crewai-cassettes): each model call an llm span of
// the agent whose role prompt it carries, tool calls joined with their results,
// a delegated agent's work nested under the manager's delegating call.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const real = (f: string) => fileURLToPath(new URL(`./fixtures/real/crewai-cassettes/cassettes/${f}.gz`, import.meta.url));

async function one(file: string): Promise<Trace> {
  const { traces, stats } = await loadTraces([real(file)]);
  expect(stats.badRecords).toBe(0);
  expect(traces).toHaveLength(1);
  return traces[0]!;
}
const kids = (t: Trace, p: Span) => t.spans.filter((s) => s.parentId === p.spanId).sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));

describe('VCR cassette (CrewAI)', () => {
  it('a hierarchical crew: the manager owns its calls; each coworker works under the call that delegated to it', async () => {
    const t = await one('test_hierarchical_process.yaml');
    expect(t.source.format).toBe('vcr-cassette');
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    const [manager] = kids(t, root).filter((s) => s.kind === 'agent');
    expect(manager!.agentName).toBe('Crew Manager');
    const managerCalls = kids(t, manager!);
    expect(managerCalls.map((s) => `${s.kind}:${s.name}`)).toEqual([
      'llm:Crew Manager', 'tool:ask_question_to_coworker', 'tool:ask_question_to_coworker',
      'llm:Crew Manager', 'tool:delegate_work_to_coworker', 'llm:Crew Manager',
    ]);
    const [, ask1, ask2, , delegate] = managerCalls;
    // Two questions asked in one reply: each answer nests under the call that named its coworker.
    expect((ask1!.tool!.arguments as { coworker: string }).coworker).toBe('Researcher');
    expect(kids(t, ask1!).map((s) => s.agentName)).toEqual(['Researcher']);
    expect(kids(t, ask2!).map((s) => s.agentName)).toEqual(['Senior Writer']);
    const [writer] = kids(t, delegate!);
    const [writerCall] = kids(t, writer!);
    expect(writerCall!.kind).toBe('llm');
    expect(writerCall!.agentName).toBe('Senior Writer');
    // The delegated agent's answer is the delegating call's result.
    expect(delegate!.tool!.result).toBe(writerCall!.output);
    expect(delegate!.status).toBe('ok');
    // The tools the manager's model was offered stay on its call.
    const offered = ((managerCalls[0]!.input as { tools: { function: { name: string } }[] }).tools).map((x) => x.function.name);
    expect(offered).toEqual(['delegate_work_to_coworker', 'ask_question_to_coworker']);
    expect(managerCalls[0]!.model).toBe('gpt-4o-2024-08-06');
    expect(managerCalls[0]!.tokens!.total).toBe(715);
  });

  it("a tool's error result fails the tool span of the agent that called it", async () => {
    const t = await one('agents__test_native_tool_calling_error_handling.yaml');
    const failed = t.spans.filter((s) => s.status === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.kind).toBe('tool');
    expect(failed[0]!.name).toBe('failing_tool');
    expect(failed[0]!.agentName).toBe('Calculator');
    expect(failed[0]!.error!.message).toBe('Error executing tool: This tool always fails');
  });

  it("an HTTP error fails the model call with the provider's code and message", async () => {
    const t = await one('test_llm_call_with_error.yaml');
    const call = t.spans.find((s) => s.kind === 'llm')!;
    expect(call.status).toBe('error');
    expect(call.error).toEqual({ type: 'model_not_found', message: 'The model `non-existent-model` does not exist or you do not have access to it.' });
    expect(call.attributes['http.status_code']).toBe(404);
    expect(call.model).toBe('non-existent-model');
  });

  it('a streamed reply is put together from its chunks', async () => {
    const t = await one('test_crew_kickoff_streaming_usage_metrics.yaml');
    const calls = t.spans.filter((s) => s.kind === 'llm');
    expect(calls.map((s) => s.agentName)).toEqual(['dog Researcher', 'cat Researcher', 'apple Researcher']);
    expect(String(calls[0]!.output)).toMatch(/^Thought: I now can give a great answer\s+Final Answer: Dogs/);
    expect(calls[0]!.tokens!.total).toBe(202);
  });

  it('Pydantic AI cassettes (parsed bodies): a provider rejecting a tool call, then the retried call and the tool', async () => {
    const path = fileURLToPath(new URL('./fixtures/real/pydantic-ai-cassettes/cassettes/models__cassettes__test_groq__test_tool_use_failed_error.yaml.gz', import.meta.url));
    const { traces, stats } = await loadTraces([path]);
    expect(stats.badRecords).toBe(0);
    const spans = traces[0]!.spans.filter((s) => s.kind !== 'agent').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));
    expect(spans.map((s) => `${s.kind}:${s.status}`)).toEqual(['llm:error', 'llm:ok', 'tool:ok', 'llm:ok']);
    expect(spans[0]!.error!.type).toBe('tool_use_failed');
    expect(spans[0]!.attributes['http.status_code']).toBe(400);
    expect(spans[2]!.tool).toMatchObject({ name: 'get_something_by_name', arguments: { name: 'test' }, result: 'Something with name: test' });
  });

  it('LangGraph notebook cassettes: gzip-compressed replies kept as `!!binary` are decompressed into the call, its tool call and tokens', async () => {
    const path = fileURLToPath(new URL('./fixtures/real/langgraph-docs-cassettes/cassettes/create-react-agent-memory_9ffff6c3-a4f5-47c9-b51d-97caaee85cd6.yaml.gz', import.meta.url));
    const { traces, stats } = await loadTraces([path]);
    expect(stats.badRecords).toBe(0);
    const spans = traces[0]!.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));
    expect(spans.map((s) => `${s.kind}:${s.name}`)).toEqual(['llm:gpt-4o', 'tool:get_weather', 'llm:gpt-4o']);
    // The reply's model (only in the compressed body) says which snapshot answered.
    expect(spans[0]!.model).toBe('gpt-4o-2024-05-13');
    expect(spans[1]!.tool).toMatchObject({ name: 'get_weather', arguments: { city: 'nyc' } });
    expect(spans[0]!.tokens!.total).toBeGreaterThan(0);
  });

  it('OpenAI Agents SDK cassettes (Responses API): instructions and input items are the messages, a function call is closed by the next request\'s output item, a streamed reply is read from `response.completed`', async () => {
    const at = (f: string) => fileURLToPath(new URL(`./fixtures/real/openllmetry-agent-cassettes/cassettes/${f}.yaml.gz`, import.meta.url));
    const { traces, stats } = await loadTraces([at('openai-agents__test_openai_agents__test_tool_call_and_result_attributes'), at('openai-agents__test_recipe_agents_hierarchy__test_recipe_agents_hierarchy')]);
    expect(stats.badRecords).toBe(0);
    const ordered = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));
    const city = ordered(traces.find((t) => t.traceId.includes('tool_call_and_result'))!);
    expect(city.slice(0, 3).map((s) => `${s.kind}:${s.name}`)).toEqual(['llm:gpt-4o', 'tool:get_city_info', 'llm:gpt-4o']);
    expect(city[0]!.model).toBe('gpt-4o-2024-08-06');
    expect(city[0]!.messages![0]).toEqual({ role: 'system', content: 'You help users get information about cities using the get_city_info tool.' });
    expect(city[1]!.tool).toMatchObject({ name: 'get_city_info', arguments: { city_name: 'London' } });
    expect(city[1]!.status).toBe('ok');
    expect(String(city[1]!.tool!.result)).toMatch(/London/);
    const recipe = ordered(traces.find((t) => t.traceId.includes('recipe_agents_hierarchy'))!);
    expect(recipe[0]!.attributes['llm.api']).toBe('openai-responses');
    expect(recipe[1]!.name).toBe('transfer_to_recipe_editor_agent');
    expect(recipe[0]!.tokens!.total).toBeGreaterThan(0);
  });
});
