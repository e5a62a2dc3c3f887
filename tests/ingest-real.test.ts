// The real, labelled runs in tests/fixtures/real load as they are: TRAIL
// SWE-bench span trees, Who&When CaptainAgent group chats, OpenHands
// completion logs with their SWE-bench verdicts.
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { buildOverview } from '../src/ingest/overview.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';

const REAL = fileURLToPath(new URL('./fixtures/real/', import.meta.url));
const TRAIL = join(REAL, 'trail-swe/traces');
const WHOWHEN = join(REAL, 'whowhen-captainagent/runs');

function spanIdsInFile(file: string): string[] {
  const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const ids: string[] = [];
  const walk = (s: { span_id: string; child_spans?: unknown[] }) => {
    ids.push(s.span_id);
    for (const c of s.child_spans ?? []) walk(c as typeof s);
  };
  for (const s of doc.spans) walk(s);
  return ids;
}

describe('TRAIL SWE-bench traces', () => {
  it('26 traces, 0 bad records, span ids exactly as annotations cite them', async () => {
    const result = await loadTraces([TRAIL]);
    expect(result.stats.badRecords).toBe(0);
    expect(result.traces).toHaveLength(26);
    const files = readdirSync(TRAIL).filter((f) => f.endsWith('.json.gz'));
    for (const f of files) {
      const t = result.traces.find((x) => x.traceId === f.replace('.json.gz', ''))!;
      expect(t, f).toBeDefined();
      // One export repeats a span verbatim (72822db6…: b14646a5fcac02fd twice); it is one span.
      expect(t.spans.map((s) => s.spanId).sort()).toEqual([...new Set(spanIdsInFile(join(TRAIL, f)))].sort());
    }
    // Annotations cite span ids that exist.
    const annotated = JSON.parse(readFileSync(join(REAL, 'trail-swe/annotations', readdirSync(join(REAL, 'trail-swe/annotations'))[0]!), 'utf8'));
    const t = result.traces.find((x) => x.traceId === annotated.trace_id);
    if (t) for (const e of annotated.errors) expect(t.spans.some((s) => s.spanId === e.location)).toBe(true);
  });

  it('names the agent and shows final_answer with its named argument', async () => {
    const result = await loadTraces([TRAIL]);
    const o = buildOverview(result);
    expect(o.agents[0]).toMatchObject({ name: 'CodeAgent', traces: 25 });
    // 25 of 26: one export lacks its root and agent spans (a partial trace).
    const final = o.tools.find((x) => x.name === 'final_answer')!;
    expect(final.arguments).toEqual(['answer']);
    expect(final.positional).toBe(false);
    for (const t of result.traces) {
      for (const s of t.spans) if (s.tool?.name === 'final_answer') expect(Object.keys(s.tool.arguments as object)).toEqual(['answer']);
    }
  });
});

describe('Who&When CaptainAgent runs', () => {
  it('126 traces, one span per speaker turn, agents named, labels left out', async () => {
    const result = await loadTraces([WHOWHEN]);
    expect(result.stats.badRecords).toBe(0);
    expect(result.traces).toHaveLength(126);
    for (const t of result.traces) {
      const file = JSON.parse(readFileSync(t.source.file, 'utf8'));
      const turns = t.spans.filter((s) => s.spanId !== t.rootSpanId);
      expect(turns).toHaveLength(file.history.length);
      for (const s of turns) {
        const step = s.attributes['halo.step'] as number;
        expect(s.agentName).toBe(file.history[step].name);
      }
      expect(t.outcome?.success).toBe(file.is_correct);
      expect(JSON.stringify(t)).not.toContain(file.mistake_reason);
    }
    const o = buildOverview(result);
    expect(o.agents.map((a) => a.name)).toContain('Computer_terminal');
    expect(o.agents.some((a) => a.name === 'unknown' || a.name === '(unknown)')).toBe(false);
  });
});

