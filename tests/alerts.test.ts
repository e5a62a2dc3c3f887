// Alerts (issue 23): new, regressed and resurfaced findings posted to a JSON
// webhook and a Slack incoming webhook, once per finding and state, against
// loopback servers that fail, rate-limit, hang and answer slowly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertState, alertTargets, sendAlerts, type AlertTargets } from '../src/alerts/index.ts';
import { slackEscape } from '../src/alerts/payload.ts';
import type { Finding, FindingsFile } from '../src/findings/schema.ts';
import { finding, findingsFile, FP } from './helpers/findings-runs.ts';
import { startFakeSlack, startFakeWebhook, type AlertServer } from './helpers/fake-alerts.ts';
import { halorunAsync, cliEnv } from './helpers/cli.ts';
import { runScheduledAnalysis } from '../src/schedule/job.ts';
import { HaloConfig } from '../src/config/schema.ts';

let state: string;
let slack: AlertServer;
let hook: AlertServer;

beforeEach(async () => {
  state = mkdtempSync(join(tmpdir(), 'halo-alerts-'));
  slack = await startFakeSlack();
  hook = await startFakeWebhook();
});
afterEach(async () => {
  await slack.close();
  await hook.close();
  rmSync(state, { recursive: true, force: true });
});

const targets = (over: Partial<AlertTargets> = {}): AlertTargets => ({
  webhook: { url: hook.url },
  slack: { url: slack.url },
  states: ['new', 'regressed', 'resurfaced'],
  includeDetails: false,
  timeoutMs: 20_000,
  ...over,
});

const noWait = async () => {};
const send = (file: FindingsFile, t = targets(), log: string[] = []) =>
  sendAlerts({ file, targets: t, stateDir: state, scope: 'default', reportPath: '/srv/halo/report.html', sleep: noWait, log: (l) => log.push(l) });

const fps = (r: { body: unknown }) => ((r.body as { findings: Array<{ fingerprint: string; state: string }> }).findings ?? []).map((f) => `${f.fingerprint}:${f.state}`);

describe('which findings alert', () => {
  it('new, regressed and resurfaced alert; recurring and muted do not', () => {
    expect(alertState({ status: 'new' })).toBe('new');
    expect(alertState({ status: 'regressed' })).toBe('regressed');
    expect(alertState({ status: 'recurring' })).toBeNull();
    expect(alertState({})).toBeNull();
    expect(alertState({ status: 'recurring', muted: { reason: 'x', at: 't', resurfaced: false } })).toBeNull();
    expect(alertState({ status: 'recurring', muted: { reason: 'x', at: 't', resurfaced: true } })).toBe('resurfaced');
  });
});

