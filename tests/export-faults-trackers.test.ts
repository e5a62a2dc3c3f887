// Linear and Jira under the faults the GitHub fault tests inject: rate limits
// (Linear's 400 RATELIMITED and 429, Jira's 429 + Retry-After), 503s, creates
// done and their answer lost, writes done and never answered (timeouts), and
// searches that lag behind writes. Ten hourly scheduled runs must leave one
// issue per finding fingerprint, no comment posted twice, nothing closed by
// halo; a create whose answer was lost is confirmed, never made twice.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings, type ExportOptions } from '../src/export/index.ts';
import { adfText } from '../src/export/adf.ts';
import { startFakeLinear, type FakeLinear, type LinearFaults } from './helpers/fake-linear.ts';
import { startFakeJira, type FakeJira, type JiraFaults } from './helpers/fake-jira.ts';
import { exportState, FP, scheduledRun, type Letter } from './helpers/findings-runs.ts';

const LINEAR_KEY = 'lin_api_faults';
const EMAIL = 'bot@acme.example';
const JIRA_TOKEN = 'jira_faults_token';
const SITE = 'https://acme.atlassian.net';
const HOUR = 3_600_000;
const LETTERS: Letter[] = ['A', 'B', 'C', 'D', 'E'];

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(closers.splice(0).map((c) => c.close()));
});
// Scheduled runs are an hour apart (longer than the 10-minute pending window); only Date is faked, timers stay real.
let clock = Date.parse('2026-11-01T00:00:00Z');
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock = Date.parse('2026-11-01T00:00:00Z');
  vi.setSystemTime(clock);
});
const nextHour = () => vi.setSystemTime((clock += HOUR));

// A write that is never answered times out after 300 ms instead of 30 s.
const http = { sleep: async () => {}, writeIntervalMs: 0, timeouts: { headersMs: 300 } };

async function linear(faults: LinearFaults = {}, searchLag = 2): Promise<FakeLinear> {
  const f = await startFakeLinear({ teamKey: 'ENG', apiKey: LINEAR_KEY, pageSize: 2, searchLag, faults });
  closers.push(f);
  return f;
}
async function jira(faults: JiraFaults = {}, searchLag = 2): Promise<FakeJira> {
  const f = await startFakeJira({ project: 'OPS', email: EMAIL, token: JIRA_TOKEN, pageSize: 2, searchLag, faults });
  closers.push(f);
  return f;
}
const linearOpts = (f: FakeLinear, extra: Partial<ExportOptions>): ExportOptions => ({ target: 'linear', linear: { team: 'ENG', apiUrl: f.url }, env: { LINEAR_API_KEY: LINEAR_KEY }, http, ...extra }) as ExportOptions;
const jiraOpts = (f: FakeJira, extra: Partial<ExportOptions>): ExportOptions =>
  ({ target: 'jira', jira: { project: 'OPS', site: SITE, apiUrl: f.url }, env: { JIRA_EMAIL: EMAIL, JIRA_API_TOKEN: JIRA_TOKEN }, http, ...extra }) as ExportOptions;

// By content, not by the fingerprint mechanism under test: every Linear description carries the visible marker.
const linearIssuesOf = (f: FakeLinear, l: Letter) => f.issues.filter((i) => i.description.includes(`halo:fingerprint=${FP[l]}`));
const jiraIssuesOf = (f: FakeJira, l: Letter) => f.issues.filter((i) => i.labels.includes(`halo-${FP[l]}`));
const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
const tmpOut = () => join(mkdtempSync(join(tmpdir(), 'halo-export-faults-trackers-')), 'export-result.json');

