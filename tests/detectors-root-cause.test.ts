// One finding per root cause, and detectors that abstain when the data cannot
// support the claim (issue 11). Traces are shaped like the real sources that
// showed each problem: smolagents step trees, chat transcripts with made-up
// times, multi-agent group chats.
import { describe, expect, it } from 'vitest';
import type { Span, Trace } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { detect, runDetectors } from '../sandbox/detectors/index.ts';
import { findErrorText } from '../sandbox/detectors/error-text.ts';
import { errorSignature } from '../sandbox/detectors/error-signatures.ts';

/** A smolagents-style run: root → agent run → "Step N" → LLM call, with errors on chosen steps. */
function stepRun(id: string, errors: Record<number, string>, steps = 12): Trace {
  const spans: Span[] = [span({ traceId: id, spanId: `${id}-root`, name: 'process_item', kind: 'other' })];
  spans.push(span({ traceId: id, spanId: `${id}-run`, parentId: `${id}-root`, name: 'CodeAgent.run', kind: 'agent' }));
  for (let n = 1; n <= steps; n++) {
    const err = errors[n];
    spans.push(
      span({
        traceId: id,
        spanId: `${id}-step${n}`,
        parentId: `${id}-run`,
        name: `Step ${n}`,
        kind: 'chain',
        startTime: n * 10,
        endTime: n * 10 + 5,
        ...(err ? { status: 'error' as const, error: { type: 'AgentExecutionError', message: err } } : {}),
      }),
    );
    spans.push(span({ traceId: id, spanId: `${id}-llm${n}`, parentId: `${id}-step${n}`, name: 'LiteLLMModel.__call__', kind: 'llm', startTime: n * 10 + 1 }));
  }
  return trace(spans, { agentName: 'CodeAgent' });
}

const syntax = (line: number) => `Code parsing failed on line ${line} due to: SyntaxError\nprint("x"\n ^\nError: '(' was never closed (<unknown>, line ${line})`;
const typeErr = (code: string) => `Code execution failed at line '${code}' due to: TypeError: expected string or bytes-like object, got 'bool'`;

