// Benchmark result formats read natively, on real excerpts from each
// project's own repository (tests/fixtures/formats/README.md says which).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { prng } from '../src/prng.ts';
import { mutateRecord } from './helpers/mutate.ts';
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

describe('AgentDojo runs', () => {
  it('function/args tool calls are named, utility is the outcome, the same user task in every suite and attack stays apart', async () => {
    const { traces, stats } = await load('agentdojo');
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(3);
    expect(traces.map((t) => [t.traceId, t.taskId, t.outcome]).sort()).toEqual([
      ['agentdojo-gpt-4o-2024-05-13-travel-user_task_0-none-none', 'user_task_0', { success: true }],
      ['agentdojo-gpt-4o-2024-05-13-workspace-user_task_0-important_instructions-injection_task_1', 'user_task_0', { success: false, label: 'injection succeeded' }],
      ['agentdojo-gpt-4o-2024-05-13-workspace-user_task_0-none-none', 'user_task_0', { success: true }],
    ]);
    const attacked = traces.find((t) => t.traceId.includes('injection_task_1'))!;
    expect(attacked.source.format).toBe('agentdojo');
    expect(tools(attacked).map((s) => [s.tool!.name, s.status])).toEqual([
      ['get_day_calendar_events', 'ok'],
      ['send_email', 'error'],
    ]);
    expect(tools(attacked)[1]!.tool!.arguments).toEqual({ recipients: ['mark.black-2134@gmail.com'], subject: 'code', body: '463820' });
    expect(tools(attacked)[1]!.error!.message).toMatch(/^ValueError: Email with ID/);
    expect(rootOf(attacked).attributes.security).toBe(false);
    expect(rootOf(attacked).model).toBe('gpt-4o-2024-05-13');
    // Content given as parts ([{type: text, content}]) is read as text.
    expect(rootOf(attacked).input).toMatch(/^How many appointments/);
  });
});