describe('Linear under faults', () => {
  it('ten hourly runs with lost creates, rate limits, 503s and unanswered writes: one issue per fingerprint, each findable by attachment, no comment twice, nothing closed', async () => {
    const fake = await linear({ loseCreateEvery: 2, rateLimitEvery: 5, serverErrorEvery: 11, silentWriteEvery: 4 });
    const out = tmpOut();
    const errors: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const res = await exportFindings(linearOpts(fake, { file: scheduledRun(i), apply: true, out }));
      errors.push(res.errors);
      if (i === 3) fake.humanClose(linearIssuesOf(fake, 'D')[0]!.identifier);
      nextHour();
    }
    expect(errors).toEqual(Array(10).fill(0));
    // The faults really happened: each kind, more than once.
    for (const kind of [/^lost issueCreate$/, /^400 /, /^429 /, /^503 /, /^silent commentCreate$/, /^silent (issueUpdate|attachmentCreate)$/]) expect(fake.faultLog.filter((f) => kind.test(f)).length, String(kind)).toBeGreaterThanOrEqual(2);
    const creates = fake.requests.filter((r) => /mutation HaloCreate/.test((r.body as { query?: string })?.query ?? ''));
    expect(creates.length).toBeGreaterThanOrEqual(5);
    expect(fake.requests.length).toBeGreaterThan(60);

    for (const l of LETTERS) expect(linearIssuesOf(fake, l), l).toHaveLength(1);
    expect(fake.issues).toHaveLength(5);
    // Every issue carries its fingerprint attachment, so a run without local state finds them all.
    for (const l of LETTERS) expect(linearIssuesOf(fake, l)[0]!.attachments.map((a) => a.url), l).toEqual([`https://halo.local/finding/${FP[l]}`]);
    for (const i of fake.issues) expect(dupes(i.comments), i.identifier).toEqual([]);
    expect(fake.issues.flatMap((i) => i.stateChanges).filter((c) => c.by === 'api' && c.to !== 'unstarted')).toEqual([]);
    expect(linearIssuesOf(fake, 'D')[0]!.stateChanges).toEqual([{ to: 'completed', by: 'human' }, { to: 'unstarted', by: 'api' }]);

    // Settled: a fault-free run, with and without the local state, changes nothing.
    fake.faults = {};
    const again = await exportFindings(linearOpts(fake, { file: scheduledRun(10), apply: true, out }));
    expect(again.plan.map((p) => p.action)).toEqual(Array(5).fill('skip'));
    const stateless = await exportFindings(linearOpts(fake, { file: scheduledRun(10), apply: true }));
    expect(stateless.plan.map((p) => p.action)).toEqual(Array(5).fill('skip'));
    expect(Object.values(exportState(out).items).filter((x) => x.pending)).toEqual([]);
  }, 60_000);

  it('a create whose answer is lost is found by its description marker, gets its attachment, and is never created twice', async () => {
    const fake = await linear({ loseCreateEvery: 1 }, 50);
    const out = tmpOut();
    const first = await exportFindings(linearOpts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(first.errors).toBe(0);
    expect(fake.issues).toHaveLength(4);
    fake.faults = {};
    nextHour();
    // The search still lags (50 listings), and an hour is past the pending window: only the marker lookup prevents duplicates.
    const second = await exportFindings(linearOpts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(second.plan.map((p) => p.action)).toEqual(Array(4).fill('skip'));
    expect(fake.issues).toHaveLength(4);
    for (const l of ['A', 'B', 'C', 'D'] as Letter[]) {
      expect(linearIssuesOf(fake, l)[0]!.attachments, l).toHaveLength(1);
      expect(exportState(out).items[FP[l]]!.key, l).toBe(linearIssuesOf(fake, l)[0]!.identifier);
    }
  });

  it('when the lookup after a lost create fails too, the create stays pending and the next run confirms it', async () => {
    const fake = await linear({ loseCreateEvery: 1 }, 50);
    const out = tmpOut();
    // The first run cannot look anything up once the create is sent (the tracker is unreachable for reads).
    let created = false;
    const flaky: typeof fetch = async (url, init) => {
      const query = String(init?.body ?? '');
      if (created && /HaloFindings|HaloLost/.test(query)) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      if (/HaloCreate/.test(query)) created = true;
      return fetch(url, init);
    };
    const single = scheduledRun(1);
    single.findings = single.findings.slice(0, 1);
    const first = await exportFindings(linearOpts(fake, { file: single, apply: true, out, http: { ...http, fetch: flaky } }));
    expect(first.pending).toBe(1);
    expect(exportState(out).items[FP.A]!.pending).toBeTruthy();
    expect(fake.issues).toHaveLength(1);
    expect(fake.issues[0]!.attachments).toEqual([]);

    fake.faults = {};
    nextHour();
    const dry = await exportFindings(linearOpts(fake, { file: single, out }));
    expect(dry.plan.map((p) => p.action)).toEqual(['skip']);
    // A dry run writes nothing, not even the missing attachment.
    expect(fake.issues[0]!.attachments).toEqual([]);
    const second = await exportFindings(linearOpts(fake, { file: single, apply: true, out }));
    expect(second.plan.map((p) => p.action)).toEqual(['skip']);
    expect(fake.issues).toHaveLength(1);
    expect(fake.issues[0]!.attachments).toHaveLength(1);
    expect(exportState(out).items[FP.A]).toMatchObject({ key: 'ENG-1' });
    expect(exportState(out).items[FP.A]!.pending).toBeUndefined();
  });
});

describe('Jira under faults', () => {
  it('ten hourly runs with lost creates, 429 + Retry-After, 503 pages, unanswered writes and a lagging search: one issue per fingerprint, no comment twice, nothing closed', async () => {
    const fake = await jira({ loseCreateEvery: 2, rateLimitEvery: 5, serverErrorEvery: 11, silentWriteEvery: 4 });
    const out = tmpOut();
    const errors: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const res = await exportFindings(jiraOpts(fake, { file: scheduledRun(i), apply: true, out }));
      errors.push(res.errors);
      if (i === 3) fake.humanClose(jiraIssuesOf(fake, 'D')[0]!.key);
      nextHour();
    }
    expect(errors).toEqual(Array(10).fill(0));
    for (const kind of [/^lost POST \/rest\/api\/3\/issue$/, /^429 /, /^503 /, /^silent POST .*\/comment$/]) expect(fake.faultLog.filter((f) => kind.test(f)).length, String(kind)).toBeGreaterThanOrEqual(2);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue').length).toBeGreaterThanOrEqual(5);
    expect(fake.requests.length).toBeGreaterThan(60);

    for (const l of LETTERS) expect(jiraIssuesOf(fake, l), l).toHaveLength(1);
    expect(fake.issues).toHaveLength(5);
    for (const i of fake.issues) expect(dupes(i.comments.map(adfText)), i.key).toEqual([]);
    expect(fake.issues.flatMap((i) => i.stateChanges).filter((c) => c.by === 'api' && c.to === 'Done')).toEqual([]);
    expect(jiraIssuesOf(fake, 'D')[0]!.stateChanges).toEqual([{ to: 'Done', by: 'human' }, { to: 'To Do', by: 'api' }]);

    fake.faults = {};
    const again = await exportFindings(jiraOpts(fake, { file: scheduledRun(10), apply: true, out }));
    expect(again.plan.map((p) => p.action)).toEqual(Array(5).fill('skip'));
    const stateless = await exportFindings(jiraOpts(fake, { file: scheduledRun(10), apply: true }));
    expect(stateless.plan.map((p) => p.action)).toEqual(Array(5).fill('skip'));
    expect(Object.values(exportState(out).items).filter((x) => x.pending)).toEqual([]);
  }, 60_000);

  it('a create whose answer is lost is pending in that run (search lags) and confirmed by the next run, not created again', async () => {
    const fake = await jira({ loseCreateEvery: 1 }, 2);
    const out = tmpOut();
    const first = await exportFindings(jiraOpts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(first.pending).toBe(4);
    expect(fake.issues).toHaveLength(4);
    fake.faults = {};
    nextHour();
    const second = await exportFindings(jiraOpts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(second.plan.map((p) => p.action)).toEqual(Array(4).fill('skip'));
    expect(second.pending).toBe(0);
    expect(fake.issues).toHaveLength(4);
    for (const l of ['A', 'B', 'C', 'D'] as Letter[]) expect(exportState(out).items[FP[l]]!.key, l).toBe(jiraIssuesOf(fake, l)[0]!.key);
  });
});

describe('reopen whose state change is done but unanswered', () => {
  it('Jira: the transition is not sent into an error; the issue is reopened once, one comment', async () => {
    const fake = await jira({}, 0);
    const out = tmpOut();
    for (let i = 1; i <= 5; i++) {
      await exportFindings(jiraOpts(fake, { file: scheduledRun(i), apply: true, out }));
      if (i === 3) fake.humanClose(jiraIssuesOf(fake, 'D')[0]!.key);
      nextHour();
    }
    fake.inject({ status: 0, method: 'POST', path: /\/transitions$/, after: true, drop: true });
    const six = await exportFindings(jiraOpts(fake, { file: scheduledRun(6), apply: true, out }));
    expect(six.plan.find((p) => p.fingerprint === FP.D)!.action).toBe('reopen');
    expect(six.errors).toBe(0);
    nextHour();
    const seven = await exportFindings(jiraOpts(fake, { file: scheduledRun(7), apply: true, out }));
    expect(seven.plan.find((p) => p.fingerprint === FP.D)!.action).toBe('skip');
    const d = jiraIssuesOf(fake, 'D')[0]!;
    expect(d.stateChanges).toEqual([{ to: 'Done', by: 'human' }, { to: 'To Do', by: 'api' }]);
    expect(d.comments.map(adfText)).toHaveLength(1);
  });

  it('Linear: the state update is done but unanswered; reopened once, one comment', async () => {
    const fake = await linear({}, 0);
    const out = tmpOut();
    for (let i = 1; i <= 5; i++) {
      await exportFindings(linearOpts(fake, { file: scheduledRun(i), apply: true, out }));
      if (i === 3) fake.humanClose(linearIssuesOf(fake, 'D')[0]!.identifier);
      nextHour();
    }
    fake.faults = { silentWriteEvery: 2 }; // the reopen's comment goes through, its issueUpdate is never answered
    const six = await exportFindings(linearOpts(fake, { file: scheduledRun(6), apply: true, out }));
    fake.faults = {};
    expect(six.plan.find((p) => p.fingerprint === FP.D)!.action).toBe('reopen');
    expect(fake.faultLog).toContain('silent issueUpdate');
    expect(six.errors).toBe(0);
    nextHour();
    const seven = await exportFindings(linearOpts(fake, { file: scheduledRun(7), apply: true, out }));
    expect(seven.plan.find((p) => p.fingerprint === FP.D)!.action).toBe('skip');
    const d = linearIssuesOf(fake, 'D')[0]!;
    expect(d.stateChanges).toEqual([{ to: 'completed', by: 'human' }, { to: 'unstarted', by: 'api' }]);
    expect(d.comments).toHaveLength(1);
  });
});

describe('a label created but its answer lost', () => {
  it('Linear: the label is looked up again, not created twice, and the issue is made in the same run', async () => {
    const fake = await linear({ loseLabelCreateEvery: 1 }, 0);
    const res = await exportFindings(linearOpts(fake, { file: scheduledRun(1), apply: true, labels: ['agent'] }));
    expect(res.errors).toBe(0);
    expect(fake.faultLog.filter((f) => f === 'lost issueLabelCreate')).toHaveLength(2);
    expect(fake.labels.map((l) => l.name).sort()).toEqual(['agent', 'halo']);
    expect(fake.issues).toHaveLength(4);
    for (const i of fake.issues) expect(fake.labelNames(i).sort()).toEqual(['agent', 'halo']);
  });
});
