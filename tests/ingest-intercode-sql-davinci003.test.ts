// InterCode results of another model (tests/fixtures/real/intercode-sql-davinci003): text-davinci-003 on Spider dev
// in the multi-turn SQL setting, 60 runs sampled. The model never looks at the schema: nearly every command is a
// SELECT on a guessed table or column that the database rejects, most of them sent again.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/intercode-sql-davinci003/', import.meta.url));
const FILE = 'ic_sql_multiturn_text-davinci-003_10_turns.sample.json.gz';

const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const keys = (ts: Trace[]): number[] => ts.map((t) => Number(t.traceId.split('#')[1])).sort((a, b) => a - b);
const byKey = (traces: Trace[], key: string): Trace => traces.find((t) => t.traceId.endsWith(`${FILE}#${key}`))!;
const commands = (t: Trace): string[] => tools(t).map((s) => (s.tool!.arguments as { command: string }).command);

describe('InterCode SQL results of text-davinci-003', () => {
  it('60 runs, one SQL command per turn, the database errors failing their calls', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(keys(traces.filter((t) => t.outcome?.success === true))).toEqual([14, 203, 233, 283, 414, 712, 800, 867, 934, 939, 955]);
    const failed = traces.filter((t) => t.outcome?.success === false);
    expect(failed).toHaveLength(49);
    // Every unsolved run scored 0 and used all ten turns.
    expect(failed.every((t) => t.outcome!.reward === 0 && tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(514);
    expect(calls.every((s) => s.tool!.name === 'execute')).toBe(true);
    expect(calls.filter((s) => s.status === 'error')).toHaveLength(485);
    expect(traces.filter((t) => tools(t).some((s) => s.status === 'error'))).toHaveLength(54);
    expect(calls.filter((s) => /^Error executing query: Table '[^']+' doesn't exist$/.test(s.error?.message ?? ''))).toHaveLength(314);
    expect(calls.filter((s) => /^Error executing query: Unknown column '[^']+' in '[^']+'$/.test(s.error?.message ?? ''))).toHaveLength(153);
    // Three replies in markdown fences: the harness answers with its format reminder, the call failed.
    expect(calls.filter((s) => (s.error?.message ?? '').startsWith('Format your SQL command as follows:'))).toHaveLength(3);
    expect(traces.every((t) => root(t).status !== 'error' && root(t).attributes['intercode.blocked'] === undefined)).toBe(true);
  });

  it('the same failing query sent ten times stays ten failed calls', async () => {
    const { traces } = await loadTraces([DIR]);
    const t = byKey(traces, '144');
    expect(t.outcome).toMatchObject({ success: false, reward: 0 });
    expect(new Set(commands(t))).toEqual(new Set(['SELECT source_airport, COUNT(*) AS frequency FROM flights GROUP BY source_airport ORDER BY frequency DESC LIMIT 1']));
    expect(tools(t)).toHaveLength(10);
    expect(tools(t).every((s) => s.status === 'error' && s.error!.message === "Error executing query: Unknown column 'source_airport' in 'field list'")).toBe(true);
  });
});
