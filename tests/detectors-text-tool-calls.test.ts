// A run that ends on a reply whose tool calls are written in its text (a chat format's call syntax) and never ran.
// Held-out round 27's reviewers listed it as missed on Letta's gpt-oss runs (tests/fixtures/real/README.md):
// the reply holds `to=functions.grep_files … {"pattern": …}` and the run stops there.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { textToolCalls } from '../sandbox/detectors/text-tool-calls.ts';
import type { Span, Trace } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { load } from './helpers/real-findings.ts';

// A name may have a format word run on (`to=functions.grep_filesjson{`).
const TEXT_CALL = /to=functions\.(grep_files|open_files|semantic_search_files)(?:json|code|commentary|analysis)*\b/;

function lastReplyAndAfter(t: Trace): { reply: Span | undefined; toolsAfter: number } {
  const steps = t.spans.filter((s) => s.kind === 'llm' || s.tool != null);
  let i = steps.length - 1;
  while (i >= 0 && steps[i]!.kind !== 'llm') i--;
  return { reply: steps[i], toolsAfter: steps.slice(i + 1).filter((s) => s.tool != null).length };
}

describe('tool calls written as text in the last reply', () => {
  it('Letta on gpt-oss-120b: every run it names ends on such a reply with no call after it, and the excerpt quotes the call', async () => {
    const traces = await load(['tests/fixtures/real/letta-filesystem-gptoss-120b/run_1']);
    const [f, ...rest] = runDetectors(traces).filter((x) => x.key.signature === 'text_tool_call');
    expect(rest).toEqual([]);
    const ids = new Set(f!.data!.traceIds as string[]);
    // Counted here from the spans alone: runs whose last reply holds a call of one of the three tools and no call follows.
    const expected = traces.filter((t) => {
      const { reply, toolsAfter } = lastReplyAndAfter(t);
      return toolsAfter === 0 && typeof reply?.output === 'string' && TEXT_CALL.test(reply.output);
    });
    expect([...ids].sort()).toEqual(expected.map((t) => t.traceId).sort());
    expect(ids.size).toBeGreaterThan(30);
    for (const c of f!.evidence) {
      const t = traces.find((x) => x.traceId === c.traceId)!;
      expect(lastReplyAndAfter(t).reply?.spanId).toBe(c.spanId);
      expect(c.excerpt).toMatch(TEXT_CALL);
    }
    expect(f!.summary).toMatch(/`to=functions\.<name>`: `grep_files` in \d+ runs/);
    // The cause says what the records show and no more.
    expect(f!.rootCause.statement).toMatch(/the records do not show/);
    // Calls that never ran leave the run's work undone, whether or not other runs failed as often (round 31: "low" was overstated).
    expect(f!.severity).toBe('high');
  });

  it('is silent where a call follows the reply, where the written name is no tool of the agent, and where the call is structured', () => {
    const reply = (traceId: string, output: unknown, extra: Partial<Span> = {}): Span =>
      span({ traceId, spanId: `${traceId}-llm`, kind: 'llm', name: 'chat', startTime: 10, output, ...extra });
    const tool = (traceId: string, name: string, startTime: number): Span =>
      span({ traceId, spanId: `${traceId}-${name}-${startTime}`, kind: 'tool', name, startTime, tool: { name, arguments: { q: 'x' }, result: 'ok' } });
    const hermes = '<tool_call>\n{"name": "search", "arguments": {"q": "x"}}\n</tool_call>';
    const runs = (make: (id: string) => Span[]): Trace[] => ['a', 'b', 'c'].map((id) => trace(make(id), { traceId: id }));

    // A run that used `search` and then ended on a reply that writes another `search` call: found, in Hermes' syntax.
    const ended = runs((id) => [tool(id, 'search', 1), reply(id, `Let me look again.\n${hermes}`)]);
    const [f] = textToolCalls(ended);
    expect(f?.summary).toMatch(/`<tool_call>`: `search` in 3 runs/);

    // The same reply followed by the call it wrote: something ran it.
    expect(textToolCalls(runs((id) => [tool(id, 'search', 1), reply(id, hermes), tool(id, 'search', 20)]))).toEqual([]);
    // A name no tool of the agent has (a reply explaining the syntax, say): nothing to say.
    expect(textToolCalls(runs((id) => [tool(id, 'search', 1), reply(id, '<tool_call>\n{"name": "my_function", "arguments": {}}')]))).toEqual([]);
    // A structured call in the output (an object, not text): not a call written as text.
    expect(textToolCalls(runs((id) => [tool(id, 'search', 1), reply(id, { tool_calls: [{ name: 'search', arguments: { q: 'x' } }], text: hermes })]))).toEqual([]);
  });

  it('reads a tool the agent was offered but never called, and a closing assistant message without structured calls', () => {
    const declared = JSON.stringify([{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }]);
    const made = ['a', 'b'].map((id) =>
      trace(
        [
          span({
            traceId: id,
            spanId: `${id}-llm`,
            kind: 'llm',
            name: 'chat',
            startTime: 1,
            output: null,
            attributes: { 'gen_ai.request.tools': declared },
            messages: [
              { role: 'user', content: 'find it' },
              { role: 'assistant', content: '[TOOL_CALLS] [{"name": "lookup", "arguments": {"id": 7}}]' },
            ],
          }),
        ],
        { traceId: id },
      ),
    );
    const [f] = textToolCalls(made);
    expect(f?.data?.traceIds).toEqual(['a', 'b']);
    // The message's text sits inside the messages' JSON, where no excerpt would be found verbatim.
    expect(f?.evidence.every((c) => c.excerpt === undefined)).toBe(true);
  });
});
