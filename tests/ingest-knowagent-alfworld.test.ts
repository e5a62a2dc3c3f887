// KnowAgent on ALFWorld (tests/fixtures/real/knowagent-alfworld): Llama-2-13b-chat playing ALFWorld's text
// household games, one line per model call (Think, ActionPath or a game command), the game's observation after each
// command; one JSON line per game with the game's won flag. The counts below were taken from the raw file.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/knowagent-alfworld', import.meta.url));
const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');
const KEYCHAIN = 'pick_and_place_simple-KeyChain-None-Drawer-208/trial_T20190909_013444_420195';

describe('KnowAgent ALFWorld runs', () => {
  it('510 games, the won flag as success', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(510);
    expect(traces.every((t) => t.source.format === 'knowagent-alfworld')).toBe(true);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(134);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(376);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(510);
  });

  it('a model call per line, a tool call per command, failed when the game says nothing happens', async () => {
    const { traces } = await loadTraces([DIR]);
    const llm = traces.flatMap((t) => t.spans.filter((s) => s.kind === 'llm'));
    // 8,759 Think lines, 3,220 ActionPath lines and 9,000 commands.
    expect(llm).toHaveLength(20979);
    const all = traces.flatMap(tools);
    expect(all).toHaveLength(9000);
    const count = (name: string) => all.filter((s) => s.tool!.name === name).length;
    expect([count('go'), count('open'), count('take'), count('put'), count('close'), count('use')]).toEqual([5587, 1898, 601, 521, 79, 79]);
    const failed = all.filter((s) => s.status === 'error');
    expect(failed).toHaveLength(2691);
    expect(failed.every((s) => s.error!.type === 'no_effect' && s.tool!.result === 'Nothing happens.')).toBe(true);
    expect(new Set(failed.map((s) => s.traceId)).size).toBe(392);
    // Think and ActionPath lines are model turns with no call: the harness drops the game's answer to them.
    expect(all.some((s) => /^(?:Think|ActionPath):/.test(String((s.tool!.arguments as { command: string }).command)))).toBe(false);
    // The one empty reply the harness sent to the game is a call too.
    expect(all.filter((s) => s.tool!.name === 'action').map((s) => [s.tool!.arguments, s.tool!.result])).toEqual([[{ command: '' }, 'Nothing happens.']]);
  });

  it('one game in order: the room, thoughts and paths, commands with the game\'s answers', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = traces.find((x) => x.taskId === KEYCHAIN)!;
    expect(t.outcome).toMatchObject({ success: true });
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.input).toMatch(/^You are in the middle of a room\. .*\nYour task is to: put some keychain on drawer\.$/s);
    expect(root.messages!.filter((m) => m.role === 'assistant')).toHaveLength(31);
    expect(root.messages![1]!.content).toBe('Think: To solve the task, I need to first find and then take a keychain. Next, put it on drawer.');
    const calls = tools(t);
    expect(calls.map((s) => s.tool!.arguments)).toEqual(
      ['go to shelf 8', 'go to shelf 7', 'go to shelf 6', 'go to shelf 5', 'go to shelf 4', 'go to shelf 3', 'go to shelf 2', 'go to shelf 1', 'go to drawer 1', 'open drawer 1', 'go to sidetable 1', 'take keychain 1 from sidetable 1', 'go to drawer 1', 'put keychain 1 in/on drawer 1'].map((command) => ({ command })),
    );
    expect(calls.filter((s) => s.status === 'error').map((s) => (s.tool!.arguments as { command: string }).command)).toEqual(['go to shelf 3']);
    expect(calls[calls.length - 1]!.tool!.result).toBe('You put the keychain 1 in/on the drawer 1.');
    expect(root.output).toBe('put keychain 1 in/on drawer 1');
  });
});