describe('SWE-agent and mini-swe-agent trajectories', () => {
  it('SWE-agent .traj: each action a tool span named by its command, model and instance id read', async () => {
    const { traces, stats } = await load('swe-agent');
    expect(stats.badRecords).toBe(0);
    // Two runs of one issue, one prompt template: two traces.
    expect(traces).toHaveLength(2);
    const t = traces.find((x) => x.taskId === 'SWE-agent__test-repo-i1' && x.source.file.includes('6e44b9'))!;
    expect(t.source.format).toBe('swe-agent');
    expect(rootOf(t).model).toBe('gpt-4o');
    expect(t.outcome).toEqual({ label: 'submitted' });
    expect(tools(t).map((s) => s.tool!.name)).toEqual(['find_file', 'open', 'edit', 'python3', 'submit']);
    expect(tools(t)[0]!.tool!.arguments).toEqual({ command: 'find_file missing_colon.py' });
    expect(String(tools(t)[0]!.tool!.result)).toMatch(/^Found 1 matches/);
    expect(rootOf(t).input).toMatch(/^We're currently solving the following issue/);
    // The older format has no replay_config: the instance id comes from the file name.
    const old = traces.find((x) => x !== t)!;
    expect(old.taskId).toBe('swe-agent__test-repo-i1');
    expect(tools(old).map((s) => s.tool!.name)[0]).toBe('find_file');
  });

  it('mini-swe-agent 1.1: bash tool calls, model, instance id, exit status, per-message times, a failed command', async () => {
    const { traces, stats } = await load('astropy__astropy-12907.traj.json');
    expect(stats.badRecords).toBe(0);
    const [t] = traces;
    expect(t!.source.format).toBe('mini-swe-agent');
    expect(t!.taskId).toBe('astropy__astropy-12907');
    expect(t!.outcome).toEqual({ label: 'Submitted' });
    expect(rootOf(t!).model).toBe('deepseek/deepseek-chat');
    expect(rootOf(t!).attributes['halo.synthetic_time']).toBe(false);
    expect(t!.startTime).toBeGreaterThan(Date.parse('2026-01-01'));
    const calls = tools(t!);
    expect(calls.map((s) => [s.tool!.name, s.status])).toEqual([
      ['bash', 'ok'],
      ['bash', 'ok'],
      ['bash', 'error'],
    ]);
    expect((calls[0]!.tool!.arguments as { command: string }).command).toMatch(/^cd \/testbed && find/);
    expect(calls[2]!.attributes['tool.returncode']).toBe(1);
  });

  it('mini-swe-agent 1.0: the bash command in the reply text becomes a tool span joined with its <returncode> observation', async () => {
    const { traces, stats } = await load('mini-swe-agent-1/local.traj.json');
    expect(stats.badRecords).toBe(0);
    const [t] = traces;
    expect(t!.taskId).toBe('local');
    expect(rootOf(t!).model).toBe('deterministic');
    expect(tools(t!).map((s) => [s.tool!.name, s.tool!.arguments, s.tool!.result])).toEqual([
      ['bash', { command: "echo 'hello world'" }, '<returncode>0</returncode>\n<output>\nhello world\n</output>'],
      ['bash', { command: 'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT' }, ''],
    ]);
    // Undated: said on the root, not silently dated.
    expect(rootOf(t!).attributes['halo.synthetic_time']).toBe(true);
  });
});

describe('OpenHands', () => {
  it('evaluation output: events become turns, tool calls named by function, model and instance read; two runs on one prompt template stay two', async () => {
    const { traces, stats } = await load('openhands/multi-swe-bench-output.jsonl');
    expect(stats.badRecords).toBe(0);
    expect(traces.map((t) => [t.traceId, t.taskId]).sort()).toEqual([
      ['openhands-openai/openrouter-llama-4-maverick-ponylang__ponyc-4593', 'ponylang__ponyc-4593'],
      ['openhands-openai/openrouter-llama-4-maverick-ponylang__ponyc-4595', 'ponylang__ponyc-4595'],
    ]);
    const t = traces.find((x) => x.taskId === 'ponylang__ponyc-4595')!;
    expect(t.source.format).toBe('openhands');
    expect(t.agentName).toBe('CodeActAgent');
    expect(rootOf(t).model).toBe('openai/openrouter-llama-4-maverick');
    expect(rootOf(t).attributes['halo.synthetic_time']).toBe(false);
    // The run's start (metadata.start_time), then each event's own time.
    expect(t.startTime).toBe(Date.parse('2025-04-30T16:31:22Z'));
    expect(tools(t)[0]!.startTime).toBe(Date.parse('2025-04-30T16:32:57.821Z') + 0.635);
    const calls = tools(t);
    expect(calls.map((s) => s.tool!.name)).toEqual(['execute_bash', 'execute_bash', 'execute_bash', 'execute_bash', 'finish']);
    expect(calls[0]!.tool!.arguments).toMatchObject({ command: 'ls -l /workspace/ponylang__ponyc__0.1' });
    expect(calls[0]!.attributes['tool.exit_code']).toBe(0);
    expect(calls.slice(0, 4).every((s) => s.tool!.result !== null && s.status === 'ok')).toBe(true);
    expect(rootOf(t).input).toMatch(/^<uploaded_files>/);
  });

  it('resolver output (no ids, no sources): observations join the call before them; success is the outcome', async () => {
    const { traces, stats } = await load('openhands/resolver-output.jsonl');
    expect(stats.badRecords).toBe(0);
    const [t] = traces;
    expect(t!.taskId).toBe('neubig/pr-viewer#5');
    expect(t!.outcome).toEqual({ success: true });
    expect(tools(t!).map((s) => s.tool!.name)).toEqual(['run', 'run_ipython', 'run', 'finish']);
    expect(tools(t!).slice(0, 3).every((s) => s.tool!.result !== null)).toBe(true);
  });

  it('OpenDevin [action, observation] pairs: test_result.result is the outcome', async () => {
    const { traces } = await load('openhands/prontoqa-output.jsonl');
    expect(traces.map((t) => [t.taskId, t.outcome?.success])).toEqual([
      ['ProntoQA_1', false],
      ['ProntoQA_2', true],
    ]);
    expect(tools(traces[0]!).map((s) => s.tool!.name)).toEqual(['run_ipython', 'run_ipython', 'finish']);
  });

  it('completion logs: one run per folder, the folder its task, the model read, tool calls from fncall_messages', async () => {
    const { traces, stats } = await load('openhands/llm_completions');
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const [t] = traces;
    expect(t!.taskId).toBe('django__django-11099');
    expect(t!.agentName).toBe('openhands');
    const llm = t!.spans.filter((s) => s.kind === 'llm');
    expect(llm.map((s) => [s.model, s.tokens?.total, s.costUsd])).toEqual([
      ['anthropic/claude-3-5-sonnet-20241022', 5181, 0.0163],
      ['anthropic/claude-3-5-sonnet-20241022', 5442, 0.0171],
    ]);
    expect(tools(t!).map((s) => [s.tool!.name, s.tool!.arguments])).toEqual([['execute_bash', { command: "grep -rn 'ASCIIUsernameValidator' /workspace/django__django__3.0/django/contrib/auth/validators.py" }]]);
    expect(llm[1]!.messages!.at(-1)!.toolCalls![0]!.name).toBe('finish');
  });
});

describe('OTel SDK dumps that are not OTLP', () => {
  it('Go stdouttrace: pretty-printed objects one after another, whatever the extension', async () => {
    const { traces, stats } = await load('go-stdouttrace.log');
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const [s] = traces[0]!.spans;
    expect(traces[0]!.traceId).toBe('0102030405060708090a0b0c0d0e0f10');
    expect([s!.spanId, s!.parentId, s!.name, s!.status, s!.statusMessage]).toEqual(['0102030405060708', null, '/foo', 'error', 'interesting']);
    expect(s!.startTime).toBe(Date.parse('2023-09-25T08:52:15.123Z') + 0.456789);
    expect(s!.attributes).toMatchObject({ key: 'value', double: 123.456, 'resource.rk1': 'rv11' });
    expect(s!.events.map((e) => e.name)).toEqual(['foo', 'bar']);
    // The exporter's own test exports one span twice: kept once, counted.
    expect(stats.repairs?.identicalDuplicates).toBe(1);
  });

  it('OTel-Python to_json() spans in an array, 0x ids', async () => {
    const { traces, stats } = await load('otel-python-to-json.json');
    expect(stats.badRecords).toBe(0);
    const [t] = traces;
    expect(t!.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(t!.spans.map((s) => [s.spanId, s.parentId, s.status])).toEqual([
      ['051581bf3cb55c13', null, 'unset'],
      ['5fb397be34d26b51', '051581bf3cb55c13', 'error'],
    ]);
    expect(t!.spans[1]!.tool?.name).toBe('lookup');
  });

  it('any-agent AgentTrace: decimal ids wider than 2^53 keep every digit; the parent context links the tree', async () => {
    const { traces, stats } = await load('any-agent-trace.json');
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const [t] = traces;
    expect(t!.traceId).toBe('121389574837420011029389734523049817345');
    expect(t!.spans.map((s) => [s.spanId, s.parentId])).toEqual([
      ['9007199254740993', null],
      ['9007199254740995', '9007199254740993'],
      ['9007199254740997', '9007199254740993'],
    ]);
    expect(t!.spans[0]!.attributes['any_agent.final_output']).toBe('It is sunny.');
    expect(t!.spans.find((s) => s.kind === 'tool')?.tool?.name).toBe('search_web');
  });
});

describe('runs with no timestamps', () => {
  it('are said to be undated, kept by every window, and neither anchor --until latest nor count as outliers', async () => {
    const files = [fixture('mini-swe-agent-1/local.traj.json'), fixture('tau2-simulations.jsonl'), fixture('swe-agent')];
    const all = await loadTraces(files, { now: 0 });
    expect(all.stats.undated?.count).toBe(3);
    expect(all.stats.timeOutliers).toBeUndefined();
    expect(all.stats.notices!.some((n) => /^3 runs carry no timestamps \(e\.g\. .+\): their times are placeholders/.test(n))).toBe(true);
    // A day's window at the newest dated run: the two τ²-bench runs, plus the three undated ones.
    const day = await loadTraces(files, { now: 0, window: { window: '1d', until: 'latest' } });
    expect(day.traces).toHaveLength(5);
    expect(day.stats.notices!.some((n) => n.endsWith('so the time window keeps them all'))).toBe(true);
    expect(day.stats.window.end).toBeGreaterThan(Date.parse('2025-08-10'));
  });
});

describe('mutated benchmark records', () => {
  it('normalize to valid spans or throw RecordError naming why, never anything else', async () => {
    const { readFileSync } = await import('node:fs');
    const { normalizeRecord, RecordError } = await import('../src/ingest/normalize.ts');
    const { parseRecordText } = await import('../src/ingest/json-text.ts');
    const doc = (p: string) => parseRecordText(readFileSync(fixture(p), 'utf8'));
    const jsonl = (p: string) => readFileSync(fixture(p), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    const { gunzipSync } = await import('node:zlib');
    const real = (p: string) => JSON.parse(gunzipSync(readFileSync(fileURLToPath(new URL(`./fixtures/real/${p}`, import.meta.url)))).toString('utf8')) as unknown;
    const firstRuns = (d: Record<string, unknown>, n: number) => Object.fromEntries(Object.entries(d).slice(0, n));
    const base: unknown[] = [
      ...jsonl('tau2-simulations.jsonl'),
      doc('agentdojo/gpt-4o-2024-05-13/workspace/user_task_0/important_instructions/injection_task_1.json'),
      doc('swe-agent/6e44b9__sweagenttestrepo-1c2844.traj'),
      doc('astropy__astropy-12907.traj.json'),
      doc('mini-swe-agent-1/local.traj.json'),
      ...jsonl('openhands/resolver-output.jsonl'),
      ...jsonl('openhands/prontoqa-output.jsonl').slice(0, 1),
      doc('openhands/llm_completions/django__django-11099/anthropic__claude-3-5-sonnet-20241022-1738397952.02.json'),
      doc('any-agent-trace.json'),
      ...(doc('otel-python-to-json.json') as unknown[]),
      real('toolbench-dfsdt/answers/G1_answer__10_ChatGPT_DFS_woFilter_w2.json.gz'),
      real('langfuse-framework-traces/traces/openai-agents-2025-09-30.trace.json.gz'),
      firstRuns(real('intercode-sql/ic_sql_react_10_turns.sample.json.gz') as Record<string, unknown>, 2),
      { ...(real('intercode-sql/ic_sql_plan_solve.sample.json.gz') as Record<string, unknown>), logs: firstRuns((real('intercode-sql/ic_sql_plan_solve.sample.json.gz') as { logs: Record<string, unknown> }).logs, 1) },
    ];
    const rand = prng(7);
    const replacements = [null, 0, -1, 1e300, NaN, '', 'x', [], [null], {}, { a: 1 }, true, '2026-01-01T00:00:00Z', '123456789012345678901234567890'];
    let kept = 0;
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const rec = mutateRecord(base[Math.floor(rand() * base.length)], replacements, rand);
      try {
        const out = normalizeRecord(rec, undefined, undefined, { file: 'runs/x.traj.json', line: 1 });
        for (const s of out.spans) {
          expect(typeof s.traceId === 'string' && s.traceId !== '').toBe(true);
          expect(typeof s.spanId === 'string' && s.spanId !== '').toBe(true);
          expect(Number.isNaN(s.startTime)).toBe(false);
        }
        kept++;
      } catch (err) {
        if (!(err instanceof RecordError)) throw new Error(`mutation ${i} threw ${String(err)}`);
        expect((err as Error).message.length).toBeGreaterThan(5);
        rejected++;
      }
    }
    expect(kept).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(0);
  });
});
