// Window comparison (issue 23): the statistics, the verdicts on constructed
// windows (a planted regression is called, a no-change is not), and the whole
// path — two sandboxes, findings verified against the window — on the sample
// generator's two weeks and on real τ-bench runs split by trial.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { holm, mannWhitney, medianInterval, proportionTest, bootstrapMedianDifference } from '../src/compare/stats.ts';
import { compareWindows } from '../src/compare/compare.ts';
import { compare } from '../src/compare/index.ts';
import { parseBaseline, baselineWindow } from '../src/compare/baseline.ts';
import type { RunMetric } from '../src/compare/types.ts';
import { prng } from '../src/prng.ts';
import { analyze } from '../src/analyze.ts';
import { RunHistory } from '../src/history/store.ts';
import { findingsFile } from './helpers/findings-runs.ts';
import { comparisonHtml } from '../src/compare/html.ts';
import { esc } from '../src/report/html/escape.ts';

describe('statistics', () => {
  it('Mann-Whitney: complete separation of 5 and 5 gives U = 0 and the normal-approximation p', () => {
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    // z = (0 − 12.5 + 0.5) / sqrt(5·5·11/12)
    expect(r.p).toBeCloseTo(0.0122, 3);
    expect(mannWhitney([3, 3, 3], [3, 3, 3]).p).toBe(1);
  });

  it("Holm's step-down adjustment keeps the input order and is monotone", () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holm([0.5, 0.001])).toEqual([0.5, 0.002]);
  });

  it('median interval and bootstrap interval cover the truth on a seeded sample', () => {
    const rand = prng(7);
    const x = Array.from({ length: 400 }, () => Math.exp(rand() * 2));
    const y = x.map((v) => v * 1.5);
    const m = medianInterval(x);
    expect(m.low).toBeLessThanOrEqual(m.value);
    expect(m.high).toBeGreaterThanOrEqual(m.value);
    const ci = bootstrapMedianDifference(x, y, { seed: 1 });
    const diff = medianInterval(y).value - m.value;
    expect(ci.low).toBeLessThan(diff);
    expect(ci.high).toBeGreaterThan(diff);
    expect(ci.low).toBeGreaterThan(0);
    // Seeded: the same interval every time.
    expect(bootstrapMedianDifference(x, y, { seed: 1 })).toEqual(ci);
  });

  it('two-proportion test: equal rates give p = 1, a large drop a small p', () => {
    expect(proportionTest(50, 100, 50, 100)).toBeCloseTo(1, 6);
    expect(proportionTest(80, 100, 40, 100)).toBeLessThan(1e-6);
  });
});

/** Runs of one agent with skewed steps/tokens (log-normal-ish) and a success rate. */
function runs(n: number, o: { agent: string; seed: number; steps?: number; tokens?: number; success?: number; tasks?: number; ms?: number }): RunMetric[] {
  const rand = prng(o.seed);
  return Array.from({ length: n }, (_, i) => {
    const skew = Math.exp((rand() - 0.5) * 1.2);
    return {
      id: `${o.agent}-${o.seed}-${i}`,
      agent: o.agent,
      task: o.tasks ? `t${i % o.tasks}` : null,
      start: 1_700_000_000_000 + i,
      ok: rand() < (o.success ?? 0.8),
      steps: Math.max(1, Math.round((o.steps ?? 10) * skew)),
      tokens: Math.round((o.tokens ?? 5000) * skew * Math.exp((rand() - 0.5) * 0.4)),
      cost: null,
      ms: Math.round((o.ms ?? 8000) * Math.exp((rand() - 0.5))),
      tools: { search: [2, 600 * Math.exp(rand() - 0.5), null] },
      models: {},
    };
  });
}

