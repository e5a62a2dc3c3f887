// Runs that end on one call sent again and again, each answered as the first (round 30's InterCode gpt-4 reviewer:
// "11 runs end with ≥ 3 identical valid actions … F3 leaves these out because no error occurs"). The records of those
// sets hold no model input, so `repeatedCalls` claims nothing there; this detector claims only what the calls show.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { repeatedEnding } from '../sandbox/detectors/repeated-ending.ts';
import { resultText } from '../sandbox/detectors/error-text.ts';
import type { Span, Trace } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { byTitle, load } from './helpers/real-findings.ts';

/** A run of model call → tool call steps; each step is [command, result] or [command, result, 'error']. */
function run(id: string, steps: [string, string, 'error'?][], success: boolean | null, input = false): Trace {
  const spans: Span[] = [];
  steps.forEach(([command, result, error], i) => {
    spans.push(span({ traceId: id, spanId: `${id}-llm-${i}`, kind: 'llm', name: 'chat', startTime: 2 * i, ...(input ? { messages: [{ role: 'user', content: `step ${i}: run the check` }, { role: 'assistant', content: command }] } : {}) }));
    spans.push(span({ traceId: id, spanId: `${id}-tool-${i}`, kind: 'tool', name: 'execute', startTime: 2 * i + 1, status: error ? 'error' : 'ok', tool: { name: 'execute', arguments: { command }, result } }));
  });
  return trace(spans, { traceId: id, outcome: success === null ? null : { success } });
}

const same = (n: number, command = 'ls /data', result = 'a.txt\nb.txt'): [string, string][] => Array.from({ length: n }, () => [command, result]);

describe('runs that end repeating one call', () => {
  it('InterCode bash on gpt-4: names exactly the failed runs whose last three or more calls and results are one, and counts them from the spans', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-gpt4']);
    const f = byTitle(runDetectors(traces), /end on the same `execute` call sent/);
    const expected: string[] = [];
    let calls = 0;
    let failing = 0;
    for (const t of traces) {
      const tools = t.spans.filter((s) => s.kind === 'tool' && s.attributes['tool.requestor'] === undefined);
      const key = (s: Span) => JSON.stringify([s.tool?.name, s.tool?.arguments, resultText(s)]);
      let k = tools.length - 1;
      while (k > 0 && key(tools[k - 1]!) === key(tools[k]!)) k--;
      const row = tools.slice(k);
      if (row.length < 3 || t.outcome?.success === true) continue;
      if (row.some((s) => s.status === 'error')) failing++;
      else {
        expected.push(t.traceId);
        calls += row.length - 1;
      }
    }
    expect(expected.length).toBeGreaterThanOrEqual(10);
    expect([...(f.data!.traceIds as string[])].sort()).toEqual(expected.sort());
    expect(f.title).toMatch(new RegExp(`^intercode: ${expected.length} runs end on`));
    expect(f.summary).toContain(`That is ${calls} calls after the first that could tell the agent nothing new`);
    // Runs ending on a failing call sent again are left out, and counted, so the reader knows the row is not all there is.
    expect(failing).toBeGreaterThan(0);
    expect(f.summary).toContain(`${failing} more run${failing === 1 ? '' : 's'} that did not pass end`);
    // Every run it names failed: the set's own verdicts, stated as such.
    expect(expected.every((id) => traces.find((t) => t.traceId === id)!.outcome?.success === false)).toBe(true);
    expect(f.summary).toContain('Every one failed its task');
    // It does not know why the agent sent the call again, and says so; nothing compares failure rates.
    expect(f.rootCause.statement).toMatch(/^Halo did not determine why/);
    expect(f.data?.noImpact).toBe(true);
    for (const c of f.evidence) expect(expected).toContain(c.traceId);
  });

  it('claims only calls that worked, answered alike, at the end of a run that did not pass, from model calls whose input is not recorded', () => {
    const failing = [run('a', [['cd /', ''], ...same(4)], false), run('b', same(3), false)];
    const [f] = repeatedEnding(failing);
    expect(f?.data?.traceIds).toEqual(['a', 'b']);
    expect(f?.summary).toContain('That is 5 calls after the first');
    expect(f?.title).toMatch(/: 2 runs end on the same `execute` call sent 3–4 times in a row, each answered as the first$/);

    // A run that passed ended where it should have.
    expect(repeatedEnding([run('a', same(4), true), run('b', same(3), true)])).toEqual([]);
    // Different results: the call told the agent something each time (a job's status moving on).
    expect(repeatedEnding([run('a', [['poll', '10%'], ['poll', '50%'], ['poll', '90%']], false), run('b', [['poll', '10%'], ['poll', '50%'], ['poll', '90%']], false)])).toEqual([]);
    // A row that is not the end of the run: the agent moved on.
    expect(repeatedEnding([run('a', [...same(4), ['cat a.txt', 'x']], false), run('b', [...same(3), ['cat a.txt', 'x']], false)])).toEqual([]);
    // Failing calls sent again are retries and repeated failures, judged elsewhere.
    const errors: [string, string, 'error'][] = Array.from({ length: 3 }, () => ['ls /nope', 'ls: cannot access', 'error']);
    expect(repeatedEnding([run('a', errors, false), run('b', errors, false)])).toEqual([]);
    // Where the model calls' inputs are recorded, whether the model saw its earlier call is read (repeatedCalls), not assumed.
    expect(repeatedEnding([run('a', same(4), false, true), run('b', same(3), false, true)])).toEqual([]);
    // One run is an anecdote.
    expect(repeatedEnding([run('a', same(4), false), run('b', [['ls', 'x']], false), run('c', [['ls', 'y']], false)])).toEqual([]);
  });
});
