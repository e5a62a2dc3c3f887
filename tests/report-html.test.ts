// The HTML report, built from real traces through the real pipeline
// (ingest → detectors → verification → finalize) and opened in real headless
// Chromium. Also the bounds and arithmetic of the report data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { loadTraces } from '../src/ingest/reader.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { verifyFindings } from '../src/findings/verify.ts';
import { finalizeFindings } from '../src/findings/pipeline.ts';
import { buildFindingsFile } from '../src/report/json.ts';
import { buildReportData, histogram, REPORT_LIMITS, type ReportData } from '../src/report/data.ts';
import { renderHtmlReport } from '../src/report/html.ts';
import { findTimeOutliers } from '../src/ingest/time-outliers.ts';
import type { FindingInput, FindingsFile } from '../src/findings/schema.ts';
import type { Span, Trace } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { annotateWithHistory, type RunRecord } from '../src/history/index.ts';

const CHROMIUM = process.env.HALO_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const FIXTURES = {
  tau: 'tests/fixtures/tau-bench/gpt-4o-airline.json',
  week: 'samples/week',
  realistic: 'tests/fixtures/halo/realistic_traces.jsonl',
  hostile: 'tests/fixtures/report/hostile_traces.jsonl',
};

const compilePredicate = (source: string) => {
  const fn = new Function(`"use strict"; return (${source});`)() as unknown;
  if (typeof fn !== 'function') throw new Error('predicate is not a function');
  return fn as (t: Trace) => unknown;
};

/** A finding a model might submit about the hostile trace; its excerpt is markup. */
const HOSTILE_FINDING: FindingInput = {
  title: 'Model echoes markup from a tool <img src=x onerror="window.__pwned=\'title\'">',
  category: 'trajectory',
  severity: 'medium',
  summary: 'The LLM step repeats `<script>window.__pwned="summary"</script>` from its input <img src=x onerror="window.__pwned=\'summary\'">.',
  rootCause: { statement: 'Untrusted tool output reaches the model unfiltered.', confidence: 'hypothesis' },
  fix: { summary: 'Strip markup from tool results before they reach the prompt.', kind: 'code' },
  evidence: [
    { traceId: 't-hostile-1', spanId: 'h-llm', excerpt: "<script>window.__pwned='llm-output'</script>" },
    { traceId: 't-hostile-1', spanId: 'h-tool', excerpt: 'Error: no such file' },
  ],
  key: { component: 'read_file', signature: 'markup_echo' },
  monitor: 'Count LLM outputs containing <script> per day.',
};

let file: FindingsFile;
let data: ReportData;
let traces: Trace[];
let html: string;

beforeAll(async () => {
  const loaded = await loadTraces([FIXTURES.week, FIXTURES.realistic, FIXTURES.tau, FIXTURES.hostile]);
  traces = loaded.traces;
  const inputs = [...runDetectors(traces), HOSTILE_FINDING];
  const verified = verifyFindings(inputs, traces, compilePredicate);
  const final = finalizeFindings(verified);
  file = buildFindingsFile({
    run: {
      id: 'run-test',
      startedAt: '2026-11-23T09:00:00.000Z',
      finishedAt: '2026-11-23T09:01:00.000Z',
      engineVersion: '0.1.0',
      mode: 'offline',
      partial: false,
      options: { window: '7d' },
    },
    dataset: { traces: traces.length, spans: traces.reduce((n, t) => n + t.spans.length, 0) },
    summary: 'Offline analysis of the bundled sample week, a HALO fixture, the τ-bench airline runs and a hostile trace.',
    verification: final.counts,
    findings: final.findings,
  });
  data = buildReportData(traces, file.findings);
  html = renderHtmlReport(file, data);
});

