// InterCode results of another model (tests/fixtures/real/intercode-sql-gpt4): gpt-4 on Spider dev in the
// multi-turn SQL setting, 60 runs sampled. Most runs are solved; the unsolved ones all use the 10 turns, most
// sending one command again.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/intercode-sql-gpt4/', import.meta.url));
const FILE = 'ic_sql_multiturn_gpt-4_10_turns.sample.json.gz';

const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const keys = (ts: Trace[]): number[] => ts.map((t) => Number(t.traceId.split('#')[1])).sort((a, b) => a - b);
const byKey = (traces: Trace[], key: string): Trace => traces.find((t) => t.traceId.endsWith(`${FILE}#${key}`))!;

describe('InterCode SQL results of gpt-4', () => {
  it('60 runs, one SQL command per turn, the database errors failing their calls', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    const failed = traces.filter((t) => t.outcome?.success === false);
    expect(keys(failed)).toEqual([144, 187, 220, 245, 247, 392, 424, 476, 666, 755, 805, 811, 866]);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(47);
    // Every unsolved run used all ten turns.
    expect(failed.every((t) => tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(325);
    expect(calls.every((s) => s.tool!.name === 'execute')).toBe(true);
    expect(calls.filter((s) => s.status === 'error')).toHaveLength(83);
    expect(calls.filter((s) => /^Error executing query: Unknown column '[^']+' in '[^']+'$/.test(s.error?.message ?? ''))).toHaveLength(51);
    expect(calls.filter((s) => /^Error executing query: Table '[^']+' doesn't exist$/.test(s.error?.message ?? ''))).toHaveLength(30);
    // No run ends on the harness's `blocked` entry: every root is ok, whatever the outcome.
    expect(traces.every((t) => root(t).status !== 'error' && root(t).attributes['intercode.blocked'] === undefined)).toBe(true);
  });

  it('a partial reward is a failed run with its reward kept; the same query sent seven times stays seven calls', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = byKey(traces, '187');
    expect(t.outcome).toMatchObject({ success: false });
    expect(t.outcome!.reward).toBeCloseTo(2 / 3, 6);
    const commands = tools(t).map((s) => (s.tool!.arguments as { command: string }).command);
    expect(commands.slice(0, 3)).toEqual(['SHOW TABLES', 'DESCRIBE treatments', 'DESCRIBE professionals']);
    expect(new Set(commands.slice(3)).size).toBe(1);
    expect(tools(t).every((s) => s.status !== 'error')).toBe(true);
    expect(tools(t).map((s) => s.attributes['intercode.reward'])).toEqual([0, 0, 0, ...Array(7).fill(2 / 3)]);
  });
});
