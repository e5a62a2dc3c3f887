// "Verified" means true: scripted-model runs of `analyze()` on the 3,000-trace
// sample week, through the real openai SDK and a loopback server, with the
// real sandbox. The root behaves like a careless or hostile analyst (always-true
// and over-broad predicates, id-only citations, invented ids, narrowing
// `traces`, a predicate that never returns); a sub-model judges audit samples
// the way an honest small model would, by reading the rendered trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type AnalyzeResult } from '../src/analyze.ts';
import type { Finding } from '../src/findings/schema.ts';
import { sampleIds, wilsonInterval } from '../src/findings/audit.ts';
import { findExcerpt, haystack } from '../src/findings/excerpt.ts';
import { parseRunLog, renderReplay } from '../src/cli/replay.ts';
import { buildDoc, renderMarkdown } from '../src/export/body.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import { cell, type Script, type ScriptedRequest } from './helpers/scripted-models.ts';
import { engineClient } from '../src/sandbox/rpc.ts';

const root = new URL('..', import.meta.url).pathname;
const week = join(root, 'samples/week');
const truth = JSON.parse(readFileSync(join(root, 'samples/ground-truth.json'), 'utf8')) as { modes: Record<string, { traceIds: string[] }> };
const RATE_LIMITED = new Set(truth.modes.rate_limit_retry!.traceIds);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-verify-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const lastUser = (req: ScriptedRequest) => req.messages.at(-1)!.content;
const traceData = (req: ScriptedRequest) => /<trace_data>([\s\S]*?)<\/trace_data>/.exec(lastUser(req))?.[1] ?? '';

/** The audit's judge: an honest small model that says yes only when the trace shows a rate limit. */
const judge: Script = (req) => {
  const shows = /\b429\b|rate limit/i.test(traceData(req));
  return JSON.stringify({ shows, reason: shows ? 'the LLM call failed with a 429 rate limit' : 'no rate limit in this trace' });
};

// Turn 1: look at rate-limited spans the way an analyst would, through render() and print().
const LOOK = `const isRl = (s) => s.status === 'error' && /429|rate.?limit/i.test((s.error && s.error.message) || s.statusMessage || '');
const rl = traces.filter((t) => t.spans.some(isRl));
const t0 = rl[0];
const s0 = t0.spans.find(isRl);
print('SPAN', t0.traceId, s0.spanId);
print(render(s0, { budget: 800 }));
print('ERROR-OBJECT');
print(s0.error);
const [ct, cs] = rl.flatMap((t) => t.spans.map((s) => [t, s])).find(([t, s]) => render(s, { budget: 300 }).includes('…[+'));
print('CUT', ct.traceId, cs.spanId);
print(render(cs, { budget: 300 }));
const other = t0.spans.find((s) => s.kind === 'tool' && s.startTime >= s0.endTime);
print('OTHER', other.spanId);
print(render(other, { budget: 800 }));
print('IDS', rl.slice(0, 12).map((t) => t.traceId).join(' '));`;

interface Seen {
  t0: string;
  s0: string;
  errorLine: string;
  errorObject: string;
  cutTrace: string;
  cutSpan: string;
  cutLine: string;
  otherText: string;
  ids: string[];
}

/** Reads what the root was shown (the cell output) the way a model would: by copying lines out of it. */
function readShown(text: string): Seen {
  const out = /<cell_output>\n?([\s\S]*?)<\/cell_output>/.exec(text)![1]!;
  const lines = out.split('\n');
  const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
  const [, t0, s0] = lines[at('SPAN ')]!.split(' ');
  const errorLine = lines.find((l) => l.trim().startsWith('error: RateLimitError'))!.trim();
  const objStart = at('ERROR-OBJECT') + 1;
  const errorObject = lines.slice(objStart, at('CUT ')).join('\n').trim();
  const [, cutTrace, cutSpan] = lines[at('CUT ')]!.split(' ');
  const cutLine = lines.slice(at('CUT ') + 1, at('OTHER ')).find((l) => l.includes('…[+'))!.trim();
  const otherText = lines.slice(at('OTHER ') + 1, at('IDS ')).find((l) => /^\s+(result|args):/.test(l))!.trim().replace(/^(result|args): /, '').slice(0, 60);
  const ids = lines[at('IDS ')]!.split(' ').slice(1);
  return { t0: t0!, s0: s0!, errorLine, errorObject, cutTrace: cutTrace!, cutSpan: cutSpan!, cutLine, otherText, ids };
}

