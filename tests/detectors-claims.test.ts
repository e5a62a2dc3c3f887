// Claims are checks (issue 19): each rule a finding's sentences rest on, on
// runs shaped as their frameworks write them. Real excerpts where the
// development data has the case (Who&When, TRAIL, HALO's Agents SDK run);
// constructed in the framework's own shape where it has none, which each
// test says.
import { resultText } from '../sandbox/detectors/error-text.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Span, Trace } from '../src/types.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { detect, runDetectors } from '../sandbox/detectors/index.ts';
import { repeatedSteps } from '../sandbox/detectors/repeated-steps.ts';
import { errorSignature } from '../sandbox/detectors/error-signatures.ts';
import { failureOf, spanById } from '../sandbox/detectors/origin.ts';
import { uncheckable } from '../sandbox/detectors/coverage.ts';
import { span, trace } from './helpers/factories.ts';
import { tempDir } from './helpers/ingest.ts';

const tmp = tempDir('claims');
afterAll(() => tmp.cleanup());

const load = async (paths: string[]) => (await loadTraces(paths)).traces;

describe('the agent whose model emitted a call owns it, and is checked against what it was offered', () => {
  // Constructed in smolagents' shape (a CodeAgent manager delegating to a
  // ToolCallingAgent `search_agent`): no public real run of that shape is
  // outside the sets kept aside for measurement.
  const decl = (name: string, parameters: unknown) => JSON.stringify({ type: 'function', function: { name, parameters } });
  function managerRun(id: string, finalAnswer: unknown): Trace {
    const subLlmAttrs = {
      'llm.tools.0.tool.json_schema': decl('page_down', { type: 'object', properties: {}, additionalProperties: false }),
      'llm.tools.1.tool.json_schema': decl('final_answer', { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }),
    };
    return trace(
      [
        span({ traceId: id, spanId: `${id}-run`, name: 'CodeAgent.run', kind: 'agent', startTime: 0, endTime: 100 }),
        span({ traceId: id, spanId: `${id}-s1`, parentId: `${id}-run`, name: 'Step 1', kind: 'chain', startTime: 1, endTime: 60 }),
        span({ traceId: id, spanId: `${id}-m1`, parentId: `${id}-s1`, name: 'LiteLLMModel.__call__', kind: 'llm', startTime: 2, endTime: 5, output: 'search_agent(task="find it")' }),
        span({ traceId: id, spanId: `${id}-del`, parentId: `${id}-s1`, name: 'search_agent', kind: 'tool', startTime: 6, endTime: 59, tool: { name: 'search_agent', arguments: { task: 'find it' }, result: 'done' } }),
        span({ traceId: id, spanId: `${id}-sub`, parentId: `${id}-del`, name: 'ToolCallingAgent.run', kind: 'agent', startTime: 7, endTime: 58 }),
        span({ traceId: id, spanId: `${id}-sm`, parentId: `${id}-sub`, name: 'LiteLLMModel.__call__', kind: 'llm', startTime: 8, endTime: 10, attributes: subLlmAttrs }),
        span({
          traceId: id, spanId: `${id}-pd`, parentId: `${id}-sub`, name: 'page_down', kind: 'tool', startTime: 11, endTime: 12, status: 'error',
          error: { type: 'AgentToolCallError', message: "Error when executing tool page_down with arguments {'': ''}: TypeError: got an unexpected keyword argument ''" },
          tool: { name: 'page_down', arguments: { '': '' }, result: null },
        }),
        span({ traceId: id, spanId: `${id}-m2`, parentId: `${id}-run`, name: 'LiteLLMModel.__call__', kind: 'llm', startTime: 61, endTime: 62 }),
        // The manager's own final_answer: its CodeAgent declares `answer: any`, so an object is fine.
        span({ traceId: id, spanId: `${id}-fa`, parentId: `${id}-run`, name: 'final_answer', kind: 'tool', startTime: 63, endTime: 64, tool: { name: 'final_answer', arguments: { answer: finalAnswer }, result: null } }),
      ],
      { agentName: 'CodeAgent' },
    );
  }
  const runs = [managerRun('m1', { total: 3 }), managerRun('m2', [1, 2])];
  for (const t of runs) for (const s of t.spans) s.agentName = s.spanId.match(/-(sub|sm|pd)$/) ? 'ToolCallingAgent' : 'CodeAgent';

  it('blames the sub-agent whose model emitted the failing call, not the manager that delegated', () => {
    const [f] = detect.errorSignatures!(runs);
    expect(f!.key.component).toBe('agent:ToolCallingAgent');
    expect(f!.summary).toContain("emitted by ToolCallingAgent's own model");
    expect(f!.summary).not.toMatch(/starts with CodeAgent|CodeAgent wrote/);
  });

  it("never checks one agent's call against another agent's declaration of the same tool", () => {
    const found = detect.toolArguments!(runs);
    expect(found.filter((x) => x.key.component === 'tool:final_answer')).toEqual([]);
  });

  it('abstains when the calling agent declared a tool two different ways in the run, and checks it when they agree', () => {
    const variant = (id: string, second: unknown) => {
      const t = structuredClone(runs[0]!);
      for (const s of t.spans) {
        s.traceId = id;
        s.spanId = s.spanId.replace(/^m1/, id);
        if (s.parentId) s.parentId = s.parentId.replace(/^m1/, id);
      }
      const emitter = t.spans.find((s) => s.spanId === `${id}-sm`)!;
      const declared = emitter.attributes;
      emitter.attributes = {};
      // Two later model calls of the sub-agent, each with its own declaration of page_down.
      for (const [i, attrs] of [declared, { 'llm.tools.0.tool.json_schema': decl('page_down', second) }].entries()) {
        t.spans.push(span({ traceId: id, spanId: `${id}-later${i}`, parentId: `${id}-sub`, name: 'LiteLLMModel.__call__', kind: 'llm', startTime: 20 + i, endTime: 21 + i, agentName: 'ToolCallingAgent', attributes: attrs }));
      }
      t.traceId = id;
      return t;
    };
    const strict = { type: 'object', properties: {}, additionalProperties: false };
    const conflicting = [variant('c1', { type: 'object', properties: { n: { type: 'integer' } } }), variant('c2', { type: 'object', properties: { n: { type: 'integer' } } })];
    expect(detect.toolArguments!(conflicting).filter((x) => x.key.component === 'tool:page_down')).toEqual([]);
    const agreeing = [variant('a1', strict), variant('a2', strict)];
    const [f] = detect.toolArguments!(agreeing).filter((x) => x.key.component === 'tool:page_down');
    expect(f!.key.signature).toBe('schema_violation:unexpected:');
  });
});

