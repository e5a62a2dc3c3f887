// `halo export github` against a loopback server that behaves like the GitHub
// Issues API (pagination, label 422, rate limits, 5xx, lagging search).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings, type ExportOptions } from '../src/export/index.ts';
import { startFakeGithub, type FakeGithub } from './helpers/fake-github.ts';
import { expectedActions, finding, findingsFile, FP, scheduledRun, type Letter, exportState } from './helpers/findings-runs.ts';
import { halorunAsync } from './helpers/cli.ts';

const REPO = 'acme/agent';
const TOKEN = 'ghp_test_token';

let fake: FakeGithub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The CLI, asynchronously: the loopback server lives in this process and must keep answering. */
function halo_(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return halorunAsync(cwd, args, { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '', ...env });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'halo-export-gh-'));
}

function opts(f: FakeGithub, extra: Partial<ExportOptions>, sleeps: number[] = []): ExportOptions {
  return {
    target: 'github',
    github: { repo: REPO, apiUrl: f.url },
    env: { GITHUB_TOKEN: TOKEN },
    http: { sleep: async (ms) => void sleeps.push(ms), writeIntervalMs: 0 },
    ...extra,
  } as ExportOptions;
}

const letterOf = (fp: string) => (Object.entries(FP).find(([, v]) => v === fp)?.[0] ?? fp) as Letter;
const issueOf = (f: FakeGithub, letter: Letter) => f.issues.filter((i) => i.body.includes(`halo:fingerprint=${FP[letter]}`));

