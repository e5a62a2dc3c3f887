// The CLI tells the truth about the model: a configured model that is never
// reached fails the run (exit 1, with a message, even under --quiet) unless
// --allow-offline-fallback; --estimate writes nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, halorunAsync } from './helpers/cli.ts';

const root = new URL('..', import.meta.url).pathname;
const traces = join(root, 'tests/fixtures/halo/tiny_traces.jsonl');
let tmp: string;
let closedUrl: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-cli-model-'));
  // A port that was just listened on and closed: connections are refused, as with a server that is down.
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  closedUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`;
  await new Promise<void>((ok) => s.close(() => ok()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const env = { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', NO_COLOR: '1' };

describe('a configured model that is never reached', () => {
  it('fails the run with exit 1 and a message even under --quiet, and writes no report', async () => {
    const cwd = mkdtempSync(join(tmp, 'down-'));
    const r = await halorunAsync(cwd, ['analyze', traces, '--base-url', closedUrl, '--model', 'm', '--quiet', '--out', 'out'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the model was never reached/);
    expect(r.stderr).toMatch(/--allow-offline-fallback/);
    expect(existsSync(join(cwd, 'out', 'findings.json'))).toBe(false);
  }, 120_000);

  it('reports the detector findings with a warning under --allow-offline-fallback', async () => {
    const cwd = mkdtempSync(join(tmp, 'fallback-'));
    const r = await halorunAsync(cwd, ['analyze', traces, '--base-url', closedUrl, '--model', 'm', '--quiet', '--allow-offline-fallback', '--out', 'out'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the model was never reached.*reporting the detector findings only/);
    // The reports are written from what the detectors found.
    expect(findingsOf(join(cwd, 'out')).findings.every((f) => f.source?.startsWith('detector:'))).toBe(true);
  }, 120_000);
});

describe('--estimate', () => {
  it('writes nothing: no .halo state, no reports, no log, and no "analysis started" line', async () => {
    const cwd = mkdtempSync(join(tmp, 'estimate-'));
    const r = await halorunAsync(cwd, ['analyze', traces, '--model', 'gpt-4.1', '--base-url', closedUrl, '--estimate', '--log', 'run.jsonl', '--out', 'out'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^estimate: /m);
    expect(r.stderr).not.toMatch(/analysis started/);
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);
});
