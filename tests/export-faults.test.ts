// The exporter against a GitHub that misbehaves the way networks and proxies
// do: lost responses, lagging listings, bodies that are not what the endpoint
// returns, silence, endless pagination, rate limits. Whatever happens, each
// finding ends up as exactly one issue and nothing is read as "no issues".
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings, type ExportOptions } from '../src/export/index.ts';
import { startFakeGithub, type FakeGithub } from './helpers/fake-github.ts';
import { exportState, finding, findingsFile, FP, scheduledRun, type Letter } from './helpers/findings-runs.ts';
import { halorunAsync } from './helpers/cli.ts';

const REPO = 'acme/agent';
const TOKEN = 'ghp_fault_token';

let fakes: FakeGithub[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});
async function github(opts: Parameters<typeof startFakeGithub>[0] = { repo: REPO, token: TOKEN }): Promise<FakeGithub> {
  const f = await startFakeGithub(opts);
  fakes.push(f);
  return f;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'halo-export-faults-'));
}

function opts(f: FakeGithub, extra: Partial<ExportOptions>, repo = REPO): ExportOptions {
  return {
    target: 'github',
    github: { repo, apiUrl: f.url },
    env: { GITHUB_TOKEN: TOKEN },
    http: { sleep: async () => {}, writeIntervalMs: 0 },
    ...extra,
  } as ExportOptions;
}

const issuesFor = (f: FakeGithub, fp: string) => f.issues.filter((i) => i.body.includes(`halo:fingerprint=${fp}`));
const issuesPath = new RegExp(`^/repos/${REPO}/issues$`);
const listPath = new RegExp(`^/repos/${REPO}/issues\\?`);

/** Seven findings with their own fingerprints. */
function sevenFindings() {
  const fps = Array.from({ length: 7 }, (_, i) => `${'0123456'[i]}`.repeat(15) + 'f');
  const letters: Letter[] = ['A', 'B', 'C', 'D', 'E', 'A', 'B'];
  return { fps, file: findingsFile('run-seven', fps.map((fingerprint, i) => finding(letters[i]!, 3 + i, i + 1, 'new', { fingerprint, title: `Finding ${i + 1}: tool fails`, key: { component: `tool-${i}`, signature: 'bad_arguments' } }))) };
}

