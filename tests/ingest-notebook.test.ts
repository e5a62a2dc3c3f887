// ReAct runs printed by the ReAct paper's notebooks (tests/fixtures/real/
// react-fever and react-webshop: ysymyth/ReAct's FEVER.ipynb and
// WebShop.ipynb, 500 runs each, as committed): one run per printed episode, its
// actions as tool calls answered by the observations, the outcome as the
// notebook's environment scored it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Trace } from '../src/types.ts';

const real = (p: string) => fileURLToPath(new URL(`./fixtures/real/${p}`, import.meta.url));
const steps = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId, 'en', { numeric: true }));
const shape = (t: Trace) => steps(t).map((x) => (x.kind === 'tool' ? `${x.name}:${x.status}` : 'llm'));
const root = (t: Trace) => t.spans.find((s) => s.spanId === t.rootSpanId)!;

describe('ReAct notebook: FEVER', async () => {
  const { traces, stats } = await loadTraces([real('react-fever')]);

  it('500 claims, each scored as the environment printed it (em 1 = success), the model the notebook code calls', () => {
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(500);
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(500);
    expect(traces.every((t) => t.source.format === 'notebook' && t.agentName === 'ReAct')).toBe(true);
    // The notebook's last line: "270 500 0.54 …".
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(270);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(230);
    expect(traces.every((t) => t.spans.filter((s) => s.kind === 'llm').every((s) => s.model === 'text-davinci-002'))).toBe(true);
  });

  it('a thought is a model turn, its action a tool call, the info dict kept on the run', () => {
    const t = traces.find((x) => x.taskId === '5388')!;
    expect(t.outcome).toEqual({ success: false, reward: 0 });
    expect(root(t).input).toBe('Claim: Victoria Palace Theatre is barely in the West End.');
    expect(shape(t)).toEqual(['llm', 'Search:ok', 'llm', 'Finish:ok']);
    const s = steps(t);
    expect(s[0]!.output).toBe('I should search for the Victoria Palace Theatre and see if it is in the West End.');
    expect(s[1]!.tool!.arguments).toEqual({ entity: 'Victoria Palace Theatre' });
    expect(String(s[1]!.tool!.result)).toMatch(/^Pages for logged out editors learn more\. The Victoria Palace Theatre is a West End theatre/);
    expect(s[3]!.tool).toMatchObject({ name: 'Finish', arguments: { answer: 'SUPPORTS' }, result: 'Episode finished, reward = 0' });
    expect(root(t).attributes).toMatchObject({ 'react.answer': 'SUPPORTS', 'react.gt_answer': 'REFUTES', 'react.em': 0, 'react.steps': 2 });
  });

  it('an action the environment rejects fails; a reply with no action is a model call of its own before the one that gave it', () => {
    // Finish written after two blank lines: the wiki environment answers "Invalid action" five times over.
    const rejected = traces.find((x) => x.taskId === '3522')!;
    expect(shape(rejected)).toEqual(['llm', 'Search:ok', 'llm', 'Lookup:ok', ...Array(5).fill(['llm', 'Finish:error']).flat()]);
    const finish = steps(rejected)[5]!;
    expect(finish.error!.message).toBe('Invalid action: Finish[NOT ENOUGH INFO]');
    expect(finish.input).toBe('\n\nFinish[NOT ENOUGH INFO]');
    expect(root(rejected).attributes['react.steps']).toBe(8);

    const unsplit = traces.find((x) => x.taskId === '3991')!;
    expect(shape(unsplit)).toEqual(['llm', 'Search:ok', 'llm', 'llm', 'Finish:ok']);
    const [, , reply, again] = steps(unsplit);
    expect(reply!.attributes['react.unparsed_reply']).toBe(true);
    expect(reply!.output).toMatch(/^The first sentence says "The Meteora .* So it is not an album by Linkin Park\.\nAction 2$/s);
    expect(again!.output).toBe('');
  });
});

describe('ReAct notebook: WebShop', async () => {
  const { traces, stats } = await loadTraces([real('react-webshop')]);

  it('500 episodes, the reward as the harness counted it: the score, or 0 for an episode that ran out of steps', () => {
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(500);
    // The notebook's last line: "0.6379833333333331 0.358 0.0" (mean reward, success rate, failure rate).
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(179);
    const mean = traces.reduce((n, t) => n + t.outcome!.reward!, 0) / traces.length;
    expect(mean).toBeCloseTo(0.6379833333333331, 9);
    expect(traces.filter((t) => root(t).attributes['react.reward_from'] === 'running mean')).toHaveLength(40);
  });

  it('the instruction page is the user turn, think[…] the model text, search and click calls, Invalid action! a failure', () => {
    const t = traces.find((x) => x.taskId === 'fixed_2')!;
    expect(t.outcome).toEqual({ success: false, reward: 0.75 });
    expect(root(t).input).toMatch(/^Webshop \nInstruction:  \ni'm looking for hair treatments that are sulfate and paraben free/);
    expect(shape(t)).toEqual(['llm', 'search:ok', 'llm', 'llm', 'click:ok', 'llm', 'llm', 'click:ok', 'llm', 'click:ok']);
    const s = steps(t);
    expect(s[1]!.tool!.arguments).toEqual({ query: 'hair treatment sulfate paraben free high quality 60 capsules' });
    expect(s[2]!.output).toBe('B07MTPW3Z7 is sulfate-free, paraben-free, and under 50 dollars, so I will check this one first.');
    expect(s[9]!.tool).toMatchObject({ name: 'click', arguments: { target: 'Buy Now' }, result: 'Your score (min 0.0, max 1.0): 0.75' });

    const failed = traces.flatMap((x) => x.spans).filter((x) => x.status === 'error');
    expect(failed).toHaveLength(310);
    expect(failed.every((x) => x.kind === 'tool' && x.error!.message === 'Invalid action!')).toBe(true);
  });
});

describe('ReAct notebook: input that is not one', () => {
  it('a notebook that printed no ReAct run is a bad record that says what was expected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-nb-'));
    const file = join(dir, 'plain.ipynb');
    writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [{ cell_type: 'code', source: ['print(1)'], outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }] }] }, null, 1));
    const { traces, stats } = await loadTraces([file], { keepBad: 1 });
    expect(traces).toHaveLength(0);
    expect(stats.badRecords).toBe(1);
    expect(stats.badExamples[0]).toMatchObject({ file, reason: expect.stringMatching(/^Jupyter notebook: no agent run in its printed output/) });
  });

  it('a cell that is not what nbformat writes is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-nb-'));
    const file = join(dir, 'broken.ipynb');
    writeFileSync(file, JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code', source: 'x', outputs: [{ output_type: 'stream', text: 7 }] }] }, null, 1));
    const { stats } = await loadTraces([file], { keepBad: 1 });
    expect(stats.badExamples[0]).toMatchObject({ file, reason: 'Jupyter notebook: cells[0].outputs[0].text: not text or a list of text lines' });
  });
});