describe('report data', () => {
  it('gives pass^k per agent equal to what the τ-bench rewards give', () => {
    const raw = JSON.parse(readFileSync(FIXTURES.tau, 'utf8')) as { task_id: number; reward: number }[];
    const byTask = new Map<number, { n: number; c: number }>();
    for (const r of raw) {
      const s = byTask.get(r.task_id) ?? { n: 0, c: 0 };
      s.n += 1;
      if (r.reward === 1) s.c += 1;
      byTask.set(r.task_id, s);
    }
    const choose = (n: number, k: number) => {
      let r = 1;
      for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
      return r;
    };
    const expected = [1, 2, 3, 4].map((k) => [...byTask.values()].reduce((a, s) => a + choose(s.c, k) / choose(s.n, k), 0) / byTask.size);
    const tauTaskIds = new Set(traces.filter((t) => t.source.file.endsWith('gpt-4o-airline.json')).map((t) => t.taskId));
    expect(tauTaskIds.size).toBe(50);
    const tau = traces.find((t) => t.source.file.endsWith('gpt-4o-airline.json'))!;
    const tauAgent = tau.agentName || tau.agentId || tau.service || 'unknown';
    const curve = data.passK.find((c) => c.agent === tauAgent);
    expect(curve, `a pass^k curve for ${tauAgent}; got ${JSON.stringify(data.passK.map((c) => [c.agent, c.tasks]))}`).toBeDefined();
    expect(curve!.tasks).toBe(50);
    expect(curve!.points.map((p) => p.k)).toEqual([1, 2, 3, 4]);
    curve!.points.forEach((p, i) => expect(p.value).toBeCloseTo(expected[i]!, 10));
    // τ-bench gpt-4o airline: 84 of 200 runs pass.
    expect(curve!.points[0]!.value).toBeCloseTo(84 / 200, 10);
    const failed = traces.filter((t) => (typeof t.outcome?.success === 'boolean' ? !t.outcome.success : typeof t.outcome?.reward === 'number' && t.outcome.reward < 1));
    expect(failed.filter((t) => t.source.file.endsWith('gpt-4o-airline.json'))).toHaveLength(116);
    expect(data.totals.failedOutcomes).toBe(failed.length);
  });

  it('draws pass^k over tasks tried more than once', () => {
    const runs: [string, boolean][] = [
      ['A', true], ['A', true], ['A', false], ['A', false],
      ['B', true], ['B', true], ['B', true], ['B', true],
      ['C', false], // tried once: says nothing about consistency
    ];
    const ts = runs.map(([task, ok], i) => ({ ...makeTrace(`pk-${i}`, 1, ''), taskId: task, outcome: { success: ok } }));
    const [curve] = buildReportData(ts, []).passK;
    expect(curve!.tasks).toBe(2);
    expect(curve!.allTasks).toBe(3);
    // A: c=2 of n=4 → 1/2, 1/6, 0, 0; B: all pass → 1.
    const expected = [(0.5 + 1) / 2, (1 / 6 + 1) / 2, 0.5, 0.5];
    curve!.points.forEach((p, i) => expect(p.value).toBeCloseTo(expected[i]!, 12));
  });

  it('counts each affected trace once per category, on the day it started', () => {
    // Traces the ingest calls dated far outside the rest are left off the axis (and counted as outside).
    const strays = findTimeOutliers(traces);
    const onAxis = traces.filter((t) => !strays.has(t));
    const byId = new Map(onAxis.map((t) => [t.traceId, t]));
    const outside = new Set<string>();
    for (const s of data.failuresByDay.series) {
      const ids = new Set<string>();
      for (const f of file.findings.filter((f) => f.category === s.category)) {
        const listed = f.data?.traceIds;
        for (const id of Array.isArray(listed) ? (listed as string[]) : f.evidence.map((e) => e.traceId)) {
          if (byId.has(id)) ids.add(id);
          else if (traces.some((t) => t.traceId === id)) outside.add(id);
        }
      }
      expect(s.total, s.category).toBe(ids.size);
      expect(s.counts.reduce((a, b) => a + b, 0)).toBe(ids.size);
      // Buckets start at the first trace's UTC day and are `bucketDays` wide.
      const DAY = 86_400_000;
      const first = Math.floor(Math.min(...onAxis.map((t) => t.startTime)) / DAY);
      const expected = new Array<number>(data.failuresByDay.days.length).fill(0);
      for (const id of ids) expected[Math.floor((Math.floor(byId.get(id)!.startTime / DAY) - first) / data.failuresByDay.bucketDays)]! += 1;
      expect(s.counts, s.category).toEqual(expected);
      expect(data.failuresByDay.days[0]).toBe(new Date(first * DAY).toISOString().slice(0, 10));
    }
    expect(data.failuresByDay.series.length).toBeGreaterThan(1);
    expect(data.failuresByDay.outside).toBe(outside.size);
  });

  it('leaves traces dated far outside the rest (a broken clock) off the day axis, and says how many', () => {
    const DAY = 86_400_000;
    const shift = (t: Trace, ms: number): Trace => ({ ...t, startTime: t.startTime + ms, endTime: t.endTime + ms });
    const week = Array.from({ length: 20 }, (_, i) => shift(makeTrace(`d-${i}`, 2, ''), (i % 7) * DAY));
    const year3000 = shift(makeTrace('far-future', 2, ''), Date.parse('3000-01-01T00:00:00Z') - Date.parse('2026-11-17T00:00:00Z'));
    const epoch = { ...makeTrace('epoch', 2, ''), startTime: 1000, endTime: 2000 };
    const all = [...week, year3000, epoch];
    const cite = (ids: string[]) => ({ category: 'errors_recovery', title: 'x', evidence: ids.map((traceId) => ({ traceId })) });
    const fd = buildReportData(all, [cite(['d-0', 'd-3', 'far-future', 'epoch'])]).failuresByDay;
    expect(fd.days).toHaveLength(7);
    expect(fd.bucketDays).toBe(1);
    expect(fd.series[0]!.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(fd.outside).toBe(2);
    const page = renderHtmlReport(buildFindingsFile({ ...file, findings: file.findings.slice(0, 1) } as never), buildReportData(all, [cite(['d-0', 'far-future'])]));
    expect(page).toContain('1 affected trace is dated far outside the rest of the data');
  });

  it('keeps the page data bounded however large the cited traces are', () => {
    const big = 'x'.repeat(50_000);
    const many: Trace[] = [];
    for (let i = 0; i < 260; i++) many.push(makeTrace(`big-${i}`, i === 0 ? 5_000 : 40, big));
    // One finding citing the last span of the 5,000-span trace, and 250 findings citing one trace each.
    const findings = [
      { category: 'errors_recovery', title: 'deep', evidence: [{ traceId: 'big-0', spanId: 'big-0-s4999' }] },
      ...many.slice(1, 251).map((t) => ({ category: 'latency', title: t.traceId, evidence: [{ traceId: t.traceId, spanId: `${t.traceId}-s3` }] })),
    ];
    const d = buildReportData(many, findings);
    const bytes = JSON.stringify(d).length;
    expect(bytes).toBeLessThan(5_000_000);
    expect(d.limits.tracesCited).toBe(251);
    expect(d.traces.length).toBe(REPORT_LIMITS.traces);
    const deep = d.traces.find((t) => t.traceId === 'big-0')!;
    expect(deep.spans.length).toBe(Math.floor(REPORT_LIMITS.spansTotal / REPORT_LIMITS.traces));
    expect(deep.spanCount).toBe(5_000);
    // The cited span and its ancestor chain survive the span cap, with text.
    const cited = deep.spans.find((s) => s.id === 'big-0-s4999')!;
    expect(cited).toBeDefined();
    expect(cited.input!.length).toBeLessThanOrEqual(REPORT_LIMITS.field + 100);
    expect(cited.input!.startsWith('x'.repeat(100))).toBe(true);
    expect(cited.truncated).toBe(true);
    expect(deep.spans.some((s) => s.id === 'big-0-s0')).toBe(true);
  });

  it('embeds a trace whose id is __proto__ like any other', () => {
    const t = makeTrace('__proto__', 3, 'hello');
    const d = buildReportData([t], [{ category: 'other', evidence: [{ traceId: '__proto__', spanId: '__proto__-s1' }] }]);
    expect(d.traces.map((x) => x.traceId)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(d)).traces[0].spans).toHaveLength(3);
  });

  it('refuses report data whose shape was tampered with, naming the field', () => {
    const bad = JSON.parse(JSON.stringify(data)) as { totals: { traces: unknown } };
    bad.totals.traces = '<script>alert(1)</script>';
    expect(() => renderHtmlReport(file, bad as unknown as ReportData)).toThrow(/report data is malformed at totals\.traces/);
  });

  it('computes exact percentiles and log buckets that hold every positive value', () => {
    const values = [0, 0, ...Array.from({ length: 98 }, (_, i) => (i + 1) * 10)];
    const h = histogram(values)!;
    expect(h.count).toBe(100);
    expect(h.zeros).toBe(2);
    expect(h.buckets.reduce((a, b) => a + b.count, 0)).toBe(98);
    expect(h.p50).toBeCloseTo(485, 6); // midway between the 50th and 51st values (480, 490)
    for (const b of h.buckets) expect(b.hi / b.lo).toBeCloseTo(Math.pow(10, 1 / 4), 6);
    expect(h.buckets[0]!.lo).toBeLessThanOrEqual(10);
    expect(h.buckets[h.buckets.length - 1]!.hi).toBeGreaterThan(980);
  });
});

