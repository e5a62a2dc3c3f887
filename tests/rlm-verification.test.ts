// "Verified" that survives a clever model: predicates are functions of the
// trace alone (run in a fresh context of the isolate, where the globals of
// earlier cells do not exist), and excerpts copied from render() output match
// as the model saw them. Real sandbox, real isolate, no model needed: the
// cells are what a model would write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';
import { verifyInSandbox } from '../src/findings/verify-in-sandbox.ts';

const root = new URL('..', import.meta.url).pathname;
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/agent/tools/search.py", line 88, in run',
  '    hits = self.client.query(q,   top_k=5)',
  '  File "/srv/agent/clients/index.py", line 41, in query',
  '    raise IndexTimeout(f"index {name} did not answer in {t}s")',
  'IndexTimeout: index docs-v2 did not answer in 30s',
].join('\n');

let tmp: string;
let file: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-rlm-verify-'));
  // The tiny fixture plus one run whose tool span failed with a multi-line traceback.
  const lines = readFileSync(join(root, 'tests/fixtures/halo/tiny_traces.jsonl'), 'utf8').trim().split('\n');
  const failed = JSON.parse(lines[3]!) as Record<string, any>;
  failed.trace_id = 't-tb';
  failed.span_id = 's-tb-1';
  failed.parent_span_id = '';
  failed.name = 'search';
  failed.status = { code: 'STATUS_CODE_ERROR', message: `${TRACEBACK}\nThe agent gave up   after 3 tries.` };
  failed.attributes = { 'openinference.span.kind': 'TOOL', 'tool.name': 'search', 'output.value': JSON.stringify({ error: TRACEBACK }) };
  file = join(tmp, 'traces.jsonl');
  writeFileSync(file, [...lines, JSON.stringify(failed)].join('\n') + '\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = {
  summary: 'Written the way a model writes a finding.',
  rootCause: { statement: 'Something fails.', confidence: 'confirmed' as const },
  fix: { summary: 'Fix it.', kind: 'code' as const },
  category: 'errors_recovery' as const,
  severity: 'critical' as const,
};
const finding = (title: string, over: { evidence: { traceId: string; spanId?: string; excerpt?: string }[]; predicate?: string }) => ({
  ...base,
  title,
  key: { component: 'c', signature: title },
  ...over,
});

