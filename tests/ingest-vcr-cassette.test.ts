// VCR.py cassettes of CrewAI runs (real OpenAI calls recorded by CrewAI's own
// tests, tests/fixtures/real/crewai-cassettes): each model call an llm span of
// the agent whose role prompt it carries, tool calls joined with their results,
// a delegated agent's work nested under the manager's delegating call; and
// cassettes of other frameworks' runs (Pydantic AI, LangGraph, the OpenAI
// Agents SDK, Google ADK on Gemini, AutoGen AgentChat) from tests/fixtures/real.
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

  it("AutoGen AgentChat team: an agent's own earlier replies, signed with its name, name every call under its system prompt, the first one too", async () => {
    const file = fileURLToPath(new URL('./fixtures/real/agent-sdk-cassettes/openinference/cassettes/autogen-agentchat__test_instrumenting_team__TestTeam.test_team_run.yaml.gz', import.meta.url));
    const { traces, stats } = await loadTraces([file]);
    expect(stats.badRecords).toBe(0);
    const calls = traces[0]!.spans.filter((s) => s.kind === 'llm').sort((a, b) => a.startTime - b.startTime);
    expect(calls.map((s) => s.agentName)).toEqual(['primary', 'critic', 'primary', 'critic']);
    expect(calls[0]!.attributes['agent.name.source']).toBe('assistant-message-name');
  });

  it("OpenAI Agents SDK: the text the SDK sends in place of a tool that raised fails that tool", async () => {
    const file = fileURLToPath(new URL('./fixtures/real/agent-sdk-cassettes/logfire/cassettes/test_openai_agents__test_function_tool_exception.yaml.gz', import.meta.url));
    const { traces, stats } = await loadTraces([file]);
    expect(stats.badRecords).toBe(0);
    const tools = traces[0]!.spans.filter((s) => s.kind === 'tool');
    expect(tools).toHaveLength(1);
    expect(tools[0]!.status).toBe('error');
    expect(tools[0]!.error!.message).toBe("An error occurred while running the tool. Please try again. Error: Ouch, don't do that again!");
    // The model's next turn still reads as a success: it was told, and said so.
    const calls = traces[0]!.spans.filter((s) => s.kind === 'llm');
    expect(calls.every((s) => s.status === 'ok')).toBe(true);
  });

  describe('Gemini calls (Google ADK, tests/fixtures/real/agent-sdk-cassettes)', () => {
    const adk = (f: string) => fileURLToPath(new URL(`./fixtures/real/agent-sdk-cassettes/openinference/cassettes/google-adk__test_instrumentor__${f}.yaml.gz`, import.meta.url));
    const load = async (f: string) => {
      const { traces, stats } = await loadTraces([adk(f)]);
      expect(stats.badRecords).toBe(0);
      expect(traces).toHaveLength(1);
      return traces[0]!;
    };
    const ordered = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));

    it('contents and the system instruction are the messages; function calls without ids are closed by the function response that follows them, call by call', async () => {
      const t = await load('test_google_adk_instrumentor_multi_tool_call');
      const steps = ordered(t);
      expect(steps.map((s) => `${s.kind}:${s.name}`)).toEqual(['llm:_2a9930dc', 'tool:get_weather', 'llm:_2a9930dc', 'tool:get_weather', 'llm:_2a9930dc']);
      // The same tool twice: each call gets the result that answered it, not the first one.
      expect(steps[1]!.tool!.arguments).toEqual({ city: 'New York' });
      expect(String(steps[1]!.tool!.result)).toMatch(/weather in New York/);
      expect(steps[3]!.tool!.arguments).toEqual({ city: 'London' });
      expect(String(steps[3]!.tool!.result)).toMatch(/weather in London/);
      expect(steps.filter((s) => s.kind === 'tool').every((s) => s.status === 'ok' && s.attributes['tool_call.id'] === undefined)).toBe(true);
      expect(steps[0]!.model).toBe('gemini-2.5-flash');
      expect(steps[0]!.attributes['llm.api']).toBe('gemini');
      expect(steps[0]!.messages![0]!.role).toBe('system');
      expect(steps[0]!.messages![1]).toEqual({ role: 'user', content: 'What is the weather in New York and London?' });
      expect(steps[4]!.output).toMatch(/London is sunny/);
      // Thinking tokens are output: gemini-2.5 reports them apart from the candidates'.
      expect(steps[0]!.tokens!.total).toBeGreaterThan(0);
    });

    it('a streamed reply (`streamGenerateContent?alt=sse`) is put together from its `data:` chunks', async () => {
      const file = fileURLToPath(new URL('./fixtures/real/excerpts/gemini-stream-tool-use.yaml.gz', import.meta.url));
      const { traces, stats } = await loadTraces([file]);
      expect(stats.badRecords).toBe(0);
      const steps = ordered(traces[0]!);
      expect(steps.map((s) => `${s.kind}:${s.name}`)).toEqual(['llm:gemini-2.0-flash-001', 'tool:get_weather', 'llm:gemini-2.0-flash-001']);
      expect(steps[1]!.tool!.arguments).toEqual({ location: 'Paris, France' });
      expect(String(steps[1]!.tool!.result)).toMatch(/22 degrees celsius and sunny/);
      // The text arrives in pieces ("It", " is 22 …"): one reply.
      expect(steps[2]!.output).toMatch(/^It is 22 degrees celsius and sunny in Paris/);
      expect(steps[2]!.tokens!.total).toBeGreaterThan(0);
    });

    it("ADK's instruction names the agent; a transfer is closed by the result ADK quotes to the agent it handed over to", async () => {
      const t = await load('test_google_adk_instrumentor_multi_agent');
      const steps = ordered(t);
      expect(steps.map((s) => `${s.kind}:${s.name}:${s.agentName}`)).toEqual([
        'llm:root_agent:root_agent', 'tool:transfer_to_agent:root_agent',
        'llm:weather_agent:weather_agent', 'tool:get_weather:weather_agent', 'llm:weather_agent:weather_agent',
      ]);
      expect(steps[0]!.attributes['agent.name.source']).toBe('adk-instruction');
      const transfer = steps[1]!;
      expect(transfer.tool!.arguments).toEqual({ agent_name: 'weather_agent' });
      expect(transfer.tool!.result).toBe("{'result': None}");
      expect(transfer.status).toBe('ok');
      // A handoff, not a delegation: both agents hang from the run.
      const agents = t.spans.filter((s) => s.kind === 'agent' && s.parentId === t.rootSpanId).map((s) => s.agentName);
      expect(agents).toEqual(['root_agent', 'weather_agent']);
    });
  });

  it('a test recorded again into its cassette is one run per recording; a run\'s fresh requests that do not repeat its opening one stay in it', async () => {
    const dir = (d: string) => fileURLToPath(new URL(`./fixtures/real/${d}/cassettes`, import.meta.url));
    // OpenLLMetry's LangChain agent test, recorded 4 times into one cassette: each starts with the hub lookups, then the same [system, user] request.
    const { traces } = await loadTraces([dir('openllmetry-agent-cassettes') + '/langchain__test_agents__test_agents.yaml.gz']);
    expect(traces.map((t) => t.traceId.replace(/^.*\//, ''))).toEqual(['test_agents.yaml.gz', 'test_agents.yaml.gz#2', 'test_agents.yaml.gz#3', 'test_agents.yaml.gz#4'].map((x) => `langchain__test_agents__${x}`));
    for (const t of traces) {
      const ordered = t.spans.filter((s) => s.spanId !== t.rootSpanId).sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));
      expect(ordered.map((s) => (s.kind === 'other' ? s.name.replace(/ .*\//, ' …/') : `${s.kind}:${s.name}`))).toEqual(['GET …/info', 'GET …/latest', 'llm:gpt-3.5-turbo', 'tool:tavily_search_results_json', 'POST …/search', 'llm:gpt-3.5-turbo']);
      expect(t.startTime).toBeLessThan(t.endTime);
    }
    // Runs that send fresh requests (LangGraph graders, one per document) or recorded once are not split: one trace per cassette.
    for (const d of ['langgraph-docs-cassettes', 'crewai-cassettes', 'pydantic-ai-cassettes']) {
      const { traces: all, stats } = await loadTraces([dir(d)]);
      expect(all.filter((t) => /#\d+$/.test(t.traceId)), d).toEqual([]);
      expect(all.length, d).toBe(stats.files.length);
    }
  });
});
