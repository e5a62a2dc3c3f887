#!/usr/bin/env node
// Prompt caching: the same scripted 20-turn analysis of the sample week, run
// against loopback servers that report usage the way each API does (OpenAI:
// prompt_tokens with prompt_tokens_details.cached_tokens, automatic caching
// of repeated prefixes ≥ 1,024 tokens in 128-token steps; Anthropic:
// input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
// caching only up to the breakpoints a request marks), with and without
// caching, priced at list prices. The ratio is the root's input-token cost
// with caching / without, measured in one run.
// Usage: node bench/caching.mjs   (npm run bench -- caching)
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { root, tableSection, writeResultsSection } from './lib.mjs';

const dataDir = join(root, 'bench/data/caching');
mkdirSync(dataDir, { recursive: true });
const helpers = {};
for (const p of ['openai', 'anthropic']) {
  const out = join(dataDir, `loopback-${p}.mjs`);
  await build({ entryPoints: [join(root, `tests/helpers/loopback-${p}.ts`)], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  helpers[p] = await import(out);
}
if (!existsSync(join(root, 'dist/internal.js'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const { createSandbox, createHostRouter, runRecursiveAnalysis } = await import(new URL('../dist/internal.js', import.meta.url).href);

const week = ['coding.flat.jsonl.gz', 'research.otlp.jsonl.gz', 'support.otlp.jsonl.gz'].map((f) => join(root, 'samples/week', f));

// What an analyst writes over 20 turns: counts, groupings, a sample read, a sub-call fan-out.
const CELLS = [
  'print(traces.length, meta.agents.map((a) => a.name))',
  'const failed = traces.filter((t) => t.status === "error" || t.outcome?.success === false); print(failed.length)',
  'const byAgent = {}; for (const t of failed) byAgent[t.agentName] = (byAgent[t.agentName] ?? 0) + 1; print(byAgent)',
  'print(meta.errors.slice(0, 10))',
  'print(render(failed[0], { budget: 3000 }))',
  'const tools = {}; for (const t of failed) for (const s of t.spans) if (s.tool && s.status === "error") tools[s.tool.name] = (tools[s.tool.name] ?? 0) + 1; print(tools)',
  'const packed = []; for (let i = 0; i < 40; i += 8) packed.push(failed.slice(i, i + 8).map((t) => render(t, { budget: 2500 })).join("\\n---\\n")); const v = await llmBatch(packed.map(() => "Classify each run\'s failure."), { schema: { type: "object", properties: { cause: { type: "string", enum: ["tool_error", "timeout", "wrong_answer", "other"] } }, required: ["cause"] } }); print(v)',
  'print(render(failed[3], { budget: 3000 }))',
  'const slow = [...traces].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10).map((t) => [t.traceId, t.agentName, t.durationMs]); print(slow)',
  'print(detect.retries(traces).map((f) => [f.title, f.data.traceIds.length]))',
  'print(detect.repeatedCalls(traces).map((f) => [f.title, f.data.traceIds.length]))',
  'print(render(failed[7], { budget: 3000 }))',
  'const msgs = {}; for (const t of failed) for (const s of t.spans) if (s.error) { const k = s.error.message.slice(0, 60); msgs[k] = (msgs[k] ?? 0) + 1; } print(Object.entries(msgs).sort((a, b) => b[1] - a[1]).slice(0, 15))',
  'print(meta.outcomes, meta.tools.slice(0, 8))',
  'print(render(failed[11], { budget: 3000 }))',
  'print(detect.silentFailures(traces).map((f) => [f.title, f.data.traceIds.length]))',
  'const costly = [...traces].sort((a, b) => b.costUsd - a.costUsd).slice(0, 10).map((t) => [t.traceId, t.costUsd]); print(costly)',
  'print(render(failed[15], { budget: 3000 }))',
  'print(failed.slice(0, 20).map((t) => [t.traceId, t.spans.length, t.status]))',
];
const prose = 'Looking at the data next: I will count first, then read a few runs, and group what I find before deciding on findings. '.repeat(3);
const rootScript = (req) => {
  if (req.model === 'sub-model') return '{"cause": "tool_error"}';
  const turn = req.messages.filter((m) => m.role === 'assistant').length;
  if (/out of budget/.test(req.messages.at(-1).content) || turn >= CELLS.length) return `${prose}\n\n\`\`\`js\nawait submit({ summary: 'bench', findings: [] })\n\`\`\`\n`;
  return `${prose}\n\n\`\`\`js\n${CELLS[turn]}\n\`\`\`\n`;
};

const MODELS = { openai: { model: 'gpt-4.1', subModel: 'gpt-4.1-mini' }, anthropic: { model: 'claude-sonnet-4-5', subModel: 'claude-haiku-4-5' } };

async function run(provider, opts) {
  const server = await helpers[provider][provider === 'openai' ? 'startOpenAIServer' : 'startAnthropicServer'](
    (req) => rootScript({ ...req, model: req.model === MODELS[provider].subModel ? 'sub-model' : req.model }),
    opts.expireEvery ? { rate: 0, kinds: [], cacheExpiresEvery: opts.expireEvery } : undefined,
  );
  const router = createHostRouter();
  const sandbox = createSandbox({ files: week, onHostCall: router.onHostCall });
  const log = join(dataDir, `${provider}-${opts.label}.jsonl`);
  rmSync(log, { force: true });
  try {
    await sandbox.load();
    const result = await runRecursiveAnalysis({
      sandbox,
      router,
      logPath: log,
      config: { provider, ...MODELS[provider], baseUrl: server.baseURL, maxTurns: 20, ...opts.config },
    });
    const turns = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.ev === 'turn');
    const rootIn = turns.reduce((n, e) => n + e.inputTokens, 0);
    const rootCached = turns.reduce((n, e) => n + (e.cachedInputTokens ?? 0), 0);
    const rootWrite = turns.reduce((n, e) => n + (e.cacheWriteTokens ?? 0), 0);
    const rootOut = turns.reduce((n, e) => n + e.outputTokens, 0);
    return { result, turns: turns.length, rootIn, rootCached, rootWrite, rootOut };
  } finally {
    await sandbox.close();
    await server.close();
  }
}

const price = {
  'gpt-4.1': { input: 2, cached: 0.5, output: 8 },
  'claude-sonnet-4-5': { input: 3, cached: 0.3, write: 3.75, output: 15 },
};
const inputCost = (model, r) => {
  const p = price[model];
  return ((r.rootIn - r.rootCached - r.rootWrite) * p.input + r.rootCached * p.cached + r.rootWrite * (p.write ?? p.input)) / 1e6;
};
const fullInputCost = (model, r) => (r.rootIn * price[model].input) / 1e6;

const rows = [];
const summary = {};
for (const provider of ['anthropic', 'openai']) {
  const model = MODELS[provider].model;
  console.error(`bench caching: ${provider}, caching on…`);
  const on = await run(provider, { label: 'on', config: {} });
  // Without caching: Anthropic with no breakpoints; OpenAI caches by itself, so
  // "without" is the same tokens priced as if nothing were cached (what the
  // engine counted before cached usage was read).
  console.error(`bench caching: ${provider}, caching off…`);
  const off = provider === 'anthropic' ? await run(provider, { label: 'off', config: { promptCaching: false } }) : on;
  const costOn = inputCost(model, on);
  const costOff = provider === 'anthropic' ? inputCost(model, off) : fullInputCost(model, on);
  const ratio = costOn / costOff;
  summary[provider] = { model, on, off, costOn, costOff, ratio };
  const k = (n) => `${(n / 1000).toFixed(1)}k`;
  // Cache expiry modelled: 1 root turn in 4 comes after a pause of more than 5 minutes (a long cell, a child analysis).
  console.error(`bench caching: ${provider}, caching on, 1 turn in 4 after the 5-minute cache expired…`);
  const expired = await run(provider, { label: 'expiry', config: {}, expireEvery: 4 });
  const expiredRatio = inputCost(model, expired) / costOff;
  let expired5m = null;
  if (provider === 'anthropic') {
    console.error(`bench caching: ${provider}, the same with a 5-minute system-prompt cache…`);
    const r5 = await run(provider, { label: 'expiry-5m', config: { promptCacheTtl: '5m' }, expireEvery: 4 });
    expired5m = inputCost(model, r5) / costOff;
  }
  summary[provider].expiredRatio = expiredRatio;
  summary[provider].expired5mRatio = expired5m;
  rows.push(
    [`${provider} ${model}: root turns`, `${on.turns} (same script both ways)`],
    [
      `**${provider}: input cost with / without caching, 1 root turn in 4 after the cache expired**`,
      provider === 'anthropic'
        ? `**${expiredRatio.toFixed(3)}×** with the 1-hour TTL on the system prompt; ${expired5m.toFixed(3)}× with the 5-minute TTL`
        : `**${expiredRatio.toFixed(3)}×** (OpenAI's automatic cache, prompt_cache_key per loop)`,
    ],
    [`${provider}: root input tokens`, `${k(on.rootIn)} with caching (${k(on.rootCached)} read from cache, ${k(on.rootWrite)} written); ${k(off.rootIn)} without`],
    [`${provider}: root input-token cost at list prices`, `$${costOn.toFixed(4)} with caching; $${costOff.toFixed(4)} without`],
    [`**${provider}: input cost with / without caching**`, `**${ratio.toFixed(3)}×**`],
    [`${provider}: whole run as the engine priced it (root + sub-calls, in + out)`, `$${on.result.usage.costUsd.toFixed(4)} (uncached input $${on.result.usage.cost.input.toFixed(4)}, cache reads + writes $${on.result.usage.cost.cachedInput.toFixed(4)}, output $${on.result.usage.cost.output.toFixed(4)})`],
  );
}
const section = tableSection(
  'Prompt caching',
  `\`node bench/caching.mjs\`, ${new Date().toISOString().slice(0, 10)}, ${process.version}. The same scripted 20-turn analysis of the sample week (3,000 traces; 19 analysis cells, then a submission), real sandbox, real SDKs, loopback servers reporting usage the way each API does (tokens = characters / 4). Anthropic: breakpoints on the system prompt and the newest message vs none. OpenAI caches repeated prefixes by itself: "without" prices the same tokens as if none were cached, which is what the engine counted before it read cached usage. List prices per 1M tokens: gpt-4.1 $2 in / $0.50 cached; claude-sonnet-4-5 $3 in / $0.30 cache read / $3.75 cache write (the loopback reports writes as one kind, so the system prompt's one hour-long write is priced at this rate, not $6: at most one write per hour is underpriced). Expiry modelled: before every 4th root turn the loopback drops 5-minute cache entries (a pause of more than 5 minutes); hour-long ones stay.`,
  rows,
);
console.log(section);
console.error(`bench caching: updated ${writeResultsSection('Prompt caching', section)}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(summary).map(([p, s]) => [p, { ratio: s.ratio, rootIn: s.on.rootIn, rootOut: s.on.rootOut, costUsd: s.on.result.usage.costUsd }]))));