const base = {
  summary: 'Found while testing verification.',
  rootCause: { statement: 'The provider rate-limits the agent.', confidence: 'confirmed' as const },
  fix: { summary: 'Back off and retry on 429.', kind: 'code' as const },
};

function submission(s: Seen) {
  const ids = s.ids;
  const precise = "(t) => t.spans.some((s) => s.status === 'error' && /429|rate.?limit/i.test((s.error && s.error.message) || s.statusMessage || ''))";
  const finding = (over: Record<string, unknown>) => ({ ...base, category: 'errors_recovery', severity: 'high', ...over });
  return {
    summary: 'Rate limits, and some claims that should not survive.',
    findings: [
      finding({
        title: 'LLM calls fail with 429 rate limits',
        predicate: precise,
        key: { component: 'llm', signature: 'rate_limit_429' },
        evidence: [
          { traceId: s.t0, spanId: s.s0, excerpt: s.errorLine },
          { traceId: ids[1] },
          { traceId: ids[2] },
          { traceId: 'tr-invented-0001' },
        ],
      }),
      finding({
        title: 'Rate limits hit the agents (loose predicate)',
        category: 'other',
        predicate: "(t) => t.spans.some((s) => s.status === 'error')",
        key: { component: 'agents', signature: 'rate_limited_runs' },
        evidence: [{ traceId: ids[3] }, { traceId: ids[4] }, { traceId: ids[5] }],
      }),
      finding({
        title: 'Every run is broken',
        category: 'outcome',
        severity: 'critical',
        predicate: '(t) => true',
        key: { component: 'everything', signature: 'always' },
        evidence: [{ traceId: ids[6] }, { traceId: ids[7] }, { traceId: ids[8] }],
      }),
      finding({
        title: 'Runs named by id only',
        category: 'trajectory',
        key: { component: 'ids', signature: 'only' },
        evidence: [{ traceId: ids[9] }, { traceId: ids[10] }, { traceId: ids[11] }],
      }),
      finding({
        title: 'Excerpts copied from render() and print()',
        category: 'latency',
        key: { component: 'excerpts', signature: 'verbatim' },
        evidence: [
          { traceId: s.t0, spanId: s.s0, excerpt: s.errorObject },
          { traceId: s.cutTrace, spanId: s.cutSpan, excerpt: s.cutLine },
        ],
      }),
      finding({
        title: 'Near miss: one word changed',
        category: 'cost',
        key: { component: 'near', signature: 'word' },
        evidence: [{ traceId: s.t0, spanId: s.s0, excerpt: s.errorLine.replace('reached', 'exceeded') }],
      }),
      finding({
        title: 'Near miss: parts out of order',
        category: 'tool_selection',
        key: { component: 'near', signature: 'order' },
        evidence: [{ traceId: s.t0, spanId: s.s0, excerpt: 'Please try again in … 429 Rate limit reached' }],
      }),
      finding({
        title: 'Near miss: text from another span',
        category: 'tool_arguments',
        key: { component: 'near', signature: 'span' },
        evidence: [{ traceId: s.t0, spanId: s.s0, excerpt: s.otherText }],
      }),
    ],
  };
}

