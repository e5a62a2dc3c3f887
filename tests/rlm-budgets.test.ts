// Budgets that hold under concurrency, through the real openai SDK and a
// loopback Chat Completions server: children started together by
// Promise.all(rlm(...)) share what is left instead of each taking half of it,
// and sub-calls in flight count against a child's dollar cap.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { createHostRouter, runRecursiveAnalysis } from '../src/rlm/loop.ts';
import type { RlmConfigInput } from '../src/rlm/config.ts';
import { createProvider } from '../src/providers/index.ts';
import { writeBookingTraces } from './helpers/booking-traces.ts';
import { cell, type Script, type ScriptedRequest } from './helpers/scripted-models.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';

let dir: string;
let fixture: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'halo-budgets-'));
  fixture = writeBookingTraces(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isChild = (req: ScriptedRequest) => req.system.includes('You are running as a child analysis');
const closing = (req: ScriptedRequest) => req.messages.at(-1)!.content.includes('out of budget');
const rootTurn = (req: ScriptedRequest) => req.messages.filter((m) => m.role === 'assistant').length;

async function run(script: Script, config: Partial<RlmConfigInput>) {
  const server = await startOpenAIServer(script);
  const router = createHostRouter();
  const sandbox = createSandbox({ files: [fixture], onHostCall: router.onHostCall, cellTimeoutMs: 20_000 });
  const log = join(dir, `run-${Math.random().toString(36).slice(2)}.jsonl`);
  try {
    await sandbox.load();
    const model = (name: string) => createProvider({ provider: 'openai', api: 'chat', model: name, baseURL: server.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
    const result = await runRecursiveAnalysis({
      sandbox,
      router,
      logPath: log,
      models: { root: model(config.model ?? 'root-model'), sub: model(config.subModel ?? 'sub-model') },
      createChildSandbox: (onHostCall, subset) => createSandbox({ files: subset ? [] : [fixture], ...subset, onHostCall, cellTimeoutMs: 20_000 }),
      config: { provider: 'openai', model: 'root-model', subModel: 'sub-model', childConcurrency: 3, ...config },
    });
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    return { result, events, requests: server.requests };
  } finally {
    await sandbox.close();
    await server.close();
  }
}

describe('concurrent children', () => {
  it('a greedy Promise.all of three rlm() calls cannot be granted more turns than are left, and the root keeps its working turn', async () => {
    const script: Script = (req) => {
      // Greedy children: never submit on their own, only when made to.
      if (isChild(req)) return closing(req) ? cell(`await submit({ summary: 'child', findings: [] });`) : cell('print(traces.length)');
      if (rootTurn(req) === 0) {
        return cell(`const r = await Promise.all([rlm('a', ['tr-01']), rlm('b', ['tr-02']), rlm('c', ['tr-03'])].map((p) => p.catch((e) => ({ error: e.message }))));
print(JSON.stringify(r.map((x) => x.error ? 'refused' : 'ran')));`);
      }
      return cell(`await submit({ summary: 'root used its turn', findings: [] });`);
    };
    const { result, events, requests } = await run(script, { maxTurns: 10 });
    const granted = events.filter((e) => e.ev === 'child' && e.maxTurns).map((e) => e.maxTurns as number);
    // 9 left after the root's first turn, 2 kept by the root: at most 7 may go to children, whatever their order.
    expect(granted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(7);
    expect(granted.length).toBeGreaterThanOrEqual(2);
    expect(result.usage.turns).toBeLessThanOrEqual(10);
    // The root's second turn happened and submitted: it did not lose its working turn to the children.
    expect(result.submission?.summary).toBe('root used its turn');
    expect(result.partial).toBe(false);
    expect(requests.filter((r) => !isChild(r))).toHaveLength(2);
  }, 120_000);

  it('a child capped at $0.05 cannot overspend with 8 sub-calls in flight at once', async () => {
    // Cheap turns, dear sub-calls: each sub-call alone fits the cap, eight together do not.
    const prices = { 'root-model': { input: 1, output: 1 }, 'sub-model': { input: 100, output: 100 } };
    const script: Script = (req) => {
      if (req.model === 'sub-model') return { text: 'y'.repeat(400) };
      if (isChild(req)) {
        return closing(req)
          ? cell(`await submit({ summary: 'spent', findings: [] });`)
          : cell(`const out = await Promise.all(Array.from({ length: 8 }, (_, i) => llm('say y ' + i, { maxOutputTokens: 200 }).catch((e) => 'refused')));
print(out.filter((x) => x === 'refused').length, 'refused');`);
      }
      if (rootTurn(req) === 0) return cell(`const c = await rlm('spend', ['tr-01', 'tr-02'], { maxUsd: 0.05 }); print(c.partialReason);`);
      return cell(`await submit({ summary: 'done', findings: [] });`);
    };
    const { events } = await run(script, { prices, maxTurns: 20, maxOutputTokens: 1000 });
    const start = events.find((e) => e.ev === 'child' && e.maxUsd);
    expect(start).toMatchObject({ maxUsd: 0.05 });
    const done = events.find((e) => e.ev === 'child' && e.done);
    expect(done!.spentUsd).toBeLessThanOrEqual(0.05);
    // Some of the eight were refused up front rather than all passing the cap check together.
    const cells = events.filter((e) => e.ev === 'cell' && e.loop === 'root.1').map((e) => String(e.output));
    expect(cells.join('\n')).toMatch(/[1-8] refused/);
  }, 120_000);
});

describe('a model with no known price', () => {
  const submitAtOnce: Script = () => cell(`print(traces.length)`);
  it('refuses to start when the user set a dollar budget, naming the model and how to price it', async () => {
    await expect(run(submitAtOnce, { model: 'my-local-model', subModel: 'my-local-model', maxUsd: 1, maxTurns: 2 })).rejects.toThrow(
      /no price known for my-local-model, so the \$1 budget cannot be enforced: add its prices .*halo\.config\.json/,
    );
  }, 60_000);

  it('runs with a warning under the default budget, and runs quietly once priced in the config', async () => {
    const warned = await run(submitAtOnce, { model: 'my-local-model', subModel: 'my-local-model', maxTurns: 2 });
    expect(warned.result.warnings?.join('\n')).toMatch(/no price known for my-local-model/);
    const priced = await run(submitAtOnce, { model: 'my-local-model', subModel: 'my-local-model', maxUsd: 1, maxTurns: 2, prices: { 'my-local-model': { input: 1, output: 1 } } });
    expect(priced.result.warnings?.join('\n') ?? '').not.toMatch(/no price known/);
    expect(priced.result.usage.costUsd).toBeGreaterThan(0);
  }, 60_000);
});
