import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { RunHistory, annotateWithHistory, trajectory, sinceLastRun, LockedError, openHistorySession, runProfile } from '../src/history/index.ts';
import { halorun } from './helpers/cli.ts';
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

  it('--since-last-run continues just past the newest trace when the last window had no end', () => {
    const h = new RunHistory(mkdtempSync(join(tmpdir(), 'halo-hist-')));
    h.record({ scope: 'default', window: { start: null, end: null }, latestTrace: 5_000, file: run('y1', [finding(A, 1)]) });
    // Windows include their start: continuing at 5000 would read that trace again.
    expect(sinceLastRun(h.last('default'))).toBe(5_001);
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
    // The damaged record is listed as corrupted; the killed run (no run.json) never existed.
    expect(h.scan().corrupted.map((c) => [c.id, c.reason.replace(/ \(.*/, '')])).toEqual([['torn', 'not valid JSON']]);
  });

  it('`halo history` lists a corrupted run as corrupted, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-cli-'));
    const h = new RunHistory(join(dir, '.halo'));
    h.record({ scope: 'default', window: { start: null, end: null }, latestTrace: null, file: run('fine', [finding(A, 1)]) });
    h.record({ scope: 'default', window: { start: null, end: null }, latestTrace: null, file: run('broken', [finding(A, 1)]) });
    writeFileSync(join(dir, '.halo', 'runs', 'broken', 'run.json'), JSON.stringify({ id: 'broken', scope: 7 }));
    const r = halorun(dir, ['history']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fine .*default/);
    expect(r.stdout).toMatch(/broken\s+corrupted/);
    expect(r.stderr).toMatch(/run broken is corrupted: .*runs\/broken\/run\.json: not a run record/);
  });

  it('retention keeps the newest N runs of a scope and leaves other scopes alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    const h = new RunHistory(dir);
    for (let i = 0; i < 5; i++) h.record({ scope: 'a', window: { start: null, end: null }, latestTrace: null, file: run(`a${i}`, [finding(A, 1)]) });
    h.record({ scope: 'b', window: { start: null, end: null }, latestTrace: null, file: run('b0', [finding(A, 1)]) });
    expect(h.prune('a', 2)).toEqual(['a0', 'a1', 'a2']);
    expect(h.runs().map((r) => r.id)).toEqual(['a3', 'a4', 'b0']);
    expect(existsSync(join(dir, 'runs', 'a0'))).toBe(false);
  });

  it('a session compares only runs of the same window length and inputs, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    const weekly = runProfile({ window: '7d' }, ['/data/traces']);
    const daily = runProfile({ window: '24h' }, ['/data/traces']);
    const record = (profile: string, id: string, fs: Finding[]) => {
      const s = openHistorySession(dir, 'default', { profile });
      try {
        const file = s.beforeWrite(run(id, fs));
        s.commit(file);
        return { file, warning: s.warning };
      } finally {
        s.release();
      }
    };
    record(weekly, 'w1', [finding(A, 10), finding(B, 5)]);
    const d1 = record(daily, 'd1', [finding(A, 2)]);
    // Not compared with the weekly run: B is not "resolved", A is new to this series.
    expect(d1.file.resolved ?? []).toEqual([]);
    expect(d1.file.findings[0]!.status).toBe('new');
    expect(d1.warning).toMatch(/scope "default" holds runs with other settings \(last: window last 7d; inputs \/data\/traces\); this run \(window last 24h; .*\) is compared only with runs like it, and there are none yet/);
    const w2 = record(weekly, 'w2', [finding(A, 11), finding(B, 6)]);
    expect(w2.file.findings.map((f) => f.status)).toEqual(['recurring', 'recurring']);
    expect(w2.file.resolved ?? []).toEqual([]);
  });

  it('sessions prune to --keep runs after recording', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    for (let i = 0; i < 4; i++) {
      const s = openHistorySession(dir, 'default', { keep: 2 });
      s.commit(s.beforeWrite(run(`k${i}`, [finding(A, 1)])));
      s.release();
    }
    expect(new RunHistory(dir).runs().map((r) => r.id)).toEqual(['k2', 'k3']);
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
    expect(taken.takenOver).toMatch(new RegExp(`^took over .*lock: its run \\(pid ${Number(dead.stdout)} on .*\\) is no longer running$`));
    taken.release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(h.lock().takenOver).toBeNull();
  });

  it('one run lock per scope: a long run of one scope does not block another, nor the store lock between writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    const h = new RunHistory(dir);
    const manual = h.lock({ scope: 'default' });
    const nightly = h.lock({ scope: 'nightly' });
    expect(() => h.lock({ scope: 'nightly' })).toThrow(/scope "nightly" is locked by another run/);
    // The store lock is free while both run; a run holds it only to write its record.
    h.lock().release();
    const session = openHistorySession(dir, 'hourly');
    expect(() => openHistorySession(dir, 'hourly')).toThrow(LockedError);
    session.release();
    manual.release();
    nightly.release();
  });

  it('the lock message says how to clear a stale lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hist-'));
    const lock = new RunHistory(dir).lock();
    try {
      expect(() => new RunHistory(dir).lock()).toThrow(/locked by another run \(pid \d+ on .*\); lock file: .*lock\. If no halo run is still going .* remove the lock with: rm ".*\/lock"/);
    } finally {
      lock.release();
    }
  });
});
