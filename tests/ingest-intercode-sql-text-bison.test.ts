// InterCode results of another model (tests/fixtures/real/intercode-sql-text-bison): PaLM 2 text-bison-001 on
// Spider dev in the multi-turn SQL setting, 60 runs sampled. Most runs send one command all ten turns, most of
// those a command the database rejects every time.
import { describe, expect, it } from 'vitest';
import { TABLE_MISSING, UNKNOWN_COLUMN, command, intercodeSet, keys, loadRuns, root, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-sql-text-bison', 'ic_sql_multiturn_text-bison-001_10_turns.sample.json.gz');

describe('InterCode SQL results of text-bison-001', () => {
  it('60 runs, one SELECT per turn, the database errors failing their calls', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    expect(keys(traces.filter((t) => t.outcome?.success === true))).toEqual([14, 283, 414, 534, 548, 592, 711, 1010, 1011]);
    const failed = traces.filter((t) => t.outcome?.success === false);
    expect(failed).toHaveLength(51);
    expect(failed.every((t) => t.outcome!.reward === 0 && tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(527);
    expect(calls.every((s) => s.tool!.name === 'execute' && /^SELECT\b/i.test(command(s)))).toBe(true);
    const errors = calls.filter((s) => s.status === 'error');
    expect(errors).toHaveLength(458);
    expect(new Set(errors.map((s) => s.traceId)).size).toBe(46);
    const messages = errors.map((s) => s.error?.message ?? '');
    expect(messages.filter((m) => TABLE_MISSING.test(m))).toHaveLength(271);
    expect(messages.filter((m) => UNKNOWN_COLUMN.test(m))).toHaveLength(187);
    // 40 runs send one command all ten turns; in 34 of them every one of the ten fails.
    const sameTen = traces.filter((t) => tools(t).length === 10 && new Set(tools(t).map(command)).size === 1);
    expect(sameTen).toHaveLength(40);
    expect(sameTen.filter((t) => tools(t).every((s) => s.status === 'error'))).toHaveLength(34);
    expect(traces.every((t) => root(t).status !== 'error' && root(t).attributes['intercode.blocked'] === undefined)).toBe(true);
  });

  it('a run solved on its ninth turn, after sending a query on a missing table eight times', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '592');
    expect(t.outcome).toMatchObject({ success: true, reward: 1 });
    const calls = tools(t);
    expect(calls).toHaveLength(9);
    expect(calls.slice(0, 8).every((s) => command(s) === 'SELECT count(*) FROM poker_players' && s.status === 'error')).toBe(true);
    expect(calls[0]!.error!.message).toBe("Error executing query: Table 'poker_player.poker_players' doesn't exist");
    expect(command(calls[8]!)).toBe('SELECT count(*) FROM poker_player');
    expect(calls[8]!.status).toBe('ok');
    expect(String(calls[8]!.tool!.result)).toBe('[(5,)]');
    expect(calls.map((s) => s.attributes['intercode.reward'])).toEqual([...Array(8).fill(0), 1]);
  });
});