// On a developer machine without Chromium the browser suite is skipped with a
// notice, so `npm test` works on a fresh clone; under CI it is required and a
// missing browser fails the run (beforeAll below).
const browserMissing = !existsSync(CHROMIUM) && !process.env.CI;
if (browserMissing) {
  console.warn(`report.html browser tests skipped: no Chromium at ${CHROMIUM} (install with \`sudo apt-get install -y chromium\` or set HALO_CHROMIUM; CI requires it).`);
}

describe.skipIf(browserMissing)('report.html in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is needed for the HTML report test and was not found at ${CHROMIUM}. ` +
          'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu; CI does this in .ci/run), ' +
          'or point HALO_CHROMIUM at a Chromium or Chrome binary.',
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'halo-report-'));
    server = createServer((req, res) => {
      if (req.url === '/report.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
    // launch() gives every run a fresh, temporary user data dir.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(opts: { colorScheme?: 'light' | 'dark' } = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: opts.colorScheme ?? 'light' });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests, close: () => context.close() };
  }

  const pwned = (page: Page) => page.evaluate('window.__pwned');

  it('renders without errors, requests nothing but itself, and draws every chart mark', async () => {
    const { page, problems, requests, close } = await open();
    try {
      const fd = data.failuresByDay;
      const dayMarks = fd.series.reduce((n, s) => n + s.counts.filter((c) => c > 0).length, 0);
      expect(dayMarks).toBeGreaterThan(0);
      await expect.poll(() => page.locator('#chart-days svg .mark').count()).toBe(dayMarks);
      expect(await page.locator('#chart-top svg .mark').count()).toBe(Math.min(file.findings.length, REPORT_LIMITS.topFindings));
      expect(data.passK.length).toBeGreaterThan(0);
      expect(await page.locator('#chart-passk svg path.mark').count()).toBe(data.passK.length);
      expect(await page.locator('#chart-passk svg circle.point').count()).toBe(data.passK.reduce((n, c) => n + c.points.length, 0));
      const histMarks = data.distributions.reduce(
        (n, d) => n + [d.latency, d.cost].reduce((m, h) => m + (h ? h.buckets.filter((b) => b.count > 0).length : 0), 0),
        0,
      );
      expect(await page.locator('#chart-dist svg.hist .mark').count()).toBe(histMarks);
      expect(await page.locator('#chart-dist svg.hist').count()).toBe(
        data.distributions.reduce((n, d) => n + (d.latency ? 1 : 0) + (d.cost ? 1 : 0), 0),
      );

      // One entry per finding, in rank order, with its evidence.
      const items = page.locator('ol.findings > li.finding');
      expect(await items.count()).toBe(file.findings.length);
      expect(file.findings.length).toBeGreaterThan(3);
      const titles = await page.locator('ol.findings > li.finding h3').allTextContents();
      expect(titles).toEqual(file.findings.map((f) => f.title));
      const perItem = await page.evaluate(
        `[...document.querySelectorAll('ol.findings > li.finding')].map((li) => [li.querySelectorAll('button.ev-item').length, li.querySelector('.badge').textContent])`,
      );
      expect(perItem).toEqual(file.findings.map((f) => [Math.min(50, f.evidence.length), f.severity]));

      // HALO_REPORT_SHOT=/tmp/report.png keeps a screenshot (and the page beside it) to look at.
      const shot = process.env.HALO_REPORT_SHOT;
      if (shot) {
        await page.screenshot({ path: shot, fullPage: true });
        writeFileSync(shot.replace(/\.png$/, '') + '.html', html);
      }
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await close();
    }
  });

  it('opens a cited trace as a span tree with the cited span highlighted and its data viewable', async () => {
    const { page, problems, requests, close } = await open();
    try {
      // The first finding citing a span whose trace is embedded and has tool data or input.
      const embedded = new Map(data.traces.map((t) => [t.traceId, t]));
      let target: { fi: number; ei: number; traceId: string; spanId: string } | undefined;
      for (const [fi, f] of file.findings.entries()) {
        for (const [ei, e] of f.evidence.entries()) {
          const s = e.spanId ? embedded.get(e.traceId)?.spans.find((x) => x.id === e.spanId) : undefined;
          if (s && (s.tool?.args || s.input) && embedded.get(e.traceId)!.spans.length > 2) {
            target = { fi, ei, traceId: e.traceId, spanId: e.spanId! };
            break;
          }
        }
        if (target) break;
      }
      expect(target, 'a finding citing a span with data').toBeDefined();
      const trace = embedded.get(target!.traceId)!;
      const span = trace.spans.find((s) => s.id === target!.spanId)!;

      const item = page.locator('ol.findings > li.finding').nth(target!.fi);
      await openAllDetails(item);
      // Opened from the keyboard, as a keyboard user would.
      const evButton = item.locator('button.ev-item').nth(target!.ei);
      await evButton.focus();
      await page.keyboard.press('Enter');
      const dialog = page.locator('dialog#trace-view');
      await expect.poll(() => dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
      expect(await dialog.locator('.tv-title').textContent()).toContain(target!.traceId);
      expect(await dialog.locator('.span-row').count()).toBe(trace.spans.length);

      const row = dialog.locator(`.span-row[data-span-id="${cssEscape(target!.spanId)}"]`);
      expect(await row.getAttribute('class')).toContain('cited');
      expect(await row.getAttribute('aria-selected')).toBe('true');
      expect(await dialog.locator('.span-row[aria-selected="true"]').count()).toBe(1);

      const detail = dialog.locator('.tv-detail');
      expect(await detail.locator('.sd-title').textContent()).toBe(span.name);
      expect(await detail.locator('.sd-cited').first().textContent()).toContain(file.findings[target!.fi]!.title);
      const key = span.tool?.args ? 'args' : 'input';
      const fieldEl = detail.locator(`details.field[data-field="${key}"]`);
      expect(await fieldEl.locator('pre').textContent()).toBe(key === 'args' ? span.tool!.args : span.input);
      // Expand/collapse works from the keyboard.
      expect(await fieldEl.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
      await fieldEl.locator('summary').focus();
      await page.keyboard.press('Enter');
      expect(await fieldEl.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);

      // Arrow keys walk the tree; the detail follows the selection.
      const index = trace.spans.findIndex((s) => s.id === target!.spanId);
      await row.focus();
      await page.keyboard.press(index + 1 < trace.spans.length ? 'ArrowDown' : 'ArrowUp');
      const next = trace.spans[index + 1 < trace.spans.length ? index + 1 : index - 1]!;
      expect(await dialog.locator('.span-row[aria-selected="true"]').getAttribute('data-span-id')).toBe(next.id);
      expect(await detail.locator('.sd-title').textContent()).toBe(next.name);

      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
      // Focus returns to the citation that opened the trace.
      expect(await evButton.evaluate((b) => b === (b as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await close();
    }
  });

  it('says so when a cited trace is beyond the embedding cap', async () => {
    const embedded = new Set(data.traces.map((t) => t.traceId));
    let target: { fi: number; ei: number } | undefined;
    for (const [fi, f] of file.findings.entries()) {
      const ei = f.evidence.slice(0, 50).findIndex((e) => !embedded.has(e.traceId));
      if (ei >= 0) {
        target = { fi, ei };
        break;
      }
    }
    expect(target, 'the sample week cites more traces than the report embeds').toBeDefined();
    const { page, problems, close } = await open();
    try {
      const item = page.locator('ol.findings > li.finding').nth(target!.fi);
      await openAllDetails(item);
      await item.locator('button.ev-item').nth(target!.ei).click();
      expect(await page.locator('dialog#trace-view .empty').textContent()).toContain(`embeds at most ${REPORT_LIMITS.traces} cited traces`);
      expect(await page.locator('dialog#trace-view .tv-title').textContent()).toContain(file.findings[target!.fi]!.evidence[target!.ei]!.traceId);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('opens the trace named in the URL, and puts an opened trace in the URL', async () => {
    const t = data.traces.find((x) => x.spans.length > 3)!;
    const span = t.spans[2]!;
    const { page, problems, close } = await open();
    try {
      await page.goto(`${url}#trace=${encodeURIComponent(t.traceId)}&span=${encodeURIComponent(span.id)}`);
      const dialog = page.locator('dialog#trace-view');
      await expect.poll(() => dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
      expect(await dialog.locator('.span-row[aria-selected="true"]').getAttribute('data-span-id')).toBe(span.id);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.evaluate('location.hash')).toBe('');

      const ev = file.findings[0]!.evidence[0]!;
      await page.locator('ol.findings > li.finding').first().locator('button.ev-item').first().click();
      await expect.poll(() => page.evaluate('location.hash')).toBe(
        `#trace=${encodeURIComponent(ev.traceId)}${ev.spanId ? `&span=${encodeURIComponent(ev.spanId)}` : ''}`,
      );
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows markup from traces and findings as text and never runs it', async () => {
    const { page, problems, close } = await open({ colorScheme: 'dark' });
    try {
      const fi = file.findings.findIndex((f) => f.key.signature === 'markup_echo');
      expect(fi, 'the hostile finding survived verification').toBeGreaterThanOrEqual(0);
      const item = page.locator('ol.findings > li.finding').nth(fi);
      expect(await item.locator('h3').textContent()).toBe(HOSTILE_FINDING.title);
      expect(await item.locator('.ev-ex').first().textContent()).toBe("<script>window.__pwned='llm-output'</script>");
      expect(await item.locator('.fbody > p').textContent()).toBe(HOSTILE_FINDING.summary.replace(/`/g, ''));
      expect(await item.locator('.fbody > p > code').textContent()).toBe('<script>window.__pwned="summary"</script>');

      await openAllDetails(item);
      await item.locator('button.ev-item').first().click();
      const detail = page.locator('dialog#trace-view .tv-detail');
      expect(await detail.locator('details.field[data-field="output"] pre').textContent()).toContain("Sure! <script>window.__pwned='llm-output'</script>");
      expect(await detail.locator('details.field[data-field="output"] mark').first().textContent()).toBe("<script>window.__pwned='llm-output'</script>");
      expect(await detail.locator('details.field[data-field="input"] pre').textContent()).toContain(`<img src=x onerror="window.__pwned='llm-input'">`);

      // Walk every span of the hostile trace so each field is rendered.
      const rows = page.locator('dialog#trace-view .span-row');
      for (let i = 0; i < (await rows.count()); i++) await rows.nth(i).click();
      expect(await page.locator('dialog#trace-view .span-row').first().textContent()).toContain('agent.<img src=x');

      expect(await pwned(page)).toBeUndefined();
      // Only our two script elements exist; no injected element made it into the DOM.
      expect(await page.locator('script').count()).toBe(2);
      expect(await page.locator('img, body svg[onload], [onerror], [onload]').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows run history: status, trend against earlier runs, resolved findings', async () => {
    const [a, b] = file.findings;
    const run = (id: string, finishedAt: string, findings: { fingerprint: string; title: string; traces: number }[]): RunRecord => ({
      id,
      scope: 'default',
      startedAt: finishedAt,
      finishedAt,
      window: { start: null, end: null },
      latestTrace: null,
      mode: 'offline',
      partial: false,
      traces: 100,
      findings: findings.map((f) => ({ ...f, severity: 'high', category: 'outcome', share: f.traces / 100 })),
    });
    const previous = [
      run('r1', '2026-11-09T00:00:00Z', [{ fingerprint: a!.fingerprint, title: a!.title, traces: 3 }, { fingerprint: b!.fingerprint, title: b!.title, traces: 2 }]),
      run('r2', '2026-11-16T00:00:00Z', [{ fingerprint: a!.fingerprint, title: a!.title, traces: 5 }, { fingerprint: '00000000000000ff', title: 'Old <b>loop</b>', traces: 4 }]),
    ];
    const annotated = annotateWithHistory(file, previous);
    const { page, problems, close } = await open();
    try {
      await page.setContent(renderHtmlReport(annotated, data));
      const first = page.locator('ol.findings > li.finding').nth(0);
      expect(await first.locator('.chip.status-recurring').textContent()).toBe('recurring');
      expect(await first.locator('svg.trend').getAttribute('aria-label')).toBe(`affected traces over the last 3 runs: 3, 5, ${a!.prevalence.traces}`);
      expect(await page.locator('ol.findings > li.finding').nth(1).locator('.chip.status-regressed').count()).toBe(1);
      expect(await page.locator('.resolved li').first().textContent()).toContain('Old <b>loop</b>');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('renders an empty run without errors', async () => {
    const empty = buildFindingsFile({
      run: { ...file.run, id: 'run-empty' },
      dataset: {},
      summary: '',
      verification: { submitted: 0, kept: 0, droppedFindings: 0, droppedEvidence: 0, merged: 0 },
      findings: [],
    });
    const { page, problems, close } = await open();
    try {
      await page.setContent(renderHtmlReport(empty, buildReportData([], [])));
      expect(await page.locator('li.finding').count()).toBe(0);
      expect(await page.locator('#findings + .card .empty').textContent()).toBe('No findings in this window.');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('filters findings by text, severity and category', async () => {
    const { page, close } = await open();
    try {
      const items = page.locator('ol.findings > li.finding');
      await page.locator('#finding-search').fill('markup_echo');
      expect(await items.locator('visible=true').count()).toBe(1);
      await page.locator('#finding-search').fill('');
      const sev = file.findings[0]!.severity;
      await page.locator(`button[data-sev="${sev}"]`).click();
      expect(await items.locator('visible=true').count()).toBe(file.findings.filter((f) => f.severity === sev).length);
      await page.locator(`button[data-sev="${sev}"]`).click();
      await page.locator('#finding-category').selectOption('errors_recovery');
      const n = file.findings.filter((f) => f.category === 'errors_recovery').length;
      expect(n).toBeGreaterThan(0);
      expect(await items.locator('visible=true').count()).toBe(n);
      expect(await page.locator('#finding-count').textContent()).toBe(`${n} of ${file.findings.length} findings`);
    } finally {
      await close();
    }
  });
});

/** Opens the evidence list (and its "more" fold) the way a user would, by clicking the summaries. */
async function openAllDetails(item: Locator) {
  for (const sel of ['details.evidence', 'details.more']) {
    const d = item.locator(sel);
    if ((await d.count()) === 0) continue;
    if (!(await d.evaluate((el) => (el as unknown as { open: boolean }).open))) await d.locator('> summary').click();
  }
}

function cssEscape(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

/** A trace with a chain of `n` spans (each the child of the previous), every input `text`. */
function makeTrace(traceId: string, n: number, text: string): Trace {
  const t0 = Date.parse('2026-11-17T08:00:00Z');
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) {
    spans.push(span({
      spanId: `${traceId}-s${i}`,
      parentId: i === 0 ? null : `${traceId}-s${i - 1}`,
      traceId,
      name: `step ${i}`,
      kind: i === 0 ? 'agent' : 'tool',
      startTime: t0 + i,
      endTime: t0 + i + 1,
      tool: i === 0 ? null : { name: 'lookup', arguments: { q: i }, result: text },
      input: text,
      output: text,
    }));
  }
  return trace(spans, {
    traceId,
    startTime: t0,
    endTime: t0 + n,
    durationMs: n,
    agentName: 'bench-agent',
    source: { file: 'memory', format: 'flat-span' },
  });
}
