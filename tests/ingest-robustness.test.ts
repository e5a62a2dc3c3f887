// Issue 15, ingest: a bad value never fails a run, repairs are counted and
// visible, far-off timestamps do not hijack --until latest, and files that
// cannot be read (or are reached twice) are handled.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { TraceAssembler } from '../src/ingest/assemble.ts';
import { normalizeRecord } from '../src/ingest/normalize.ts';
import { render } from '../sandbox/render.ts';
import { findTimeOutliers } from '../src/ingest/time-outliers.ts';
import type { Trace } from '../src/types.ts';
import { fixtureLines, haloCli, ROOT, tempDir } from './helpers/ingest.ts';

const tmp = tempDir('robust');
afterAll(() => tmp.cleanup());
const tiny = fixtureLines('tiny_traces.jsonl');

const halo = haloCli;

/** A flat span line of trace `t` starting at `start` (any value). */
const span = (t: string, s: string, start: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ trace_id: t, span_id: s, parent_span_id: '', name: 'root', start_time: start, end_time: '2026-04-23T05:33:00Z', attributes: {}, ...extra });

describe('bad values never fail a run', () => {
  const lines = [
    ...tiny,
    JSON.stringify({ trace_id: 't-huge', span_id: 'x', name: 'root', start_time_unix_nano: '99999999999999999999999', attributes: {} }),
    span('t-ancient', 'y', '-000100-01-01T00:00:00Z'),
    span('t-badend', 'z', '2026-04-23T07:00:00Z', { end_time: '99999999999999999999999' }),
  ];

  it('an undatable start time is a bad record with file, line and reason; an unusable end time is clamped and flagged', async () => {
    const file = tmp.write('values.jsonl', lines.join('\n') + '\n');
    const r = await loadTraces([file], { keepBad: 10 });
    expect(r.traces.map((t) => t.traceId).sort()).toEqual(['t-aaaa', 't-badend', 't-bbbb', 't-cccc']);
    expect(r.stats.badRecords).toBe(2);
    expect(r.stats.badExamples.map((b) => [b.line, b.reason])).toEqual([
      [7, expect.stringMatching(/^span x: start time .* is not a usable date \(outside 1970–9999\)$/)],
      [8, expect.stringMatching(/^span y: start time .* is not a usable date/)],
    ]);
    const z = r.traces.find((t) => t.traceId === 't-badend')!.spans[0]!;
    expect(z.endTime).toBe(z.startTime);
    expect(z.attributes['halo.clamped']).toBe('endTime');
    expect(r.stats.repairs!.clampedTimes).toBe(1);
  });

  it('inspect and analyze finish with their reports', { timeout: 240_000 }, () => {
    const dir = tmp.path('values-run');
    mkdirSync(dir);
    tmp.write('values-run/values.jsonl', lines.join('\n') + '\n');
    const inspect = halo(['inspect', 'values.jsonl'], dir);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/2 bad records in 1 file; first: values\.jsonl:7: span x: start time/);
    const analyze = halo(['analyze', 'values.jsonl', '--offline', '--no-history', '-q', '--out', 'rep'], dir);
    expect(analyze.code, analyze.stderr).toBe(0);
    expect(analyze.stderr).toMatch(/2 bad records skipped; first: values\.jsonl:7/);
    for (const f of ['findings.json', 'report.md', 'report.html']) expect(readFileSync(join(dir, 'rep', f), 'utf8').length).toBeGreaterThan(100);
  });
});

