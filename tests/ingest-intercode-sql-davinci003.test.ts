// InterCode results of another model (tests/fixtures/real/intercode-sql-davinci003): text-davinci-003 on Spider dev
// in the multi-turn SQL setting, 60 runs sampled. The model never looks at the schema: nearly every command is a
// SELECT on a guessed table or column that the database rejects, most of them sent again.
import { describe, expect, it } from 'vitest';
import { TABLE_MISSING, UNKNOWN_COLUMN, commands, intercodeSet, keys, loadRuns, root, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-sql-davinci003', 'ic_sql_multiturn_text-davinci-003_10_turns.sample.json.gz');

describe('InterCode SQL results of text-davinci-003', () => {
  it('60 runs, one SQL command per turn, the database errors failing their calls', async () => {
    const traces = await loadRuns(DIR);
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
    expect(calls.filter((s) => TABLE_MISSING.test(s.error?.message ?? ''))).toHaveLength(314);
    expect(calls.filter((s) => UNKNOWN_COLUMN.test(s.error?.message ?? ''))).toHaveLength(153);
    // Three replies in markdown fences: the harness answers with its format reminder, the call failed.
    expect(calls.filter((s) => (s.error?.message ?? '').startsWith('Format your SQL command as follows:'))).toHaveLength(3);
    expect(traces.every((t) => root(t).status !== 'error' && root(t).attributes['intercode.blocked'] === undefined)).toBe(true);
  });

  it('the same failing query sent ten times stays ten failed calls', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '144');
    expect(t.outcome).toMatchObject({ success: false, reward: 0 });
    expect(new Set(commands(t))).toEqual(new Set(['SELECT source_airport, COUNT(*) AS frequency FROM flights GROUP BY source_airport ORDER BY frequency DESC LIMIT 1']));
    expect(tools(t)).toHaveLength(10);
    expect(tools(t).every((s) => s.status === 'error' && s.error!.message === "Error executing query: Unknown column 'source_airport' in 'field list'")).toBe(true);
  });
});
