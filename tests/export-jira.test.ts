// `halo export jira` against a loopback Jira Cloud REST v3 (JQL search with
// nextPageToken, ADF validation, transitions, basic auth, lagging search).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings, type ExportOptions } from '../src/export/index.ts';
import { adfText } from '../src/export/adf.ts';
import { startFakeJira, type FakeJira } from './helpers/fake-jira.ts';
import { expectedActions, finding, findingsFile, FP, scheduledRun, type Letter, exportState } from './helpers/findings-runs.ts';

const EMAIL = 'bot@acme.test';
const TOKEN = 'atlassian-test-token';
const SITE = 'https://acme.atlassian.net';

let fake: FakeJira | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function opts(f: FakeJira, extra: Partial<ExportOptions>, sleeps: number[] = []): ExportOptions {
  return {
    target: 'jira',
    jira: { project: 'OPS', site: SITE, apiUrl: f.url },
    env: { JIRA_EMAIL: EMAIL, JIRA_API_TOKEN: TOKEN },
    http: { sleep: async (ms) => void sleeps.push(ms) },
    ...extra,
  } as ExportOptions;
}
const letterOf = (fp: string) => (Object.entries(FP).find(([, v]) => v === fp)?.[0] ?? fp) as Letter;
const issueOf = (f: FakeJira, l: Letter) => f.issues.filter((i) => i.labels.includes(`halo-${FP[l]}`));

describe('halo export jira', () => {
  it('dry run searches but writes nothing, and shows ADF payloads', async () => {
    fake = await startFakeJira({ project: 'OPS', email: EMAIL, token: TOKEN });
    const res = await exportFindings(opts(fake, { file: scheduledRun(1) }));
    expect(res.plan.map((p) => p.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(fake.writes().filter((w) => !w.path.startsWith('/rest/api/3/search/jql'))).toEqual([]);
    expect(fake.issues).toHaveLength(0);
    const create = res.requests[0]!;
    expect(create.method).toBe('POST');
    expect(create.path).toBe('/rest/api/3/issue');
    expect((create.body as any).fields.description.type).toBe('doc');
    expect((create.body as any).fields.labels).toEqual(['halo', `halo-${FP.A}`]);
    expect((create.body as any).fields.priority).toEqual({ name: 'Highest' });
  });

  it('ten scheduled runs: one issue per fingerprint, ADF comments on recurrences, reopen through a transition, never closed by halo', async () => {
    fake = await startFakeJira({ project: 'OPS', email: EMAIL, token: TOKEN, pageSize: 2, searchLag: 2 });
    const out = join(mkdtempSync(join(tmpdir(), 'halo-export-jira-')), 'export-result.json');
    const sleeps: number[] = [];
    for (let i = 1; i <= 10; i++) {
      if (i === 4) fake.inject({ status: 429, headers: { 'retry-after': '3' }, body: { errorMessages: ['Rate limit exceeded'] } }, { status: 503, method: 'PUT', body: { errorMessages: ['Service unavailable'] } });
      const res = await exportFindings(opts(fake, { file: scheduledRun(i), apply: true, out }, sleeps));
      expect(Object.fromEntries(res.plan.map((p) => [letterOf(p.fingerprint), p.action])), `run ${i}`).toEqual(expectedActions(i));
      expect(res.errors, `run ${i}`).toBe(0);
      if (i === 3) fake.humanClose(issueOf(fake, 'D')[0]!.key);
    }
    expect(fake.issues).toHaveLength(5);
    for (const l of ['A', 'B', 'C', 'D', 'E'] as Letter[]) expect(issueOf(fake, l), l).toHaveLength(1);
    expect(issueOf(fake, 'B')[0]!.comments).toHaveLength(9);
    expect(adfText(issueOf(fake, 'B')[0]!.comments.at(-1))).toMatch(/15 of 100 traces .*previously 14 of 100 traces/);
    expect(adfText(issueOf(fake, 'B')[0]!.description)).toContain('15 of 100 traces');
    expect(issueOf(fake, 'C')[0]!.comments).toHaveLength(2);
    const d = issueOf(fake, 'D')[0]!;
    expect(d.status).toBe('To Do');
    expect(d.stateChanges).toEqual([{ to: 'Done', by: 'human' }, { to: 'To Do', by: 'api' }]);
    expect(adfText(d.comments[0])).toMatch(/Reopening/);
    expect(fake.issues.flatMap((i) => i.stateChanges).filter((c) => c.by === 'api' && c.to === 'Done')).toEqual([]);
    expect(sleeps).toContain(3000);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(fake.requests.some((r) => r.path === '/rest/api/3/search')).toBe(false);
    const result = exportState(out);
    expect(result.items[FP.E].url).toBe(`${SITE}/browse/${issueOf(fake, 'E')[0]!.key}`);
    // Search paged with nextPageToken (pages of 2 over 5 issues).
    expect(fake.requests.filter((r) => r.path === '/rest/api/3/search/jql' && (r.body as any).nextPageToken).length).toBeGreaterThan(0);
  });

  it('filters, priority map, and a "Won\'t Do" resolution is left alone', async () => {
    fake = await startFakeJira({ project: 'OPS', email: EMAIL, token: TOKEN });
    const file = findingsFile('r1', [finding('A', 3, 1), finding('B', 3, 2), finding('C', 3, 3)]);
    const high = await exportFindings(opts(fake, { file, minSeverity: 'high', apply: true, priorityMap: { critical: 'High', high: 'Low' }, labelMap: { high: ['needs triage'] } }));
    expect(high.plan.map((p) => letterOf(p.fingerprint))).toEqual(['A', 'B']);
    expect(issueOf(fake, 'A')[0]!.priority).toBe('High');
    expect(issueOf(fake, 'B')[0]!.labels).toEqual(['halo', 'needs-triage', `halo-${FP.B}`]);
    fake.humanClose(issueOf(fake, 'A')[0]!.key, "Won't Do");
    const again = await exportFindings(opts(fake, { file: findingsFile('r2', [finding('A', 9, 1)]), apply: true }));
    expect(again.plan[0]!.action).toBe('skip');
    expect(issueOf(fake, 'A')[0]!.status).toBe('Done');
  });

  it('a project without Priority on its create screen still gets issues (without priority)', async () => {
    fake = await startFakeJira({ project: 'OPS', email: EMAIL, token: TOKEN, priorityOnScreen: false });
    const res = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true }));
    expect(res.errors).toBe(0);
    expect(fake.issues).toHaveLength(4);
    expect(fake.issues.every((i) => i.priority === undefined)).toBe(true);
    // Learned once: only the first create was refused.
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')).toHaveLength(5);
  });

  it('wrong credentials: the error names the request and status', async () => {
    fake = await startFakeJira({ project: 'OPS', email: EMAIL, token: TOKEN });
    await expect(exportFindings({ ...opts(fake, { file: scheduledRun(1) }), env: { JIRA_EMAIL: EMAIL, JIRA_API_TOKEN: 'nope' } })).rejects.toThrow(/POST .*\/rest\/api\/3\/search\/jql failed: HTTP 401: Client must be authenticated/);
    await expect(exportFindings({ ...opts(fake, { file: scheduledRun(1) }), env: {} })).rejects.toThrow(/JIRA_EMAIL/);
  });
});