describe('compareWindows on constructed windows', () => {
  it('calls a planted efficiency regression at a flat success rate, and nothing for the unchanged agent', () => {
    const base = [...runs(300, { agent: 'a', seed: 1 }), ...runs(300, { agent: 'b', seed: 2 })];
    const cur = [...runs(300, { agent: 'a', seed: 3, steps: 15, tokens: 7500 }), ...runs(300, { agent: 'b', seed: 4 })];
    const c = compareWindows(base, cur);
    const worse = c.rows.filter((r) => r.verdict === 'worse').map((r) => `${r.group.agent ?? r.group.tool}:${r.metric}`);
    expect(worse.sort()).toEqual(['a:steps', 'a:tokens']);
    const steps = c.rows.find((r) => r.group.agent === 'a' && !r.group.task && r.metric === 'steps')!;
    expect(steps.change.low).toBeGreaterThan(0);
    expect(steps.change.relative!).toBeGreaterThan(0.3);
    expect(steps.pAdjusted).toBeLessThan(0.05);
    const success = c.rows.find((r) => r.group.agent === 'a' && r.metric === 'success')!;
    expect(success.verdict).toBe('none');
    expect(success.change.low).toBeLessThan(0);
    expect(success.change.high).toBeGreaterThan(0);
  });

  it('a planted no-change produces no verdict at all, over many seeds and groups (Holm keeps the family at alpha)', () => {
    let called = 0;
    let tests = 0;
    for (let s = 0; s < 12; s++) {
      const agents = ['a', 'b', 'c'];
      const base = agents.flatMap((a, i) => runs(200, { agent: a, seed: 100 * s + i, tasks: 10 }));
      const cur = agents.flatMap((a, i) => runs(200, { agent: a, seed: 100 * s + 50 + i, tasks: 10 }));
      const c = compareWindows(base, cur, { resamples: 300 });
      tests += c.tests;
      called += c.rows.filter((r) => r.verdict !== 'none').length;
    }
    expect(tests).toBeGreaterThan(12 * 50);
    expect(called).toBe(0);
  });

  it('calls a drop in success rate with its Newcombe interval, and a group too small to test is listed, not tested', () => {
    const base = [...runs(400, { agent: 'a', seed: 5, success: 0.85 }), ...runs(5, { agent: 'tiny', seed: 6 })];
    const cur = [...runs(400, { agent: 'a', seed: 7, success: 0.6 }), ...runs(5, { agent: 'tiny', seed: 8 })];
    const c = compareWindows(base, cur);
    const s = c.rows.find((r) => r.group.agent === 'a' && r.metric === 'success')!;
    expect(s.verdict).toBe('worse');
    expect(s.change.high).toBeLessThan(0);
    expect(s.baseline.k! / s.baseline.n).toBeCloseTo(s.baseline.value, 3);
    expect(c.rows.some((r) => r.group.agent === 'tiny')).toBe(false);
    expect(c.untested.some((u) => u.group.agent === 'tiny' && /too few runs/.test(u.reason))).toBe(true);
  });
});

