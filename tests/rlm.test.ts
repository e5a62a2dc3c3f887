// Recursive analysis end to end: the real sandbox holding a small dataset,
// the real openai / Anthropic SDKs talking to loopback servers that speak
// each wire protocol, and scripted models that behave like real ones.
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';
import { createHostRouter, runRecursiveAnalysis, type RecursiveAnalysisResult } from '../src/rlm/loop.ts';
import { parseRlmConfig, type RlmConfigInput } from '../src/rlm/config.ts';
import { extractCells } from '../src/rlm/reply-cells.ts';
import { modelConfigFrom } from '../src/config/apply.ts';
import { analyzeFlags } from './helpers/flags.ts';
import { BudgetLedger, type Reservation } from '../src/rlm/budgets.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import { INJECTION, PLANTED_KEY, writeBookingTraces as writeFixture } from './helpers/booking-traces.ts';
import { startAnthropicServer } from './helpers/loopback-anthropic.ts';
import { cell, turns, type FaultPlan, type LoopbackServer, type Script, type ScriptedRequest } from './helpers/scripted-models.ts';

const PARENT_KEY = 'sk-parent-only-0123456789abcdefghijkl';

let dir: string;
let fixture: string;
const savedKey = process.env.OPENAI_API_KEY;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'halo-rlm-'));
  fixture = writeFixture(dir);
  // A real key in the parent's environment: the SDK may use it, the sandbox child must never see it.
  process.env.OPENAI_API_KEY = PARENT_KEY;
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c().catch(() => {})));
});

interface Harness {
  result: RecursiveAnalysisResult;
  server: LoopbackServer;
  log: string;
  progress: string[];
  rootRequests: ScriptedRequest[];
  subRequests: ScriptedRequest[];
}

async function analyze(opts: {
  root: Script;
  sub?: Script;
  provider?: 'openai' | 'anthropic';
  faults?: FaultPlan;
  config?: Partial<RlmConfigInput>;
  focus?: string;
  onSandbox?: (s: Sandbox) => void;
}): Promise<Harness> {
  const provider = opts.provider ?? 'openai';
  const sub = opts.sub ?? (() => 'ok');
  const script: Script = (req) => (req.model === 'sub-model' ? sub(req) : opts.root(req));
  const server = provider === 'openai' ? await startOpenAIServer(script, opts.faults) : await startAnthropicServer(script, opts.faults);
  cleanups.push(() => server.close());
  const router = createHostRouter();
  const sandbox = createSandbox({ files: [fixture], onHostCall: router.onHostCall, cellTimeoutMs: 10_000 });
  cleanups.push(() => sandbox.close());
  await sandbox.load();
  opts.onSandbox?.(sandbox);
  const log = join(dir, `run-${Math.random().toString(36).slice(2)}.jsonl`);
  const progress: string[] = [];
  const result = await runRecursiveAnalysis({
    sandbox,
    router,
    focus: opts.focus,
    logPath: log,
    onProgress: (l) => progress.push(l),
    createChildSandbox: (onHostCall) => createSandbox({ files: [fixture], onHostCall, cellTimeoutMs: 10_000 }),
    config: {
      provider,
      model: 'root-model',
      subModel: 'sub-model',
      baseUrl: server.baseURL,
      retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetries: 8 },
      ...opts.config,
    },
  });
  return {
    result,
    server,
    log,
    progress,
    rootRequests: server.requests.filter((r) => r.model === 'root-model'),
    subRequests: server.requests.filter((r) => r.model === 'sub-model'),
  };
}

const lastUser = (req: ScriptedRequest) => req.messages.at(-1)!.content;

// ---- scripted analysts -------------------------------------------------------------

const CAUSE_SCHEMA = { type: 'object', properties: { cause: { type: 'string', enum: ['rate_limit', 'other'] } }, required: ['cause'] };

/** Sub-model: classifies a rendered trace, like a small model asked for JSON would. */
const classify: Script = (req) => JSON.stringify({ cause: /429|Too Many Requests/.test(lastUser(req)) ? 'rate_limit' : 'other' });

const RATE_LIMIT_FINDING = `{
  title: 'search_flights fails on rate limits and the agent gives up',
  category: 'errors_recovery',
  severity: 'high',
  summary: 'search_flights returns 429 and the run ends without a booking.',
  rootCause: { statement: 'No retry with backoff around search_flights.', confidence: 'confirmed' },
  fix: { summary: 'Retry search_flights on 429 with exponential backoff and jitter.', kind: 'code' },
  evidence: groups.rate_limit.map((id) => ({ traceId: id, spanId: id + '-s2', excerpt: '429 Too Many Requests' })),
  predicate: "(t) => t.spans.some((s) => s.status === 'error' && /429/.test(JSON.stringify(s)))",
  key: { component: 'search_flights', signature: 'rate_limit_429' },
}`;

/** Filters in code, fans out with a schema, merges in JS, submits. */
const mapReduceRoot = turns(
  cell(`const failing = traces.filter((t) => t.spans.some((s) => s.status === 'error'));
print('failing', failing.length, 'of', traces.length);`),
  cell(`const answers = await llmBatch(traces.map((t) => render(t, { budget: 1500 })), { schema: ${JSON.stringify(CAUSE_SCHEMA)} });
const groups = {};
answers.forEach((a, i) => { const c = a.error ? 'error' : a.cause; (groups[c] ??= []).push(traces[i].traceId); });
print(JSON.stringify(groups));`),
  cell(`const r = await submit({ summary: 'One recurring failure: rate limits on search_flights.', findings: [${RATE_LIMIT_FINDING}] });
print(JSON.stringify(r));`),
);