describe('one finding per root cause', () => {
  it('one error signature across "Step 6", "Step 10", … and varying code and line numbers', () => {
    const traces = [
      stepRun('a', { 6: syntax(11), 10: syntax(53) }),
      stepRun('b', { 3: syntax(2) }),
      stepRun('c', { 8: typeErr('if content:\n    print(1)') }),
      stepRun('d', { 2: typeErr('re.search(p, ok)') }),
    ];
    const found = detect.errorSignatures!(traces);
    expect(found.map((f) => f.title).sort()).toEqual([
      "Step <n>: Code execution failed due to: TypeError: expected string or bytes-like object, got '<s>' (the next call ran without error each time)",
      // Run a's SyntaxError at step 6 comes back at step 10 (another line, the same error): not handled each time.
      'Step <n>: Code parsing failed due to: SyntaxError',
    ]);
    // What the message says is the failure, not its class: two TypeErrors about different things are two.
    const other = stepRun('e', { 4: `Code execution failed at line 'ingest(x, commit=1)' due to: TypeError: ingest() got an unexpected keyword argument 'commit'` });
    expect(detect.errorSignatures!([...traces, other, stepRun('f', { 5: `Code execution failed at line 'ingest(y, commit=2)' due to: TypeError: ingest() got an unexpected keyword argument 'commit'` })]).map((f) => f.title)).toContain(
      "Step <n>: Code execution failed due to: TypeError: ingest() got an unexpected keyword argument '<s>' (the next call ran without error each time)",
    );
    const syntaxFinding = found.find((f) => f.title.includes('SyntaxError'))!;
    expect(syntaxFinding.data!.traceIds).toEqual(['a', 'b']);
    // Every occurrence is recorded, not only the first per run.
    expect((syntaxFinding.data!.occurrences as { spanId: string }[]).map((o) => o.spanId)).toEqual(['a-step6', 'a-step10', 'b-step3']);
  });

  it('counts an error once where it originates, not again in each ancestor that re-raises it', () => {
    const id = 'r';
    const msg = 'litellm.RateLimitError: AnthropicException - {"type":"error","error":{"type":"rate_limit_error"}}';
    const spans: Span[] = [
      span({ traceId: id, spanId: 'root', name: 'process_item', status: 'error', error: { type: 'AgentGenerationError', message: `Error in generating model output:\n${msg}` } }),
      span({ traceId: id, spanId: 'run', parentId: 'root', name: 'CodeAgent.run', kind: 'agent', status: 'error', error: { type: 'AgentGenerationError', message: `Error in generating model output:\n${msg}` } }),
      span({ traceId: id, spanId: 'step', parentId: 'run', name: 'Step 4', kind: 'chain', status: 'error', error: { type: 'AgentGenerationError', message: `Error in generating model output:\n${msg}` } }),
      span({ traceId: id, spanId: 'llm', parentId: 'step', name: 'LiteLLMModel.__call__', kind: 'llm', status: 'error', error: { type: 'RateLimitError', message: msg } }),
    ];
    const found = detect.errorSignatures!([trace(spans)]);
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.map((e) => e.spanId)).toEqual(['llm']);
    expect(found[0]!.key.signature).toBe('error:litellm.RateLimitError');
  });

  it('rate limits and overloads of one model call are one finding; tool errors keep their own signatures', () => {
    const llmErr = (id: string, message: string) =>
      trace([
        span({ traceId: id, spanId: 'root', kind: 'agent' }),
        span({ traceId: id, spanId: 'llm', parentId: 'root', kind: 'llm', name: 'chat', model: 'claude', status: 'error', error: { type: null, message } }),
      ]);
    const found = runDetectors([
      llmErr('a', 'litellm.RateLimitError: AnthropicException - rate_limit_error'),
      llmErr('b', 'litellm.InternalServerError: AnthropicError - {"type":"overloaded_error"}'),
      llmErr('c', 'litellm.RateLimitError: AnthropicException - rate_limit_error'),
      llmErr('d', 'litellm.InternalServerError: AnthropicError - {"type":"overloaded_error"}'),
    ]).filter((f) => f.category === 'errors_recovery');
    expect(found).toHaveLength(1);
    expect([...(found[0]!.data!.traceIds as string[])].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(found[0]!.key.signature).toBe('error:provider_capacity');
    expect(found[0]!.summary).toMatch(/As: "litellm.RateLimitError" \(2 runs\), "litellm.InternalServerError" \(2 runs\)/);
    expect(found[0]!.fix.kind).toBe('config');
    expect(new Set(found[0]!.evidence.map((e) => e.traceId))).toEqual(new Set(['a', 'b', 'c', 'd']));
  });

  it('the same error text in several spans of one run is one occurrence', () => {
    const t = stepRun('s', { 2: syntax(4), 3: syntax(4) });
    const f = detect.errorSignatures!([t])[0]!;
    expect(f.data!.spans).toBe(1);
  });

  it('messages without an exception class keep their own normalized text', () => {
    const s = span({ traceId: 't', spanId: 's', status: 'error', error: { type: null, message: 'Error: payment amount does not add up, total price is 120, but paid 100' } });
    expect(errorSignature(s)).toBe('Error: payment amount does not add up, total price is <n>, but paid <n>');
  });
});

