// The recursive loop's own logic with in-process scripted models (no HTTP, no
// SDK; the providers keep their wire tests in providers.test.ts) and the real
// sandbox: warnings, output-limit stops, reasoning carried across turns,
// prompt growth, the turn-1 prompt on the sample week.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { createHostRouter, runRecursiveAnalysis, type RecursiveAnalysisResult } from '../src/rlm/loop.ts';
import type { RlmConfigInput } from '../src/rlm/config.ts';
import { MockLanguageModel } from '../src/providers/mock.ts';
import type { LanguageModel } from '../src/providers/types.ts';
import { writeBookingTraces } from './helpers/booking-traces.ts';
import { cell, inProcessModel, turns, type Script, type ScriptedRequest } from './helpers/scripted-models.ts';

let dir: string;
let fixture: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'halo-loop-'));
  fixture = writeBookingTraces(dir);
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c().catch(() => {})));
});

export interface LoopRun {
  result: RecursiveAnalysisResult;
  root: ScriptedRequest[];
  sub: ScriptedRequest[];
  events: Record<string, any>[];
  progress: string[];
}

export async function runLoop(opts: {
  root: Script | LanguageModel;
  sub?: Script | LanguageModel;
  config?: Partial<RlmConfigInput>;
  files?: string[];
  focus?: string;
}): Promise<LoopRun> {
  const rootLog: ScriptedRequest[] = [];
  const subLog: ScriptedRequest[] = [];
  const root = typeof opts.root === 'function' ? inProcessModel(opts.root, { modelId: 'root-model', log: rootLog }) : opts.root;
  const subScript = opts.sub ?? (() => 'ok');
  const sub = typeof subScript === 'function' ? inProcessModel(subScript, { modelId: 'sub-model', log: subLog }) : subScript;
  const router = createHostRouter();
  const files = opts.files ?? [fixture];
  const sandbox = createSandbox({ files, onHostCall: router.onHostCall, cellTimeoutMs: 10_000 });
  cleanups.push(() => sandbox.close());
  await sandbox.load();
  const log = join(dir, `run-${Math.random().toString(36).slice(2)}.jsonl`);
  const progress: string[] = [];
  const result = await runRecursiveAnalysis({
    sandbox,
    router,
    focus: opts.focus,
    logPath: log,
    onProgress: (l) => progress.push(l),
    models: { root, sub },
    createChildSandbox: (onHostCall) => createSandbox({ files, onHostCall, cellTimeoutMs: 10_000 }),
    config: { provider: 'openai', model: root.modelId, subModel: sub.modelId, ...opts.config },
  });
  const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { result, root: rootLog, sub: subLog, events, progress };
}

const lastUser = (req: ScriptedRequest) => req.messages.at(-1)!.content;
const done = cell(`await submit({ summary: 'none', findings: [] });`);

describe('loop with in-process models', () => {
  it('reports a provider warning to the user once and to the run log every time', async () => {
    const sub = new MockLanguageModel({
      modelId: 'sub-model',
      doGenerate: {
        text: '{"ok": true}',
        warnings: [{ type: 'unsupported-setting', setting: 'structured output', details: 'the server rejected json_schema replies' }],
      },
    });
    const run = await runLoop({
      root: turns(cell(`const r = await llmBatch(['a', 'b', 'c'], { schema: { type: 'object' } }); print(r.length);`), done),
      sub,
    });
    expect(sub.calls).toHaveLength(3);
    expect(run.progress.filter((l) => l.includes('not applied'))).toEqual(['warning: sub-model: structured output not applied: the server rejected json_schema replies']);
    expect(run.events.filter((e) => e.ev === 'warning')).toHaveLength(3);
    expect(run.result.warnings).toHaveLength(1);
  });

  it('tells the model its reasoning used up the output limit, instead of "your reply was empty"', async () => {
    const run = await runLoop({
      root: turns({ text: cell('print(1)'), reasoningTokens: 50_000 }, cell('print(traces.length)'), done),
      config: { maxOutputTokens: 2000 },
    });
    const fed = lastUser(run.root[1]!);
    expect(fed).toContain('Your reply hit the output limit (2000 tokens, 2000 of them spent reasoning) before any text came out');
    expect(fed).not.toContain('empty');
    expect(run.events.find((e) => e.ev === 'turn')).toMatchObject({ finishReason: 'length', reasoningTokens: 2000 });
  });

  it('says a cell cut off by the output limit was cut off by the limit', async () => {
    const run = await runLoop({ root: turns('```js\nprint(1);\n' + '// pad\n'.repeat(400), cell('print(traces.length)'), done), config: { maxOutputTokens: 300 } });
    expect(lastUser(run.root[1]!)).toContain('hit the output limit (300 tokens) inside a ```js cell');
  });

  it("sends a reasoning model's reasoning back with its reply on every later turn", async () => {
    const root = new MockLanguageModel({
      modelId: 'root-model',
      doGenerate: (req, i) => (i === 0 ? { text: cell('print(traces.length)'), reasoning: [{ type: 'reasoning', id: 'rs_0', encrypted_content: 'enc:0' }] } : done),
    });
    await runLoop({ root });
    expect(root.calls[1]!.messages[1]).toMatchObject({ role: 'assistant', reasoning: [{ id: 'rs_0', encrypted_content: 'enc:0' }] });
  });

  it('grows the prompt by at most one capped cell output per turn over 20 turns', async () => {
    const prompts: number[] = [];
    const root: Script = (req) => {
      prompts.push(req.system.length + req.messages.reduce((n, m) => n + m.content.length, 0));
      return /out of budget/.test(lastUser(req)) ? done : cell(`print(JSON.stringify(traces).repeat(20));`);
    };
    const run = await runLoop({ root, config: { outputLimit: 4000 } });
    expect(run.root).toHaveLength(21); // 20 turns and the closing request
    const reply = cell(`print(JSON.stringify(traces).repeat(20));`).length;
    for (let i = 1; i < prompts.length; i++) expect(prompts[i]! - prompts[i - 1]!).toBeLessThan(reply + 4000 + 1000);
    expect(run.result.partial).toBe(true);
  });
});