describe('pure predicates', () => {
  let sandbox: Sandbox;
  let ids: string[];
  beforeAll(async () => {
    sandbox = createSandbox({ files: [file], onHostCall: async () => 'ok' });
    await sandbox.load();
    ids = await sandbox.evaluate<string[]>('traces.map((t) => t.traceId)');
  }, 60_000);
  afterAll(() => sandbox.close());

  it("cannot read state an earlier cell left: (t) => PICK.has(t.traceId) does not verify, an honest predicate does", async () => {
    // The model fills PICK with ids it chose, and stashes them on every object a cell can still write to.
    const cell = await sandbox.run(`PICK = new Set([traces[0].traceId, traces[1].traceId]);
globalThis.PICK2 = PICK; render.PICK = PICK; print.PICK = PICK; detect.stash = PICK;
try { meta.PICK = [...PICK]; } catch {}
traces.PICK = PICK;
print(PICK.size)`);
    expect(cell.ok, cell.error?.message).toBe(true);
    const cited = [{ traceId: ids[0]! }, { traceId: ids[1]! }];
    const r = await verifyInSandbox(sandbox, [
      finding('reads PICK', { predicate: '(t) => PICK.has(t.traceId)', evidence: cited }),
      finding('reads globalThis', { predicate: '(t) => globalThis.PICK2.has(t.traceId)', evidence: cited }),
      finding('reads render', { predicate: '(t) => render.PICK.has(t.traceId)', evidence: cited }),
      finding('reads traces', { predicate: '(t) => traces.PICK.has(t.traceId)', evidence: cited }),
      finding('reads meta', { predicate: '(t) => meta.PICK.includes(t.traceId)', evidence: cited }),
      finding('reaches the Function of the cells', { predicate: "(t) => t.constructor.constructor('return PICK')().has(t.traceId)", evidence: cited }),
      finding('honest', { predicate: `(t) => ${JSON.stringify([ids[0], ids[1]])}.includes(t.traceId)`, evidence: cited }),
    ]);
    const byTitle = (t: string) => r.kept.find((k) => k.title === t)!;
    for (const title of ['reads PICK', 'reads globalThis', 'reads render', 'reads traces', 'reads meta', 'reaches the Function of the cells']) {
      const v = byTitle(title).verification;
      expect(v.predicate, title).toBe('error');
      expect(v.level, title).not.toBe('predicate');
      expect(v.status, title).not.toBe('verified');
    }
    expect(byTitle('reads PICK').verification.predicateError).toMatch(/PICK is not defined/);
    const honest = byTitle('honest');
    expect(honest.verification.predicate).toBe('matched');
    expect(honest.verification.level).toBe('predicate');
    expect(honest.prevalence.traces).toBe(2);
  }, 60_000);

  it('gives the same answer in a sandbox where no cell ran (after the run, in halo exec, in replay)', async () => {
    const fresh = createSandbox({ files: [file] });
    try {
      await fresh.load();
      const predicate = "(t) => t.spans.some((s) => s.status === 'error')";
      const f = finding('errors', { predicate, evidence: [{ traceId: 't-tb' }] });
      await sandbox.run('globalThis.Answer = 42; traces.length = 1;');
      const during = await verifyInSandbox(sandbox, [f]);
      const after = await verifyInSandbox(fresh, [f]);
      expect(during.kept[0]!.prevalence).toEqual(after.kept[0]!.prevalence);
      expect(during.kept[0]!.verification.predicate).toBe('matched');
      expect(during.kept[0]!.prevalence.traces).toBeGreaterThan(1);
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('sees the trace as plain data of its own realm, and a predicate that throws on every trace does not verify', async () => {
    const r = await verifyInSandbox(sandbox, [
      finding('plain', { predicate: '(t) => t instanceof Object && Array.isArray(t.spans) && Object.isFrozen(t)', evidence: [{ traceId: ids[0]! }] }),
      finding('throws', { predicate: '(t) => t.nothing.here', evidence: [{ traceId: ids[0]! }] }),
      finding('helpers are not there', { predicate: '(t) => render(t).length > 0', evidence: [{ traceId: ids[0]! }] }),
    ]);
    expect(r.kept.find((k) => k.title === 'plain')!.verification.predicate).toBe('matched');
    expect(r.kept.find((k) => k.title === 'throws')!.verification.predicate).toBe('error');
    expect(r.kept.find((k) => k.title === 'helpers are not there')!.verification.predicateError).toMatch(/render is not defined/);
  }, 60_000);
});

describe('excerpts as the model saw them', () => {
  it('a render() excerpt of a multi-line traceback verifies, as does one copied from print(); a changed word does not', async () => {
    const sandbox = createSandbox({ files: [file] });
    try {
      await sandbox.load();
      const shown = await sandbox.run(`const t = traces.find((t) => t.traceId === 't-tb'); const s = t.spans[0];
print(render(t)); print('---'); print(render(s)); print('---'); print(s.status === 'error' ? s.statusMessage : ''); print('---'); print(s.output)`);
      expect(shown.ok, shown.error?.message).toBe(true);
      const [traceView, spanView, printed, printedOutput] = shown.output.split('---\n');
      // What a model copies: the text after a label, as render() shows it (whitespace collapsed, JSON escapes kept).
      const afterLabel = (text: string, label: string) => text.split('\n').find((l) => l.trim().startsWith(`${label}: `))!.trim().slice(label.length + 2);
      const excerpts = [
        afterLabel(spanView!, 'error').slice(0, 160),
        afterLabel(traceView!, 'error').slice(0, 120),
        afterLabel(spanView!, 'result').slice(0, 200),
        afterLabel(traceView!, 'result').slice(30, 230),
        printed!.trim(),
        String(printedOutput).trim().slice(0, 150),
        // JSON-escaped text (as print() of the span shows a string) with a cut marker, found in the plain error text only.
        'Traceback (most recent call last):\\n  File \\"/srv/agent/tools/search.py\\", line 88 …[+120] did not answer in 30s\\nThe agent gave up   after',
      ];
      expect(excerpts[0]).toContain('Traceback (most recent call last): File "/srv/agent/tools/search.py", line 88');
      const r = await verifyInSandbox(
        sandbox,
        excerpts.map((excerpt, i) => finding(`excerpt ${i}`, { evidence: [{ traceId: 't-tb', spanId: 's-tb-1', excerpt }] })).concat([
          finding('changed', { evidence: [{ traceId: 't-tb', spanId: 's-tb-1', excerpt: excerpts[0]!.replace('line 88', 'line 89') }] }),
        ]),
      );
      for (let i = 0; i < excerpts.length; i++) {
        const f = r.kept.find((k) => k.title === `excerpt ${i}`);
        expect(f, `excerpt ${i}: ${JSON.stringify(excerpts[i])} ${JSON.stringify(r.droppedFindings)}`).toBeDefined();
        expect(f!.verification.level).toBe('excerpts');
      }
      expect(r.kept.find((k) => k.title === 'changed')).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});

describe('a model finding on the sample week (scripted model, real openai SDK, loopback server)', () => {
  it('is scored on the runs its verified predicate matched, and an audit whose sub-calls all fail leaves it unaudited, not verified', async () => {
    const { analyze } = await import('../src/analyze.ts');
    const { startOpenAIServer } = await import('./helpers/loopback-openai.ts');
    const { cell } = await import('./helpers/scripted-models.ts');
    const week = join(root, 'samples/week');
    const predicate = "(t) => t.spans.some((s) => s.status === 'error' && /429|rate.?limit/i.test((s.error && s.error.message) || s.statusMessage || ''))";
    const submit = `const rl = traces.filter(${predicate});
// Three cited runs chosen to look harmless: the ones whose outcome is not a failure.
const cited = rl.filter((t) => !(t.outcome && (t.outcome.success === false || t.outcome.passed === false))).slice(0, 3);
await submit({ summary: 's', findings: [{ title: 'LLM calls fail with 429 rate limits', category: 'errors_recovery', severity: 'high',
  summary: 'Rate limits.', rootCause: { statement: 'The provider rate-limits the agent.', confidence: 'confirmed' },
  fix: { summary: 'Back off on 429.', kind: 'code' }, predicate: ${JSON.stringify(predicate)},
  key: { component: 'llm', signature: 'rate_limit_429' }, evidence: cited.map((t) => ({ traceId: t.traceId })) }] });`;
    const server = await startOpenAIServer((req) =>
      req.model === 'sub-model' ? { error: { status: 400, message: 'the judge is unavailable' } } : cell(submit, 'Submitting.'),
    );
    let result;
    try {
      result = await analyze({
        files: [week],
        window: { window: '7d', until: 'latest' },
        out: join(tmp, 'out-audit'),
        formats: ['json'],
        env: {},
        logPath: join(tmp, 'audit.jsonl'),
        model: { provider: 'openai', model: 'root-model', subModel: 'sub-model', baseUrl: server.baseURL, retry: { maxRetries: 0 }, auditSample: 4, reviewRounds: 0 },
      });
    } finally {
      await server.close();
    }
    const f = result.file.findings.find((x) => x.title.startsWith('LLM calls fail with 429'))!;
    expect(f, JSON.stringify(result.file.verification)).toBeDefined();
    expect(f.verification.predicate).toBe('matched');
    expect(f.verification.audit).toBeUndefined();
    expect(f.verification.unaudited).toMatch(/every judgement failed/);
    expect(f.verification.status).not.toBe('verified');
    // Impact counts every matched run, not the three cited.
    expect(f.prevalence.traces).toBeGreaterThan(3);
    expect(f.impact?.runsWith).toBeGreaterThan(3);
    expect(f.data?.matchedTraceIds as string[]).toHaveLength(f.prevalence.traces);
  }, 300_000);
});