describe('multi-agent attribution', () => {
  /** A group chat: each turn a span carrying its agent; the executor runs the code of the turn before it. */
  const CODE = "print(df['Street Address'])";
  function chat(id: string, turns: [string, string, string?][]): Trace {
    const spans: Span[] = [span({ traceId: id, spanId: `${id}:run`, name: 'group chat', kind: 'agent' })];
    turns.forEach(([agent, kind, err], i) => {
      const s = span({
        traceId: id,
        spanId: `${id}:step-${i}`,
        parentId: `${id}:run`,
        name: agent,
        kind: kind as Span['kind'],
        startTime: i * 10,
        endTime: i * 10 + 5,
        attributes: { 'halo.step': i },
        // The executor runs the code the turn before it wrote (the group chat's terminal).
        ...(kind === 'tool' ? { tool: { name: 'execute_code', arguments: { code: CODE }, result: err ?? 'ok' } } : { output: `Let me run it:\n\`\`\`python\n${CODE}\n\`\`\`` }),
        ...(err ? { status: 'error' as const, error: { type: null, message: err } } : {}),
      });
      (s as Span & { agentName?: string }).agentName = agent;
      spans.push(s);
    });
    return trace(spans, { agentName: 'CaptainAgent' });
  }

  it('names the agent whose turn the failure starts in: the executor acts for the agent that wrote the code', () => {
    const err = 'exitcode: 1 (execution failed)\nCode output: Traceback (most recent call last):\nKeyError: \'Street Address\'';
    const traces = [
      chat('w1', [['Excel_Expert', 'llm'], ['Computer_terminal', 'tool', err], ['Verifier', 'llm']]),
      chat('w2', [['Planner', 'llm'], ['Excel_Expert', 'llm'], ['Computer_terminal', 'tool', err]]),
    ];
    const found = detect.errorSignatures!(traces);
    expect(found).toHaveLength(1);
    expect(found[0]!.key.component).toBe('agent:Excel_Expert');
    expect(found[0]!.title).toMatch(/^Excel_Expert → execute_code: /);
    // Each occurrence also cites the turn whose code failed: where the named agent acted.
    const occ = found[0]!.data!.occurrences as { traceId: string; spanId: string; role?: string; of?: string }[];
    expect(occ.filter((o) => o.role === 'requested')).toEqual([
      { traceId: 'w1', spanId: 'w1:step-0', role: 'requested', of: 'w1:step-1' },
      { traceId: 'w2', spanId: 'w2:step-1', role: 'requested', of: 'w2:step-2' },
    ]);
  });

  it('a run the framework started on its own (no arguments, no turn holding the code) is owned by no agent', () => {
    const err = 'exitcode: 1 (execution failed)\nCode output: Traceback (most recent call last):\nKeyError: \'Street Address\'';
    const traces = [chat('f1', [['Excel_Expert', 'llm'], ['Computer_terminal', 'tool', err]]), chat('f2', [['Excel_Expert', 'llm'], ['Computer_terminal', 'tool', err]])];
    for (const t of traces) (t.spans.find((s) => s.kind === 'tool')!.tool as { arguments: unknown }).arguments = null;
    const found = detect.errorSignatures!(traces);
    expect(found).toHaveLength(1);
    expect(found[0]!.key.component).toBe('tool:execute_code');
    expect(found[0]!.summary).not.toMatch(/wrote what failed|emitted by/);
  });

  it("a model call refused for capacity stays with the model, whose limits every agent shares, and lists the agents it hit", () => {
    const limited = 'RateLimitError: 429 rate limited, retry after 2s';
    const onModel = (t: Trace, model: string) => {
      for (const s of t.spans) if (s.kind === 'llm') (s as { model: string | null }).model = model;
      return t;
    };
    const traces = [
      onModel(chat('r1', [['Planner', 'llm', limited], ['Coder', 'llm']]), 'gpt-x'),
      onModel(chat('r2', [['Planner', 'llm'], ['Coder', 'llm', limited]]), 'gpt-x'),
      onModel(chat('r3', [['Coder', 'llm', limited], ['Planner', 'llm']]), 'gpt-x'),
    ];
    const found = detect.errorSignatures!(traces);
    expect(found).toHaveLength(1);
    expect(found[0]!.key.component).toBe('model:gpt-x');
    expect(found[0]!.prevalence?.traces ?? (found[0]!.data!.traceIds as string[]).length).toBe(3);
    expect(found[0]!.summary).toMatch(/Agents: Coder \(2 runs\), Planner \(1 run\)\./);
  });

  it('a tool that ran something and reported its failure is not called broken: the fix is in what it ran', () => {
    const toolRun = (id: string, tool: string, message: string, result = message) =>
      trace(
        [
          span({ traceId: id, spanId: `${id}-root`, name: 'run', kind: 'agent' }),
          span({ traceId: id, spanId: `${id}-t`, parentId: `${id}-root`, name: tool, kind: 'tool', startTime: 1, status: 'error', error: { type: null, message }, tool: { name: tool, arguments: { target: 'x' }, result } }),
        ],
        { agentName: 'coder' },
      );
    const tests = detect.errorSignatures!([toolRun('a', 'run_tests', 'Process exited with code 1: 3 tests failed in tests/test_a.py'), toolRun('b', 'run_tests', 'Process exited with code 1: 5 tests failed in tests/test_a.py')]);
    expect(tests).toHaveLength(1);
    // It states what the spans show (what ran failed), not whose fault it is: the agent's code, or an environment that lacked a file, read alike here.
    expect(tests[0]!.rootCause.statement).toMatch(/^`run_tests` ran what it was given and reported that it failed .*; halo's checks did not determine why what ran failed\.$/);
    // A code runner's failure is in what the model had it run or in the environment: the spans don't say which, and the finding says so.
    const ran = detect.errorSignatures!(['c', 'd'].map((id) => toolRun(id, 'code_execution', "TypeError: 'NoneType' object is not iterable", "exitcode: 1 (execution failed)\nCode output: Traceback (most recent call last):\nTypeError: 'NoneType' object is not iterable")));
    expect(ran[0]!.rootCause.statement).toMatch(/^What the model had `code_execution` run failed .*halo's checks did not determine why \(the command itself, a change to it on its way to `code_execution`, or the environment it ran in\)\.$/);
    // And prescribes nothing that presumes one of them (round 14: "re-run to tell a wrong command from missing setup" was given whatever the cause).
    expect(ran[0]!.fix.summary).toMatch(/^Halo could not tell why these failed, so it prescribes no change/);
    const broken = detect.errorSignatures!(['e', 'f'].map((id) => toolRun(id, 'write_file', "PermissionError: [Errno 13] Permission denied: '/srv/app.py'")));
    expect(broken[0]!.rootCause.statement).toMatch(/failed with the same error in 2 runs .*; halo's checks did not determine whether the inputs or the tool led to it\.$/);
  });

  it('single-agent runs keep the tool or span as component', () => {
    const f = detect.errorSignatures!([stepRun('x', { 2: syntax(1) })])[0]!;
    expect(f.key.component).toBe('span:Step <n>');
  });
});

describe('abstaining detectors', () => {
  it('no latency claims on times the ingest made up', () => {
    const mk = (i: number, synthetic: boolean) => {
      const root = span({ traceId: `t${i}`, spanId: 'root', kind: 'agent', attributes: synthetic ? { 'halo.synthetic_time': true } : {} });
      return trace([root], { agentName: 'a', durationMs: i === 0 ? 1e9 : 1000 + i });
    };
    const synthetic = Array.from({ length: 40 }, (_, i) => mk(i, true));
    expect(detect.outliers!(synthetic).filter((f) => f.key.signature === 'outlier:latency')).toEqual([]);
    const real = Array.from({ length: 40 }, (_, i) => mk(i, false));
    expect(detect.outliers!(real).filter((f) => f.key.signature === 'outlier:latency')).toHaveLength(1);
  });

  it('absent or null arguments are never "identical calls"', () => {
    const call = (id: string, i: number, args: unknown, result: string) =>
      span({ traceId: id, spanId: `${id}-${i}`, parentId: 'root', kind: 'tool', name: 'search', startTime: i * 10, tool: { name: 'search', arguments: args, result } });
    // Each call is emitted by a model call that was sent the results before it: a repeat it could see.
    const model = (id: string, i: number, seen: string[]) =>
      span({ traceId: id, spanId: `${id}-m${i}`, parentId: 'root', kind: 'llm', name: 'chat', startTime: i * 10 - 5, messages: [{ role: 'user', content: 'find x' }, ...seen.map((r) => ({ role: 'tool', content: r }))] });
    const run = (id: string, args: unknown, result: (i: number) => string) =>
      [1, 2, 3, 4].flatMap((i) => [model(id, i, [1, 2, 3, 4].filter((j) => j < i).map(result)), call(id, i, args, result(i))]);
    const nulls = trace([span({ traceId: 'n', spanId: 'root', kind: 'agent' }), ...run('n', null, (i) => `page ${i}`)], { traceId: 'n', agentName: 'a' });
    const same = trace([span({ traceId: 's', spanId: 'root', kind: 'agent' }), ...run('s', { q: 'x' }, () => 'the same result page')], { traceId: 's', agentName: 'a' });
    const found = detect.repeatedCalls!([nulls, same], { minTraces: 1 });
    expect(found.map((f) => f.data!.traceIds)).toEqual([['s']]);
  });

  it('identical calls that each answered "could not find" are not called successes', () => {
    const call = (id: string, i: number, result: string) =>
      span({ traceId: id, spanId: `${id}-${i}`, parentId: 'root', kind: 'tool', name: 'Search', startTime: i * 10, tool: { name: 'Search', arguments: { entity: '"The Prince"' }, result } });
    const model = (id: string, i: number, seen: string[]) =>
      span({ traceId: id, spanId: `${id}-m${i}`, parentId: 'root', kind: 'llm', name: 'chat', startTime: i * 10 - 5, messages: [{ role: 'user', content: 'who directed it?' }, ...seen.map((r) => ({ role: 'tool', content: r }))] });
    const miss = 'Could not find ["The Prince"]. Similar: [\'The Prince & Me\', \'The Prince (play)\']';
    const run = (id: string) => trace([span({ traceId: id, spanId: 'root', kind: 'agent' }), ...[1, 2, 3].flatMap((i) => [model(id, i, Array(i - 1).fill(miss)), call(id, i, miss)])], { traceId: id, agentName: 'ReAct' });
    const [f] = detect.repeatedCalls!([run('a'), run('b')]);
    expect(f!.summary).toMatch(/each call answering that nothing was found/);
    expect(f!.summary).not.toMatch(/succeed/);
    expect(f!.rootCause.statement).toMatch(/asks again for what it was already told is not there/);
  });

  it('a silent failure needs an error in the result, not a mention of one', () => {
    expect(findErrorText('Search results: 1. "HTTP/1.1 400 Bad Request" explained — why servers reply with 400 …')).toBeNull();
    expect(findErrorText('Docs page\n…\nTraceback (most recent call last) appears when Python raises; see below.')).toBeNull();
    expect(findErrorText('{"results": [{"title": "error: handling"}], "error": null}')).toBeNull();
    expect(findErrorText('HTTP/1.1 400 Bad Request\ncontent-type: text/plain')).not.toBeNull();
    expect(findErrorText('{"error": {"code": 404, "message": "not found"}}')?.pattern).toBe('error_field');
    expect(findErrorText('{"status": 500, "body": ""}')?.pattern).toBe('error_field');
    expect(findErrorText('Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad')?.pattern).toBe('traceback');
    expect(findErrorText('loading…\nTraceback (most recent call last):\n  File "x.py", line 1\nKeyError: \'a\'')?.pattern).toBe('traceback');
  });

  it('runDetectors on step trees yields no per-step duplicates', () => {
    const traces = Array.from({ length: 6 }, (_, i) => stepRun(`p${i}`, { [i + 2]: syntax(i + 3), [i + 5]: syntax(i + 9) }));
    const found = runDetectors(traces).filter((f) => f.category === 'errors_recovery');
    expect(found).toHaveLength(1);
    expect(found[0]!.prevalence!.traces).toBe(6);
  });
});