describe('verification on the sample week (scripted model)', () => {
  let result: AnalyzeResult;
  let findings: Finding[];
  let rootRequests: ScriptedRequest[];
  let subRequests: ScriptedRequest[];
  let seen: Seen;
  let log: string;
  const byTitle = (t: string) => findings.find((f) => f.title === t);

  beforeAll(async () => {
    let submitCell: string | null = null;
    const rootScript: Script = (req) => {
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      if (turn === 0) return cell(LOOK, 'Let me look at the rate-limited spans.');
      if (!submitCell) {
        seen = readShown(req.messages.find((m) => m.role === 'user' && m.content.includes('ERROR-OBJECT'))!.content);
        // Narrowing `traces` in place must not change what verification counts against.
        submitCell = `traces.length = 0; traces.push(...rl.slice(0, 2));
await submit(${JSON.stringify(submission(seen))});`;
      }
      // The review round: submitting the same findings keeps the result.
      return cell(submitCell, 'Submitting.');
    };
    const server = await startOpenAIServer((req) => (req.model === 'sub-model' ? judge(req) : rootScript(req)));
    log = join(tmp, 'run.jsonl');
    try {
      result = await analyze({
        files: [week],
        window: { window: '7d', until: 'latest' },
        out: join(tmp, 'out'),
        formats: ['json', 'md'],
        env: {},
        logPath: log,
        model: { provider: 'openai', model: 'root-model', subModel: 'sub-model', baseUrl: server.baseURL, retry: { maxRetries: 0 }, auditSample: 12 },
      });
    } finally {
      await server.close();
    }
    findings = result.file.findings;
    rootRequests = server.requests.filter((r) => r.model === 'root-model');
    subRequests = server.requests.filter((r) => r.model === 'sub-model');
  }, 300_000);

  it('ranks an always-true predicate below every real finding, flags it and takes away its prevalence claim', () => {
    expect(result.warnings).toEqual([]);
    const always = byTitle('Every run is broken')!;
    expect(always.verification.specificity).toMatchObject({ matched: 3000, total: 3000, broad: true });
    expect(always.verification.status).toBe('unverified');
    expect(always.rootCause.confidence).toBe('hypothesis');
    // The audit found almost none of its matches show it; the flag stands.
    expect(always.verification.audit!.precision).toBeLessThan(0.5);
    expect(always.prevalence.traces).toBeLessThan(3000);
    const real = findings.filter((f) => f !== always && f.verification.status !== 'unverified');
    expect(real.length).toBeGreaterThan(20);
    for (const f of real) expect(f.rank).toBeLessThan(always.rank);
    const md = readFileSync(join(tmp, 'out', 'report.md'), 'utf8');
    expect(md).toContain('flagged: predicate matches 3000 of 3000 traces (nearly all)');
  });

  it("corrects an over-broad predicate's prevalence with the audit, within its interval", () => {
    const loose = byTitle('Rate limits hit the agents (loose predicate)')!;
    const matched = loose.verification.specificity!.matched;
    expect(matched).toBeGreaterThan(200);
    expect(loose.verification.level).toBe('audited');
    expect(loose.verification.prevalenceSource).toBe('audit');
    const a = loose.verification.audit!;
    expect(a.sampled).toBe(12);
    expect(a.uncited).toBe(matched - 3);
    expect(a.low).toBeLessThanOrEqual(a.precision);
    expect(a.high).toBeGreaterThanOrEqual(a.precision);
    // The true count (the ground truth's rate-limited runs) lies in the estimate's interval, far below the matches.
    const { low, high } = loose.prevalence.interval!;
    expect(low).toBeLessThanOrEqual(RATE_LIMITED.size);
    expect(high).toBeGreaterThanOrEqual(RATE_LIMITED.size);
    expect(loose.prevalence.traces).toBeLessThan(matched / 2);
    // Every judged trace is one the predicate matched and the finding did not cite; the judge saw it rendered.
    for (const v of a.verdicts) expect(loose.evidence.map((e) => e.traceId)).not.toContain(v.traceId);
    expect(subRequests.some((r) => traceData(r).includes(a.verdicts[0]!.traceId))).toBe(true);
  });

  it('keeps an invented trace id out and the predicate prevalence exact, audited', () => {
    const precise = byTitle('LLM calls fail with 429 rate limits')!;
    expect(precise.verification.dropped).toEqual([{ traceId: 'tr-invented-0001', reason: 'unknown trace' }]);
    expect(precise.prevalence).toEqual({ traces: RATE_LIMITED.size, total: 3000, share: RATE_LIMITED.size / 3000 });
    expect(precise.verification.level).toBe('audited');
    expect(precise.verification.audit).toMatchObject({ sampled: 12, shows: 12, precision: 1 });
    expect(precise.verification.specificity!.outsideComponent).toBeDefined();
  });

  it('names the verification level in tracker bodies: flags, audit estimates and intervals included', () => {
    const body = (t: string) => renderMarkdown(buildDoc(byTitle(t)!, 'run-1'));
    expect(body('Every run is broken')).toMatch(/\*\*Verification:\*\* audited by a sub-model · unverified · flagged: predicate matches 3000 of 3000 traces \(nearly all\)/);
    expect(body('Rate limits hit the agents (loose predicate)')).toMatch(/audit: \d+ of 12 sampled matches show it \(precision \d+%, 95% \d+%–\d+%\) · prevalence estimated, 95% \d+–\d+ traces/);
    expect(body('Runs named by id only')).toContain('**Verification:** cited (trace ids exist) · unverified');
  });

  it('calls a finding that only names trace ids "cited", never verified', () => {
    const ids = byTitle('Runs named by id only')!;
    expect(ids.verification.level).toBe('cited');
    expect(ids.verification.status).toBe('unverified');
    expect(ids.prevalence.traces).toBe(3);
  });

  it('accepts excerpts copied verbatim from render() and print() output, markers and object notation included', () => {
    expect(seen.cutLine).toMatch(/…\[\+[\d,]+\]$/);
    expect(seen.errorObject).toMatch(/^\{\s*type: "RateLimitError",/);
    const ex = byTitle('Excerpts copied from render() and print()')!;
    expect(ex.verification.dropped).toEqual([]);
    expect(ex.verification.level).toBe('excerpts');
    expect(ex.verification.status).toBe('verified');
    expect(byTitle('LLM calls fail with 429 rate limits')!.verification.excerptsFound).toBe(1);
  });

  it('rejects near misses: one word changed, parts out of order, text from another span', () => {
    const dropped = result.file.verification.dropped ?? [];
    for (const t of ['Near miss: one word changed', 'Near miss: parts out of order', 'Near miss: text from another span']) {
      expect(byTitle(t)).toBeUndefined();
      expect(dropped).toContainEqual({ title: t, reason: 'no evidence survived verification (excerpt not found in span)' });
    }
  });

  it('counts every prevalence against the whole window although the cell narrowed `traces` to two', () => {
    const model = findings.filter((f) => !f.source?.startsWith('detector:'));
    expect(model.length).toBe(5);
    for (const f of model) expect(f.prevalence.total).toBe(3000);
  });

  it('shows the root, per finding, matches of total, the audit estimate, dropped citations and uncited matches; then keeps an identical resubmission', () => {
    const review = lastUser(rootRequests[2]!);
    expect(review).toContain('"Rate limits hit the agents (loose predicate)": audited by a sub-model');
    expect(review).toMatch(/predicate matches 2\d\d of 3000 traces \([\d.]+%\) and 3 of the 3 cited\./);
    expect(review).toMatch(/audit: the sub-model judged 12 random uncited matches; \d+ show the failure \(precision [\d.]+%, 95% [\d.]+%–[\d.]+%\)/);
    expect(review).toContain('dropped citation tr-invented-0001: unknown trace');
    expect(review).toMatch(/matched but not cited \(look at a few\): [0-9a-f]{32}/);
    expect(review).toContain('finding "Near miss: one word changed" was dropped');
    expect(review).toContain('only trace ids were checked');
    // The resubmission was identical: no second review, and no second audit.
    expect(rootRequests).toHaveLength(3);
    const audits = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.ev === 'audit');
    expect(audits).toHaveLength(3);
    expect(subRequests).toHaveLength(36);
    // Replayable: the log names the seed and every sampled trace with its verdict.
    const loose = audits.find((e) => e.title === 'Rate limits hit the agents (loose predicate)');
    expect(loose.seed).toEqual(expect.any(Number));
    expect(loose.sample).toHaveLength(12);
    const replay = renderReplay(parseRunLog(readFileSync(log, 'utf8'), log), { verbose: true });
    expect(replay).toMatch(/⚖ audit of "Rate limits hit the agents \(loose predicate\)" \(seed \d+\): \d+ of 12 uncited matches show it/);
    expect(replay).toContain('· "Every run is broken": audited, unverified');
  });
});