describe('repairs are counted and visible', () => {
  const assemble = (records: unknown[]): { traces: Trace[]; a: TraceAssembler } => {
    const a = new TraceAssembler();
    for (const r of records) a.add(normalizeRecord(r), 'f.jsonl');
    return { traces: a.finish(), a };
  };
  const rec = (s: string, parent: string, start: string, name = s) => ({ trace_id: 't', span_id: s, parent_span_id: parent, name, start_time: start, attributes: {} });

  it('render() shows every span of a trace whose parents formed a cycle, and duplicates under their new id', () => {
    const { traces, a } = assemble([
      rec('root', '', '2026-01-01T00:00:00Z'),
      rec('a', 'b', '2026-01-01T00:00:01Z', 'step-a'),
      rec('b', 'a', '2026-01-01T00:00:02Z', 'step-b'),
      rec('d', 'root', '2026-01-01T00:00:03Z', 'first-d'),
      rec('d', 'root', '2026-01-01T00:00:04Z', 'second-d'),
    ]);
    const text = render(traces[0]!, { budget: 4000 });
    for (const name of ['root', 'step-a', 'step-b', 'first-d', 'second-d']) expect(text).toContain(name);
    expect(a.repairs).toMatchObject({ parentCycles: 1, duplicateSpanIds: 1 });
  });

  it('render() shows spans in a cycle even in a trace built by hand (no assembler)', () => {
    const { traces } = assemble([rec('root', '', '2026-01-01T00:00:00Z'), rec('x', 'root', '2026-01-01T00:00:01Z', 'loop-x'), rec('y', 'x', '2026-01-01T00:00:02Z', 'loop-y')]);
    const t = traces[0]!;
    t.spans.find((s) => s.spanId === 'x')!.parentId = 'y'; // x → y → x
    const text = render(t, { budget: 4000 });
    expect(text).toContain('loop-x');
    expect(text).toContain('loop-y');
  });

  it('inspect says what it repaired', () => {
    const file = tmp.write('repairs.jsonl', [span('t1', 'a', '2026-04-23T05:32:00Z', { parent_span_id: 'b' }), span('t1', 'b', '2026-04-23T05:32:01Z', { parent_span_id: 'a' }), span('t1', 'c', '2026-04-23T05:32:02Z'), span('t1', 'c', '2026-04-23T05:32:02Z'), span('t1', 'c', '2026-04-23T05:32:03Z')].join('\n') + '\n');
    const r = halo(['inspect', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^note: 1 span repeated verbatim under one id, kept once \(e\.g\. t1\/c\)$/m);
    expect(r.stdout).toMatch(/^note: 1 span shared an id with a different span and was kept as <id>~dup<n> \(e\.g\. t1\/c: another span with this id kept as c~dup2\)$/m);
    expect(r.stdout).toMatch(/^note: 1 parent cycle broken .*\(e\.g\. t1\/a: parent cycle of 2 spans broken here\)$/m);
  });
});

describe('timestamps far outside the rest', () => {
  it('are reported, and --until latest anchors at the newest trace among the rest, saying so', async () => {
    const file = tmp.write('clock.jsonl', [...tiny, span('t-future', 'f', '3000-01-01T00:00:00Z', { end_time: '3000-01-01T00:00:01Z' })].join('\n') + '\n');
    const r = await loadTraces([file], { window: { window: '7d', until: 'latest' } });
    expect(r.traces.map((t) => t.traceId).sort()).toEqual(['t-aaaa', 't-bbbb', 't-cccc']);
    expect(r.stats.timeOutliers).toEqual({ count: 1, examples: [{ traceId: 't-future', startTime: '3000-01-01T00:00:00.000Z', file }], ignoredByLatest: true });
    expect(r.stats.notices!.join('\n')).toMatch(/1 trace dated far outside the rest of the data \(e\.g\. t-future at 3000-01-01T00:00:00\.000Z in .*clock\.jsonl\); --until latest ignored them/);
    // Without a window nothing is dropped, but the outlier is still reported.
    const all = await loadTraces([file]);
    expect(all.traces).toHaveLength(4);
    expect(all.stats.timeOutliers!.ignoredByLatest).toBe(false);
  });

  it('a week of ordinary traces has none; one dated two years off is one', () => {
    const DAY = 86_400_000;
    const base = Date.UTC(2026, 3, 1);
    const traces = Array.from({ length: 200 }, (_, i) => ({ traceId: `t${i}`, startTime: base + ((i * 7919) % 200) * (7 * DAY / 200) }) as Trace);
    expect(findTimeOutliers(traces).size).toBe(0);
    const off = { traceId: 'old', startTime: base - 730 * DAY } as Trace;
    expect([...findTimeOutliers([...traces, off])].map((t) => t.traceId)).toEqual(['old']);
  });
});

describe('files that cannot be read, or are reached twice', () => {
  it('a symlink loop, a dangling link and an unreadable file are reported and skipped; a `dir -> .` link does not read files twice', async () => {
    const dir = tmp.path('tree');
    mkdirSync(dir);
    tmp.write('tree/a.jsonl', tiny.join('\n') + '\n');
    symlinkSync('.', join(dir, 'again'));
    symlinkSync('loop.jsonl', join(dir, 'loop.jsonl'));
    symlinkSync('missing.jsonl', join(dir, 'dangling.jsonl'));
    // Reading /proc/self/mem at offset 0 fails with EIO, even as root.
    symlinkSync('/proc/self/mem', join(dir, 'mem.jsonl'));
    const r = await loadTraces([dir]);
    expect(r.traces).toHaveLength(3);
    expect(r.stats.records).toBe(6);
    const warnings = Object.fromEntries(r.stats.files.filter((f) => f.warnings).map((f) => [f.file.slice(dir.length + 1), f.warnings!.join('; ')]));
    expect(warnings).toEqual({
      'loop.jsonl': 'symlink loop; skipped',
      'dangling.jsonl': 'dangling symlink (its target does not exist); skipped',
      'again/mem.jsonl': expect.stringMatching(/^cannot read: .*EIO.*; skipped$/),
    });
    expect(r.stats.files.filter((f) => f.records > 0).map((f) => f.file)).toEqual([join(dir, 'a.jsonl')]);
  });

  it('a symlink loop given by name is reported as one, not as a missing file', async () => {
    const loop = join(tmp.path('tree'), 'loop.jsonl');
    const r = await loadTraces([loop, tmp.write('ok.jsonl', tiny.join('\n') + '\n')]);
    expect(r.traces).toHaveLength(3);
    expect(r.stats.files[0]).toMatchObject({ file: loop, warnings: ['symlink loop; skipped'] });
  });
});