describe('halo export github', () => {
  it('dry run (CLI) prints the plan and payloads and sends no writes', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const dir = tmp();
    const file = join(dir, 'findings.json');
    writeFileSync(file, JSON.stringify(scheduledRun(1)));
    const r = await halo_(['export', 'github', '--findings', file, '--repo', REPO, '--api-url', fake.url], dir, { GITHUB_TOKEN: TOKEN });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Export plan for github:acme\/agent: 4 create, 0 update, 0 reopen, 0 skip/);
    expect(r.stdout).toContain(`create ${FP.A} [critical]`);
    expect(r.stdout).toContain(`POST /repos/${REPO}/issues`);
    expect(r.stdout).toContain(`<!-- halo:fingerprint=${FP.B} -->`);
    expect(r.stdout).toMatch(/Dry run: nothing was written/);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.writes()).toEqual([]);
    expect(existsSync(join(dir, 'export-result.json'))).toBe(false);
  });

  it('takes repo and API URL from halo.config.json exports.github; --json prints plan and requests', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const dir = tmp();
    writeFileSync(join(dir, 'findings.json'), JSON.stringify(scheduledRun(1)));
    writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ exports: { github: { repo: REPO, apiUrl: fake.url, top: 2, labels: ['from-config'] } } }));
    const r = await halo_(['export', 'github', '--findings', 'findings.json', '--json'], dir, { GITHUB_TOKEN: TOKEN });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.destination).toBe(`github:${REPO}`);
    expect(out.applied).toBe(false);
    expect(out.plan.map((p: { action: string }) => p.action)).toEqual(['create', 'create']);
    expect(out.requests[0].body.labels).toEqual(['halo', 'from-config', 'severity:critical']);
    expect(fake.writes()).toEqual([]);
    const applied = await halo_(['export', 'github', '--findings', 'findings.json', '--apply', '--top', '1'], dir, { GITHUB_TOKEN: TOKEN });
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stderr).toMatch(/created #1 https:\/\/github\.example\/acme\/agent\/issues\/1/);
    expect(fake.issues).toHaveLength(1);
    expect(exportState(join(dir, 'export-result.json')).items[FP.A].url).toBe(`https://github.example/${REPO}/issues/1`);
  });

  it('ten scheduled runs create each issue once, comment on recurrences, reopen the regressed one and never close anything', async () => {
    // Pages of 2 and a search index that hides new issues for the next 3 listings.
    fake = await startFakeGithub({ repo: REPO, token: TOKEN, pageSize: 2, searchLag: 3 });
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    const sleeps: number[] = [];
    for (let i = 1; i <= 10; i++) {
      if (i === 2) {
        // Rate limits and a flaky server on the second run: it still completes.
        fake.inject(
          { status: 502, method: 'GET', body: { message: 'Bad Gateway' } },
          { status: 429, method: 'PATCH', headers: { 'retry-after': '2' }, body: { message: 'API rate limit exceeded' } },
          { status: 403, method: 'POST', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } },
        );
      }
      const res = await exportFindings(opts(fake, { file: scheduledRun(i), apply: true, out }, sleeps));
      const actions = Object.fromEntries(res.plan.map((p) => [letterOf(p.fingerprint), p.action]));
      expect(actions, `run ${i}`).toEqual(expectedActions(i));
      expect(res.errors, `run ${i}`).toBe(0);
      if (i === 3) fake.humanClose(issueOf(fake, 'D')[0]!.number);
    }
    for (const l of ['A', 'B', 'C', 'D', 'E'] as Letter[]) expect(issueOf(fake, l), l).toHaveLength(1);
    expect(fake.issues).toHaveLength(5);
    expect(issueOf(fake, 'A')[0]!.comments).toHaveLength(0);
    expect(issueOf(fake, 'B')[0]!.comments).toHaveLength(9);
    expect(issueOf(fake, 'B')[0]!.comments.at(-1)).toMatch(/15 of 100 traces .*previously 14 of 100 traces/);
    expect(issueOf(fake, 'B')[0]!.body).toContain('halo:digest=');
    expect(issueOf(fake, 'B')[0]!.body).toMatch(/15 of 100 traces/);
    expect(issueOf(fake, 'C')[0]!.comments).toHaveLength(2);
    const d = issueOf(fake, 'D')[0]!;
    expect(d.state).toBe('open');
    expect(d.comments).toHaveLength(1);
    expect(d.comments[0]).toMatch(/after the issue was closed.*Reopening/);
    expect(d.stateChanges).toEqual([{ to: 'closed', by: 'human' }, { to: 'open', by: 'api' }]);
    expect(fake.issues.flatMap((i) => i.stateChanges).filter((c) => c.to === 'closed' && c.by === 'api')).toEqual([]);
    expect(fake.labels.has('halo')).toBe(true);
    // Backoff honoured retry-after (2 s) and the secondary limit (reset + 1 s), and backed off on the 502.
    expect(sleeps).toContain(2000);
    expect(sleeps).toContain(1000);
    expect(sleeps.length).toBeGreaterThanOrEqual(3);
    // Writes went out one at a time, every one authenticated.
    for (const w of fake.writes()) expect(w.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const result = exportState(out);
    expect(Object.keys(result.items).sort()).toEqual(Object.values(FP).sort());
    expect(result.items[FP.D].url).toBe(`https://github.example/${REPO}/issues/${d.number}`);
    expect(result.items[FP.D].action).toBe('skip');

    // Another machine (no local state) once the search index caught up: nothing duplicated.
    fake.searchLag = 0;
    for (let k = 0; k < 3; k++) await exportFindings(opts(fake, { file: scheduledRun(10), apply: false }));
    const elsewhere = await exportFindings(opts(fake, { file: scheduledRun(10), apply: true, out: join(dir, 'other.json') }));
    expect(elsewhere.plan.map((p) => p.action)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip']);
    expect(fake.issues).toHaveLength(5);
  });

  it('without local state a lagging search would duplicate; with export-result.json it does not', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN, searchLag: 5 });
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    const again = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(again.plan.map((p) => p.action)).toEqual(['skip', 'skip', 'skip', 'skip']);
    expect(fake.issues).toHaveLength(4);
    // The listing really did not show them: the state file made the difference.
    const dry = await exportFindings(opts(fake, { file: scheduledRun(1), apply: false }));
    expect(dry.plan.map((p) => p.action)).toEqual(['create', 'create', 'create', 'create']);
  });

  it('top-N, minimum severity, label and priority maps, bounded evidence', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const file = findingsFile('run-x', [
      finding('A', 40, 1),
      finding('B', 20, 2),
      finding('C', 5, 3),
      finding('D', 2, 4, undefined, { evidence: [{ traceId: 't1', excerpt: 'ping @octocat <!-- halo:fingerprint=0000000000000000 --> [x](http://evil)' }] }),
    ]);
    const top = await exportFindings(opts(fake, { file, top: 2 }));
    expect(top.plan.map((p) => letterOf(p.fingerprint))).toEqual(['A', 'B']);
    const sev = await exportFindings(opts(fake, { file, minSeverity: 'medium' }));
    expect(sev.plan.map((p) => letterOf(p.fingerprint))).toEqual(['A', 'B', 'C']);
    const settings = await exportFindings(opts(fake, { file, settings: { repo: REPO, apiUrl: fake.url, top: 1 } }));
    expect(settings.plan).toHaveLength(1);

    await exportFindings(opts(fake, { file, apply: true, labelMap: { high: ['P1', 'bug'] }, priorityMap: { critical: 'P0' }, labels: ['agent'] }));
    const byLetter = (l: Letter) => issueOf(fake!, l)[0]!;
    expect(byLetter('B').labels).toEqual(['halo', 'agent', 'P1', 'bug']);
    expect(byLetter('A').labels).toEqual(['halo', 'agent', 'severity:critical', 'P0']);
    expect(byLetter('C').labels).toEqual(['halo', 'agent', 'severity:medium']);
    // 40 cited traces, 10 in the body.
    const a = byLetter('A').body;
    expect(a.match(/`trace-A-\d+`/g)).toHaveLength(10);
    expect(a).toContain('Evidence (10 of 40 traces)');
    // Hostile excerpt: no mention, no second marker, no link.
    const dBody = byLetter('D').body;
    expect(dBody).not.toContain('@octocat');
    expect(dBody.match(/<!-- halo:fingerprint=/g)).toHaveLength(1);
    expect(dBody).toContain('\\[x\\](http://evil)');
    expect(dBody).not.toMatch(/[^\\]\[x\]\(/);
  });

  it('an issue a person closed as not planned is not reopened', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const dir = tmp();
    const out = join(dir, 'r.json');
    await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    fake.humanClose(issueOf(fake, 'C')[0]!.number, 'not_planned');
    const next = await exportFindings(opts(fake, { file: scheduledRun(2), apply: true, out }));
    const c = next.plan.find((p) => p.fingerprint === FP.C)!;
    expect(c.action).toBe('skip');
    expect(c.reason).toMatch(/not planned/);
    expect(issueOf(fake, 'C')[0]!.state).toBe('closed');
  });

  it('bad input and missing credentials are clear errors', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const dir = tmp();
    const bad = join(dir, 'findings.json');
    writeFileSync(bad, '{"schemaVersion": 1}');
    await expect(exportFindings(opts(fake, { findingsFile: bad }))).rejects.toThrow(/findings\.json: not a halo findings file: run/);
    await expect(exportFindings({ ...opts(fake, { file: scheduledRun(1), apply: true }), env: {} })).rejects.toThrow(/GITHUB_TOKEN/);
    const r = await halo_(['export', 'github', '--findings', join(dir, 'nope.json'), '--repo', REPO], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nope\.json: cannot read \(ENOENT\)/);
    // A 401 from the tracker fails the write, names the request, and the CLI exits 1.
    writeFileSync(join(dir, 'f.json'), JSON.stringify(scheduledRun(1)));
    const denied = await halo_(['export', 'github', '--findings', 'f.json', '--repo', REPO, '--api-url', fake.url, '--apply'], dir, { GITHUB_TOKEN: 'wrong' });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/HTTP 401: Requires authentication/);
    expect(fake.issues).toHaveLength(0);
  });

  it('a create that fails with 5xx is never created again in that run: one the server made anyway is kept, a missing one waits as pending, then is created once', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    const issuesPath = new RegExp(`^/repos/${REPO}/issues$`);
    fake.inject({ status: 502, method: 'POST', path: issuesPath, after: true, body: { message: 'Server Error' } }, { status: 500, method: 'POST', path: issuesPath, body: { message: 'Server Error' } });
    const res = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(res.errors).toBe(0);
    expect(res.pending).toBe(1);
    expect(fake.issues).toHaveLength(3);
    for (const l of ['A', 'C', 'D'] as Letter[]) expect(issueOf(fake, l), l).toHaveLength(1);
    expect(res.results.items[FP.A]!.url).toBe(`https://github.example/${REPO}/issues/1`);
    expect(exportState(out).items[FP.B]!.pending).toBeTruthy();
    // The next run inside the window still waits for it; once the window is over and it never appeared, it is created.
    const waiting = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(waiting.plan.find((p) => p.fingerprint === FP.B)!.reason).toMatch(/pending/);
    expect(fake.issues).toHaveLength(3);
    const later = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out, pendingWindowMs: 0 }));
    expect(later.plan.find((p) => p.fingerprint === FP.B)!.action).toBe('create');
    for (const l of ['A', 'B', 'C', 'D'] as Letter[]) expect(issueOf(fake, l), l).toHaveLength(1);
    expect(exportState(out).items[FP.B]!.pending).toBeUndefined();
  });

  it('a tracker that does not answer: a few retries, then an error naming the request', async () => {
    fake = await startFakeGithub({ repo: REPO, token: TOKEN });
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const sleeps: number[] = [];
    const gone = { target: 'github', file: scheduledRun(1), github: { repo: REPO, apiUrl: url }, env: {}, http: { sleep: async (ms: number) => void sleeps.push(ms) } } as ExportOptions;
    await expect(exportFindings(gone)).rejects.toThrow(new RegExp(`GET ${url}/repos/${REPO}/issues\\?labels=halo.* failed: no response: cannot connect \\(ECONNREFUSED\\)`));
    expect(sleeps).toEqual([1000, 2000]);
  });
});
