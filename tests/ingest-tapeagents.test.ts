// TapeAgents tapes (tests/fixtures/real/tapeagents-tapes): runs of
// ServiceNow's TapeAgents framework as its tests and examples keep them, one
// tape of typed steps per run (a WorkArena browser agent, a group chat of a
// software engineer, a code executor and a reviewer, nested delegating agents,
// a RAG agent, a GSM8K math agent with a calculator…).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/tapeagents-tapes/tapes/', import.meta.url));
const load = () => loadTraces([DIR], {});

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);

describe('TapeAgents tapes', () => {
  it('18 runs, one per tape, named by tape id and file, the run named for its author or root agent', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(18);
    expect(traces.every((t) => t.source.format === 'tapeagents' && t.traceId.startsWith('tapeagents:'))).toBe(true);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(18);
    expect(byTask(traces, 'data_science__final_tape').traceId).toBe('tapeagents:84305367-319b-467c-a775-c033c3019532');
    const agents = traces.map((t) => t.agentName).sort();
    expect(new Set(agents)).toEqual(new Set(['WorkArenaAgent', 'Agent', 'MathAgent', 'Linguist', 'CodeImprover', 'Initiator', 'llamachatbot', 'UserProxy']));
    // The author is empty on the bad tape: its first agent path is UserProxy/GroupChatManager.
    expect(byTask(traces, 'examples__tape_improver__res__bad_tape').agentName).toBe('UserProxy');
    // Only the GSM8K tapes carry a verdict (`result.solved`), and all four are solved.
    expect(traces.filter((t) => t.outcome?.success === true).map((t) => t.taskId).sort()).toEqual([0, 1, 2, 3].map((i) => `gsm8k_tuning__tapes__task${i}_attempt1`));
    expect(traces.filter((t) => t.outcome !== null && t.outcome !== undefined && t.outcome.success !== true)).toHaveLength(0);
  });

  it('a group chat: each member is the agent of its replies and calls; delegations are listed on the run', async () => {
    const { traces } = await load();
    const t = byTask(traces, 'data_science__final_tape');
    expect(ofKind(t, 'llm').map((s) => s.agentName)).toEqual([
      'SoftwareEngineer', 'CodeExecutor', 'CodeExecutor', 'AssetReviewer', 'SoftwareEngineer', 'CodeExecutor', 'CodeExecutor', 'AssetReviewer',
    ]);
    const tools = ofKind(t, 'tool');
    expect(tools.map((s) => [s.tool!.name, s.agentName, s.status])).toEqual([
      ['execute_code', 'CodeExecutor', 'ok'],
      ['execute_code', 'CodeExecutor', 'ok'],
    ]);
    expect(tools[0]!.attributes['exit_code']).toBe(0);
    const r = root(t);
    expect(r.input).toBe('Make a plot comparing the stocks of Google and Meta since beginning of 2024.');
    expect(r.output).toBe('TERMINATE');
    expect((r.attributes['tapeagents.calls'] as string[]).slice(0, 3)).toEqual(['Initiator → Manager', 'Initiator/Manager → SoftwareEngineer', 'Initiator/Manager → CodeExecutor']);
    expect(r.attributes['tapeagents.control_steps']).toBe(19);
    // Code that exited nonzero is a failed call, as the executor reported it.
    const bad = byTask(traces, 'examples__tape_improver__res__bad_tape');
    const failed = ofKind(bad, 'tool').filter((s) => s.status === 'error');
    expect(failed).toHaveLength(2);
    expect(failed[0]!.error).toEqual({ type: 'exit_code', message: 'exit code 1' });
    expect(String(failed[0]!.tool!.result)).toContain('Traceback (most recent call last)');
  });

  it('a browser agent: each action is a call answered by the next page, failed when the page carries the browser error', async () => {
    const { traces } = await load();
    const t = byTask(traces, 'workarena__guided__tapes__task26_seed1337_workarena.servicenow.order-ipad-pro');
    const tools = ofKind(t, 'tool');
    expect(tools.map((s) => s.tool!.name)).toEqual(['input_text', 'select_option', 'press', 'click', 'click', 'click', 'select_option', 'click']);
    expect(tools[0]!.tool!.arguments).toEqual({ bid: 'a85', text: 'iPad pro' });
    expect(String(tools[0]!.tool!.result)).toMatch(/^RootWebArea Catalog \| ServiceNow/);
    expect(tools.map((s) => s.status)).toEqual(['ok', 'error', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(tools[1]!.error).toEqual({ type: 'browser', message: 'Error: Error: Element is not a <select> element' });
    // The task and the first page are the user's; the final answer is the agent's last words, not a call.
    expect(root(t).input).toMatch(/^RootWebArea Catalog/);
    expect(root(t).output).toMatch(/^The order for 6 'iPad pro' devices has been successfully placed/);
    // 20 failed calls in all: 18 browser errors in three WorkArena runs, 2 failed code runs.
    const all = traces.flatMap((x) => ofKind(x, 'tool').filter((s) => s.status === 'error'));
    expect(all).toHaveLength(20);
    expect(all.filter((s) => s.error!.type === 'browser')).toHaveLength(18);
    expect(new Set(all.map((s) => s.traceId)).size).toBe(4);
  });

  it('OpenAI-style tool calls join their tool messages; a call with no answer stays unanswered', async () => {
    const { traces } = await load();
    const t = byTask(traces, 'intro_notebook__failed_tape');
    const tools = ofKind(t, 'tool');
    expect(tools.map((s) => [s.tool!.name, s.status])).toEqual([
      ['get_stock_ticker', 'ok'],
      ['get_stock_data', 'ok'],
      ['get_stock_data', 'unset'],
    ]);
    expect(tools[0]!.tool!.arguments).toEqual({ company_name: 'Vulcan Materials' });
    expect(tools[0]!.tool!.result).toBe('VMC');
    const math = byTask(traces, 'gsm8k_tuning__tapes__task1_attempt1');
    expect(ofKind(math, 'tool').map((s) => [s.tool!.name, s.tool!.arguments, s.tool!.result])[0]).toEqual(['use_calculator', { expression: '12 * 2' }, '24.0']);
    expect(root(math).output).toBe('Julie should read 42 pages tomorrow.');
  });
});