describe('sendAlerts', () => {
  it('posts each finding once per state across runs: new once, again when it regresses after being resolved', async () => {
    const run1 = findingsFile('run-1', [finding('A', 10, 1, 'new'), finding('B', 5, 2, 'new')]);
    const out1 = await send(run1);
    expect(out1.map((o) => [o.destination, o.sent, o.error])).toEqual([['webhook', 2, undefined], ['slack', 2, undefined]]);
    expect(hook.delivered.map(fps)).toEqual([[`${FP.A}:new`, `${FP.B}:new`]]);
    expect(slack.delivered).toHaveLength(1);

    // The same run sent again (a retried cron job), and the next run where both recur: nothing new to say.
    await send(run1);
    await send(findingsFile('run-2', [finding('A', 10, 1, 'recurring'), finding('B', 5, 2, 'recurring')]));
    expect(hook.requests).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);

    // B resolved, then back: one regressed post.
    await send({ ...findingsFile('run-3', [finding('A', 10, 1, 'recurring')]), resolved: [{ fingerprint: FP.B, title: 'B', lastSeen: 'run-2' }] });
    await send(findingsFile('run-4', [finding('A', 10, 1, 'recurring'), finding('B', 5, 2, 'regressed')]));
    await send(findingsFile('run-5', [finding('A', 10, 1, 'recurring'), finding('B', 5, 2, 'recurring')]));
    expect(hook.delivered.map(fps)).toEqual([[`${FP.A}:new`, `${FP.B}:new`], [`${FP.B}:regressed`]]);
    expect(slack.delivered).toHaveLength(2);
  });

  it('a muted finding alerts when it resurfaces, once, and again only after going back under its mute', async () => {
    const muted = (resurfaced: boolean): Partial<Finding> => ({ muted: { reason: 'flaky', at: '2026-11-01', resurfaced } });
    await send(findingsFile('r1', [finding('C', 3, 1, 'recurring', muted(false))]));
    await send(findingsFile('r2', [finding('C', 9, 1, 'recurring', muted(true))]));
    await send(findingsFile('r3', [finding('C', 9, 1, 'recurring', muted(true))]));
    await send(findingsFile('r4', [finding('C', 3, 1, 'recurring', muted(false))]));
    await send(findingsFile('r5', [finding('C', 9, 1, 'recurring', muted(true))]));
    expect(hook.delivered.map(fps)).toEqual([[`${FP.C}:resurfaced`], [`${FP.C}:resurfaced`]]);
  });

  it('the webhook gets titles, numbers and verified trace ids, signed; no trace content unless configured', async () => {
    const file = findingsFile('run-1', [finding('A', 12, 1, 'new')]);
    const t = targets({ webhook: { url: hook.url, secret: 's3cret' }, slack: undefined as never });
    delete (t as Partial<AlertTargets>).slack;
    await send(file, t);
    const [got] = hook.delivered;
    const body = got!.body as { findings: Array<Record<string, unknown>>; report: string; run: { id: string } };
    expect(body.report).toBe('/srv/halo/report.html');
    expect(body.run.id).toBe('run-1');
    const f = body.findings[0]!;
    expect(f.title).toBe(file.findings[0]!.title);
    expect(f.traceIds).toEqual(file.findings[0]!.evidence.slice(0, 10).map((e) => e.traceId));
    expect(f).not.toHaveProperty('summary');
    expect(got!.raw).not.toContain('error in A'); // the evidence excerpts are trace content
    const ts = String(got!.headers['x-halo-timestamp']);
    expect(got!.headers['x-halo-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(`${ts}.${got!.raw}`).digest('hex')}`);
    expect(got!.headers['x-halo-delivery']).toMatch(/^[0-9a-f]{32}$/);

    await send(findingsFile('run-2', [finding('B', 2, 1, 'new')]), { ...t, includeDetails: true });
    expect((hook.delivered[1]!.body as { findings: Array<Record<string, unknown>> }).findings[0]).toMatchObject({ summary: expect.any(String), fix: expect.any(String) });
  });

  it('Slack: Block Kit that Slack accepts, titles escaped so trace text cannot mention @channel or forge a link', async () => {
    const evil = finding('A', 3, 1, 'new', { title: 'tool <!channel> failed <http://evil|click>' });
    await send(findingsFile('run-1', [evil]), targets({ reportUrl: 'https://ci.example/halo/report.html' }));
    const body = slack.delivered[0]!.body as { text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }> };
    expect(body.blocks[0]!.type).toBe('header');
    expect(slack.delivered[0]!.raw).not.toContain('<!channel>');
    expect(body.blocks[1]!.text!.text).toContain(slackEscape('<!channel>'));
    expect(body.blocks.at(-1)!.elements![0]!.text).toContain('<https://ci.example/halo/report.html|Open the report>');
  });

  it('links each finding\'s tracker issue when the run exported it', async () => {
    const issues = new Map([[FP.A, 'https://github.example/acme/agents/issues/7']]);
    await sendAlerts({ file: findingsFile('run-1', [finding('A', 3, 1, 'new'), finding('B', 2, 2, 'new')]), targets: targets(), stateDir: state, scope: 'default', issues });
    const fs = (hook.delivered[0]!.body as { findings: Array<{ fingerprint: string; issue?: string }> }).findings;
    expect(fs.find((f) => f.fingerprint === FP.A)!.issue).toBe('https://github.example/acme/agents/issues/7');
    expect(fs.find((f) => f.fingerprint === FP.B)).not.toHaveProperty('issue');
    expect(slack.delivered[0]!.raw).toContain('<https://github.example/acme/agents/issues/7|issue>');
  });

  it('retries 429 with the Retry-After it asked for and 5xx, then records the post once', async () => {
    slack.faults.push({ status: 429, retryAfter: '7' }, { status: 503 });
    const waits: number[] = [];
    const out = await sendAlerts({ file: findingsFile('run-1', [finding('A', 3, 1, 'new')]), targets: targets(), stateDir: state, scope: 'default', sleep: async (ms) => void waits.push(ms) });
    expect(out.find((o) => o.destination === 'slack')).toMatchObject({ sent: 1 });
    expect(waits[0]).toBe(7000);
    expect(slack.requests).toHaveLength(3);
    expect(slack.delivered).toHaveLength(1);
  });

  it('invalid_payload is not retried and not recorded: the next run posts the finding again', async () => {
    slack.faults.push({ status: 400, body: 'invalid_payload' });
    const log: string[] = [];
    const [, s1] = await send(findingsFile('run-1', [finding('A', 3, 1, 'new')]), targets(), log);
    expect(s1!.error).toMatch(/HTTP 400: invalid_payload/);
    expect(s1!.error).not.toContain('XXXXSECRETXXXX'); // the webhook URL is a credential
    expect(slack.requests).toHaveLength(1);
    // The webhook destination succeeded and is not sent again; Slack is.
    await send(findingsFile('run-2', [finding('A', 3, 1, 'recurring')]));
    expect(slack.delivered).toHaveLength(0);
    await send(findingsFile('run-3', [finding('A', 3, 1, 'new')]));
    expect(slack.delivered).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
  });

  it('a destination that never answers ends at the alert deadline; the other is delivered and the call returns', async () => {
    slack.faults.push({ hang: true }, { hang: true }, { hang: true }, { hang: true }, { hang: true });
    hook.faults.push({ delayMs: 200 });
    const out = await sendAlerts({ file: findingsFile('run-1', [finding('A', 3, 1, 'new')]), targets: targets({ timeoutMs: 1500 }), stateDir: state, scope: 'default' });
    expect(out.find((o) => o.destination === 'webhook')).toMatchObject({ sent: 1 });
    expect(out.find((o) => o.destination === 'slack')!.error).toMatch(/not delivered within the alert deadline/);
    expect(hook.delivered).toHaveLength(1);
  });
});

