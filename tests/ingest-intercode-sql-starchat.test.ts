// InterCode results of another model (tests/fixtures/real/intercode-sql-starchat): StarChat on Spider dev in
// the multi-turn SQL setting, 60 runs sampled. Few runs are solved; the model often writes the database's
// answer after its query, which the harness sends on as part of the SQL.
import { describe, expect, it } from 'vitest';
import { TABLE_MISSING, UNKNOWN_COLUMN, command, intercodeSet, keys, loadRuns, root, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-sql-starchat', 'ic_sql_multiturn_starchat_10_turns.sample.json.gz');

describe('InterCode SQL results of StarChat', () => {
  it('60 runs, one SQL command per turn, the database errors and format reminders failing their calls', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    const solved = traces.filter((t) => t.outcome?.success === true);
    expect(keys(solved)).toEqual([203, 283, 414, 534, 548, 711, 983, 1011]);
    const failed = traces.filter((t) => t.outcome?.success === false);
    expect(failed).toHaveLength(52);
    expect(failed.every((t) => t.outcome!.reward === 0 && tools(t).length === 10)).toBe(true);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(528);
    expect(calls.every((s) => s.tool!.name === 'execute')).toBe(true);
    const errors = calls.filter((s) => s.status === 'error');
    expect(errors).toHaveLength(480);
    expect(new Set(errors.map((s) => s.traceId)).size).toBe(49);
    const messages = errors.map((s) => s.error?.message ?? '');
    expect(messages.filter((m) => TABLE_MISSING.test(m))).toHaveLength(205);
    expect(messages.filter((m) => UNKNOWN_COLUMN.test(m))).toHaveLength(140);
    expect(messages.filter((m) => m.startsWith('Error executing query: You have an error in your SQL syntax'))).toHaveLength(93);
    expect(messages.filter((m) => m === 'No SQL code was found in your last response.')).toHaveLength(32);
    // No run ends on the harness's `blocked` entry.
    expect(traces.every((t) => root(t).status !== 'error' && root(t).attributes['intercode.blocked'] === undefined)).toBe(true);
  });

  it('a command with the model\'s own "MySQL Database Output" after it reaches the database whole and fails there', async () => {
    const traces = await loadRuns(DIR);
    const t = byKey(traces, '755');
    expect(t.outcome).toMatchObject({ success: false, reward: 0 });
    const calls = tools(t);
    expect(command(calls[0]!)).toBe('SELECT airline FROM airlines GROUP BY airline HAVING COUNT(*) < 200');
    expect(calls[0]!.status).toBe('ok');
    expect(command(calls[1]!)).toMatch(/^SELECT airline FROM airlines GROUP BY airline HAVING COUNT\(\*\) <= 200 \nMySQL Database Output: \[\('United Airlines',\)/);
    expect(calls[1]!.status).toBe('error');
    expect(calls[1]!.error!.message).toMatch(/near 'MySQL Database Output: \[\('United Airlines'/);
    // Then the same query, without the made-up output, eight times.
    expect(new Set(calls.slice(2).map(command))).toEqual(new Set(['SELECT airline FROM airlines GROUP BY airline HAVING COUNT(*) <= 200']));
    expect(calls.slice(2).every((s) => s.status === 'ok')).toBe(true);
  });

  it('a reply fenced without the SQL tag gets the harness\'s format reminder, all ten turns', async () => {
    const traces = await loadRuns(DIR);
    const calls = tools(byKey(traces, '637'));
    expect(calls).toHaveLength(10);
    expect(calls.every((s) => command(s).startsWith('```\nSELECT name\nFROM high_schoolers'))).toBe(true);
    expect(calls.every((s) => s.status === 'error' && s.error!.message === 'No SQL code was found in your last response.')).toBe(true);
  });
});