describe('export against a faulty tracker', () => {
  it('loses every third create response, rate-limits every fifth request, lags its listing: four CLI runs (the third without state) leave one issue per finding, the fourth creates none', async () => {
    const fake = await github({ repo: REPO, token: TOKEN, searchLag: 2, faults: { loseCreateEvery: 3, rateLimitEvery: 5, retryAfter: '1' } });
    const dir = tmp();
    const { fps, file } = sevenFindings();
    writeFileSync(join(dir, 'findings.json'), JSON.stringify(file));
    const state = join(dir, 'export-result.json');
    const run = () => halorunAsync(dir, ['export', 'github', '--findings', 'findings.json', '--repo', REPO, '--api-url', fake.url, '--apply'], { ...process.env, GITHUB_TOKEN: TOKEN, GH_TOKEN: '' });
    const createsIn = (from: number) => fake.requests.slice(from).filter((r) => r.method === 'POST' && issuesPath.test(r.path)).length;

    const first = await run();
    expect(first.status, first.stderr).toBe(0);
    // Two creates got no answer; neither was created a second time in that run.
    expect(first.stderr).toMatch(/recorded as pending/);
    expect(fake.issues).toHaveLength(7);
    expect(Object.values(exportState(state).items).filter((i) => i.pending)).toHaveLength(2);

    const second = await run();
    expect(second.status, second.stderr).toBe(0);
    expect(fake.issues).toHaveLength(7);
    expect(Object.values(exportState(state).items).filter((i) => i.pending)).toEqual([]);

    rmSync(state);
    const third = await run();
    expect(third.status, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/: 0 create,/);
    expect(existsSync(state)).toBe(true);

    const before = fake.requests.length;
    const fourth = await run();
    expect(fourth.status, fourth.stderr).toBe(0);
    expect(fourth.stdout).toMatch(/: 0 create, 0 update, 0 reopen, 7 skip/);
    expect(createsIn(before)).toBe(0);

    for (const fp of fps) expect(issuesFor(fake, fp), fp).toHaveLength(1);
    expect(fake.issues).toHaveLength(7);
    // The faults really happened: 429s were answered and retried.
    expect(fake.requests.length).toBeGreaterThan(20);
  }, 120_000);

  it('a 200 listing that is truncated JSON or an HTML proxy page is an error, never "no issues"', async () => {
    const fake = await github();
    await exportFindings(opts(fake, { file: scheduledRun(1), apply: true }));
    expect(fake.issues).toHaveLength(4);
    fake.inject({ status: 200, method: 'GET', path: listPath, raw: '[{"number":1,"html_url":"https://github.example/x/1","sta' });
    await expect(exportFindings(opts(fake, { file: scheduledRun(1), apply: true }))).rejects.toThrow(/malformed response \(HTTP 200 body is not valid JSON/);
    fake.inject({ status: 200, method: 'GET', path: listPath, raw: '<html><body>Proxy login</body></html>', contentType: 'text/html' });
    await expect(exportFindings(opts(fake, { file: scheduledRun(1), apply: true }))).rejects.toThrow(/malformed response \(HTTP 200 with content-type "text\/html"/);
    fake.inject({ status: 200, method: 'GET', path: listPath, body: [{ title: 'no number' }] });
    await expect(exportFindings(opts(fake, { file: scheduledRun(1), apply: true }))).rejects.toThrow(/malformed response \(HTTP 200: 0\.number/);
    expect(fake.issues).toHaveLength(4);
  });

  it('a remembered issue whose lookup comes back malformed fails the run; no "#undefined" request, the stored ids stay', async () => {
    const fake = await github({ repo: REPO, token: TOKEN, searchLag: 50 });
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    const stored = readFileSync(out, 'utf8');
    fake.inject({ status: 200, method: 'GET', path: /\/issues\/\d+$/, body: { message: 'ok' } });
    await expect(exportFindings(opts(fake, { file: scheduledRun(2), apply: true, out }))).rejects.toThrow(/malformed response/);
    expect(fake.requests.some((r) => r.path.includes('undefined'))).toBe(false);
    expect(readFileSync(out, 'utf8')).toBe(stored);
    const ok = await exportFindings(opts(fake, { file: scheduledRun(2), apply: true, out }));
    expect(ok.plan.map((p) => p.issue?.key)).toEqual(['#1', '#2', '#3', '#4']);
    expect(fake.issues).toHaveLength(4);
  });

  it('a 201 whose body is malformed: pending, not "#undefined", and the next run finds it instead of creating a second', async () => {
    const fake = await github();
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    fake.inject({ status: 201, method: 'POST', path: issuesPath, after: true, body: { created: true } });
    // Hidden from the listing the exporter makes right after the create, visible to the next run's.
    fake.searchLag = 2;
    const res = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(res.pending).toBe(1);
    expect(JSON.stringify(exportState(out))).not.toContain('undefined');
    expect(exportState(out).items[FP.A]!.pending).toBeTruthy();
    fake.searchLag = 0;
    const next = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(next.plan.map((p) => p.action)).toEqual(['skip', 'skip', 'skip', 'skip']);
    expect(exportState(out).items[FP.A]!.key).toBe('#1');
    for (const l of ['A', 'B', 'C', 'D'] as Letter[]) expect(issuesFor(fake, FP[l]), l).toHaveLength(1);
  });

  it('a server that accepts and never answers: the dry run ends at the header timeout with a clear error', async () => {
    const fake = await github();
    fake.inject({ status: 0, silent: true }, { status: 0, silent: true }, { status: 0, silent: true });
    const run = exportFindings(opts(fake, { file: scheduledRun(1), http: { sleep: async () => {}, timeouts: { headersMs: 150 } } }));
    await expect(run).rejects.toThrow(/GET .*\/issues\?labels=halo.* failed: no response: no response within 150 ms/);
    // Reads are retried twice, then given up.
    expect(fake.requests).toHaveLength(3);
  });

  it('endless Link: rel="next" pagination stops at the page cap with an error', async () => {
    const fake = await github({ repo: REPO, token: TOKEN, faults: { endlessPages: true } });
    await expect(exportFindings(opts(fake, { file: scheduledRun(1) }))).rejects.toThrow(/more than 200 pages; stopping/);
    expect(fake.requests.length).toBeLessThanOrEqual(201);
    expect(fake.writes()).toEqual([]);
  });

  it('a comment the server saved before failing (5xx, lost response) is looked for, not posted again', async () => {
    const fake = await github();
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    const comments = /\/issues\/\d+\/comments$/;
    // Run 2 comments on B: the server saves it, then answers 502.
    fake.inject({ status: 502, method: 'POST', path: comments, after: true, body: { message: 'Server Error' } });
    const two = await exportFindings(opts(fake, { file: scheduledRun(2), apply: true, out }));
    expect(two.errors).toBe(0);
    expect(issuesFor(fake, FP.B)[0]!.comments).toHaveLength(1);
    // Run 5 comments on B (saved, then the connection drops) and on C (a 500 before saving: sent once more).
    fake.inject({ status: 0, method: 'POST', path: comments, after: true, drop: true });
    fake.inject({ status: 500, method: 'POST', path: comments, body: { message: 'Server Error' } });
    const five = await exportFindings(opts(fake, { file: scheduledRun(5), apply: true, out }));
    expect(five.errors).toBe(0);
    expect(issuesFor(fake, FP.B)[0]!.comments).toHaveLength(2);
    expect(issuesFor(fake, FP.C)[0]!.comments).toHaveLength(1);
  });

  it('exporting to a second repository keeps the first one\'s state', async () => {
    const one = await github({ repo: 'acme/one', token: TOKEN, searchLag: 50 });
    const two = await github({ repo: 'acme/two', token: TOKEN, searchLag: 50 });
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    await exportFindings(opts(one, { file: scheduledRun(1), apply: true, out }, 'acme/one'));
    await exportFindings(opts(two, { file: scheduledRun(1), apply: true, out }, 'acme/two'));
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(file.destinations).sort()).toEqual(['github:acme/one', 'github:acme/two']);
    // Listings lag, so only the kept state prevents duplicates in both.
    const again1 = await exportFindings(opts(one, { file: scheduledRun(1), apply: true, out }, 'acme/one'));
    const again2 = await exportFindings(opts(two, { file: scheduledRun(1), apply: true, out }, 'acme/two'));
    expect([...again1.plan, ...again2.plan].map((p) => p.action)).toEqual(Array(8).fill('skip'));
    expect(one.issues).toHaveLength(4);
    expect(two.issues).toHaveLength(4);
  });

  it('reads a version-1 export-result.json as the state of its one destination', async () => {
    const fake = await github({ repo: REPO, token: TOKEN, searchLag: 50 });
    const dir = tmp();
    const out = join(dir, 'export-result.json');
    await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    const section = exportState(out);
    writeFileSync(out, JSON.stringify({ schemaVersion: 1, ...section }));
    const again = await exportFindings(opts(fake, { file: scheduledRun(1), apply: true, out }));
    expect(again.plan.map((p) => p.action)).toEqual(['skip', 'skip', 'skip', 'skip']);
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(2);
  });
});