describe('packing several traces per sub-call', () => {
  it('states the sub-call caps and how many rendered traces fit per call, from the run\'s limits', async () => {
    const run = await runLoop({ root: turns(cell('print(1)'), done), config: { limits: { maxPromptChars: 50_000 }, subMaxOutputTokens: 2000 } });
    const system = run.root[0]!.system;
    expect(system).toContain('up to 50,000 characters; each reply up to 2,000 tokens; 200 sub-calls in all');
    expect(system).toContain('about 4,000 characters by default, so one sub-call fits about 12 rendered traces');
    // The example code packs traces per call with a number that is a JS literal, and groups by an enum.
    expect(system).toMatch(/i \+= 32\) chunks\.push/);
    expect(system).toContain("enum: CAUSES");
    expect(system).not.toMatch(/\{\{\w+\}\}/);
  });

  it('takes per-item data in llmBatch, each item\'s material delimited in its own sub-call', async () => {
    const run = await runLoop({
      root: turns(
        cell(`const r = await llmBatch([
  { prompt: 'Why did these fail?', data: traces.slice(0, 3).map((t) => render(t, { budget: 500 })).join('\\n') },
  { prompt: 'And these?', data: traces.slice(3, 6).map((t) => t.traceId) },
  'a plain prompt',
  { prompt: 'bad', extra: 1 },
]);
print(JSON.stringify(r));`),
        done,
      ),
      sub: (req) => `seen ${req.messages[0]!.content.length}`,
    });
    expect(run.sub).toHaveLength(3);
    const [first, second, third] = run.sub.map((r) => r.messages[0]!.content);
    expect(first).toMatch(/^Why did these fail\?\n\n<trace_data>[\s\S]*tr-01[\s\S]*tr-03[\s\S]*<\/trace_data>$/);
    expect(first).not.toContain('tr-04');
    expect(second).toMatch(/^And these\?\n\n<trace_data>[\s\S]*"tr-04"[\s\S]*"tr-06"/);
    expect(third).toBe('<trace_data>\na plain prompt\n</trace_data>');
    expect(lastUser(run.root[1]!)).toContain('llmBatch() item 3: ');
  });
});

describe('turn-1 prompt on the sample week', () => {
  it('stays the same size and shape (snapshot): system prompt, overview, status line', async () => {
    const week = ['coding.flat.jsonl.gz', 'research.otlp.jsonl.gz', 'support.otlp.jsonl.gz'].map((f) => join('samples/week', f));
    const run = await runLoop({ root: turns(cell('print(traces.length)'), done), files: week });
    const first = run.root[0]!;
    expect(lastUser(run.root[1]!)).toContain('3000');
    const opening = first.messages[0]!.content.replace(/\d+s left/, 'Ns left');
    expect(first.system.length + opening.length).toBeLessThan(48_000); // ≈ 12k tokens before any work
    // The shape, not the numbers: section and field lines with digits masked, list items dropped,
    // so a change to what the root is shown shows up here while a change to the sample data does not.
    const shape = opening
      .split('\n')
      .filter((l) => !l.startsWith('  '))
      .map((l) => l.replace(/\b[0-9a-f]{16,}\b/g, 'ID').replace(/\d+(\.\d+)?/g, 'N'));
    expect(shape).toMatchSnapshot();
  }, 60_000);
});
