// Benchmark result formats read natively, on real excerpts from each
// project's own repository (tests/fixtures/formats/README.md says which).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/formats/${p}`, import.meta.url));

async function load(...files: string[]) {
  return loadTraces(files.map(fixture), { now: 0 });
}

const rootOf = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');

describe('τ²-bench results', () => {
  it('a results document: each simulation a run, reward the outcome, tools named, the user simulator is the user', async () => {
    const { traces, stats } = await load('tau2-results.json');
    expect(stats.badRecords).toBe(0);
    expect(stats.files[0]!.formats).toEqual({ 'tau2-bench': 1 });
    expect(traces.map((t) => [t.traceId, t.taskId, t.trial, t.outcome])).toEqual([
      ['ed931b77-75ae-4289-8aab-9ee521d35703', '[mobile_data_issue]user_abroad_roaming_enabled_off[PERSONA:None]', 0, { success: false, reward: 0 }],
      ['4d7da5de-0d75-4742-b937-2f056d34689a', '[mobile_data_issue]data_mode_off[PERSONA:None]', 0, { success: true, reward: 1 }],
    ]);
    const [t] = traces;
    expect(t!.agentName).toBe('llm_agent');
    expect(t!.source.format).toBe('tau2-bench');
    // Real times: the simulation's start and each message's timestamp.
    expect(t!.startTime).toBe(Date.parse('2025-08-10T02:44:06.547Z') + 0.392);
    expect(rootOf(t!).attributes['halo.synthetic_time']).toBe(false);
    const llm = t!.spans.filter((s) => s.kind === 'llm');
    expect(llm.every((s) => s.model === 'gpt-4o')).toBe(true);
    expect(llm[1]!.tokens).toEqual({ input: 6281, output: 31, total: 6312 });
    // No span named just "tool": every call keeps its name and is joined with its result by id.
    expect(tools(t!).map((s) => [s.tool!.name, s.attributes['tool.requestor'] ?? 'assistant', s.status])).toEqual([
      ['get_customer_by_phone', 'assistant', 'ok'],
      ['get_details_by_id', 'assistant', 'ok'],
      ['get_details_by_id', 'assistant', 'ok'],
      ['check_status_bar', 'user', 'ok'],
      ['check_network_mode_preference', 'user', 'ok'],
    ]);
    expect(tools(t!)[0]!.tool!.arguments).toEqual({ phone_number: '555-123-2002' });
    expect(String(tools(t!)[0]!.tool!.result)).toContain('"customer_id": "C1001"');
    // The user simulator's turns stay the user's: the root input is the first user message.
    expect(rootOf(t!).input).toMatch(/^Hi, I'm having trouble with my mobile data/);
    // Action checks and the reward breakdown are kept as data.
    const attrs = rootOf(t!).attributes;
    expect(attrs['reward_info.action_checks']).toEqual([expect.objectContaining({ action_match: false, action: expect.objectContaining({ name: 'toggle_roaming', requestor: 'user' }) })]);
    expect(attrs['reward_info.db_check.db_match']).toBe(false);
    expect(attrs['tau2.domain']).toBe('telecom');
    expect(attrs.termination_reason).toBe('user_stop');
  });

  it('one simulation per line: the same reading', async () => {
    const { traces, stats } = await load('tau2-simulations.jsonl');
    expect(stats.badRecords).toBe(0);
    expect(traces.map((t) => [t.traceId, t.outcome?.success])).toEqual([
      ['42d46cdf-fe16-41da-88ef-1db433d6ef9c', true],
      ['87c7b77d-619f-426c-8787-48dfa82d8326', false],
    ]);
    expect(tools(traces[0]!).map((s) => s.tool!.name)).not.toContain('tool');
  });
});
