// Scheduled runs export automatically: the real scheduled analysis (offline
// detectors over a fixture) pushes to a loopback GitHub, run after run,
// without duplicating issues.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScheduledAnalysis } from '../src/schedule/job.ts';
import { exporterFromConfig } from '../src/schedule/exporter.ts';
import type { HaloConfig } from '../src/config/index.ts';
import { startFakeGithub, type FakeGithub } from './helpers/fake-github.ts';
import { Scheduler } from '../src/schedule/scheduler.ts';
import { exportState } from './helpers/findings-runs.ts';

const root = new URL('..', import.meta.url).pathname;
const medium = join(root, 'tests/fixtures/halo/medium_traces.jsonl');
const realistic = join(root, 'tests/fixtures/halo/realistic_traces.jsonl');
const TOKEN = 'ghp_sched';

let fake: FakeGithub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('scheduled export', () => {
  it('three scheduled runs export to GitHub: issues created once, then left alone', async () => {
    fake = await startFakeGithub({ repo: 'acme/agent', token: TOKEN, pageSize: 3, searchLag: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'halo-sched-export-'));
    const config: HaloConfig = {
      state: join(dir, '.halo'),
      out: join(dir, 'reports'),
      formats: ['json'],
      exports: { github: { repo: 'acme/agent', apiUrl: fake.url, top: 3 } },
      schedules: [{ name: 'nightly', cron: '0 3 * * *', inputs: [medium], offline: true, export: ['github'] }],
    };
    const lines: string[] = [];
    const exporter = await exporterFromConfig({ stateDir: config.state!, env: { GITHUB_TOKEN: TOKEN }, http: { writeIntervalMs: 0 } });
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runScheduledAnalysis({ config, schedule: config.schedules![0]!, signal: new AbortController().signal, exporter, log: (l) => lines.push(l), env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' } });
      expect(result.file.findings.length).toBeGreaterThan(0);
      counts.push(fake.issues.length);
    }
    const exported = Math.min(3, counts[0]!);
    expect(counts).toEqual([exported, exported, exported]);
    expect(lines.filter((l) => /export github: github:acme\/agent: \d+ created/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/0 created, 0 updated, 0 reopened, 3 unchanged/);
    const state = join(dir, '.halo', 'exports', 'github.json');
    expect(existsSync(state)).toBe(true);
    expect(Object.keys(exportState(state).items)).toHaveLength(exported);
  }, 120_000);

  it('ten consecutive scheduled ticks with exports create each issue exactly once, even as findings come and go', async () => {
    fake = await startFakeGithub({ repo: 'acme/agent', token: TOKEN, pageSize: 2, searchLag: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'halo-sched-ten-'));
    const schedule = { name: 'hourly', cron: '0 * * * *', inputs: [medium], offline: true, export: ['github' as const] };
    const config: HaloConfig = {
      state: join(dir, '.halo'),
      out: join(dir, 'reports'),
      formats: ['json'],
      exports: { github: { repo: 'acme/agent', apiUrl: fake.url } },
      schedules: [schedule],
    };
    const exporter = await exporterFromConfig({ stateDir: config.state!, env: { GITHUB_TOKEN: TOKEN }, http: { writeIntervalMs: 0 } });
    const exportedFps = new Set<string>();
    let tick = 0;
    const scheduler = new Scheduler({
      jobs: [{ name: 'hourly', cron: schedule.cron }],
      run: async (_job, signal) => {
        // Ticks 4 and 5 see other data: the medium fixture's findings vanish, then return.
        const inputs = tick === 3 || tick === 4 ? [realistic] : [medium];
        tick++;
        const r = await runScheduledAnalysis({ config, schedule: { ...schedule, inputs }, signal, exporter, env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' } });
        for (const f of r.file.findings) exportedFps.add(f.fingerprint);
      },
    });
    for (let i = 0; i < 10; i++) await scheduler.trigger('hourly', 'tick');
    expect(tick).toBe(10);
    // One issue per fingerprint ever exported, each found by its hidden marker.
    const markers = fake.issues.map((i) => /halo:fingerprint=([0-9a-f]{16})/.exec(i.body)?.[1]);
    expect(markers.every(Boolean)).toBe(true);
    expect(new Set(markers).size).toBe(markers.length);
    expect(new Set(markers)).toEqual(exportedFps);
    // Nothing was ever closed by halo.
    expect(fake.issues.every((i) => i.state === 'open')).toBe(true);
  }, 300_000);
});
