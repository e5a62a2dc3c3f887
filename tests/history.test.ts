import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { RunHistory, annotateWithHistory, trajectory, sinceLastRun, LockedError } from '../src/history/index.ts';
import type { Finding, FindingsFile } from '../src/findings/schema.ts';

function finding(fp: string, traces: number): Finding {
  return {
    id: `F-${fp.slice(0, 4)}`,
    title: `Finding ${fp}`,
    category: 'tool_arguments',
    severity: 'high',
    summary: 's',
    rootCause: { statement: 'r', confidence: 'confirmed' },
    fix: { summary: 'f', kind: 'tool_schema' },
    evidence: [{ traceId: 't1' }],
    key: { component: 'tool:x', signature: fp },
    prevalence: { traces, total: 100, share: traces / 100 },
    fingerprint: fp,
    rank: traces / 100,
    verification: { status: 'verified', evidenceChecked: 1, evidenceDropped: 0, dropped: [], predicate: 'absent', prevalenceSource: 'evidence' },
  };
}

let clock = Date.parse('2026-11-01T00:00:00Z');
function run(id: string, findings: Finding[]): FindingsFile {
  clock += 3600_000;
  return {
    schemaVersion: 1,
    run: { id, startedAt: new Date(clock - 60_000).toISOString(), finishedAt: new Date(clock).toISOString(), engineVersion: '0', mode: 'offline', partial: false, options: {} },
    dataset: { traces: 100 },
    summary: '',
    verification: { submitted: findings.length, kept: findings.length, droppedFindings: 0, droppedEvidence: 0, merged: 0 },
    findings,
  };
}

const A = 'aaaaaaaaaaaaaaaa', B = 'bbbbbbbbbbbbbbbb', C = 'cccccccccccccccc';

describe('run history', () => {
  it('classifies findings as new, recurring, regressed and resolved across runs', () => {
    const h = new RunHistory(mkdtempSync(join(tmpdir(), 'halo-hist-')));
    const seq: [string, Finding[]][] = [
      ['r1', [finding(A, 10), finding(B, 5)]],
      ['r2', [finding(A, 12)]],
      ['r3', [finding(A, 9), finding(B, 7), finding(C, 1)]],
    ];
    const annotated: FindingsFile[] = [];
    for (const [id, fs] of seq) {
      const file = annotateWithHistory(run(id, fs), h.runs('default'));
      annotated.push(file);
      h.record({ scope: 'default', window: { start: 0, end: clock }, latestTrace: clock - 1, file });
    }
    expect(annotated[0]!.findings.map((f) => f.status)).toEqual(['new', 'new']);
    expect(annotated[1]!.findings.map((f) => f.status)).toEqual(['recurring']);
    expect(annotated[1]!.resolved!.map((r) => r.fingerprint)).toEqual([B]);
    const r3 = Object.fromEntries(annotated[2]!.findings.map((f) => [f.fingerprint, f]));
    expect(r3[A]!.status).toBe('recurring');
    expect(r3[B]!.status).toBe('regressed');
    expect(r3[C]!.status).toBe('new');
    // The trend keeps the gap the regression left.
    expect(r3[B]!.trend!.map((p) => p.traces)).toEqual([5, 0]);
    expect(trajectory(h.runs('default'), B).map((p) => p.present)).toEqual([true, false, true]);
    expect(sinceLastRun(h.last('default'))).toBe(clock);
  });

  it('keeps scopes apart so one schedule does not resolve another one\'s findings', () => {
    const h = new RunHistory(mkdtempSync(join(tmpdir(), 'halo-hist-')));
    h.record({ scope: 'reliability', window: { start: null, end: null }, latestTrace: null, file: run('x1', [finding(A, 3)]) });
    const cost = annotateWithHistory(run('x2', [finding(B, 2)]), h.runs('cost'));
    expect(cost.findings[0]!.status).toBe('new');
    expect(cost.resolved).toEqual([]);
  });

  it('ignores a run killed before its record was written, and damaged records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    const h = new RunHistory(dir);
    h.record({ scope: 'default', window: { start: null, end: null }, latestTrace: null, file: run('ok1', [finding(A, 1)]) });
    mkdirSync(join(dir, 'runs', 'killed'), { recursive: true });
    writeFileSync(join(dir, 'runs', 'killed', 'findings.json'), '{"schemaVersion":1,"fin');
    mkdirSync(join(dir, 'runs', 'torn'), { recursive: true });
    writeFileSync(join(dir, 'runs', 'torn', 'run.json'), '{"id":"torn"');
    expect(h.runs().map((r) => r.id)).toEqual(['ok1']);
  });

  it('a writer SIGKILLed mid-run leaves every recorded run readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    // The real store, from the built library, recording large runs in a loop until killed.
    // Killed once it has recorded a few runs (it says so), not after a fixed time, so a
    // slow machine cannot kill it before the first record.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      const { RunHistory } = await import(${JSON.stringify(join(process.cwd(), 'dist/index.js'))});
      const h = new RunHistory(${JSON.stringify(dir)});
      const findings = Array.from({ length: 400 }, (_, i) => (${JSON.stringify(finding(A, 1))}));
      for (let i = 0; ; i++) {
        h.record({ scope: 'default', window: { start: null, end: null }, latestTrace: null,
          file: { schemaVersion: 1, run: { id: 'w' + String(i).padStart(6, '0'), startedAt: 'x', finishedAt: new Date(1e12 + i).toISOString(), engineVersion: '0', mode: 'offline', partial: false, options: {} },
            dataset: { traces: 1, pad: 'x'.repeat(2e6) }, summary: '', verification: { submitted: 0, kept: 0, droppedFindings: 0, droppedEvidence: 0, merged: 0 }, findings } });
        if (i === 2) process.stdout.write('recorded\\n');
      }
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
      child.stdout.on('data', () => setTimeout(() => child.kill('SIGKILL'), 150));
      child.on('exit', (_code, sig) => resolve(sig));
    });
    expect(signal).toBe('SIGKILL');
    const h = new RunHistory(dir);
    const runs = h.runs();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const r of runs) expect(h.findingsFile(r.id)!.findings).toHaveLength(400);
  });

  it('locks the state directory against overlapping runs and takes over a dead owner\'s lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    const h = new RunHistory(dir);
    const lock = h.lock();
    expect(() => h.lock()).toThrow(LockedError);
    lock.release();
    const again = h.lock();
    again.release();
    // A lock left by a process that no longer exists is stale.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), at: 'then' }));
    const taken = h.lock();
    taken.release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
