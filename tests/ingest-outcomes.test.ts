// --outcomes: outcomes kept outside the traces, joined by trace, task or
// instance id; a run's own outcome wins and the counts say which is which.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';
import { parseOutcomes } from '../src/ingest/outcomes.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/formats/${p}`, import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'halo-outcomes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(traces: string[], outcomes: string[]) {
  return loadTraces(traces.map(fixture), { now: 0, outcomes: readOutcomeFiles(outcomes.map(fixture)) });
}

const SWE = ['swe-agent', 'astropy__astropy-12907.traj.json'];

describe('--outcomes', () => {
  it('a SWE-bench harness report (resolved_ids / unresolved_ids) joins by instance id', async () => {
    const { traces, stats } = await load(SWE, ['outcomes/swebench-report.json']);
    const by = Object.fromEntries(traces.map((t) => [`${t.taskId}@${t.source.file.split('/').pop()}`, t.outcome]));
    expect(by).toEqual({
      'SWE-agent__test-repo-i1@6e44b9__sweagenttestrepo-1c2844.traj': { success: true, label: 'submitted' },
      'swe-agent__test-repo-i1@swe-agent__test-repo-i1.traj': { label: 'submitted' },
      'astropy__astropy-12907@astropy__astropy-12907.traj.json': { success: false, label: 'Submitted' },
    });
    // django__django-11099 (an empty patch) matched no run here.
    expect(stats.outcomes).toEqual({ files: [fixture('outcomes/swebench-report.json')], own: 0, joined: 2, unknown: 1, unmatched: 1 });
    expect(stats.notices).toContain(`outcomes: 0 from the runs themselves, 2 joined from ${fixture('outcomes/swebench-report.json')}, 1 unknown; 1 entry of the outcomes matched no run in the window`);
  });

  it('the older SWE-bench report (a resolved list among the others) and a per-instance report.json', async () => {
    const old = await load(SWE, ['outcomes/swebench-report-old.json']);
    expect(old.traces.map((t) => [t.taskId, t.outcome?.success]).sort()).toEqual([
      ['SWE-agent__test-repo-i1', undefined],
      ['astropy__astropy-12907', true],
      ['swe-agent__test-repo-i1', false],
    ]);
    const one = await load(['astropy__astropy-12907.traj.json'], ['outcomes/instance-report.json']);
    expect(one.traces[0]!.outcome).toEqual({ success: true, label: 'Submitted' });
  });

  it('JSONL rows by id, trace id and task + trial; τ-bench result files by task and trial', async () => {
    const runs = [
      { id: 'run-a', messages: [{ role: 'user', content: 'q' }] },
      { id: 'run-b', messages: [{ role: 'user', content: 'q' }] },
      { task_id: 't7', trial: 1, messages: [{ role: 'user', content: 'q' }] },
      { task_id: 't7', trial: 2, messages: [{ role: 'user', content: 'q' }] },
      { task_id: 3, trial: 0, traj: [{ role: 'user', content: 'q' }] },
      { task_id: 3, trial: 1, traj: [{ role: 'user', content: 'q' }] },
    ];
    const p = join(dir, 'runs.jsonl');
    writeFileSync(p, runs.map((r) => JSON.stringify(r)).join('\n'));
    const { traces, stats } = await loadTraces([p], { now: 0, outcomes: readOutcomeFiles([fixture('outcomes/rows.jsonl'), fixture('outcomes/tau-results.json')]) });
    expect(Object.fromEntries(traces.map((t) => [t.traceId, t.outcome]))).toEqual({
      'run-a': { success: true },
      'run-b': { success: false, reward: 0.25 },
      'chat-t7-1': { success: true, reward: 1 },
      'chat-t7-2': null,
      'tau-3-0': { success: true, reward: 1 },
      'tau-3-1': { success: false, reward: 0 },
    });
    expect(stats.outcomes).toMatchObject({ own: 0, joined: 5, unknown: 1, unmatched: 1 });
  });

  it("a run's own outcome wins over a joined one, and is counted as its own", async () => {
    const { traces, stats } = await loadTraces([fixture('tau2-simulations.jsonl')], {
      now: 0,
      outcomes: { files: ['o.jsonl'], entries: [{ key: '42d46cdf-fe16-41da-88ef-1db433d6ef9c', kind: 'trace', outcome: { success: false } }] },
    });
    expect(traces[0]!.outcome).toEqual({ success: true, reward: 1 });
    expect(stats.outcomes).toMatchObject({ own: 2, joined: 0, unmatched: 1 });
  });

  it('a malformed outcomes file names the file and line', () => {
    expect(() => parseOutcomes('{"id": "a", "success": true}\n{"id": "b"}\n', 'o.jsonl')).toThrow('o.jsonl:2: an outcome row needs success, resolved or reward');
    expect(() => parseOutcomes('{"id": "a", "success": true}\nnot json\n', 'o.jsonl')).toThrow(/^o\.jsonl:2: invalid JSON/);
    expect(() => readOutcomeFiles([join(dir, 'missing.json')])).toThrow(/missing\.json: no such outcomes file/);
  });

  it('halo inspect --outcomes joins and says how many outcomes came from where', () => {
    const res = spawnSync(process.execPath, [join(ROOT, 'bin/halo'), 'inspect', fixture('swe-agent'), '--outcomes', fixture('outcomes/swebench-report.json')], { encoding: 'utf8', cwd: ROOT });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Outcomes\s+1 success · 0 failure · 1 unknown/);
    expect(res.stdout).toContain('note: outcomes: 0 from the runs themselves, 1 joined from');
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/halo'), 'inspect', fixture('swe-agent'), '--outcomes', join(dir, 'nope.json')], { encoding: 'utf8', cwd: ROOT });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('nope.json: no such outcomes file');
  });
});

describe('paths in a config file', () => {
  it('inputs and outcomes resolve against the config file folder, not the current directory', async () => {
    const { mkdirSync } = await import('node:fs');
    const { loadConfig } = await import('../src/config/load.ts');
    const cfgDir = join(dir, 'project');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'halo.config.json'), JSON.stringify({ inputs: ['traces/*.jsonl', '/abs/x.jsonl', '-'], outcomes: ['report.json'], schedules: [{ name: 'n', cron: '0 * * * *', inputs: ['other.jsonl'] }] }));
    const { config } = loadConfig(join(cfgDir, 'halo.config.json'));
    expect(config.inputs).toEqual([join(cfgDir, 'traces/*.jsonl'), '/abs/x.jsonl', '-']);
    expect(config.outcomes).toEqual([join(cfgDir, 'report.json')]);
    expect(config.schedules![0]!.inputs).toEqual([join(cfgDir, 'other.jsonl')]);
  });
});

describe('a symlink loop given directly', () => {
  it('is skipped with the same message by analyze as by inspect, not "no such file"', async () => {
    const { symlinkSync } = await import('node:fs');
    const { validateAnalyzeOptions } = await import('../src/analyze.ts');
    const loop = join(dir, 'loop.jsonl');
    symlinkSync(loop, loop);
    expect(() => validateAnalyzeOptions({ files: [loop] })).not.toThrow();
    const res = spawnSync(process.execPath, [join(ROOT, 'bin/halo'), 'inspect', loop, fixture('tau2-simulations.jsonl')], { encoding: 'utf8', cwd: ROOT });
    expect(res.stdout + res.stderr).toContain('symlink loop; skipped');
  });
});
