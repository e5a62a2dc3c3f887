// `halo export linear` against a loopback Linear GraphQL API (attachment URL
// search with cursor pages, RATELIMITED errors, lagging search).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings, type ExportOptions } from '../src/export/index.ts';
import { startFakeLinear, type FakeLinear } from './helpers/fake-linear.ts';
import { expectedActions, finding, findingsFile, FP, scheduledRun, type Letter, exportState } from './helpers/findings-runs.ts';

const KEY = 'lin_api_test';

let fake: FakeLinear | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function opts(f: FakeLinear, extra: Partial<ExportOptions>, sleeps: number[] = []): ExportOptions {
  return {
    target: 'linear',
    linear: { team: 'ENG', apiUrl: f.url },
    env: { LINEAR_API_KEY: KEY },
    http: { sleep: async (ms) => void sleeps.push(ms) },
    ...extra,
  } as ExportOptions;
}
const letterOf = (fp: string) => (Object.entries(FP).find(([, v]) => v === fp)?.[0] ?? fp) as Letter;
const issueOf = (f: FakeLinear, l: Letter) => f.issues.filter((i) => i.attachments.some((a) => a.url === `https://halo.local/finding/${FP[l]}`));
const mutations = (f: FakeLinear) => f.requests.filter((r) => /^\s*mutation/.test((r.body as { query?: string })?.query ?? ''));

describe('halo export linear', () => {
  it('dry run only queries', async () => {
    fake = await startFakeLinear({ teamKey: 'ENG', apiKey: KEY });
    const res = await exportFindings(opts(fake, { file: scheduledRun(1) }));
    expect(res.plan.map((p) => p.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(res.text).toMatch(/linear:ENG: 4 create/);
    expect(mutations(fake)).toEqual([]);
    expect(res.requests.filter((r) => JSON.stringify(r.body).includes('issueCreate'))).toHaveLength(4);
  });

  it('ten scheduled runs: one issue per fingerprint (found by attachment URL), comments, reopen into Todo, never closed by halo', async () => {
    fake = await startFakeLinear({ teamKey: 'ENG', apiKey: KEY, pageSize: 2, searchLag: 2 });
    const out = join(mkdtempSync(join(tmpdir(), 'halo-export-linear-')), 'export-result.json');
    const sleeps: number[] = [];
    for (let i = 1; i <= 10; i++) {
      if (i === 5) fake.inject({ status: 400, body: { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] } }, { status: 500, body: { errors: [{ message: 'Internal server error' }] } });
      const res = await exportFindings(opts(fake, { file: scheduledRun(i), apply: true, out }, sleeps));
      expect(Object.fromEntries(res.plan.map((p) => [letterOf(p.fingerprint), p.action])), `run ${i}`).toEqual(expectedActions(i));
      expect(res.errors, `run ${i}`).toBe(0);
      if (i === 3) fake.humanClose(issueOf(fake, 'D')[0]!.identifier);
    }
    expect(fake.issues).toHaveLength(5);
    for (const l of ['A', 'B', 'C', 'D', 'E'] as Letter[]) expect(issueOf(fake, l), l).toHaveLength(1);
    expect(issueOf(fake, 'B')[0]!.comments).toHaveLength(9);
    expect(issueOf(fake, 'C')[0]!.comments).toHaveLength(2);
    const d = issueOf(fake, 'D')[0]!;
    expect(d.stateId).toBe('st-todo');
    expect(d.stateChanges).toEqual([{ to: 'completed', by: 'human' }, { to: 'unstarted', by: 'api' }]);
    expect(fake.issues.flatMap((i) => i.stateChanges).filter((c) => c.by === 'api' && (c.to === 'completed' || c.to === 'canceled'))).toEqual([]);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    // Severity → Linear priority, labels created once and reused.
    expect(issueOf(fake, 'A')[0]!.priority).toBe(1);
    expect(issueOf(fake, 'D')[0]!.priority).toBe(4);
    expect(fake.labels.map((l) => l.name)).toEqual(['halo']);
    expect(fake.labelNames(issueOf(fake, 'E')[0]!)).toEqual(['halo']);
    const result = exportState(out);
    expect(result.items[FP.B].key).toBe(issueOf(fake, 'B')[0]!.identifier);
    expect(result.items[FP.B].url).toBe(`https://linear.example/acme/issue/${issueOf(fake, 'B')[0]!.identifier}`);
  });

  it('a canceled issue stays canceled; top-N and label map', async () => {
    fake = await startFakeLinear({ teamKey: 'ENG', apiKey: KEY });
    const file = findingsFile('r1', [finding('A', 3, 1), finding('B', 3, 2), finding('C', 3, 3)]);
    await exportFindings(opts(fake, { file, top: 2, apply: true, labelMap: { critical: ['p0'] }, labels: ['agent'] }));
    expect(fake.issues).toHaveLength(2);
    expect(fake.labelNames(issueOf(fake, 'A')[0]!)).toEqual(['halo', 'agent', 'p0']);
    fake.humanClose(issueOf(fake, 'B')[0]!.identifier, 'canceled');
    const next = await exportFindings(opts(fake, { file: findingsFile('r2', [finding('B', 8, 1)]), apply: true }));
    expect(next.plan[0]!.action).toBe('skip');
    expect(next.plan[0]!.reason).toMatch(/not planned/);
  });

  it('an unknown team is a clear error', async () => {
    fake = await startFakeLinear({ teamKey: 'ENG', apiKey: KEY });
    await expect(exportFindings({ ...opts(fake, { file: scheduledRun(1) }), linear: { team: 'NOPE', apiUrl: fake.url } })).rejects.toThrow(/no team with key "NOPE"/);
    await expect(exportFindings({ ...opts(fake, { file: scheduledRun(1) }), env: {} })).rejects.toThrow(/LINEAR_API_KEY/);
  });
});
