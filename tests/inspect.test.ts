import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildOverview, OVERVIEW_LIST_CAP, type DatasetOverview } from '../src/ingest/overview.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { createIngestor } from '../src/ingest/ingestor.ts';
import type { Span, Trace } from '../src/types.ts';
import { span as makeSpan, trace as makeTrace } from './helpers/factories.ts';
import { fixtureLines, HALO, ROOT, tempDir } from './helpers/ingest.ts';
import { needsLargerYoungGeneration } from '../src/cli/inspect.ts';

const tmp = tempDir('inspect');
afterAll(() => tmp.cleanup());

function halo(args: string[], input?: string, env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [join(ROOT, 'bin/halo'), ...args], { encoding: 'utf8', input, cwd: ROOT, env: { ...process.env, ...env } });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const medium = join(HALO, 'medium_traces.jsonl');
const realistic = join(HALO, 'realistic_traces.jsonl');

describe('buildOverview', () => {
  it('summarizes the HALO fixtures: counts, agents, tools, error taxonomy', async () => {
    const o = buildOverview(await loadTraces([medium, realistic]));
    expect(o.schemaVersion).toBe(1);
    expect(o.traces).toBe(503);
    expect(o.spans).toBe(2058);
    expect(o.records).toBe(2058);
    expect(o.files.map((f) => [f.file, f.records, f.formats])).toEqual([
      [medium, 2000, { 'flat-span': 2000 }],
      [realistic, 58, { 'flat-span': 58 }],
    ]);
    // medium has 134 error spans, realistic 3 (see tests/fixtures/halo/README.md).
    expect(o.errorSpans).toBe(137);
    expect(o.errors.reduce((n, e) => n + e.count, 0)).toBe(137);
    const counts = o.errors.map((e) => e.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    for (const e of o.errors) {
      expect(e.exampleTraceIds.length).toBeGreaterThan(0);
      expect(e.exampleTraceIds.length).toBeLessThanOrEqual(3);
      expect(e.traces).toBeLessThanOrEqual(e.count);
    }
    expect(o.agents.reduce((n, a) => n + a.traces, 0)).toBe(503);
    expect(o.agents.map((a) => a.name)).toContain('agent-a');
    const listFiles = o.tools.find((t) => t.name === 'list_files')!;
    expect(listFiles.errors).toBeGreaterThan(0);
    expect(listFiles.errorRate).toBeCloseTo(listFiles.errors / listFiles.calls, 4);
    expect(o.models.reduce((n, m) => n + m.calls, 0)).toBeGreaterThan(1000);
    expect(o.timeRange!.start < o.timeRange!.end).toBe(true);
    expect(o.badRecords).toEqual({ count: 0, files: 0, examples: [], reasons: [] });
  });

  it('groups error messages that differ only in ids and numbers', () => {
    const traces = [1, 2, 3, 4].map((i) =>
      trace(`t${i}`, { spans: [span(`t${i}`, 'tool.search', { status: 'error', error: { type: null, message: `timeout after ${i * 100}ms calling /api/v2/items/${i}` } })] }),
    );
    const o = buildOverview(result(traces));
    expect(o.errors).toEqual([{ span: 'tool.search', message: expect.stringContaining('timeout after'), count: 4, traces: 4, exampleTraceIds: ['t1', 't2', 't3'] }]);
  });

  it('reports outcomes, rewards and flaky tasks', () => {
    const traces = [
      trace('a1', { taskId: 'A', outcome: { success: true, reward: 1 } }),
      trace('a2', { taskId: 'A', outcome: { success: false, reward: 0 } }),
      trace('b1', { taskId: 'B', outcome: { success: true, reward: 1 } }),
      trace('b2', { taskId: 'B', outcome: { success: true, reward: 1 } }),
      trace('c1', { taskId: 'C', outcome: { success: false, reward: 0 } }),
      trace('x', {}),
    ];
    const o = buildOverview(result(traces));
    expect(o.outcomes).toEqual({ success: 3, failure: 2, unknown: 1, successRate: 0.6, meanReward: 0.6, rewarded: 5, tasks: 3, tasksWithSeveralTrials: 2, flakyTasks: 1 });
  });

  it('stays bounded: lists are capped at 50 and the rest counted', () => {
    const traces = Array.from({ length: 120 }, (_, i) =>
      trace(`t${i}`, {
        agentName: `agent-${i}`,
        spans: [span(`t${i}`, `span-${i}`, { kind: 'tool', tool: { name: `tool-${i}`, arguments: {}, result: null }, status: 'error', error: { type: null, message: `kind${i % 7} failure` } })],
      }),
    );
    const o = buildOverview(result(traces));
    expect(o.agents).toHaveLength(OVERVIEW_LIST_CAP);
    expect(o.tools).toHaveLength(OVERVIEW_LIST_CAP);
    expect(o.errors).toHaveLength(OVERVIEW_LIST_CAP);
    expect(o.omitted).toMatchObject({ agents: 70, tools: 70, errors: 70 });
    expect(JSON.stringify(o).length).toBeLessThan(60_000);
  });
});

describe('halo inspect', () => {
  it('prints an aligned text overview', () => {
    const { code, stdout, stderr } = halo(['inspect', medium, realistic]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Traces\s+503 · 2,058 spans/);
    expect(stdout).toMatch(/Errors\s+137 error spans/);
    for (const title of ['Files', 'Agents', 'Models', 'Tools', 'Errors (error spans by span name and normalized message)']) expect(stdout).toContain(`\n${title}\n`);
    // Tables are aligned: every row of the Files table has its BYTES column ending at the same place.
    const files = stdout.split('\nFiles\n')[1]!.split('\n\n')[0]!.split('\n');
    const end = files[0]!.indexOf('BYTES') + 'BYTES'.length;
    for (const row of files.slice(1)) expect(row.slice(0, end)).toMatch(/\d(\.\d)? (B|KB|MB)$/);
    expect(stdout).not.toMatch(/bad record/);
  });

  it('--json emits the overview', () => {
    const { code, stdout } = halo(['inspect', medium, '--json']);
    expect(code).toBe(0);
    const o = JSON.parse(stdout) as DatasetOverview;
    expect(o.schemaVersion).toBe(1);
    expect(o.traces).toBe(500);
    expect(o.spans).toBe(2000);
    expect(o.errorSpans).toBe(134);
  });

  it('--window with --until latest keeps the last 10 minutes of fixed-date data on any date', () => {
    const all = JSON.parse(halo(['inspect', medium, '--json']).stdout) as DatasetOverview;
    const { code, stdout } = halo(['inspect', medium, '--window', '10m', '--until', 'latest', '--json']);
    expect(code).toBe(0);
    const o = JSON.parse(stdout) as DatasetOverview;
    expect(o.traces).toBeGreaterThan(0);
    expect(o.traces).toBeLessThan(500);
    expect(o.traces + o.window.outsideWindow).toBe(500);
    expect(Date.parse(o.window.end!) - Date.parse(o.window.start!)).toBe(600_000);
    expect(Date.parse(o.window.end!) - 1).toBe(Date.parse(all.timeRange!.end));
    const text = halo(['inspect', medium, '--window', '10m', '--until', 'latest']).stdout;
    expect(text).toMatch(new RegExp(`${o.window.outsideWindow} outside the window`));
  });

  it('summarizes bad records at the end and still exits 0', () => {
    const lines = fixtureLines('tiny_traces.jsonl');
    const file = tmp.write('traces.jsonl', [lines[0], lines[1], '{"x": nope', lines[2], lines[3], 'garbage', lines[4]].join('\n'));
    const other = tmp.write('more.jsonl', `${lines[5]}\n{"unknown":true}\n`);
    const { code, stdout } = halo(['inspect', file, other]);
    expect(code).toBe(0);
    const tail = stdout.trimEnd().split('\n');
    expect(tail.at(-3)).toMatch(/^3 bad records in 2 files; first: .*traces\.jsonl:3: invalid JSON: /);
    // Grouped by reason: one line per kind, with where it happened.
    expect(tail.at(-2)).toMatch(/^  2× invalid JSON: .*\(.*traces\.jsonl:3, .*traces\.jsonl:6\)$/);
    expect(tail.at(-1)).toMatch(/^  1× unrecognized record: .*\(.*more\.jsonl:2\)$/);
  });

  it('exit code 2 with a message naming the problem', () => {
    const missing = halo(['inspect', 'does-not-exist.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does-not-exist\.jsonl: no such file or directory/);

    const window = halo(['inspect', medium, '--window', 'week']);
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/invalid --window "week"/);

    const file = tmp.write('strict.jsonl', `${fixtureLines('tiny_traces.jsonl')[0]}\n{oops\n`);
    const strict = halo(['inspect', file, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/strict\.jsonl:2: invalid JSON/);
    expect(strict.stdout).toBe('');

    const usage = halo(['inspect']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument/);
  });

  it('re-runs only for large inputs, and never twice', async () => {
    const env = { HALO_INSPECT_REEXEC_BYTES: String(1_000_000) };
    expect(await needsLargerYoungGeneration([medium], [], env)).toBe(true); // 1.4 MB
    expect(await needsLargerYoungGeneration([join(HALO, 'tiny_traces.jsonl')], [], env)).toBe(false);
    expect(await needsLargerYoungGeneration([medium], ['--max-semi-space-size=64'], env)).toBe(false);
    expect(await needsLargerYoungGeneration(['missing.jsonl'], [], env)).toBe(false);
    expect(await needsLargerYoungGeneration([medium], [], {})).toBe(false); // default threshold 64 MB
  });

  it('large inputs re-run in a child with a larger young generation: same output, same exit codes', () => {
    const always = { HALO_INSPECT_REEXEC_BYTES: '0' };
    const direct = halo(['inspect', medium, '--json']);
    const rerun = halo(['inspect', medium, '--json'], undefined, always);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe(direct.stdout);
    const file = tmp.write('strict-rerun.jsonl', `${fixtureLines('tiny_traces.jsonl')[0]}\n{oops\n`);
    const strict = halo(['inspect', file, '--strict'], undefined, always);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/strict-rerun\.jsonl:2: invalid JSON/);
  });

  it('--help lists options, examples, defaults and exit codes', () => {
    const { code, stdout } = halo(['inspect', '--help']);
    expect(code).toBe(0);
    for (const s of ['--window', '--since', '--until', '--json', '--strict', 'Examples:', 'Exit codes:', "'latest'"]) expect(stdout).toContain(s);
  });

  it('no progress output when stderr is not a terminal', () => {
    expect(halo(['inspect', medium]).stderr).toBe('');
  });

  it('escapes control characters from trace content in text output', () => {
    const rec = JSON.parse(fixtureLines('tiny_traces.jsonl')[2]!);
    rec.name = 'evil\u001b[31mred';
    rec.status.message = 'bad\u001b]0;title\u0007';
    const { stdout } = halo(['inspect', tmp.write('evil.jsonl', JSON.stringify(rec))]);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('evil\\u001b[31mred');
  });
});

// ---- synthetic data ----------------------------------------------------------

function span(traceId: string, name: string, over: Partial<Span> = {}): Span {
  return makeSpan({ traceId, spanId: `${traceId}-${name}`, name, startTime: 1_000, endTime: 2_000, durationMs: 1_000, ...over });
}

// Status stays `ok` whatever the spans say: these tests read span errors, not the trace's.
function trace(traceId: string, over: Partial<Trace>): Trace {
  return makeTrace(over.spans ?? [span(traceId, 'root')], {
    traceId,
    rootSpanId: `${traceId}-root`,
    startTime: 1_000,
    endTime: 2_000,
    durationMs: 1_000,
    status: 'ok',
    source: { file: 'mem', format: 'flat-span' },
    ...over,
  });
}

function result(traces: Trace[]) {
  const r = createIngestor().finish();
  return { traces, stats: r.stats };
}