describe('a predicate that never returns (scripted model)', () => {
  it('is stopped within the wall budget, loses its prevalence claim and ranks as unverified', async () => {
    const rootScript: Script = (req) => {
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      if (turn === 0) return cell("const ids = traces.filter((t) => t.status === 'error').slice(0, 3).map((t) => t.traceId); print(ids);");
      return cell(`await submit({ summary: 'hostile', findings: [{
  title: 'A predicate that never returns', category: 'outcome', severity: 'critical', summary: 'x',
  rootCause: { statement: 'x', confidence: 'confirmed' }, fix: { summary: 'x', kind: 'code' },
  predicate: '(t) => { while (true) {} }', key: { component: 'hang', signature: 'hang' },
  evidence: ids.map((traceId) => ({ traceId })) }] });`);
    };
    const server = await startOpenAIServer((req) => (req.model === 'sub-model' ? judge(req) : rootScript(req)));
    const log = join(tmp, 'hang.jsonl');
    let result: AnalyzeResult;
    try {
      result = await analyze({
        files: [join(week, 'coding.flat.jsonl.gz')],
        window: { window: '7d', until: 'latest' },
        out: join(tmp, 'hang'),
        formats: ['json'],
        env: {},
        logPath: log,
        // The predicate's own limit (60 s) is longer than the whole run's wall budget: the budget wins.
        model: { provider: 'openai', model: 'root-model', subModel: 'sub-model', baseUrl: server.baseURL, retry: { maxRetries: 0 }, maxWall: '8s', predicateTimeout: '60s' },
      });
    } finally {
      await server.close();
    }
    const hang = result.file.findings.find((f) => f.title === 'A predicate that never returns')!;
    expect(hang.verification.predicate).toBe('timeout');
    expect(hang.verification.status).toBe('unverified');
    expect(hang.verification.prevalenceSource).toBe('evidence');
    expect(hang.prevalence.traces).toBe(3);
    const limit = Number(/within its ([\d.]+)s time limit/.exec(hang.verification.predicateError!)![1]);
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(8);
    // Ranked after every finding the engine could check, critical or not.
    expect(hang.rank).toBe(result.file.findings.length);
    const warnings = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"ev":"warning"') && l.includes('did not finish'));
    expect(warnings).toHaveLength(1);
  }, 180_000);
});

