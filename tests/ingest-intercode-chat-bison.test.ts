// InterCode results of another model (tests/fixtures/real/intercode-sql-chat-bison): PaLM 2's chat-bison-001 on
// Spider dev in the multi-turn SQL setting, 60 runs sampled. A quarter of its runs end on InterCode's `blocked`
// entry (asking the policy for an action raised): no action, and the run stopped there.
import { describe, expect, it } from 'vitest';
import { TABLE_MISSING, intercodeSet, keys, loadRuns, root, tools } from './helpers/intercode-runs.ts';

const { dir: DIR, byKey } = intercodeSet('intercode-sql-chat-bison', 'ic_sql_multiturn_chat-bison-001_10_turns.sample.json.gz');

describe('InterCode SQL results of chat-bison-001', () => {
  it('60 runs, one SQL command per turn, the database errors failing their calls', async () => {
    const traces = await loadRuns(DIR);
    expect(traces).toHaveLength(60);
    expect(keys(traces.filter((t) => t.outcome?.success === true))).toEqual([14, 233, 283, 392, 414, 534, 548, 711]);
    const calls = traces.flatMap(tools);
    expect(calls).toHaveLength(403);
    expect(calls.every((s) => s.tool!.name === 'execute')).toBe(true);
    expect(calls.filter((s) => s.status === 'error')).toHaveLength(382);
    expect(calls.filter((s) => TABLE_MISSING.test(s.error?.message ?? ''))).toHaveLength(322);
  });

  it('a run ending on `blocked`: no call for it, the run failed as the harness stopped it', async () => {
    const traces = await loadRuns(DIR);
    const blocked = traces.filter((t) => root(t).attributes['intercode.blocked'] === true);
    expect(keys(blocked)).toEqual([53, 88, 144, 245, 424, 501, 533, 755, 771, 811, 843, 848, 877, 925, 983, 1011]);
    expect(blocked.every((t) => root(t).status === 'error' && root(t).error!.type === 'blocked' && t.outcome?.success === false)).toBe(true);
    expect(traces.flatMap(tools).some((s) => JSON.stringify(s.tool!.arguments).includes('"blocked"'))).toBe(false);
    const t = byKey(traces, '771');
    expect(tools(t).map((s) => [s.tool!.arguments, s.status])).toEqual([
      [{ command: 'SELECT country, COUNT(*) AS num_players FROM players GROUP BY country ORDER BY num_players DESC' }, 'error'],
    ]);
    expect(t.spans.filter((s) => s.kind === 'llm')).toHaveLength(1);
    // Runs that did not end on `blocked` keep their root ok, whatever their outcome.
    expect(traces.filter((x) => root(x).status === 'error')).toHaveLength(16);
  });
});
