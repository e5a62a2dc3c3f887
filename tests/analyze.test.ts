// `halo analyze` end to end through the real CLI and the real sandbox, on the
// bundled sample week; plus verification of hostile findings inside the isolate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FindingsFile, type FindingInput } from '../src/findings/schema.ts';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';
import { analyze, resolveMode, verifyInSandbox, type AnalyzeOptions } from '../src/analyze.ts';
import { annotateWithHistory, type RunRecord } from '../src/history/index.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import type { Script } from './helpers/scripted-models.ts';
import { renderMarkdownReport } from '../src/report/markdown.ts';
import { finalizeFindings } from '../src/findings/pipeline.ts';
import { findingsOf, halorun } from './helpers/cli.ts';
import { renderReplay } from '../src/cli/replay.ts';
import { MockLanguageModel } from '../src/providers/mock.ts';

const root = new URL('..', import.meta.url).pathname;
const week = join(root, 'samples/week');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-analyze-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// No model keys (halorun clears them): the CLI must choose the offline mode by itself.
function run(args: string[]) {
  return halorun(tmp, ['analyze', ...args]);
}

describe('halo analyze on the sample week', () => {
  let out: string;
  let first: ReturnType<typeof run>;
  let file: FindingsFile;

  beforeAll(() => {
    out = join(tmp, 'all');
    first = run([week, '--window', '7d', '--until', 'latest', '--out', out]);
    if (first.code === 0) file = findingsOf(out);
  });

  it('exits 0, writes all three reports and a schema-valid findings.json', () => {
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['findings.json', 'report.html', 'report.md']);
    expect(file.run.mode).toBe('offline');
    expect(file.run.partial).toBe(false);
    expect(file.findings.length).toBeGreaterThan(3);
    expect(Number(file.dataset.traces)).toBeGreaterThan(1000);
    // ranked, fingerprinted, every citation verified against the data
    expect(file.findings.map((f) => f.rank)).toEqual(file.findings.map((_, i) => i + 1));
    for (const f of file.findings) {
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.prevalence.traces).toBeGreaterThan(0);
      expect(f.prevalence.total).toBe(file.dataset.traces);
    }
    expect(new Set(file.findings.map((f) => f.fingerprint)).size).toBe(file.findings.length);
    expect(file.verification.kept).toBe(file.findings.length);
  });

  it('prints a ranked summary and says how to enable the model-driven analysis', () => {
    expect(first.stdout).toMatch(new RegExp(`${file.findings.length} findings? in [\\d,]+ traces \\(offline: no model configured\\)`));
    expect(first.stdout).toContain(file.findings[0]!.title.slice(0, 40));
    expect(first.stderr).toMatch(/OPENAI_API_KEY or ANTHROPIC_API_KEY/);
    // stderr is not a terminal here: no progress lines
    expect(first.stderr).not.toMatch(/loading .* MB/);
  });

  it('writes a report.md with the ranked table, every finding, evidence and the verification summary', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Halo report/);
    expect(md).toContain('| # | Severity | Category | Finding | Affected traces |');
    for (const f of file.findings) {
      expect(md).toContain(`\`${f.fingerprint}\``);
      expect(md).toContain(f.evidence[0]!.traceId);
    }
    expect(md).toContain('## Verification');
    expect(md).toMatch(/\*\*Root cause \((confirmed|hypothesis)\):\*\*/);
    expect(md).toMatch(/\*\*Fix \((prompt|tool_schema|code|config|eval)\):\*\*/);
  });

  it('gives the same fingerprints on a second run', () => {
    const again = run([week, '--window', '7d', '--until', 'latest', '--out', join(tmp, 'again'), '--format', 'json', '--quiet']);
    expect(again.code).toBe(0);
    const second = findingsOf(join(tmp, 'again'));
    expect(second.findings.map((f) => f.fingerprint)).toEqual(file.findings.map((f) => f.fingerprint));
    expect(again.stderr).toBe('');
  });

  it('--fail-on high exits 1 when a high or critical finding exists', () => {
    expect(file.findings.some((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
    const r = run([week, '--window', '7d', '--until', 'latest', '--out', join(tmp, 'gate'), '--format', 'json', '--fail-on', 'high', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/at or above --fail-on high/);
  });

  it('--format md writes only report.md', () => {
    const dir = join(tmp, 'md-only');
    const r = run([week, '--until', 'latest', '--window', '7d', '--out', dir, '--format', 'md', '--quiet']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['report.md']);
  });
});

describe('halo analyze redaction', () => {
  it('keeps a secret found in trace content out of every report', () => {
    const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234';
    const file = readdirSync(week).find((f) => f.startsWith('coding'))!;
    const text = gunzipSync(readFileSync(join(week, file))).toString('utf8').replaceAll("Permission denied: '", `Permission denied (key ${key}): '`);
    expect(text).toContain(key);
    const input = join(tmp, 'secret.jsonl');
    writeFileSync(input, text);
    const dir = join(tmp, 'secret');
    const r = run([input, '--out', dir, '--quiet']);
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    // the failure is still reported, with the key masked
    expect(md).toContain('Permission denied (key [REDACTED:openai_key])');
    for (const name of ['findings.json', 'report.md', 'report.html']) {
      expect(readFileSync(join(dir, name), 'utf8')).not.toContain('AbCdEfGhIjKlMnOpQrStUvWx1234');
    }
    expect(r.stdout).not.toContain('AbCdEfGhIjKlMnOpQrStUvWx1234');
  });
});

describe('halo analyze bad usage', () => {
  it('exits 2 naming a missing file', () => {
    const r = run([join(tmp, 'no-such-traces.jsonl'), '--out', join(tmp, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-traces.jsonl');
    expect(r.stderr).toMatch(/no such file/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });

  it('exits 2 on a bad window, format or severity', () => {
    expect(run([week, '--window', 'sevendays']).code).toBe(2);
    const fmt = run([week, '--format', 'pdf']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/unknown format "pdf"/);
    expect(run([week, '--fail-on', 'catastrophic']).code).toBe(2);
    expect(run([]).code).toBe(2);
  });
});

/** analyze() over the sample week's support file, writing json and md to `out`, with no model keys in reach. */
function supportWeekRun(out: string): Pick<AnalyzeOptions, 'files' | 'window' | 'out' | 'formats' | 'env'> {
  const file = readdirSync(week).find((f) => f.startsWith('support'))!;
  return { files: [join(week, file)], window: { window: '7d', until: 'latest' }, out, formats: ['json', 'md'], env: {} };
}

describe('analyze() as a library', () => {
  it('lets run history mark findings before the reports are written', async () => {
    const out = join(tmp, 'lib');
    let seen: string[] = [];
    const result = await analyze({
      ...supportWeekRun(out),
      beforeWrite: (f) => {
        seen = f.findings.map((x) => x.fingerprint);
        const previous: RunRecord = {
          id: 'earlier',
          scope: 'default',
          startedAt: '2026-11-01T00:00:00Z',
          finishedAt: '2026-11-01T00:05:00Z',
          window: { start: null, end: null },
          latestTrace: null,
          mode: 'offline',
          partial: false,
          traces: 100,
          findings: [
            { fingerprint: seen[0]!, title: 'seen before', severity: 'high', category: 'outcome', traces: 3, share: 0.03 },
            { fingerprint: '0123456789abcdef', title: 'A failure that went away', severity: 'low', category: 'other', traces: 1, share: 0.01 },
          ],
        };
        return annotateWithHistory(f, [previous]);
      },
    });
    expect(result.mode).toBe('offline');
    expect(seen.length).toBeGreaterThan(1);
    const written = findingsOf(out);
    expect(written.findings.find((f) => f.fingerprint === seen[0])!.status).toBe('recurring');
    expect(written.findings.filter((f) => f.status === 'new')).toHaveLength(seen.length - 1);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| # | Severity | Category | Finding | Affected traces | Status |');
    expect(md).toMatch(/## Resolved since the last run\n\n- A failure that went away \(`0123456789abcdef`/);
    expect(md).toMatch(/\*\*Trend \(earlier runs\):\*\* 3\.0% → /);
  });
});

describe('analyze() with a model', () => {
  it('merges the model\'s verified findings with the detectors\' and drops what it invented', async () => {
    const model = (over: Record<string, unknown>) => ({
      title: 'Model finding',
      category: 'errors_recovery',
      severity: 'high',
      summary: 'Found by the model.',
      rootCause: { statement: 'Because.', confidence: 'hypothesis' },
      fix: { summary: 'Fix it.', kind: 'code' },
      ...over,
    });
    const submission = {
      summary: 'The model looked at the error traces.',
      findings: [
        model({
          title: 'Error traces found by the model',
          key: { component: 'model-check', signature: 'error traces' },
          predicate: "(t) => t.status === 'error'",
          evidence: [{ traceId: '__ERROR_TRACE__' }],
        }),
        model({ title: 'A finding about traces that do not exist', key: { component: 'model-check', signature: 'invented' }, evidence: [{ traceId: 'no-such-trace-0001' }] }),
      ],
    };
    let opening = '';
    let system = '';
    const script: Script = (req) => {
      // The audit's judgements of the predicate's uncited matches (the root model doubles as sub-model here).
      if (req.messages[0]!.content.includes('Claimed failure:')) return JSON.stringify({ shows: true, reason: 'the trace ends in an error' });
      // diagnose(): one run, its first step cited.
      if (req.messages[0]!.content.includes('Each run in the data failed')) {
        const c = req.messages[0]!.content;
        return JSON.stringify({ runs: [{ traceId: /^run (\S+)/m.exec(c)![1], spanId: /^step 0 · span (\S+)/m.exec(c)![1], category: 'Service Errors', reason: 'the tool failed' }] });
      }
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      if (turn === 0) ({ system } = req), (opening = req.messages[0]!.content);
      if (turn === 0) return "Let me find an error trace.\n```js\nconst bad = traces.find(t => t.status === 'error');\nprint(bad.traceId);\nawait diagnose([bad]);\n```";
      // `bad` persists from the first cell: cite the error trace the model found.
      const code = `submit(JSON.parse(${JSON.stringify(JSON.stringify(submission))}.replace('__ERROR_TRACE__', bad.traceId)));`;
      return 'Submitting.\n```js\n' + code + '\n```';
    };
    const server = await startOpenAIServer(script);
    try {
      const out = join(tmp, 'model');
      const result = await analyze({
        ...supportWeekRun(out),
        model: { provider: 'openai', model: 'root-model', baseUrl: server.baseURL, retry: { maxRetries: 0 } },
      });
      expect(result.warnings).toEqual([]);
      expect(result.mode).toBe('model');
      const written = findingsOf(out);
      expect(written.run.mode).toBe('model');
      expect(written.run.partial).toBe(false);
      expect(written.run.usage!.turns).toBeGreaterThanOrEqual(2);
      expect(written.summary).toBe('The model looked at the error traces.');
      const mine = written.findings.find((f) => f.title === 'Error traces found by the model');
      expect(mine).toBeDefined();
      expect(mine!.verification.prevalenceSource).toBe('predicate');
      expect(mine!.verification.level).toBe('audited');
      expect(mine!.verification.audit).toMatchObject({ sampled: 12, shows: 12, precision: 1 });
      expect(mine!.prevalence.traces).toBeGreaterThan(1);
      // the detectors' findings are still there
      expect(written.findings.some((f) => f.source?.startsWith('detector:'))).toBe(true);
      expect(written.findings.some((f) => f.title.startsWith('A finding about traces'))).toBe(false);
      expect(written.verification.dropped).toContainEqual({
        title: 'A finding about traces that do not exist',
        reason: 'no evidence survived verification (unknown trace)',
      });
      // the root saw the detectors' findings, delimited as data in its first message, never in the system prompt
      const detectorTitle = written.findings.find((f) => f.source?.startsWith('detector:'))!.title;
      expect(opening).toMatch(/<detector_findings>[\s\S]*<\/detector_findings>/);
      expect(opening.split('<detector_findings>')[1]).toContain(detectorTitle.replace(/\s+/g, ' ').slice(0, 60));
      expect(system).not.toContain(detectorTitle);
      // diagnose() results are saved beside the reports, one checked line per run
      const diagnoses = readFileSync(join(out, 'diagnoses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(diagnoses).toHaveLength(1);
      expect(diagnoses[0]).toMatchObject({ step: 0, category: 'Service Errors', reason: 'the tool failed' });
      expect(diagnoses[0].spanId).toBeTruthy();
      // the options recorded in findings.json carry no secrets
      expect(JSON.stringify(written.run.options)).not.toMatch(/key/i);
    } finally {
      await server.close();
    }
  }, 180_000);
});

describe('halo analyze --estimate and --context (CLI)', () => {
  it('prints the expected cost on this window and writes nothing; a missing context file is named', () => {
    const out = join(tmp, 'estimate');
    const ctx = join(tmp, 'agent.md');
    writeFileSync(ctx, 'A support agent for an online shop. Tools: lookup_order, refund_order.');
    const support = join(week, readdirSync(week).find((f) => f.startsWith('support'))!);
    const base = ['analyze', support, '--window', '7d', '--until', 'latest', '--out', out, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'gpt-4.1', '--sub-model', 'gpt-4.1-mini'];
    const r = halorun(tmp, [...base, '--context', ctx, '--estimate', '--no-history']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^estimate: ~\$\d+\.\d\d.* — root gpt-4\.1: 20 turns, [\d.]+[kM] input tokens/m);
    expect(existsSync(out)).toBe(false);
    const bad = halorun(tmp, [...base, '--context', join(tmp, 'nope.md'), '--estimate', '--no-history']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--context ${join(tmp, 'nope.md')}: cannot read it (ENOENT)`);
  }, 120_000);
});

describe('mode decision', () => {
  it('runs offline unless a model is configured', () => {
    expect(resolveMode({}, {})).toEqual({ mode: 'offline', reason: 'no model configured' });
    expect(resolveMode({}, { OPENAI_API_KEY: 'sk-x' }).mode).toBe('model');
    expect(resolveMode({}, { ANTHROPIC_API_KEY: 'x' }).mode).toBe('model');
    expect(resolveMode({ model: { provider: 'anthropic', model: 'claude-sonnet-4-5' } }, {}).mode).toBe('model');
    expect(resolveMode({ offline: true, model: { model: 'gpt-4.1' } }, { OPENAI_API_KEY: 'sk-x' })).toEqual({ mode: 'offline', reason: '--offline' });
  });
});

describe('verification inside the sandbox', () => {
  let sandbox: Sandbox;
  let traceId: string;
  beforeAll(async () => {
    const file = readdirSync(week).find((f) => f.startsWith('coding'))!;
    sandbox = createSandbox({ files: [join(week, file)], cellTimeoutMs: 2_000, cellDeadlineMs: 10_000 });
    await sandbox.load();
    traceId = await sandbox.evaluate<string>('traces[0].traceId');
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  const finding = (over: Partial<FindingInput>): FindingInput => ({
    title: 'Hostile or invented finding',
    category: 'other',
    severity: 'high',
    summary: 's',
    rootCause: { statement: 'r', confidence: 'hypothesis' },
    fix: { summary: 'f', kind: 'code' },
    evidence: [{ traceId }],
    key: { component: 'c', signature: 's' },
    ...over,
  });

  it('drops invented trace ids and recomputes prevalence with the predicate over every trace', async () => {
    const total = await sandbox.evaluate<number>('traces.length');
    const errors = await sandbox.evaluate<number>("traces.filter(t => t.status === 'error').length");
    const errorId = await sandbox.evaluate<string>("traces.find(t => t.status === 'error').traceId");
    const r = await verifyInSandbox(
      sandbox,
      [
        finding({ evidence: [{ traceId: 'made-up-trace' }] }),
        finding({ predicate: "(t) => t.status === 'error'", evidence: [{ traceId: errorId }, { traceId: 'made-up-trace' }] }),
      ],
      { predicateTimeoutMs: 5_000 },
    );
    expect(r.droppedFindings).toHaveLength(1);
    expect(r.droppedEvidence).toBe(2);
    expect(r.kept[0]!.prevalence).toEqual({ traces: errors, total, share: errors / total });
    expect(r.kept[0]!.verification.prevalenceSource).toBe('predicate');
  });

  it('stops a predicate that never returns within its own limit, keeps the host alive and takes away its prevalence claim', async () => {
    const r = await verifyInSandbox(
      sandbox,
      [finding({ predicate: '(t) => { for (;;) {} }' }), finding({ title: 'An honest finding', key: { component: 'c2', signature: 's2' } })],
      { predicateTimeoutMs: 1_000 },
    );
    expect(r.kept.map((k) => k.title).sort()).toEqual(['An honest finding', 'Hostile or invented finding']);
    const hostile = r.kept.find((k) => k.title.startsWith('Hostile'))!;
    expect(hostile.verification.predicate).toBe('timeout');
    expect(hostile.verification.predicateError).toMatch(/did not finish within its 1s time limit/);
    expect(hostile.verification.status).toBe('unverified');
    expect(hostile.verification.prevalenceSource).toBe('evidence');
    expect(hostile.prevalence.traces).toBe(1);
    // the sandbox still answers afterwards, with its variables
    expect(await sandbox.evaluate<number>('1 + 1')).toBe(2);
  });

  it('never lets a predicate reach the host', async () => {
    const r = await verifyInSandbox(
      sandbox,
      [finding({ predicate: "(t) => typeof process !== 'undefined' || typeof require !== 'undefined'" })],
      { predicateTimeoutMs: 5_000 },
    );
    // The predicate is false everywhere, so the cited trace is dropped and the finding with it.
    expect(r.kept).toHaveLength(0);
    expect(r.droppedFindings[0]!.reason).toMatch(/predicate false/);
  });
});

describe('report.md escaping', () => {
  it('escapes trace content: no raw HTML, unbreakable code spans, table-safe cells', () => {
    const { findings, counts } = finalizeFindings({
      kept: [
        {
          title: 'Tool <script>alert(1)</script> | breaks [link](javascript:x)',
          category: 'tool_arguments',
          severity: 'medium',
          summary: '# not a heading\n\n<img src=x onerror=alert(1)>',
          rootCause: { statement: 'r', confidence: 'confirmed' },
          fix: { summary: 'f', kind: 'tool_schema' },
          evidence: [{ traceId: 't|1', spanId: 's1', excerpt: 'a ``` b | c `d`' }],
          key: { component: 'tool:x', signature: 'sig' },
          monitor: 'watch it',
          prevalence: { traces: 1, total: 2, share: 0.5 },
          verification: { status: 'verified', evidenceChecked: 1, evidenceDropped: 0, dropped: [], predicate: 'absent', prevalenceSource: 'evidence' },
        },
      ],
      droppedFindings: [{ title: 'Ghost <b>', reason: 'no evidence survived verification (unknown trace)' }],
      droppedEvidence: 3,
    });
    const md = renderMarkdownReport(
      FindingsFile.parse({
        schemaVersion: 1,
        run: { id: 'r1', startedAt: 'a', finishedAt: 'b', engineVersion: '0', mode: 'offline', partial: false, options: {} },
        dataset: { traces: 2, spans: 5 },
        summary: 'sum',
        verification: counts,
        findings,
      }),
    );
    expect(md).not.toMatch(/<script|<img|<b>/);
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('\\[link\\]');
    expect(md).toContain('\\# not a heading');
    // the excerpt's longest backtick run is 3, so the fence is 4
    expect(md).toContain('```` a ``` b \\| c `d` ````');
    expect(md).toContain('Ghost &lt;b&gt;: no evidence survived verification (unknown trace)');
    expect(md).toMatch(/\*\*How to monitor:\*\* watch it/);
    // every table row has the same number of unescaped pipes as the header
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows.length).toBe(4);
    for (const row of rows) {
      // ranked table: 5 cells (7 parts); evidence table: 3 cells (5 parts)
      expect([5, 7]).toContain(row.replace(/\\\|/g, '').split('|').length);
    }
  });
});

describe('analyze() runs as named phases', () => {
  const tau = join(root, 'tests/fixtures/tau-bench');

  it('reports each phase as it starts and ends, in order, with its time, and logs them', async () => {
    const events: Array<{ phase: string; state: string; ms?: number }> = [];
    const logPath = join(tmp, 'phases.jsonl');
    const r = await analyze({
      files: [tau],
      offline: true,
      out: join(tmp, 'phases-out'),
      formats: ['json'],
      logPath,
      onProgress: (e) => {
        if (e.stage === 'phase') events.push({ phase: e.phase, state: e.state, ...('ms' in e ? { ms: e.ms } : {}) });
      },
    });
    const order = ['load', 'detectors', 'verify', 'finalize', 'history', 'report'];
    expect(events.map((e) => `${e.phase}:${e.state}`)).toEqual(order.flatMap((p) => [`${p}:start`, `${p}:end`]));
    for (const e of events.filter((e) => e.state === 'end')) expect(e.ms).toBeGreaterThanOrEqual(0);
    expect(r.timings.load).toBe(events.find((e) => e.phase === 'load' && e.state === 'end')!.ms);
    const logged = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(logged.filter((l) => l.state === 'end').map((l) => l.phase)).toEqual(order);
    expect(logged.every((l) => l.ev === 'phase' && l.loop === 'analyze')).toBe(true);
    expect(renderReplay(logged)).toMatch(/^phase load: \S+\nphase detectors: /m);
  });

  it('takes a language model object (here an in-process mock): the model phase runs between verification and finalize', async () => {
    const phases: string[] = [];
    const root = new MockLanguageModel({
      modelId: 'mock-root',
      doGenerate: (_req, i) =>
        i === 0
          ? 'Looking at the window first.\n```js\nprint(traces.length)\n```'
          : "```js\nawait submit({ summary: 'The mock model looked and found nothing new.', findings: [] })\n```",
    });
    const r = await analyze({
      files: [tau],
      models: { root },
      env: {},
      out: join(tmp, 'phases-model'),
      formats: ['json'],
      onProgress: (e) => {
        if (e.stage === 'phase' && e.state === 'end') phases.push(e.phase);
      },
    });
    expect(r.mode).toBe('model');
    expect(r.modeReason).toBe('given model openai/mock-root');
    expect(root.calls.length).toBe(2);
    expect(r.file.summary).toContain('The mock model looked and found nothing new.');
    expect(phases).toEqual(['load', 'detectors', 'verify', 'model', 'finalize', 'history', 'report']);
  });

  it('names the phase that failed, and writes no reports after it', async () => {
    const events: string[] = [];
    const out = join(tmp, 'phases-fail');
    await expect(
      analyze({
        files: [tau],
        offline: true,
        out,
        beforeWrite: () => {
          throw new Error('history store unreachable');
        },
        onProgress: (e) => {
          if (e.stage === 'phase' && e.state === 'failed') events.push(`${e.phase}: ${e.error}`);
        },
      }),
    ).rejects.toThrow('history store unreachable');
    expect(events).toEqual(['history: history store unreachable']);
    expect(existsSync(join(out, 'findings.json'))).toBe(false);
  });
});