describe('excerpt matching', () => {
  const hay = haystack(['{"to":"SFO","date":"2026-11-03"}', 'RateLimitError: 429 Rate limit reached for gpt-4o. Please try again in 1.65s.']);
  it('accepts cut markers with the kept parts in order, print() notation and redaction markers', () => {
    expect(findExcerpt(hay, 'RateLimitError: 429 Rate limit…[+40 chars]').found).toBe(true);
    expect(findExcerpt(hay, '429 Rate limit reached\n…[truncated 1,204 chars]…\nPlease try again').found).toBe(true);
    expect(findExcerpt(hay, '{ to: "SFO", date: "2026-11-03" }').found).toBe(true);
    expect(findExcerpt(hay, '429 Rate limit reached for [REDACTED:openai_key]. Please try').found).toBe(true);
  });
  it('rejects changed words, reordered parts, markers with too little text, and text that is not there', () => {
    expect(findExcerpt(hay, 'RateLimitError: 429 Rate limit exceeded')).toEqual({ found: false, reason: 'excerpt not found' });
    expect(findExcerpt(hay, 'Please try again … 429 Rate limit reached').found).toBe(false);
    expect(findExcerpt(hay, '{ to: "LAX" }').found).toBe(false);
    expect(findExcerpt(hay, '42…9').found).toBe(false);
    // A part may not run across two fields of the span.
    expect(findExcerpt(hay, '"2026-11-03"} RateLimitError').found).toBe(false);
  });
});

describe('audit statistics', () => {
  it('gives the Wilson interval and draws the same seeded sample every time', () => {
    const w = wilsonInterval(2, 12);
    expect(w.low).toBeCloseTo(0.047, 3);
    expect(w.high).toBeCloseTo(0.448, 3);
    expect(wilsonInterval(12, 12).high).toBe(1);
    const ids = Array.from({ length: 100 }, (_, i) => `t${i}`);
    const a = sampleIds(ids, 12, 42);
    expect(new Set(a).size).toBe(12);
    expect(sampleIds(ids, 12, 42)).toEqual(a);
    expect(sampleIds(ids, 12, 43)).not.toEqual(a);
  });
});