describe('alert settings', () => {
  it('flags over config, URLs from the environment, bad values named', () => {
    expect(alertTargets(undefined, {})).toBeNull();
    const t = alertTargets({ slack: { urlEnv: 'MY_SLACK' }, webhook: { url: 'https://hooks.example/x', secretEnv: 'HOOK_SECRET' }, states: ['new'], timeout: '10s' }, {}, { MY_SLACK: 'https://hooks.slack.example/services/T/B/C', HOOK_SECRET: 'k' })!;
    expect(t).toMatchObject({ slack: { url: 'https://hooks.slack.example/services/T/B/C' }, webhook: { url: 'https://hooks.example/x', secret: 'k' }, states: ['new'], timeoutMs: 10_000 });
    expect(() => alertTargets({ slack: { urlEnv: 'NOPE' } }, {}, {})).toThrow(/NOPE is not set/);
    expect(() => alertTargets(undefined, { webhook: 'ftp://x/y' })).toThrow(/not an http\(s\) URL/);
  });
});

describe('halo analyze --alert-slack (the CLI)', () => {
  it('posts the first run\'s new findings once, and nothing when the second run finds them again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-alerts-cli-'));
    try {
      const args = ['analyze', join(process.cwd(), 'tests/fixtures/tau-bench/gpt-4o-airline.json'), '--offline', '--format', 'json', '--out', join(dir, 'out'), '--state', join(dir, '.halo'), '--alert-slack', slack.url, '--alert-webhook', hook.url];
      const r1 = await halorunAsync(dir, args, cliEnv);
      expect(r1.status, r1.stderr).toBe(0);
      expect(r1.stderr).toMatch(/alerts: slack: \d+ findings? posted/);
      expect(r1.stderr).not.toContain('XXXXSECRETXXXX');
      const first = (hook.delivered[0]!.body as { findings: unknown[]; report: string });
      const written = JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')) as FindingsFile;
      expect(first.findings).toHaveLength(written.findings.filter((f) => alertState(f)).length);
      expect(first.report).toBe(join(dir, 'out', 'findings.json'));
      const r2 = await halorunAsync(dir, args, cliEnv);
      expect(r2.status, r2.stderr).toBe(0);
      expect(slack.requests).toHaveLength(1);
      expect(hook.requests).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('a hanging Slack never holds the run', () => {
  it('the CLI ends at the alert deadline with exit 0, the reports written and the failure said', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-alerts-hang-'));
    try {
      for (let i = 0; i < 10; i++) slack.faults.push({ hang: true });
      writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ alerts: { slack: { urlEnv: 'SLACK_URL' }, timeout: '2s' } }));
      const r = await halorunAsync(dir, ['analyze', join(process.cwd(), 'tests/fixtures/tau-bench/gpt-4o-airline.json'), '--offline', '--format', 'json', '--out', 'out'], { ...cliEnv, SLACK_URL: slack.url });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/alerts: slack failed \(.*not delivered within the alert deadline\); its findings will be sent with the next run/);
      expect(r.stderr).not.toContain('XXXXSECRETXXXX');
      expect(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')).toContain('"findings"');
      expect(slack.delivered).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('scheduled runs', () => {
  it('a schedule posts to the destinations of the config\'s "alerts", the Slack URL read from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-alerts-sched-'));
    try {
      const config = HaloConfig.parse({
        inputs: [join(process.cwd(), 'tests/fixtures/tau-bench/gpt-4o-airline.json')],
        state: join(dir, '.halo'),
        out: join(dir, 'reports'),
        alerts: { slack: { urlEnv: 'TEAM_SLACK_WEBHOOK' }, minSeverity: 'medium', reportUrl: 'https://ci.example/halo/nightly/report.html' },
        schedules: [{ name: 'nightly', cron: '0 6 * * *', offline: true, formats: ['json'] }],
      });
      const log: string[] = [];
      const run = () => runScheduledAnalysis({ config, schedule: config.schedules![0]!, signal: new AbortController().signal, env: { TEAM_SLACK_WEBHOOK: slack.url }, log: (l) => log.push(l) });
      const result = await run();
      const high = result.file.findings.filter((f) => alertState(f) && ['critical', 'high', 'medium'].includes(f.severity));
      expect(high.length).toBeGreaterThan(0);
      expect(slack.delivered).toHaveLength(1);
      const body = slack.delivered[0]!.body as { blocks: unknown[] };
      expect(body.blocks).toHaveLength(Math.min(high.length, 20) + 2);
      expect(log.some((l) => /nightly: alerts: slack: \d+ findings? posted/.test(l))).toBe(true);
      await run();
      expect(slack.requests).toHaveLength(1);
      expect(readFileSync(join(dir, '.halo', 'alerts', 'nightly.json'), 'utf8')).toContain('"slack"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