describe('the comparison in reports', () => {
  it('group names from the traces are escaped in the HTML section', () => {
    const base = runs(50, { agent: '<img src=x onerror=alert(1)>', seed: 1 });
    const cur = runs(50, { agent: '<img src=x onerror=alert(1)>', seed: 2, steps: 30 });
    const html = comparisonHtml(compareWindows(base, cur), esc, {
      findings: [{ title: 'new <b>one</b>', status: 'new' }, { title: 'back again', status: 'regressed' }],
      resolved: [{ title: 'gone' }],
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The history's states side by side, in the same section.
    expect(html).toMatch(/<th>new<\/th><th>recurring<\/th><th>regressed or resurfaced<\/th><th>resolved<\/th>/);
    expect(html).toContain('<li>new &lt;b&gt;one&lt;/b&gt;</li>');
    expect(html).toContain('<li>back again</li>');
  });
});

describe('--baseline specs', () => {
  it('previous is the same length just before; a range is taken as written; a bad value names the forms', () => {
    expect(baselineWindow(parseBaseline('previous'), { start: '2026-11-09T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z' })).toEqual({
      since: '2026-11-02T00:00:00.000Z',
      until: '2026-11-09T00:00:00.000Z',
    });
    expect(parseBaseline('2026-11-01..2026-11-08').window).toEqual({ since: '2026-11-01', until: '2026-11-08' });
    expect(() => baselineWindow(parseBaseline('previous'), { start: null, end: null })).toThrow(/needs a window with a start and an end/);
    expect(() => parseBaseline('last-week')).toThrow(/expected previous, <from>..<to>/);
    expect(() => parseBaseline('20261130T060000Z-1a2b3c', { stateDir: join(tmpdir(), 'halo-none') })).toThrow(/no such run/);
  });

  it('a run id reads the window and inputs that run analyzed from the history', () => {
    const state = mkdtempSync(join(tmpdir(), 'halo-baseline-run-'));
    try {
      const id = '20261130T060000Z-1a2b3c';
      const file = findingsFile(id, []);
      file.run.options = { files: ['/data/traces'] };
      new RunHistory(state).record({ scope: 'default', window: { start: Date.parse('2026-11-23T00:00:00Z'), end: Date.parse('2026-11-30T00:00:00Z') }, latestTrace: null, file });
      expect(parseBaseline(id, { stateDir: state })).toEqual({
        window: { since: '2026-11-23T00:00:00.000Z', until: '2026-11-30T00:00:00.000Z' },
        files: ['/data/traces'],
        label: `run ${id}`,
      });
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});

describe('compare() end to end', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'halo-compare-'));
    const gen = (out: string, extra: string[]) => {
      const r = spawnSync(process.execPath, ['samples/generate.mjs', '--out', join(tmp, out), '--truth', 'none', '--traces', '600', '--quiet', ...extra], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    gen('week1', []);
    gen('week2', ['--start', '2026-11-09T00:00:00.000Z', '--seed', '20261109', '--regress', 'support']);
    gen('week2-same', ['--start', '2026-11-09T00:00:00.000Z', '--seed', '20261109']);
    // τ-bench airline (real runs): trials 0-1 against trials 2-3 of the same agent and tasks.
    const tau = JSON.parse(readFileSync('tests/fixtures/tau-bench/gpt-4o-airline.json', 'utf8')) as Array<{ trial: number; reward: number }>;
    writeFileSync(join(tmp, 'tau-early.json'), JSON.stringify(tau.filter((r) => r.trial < 2)));
    writeFileSync(join(tmp, 'tau-late.json'), JSON.stringify(tau.filter((r) => r.trial >= 2)));
    // The late trials with most passing runs left out: a success drop made by selection.
    let keep = 0;
    writeFileSync(join(tmp, 'tau-late-worse.json'), JSON.stringify(tau.filter((r) => r.trial >= 2 && (r.reward <= 0 || keep++ % 5 === 0))));
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds the planted efficiency regression of the second generated week, with its interval, and flags nothing else', async () => {
    const r = await compare({ files: [join(tmp, 'week2')], baseline: parseBaseline(undefined, { inputs: [join(tmp, 'week1')] }) });
    const titles = r.findings.map((f) => f.title);
    expect(titles.length, titles.join('\n')).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.key.component).toBe('support-agent');
      expect(['trajectory', 'cost']).toContain(f.category);
      expect(f.verification.level).toBe('predicate');
      expect(f.verification.evidenceDropped).toBe(0);
      expect(f.summary).toMatch(/success rate did not change significantly/);
    }
    const steps = r.findings.find((f) => f.key.signature === 'comparison:steps-up')!;
    expect(steps).toBeDefined();
    expect(steps.summary).toMatch(/bootstrap 95% interval \+\d/);
    expect(steps.summary).toMatch(/Holm's correction over \d+ tests/);
    expect(steps.rootCause.statement).toMatch(/same model/);
    // The planted change is in support-agent alone; every other agent row is unchanged.
    const others = r.comparison.rows.filter((x) => x.group.agent && x.group.agent !== 'support-agent' && x.verdict !== 'none');
    expect(others).toEqual([]);
    const success = r.comparison.rows.find((x) => x.group.agent === 'support-agent' && !x.group.task && x.metric === 'success')!;
    expect(success.verdict).toBe('none');
  }, 180_000);

  it('two unchanged generated weeks: no finding', async () => {
    const r = await compare({ files: [join(tmp, 'week2-same')], baseline: parseBaseline(undefined, { inputs: [join(tmp, 'week1')] }) });
    expect(r.findings.map((f) => f.title)).toEqual([]);
    expect(r.comparison.rows.filter((x) => x.verdict === 'worse')).toEqual([]);
    expect(r.comparison.tests).toBeGreaterThan(10);
  }, 180_000);

  it('real τ-bench runs split by trial: the same agent and tasks show no change', async () => {
    const r = await compare({ files: [join(tmp, 'tau-late.json')], baseline: parseBaseline(undefined, { inputs: [join(tmp, 'tau-early.json')] }) });
    expect(r.comparison.baseline.runs).toBe(100);
    expect(r.comparison.current.runs).toBe(100);
    expect(r.comparison.rows.some((x) => x.metric === 'success')).toBe(true);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('real τ-bench runs with passing runs left out: the drop in success is a finding citing failed runs', async () => {
    const r = await compare({ files: [join(tmp, 'tau-late-worse.json')], baseline: parseBaseline(undefined, { inputs: [join(tmp, 'tau-early.json')] }) });
    const drop = r.findings.find((f) => f.key.signature === 'comparison:success-down')!;
    expect(drop, r.findings.map((f) => f.title).join('\n')).toBeDefined();
    expect(drop.category).toBe('outcome');
    expect(drop.verification.level).toBe('predicate');
    expect(drop.impact).toBeUndefined();
    expect(drop.summary).toMatch(/Success rate \d+% \(\d+\/100\) in the baseline/);
    expect(drop.evidence.length).toBeGreaterThan(0);
  }, 120_000);

  it('analyze --baseline: the regressions join the findings, findings.json carries the comparison, report.md its section', async () => {
    const out = join(tmp, 'report');
    const r = await analyze({ files: [join(tmp, 'week2')], offline: true, out, baseline: parseBaseline(undefined, { inputs: [join(tmp, 'week1')] }) });
    expect(r.file.comparison?.tests).toBeGreaterThan(10);
    const regressions = r.file.findings.filter((f) => f.source === 'detector:compare');
    expect(regressions.map((f) => f.key.signature).sort()).toContain('comparison:steps-up');
    // Detector findings are still there.
    expect(r.file.findings.length).toBeGreaterThan(regressions.length);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Comparison with the baseline');
    expect(md).toMatch(/\| support-agent \| steps \|/);
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).comparison.rows.length).toBe(r.file.comparison!.rows.length);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2 id="comparison">Comparison with the baseline</h2>');
    expect(html).toMatch(/<tr class="cmp-worse"><td>support-agent<\/td><td>steps<\/td>/);
  }, 180_000);

  it('real mini-swe-agent runs, outcomes joined from their SWE-bench reports, split into two halves: success compared, no change called', async () => {
    const root = 'tests/fixtures/real/mini-swe-agent-deepseek';
    const all = readdirSync(join(root, 'trajectories')).sort();
    const half = (k: number) => all.filter((_, i) => i % 2 === k).map((f) => join(root, 'trajectories', f));
    const outcomes = readdirSync(join(root, 'reports')).map((f) => join(root, 'reports', f));
    const r = await compare({ files: half(1), outcomes, baseline: { files: half(0), label: 'the other half' } });
    const success = r.comparison.rows.find((x) => x.metric === 'success' && x.group.agent === 'mini-swe-agent')!;
    expect(success.baseline.n + success.current.n).toBe(40);
    expect(success.baseline.k! + success.current.k!).toBe(23);
    expect(r.comparison.rows.some((x) => x.metric === 'steps')).toBe(true);
    // No tokens or cost in these files: not compared, never read as zero.
    expect(r.comparison.rows.some((x) => x.metric === 'tokens' || x.metric === 'cost')).toBe(false);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('real SWE-agent trajectories carry no timestamps: a time split leaves them out and says so', async () => {
    const r = await compare({ files: ['tests/fixtures/real/swe-agent'], window: { since: '2025-01-08', until: '2025-01-15' }, baseline: parseBaseline('previous') });
    expect(r.comparison.notes.join(' ')).toMatch(/runs? without timestamps \(in both windows\) left out of the comparison; compare releases by their files with --baseline-inputs/);
    expect(r.comparison.rows).toEqual([]);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('time-split baseline on the same files: previous window of the sample week', async () => {
    const r = await compare({ files: [join(tmp, 'week1')], window: { window: '3d', until: 'latest' }, baseline: parseBaseline('previous') });
    expect(r.comparison.baseline.runs).toBeGreaterThan(0);
    expect(r.baselineWindow.since).toBeDefined();
    expect(Date.parse(r.comparison.baseline.end!)).toBeLessThan(Date.parse(r.comparison.current.start!));
    expect(r.findings).toEqual([]);
  }, 120_000);
});