describe('plain and Python-repr inputs are input formats, not invalid JSON', () => {
  const toolRun = (id: string, args: string, failure?: string) =>
    trace(
      [
        span({ traceId: id, spanId: `${id}-r`, name: 'run', kind: 'agent' }),
        span({ traceId: id, spanId: `${id}-m`, parentId: `${id}-r`, name: 'llm', kind: 'llm', startTime: 0 }),
        span({
          traceId: id, spanId: `${id}-t`, parentId: `${id}-r`, name: 'search', kind: 'tool', startTime: 0.5, status: failure ? 'error' : 'ok',
          error: failure ? { type: null, message: failure } : null, tool: { name: 'search', arguments: args, result: 'x', argumentsInvalid: true },
        }),
      ],
      { agentName: 'lc-agent' },
    );

  it("reads LangChain's Python repr and a plain-text input.value as what they are", () => {
    const found = detect.toolArguments!([toolRun('a', "{'query': 'weather in Paris', 'k': 3, 'exact': True}"), toolRun('b', 'weather in Paris'), toolRun('c', "['a', 'b', None]")]);
    expect(found).toEqual([]);
  });

  it('still finds text that tries to be JSON and is neither, and a repr the tool rejected as unparseable', () => {
    const found = detect.toolArguments!([
      toolRun('d', '{"query": "weather in Paris", "k": '),
      toolRun('e', "{'order_id':'ORD-1'}", "Invalid arguments for update_address: could not parse JSON (Expected property name or '}' in JSON at position 1)"),
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.data!.traceIds).toEqual(['d', 'e']);
    // The predicate restates the rule exactly.
    const pred = new Function(`return (${found[0]!.predicate})`)() as (t: Trace) => boolean;
    expect(['a', 'b', 'd', 'e'].map((id) => pred(toolRun(id, id === 'd' ? '{"query": ' : id === 'e' ? "{'order_id':'ORD-1'}" : "{'q': 1}", id === 'e' ? 'could not parse JSON' : undefined)))).toEqual([false, false, true, true]);
  });
});

describe('recovery is judged by what came next', () => {
  it('on τ-bench (real tool-calling runs), every repeat sends the same calls again and fails with the same error, however short the call', async () => {
    const traces = await load(['tests/fixtures/tau-bench/gpt-4o-airline.json']);
    const callsAfter = (t: Trace, llm: Span) => {
      const steps = t.spans.filter((x) => x.startTime >= llm.startTime).sort((a, b) => a.startTime - b.startTime);
      const out: Span[] = [];
      for (const x of steps.slice(1)) {
        if (x.kind === 'llm') break;
        if (x.kind === 'tool') out.push(x);
      }
      return out;
    };
    const found: string[] = [];
    for (const t of traces) {
      for (const r of repeatedSteps(t)) {
        found.push(r.span.spanId);
        const [a, b] = [callsAfter(t, r.span), callsAfter(t, r.repeats)];
        expect(a.map((x) => [x.name, x.tool?.arguments])).toEqual(b.map((x) => [x.name, x.tool?.arguments]));
        // A repeat of a call that got nothing back failed nothing: its answer is the same as the one it copies.
        if (r.nothing) {
          expect(a.map((x) => resultText(x))).toEqual(b.map((x) => resultText(x)));
          continue;
        }
        expect(failureOf(t, a.find((x) => failureOf(t, x) !== null)!)).toBe(failureOf(t, b.find((x) => failureOf(t, x) !== null)!));
      }
    }
    // tau-15-1: update_reservation_flights sent again as it was, two steps later, "not enough seats on flight HAT290" again.
    expect(found).toContain('tau-15-1:llm-9');
  });

  it('on TRAIL, a snippet the model quoted in its Thought that the framework ran is not the model re-sending its action', async () => {
    const traces = await load(['tests/fixtures/real/trail-swe/traces']);
    const t = traces.find((x) => x.traceId === 'e7bdf7bbf6b931c3be95afe323704041')!;
    // Both failing steps fail on `term3 = …`, a line that stands alone only in the block the Thought quotes.
    for (const id of ['5d6bda840e349270', '8fc5d68f06b94514']) expect(failureOf(t, spanById(t, id)!)).toMatch(/^Code execution failed at line 'term3 = 1 \+ np\.sqrt/);
    expect(repeatedSteps(t)).toEqual([]);
  });

  it('a failed tool call routed around (another tool worked before the next reply) is not "ignored"', () => {
    const run = (id: string, after: Partial<Span>[]) =>
      trace(
        [
          span({ traceId: id, spanId: `${id}-r`, name: 'agent', kind: 'agent', startTime: 0, endTime: 100 }),
          span({ traceId: id, spanId: `${id}-m1`, parentId: `${id}-r`, kind: 'llm', startTime: 1, endTime: 2, output: '' }),
          span({ traceId: id, spanId: `${id}-t1`, parentId: `${id}-r`, kind: 'tool', startTime: 3, endTime: 4, status: 'error', error: { type: null, message: 'web_search: 503 upstream' }, tool: { name: 'web_search', arguments: { q: 'x' }, result: null } }),
          ...after.map((a, i) => span({ traceId: id, spanId: `${id}-a${i}`, parentId: `${id}-r`, startTime: 5 + i * 2, endTime: 6 + i * 2, ...a })),
        ],
        { agentName: 'researcher' },
      );
    const routed = run('x', [{ kind: 'tool', tool: { name: 'visit_page', arguments: { url: 'u' }, result: 'page' } }, { kind: 'llm', output: 'The answer is 4.' }]);
    const ignored = run('y', [{ kind: 'llm', output: 'The answer is 4.' }]);
    const found = detect.ignoredErrors!([routed, ignored]);
    expect(found[0]!.data!.traceIds).toEqual(['y']);
  });
});

describe('value provenance decides the owner of a not-found error', () => {
  it('a file name the model made up (Who&When, real) is the model\'s, with the executor run for the expert that wrote the code', async () => {
    const traces = await load(['tests/fixtures/real/whowhen-captainagent/runs']);
    const f = detect.errorSignatures!(traces).find((x) => /FileNotFoundError/.test(x.title))!;
    // Four experts invent a CSV name and the terminal fails on it: one failure, each expert named with its runs (round 7: split per agent, the count was the tool's wrong).
    expect(f.key.component).toBe('tool:code_execution');
    // 88.json's file name is in the chat's opening brief (the task), so not every value was made up: no origin is claimed
    // for all; each is said with its own count (review round 42).
    expect(f.rootCause.statement).not.toMatch(/In every failing call the value that was not found/);
    expect(f.rootCause.statement).toMatch(/Checked: in 1 of 6 failing calls the value that was not found \(e\.g\. `apple_stock_data\.csv`\) is named by the task, and the environment did not provide it; in 5 of 6 failing calls the value that was not found \(e\.g\. `seattle_weather\.csv`\) appears first in the model's own call/);
    // Per run, every agent whose call hit it: 88.json's second error is Verification_Expert's, a later turn (a repeat, not the same step).
    expect(f.summary).toMatch(/Agents: Verification_Expert \(4 runs\), DataValidation_Expert \(1 run\), DataManipulation_Expert \(1 run\), Statistics_Expert \(1 run\)/);
    expect(f.summary).toMatch(/plus 1 repeat of the same error later in the same run/);
    expect(f.summary).not.toMatch(/same step/);
    expect(f.data!.valueOrigins).toEqual({ model: 5, environment: 1 });
    // The turn that wrote each failing script is cited beside the terminal's run of it.
    expect((f.data!.occurrences as { role?: string }[]).filter((o) => o.role === 'requested').length).toBe(6);
  });

  // Constructed in τ-bench's log shape: the development data has no user typo (the real cases are in a split kept aside).
  const tauRun = (taskId: number, typed: string, corrected: string | null) => ({
    task_id: taskId, trial: 0, reward: corrected ? 1 : 0,
    traj: [
      { role: 'system', content: 'You are an airline agent.' },
      { role: 'user', content: `Hi, I want to change my flight. My email is ${typed}.` },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'find_user_id_by_email', arguments: JSON.stringify({ email: typed }) } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'find_user_id_by_email', content: 'Error: user not found' },
      { role: 'assistant', content: 'I could not find a user with that email. Could you check it?' },
      ...(corrected
        ? [
            { role: 'user', content: `Sorry, it is ${corrected}.` },
            { role: 'assistant', content: null, tool_calls: [{ id: 'c2', type: 'function', function: { name: 'find_user_id_by_email', arguments: JSON.stringify({ email: corrected }) } }] },
            { role: 'tool', tool_call_id: 'c2', name: 'find_user_id_by_email', content: 'mia_li_3668' },
            { role: 'assistant', content: 'Found you, Mia.' },
          ]
        : [{ role: 'user', content: 'I am sure it is right. ###STOP###' }]),
    ],
  });

  it("a user's typo the agent recovered from at once is not a defect; one it never got past names the user's message", async () => {
    const recovered = tmp.write('typo-recovered.json', JSON.stringify([tauRun(1, 'mia.li@exmaple.com', 'mia.li@example.com'), tauRun(2, 'noah@exmple.com', 'noah@example.com')]));
    const found = detect.errorSignatures!(await load([recovered]));
    expect(found).toEqual([]);
    const stuck = tmp.write('typo-stuck.json', JSON.stringify([tauRun(3, 'mia.li@exmaple.com', null), tauRun(4, 'noah@exmple.com', null)]));
    const [f] = detect.errorSignatures!(await load([stuck]));
    expect(f!.rootCause.statement).toMatch(/came from the user's own message, and no later call with a corrected value succeeded/);
    expect(f!.fix.summary).toMatch(/ask the user to confirm it/);
  });

  it('a file the task names and the environment lacks names the environment, not the agent\'s code', async () => {
    const chat = (n: number) => ({
      question: `What is the total in the attached file sales_q${n}.xlsx?`,
      is_correct: false,
      history: [
        { role: 'assistant', name: 'Excel_Expert', content: `Let me load it.\n\`\`\`python\nimport pandas as pd\ndf = pd.read_excel('sales_q${n}.xlsx')\n\`\`\`` },
        { role: 'user', name: 'Computer_terminal', content: `exitcode: 1 (execution failed)\nCode output: Traceback (most recent call last):\n  File "", line 2, in <module>\nFileNotFoundError: [Errno 2] No such file or directory: 'sales_q${n}.xlsx'` },
        { role: 'assistant', name: 'Excel_Expert', content: 'The file is not available. TERMINATE' },
      ],
    });
    const file = tmp.write('missing-attachment.jsonl', [chat(1), chat(2)].map((r) => JSON.stringify(r)).join('\n'));
    const [f] = detect.errorSignatures!(await load([file]));
    expect(f!.rootCause.statement).toMatch(/is named by the task, and the environment did not provide it/);
    expect(f!.fix.kind).toBe('config');
  });
});

describe('errors are found wherever frameworks put them', () => {
  it("reads a provider's content-filter refusal inside a group-chat turn as that agent's failure", async () => {
    // Constructed in Magentic-One's log shape (the real ones are in a split kept aside); the text is the openai SDK's own exception string.
    const refusal = `Error code: 400 - {'error': {'message': "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.", 'type': None, 'param': 'prompt', 'code': 'content_filter', 'status': 400}}`;
    const run = (n: number) => ({
      question: `Find the opening hours of store ${n}.`,
      is_correct: false,
      history: [
        { role: 'Orchestrator (thought)', content: 'Next speaker WebSurfer' },
        { role: 'WebSurfer', content: refusal },
        { role: 'Orchestrator (thought)', content: 'We are stuck; the web surfer could not answer.' },
      ],
    });
    const file = tmp.write('content-filter.jsonl', [run(1), run(2)].map((r) => JSON.stringify(r)).join('\n'));
    const traces = await load([file]);
    const turn = traces[0]!.spans.find((s) => s.name === 'WebSurfer')!;
    expect(failureOf(traces[0]!, turn)).toBe('Error code: 400 - content_filter');
    const [f] = detect.errorSignatures!(traces);
    expect(f!.key.component).toBe('agent:WebSurfer');
    expect(f!.title).toBe('WebSurfer: Error code: <n> - content_filter');
    expect(f!.evidence[0]!.excerpt).toMatch(/^Error code: 400 - /);
  });

  it("keeps the real exception behind the OpenAI Agents SDK's \"Error running tool\" (HALO's Agents SDK run, real)", async () => {
    const traces = await load(['tests/fixtures/halo/realistic_traces.jsonl']);
    const [f] = detect.errorSignatures!(traces);
    expect(f!.title).toMatch(/^list_files: Error running tool \(non-fatal\): \[Errno <n>\] No such file or directory/);
  });

  it('an Agents SDK span record keeps error.data.error in the message', async () => {
    const rec = (i: number, cause: string) => JSON.stringify({
      object: 'trace.span', id: `span_${i}`, trace_id: `trace_${i}`, parent_id: null, started_at: '2025-03-01T10:00:00Z', ended_at: '2025-03-01T10:00:01Z',
      span_data: { type: 'function', name: 'lookup', input: '{"id": 1}', output: null }, error: { message: 'Error running tool', data: { tool_name: 'lookup', error: cause } },
    });
    const file = tmp.write('agents-sdk.jsonl', [rec(1, "KeyError: 'id'"), rec(2, 'TimeoutError: lookup took 30s')].join('\n'));
    const traces = await load([file]);
    expect(traces.map((t) => t.spans[0]!.error!.message).sort()).toEqual(["Error running tool: KeyError: 'id'", 'Error running tool: TimeoutError: lookup took 30s']);
  });
});

describe('outcome summaries are context, not findings', () => {
  it('the τ-bench airline runs give no "N runs failed" finding, though 116 of 200 failed', async () => {
    const traces = await load(['tests/fixtures/tau-bench/gpt-4o-airline.json']);
    const found = runDetectors(traces);
    expect(found.filter((f) => f.category === 'outcome')).toEqual([]);
    expect(found.some((f) => /runs failed their task/.test(f.title))).toBe(false);
    expect(JSON.parse(readFileSync('tests/fixtures/tau-bench/gpt-4o-airline.json', 'utf8')).filter((r: { reward: number }) => r.reward < 1)).toHaveLength(116);
  });
});

describe('what could not be checked on this data is said, not left silent', () => {
  it('names the checks a group chat without declarations, timestamps or a passing run cannot support (Who&When, real)', async () => {
    const traces = await load(['tests/fixtures/real/whowhen-captainagent/runs']);
    const checks = uncheckable(traces).map((u) => u.check);
    expect(checks).toEqual(expect.arrayContaining(['tool arguments against declared schemas', 'latency outliers', 'impact (failure rate with vs without a finding)']));
    expect(uncheckable(traces).find((u) => u.check.startsWith('impact'))!.reason).toBe('every judged run failed, so there is nothing to compare');
  });

  it('has nothing to add where every check has what it needs (the sample week)', async () => {
    expect(uncheckable(await load(['samples/week']))).toEqual([]);
  });
});

describe('code the recording joined onto one line (round 19)', () => {
  // A python tool whose call holds the code as one line, emitted by a reply that wrote it with line breaks.
  const run = (id: string, reply: string) =>
    trace(
      [
        span({ traceId: id, spanId: `${id}-r`, name: 'agent', kind: 'agent', startTime: 0, endTime: 100 }),
        span({ traceId: id, spanId: `${id}-m`, parentId: `${id}-r`, kind: 'llm', startTime: 1, endTime: 2, output: reply }),
        span({
          traceId: id, spanId: `${id}-p`, parentId: `${id}-r`, name: 'python', kind: 'tool', startTime: 3, endTime: 4, status: 'error',
          error: { type: null, message: 'SyntaxError: invalid syntax' },
          tool: { name: 'python', arguments: { code: "import re  def words(s):     return re.findall(r'\\w+', s)" }, result: 'SyntaxError: invalid syntax (<unknown>, line 1)' },
        }),
      ],
      { agentName: 'coder' },
    );
  const broken = "Here it is:\n```python\nimport re\n\ndef words(s):\n    return re.findall(r'\\w+', s)\n```";
  const oneLine = "Here it is: import re  def words(s):     return re.findall(r'\\w+', s)";

  it('a reply that holds the code with its line breaks puts the SyntaxError on the way to the tool, and the fix there', () => {
    const f = detect.errorSignatures!(['a', 'b'].map((id) => run(id, broken))).find((x) => /invalid syntax/.test(x.title))!;
    expect(f.rootCause.statement).toMatch(/the model's reply that emitted the call holds the same code with its line breaks: they were lost between the reply and `python`, so what failed is not the code the model wrote/);
    expect(f.fix.kind).toBe('code');
    expect(f.fix.summary).toMatch(/keep its line breaks; the model's instructions are not what to change/);
  });

  it('a reply that wrote it on one line too is the model\'s', () => {
    const f = detect.errorSignatures!(['a', 'b'].map((id) => run(id, oneLine))).find((x) => /invalid syntax/.test(x.title))!;
    expect(f.rootCause.statement).toMatch(/the model's reply that emitted the call holds it as one line too: the model wrote it so/);
    expect(f.fix.kind).toBe('prompt');
  });
});

describe("a code runner's failures are told apart by their message", () => {
  // In the shape mini-swe-agent records (a bash tool call whose output holds the script's traceback).
  const bashRun = (id: string, tracebacks: string[]) =>
    trace(
      [
        span({ traceId: id, spanId: `${id}-r`, name: 'agent', kind: 'agent', startTime: 0, endTime: 100 }),
        ...tracebacks.flatMap((tb, i) => [
          span({ traceId: id, spanId: `${id}-m${i}`, parentId: `${id}-r`, kind: 'llm', startTime: 1 + i * 10, endTime: 2 + i * 10, output: 'Let me run it.' }),
          span({
            traceId: id, spanId: `${id}-b${i}`, parentId: `${id}-r`, name: 'bash', kind: 'tool', startTime: 3 + i * 10, endTime: 4 + i * 10, status: 'error',
            error: { type: null, message: '<returncode>1</returncode>' },
            tool: { name: 'bash', arguments: { command: 'python repro.py' }, result: `<returncode>1</returncode>\n<output>\nTraceback (most recent call last):\n  File "repro.py", line 1, in <module>\n${tb}\n</output>` },
          }),
        ]),
      ],
      { agentName: 'mini-swe-agent' },
    );

  it('keeps the attribute in the signature; modules nothing the agent wrote names are one finding about the environment', () => {
    const runs = ['a', 'b'].map((id) => bashRun(id, ["ModuleNotFoundError: No module named 'asgiref'", "ModuleNotFoundError: No module named 'pytz'", "AttributeError: 'Query' object has no attribute 'combinator'"]));
    const found = detect.errorSignatures!(runs);
    expect(found.map((f) => f.title).sort()).toEqual([
      'bash: AttributeError: Query object has no attribute combinator',
      'bash: Python modules missing from the environment (asgiref in 2 runs, pytz in 2 runs)',
    ]);
    const env = found.find((f) => /missing from the environment/.test(f.title))!;
    expect(env.rootCause.statement).toMatch(/nothing the agent wrote in the run names/);
    expect(env.fix.kind).toBe('config');
    // No run installed them or showed where they are: a package missing and a folder of the repository off the import
    // path fail alike, so installing is not prescribed (round 19).
    expect(env.fix.summary).not.toMatch(/Install the packages/);
    expect(env.fix.summary).toMatch(/No call in the runs installed `asgiref`, `pytz` or showed where they are: whether each is a package the environment lacks or a module of the repository that was not on the import path is not checked/);
    // Once a run installs them and goes on without error, they are packages to install.
    const installed = bashRun('c', ["ModuleNotFoundError: No module named 'asgiref'", "ModuleNotFoundError: No module named 'pytz'"]);
    installed.spans.push(span({ traceId: 'c', spanId: 'c-pip', parentId: 'c-r', name: 'bash', kind: 'tool', startTime: 50, endTime: 60, tool: { name: 'bash', arguments: { command: 'pip install asgiref pytz' }, result: '<returncode>0</returncode>\n<output>\nSuccessfully installed asgiref pytz\n</output>' } }));
    const env2 = detect.errorSignatures!([...runs, installed]).find((f) => /missing from the environment/.test(f.title))!;
    expect(env2.fix.summary).toMatch(/^Install the packages that provide `asgiref`, `pytz`/);
  });

  it('a module the agent\'s own script names is the agent\'s, and a later pip install is counted', () => {
    const named = (id: string) => {
      const t = bashRun(id, ["ModuleNotFoundError: No module named 'test_app'"]);
      t.spans[2]!.tool!.arguments = { command: "cat > repro.py <<'EOF'\nINSTALLED_APPS=['test_app']\nEOF\npython repro.py" };
      return t;
    };
    const [f] = detect.errorSignatures!([named('n1'), named('n2')]);
    expect(f!.title).toBe('bash: ModuleNotFoundError: No module named test_app');
    expect(f!.rootCause.statement).toMatch(/one a command or script the model wrote names, and no earlier call in the run creates a file or folder by that name/);
    const installs = (id: string) => {
      const t = bashRun(id, ["ModuleNotFoundError: No module named 'asgiref'"]);
      t.spans.push(span({ traceId: id, spanId: `${id}-pip`, parentId: `${id}-r`, name: 'bash', kind: 'tool', startTime: 50, endTime: 51, tool: { name: 'bash', arguments: { command: 'pip install asgiref -q' }, result: '<returncode>0</returncode>\n<output>\n</output>' } }));
      return t;
    };
    const [g] = detect.errorSignatures!([installs('i1'), installs('i2')]);
    expect(g!.rootCause.statement).toMatch(/In 2 runs the agent installed one itself later on\./);
  });

  it('a program that exited 0 did not fail, whatever its output prints (a reproduction showing the bug)', () => {
    const expected = (id: string) => {
      const t = bashRun(id, ['django.db.utils.IntegrityError: FOREIGN KEY constraint failed']);
      t.spans[2]!.status = 'ok';
      t.spans[2]!.error = null;
      t.spans[2]!.tool!.result = String(t.spans[2]!.tool!.result).replace('<returncode>1</returncode>', '<returncode>0</returncode>');
      return t;
    };
    expect(detect.errorSignatures!([expected('e1'), expected('e2')])).toEqual([]);
  });

  it('names no failure for a non-zero exit with no error in its output, or a traceback cut before its exception', () => {
    const quiet = (id: string) => {
      const t = bashRun(id, ['x']);
      t.spans[2]!.tool!.result = '<returncode>1</returncode>\n<output>\n</output>';
      return t;
    };
    expect(detect.errorSignatures!([quiet('q1'), quiet('q2')])).toEqual([]);
    const cut = (id: string) => bashRun(id, ['    import numpy as np']);
    expect(detect.errorSignatures!([cut('c1'), cut('c2')])).toEqual([]);
  });
});
