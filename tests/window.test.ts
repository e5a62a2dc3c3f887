import { describe, expect, it } from 'vitest';
import { inWindow, parseDuration, parseInstant, resolveWindow, WindowError } from '../src/ingest/window.ts';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('parseDuration', () => {
  it('reads every unit and compound durations', () => {
    expect(parseDuration('7d')).toBe(7 * D);
    expect(parseDuration('24h')).toBe(D);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('2w')).toBe(14 * D);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1d12h')).toBe(D + 12 * H);
    expect(parseDuration('1.5h')).toBe(1.5 * H);
    expect(parseDuration(' 7D ')).toBe(7 * D);
  });

  it.each(['', '7', 'd', '7x', '-3d', '7 days', 'abc', '0d', '3d foo'])('rejects %j with the value and an example', (bad) => {
    expect(() => parseDuration(bad, '--window')).toThrow(WindowError);
    expect(() => parseDuration(bad, '--window')).toThrow(/--window/);
  });
});

describe('parseInstant', () => {
  it('reads dates and date-times; zone-less times are UTC', () => {
    expect(parseInstant('2026-03-01')).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseInstant('2026-03-01T10:30')).toBe(Date.parse('2026-03-01T10:30:00Z'));
    expect(parseInstant('2026-03-01 10:30:15')).toBe(Date.parse('2026-03-01T10:30:15Z'));
    expect(parseInstant('2026-03-01T10:30:00+02:00')).toBe(Date.parse('2026-03-01T08:30:00Z'));
  });

  it.each(['yesterday', '2026-13-45', '03/01/2026', '2026-03-01T25:00'])('rejects %j', (bad) => {
    expect(() => parseInstant(bad, '--since')).toThrow(/invalid --since/);
  });
});

describe('resolveWindow', () => {
  const anchors = { now: NOW, latest: Date.parse('2025-06-07T18:00:00Z') };

  it('is open when nothing is given', () => {
    expect(resolveWindow({}, anchors)).toEqual({ start: null, end: null });
  });

  it('--window ends now', () => {
    expect(resolveWindow({ window: '7d' }, anchors)).toEqual({ start: NOW - 7 * D, end: NOW });
  });

  it('--until latest anchors at the newest trace, keeping that trace inside', () => {
    const w = resolveWindow({ window: '7d', until: 'latest' }, anchors);
    expect(w.end).toBe(anchors.latest + 1);
    expect(w.start).toBe(anchors.latest + 1 - 7 * D);
    expect(inWindow(anchors.latest, w)).toBe(true);
  });

  it('--until latest with no data leaves the window open', () => {
    expect(resolveWindow({ window: '7d', until: 'latest' }, { now: NOW, latest: null })).toEqual({ start: null, end: null });
  });

  it('relative --since counts back from now, or from the newest trace with --until latest', () => {
    expect(resolveWindow({ since: '3d' }, anchors)).toEqual({ start: NOW - 3 * D, end: null });
    expect(resolveWindow({ since: '3d', until: 'latest' }, anchors)).toEqual({ start: anchors.latest + 1 - 3 * D, end: anchors.latest + 1 });
  });

  it('relative and ISO --until', () => {
    expect(resolveWindow({ until: '1d' }, anchors)).toEqual({ start: null, end: NOW - D });
    expect(resolveWindow({ until: '2026-03-01' }, anchors)).toEqual({ start: null, end: Date.parse('2026-03-01T00:00:00Z') });
    expect(resolveWindow({ window: '1d', until: '2026-03-01' }, anchors)).toEqual({
      start: Date.parse('2026-02-28T00:00:00Z'),
      end: Date.parse('2026-03-01T00:00:00Z'),
    });
  });

  it('--since with --window runs forward from since', () => {
    expect(resolveWindow({ since: '2026-03-01', window: '2d' }, anchors)).toEqual({
      start: Date.parse('2026-03-01T00:00:00Z'),
      end: Date.parse('2026-03-03T00:00:00Z'),
    });
  });

  it('rejects an empty or inverted window and all three options at once', () => {
    expect(() => resolveWindow({ since: '2026-03-02', until: '2026-03-01' }, anchors)).toThrow(/empty window/);
    expect(() => resolveWindow({ since: '2026-03-01', until: '2026-03-01' }, anchors)).toThrow(/empty window/);
    expect(() => resolveWindow({ window: '1d', since: '2d', until: 'now' }, anchors)).toThrow(/at most two/);
    expect(() => resolveWindow({ window: 'week' }, anchors)).toThrow(/invalid --window "week"/);
    expect(() => resolveWindow({ until: 'tomorrow' }, anchors)).toThrow(/invalid --until "tomorrow"/);
  });

  it('start is inclusive and end exclusive', () => {
    const w = resolveWindow({ since: '2026-03-01', until: '2026-03-02' }, anchors);
    expect(inWindow(Date.parse('2026-03-01T00:00:00Z'), w)).toBe(true);
    expect(inWindow(Date.parse('2026-03-01T23:59:59.999Z'), w)).toBe(true);
    expect(inWindow(Date.parse('2026-03-02T00:00:00Z'), w)).toBe(false);
    expect(inWindow(Date.parse('2026-02-28T23:59:59.999Z'), w)).toBe(false);
  });

  it('errors carry exit code 2', () => {
    try {
      resolveWindow({ window: 'x' }, anchors);
      expect.unreachable();
    } catch (err) {
      expect((err as WindowError).exitCode).toBe(2);
    }
  });
});