describe('OpenHands SWE-bench Verified completion logs', () => {
  it('15 runs from one model-call log per file, their verdicts joined from the harness summary', async () => {
    const dir = join(REAL, 'openhands-swe-bench-verified');
    const result = await loadTraces([join(dir, 'llm_completions')], { outcomes: readOutcomeFiles([join(dir, 'swebench-report.json')]) });
    expect(result.stats.badRecords).toBe(0);
    expect(result.traces).toHaveLength(15);
    expect(result.traces.reduce((n, t) => n + t.spans.filter((s) => s.kind === 'llm').length, 0)).toBe(366);
    const byTask = new Map(result.traces.map((t) => [t.taskId, t.outcome?.success]));
    expect(byTask.get('django__django-11095')).toBe(true);
    expect(byTask.get('django__django-11138')).toBe(false);
    // Resolved 26 of 50 in the source's own report; 9 of the 15 drawn here.
    expect([...byTask.values()].filter((s) => s === true)).toHaveLength(9);
  });
});

describe('ToolBench DFSDT answers', () => {
  const DIR = join(REAL, 'toolbench-dfsdt/answers');

  it('15 runs, one per answer file, read from the search tree: every branch, in the order the search made the calls', async () => {
    const { traces, stats } = await loadTraces([DIR], { now: 0 });
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(15);
    expect(traces.every((t) => t.source.format === 'toolbench' && t.agentName === 'toolbench DFSDT')).toBe(true);
    // `win` is the outcome, `finish_type` its label: 9 runs reached a final answer.
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(9);
    expect(traces.filter((t) => t.outcome?.success === false).map((t) => t.outcome!.label).sort()).toEqual(['give_answer', 'give_answer', 'give_up', 'give_up', 'give_up', 'give_up']);
    // One llm span per model call the search made: ToolBench counts them itself (`query_count`).
    for (const t of traces) {
      const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
      expect(t.spans.filter((s) => s.kind === 'llm').length).toBe(root.attributes['answer_generation.query_count']);
    }

    const t = traces.find((x) => x.traceId.endsWith('G2_answer__10_ChatGPT_DFS_woFilter_w2.json.gz'))!;
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.input).toMatch(/^I'm organizing a charity event/);
    expect(root.attributes['answer_generation.query_count']).toBe(31);
    const calls = t.spans.filter((s) => s.kind === 'tool');
    const llm = t.spans.filter((s) => s.kind === 'llm');
    // One tool span per Action Input node of the tree (30 calls), one model call per Action or Thought-only reply.
    expect(calls).toHaveLength(30);
    expect(llm.length).toBeGreaterThanOrEqual(calls.length);
    expect(calls.slice(0, 4).map((s) => [s.tool!.name, s.tool!.arguments, s.status, s.error?.type ?? null])).toEqual([
      // Code 0, but the reply is only an HTTP problem report ({'title': 'Bad Request', 'status': 400, …}): a failure.
      ['track_package_for_amex_australia_fastway_australia_tracking', { tracking_number: 'GHI789' }, 'error', null],
      ['latest_for_suivi_colis', { colisid: 'GHI789' }, 'ok', null],
      ['retorna_dados_do_endere_o_atrav_s_do_cep_for_cep_brazil', { cepnumber: '24680' }, 'error', 'Timeout'],
      // The model's own choice to prune the branch is a move, not a failure.
      ['Finish', { return_type: 'give_up_and_restart' }, 'ok', null],
    ]);
    expect(calls[2]!.error!.message).toMatch(/^Timeout error\.\.\.HTTPConnectionPool/);
    // After giving up, the search went back up the tree: the next call says where it resumed.
    const next = llm[4]!;
    expect(next.attributes['toolbench.backtrack']).toBe(true);
    expect(next.attributes['toolbench.resumed_from_depth']).toBe(4);
    expect(next.output).toMatch(/^Based on the previous attempt/);
    // What that model call was sent is the path from the root to where it resumed: the abandoned branch's calls
    // (the timeout and the give-up just before it) are not in it, the task is.
    const sentIds = next.messages!.flatMap((m) => [m.toolCallId, ...(m.toolCalls ?? []).map((c) => c.id)]).filter(Boolean);
    expect(sentIds).not.toContain(calls[2]!.attributes['tool_call.id']);
    expect(sentIds).not.toContain(calls[3]!.attributes['tool_call.id']);
    expect(next.messages![0]).toMatchObject({ role: 'user' });
    // Its own reply is the last message, as for every model call.
    expect(next.messages!.at(-1)!.content).toBe(next.output);
    // An API's error reply (code 11) keeps the API's own words.
    expect(calls[4]!.error).toEqual({ type: 'ApiErrorMessage', message: expect.stringMatching(/^Message error\.\.\. \{'status': 400, 'message': 'N.o foi poss.vel consultar os Correios'/) });
    // Every model call was offered the run's functions.
    expect((llm[0]!.attributes.tools as { name: string }[]).map((f) => f.name)).toContain('retorna_dados_do_endere_o_atrav_s_do_cep_for_cep_brazil');
  });

  it('a call fails by what its reply says, not by the status code alone', async () => {
    const { traces } = await loadTraces([join(DIR, 'G3_answer__13_ChatGPT_DFS_woFilter_w2.json.gz')], { now: 0 });
    const tools = traces[0]!.spans.filter((s) => s.kind === 'tool');
    // Code 11 ("Message error...") on replies cut short that hold the results asked for (Fido, Hellraiser: Deader): the call worked.
    const flagged = tools.filter((s) => s.attributes['toolbench.observation_code'] === 11);
    expect(flagged).toHaveLength(15);
    expect(flagged.every((s) => s.status === 'ok' && s.attributes['halo.flagged_error'] === 'Message error...')).toBe(true);
    // Code 0 on a reply that is only the API's error message: the call failed, with the API's words.
    const byMessage = (m: string) => tools.filter((s) => s.status === 'error' && s.error!.message === m).length;
    expect(byMessage("Endpoint '/search/shows' does not exist")).toBe(13);
    expect(byMessage('This endpoint is disabled for your subscription')).toBe(1);
    expect(byMessage('genre must be an integer: thriller')).toBe(4);
    // An empty result list is an answer (nothing found), not an error message.
    expect(tools.filter((s) => /'result': \[\], 'hasMore'/.test(String(s.tool!.result))).every((s) => s.status === 'ok')).toBe(true);
  });
});

describe('InterCode SQL results', () => {
  const DIR = join(REAL, 'intercode-sql');

  it('60 runs from two results documents (keyed runs, and {meta, logs}): SQL actions as calls, invalid ones failed, the reward as outcome', async () => {
    const { traces, stats } = await loadTraces([DIR], { now: 0 });
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(60);
    const by = (agent: string) => traces.filter((t) => t.agentName === agent);
    expect(by('intercode react')).toHaveLength(40);
    expect(by('intercode plan-and-solve')).toHaveLength(20);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(33);

    // ReAct: the thought is the turn's text, `execute[…]` is unwrapped, the environment's error fails the call.
    const t = traces.find((x) => x.traceId.endsWith('ic_sql_react_10_turns.sample.json.gz#150'))!;
    expect(t.taskId).toBe('ic_sql-150');
    expect(t.outcome).toEqual({ success: true, reward: 1 });
    const [first, second] = t.spans.filter((s) => s.kind === 'llm');
    expect(first!.output).toMatch(/^I should write a SQL query that counts/);
    const calls = t.spans.filter((s) => s.kind === 'tool');
    expect(calls[0]!.tool!.arguments).toEqual({ command: 'SELECT COUNT(*) FROM cars WHERE cylinders > 4' });
    expect(calls[0]!.status).toBe('error');
    expect(calls[0]!.error!.message).toBe("Error executing query: Table 'car_1.cars' doesn't exist");
    expect(second!.output).toMatch(/does not exist\. I should check what tables are available/);
    expect(calls[1]!.status).toBe('ok');
    expect(calls.at(-1)!.tool!.name).toBe('submit');
    expect(calls.at(-1)!.attributes['intercode.reward']).toBe(1);

    // Plan & Solve: the planner's plan is one turn, each action carries the step it executes.
    const p = traces.find((x) => x.traceId.endsWith('ic_sql_plan_solve.sample.json.gz#113'))!;
    const llm = p.spans.filter((s) => s.kind === 'llm');
    expect(llm[0]!.attributes['intercode.role']).toBe('planner');
    expect(llm[0]!.output).toMatch(/^1\. Check what tables are available for use\.\n2\. /);
    expect(llm[1]!.attributes['intercode.step']).toBe('Check what tables are available for use.');
    expect(p.spans.find((s) => s.spanId === p.rootSpanId)!.attributes['meta.env']).toBe('sql');
  });

  it('bash and CTF results: commands that fail in the shell fail, a submitted flag is the answer', async () => {
    const { traces, stats } = await loadTraces([join(REAL, 'intercode-bash-ctf')], { now: 0 });
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(40);
    const ctf = traces.find((x) => x.traceId.endsWith('ic_ctf_multiturn_gpt-4_10_turns.sample.json.gz#18'))!;
    expect(ctf.agentName).toBe('intercode');
    expect(ctf.outcome).toEqual({ success: true, reward: 1 });
    expect(ctf.spans.filter((s) => s.kind === 'tool').map((s) => [s.tool!.name, s.tool!.arguments])).toEqual([
      expect.arrayContaining(['execute']),
      ['submit', { answer: 'picoCTF{61}' }],
    ]);
    // A model reply typed into the shell as a command is what the environment ran, and it failed there.
    const refused = traces.find((x) => x.traceId.endsWith('#20') && x.taskId === 'ic_ctf-20')!;
    const calls = refused.spans.filter((s) => s.kind === 'tool');
    expect(calls.at(-1)!.tool!.arguments).toEqual({ command: "I'm sorry, but I can't assist with that." });
    expect(calls.at(-1)!.error!.message).toBe("/bin/bash: line 1: Im sorry, but I cant: command not found");
    expect(traces.filter((x) => x.agentName === 'intercode react' && x.taskId!.startsWith('ic_bash-'))).toHaveLength(20);
  });

  it('Python results: each submitted function is an execute call, the test verdict its result, the best reward the outcome', async () => {
    const { traces, stats } = await loadTraces([join(REAL, 'intercode-python')], { now: 0 });
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(236);
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(236);
    expect(traces.every((t) => t.agentName === 'intercode' && t.taskId!.startsWith('ic_python-'))).toBe(true);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(139);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(97);

    // A failed test then a fixed function: two calls, the reward per turn kept, the run solved.
    const fixed = traces.find((x) => x.traceId.endsWith('ic_python_multiturn_gpt-4_7_turns.json.gz#0'))!;
    expect(fixed.outcome).toEqual({ success: true, reward: 1 });
    const calls = fixed.spans.filter((s) => s.kind === 'tool');
    expect(calls.map((s) => s.tool!.name)).toEqual(['execute', 'execute']);
    expect(String((calls[0]!.tool!.arguments as { command: unknown }).command)).toMatch(/^def min_cost_path\(cost, m, n\):/);
    expect(calls[0]!.output).toBe('Test case did not pass. Please try again.');
    expect(calls.map((s) => s.attributes['intercode.reward'])).toEqual([0, 1]);

    // Code the interpreter could not parse, seven times over: each call failed with the interpreter's message.
    const broken = traces.find((x) => x.traceId.endsWith('ic_python_multiturn_gpt-4_7_turns.json.gz#6'))!;
    expect(broken.outcome?.success).toBe(false);
    const bad = broken.spans.filter((s) => s.kind === 'tool');
    expect(bad).toHaveLength(7);
    expect(bad.every((s) => s.status === 'error' && s.error!.message === 'Error executing action: invalid syntax (<unknown>, line 1)')).toBe(true);
  });
});