describe('Notebook: AutoGen 0.2 conversations', async () => {
  const dir = real('autogen-notebooks/notebooks');
  const { traces, stats } = await loadTraces([dir]);
  const cell = (nb: string, c: number) => traces.find((t) => t.traceId === `autogen-notebook:${join(dir, `${nb}.ipynb.gz`)}#cell-${c}`)!;
  const turnsOf = (t: Trace) => t.spans.filter((s) => s.parentId !== null).sort((a, b) => (a.attributes['halo.step'] as number) - (b.attributes['halo.step'] as number) || (a.kind === 'tool' ? 1 : 0) - (b.kind === 'tool' ? 1 : 0));

  it('one run per cell that printed a conversation: 145 from 69 notebooks, each message a turn of its sender', () => {
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(145);
    expect(traces.every((t) => t.source.format === 'notebook' && t.traceId.startsWith('autogen-notebook:'))).toBe(true);
    const t = cell('agentchat_groupchat_vis', 7);
    const turns = turnsOf(t);
    expect(turns.slice(0, 3).map((s) => s.agentName)).toEqual(['User_proxy', 'Coder', 'Critic']);
    expect(turns[0]!.output).toMatch(/^download data from https:\/\/raw\.githubusercontent\.com\/uwdata\/draco/);
    expect(turns[1]!.attributes['message.recipient']).toBe('chat_manager');
  });

  it('a suggested tool call is a tool span of the agent that suggested it, answered by the result printed later; an empty reply is a turn, the blank header before a result is not', () => {
    const t = cell('agentchat_function_call_currency_calculator', 13);
    const turns = turnsOf(t);
    expect(turns.map((s) => `${s.kind}:${s.agentName}`)).toEqual(['agent:user_proxy', 'agent:chatbot', 'tool:chatbot', 'agent:chatbot', 'agent:user_proxy', 'agent:chatbot']);
    const call = turns[2]!;
    expect(call.parentId).toBe(turns[1]!.spanId);
    expect(call.tool).toMatchObject({ name: 'currency_calculator', arguments: { base_amount: 123.45, base_currency: 'USD', quote_currency: 'EUR' }, result: '112.22727272727272 EUR' });
    expect(call.attributes['tool_call.id']).toBe('call_9ogJS4d40BT1rXfMn7YJb151');
    expect(turns[4]!.output).toBe('');
  });

  it('a tool that answers with an error fails; the same agent retries with another move', () => {
    const t = cell('agentchat_nested_chats_chess', 16);
    const moves = t.spans.filter((s) => s.kind === 'tool' && s.name === 'make_move').sort((a, b) => a.startTime - b.startTime);
    const failed = moves.findIndex((s) => s.status === 'error');
    expect(moves[failed]!.agentName).toBe('Player White');
    expect(moves[failed]!.tool!.arguments).toEqual({ move: 'e2e4' });
    expect(moves[failed]!.error!.message).toMatch(/^Error: illegal uci: 'e2e4' in /);
    expect(moves[failed + 1]).toMatchObject({ agentName: 'Player White', status: 'ok', tool: { arguments: { move: 'd2d4' } } });
  });

  it('an older function call is answered by the result that names its function; failed code runs fail', () => {
    const t = cell('agentchat_planning', 10);
    const ask = t.spans.find((s) => s.name === 'ask_planner')!;
    expect(ask.agentName).toBe('assistant');
    expect(String(ask.tool!.result)).toMatch(/^Here are the steps to fix the first issue \(Issue #1228/);
    const runs = traces.flatMap((x) => x.spans).filter((s) => s.tool?.name === 'code_execution');
    expect(runs.filter((s) => s.status === 'error').length).toBeGreaterThan(0);
    expect(runs.filter((s) => s.status === 'error').every((s) => /^exitcode: [1-9]/.test(String(s.output)))).toBe(true);
  });
});

describe('Notebook: AutoGen AgentChat console runs', async () => {
  const dir = real('autogen-agentchat-notebooks/notebooks');
  const { traces, stats } = await loadTraces([dir]);
  const cell = (nb: string, c: number) => traces.find((t) => t.traceId === `agentchat-notebook:${join(dir, `${nb}.ipynb.gz`)}#cell-${c}`)!;

  it('one run per cell the Console printed: 41 from 15 notebooks', () => {
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(41);
    expect(traces.every((t) => t.source.format === 'notebook' && t.traceId.startsWith('agentchat-notebook:'))).toBe(true);
  });

  it('a swarm: each handoff is a tool call of the agent that made it, answered by its execution result; the summary is not a message', () => {
    const t = cell('swarm', 9);
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.attributes['finish_reasons']).toEqual(['Handoff to user from flights_refunder detected.', "Text 'TERMINATE' mentioned"]);
    const handoff = t.spans.find((s) => s.kind === 'tool' && s.name === 'transfer_to_flights_refunder')!;
    expect(handoff).toMatchObject({ agentName: 'travel_agent', status: 'ok', tool: { arguments: {}, result: 'Transferred to flights_refunder, adopting the role of flights_refunder immediately.' } });
    expect(handoff.attributes['tool_call.id']).toBe('call_ZQ2rGjq4Z29pd0yP2sNcuyd2');
    const refund = t.spans.find((s) => s.kind === 'tool' && s.name === 'refund_flight')!;
    expect(refund).toMatchObject({ agentName: 'flights_refunder', tool: { arguments: { flight_id: '507811' }, result: 'Flight 507811 refunded' } });
    expect(t.spans.some((s) => s.name === 'Summary')).toBe(false);
    // The model call's printed usage stays on its turn.
    const asked = t.spans.find((s) => s.kind === 'agent' && s.agentName === 'flights_refunder' && String(s.output).startsWith('Could you please provide'))!;
    expect(asked.attributes).toMatchObject({ 'message.prompt_tokens': 191, 'message.completion_tokens': 20 });
  });

  it('typed headers: the message type is kept, Python-repr results with quotes and newlines read whole', () => {
    const t = cell('memory', 3);
    const types = t.spans.map((s) => s.attributes['message.type']).filter(Boolean);
    expect(types).toEqual(expect.arrayContaining(['TextMessage', 'MemoryQueryEvent', 'ToolCallRequestEvent', 'ToolCallSummaryMessage']));
    expect(t.spans.find((s) => s.kind === 'tool')!.tool).toMatchObject({ name: 'get_weather', arguments: { city: 'New York', units: 'metric' }, result: 'The weather in New York is 23 °C and Sunny.' });
  });

  it('an execution result marked is_error fails its call', async () => {
    const out = ['---------- TextMessage (user) ----------', 'Weather in Paris?', '---------- ToolCallRequestEvent (assistant) ----------', `[FunctionCall(id='call_1', arguments='{"city": "Paris"}', name='get_weather')]`, '---------- ToolCallExecutionEvent (assistant) ----------', `[FunctionExecutionResult(content="KeyError: 'Paris'", name='get_weather', call_id='call_1', is_error=True)]`, ''].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'halo-nb-')), 'team.ipynb');
    writeFileSync(file, JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code', source: [], outputs: [{ output_type: 'stream', name: 'stdout', text: out }] }] }, null, 1));
    const { traces: [t] } = await loadTraces([file]);
    expect(t!.spans.find((s) => s.kind === 'tool')).toMatchObject({ agentName: 'assistant', status: 'error', error: { message: "KeyError: 'Paris'" } });
  });
});
