// InterCode results of another model (tests/fixtures/real/intercode-sql-gpt4): gpt-4 on Spider dev in the
// multi-turn SQL setting, 60 runs sampled. Most runs are solved; the unsolved ones all use the 10 turns, most
// sending one command again.
import { describe, expect, it } from 'vitest';
import { TABLE_MISSING, UNKNOWN_COLUMN, commands, intercodeSet, keys, loadRuns, root, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-sql-gpt4', 'ic_sql_multiturn_gpt-4_10_turns.sample.json.gz');

describe('InterCode SQL results of gpt-4', () => {
  it('60 runs, one SQL command per turn, the database errors failing their calls', async () => {
    const traces = await loadRuns(DIR);
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
    expect(calls.filter((s) => UNKNOWN_COLUMN.test(s.error?.message ?? ''))).toHaveLength(51);
    expect(calls.filter((s) => TABLE_MISSING.test(s.error?.message ?? ''))).toHaveLength(30);
    // No run ends on the harness's `blocked` entry: every root is ok, whatever the outcome.
    expect(traces.every((t) => root(t).status !== 'error' && root(t).attributes['intercode.blocked'] === undefined)).toBe(true);
  });

  it('a partial reward is a failed run with its reward kept; the same query sent seven times stays seven calls', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '187');
    expect(t.outcome).toMatchObject({ success: false });
    expect(t.outcome!.reward).toBeCloseTo(2 / 3, 6);
    const sent = commands(t);
    expect(sent.slice(0, 3)).toEqual(['SHOW TABLES', 'DESCRIBE treatments', 'DESCRIBE professionals']);
    expect(new Set(sent.slice(3)).size).toBe(1);
    expect(tools(t).every((s) => s.status !== 'error')).toBe(true);
    expect(tools(t).map((s) => s.attributes['intercode.reward'])).toEqual([0, 0, 0, ...Array(7).fill(2 / 3)]);
  });
});