describe('detector predicates (offline)', () => {
  it('are exact by construction: every detector predicate matches exactly the traces its detector listed', async () => {
    const { createSandbox } = await import('../src/sandbox/supervisor.ts');
    const sandbox = createSandbox({ files: [week, join(root, 'samples/tau-bench')] });
    try {
      await sandbox.load();
      const engine = engineClient(sandbox, { timeoutMs: 300_000 });
      await engine.runDetectors();
      const r = await engine.verifyDetected();
      const withPredicate = new Set<string>();
      for (const f of r.kept) {
        const detector = f.source!.replace(/^detector:/, '');
        if (!f.predicate) {
          // No predicate: prevalence is the detector's own list of every affected trace.
          expect(f.verification.prevalenceSource, f.title).toBe('detector');
          continue;
        }
        withPredicate.add(detector);
        expect(f.verification.specificity?.exact, `${detector}: ${f.title}`).toBe(true);
        expect(f.verification.level, f.title).toBe('predicate');
        expect(f.verification.prevalenceSource).toBe('predicate');
        expect(f.prevalence.traces).toBe((f.data!.traceIds as string[]).length);
      }
      // Every detector that writes predicates was exercised by this data (outcomes is report context, not a finding;
      // repeats writes none since a repeat needs the emitting model call to have seen the earlier call, which no one-line predicate checks).
      expect([...withPredicate].sort()).toEqual(['consistency', 'outliers', 'retries', 'tool-arguments']);
      expect(r.droppedFindings).toEqual([]);
    } finally {
      await sandbox.close();
    }
  }, 300_000);
});

describe('verification settings', () => {
  it('reads --predicate-timeout, --audit-sample and --review-rounds from flags and halo.config.json', async () => {
    const { parseRlmConfig } = await import('../src/rlm/config.ts');
    const { modelConfigFrom, parseConfig } = await import('../src/config/index.ts');
    const { analyzeFlags } = await import('./helpers/flags.ts');
    const flags = parseRlmConfig({ model: 'm', ...analyzeFlags(['--predicate-timeout', '20', '--audit-sample', '5', '--review-rounds', '1']).model }, {});
    expect(flags).toMatchObject({ predicateTimeoutMs: 20_000, auditSample: 5, reviewRounds: 1 });
    expect(parseRlmConfig({ model: 'm', predicateTimeout: '1.5m' }, {}).predicateTimeoutMs).toBe(90_000);
    expect(parseRlmConfig({ model: 'm' }, {})).toMatchObject({ predicateTimeoutMs: 30_000, auditSample: 12, reviewRounds: 2 });
    expect(() => analyzeFlags(['--predicate-timeout', 'soon'])).toThrow(/--predicate-timeout: "soon" is not a duration/);
    // The old key in seconds still reads, with a deprecation warning.
    const warnings: string[] = [];
    const fromFile = modelConfigFrom(parseConfig(JSON.stringify({ budgets: { predicateTimeoutSeconds: 10, auditSample: 0, reviewRounds: 3 } }), 'halo.config.json', warnings));
    expect(warnings).toEqual(['halo.config.json: budgets.predicateTimeoutSeconds is deprecated; use "predicateTimeout": "10s"']);
    expect(parseRlmConfig({ model: 'm', ...fromFile }, {})).toMatchObject({ predicateTimeoutMs: 10_000, auditSample: 0, reviewRounds: 3 });
  });
});

describe('predicates and the host', () => {
  it('cannot make host calls while verification runs them, and a stopped predicate leaves cells able to', async () => {
    const { createSandbox } = await import('../src/sandbox/supervisor.ts');
    const { verifyInSandbox } = await import('../src/findings/verify-in-sandbox.ts');
    const calls: string[] = [];
    const sandbox = createSandbox({
      files: [join(root, 'tests/fixtures/halo/tiny_traces.jsonl')],
      onHostCall: async (name) => {
        calls.push(name);
        return 'ok';
      },
    });
    try {
      await sandbox.load();
      const traceId = await sandbox.evaluate<string>('traces[0].traceId');
      const f = (predicate: string, title: string) => ({
        ...base,
        title,
        category: 'other' as const,
        severity: 'high' as const,
        predicate,
        key: { component: 'c', signature: title },
        evidence: [{ traceId }],
      });
      const r = await verifyInSandbox(
        sandbox,
        [f("(t) => { llm('spend the budget'); submit({ findings: [], summary: '' }); return true; }", 'calls the host'), f('(t) => { for (;;) {} }', 'never returns')],
        { predicateTimeoutMs: 1_000 },
      );
      expect(calls).toEqual([]);
      expect(r.kept.find((k) => k.title === 'never returns')!.verification.predicate).toBe('timeout');
      const cell = await sandbox.run("print(await llm('hello'))");
      expect(cell.output.trim()).toBe('ok');
      expect(calls).toEqual(['llm']);
    } finally {
      await sandbox.close();
    }
  }, 120_000);
});