function findingsDigest(r: RecursiveAnalysisResult) {
  return (r.verification?.kept ?? []).map((f) => ({
    title: f.title,
    prevalence: f.prevalence,
    evidence: f.evidence.map((e) => e.traceId).sort(),
  }));
}

// ---- tests ----------------------------------------------------------------------

describe('recursive analysis', () => {
  it('map-reduce: filters in code, batches schema sub-calls, merges in JS and submits verified findings', async () => {
    const h = await analyze({ root: mapReduceRoot, sub: classify });
    expect(h.result.partial).toBe(false);
    expect(h.result.submission?.findings).toHaveLength(1);
    const kept = h.result.verification!.kept;
    expect(kept).toHaveLength(1);
    expect(kept[0]!.prevalence).toEqual({ traces: 5, total: 12, share: 5 / 12 });
    expect(kept[0]!.evidence.map((e) => e.traceId).sort()).toEqual(['tr-01', 'tr-02', 'tr-03', 'tr-04', 'tr-05']);
    expect(h.result.verification!.droppedEvidence).toBe(0);

    // The batch went to the sub-model, one request per trace, with the schema on the wire.
    expect(h.subRequests).toHaveLength(12);
    expect(h.subRequests[0]!.body.response_format.json_schema.schema).toEqual(CAUSE_SCHEMA);
    // The root saw its merged groups come back as cell output.
    expect(lastUser(h.rootRequests[2]!)).toContain('"rate_limit":["tr-01","tr-02","tr-03","tr-04","tr-05"]');
    expect(lastUser(h.rootRequests[1]!)).toMatch(/failing 5 of 12/);
    // Status line each turn.
    expect(h.rootRequests[0]!.messages[0]!.content).toMatch(/turn 1\/20 · sub-calls left 200\/200 · tokens 0\/2\.00M/);
    expect(lastUser(h.rootRequests[1]!)).toMatch(/turn 2\/20 · sub-calls left 200\/200 · tokens [\d.k]+\/2\.00M · \$0\.\d+\/\$5/);
    expect(h.result.usage.turns).toBe(3);
    expect(h.result.usage.subCalls).toBe(12);
    expect(h.result.usage.inputTokens).toBeGreaterThan(0);

    // The run log has every turn, cell and sub-call.
    const events = readFileSync(h.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const count = (ev: string) => events.filter((e) => e.ev === ev).length;
    expect(count('turn')).toBe(3);
    expect(count('cell')).toBe(3);
    expect(count('subcall')).toBe(12);
    const sc = events.find((e) => e.ev === 'subcall');
    expect(sc).toMatchObject({ loop: 'root', depth: 0, model: 'sub-model' });
    expect(sc.prompt).toContain('<trace_data>');
    expect(sc.reply).toMatch(/"cause"/);
    expect(sc.latencyMs).toBeGreaterThanOrEqual(0);
    expect(sc.budget.subCalls).toBe(12);
    expect(events.at(-1)).toMatchObject({ ev: 'end', partial: false, findings: 1, kept: 1 });
  });

  it('gives the same findings through the Anthropic messages API', async () => {
    const openai = await analyze({ root: mapReduceRoot, sub: classify });
    const anthropic = await analyze({ root: mapReduceRoot, sub: classify, provider: 'anthropic' });
    expect(anthropic.result.partial).toBe(false);
    expect(findingsDigest(anthropic.result)).toEqual(findingsDigest(openai.result));
    // The root's stable system prompt is a cache breakpoint, kept for an hour; so is the newest message.
    expect(anthropic.server.requests[0]!.body.system[0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(anthropic.server.requests[0]!.system).toContain("You are Halo's analyst");
    // Strict, as the Messages API requires: the SDK's own transform of the schema.
    expect(anthropic.subRequests[0]!.body.output_config.format.schema).toEqual(transformJSONSchema(CAUSE_SCHEMA));
    expect(anthropic.subRequests[0]!.body.output_config.format.schema.additionalProperties).toBe(false);
  });

  it('gives the same findings when 30% of requests fail with 429, 500 or a timeout', async () => {
    const clean = await analyze({ root: mapReduceRoot, sub: classify });
    const faulty = await analyze({
      root: mapReduceRoot,
      sub: classify,
      faults: { rate: 0.3, kinds: ['429', '500', 'timeout'], seed: 7 },
      config: { timeoutMs: 400 },
    });
    expect(faulty.server.faults.length).toBeGreaterThanOrEqual(3);
    expect(new Set(faulty.server.faults.map((f) => f.kind))).toEqual(new Set(['429', '500', 'timeout']));
    expect(faulty.result.partial).toBe(false);
    expect(findingsDigest(faulty.result)).toEqual(findingsDigest(clean.result));
    const retries = readFileSync(faulty.log, 'utf8').split('\n').filter((l) => l.includes('"ev":"retry"'));
    // Every injected fault was retried (a slow machine may add a client-side timeout or two).
    expect(retries.length).toBeGreaterThanOrEqual(faulty.server.faults.length);
  });

  it('caps the output of a root that prints the whole dataset', async () => {
    const h = await analyze({
      root: turns(
        cell('print(JSON.stringify(traces));'),
        cell(`const r = await submit({ summary: 'nothing found', findings: [] }); print(JSON.stringify(r));`),
      ),
      config: { outputLimit: 3000 },
    });
    const fed = lastUser(h.rootRequests[1]!);
    const datasetChars = readFileSync(fixture, 'utf8').length;
    expect(fed.length).toBeLessThan(5000);
    expect(fed).toMatch(/characters, cut to its head and tail/);
    expect(datasetChars).toBeGreaterThan(10_000);
    expect(h.result.partial).toBe(false);
  });

  it('ends a root that never submits at the turn budget, asks once for a submission, and marks it partial', async () => {
    const h = await analyze({
      root: (req) =>
        /out of budget/.test(lastUser(req))
          ? cell(`const groups = { rate_limit: traces.filter((t) => t.spans.some((s) => s.status === 'error')).map((t) => t.traceId) };
await submit({ summary: 'partial', findings: [${RATE_LIMIT_FINDING}] });`)
          : cell('print(traces.length);'),
      config: { maxTurns: 3 },
    });
    expect(h.result.partial).toBe(true);
    expect(h.result.partialReason).toMatch(/turn budget used: 3 of 3/);
    expect(h.rootRequests).toHaveLength(4); // three turns and one closing request
    expect(h.result.verification!.kept).toHaveLength(1);
  });

  it('never ends with nothing: keeps what passed the schema when the closing request does not submit', async () => {
    const h = await analyze({
      root: (req) => {
        // First turn looks; second submits with one valid and one broken finding; then it only talks.
        const n = req.messages.filter((m) => m.role === 'assistant').length;
        if (n === 0) return cell('print(traces.length)');
        if (n === 1) {
          return cell(`const groups = { rate_limit: ['tr-01', 'tr-02'] };
print(JSON.stringify(await submit({ summary: 's', findings: [${RATE_LIMIT_FINDING}, { title: 'x' }] })));`);
        }
        return 'I need to think more about this.';
      },
      config: { maxTurns: 4 },
    });
    expect(h.result.partial).toBe(true);
    const feedback = lastUser(h.rootRequests[2]!);
    expect(feedback).toContain('submit() returned errors to fix');
    expect(feedback).toMatch(/findings\[1\]\.category: /);
    expect(h.result.submission!.findings.map((f) => f.key.signature)).toEqual(['rate_limit_429']);
    expect(h.result.submission!.summary).toMatch(/^Partial analysis/);
  });

  it('ends at the wall-time budget, aborting sub-calls in flight, and still asks once for a submission', async () => {
    const h = await analyze({
      root: (req) =>
        /out of budget/.test(lastUser(req))
          ? cell(`await submit({ summary: 'wall', findings: [] });`)
          : cell(`const r = await llmBatch(['slow one', 'slow two']); print(JSON.stringify(r));`),
      sub: () => ({ text: 'late', delayMs: 5000 }),
      config: { maxWall: '1.5s' },
    });
    expect(h.result.partial).toBe(true);
    expect(h.result.partialReason).toMatch(/wall-time budget used/);
    expect(lastUser(h.rootRequests.at(-1)!)).toMatch(/out of budget/);
    expect(h.result.submission!.summary).toBe('wall');
  });

  it('fails with a usage error when the first request is rejected for a bad key', async () => {
    const err = await analyze({ root: () => ({ error: { status: 401, message: 'Incorrect API key provided' } }) }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/openai root-model: HTTP 401 after 1 attempt: .*Incorrect API key provided — check OPENAI_API_KEY/);
  });

  it('drops and counts invented trace ids', async () => {
    const h = await analyze({
      root: turns(
        cell('print(traces.slice(0, 3).map((t) => t.traceId));'),
        cell(`const groups = { rate_limit: ['tr-01', 'tr-02', 'tr-404', 'tr-999'] };
const invented = { ...${RATE_LIMIT_FINDING}, title: 'An incident that never happened', predicate: undefined,
  key: { component: 'ghost', signature: 'ghost' }, evidence: [{ traceId: 'nope-1' }, { traceId: 'nope-2' }] };
print(JSON.stringify(await submit({ summary: 's', findings: [${RATE_LIMIT_FINDING}, invented] })));`),
      ),
    });
    // The model was shown what did not verify and given one round to fix it; it resubmitted the same.
    const review = lastUser(h.rootRequests[2]!);
    expect(review).toContain('The engine checked your submission against the data: 1 finding(s) kept');
    expect(review).toContain('finding "An incident that never happened" was dropped');
    expect(review).toMatch(/"search_flights fails on rate limits and the agent gives up": predicate exact, partial; prevalence 5 of 12 traces/);
    expect(review).toMatch(/dropped citation tr-404\/tr-404-s2: unknown trace/);
    expect(review).toContain('predicate matches 5 of 12 traces (42%) and 2 of the 2 cited.');
    expect(h.rootRequests).toHaveLength(3);
    const v = h.result.verification!;
    expect(v.kept).toHaveLength(1);
    expect(v.kept[0]!.evidence.map((e) => e.traceId)).toEqual(['tr-01', 'tr-02']);
    expect(v.droppedFindings.map((d) => d.title)).toEqual(['An incident that never happened']);
    expect(v.droppedEvidence).toBeGreaterThanOrEqual(2);
  });

  it('lets the model fix citations that did not verify, once', async () => {
    const h = await analyze({
      root: turns(
        cell('print(traces.length);'),
        cell(`let groups = { rate_limit: ['tr-01', 'tr-02', 'tr-77'] };
await submit({ summary: 'first try', findings: [${RATE_LIMIT_FINDING}] });`),
        cell(`groups = { rate_limit: traces.filter((t) => t.spans.some((s) => s.status === 'error')).map((t) => t.traceId) };
await submit({ summary: 'fixed', findings: [${RATE_LIMIT_FINDING}] });`),
      ),
    });
    expect(lastUser(h.rootRequests[2]!)).toMatch(/tr-77/);
    expect(h.result.partial).toBe(false);
    expect(h.result.submission!.summary).toBe('fixed');
    expect(h.result.verification!.droppedEvidence).toBe(0);
    expect(h.result.verification!.kept[0]!.evidence).toHaveLength(5);
  });

  it('reviews a submission more than once while rounds and budget last, then keeps the last one', async () => {
    const h = await analyze({
      root: turns(
        cell('print(traces.length);'),
        cell(`let groups = { rate_limit: ['tr-01', 'tr-77'] };
await submit({ summary: 'first try', findings: [${RATE_LIMIT_FINDING}] });`),
        cell(`groups = { rate_limit: ['tr-01', 'tr-02', 'tr-88'] };
await submit({ summary: 'second try', findings: [${RATE_LIMIT_FINDING}] });`),
        cell(`groups = { rate_limit: ['tr-01', 'tr-02', 'tr-03', 'tr-99'] };
await submit({ summary: 'third try', findings: [${RATE_LIMIT_FINDING}] });`),
      ),
      config: { reviewRounds: 2 },
    });
    // Two reviews (tr-77, then tr-88), and the third submission stands although it still cites tr-99.
    expect(lastUser(h.rootRequests[2]!)).toContain('dropped citation tr-77/tr-77-s2: unknown trace');
    expect(lastUser(h.rootRequests[2]!)).toContain('You have 2 more rounds to fix it');
    expect(lastUser(h.rootRequests[3]!)).toContain('dropped citation tr-88/tr-88-s2: unknown trace');
    expect(lastUser(h.rootRequests[3]!)).toContain('You have one more round to fix it');
    expect(h.rootRequests).toHaveLength(4);
    expect(h.result.submission!.summary).toBe('third try');
    expect(h.result.verification!.kept[0]!.evidence.map((e) => e.traceId)).toEqual(['tr-01', 'tr-02', 'tr-03']);
    expect(h.result.verification!.kept[0]!.prevalence.traces).toBe(5);
  });

  it('recovers from a reply without a cell, a refusal, a syntax error, a thrown error and an early submit', async () => {
    const replies = [
      cell(`await submit({ summary: 'too early', findings: [] });`),
      'Let me think about the data first.',
      { text: '', refusal: 'I cannot help with that.' },
      cell('const x = ;'),
      cell('const y = 1;\nthrow new Error("boom at line two");'),
      cell('print("still alive", traces.length);'),
      cell(`await submit({ summary: 'no findings', findings: [] });`),
    ];
    // By request, not by assistant turns: a refused turn is not kept in the conversation.
    const h = await analyze({ root: (req) => replies[Math.min(req.index, replies.length - 1)]! });
    const fed = h.rootRequests.map(lastUser);
    expect(fed[1]).toContain('submit() refused: look at the data first');
    expect(fed[2]).toContain('No ```js cell found in your reply');
    expect(fed[3]).toContain('Your reply was a refusal');
    // The refusal was dropped, not replayed: no assistant turn without text reaches the model.
    expect(h.rootRequests[3]!.messages.filter((m) => m.role === 'assistant' && !m.content.trim())).toEqual([]);
    expect(fed[4]).toMatch(/SyntaxError/);
    expect(fed[5]).toMatch(/boom at line two/);
    expect(fed[5]).toMatch(/line 2/);
    expect(fed[6]).toContain('still alive 12');
    expect(h.result.partial).toBe(false);
    expect(h.result.usage.turns).toBe(7);
  });

  it('asks once more when a schema reply is not valid JSON for the schema, then gives a per-item error', async () => {
    const h = await analyze({
      root: turns(
        cell(`const out = await llmBatch(['fixable', 'hopeless'], { schema: ${JSON.stringify(CAUSE_SCHEMA)} }); print(JSON.stringify(out));`),
        cell(`await submit({ summary: 'none', findings: [] });`),
      ),
      sub: (req) => {
        const repair = req.messages.length > 1;
        if (req.messages[0]!.content.includes('fixable')) return repair ? '```json\n{"cause": "other"}\n```' : 'Sure! The cause is other.';
        return repair ? '{"cause": "weather"}' : '{"cause":';
      },
    });
    const fed = lastUser(h.rootRequests[1]!);
    expect(fed).toContain('{"cause":"other"}');
    expect(fed).toMatch(/\{"error":"llm\(\): the reply was not valid for the schema after a retry: it does not follow the schema: cause: /);
    const repairs = h.subRequests.filter((r) => r.messages.length === 3);
    expect(repairs).toHaveLength(2);
    expect(repairs[0]!.messages[2]!.content).toMatch(/Your reply cannot be used: it is not valid JSON/);
    expect(h.result.usage.subCalls).toBe(2); // a repair turn is part of its sub-call
  });

  it('honors the concurrency limit on sub-calls', async () => {
    const h = await analyze({
      root: turns(
        cell(`const out = await llmBatch(Array.from({ length: 12 }, (_, i) => 'question ' + i)); print(out.join(','));`),
        cell(`await submit({ summary: 'none', findings: [] });`),
      ),
      sub: (req) => ({ text: 'a' + req.index, delayMs: 200 }),
      config: { concurrency: 3 },
    });
    expect(h.subRequests).toHaveLength(12);
    expect(h.server.maxInFlight).toBe(3);
  });

  it('returns per-item errors in a batch and fails an oversized prompt fast with advice to chunk', async () => {
    const h = await analyze({
      root: turns(
        cell(`const out = await llmBatch(['short', 'x'.repeat(5000), 'fail me', 'refuse me', 'say nothing']);
print(JSON.stringify(out));
try { await llm('y'.repeat(5000)); } catch (e) { print('llm threw:', e.message); }`),
        cell(`await submit({ summary: 'none', findings: [] });`),
      ),
      sub: (req) =>
        lastUser(req).includes('fail me')
          ? { error: { status: 400, message: 'bad request from model' } }
          : lastUser(req).includes('refuse me')
            ? { text: '', refusal: 'I will not do that.' }
            : lastUser(req).includes('say nothing')
              ? '   '
              : 'fine',
      config: { maxPromptChars: 1000 },
    });
    const fed = lastUser(h.rootRequests[1]!);
    expect(fed).toContain('"fine"');
    expect(fed).toMatch(/llmBatch\(\) item 1: prompt is [\d,]+ characters, over the 1,000 limit per sub-call\. Chunk it/);
    expect(fed).toMatch(/\{"error":"llm\(\): openai sub-model: HTTP 400 after 1 attempt: .*bad request from model"\}/);
    expect(fed).toMatch(/llm threw: .*llm\(\): prompt is/);
    expect(fed).toContain('{"error":"llm(): the model refused: I will not do that."}');
    expect(fed).toContain('{"error":"llm(): the model returned an empty reply (finish reason: stop)"}');
    expect(h.subRequests).toHaveLength(4); // the oversized prompts never left the parent
  });

  it('runs a child analysis one level deeper over a subset and honors the depth limit', async () => {
    const root = turns(
      cell(`const failing = traces.filter((t) => t.spans.some((s) => s.status === 'error')).map((t) => t.traceId); print(failing);`),
      cell(`const child = await rlm('Why does search_flights fail in these traces?', failing);
print(JSON.stringify({ n: child.findings.length, partial: child.partial, traces: child.traces }));`),
      cell(`await submit({ summary: 'from the child', findings: child.findings });`),
    );
    const childScript = turns(
      cell(`print(traces.length, traces.map((t) => t.traceId).join(' '));
try { await rlm('deeper', traces.slice(0, 1)); } catch (e) { print('rlm failed:', e.message); }`),
      cell(`const groups = { rate_limit: traces.map((t) => t.traceId) };
await submit({ summary: 'child', findings: [${RATE_LIMIT_FINDING}] });`),
    );
    const h = await analyze({
      root: (req) => (req.system.includes('You are running as a child analysis') ? childScript(req) : root(req)),
      config: { maxDepth: 1 },
    });
    const childRequests = h.rootRequests.filter((r) => r.system.includes('You are running as a child analysis'));
    expect(childRequests).toHaveLength(2);
    expect(lastUser(childRequests[1]!)).toContain('5 tr-01 tr-02 tr-03 tr-04 tr-05');
    expect(lastUser(childRequests[1]!)).toMatch(/rlm failed: .*depth limit reached \(max depth 1\)/);
    expect(childRequests[0]!.messages[0]!.content).toContain('<question>\nWhy does search_flights fail');
    // The child's overview describes its subset, not the whole dataset.
    expect(childRequests[0]!.messages[0]!.content).toMatch(/subset: true\ntraces: 5\n/);
    const rootFed = h.rootRequests.filter((r) => !childRequests.includes(r)).map(lastUser);
    expect(rootFed[2]).toContain('{"n":1,"partial":false,"traces":5}');
    expect(h.result.verification!.kept[0]!.prevalence.traces).toBe(5);
    // Turns are shared across the tree: 3 root + 2 child.
    expect(h.result.usage.turns).toBe(5);
    const events = readFileSync(h.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.some((e) => e.ev === 'turn' && e.loop === 'root.1' && e.depth === 1)).toBe(true);
  });

  it("re-applies a child's subset after its sandbox restarts", async () => {
    const root = turns(
      cell(`print(traces.length);`),
      cell(`const c = await rlm('Look at these three', ['tr-01', 'tr-06', 'tr-09']); print(c.findings.length);`),
      cell(`await submit({ summary: 'done', findings: [] });`),
    );
    const child = turns(
      cell(`await 0; while (true) {} // spins past the CPU timeout's reach`),
      cell(`print('after restart', traces.length, meta.traces);`),
      cell(`await submit({ summary: 'child', findings: [] });`),
    );
    const h = await analyze({
      root: (req) => (req.system.includes('You are running as a child analysis') ? child(req) : root(req)),
      // The child's cells get 6 s; the root's cell awaiting rlm() gets twice that, so the child's
      // restart (a new sandbox process loading the traces) has a whole deadline's room on a loaded machine.
      config: { cellDeadlineMs: 6000 },
    });
    const childFed = h.rootRequests.filter((r) => r.system.includes('You are running as a child analysis')).map(lastUser);
    expect(childFed[1]).toMatch(/The sandbox was restarted/);
    expect(childFed[2]).toContain('after restart 3 3');
    expect(h.result.partial).toBe(false);
  });

  it('enforces a token budget across the tree: a child spends it, the root is asked once and ends partial', async () => {
    const root = (req: ScriptedRequest) => {
      if (/out of budget/.test(lastUser(req))) return cell(`await submit({ summary: 'out of budget', findings: [] });`);
      const n = req.messages.filter((m) => m.role === 'assistant').length;
      if (n === 0) return cell(`print(traces.length);`);
      return cell(`const c = await rlm('look', ['tr-01', 'tr-02']); print(c.partial, c.partialReason);`);
    };
    const child = (_req: ScriptedRequest) => cell(`await llmBatch(traces.map((t) => render(t))); print('again');`);
    const maxTokens = 12_000;
    const h = await analyze({
      root: (req) => (req.system.includes('You are running as a child analysis') ? child(req) : root(req)),
      sub: () => 'z'.repeat(400),
      config: { maxTokens, maxDepth: 1, maxOutputTokens: 500 },
    });
    expect(h.result.partial).toBe(true);
    expect(h.result.partialReason).toMatch(/token budget/);
    const used = h.result.usage.inputTokens + h.result.usage.outputTokens;
    // Only the single closing request may run past the budget.
    const closing = h.rootRequests.at(-1)!;
    expect(lastUser(closing)).toMatch(/out of budget/);
    const closingTokens = Math.ceil((closing.system + closing.messages.map((m) => m.content).join('')).length / 4) + 200;
    expect(used).toBeLessThanOrEqual(maxTokens + closingTokens);
    expect(h.rootRequests.filter((r) => /out of budget/.test(lastUser(r))).length).toBe(1);
  });

  it('enforces a USD budget across sub-calls using the price table', async () => {
    const h = await analyze({
      root: (req) =>
        /out of budget/.test(lastUser(req))
          ? cell(`await submit({ summary: 'budget', findings: [] });`)
          : cell(`const r = await llmBatch(traces.map((t) => render(t))); print(r.filter((x) => x.error).length, 'errors');`),
      sub: () => 'y'.repeat(200),
      config: {
        prices: { 'root-model': { input: 100, output: 100 }, 'sub-model': { input: 100, output: 100 } },
        maxUsd: 0.5,
        maxOutputTokens: 100,
        subMaxOutputTokens: 100,
        concurrency: 2,
      },
    });
    expect(h.result.partial).toBe(true);
    expect(h.result.partialReason).toMatch(/USD budget/);
    // $100 per 1M tokens: the closing request may cost at most its own prompt.
    const closing = h.rootRequests.at(-1)!;
    const closingUsd = ((closing.system.length + closing.messages.reduce((n, m) => n + m.content.length, 0)) / 4 + 100) * 100e-6;
    expect(h.result.usage.costUsd).toBeLessThanOrEqual(0.5 + closingUsd);
    expect(h.result.usage.subCalls).toBeLessThan(24);
  });

  it('shares one USD budget between the root and its child', async () => {
    const isChild = (req: ScriptedRequest) => req.system.includes('You are running as a child analysis');
    const h = await analyze({
      root: (req) => {
        if (isChild(req)) return cell(`const r = await llmBatch(traces.map((t) => render(t))); print(r.length);`);
        if (/out of budget/.test(lastUser(req))) return cell(`await submit({ summary: 'budget', findings: [] });`);
        const n = req.messages.filter((m) => m.role === 'assistant').length;
        if (n === 0) return cell(`const c = await rlm('spend', ['tr-01', 'tr-02', 'tr-03']); print(c.partial);`);
        return cell(`const r = await llmBatch(traces.map((t) => render(t))); print(r.filter((x) => x.error).length, 'errors');`);
      },
      sub: () => 'y'.repeat(200),
      config: {
        prices: { 'root-model': { input: 100, output: 100 }, 'sub-model': { input: 100, output: 100 } },
        // Enough that the child's share covers at least one of its turns at worst case.
        maxUsd: 3,
        maxOutputTokens: 100,
        subMaxOutputTokens: 100,
      },
    });
    const events = readFileSync(h.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const spent = (loop: string) => events.filter((e) => (e.ev === 'subcall' || e.ev === 'turn') && e.loop === loop).reduce((n, e) => n + e.costUsd, 0);
    expect(spent('root.1')).toBeGreaterThan(0.1); // the child spent part of the budget...
    expect(spent('root')).toBeGreaterThan(0); // ...and the root the rest
    expect(spent('root') + spent('root.1')).toBeCloseTo(h.result.usage.costUsd, 6);
    expect(h.result.partial).toBe(true);
    expect(h.result.partialReason).toMatch(/USD budget/);
    const closing = h.rootRequests.at(-1)!;
    const closingUsd = ((closing.system.length + closing.messages.reduce((n, m) => n + m.content.length, 0)) / 4 + 100) * 100e-6;
    expect(h.result.usage.costUsd).toBeLessThanOrEqual(3 + closingUsd);
  });

  it('keeps trace content inside delimiters, out of every system prompt, and redacts a planted key', async () => {
    const h = await analyze({
      root: turns(
        cell(`print(render(traces.find((t) => t.traceId === 'tr-09')));
print(render(traces.find((t) => t.traceId === 'tr-10')));`),
        cell(`const a = await llmBatch(traces.map((t) => render(t, { budget: 2000 })), { system: 'Classify the failure.' });
const b = await llm('Summarize this trace', { data: traces.find((t) => t.traceId === 'tr-09').spans.map((s) => s.output) });
print(a.length, b);`),
        cell(`const span = traces.find((t) => t.traceId === 'tr-10').spans[0];
// The model quotes what it saw: the key already redacted.
await submit({ summary: 'done', findings: [{
  title: 'Users paste API keys into requests', category: 'other', severity: 'medium', summary: 'A user pasted a key.',
  rootCause: { statement: 'No input scrubbing.', confidence: 'hypothesis' }, fix: { summary: 'Scrub secrets at intake.', kind: 'code' },
  evidence: [{ traceId: 'tr-10', spanId: span.spanId, excerpt: 'Book a flight. My key is [REDACTED:openai_key]' }],
  key: { component: 'intake', signature: 'secret_in_input' } }] });`),
      ),
      sub: () => 'noted',
    });
    // The excerpt is checked by its parts outside the redaction marker, so the citation stands as quoted.
    expect(h.result.verification!.kept[0]!.evidence[0]!.excerpt).toBe('Book a flight. My key is [REDACTED:openai_key]');
    expect(h.result.verification!.kept[0]!.verification.level).toBe('excerpts');
    expect(h.result.verification!.droppedEvidence).toBe(0);
    expect(h.subRequests.length).toBe(13);
    for (const req of h.server.requests) {
      expect(req.system).not.toContain('IGNORE PREVIOUS');
      expect(JSON.stringify(req.body)).not.toContain(PLANTED_KEY);
      for (const m of req.messages) {
        // Strip the delimited blocks; nothing from the traces may remain outside them.
        const outside = m.content.replace(/<(trace_data|cell_output|dataset_overview|question)>[\s\S]*?<\/\1>/g, '');
        expect(outside).not.toContain('IGNORE PREVIOUS');
        expect(outside).not.toContain('you are now a pirate');
      }
    }
    // The injected closing tag was neutralized instead of ending the block.
    const withInjection = h.subRequests.find((r) => lastUser(r).includes('IGNORE PREVIOUS'))!;
    expect(lastUser(withInjection)).toContain('‹/trace_data>');
    expect(h.rootRequests[1]!.messages.at(-1)!.content).toContain('[REDACTED:openai_key]');
    expect(h.result.redactions!.openai_key).toBeGreaterThan(0);
    expect(readFileSync(h.log, 'utf8')).not.toContain(PLANTED_KEY);
    // The analyst's instructions reach the sub-model in the user message, not in its system prompt.
    expect(h.subRequests[0]!.system).not.toContain('Classify the failure.');
    expect(lastUser(h.subRequests[0]!)).toContain('<instructions>\nClassify the failure.\n</instructions>');
  });

  it("keeps API keys out of the sandbox child's environment", async () => {
    let pids: number[] = [];
    await analyze({
      root: turns(cell('print(typeof process, typeof require)'), cell(`await submit({ summary: 'none', findings: [] });`)),
      onSandbox: () => {
        pids = sandboxChildPids();
      },
    });
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(env).not.toContain(PARENT_KEY);
      expect(env).not.toContain('OPENAI_API_KEY');
    }
  });
});

/** Children of this process running the sandbox bundle (Linux /proc). */
function sandboxChildPids(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('sandbox-child')) out.push(Number(entry));
    } catch {
      // processes come and go
    }
  }
  return out;
}

describe('halo analyze with a model, then halo replay (CLI)', () => {
  function halo(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['bin/halo', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('runs the model loop from the command line, merges its verified finding, and replays the run log', async () => {
    const server = await startOpenAIServer((req) => (req.model === 'sub-model' ? classify(req) : mapReduceRoot(req)));
    cleanups.push(() => server.close());
    const out = join(dir, 'cli-out');
    const log = join(dir, 'cli-run.jsonl');
    const run = await halo(
      ['analyze', fixture, '--base-url', server.baseURL, '--model', 'root-model', '--sub-model', 'sub-model', '--max-turns', '6',
        '--concurrency', '4', '--header', 'x-team=halo', '--prompt', 'why do bookings fail?', '--log', log, '--out', out, '--format', 'json',
        '--redact-pattern', 'UA\\d{3}', '--state', join(dir, '.halo')],
      { OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined },
    );
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code, run.stderr).toBe(0);
    const file = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    expect(file.run.mode).toBe('model');
    expect(file.run.partial).toBe(false);
    // The model's finding and the detectors' error-signature finding cite the same traces: merged into one.
    const merged = file.findings.find((f: { title: string }) => f.title.startsWith('search_flights fails on rate limits and the agent gives up'));
    expect(merged.prevalence.traces).toBe(5);
    expect(file.verification.droppedEvidence).toBe(0);
    expect(server.requests.every((r) => r.headers['x-team'] === 'halo')).toBe(true);
    // The user's pattern is redacted from everything sent to a model (flight numbers were in tool results).
    expect(server.requests.some((r) => JSON.stringify(r.body).includes('[REDACTED]'))).toBe(true);
    expect(server.requests.some((r) => JSON.stringify(r.body).includes('UA123'))).toBe(false);
    expect(server.requests[0]!.messages[0]!.content).toContain("The analyst's focus: why do bookings fail?");

    const replay = await halo(['replay', log]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/Run started .* openai root-model \(sub-calls: sub-model\)/);
    expect(replay.stdout).toMatch(/── turn 1 \[root\]/);
    expect(replay.stdout).toMatch(/▶ cell 1: ok/);
    expect(replay.stdout).toMatch(/sub-calls: 12 · /);
    expect(replay.stdout).toMatch(/✔ submitted 1 finding/);
    expect(replay.stdout).toMatch(/✔ verified: 1 kept · 0 finding\(s\) dropped/);
    expect(replay.stdout).toMatch(/Run ended .* complete · 1 finding\(s\) submitted, 1 verified/);
  });

  it('replay names the file and line of a bad log line', async () => {
    const bad = join(dir, 'bad-log.jsonl');
    writeFileSync(bad, '{"t":"x","ev":"start","loop":"root","depth":0}\nnot json\n');
    const r = await halo(['replay', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: not a JSON line`);
  });
});

describe('cell extraction', () => {
  it('takes ```js and ```javascript fences in order and ignores other fences', () => {
    const reply = [
      'First I count.',
      '```js',
      'print(traces.length)',
      '```',
      'A schema for the sub-calls:',
      '```json',
      '{"type": "object"}',
      '```',
      '```javascript',
      'const x = 1;',
      '```',
      '```ts',
      'const y: number = 2;',
      '```',
    ].join('\n');
    expect(extractCells(reply)).toEqual({ cells: ['print(traces.length)', 'const x = 1;'], unterminated: false });
  });

  it('does not take a js fence quoted inside another fence', () => {
    const reply = '````md\n```js\nprint(1)\n```\n````\n\n```js\nprint(2)\n```';
    expect(extractCells(reply).cells).toEqual(['print(2)']);
  });

  it('reports a cell cut off at the output limit', () => {
    expect(extractCells('```js\nconst a = traces.filter((t) =>')).toEqual({ cells: [], unterminated: true });
  });

  it('keeps backticks inside the code', () => {
    expect(extractCells('```js\nprint(`${traces.length} traces`)\n```').cells).toEqual(['print(`${traces.length} traces`)']);
  });
});

describe('model configuration', () => {
  it('turns CLI flags into a checked configuration', () => {
    const { model } = analyzeFlags([
      '--provider', 'openai', '--model', 'gpt-4.1', '--sub-model', 'gpt-4.1-mini', '--base-url', 'http://127.0.0.1:8000/v1', '--header', 'x-a=1', '--header', 'x-b: two',
      '--max-turns', '12', '--max-depth', '0', '--max-usd', '2.5', '--max-wall', '30m', '--concurrency', '4', '--temperature', '0.2',
    ]);
    const c = parseRlmConfig({ ...model, redactPatterns: ['CUST-\\d+'] }, {});
    expect(c).toMatchObject({
      baseURL: 'http://127.0.0.1:8000/v1',
      headers: { 'x-a': '1', 'x-b': 'two' },
      limits: { maxTurns: 12, maxDepth: 0, maxUsd: 2.5, maxWallMs: 1_800_000 },
      concurrency: 4,
      temperature: 0.2,
      redactPatterns: ['CUST-\\d+'],
    });
  });

  it('accepts what halo.config.json yields (src/config modelConfigFrom)', () => {
    const flat = modelConfigFrom({
      provider: { name: 'anthropic', model: 'claude-sonnet-4-5', baseUrl: 'http://127.0.0.1:9/', headers: { 'x-a': '1' }, prices: { 'claude-sonnet-4-5': { input: 3, output: 15 } } },
      budgets: { maxTurns: 8, maxWall: '90s', maxUsd: 1, concurrency: 3 },
    });
    expect(parseRlmConfig(flat, {})).toMatchObject({
      provider: 'anthropic',
      baseURL: 'http://127.0.0.1:9/',
      headers: { 'x-a': '1' },
      limits: { maxTurns: 8, maxWallMs: 90_000, maxUsd: 1 },
      concurrency: 3,
      prices: { 'claude-sonnet-4-5': { input: 3, output: 15 } },
    });
  });

  it('picks the provider and models from the keys in the environment', () => {
    expect(parseRlmConfig({}, { ANTHROPIC_API_KEY: 'x' })).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5', subModel: 'claude-haiku-4-5' });
    expect(parseRlmConfig({}, { OPENAI_API_KEY: 'x' })).toMatchObject({ provider: 'openai', model: 'gpt-4.1', subModel: 'gpt-4.1-mini' });
  });

  it('names the flag or option that is wrong', () => {
    expect(() => analyzeFlags(['--max-turns', 'many'])).toThrow(/--max-turns: "many" is not a number/);
    expect(() => analyzeFlags(['--max-wall', 'soon'])).toThrow(/--max-wall: "soon" is not a duration/);
    expect(() => analyzeFlags(['--header', 'nocolon'])).toThrow(/--header: "nocolon" is not key=value/);
    expect(() => parseRlmConfig({ baseUrl: 'http://127.0.0.1:1/v1' }, {})).toThrow(/--model is required with --base-url/);
    expect(() => parseRlmConfig({ model: 'm', provider: 'cohere' } as never, {})).toThrow(/invalid model configuration: provider: unknown provider "cohere"/);
    expect(() => parseRlmConfig({ model: 'm', maxWall: 'soon' }, {})).toThrow(/maxWall: "soon" is not a duration/);
  });
});

describe('budget ledger', () => {
  it('refuses a call whose worst case would break the token budget, counting calls in flight', () => {
    const ledger = new BudgetLedger({ maxTokens: 1000 });
    const a = ledger.reserve('m', 2000, 300); // 500 + 300
    expect('refused' in a).toBe(false);
    const b = ledger.reserve('m', 800, 100); // 200 + 100 more would pass 1000 with a's 800 in flight
    expect(b).toMatchObject({ refused: 'tokens' });
    ledger.settle(a as Reservation, 'm', { inputTokens: 500, outputTokens: 50 });
    expect('refused' in ledger.reserve('m', 800, 100)).toBe(false); // 550 used + 300
    expect(ledger.reserve('m', 800, 100)).toMatchObject({ refused: 'tokens' }); // 550 + 300 in flight + 300
    ledger.close();
  });

  it('prices calls and refuses past the USD budget', () => {
    const ledger = new BudgetLedger({ maxUsd: 1 }, { prices: { pricey: { input: 1_000_000, output: 0 } } });
    const r = ledger.reserve('pricey', 2, 0) as Reservation; // 1 token = $1
    ledger.settle(r, 'pricey', { inputTokens: 1, outputTokens: 0 });
    expect(ledger.usage.costUsd).toBe(1);
    expect(ledger.exhausted()).toBe('usd');
    expect(ledger.reserve('pricey', 2, 0)).toMatchObject({ refused: 'usd' });
    // The closing request is the one exception.
    expect('refused' in ledger.reserve('pricey', 2, 0, { force: true })).toBe(false);
    ledger.close();
  });

  it('takes sub-calls up front and refuses a batch larger than what is left', () => {
    const ledger = new BudgetLedger({ maxSubcalls: 10 });
    expect(ledger.takeSubcalls(8)).toBeNull();
    expect(ledger.takeSubcalls(3)).toMatch(/3 requested, 2 of 10 left/);
    ledger.refundSubcalls(1);
    expect(ledger.subcallsLeft()).toBe(3);
    ledger.close();
  });
});
