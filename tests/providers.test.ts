// Providers: the real openai and Anthropic SDKs against loopback servers that
// speak each wire protocol.
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider, ProviderError, type ProviderName } from '../src/providers/index.ts';
import { backoffDelay, retryAfterMs } from '../src/providers/retry.ts';
import { costUsd, priceFor } from '../src/providers/prices.ts';
import { MockLanguageModel, openAIApiFor } from '../src/providers/index.ts';
import { startResponsesServer } from './helpers/loopback-responses.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import { startAnthropicServer } from './helpers/loopback-anthropic.ts';
import type { FaultPlan, LoopbackServer, Script } from './helpers/scripted-models.ts';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(provider: ProviderName, script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  const s = provider === 'openai' ? await startOpenAIServer(script, faults) : await startAnthropicServer(script, faults);
  servers.push(s);
  return s;
}

const fastRetry = { baseDelayMs: 5, maxDelayMs: 50 };

describe.each(['openai', 'anthropic'] as const)('%s provider', (provider) => {
  it('sends system, messages and options on the wire and reads text, usage and finish reason back', async () => {
    const server = await serve(provider, (req) => `echo: ${req.messages.at(-1)!.content}`);
    const model = createProvider({
      provider,
      model: 'test-model',
      baseURL: server.baseURL,
      apiKey: 'k-test',
      headers: { 'x-team': 'halo' },
      retry: fastRetry,
    });
    const res = await model.generate({
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'count' },
      ],
      maxOutputTokens: 321,
      temperature: 0.2,
      reasoningEffort: 'low',
      schema: { type: 'object', properties: { n: { type: 'number' } } },
    });
    expect(res.text).toBe('echo: count');
    expect(res.finishReason).toBe('stop');
    expect(res.usage.inputTokens).toBeGreaterThan(0);
    expect(res.usage.outputTokens).toBe(Math.ceil('echo: count'.length / 4));
    expect(res.attempts).toBe(1);

    const req = server.requests[0]!;
    expect(req.model).toBe('test-model');
    expect(req.system).toBe('You are terse.');
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(req.headers['x-team']).toBe('halo');
    expect(req.body.temperature).toBe(0.2);
    if (provider === 'openai') {
      expect(req.body.messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
      expect(req.body.max_tokens).toBe(321); // compatible server through baseURL
      expect(req.body.reasoning_effort).toBe('low');
      expect(req.body.response_format.type).toBe('json_schema');
      expect(req.body.response_format.json_schema.schema.properties.n.type).toBe('number');
      expect(req.headers.authorization).toBe('Bearer k-test');
    } else {
      expect(req.body.max_tokens).toBe(321);
      // Strict, as the API requires: the SDK's schema transform adds additionalProperties: false.
      expect(req.body.output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema: { type: 'object', properties: { n: { type: 'number' } }, additionalProperties: false } } });
      // This SDK version sends the key as a bearer token; older ones used x-api-key.
      expect(req.headers['x-api-key'] ?? req.headers.authorization).toMatch(/^(Bearer )?k-test$/);
    }
  });

  it('retries a 429, honoring retry-after-ms, and a 500, then succeeds', async () => {
    let n = 0;
    const server = await serve(provider, () => {
      n++;
      if (n === 1) return { error: { status: 429, message: 'slow down', headers: { 'retry-after-ms': '30' } } };
      if (n === 2) return { error: { status: provider === 'anthropic' ? 529 : 503, message: 'overloaded' } };
      return 'fine';
    });
    const retries: number[] = [];
    const model = createProvider({
      provider,
      model: 'm',
      baseURL: server.baseURL,
      retry: { ...fastRetry, maxDelayMs: 1000, onRetry: (r) => retries.push(r.delayMs) },
    });
    const res = await model.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(res.text).toBe('fine');
    expect(res.attempts).toBe(3);
    expect(server.received).toHaveLength(3); // the SDK's own retries are off: every attempt is ours
    expect(retries[0]).toBe(30);
  });

  it('retries a request that times out', async () => {
    // Only the first reply is late; the timeout leaves a loaded machine room to answer the retry (a retry that also
    // timed out would come back 'on time' on a third attempt: the count says the late one was abandoned, not how fast).
    const server = await serve(provider, (req) => (req.index === 0 ? { text: 'late', delayMs: 8000 } : 'on time'));
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, timeoutMs: 1500, retry: fastRetry });
    const res = await model.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(res.text).toBe('on time');
    expect(res.attempts).toBeGreaterThanOrEqual(2);
    expect(server.received.length).toBe(res.attempts);
  });

  it('does not retry a 400 and reports provider, model and status', async () => {
    const server = await serve(provider, () => ({ error: { status: 400, message: 'context too long' } }));
    const model = createProvider({ provider, model: 'm-1', baseURL: server.baseURL, retry: fastRetry });
    const err = await model.generate({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain(`${provider} m-1: HTTP 400`);
    expect(err.message).toContain('context too long');
    expect(server.received).toHaveLength(1);
  });

  it('gives up after maxRetries on persistent 500s', async () => {
    const server = await serve(provider, () => ({ error: { status: 500, message: 'down' } }));
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, retry: { ...fastRetry, maxRetries: 2 } });
    const err = await model.generate({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.attempts).toBe(3);
    expect(server.received).toHaveLength(3);
  });

  it('falls back to a prompt-only schema when the server does not support structured output', async () => {
    const field = provider === 'openai' ? 'response_format' : 'output_config';
    const server = await serve(provider, (req) =>
      req.body[field] ? { error: { status: 400, message: `${field}.json_schema is not supported by this model` } } : '{"n": 1}',
    );
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, retry: fastRetry });
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    expect((await model.generate({ messages: [{ role: 'user', content: 'x' }], schema })).text).toBe('{"n": 1}');
    expect((await model.generate({ messages: [{ role: 'user', content: 'y' }], schema })).text).toBe('{"n": 1}');
    // Asked once with the feature; every later request goes without it.
    expect(server.received.map((r) => Boolean(r.body[field]))).toEqual([true, false, false]);
  });

  it.runIf(provider === 'anthropic')('falls back per schema, not per run: a schema the API rejects goes in the prompt, the others keep structured output', async () => {
    const field = 'output_config';
    const sent = (b: Record<string, any>) => JSON.stringify(b[field] ?? '');
    const server = await serve(provider, (req) => (sent(req.body).includes('odd_feature') ? { error: { status: 400, message: `${field}: json_schema uses an unsupported schema feature` } } : '{"n": 1}'));
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, retry: fastRetry });
    const odd = { type: 'object', properties: { odd_feature: { type: 'number' } } };
    const plain = { type: 'object', properties: { n: { type: 'number' } } };
    await model.generate({ messages: [{ role: 'user', content: 'a' }], schema: odd });
    await model.generate({ messages: [{ role: 'user', content: 'b' }], schema: plain });
    await model.generate({ messages: [{ role: 'user', content: 'c' }], schema: odd });
    // odd (rejected, then resent without), plain (structured), odd again (straight to the prompt).
    expect(server.received.map((r) => Boolean(r.body[field]?.format))).toEqual([true, false, true, false]);
  });

  it('reports a refusal', async () => {
    const server = await serve(provider, () => ({ text: '', refusal: 'I cannot help with that.' }));
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL });
    const res = await model.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(res.finishReason).toBe('refusal');
    expect(res.refusal).toBeTruthy();
  });

  it('survives 30% injected 429/500/timeouts with the same answers as a clean run', async () => {
    const script: Script = (req) => `answer to ${req.messages[0]!.content}`;
    const server = await serve(provider, script, { rate: 0.3, kinds: ['429', '500', 'timeout'], seed: 3 });
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, timeoutMs: 1000, retry: { ...fastRetry, maxRetries: 8 } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => model.generate({ messages: [{ role: 'user', content: `q${i}` }] }).then((r) => r.text)),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `answer to q${i}`));
    expect(server.faults.length).toBeGreaterThan(0);
    expect(new Set(server.faults.map((f) => f.kind)).size).toBeGreaterThan(1);
  });

  it('says so in a warning when structured output is off, and only for requests that carry a schema', async () => {
    const field = provider === 'openai' ? 'response_format' : 'output_config';
    const server = await serve(provider, (req) => (req.body[field]?.format || req.body[field]?.json_schema ? { error: { status: 400, message: 'json_schema is not supported' } } : '{"n": 1}'));
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, retry: fastRetry });
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    const first = await model.generate({ messages: [{ role: 'user', content: 'x' }], schema });
    expect(first.warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', setting: 'structured output' })]);
    expect((await model.generate({ messages: [{ role: 'user', content: 'y' }], schema })).warnings).toHaveLength(1);
    expect((await model.generate({ messages: [{ role: 'user', content: 'z' }] })).warnings).toBeUndefined();
  });

  const SLOW = 'a long reply arriving piece by piece';
  it('streams the reply and waits as long as pieces keep coming, but retries a stream that goes idle', async () => {
    const server = await serve(provider, (req) =>
      req.messages[0]!.content === 'slow'
        ? { text: SLOW, chunkDelayMs: 250 }
        : req.index === 1
          ? { text: 'stalls after its first piece', stallMs: 5000 }
          : 'after the stall',
    );
    // Each pause is a sixth of the idle timeout, so a loaded machine's pauses do not look like a stall; the events
    // (seven or more) take longer in all than the timeout.
    const model = createProvider({ provider, model: 'm', baseURL: server.baseURL, timeoutMs: 1500, retry: fastRetry });
    const slow = await model.generate({ messages: [{ role: 'user', content: 'slow' }] });
    // Longer in total than the idle timeout, never idle that long: one attempt.
    expect(slow.text).toBe(SLOW);
    expect(slow.attempts).toBe(1);
    expect(server.received[0]!.body.stream).toBe(true);
    const stalled = await model.generate({ messages: [{ role: 'user', content: 'stall' }] });
    expect(stalled.text).toBe('after the stall');
    expect(stalled.attempts).toBe(2);
  });

  it('reads cached input tokens from usage and prices them at the cached rate', async () => {
    const server = await serve(provider, () => 'ok');
    const model = createProvider({ provider, model: provider === 'openai' ? 'gpt-4.1' : 'claude-sonnet-4-5', baseURL: server.baseURL, retry: fastRetry });
    const system = 'You are Halo. '.repeat(800); // ~2.8k tokens of stable prefix
    const history = [
      { role: 'user' as const, content: 'turn one: ' + 'data '.repeat(400) },
      { role: 'assistant' as const, content: 'reply one' },
    ];
    const one = await model.generate({ system, messages: history.slice(0, 1), cache: true });
    const two = await model.generate({ system, messages: [...history, { role: 'user', content: 'turn two' }], cache: true });
    expect(one.usage.cachedInputTokens ?? 0).toBe(0);
    expect(two.usage.cachedInputTokens).toBeGreaterThan(2500);
    expect(two.usage.cachedInputTokens).toBeLessThanOrEqual(two.usage.inputTokens);
    if (provider === 'openai') {
      expect(two.usage.cachedInputTokens! % 128).toBe(0); // OpenAI reports hits in 128-token steps
    } else {
      // Breakpoints on the system prompt and the last message; the first request wrote the prefix.
      expect(server.received[1]!.body.system[0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
      expect(server.received[1]!.body.messages.at(-1).content[0].cache_control).toEqual({ type: 'ephemeral' });
      expect(one.usage.cacheWriteTokens).toBeGreaterThan(2500);
      expect(one.usage.inputTokens).toBeGreaterThanOrEqual(one.usage.cacheWriteTokens!);
    }
    const full = costUsd(model.modelId, { inputTokens: two.usage.inputTokens, outputTokens: two.usage.outputTokens });
    expect(costUsd(model.modelId, two.usage)).toBeLessThan(full * 0.5);
  });
});

describe('anthropic prompt caching', () => {
  it('marks no breakpoints on one-off requests (sub-calls), so nothing is written to the cache at a premium', async () => {
    const server = await serve('anthropic', () => 'ok');
    const model = createProvider({ provider: 'anthropic', model: 'claude-haiku-4-5', baseURL: server.baseURL, retry: fastRetry });
    const res = await model.generate({ system: 'S '.repeat(3000), messages: [{ role: 'user', content: 'q' }] });
    expect(typeof server.received[0]!.body.system).toBe('string');
    expect(res.usage.cacheWriteTokens).toBeUndefined();
  });
});

describe('openai responses API (reasoning models)', () => {
  async function serveResponses(script: Script) {
    const s = await startResponsesServer(script);
    servers.push(s);
    return s;
  }

  it('is chosen for reasoning models on OpenAI\'s endpoint; chat completions for compatible servers; overridable', () => {
    expect(openAIApiFor('gpt-5-mini', undefined)).toBe('responses');
    expect(openAIApiFor('o4-mini', 'https://api.openai.com/v1')).toBe('responses');
    expect(openAIApiFor('gpt-4.1', undefined)).toBe('chat');
    expect(openAIApiFor('gpt-5-mini', 'http://127.0.0.1:8000/v1')).toBe('chat');
    expect(openAIApiFor('gpt-4.1', 'http://127.0.0.1:8000/v1', 'responses')).toBe('responses');
  });

  it('sets reasoning effort, keeps nothing server-side, and carries reasoning items to the next turn', async () => {
    const server = await serveResponses((req) => ({ text: `answer ${req.index}`, reasoningTokens: 50 }));
    const model = createProvider({ provider: 'openai', model: 'gpt-5-mini', baseURL: server.baseURL, api: 'responses', retry: fastRetry });
    const one = await model.generate({ system: 'sys', messages: [{ role: 'user', content: 'q1' }], reasoningEffort: 'high', maxOutputTokens: 1000, temperature: 0.3 });
    expect(one.text).toBe('answer 0');
    expect(one.usage.reasoningTokens).toBe(50);
    expect(one.reasoning).toEqual([expect.objectContaining({ type: 'reasoning', encrypted_content: 'enc:0' })]);
    // Reasoning models take no temperature: dropped, and said so.
    expect(one.warnings).toEqual([expect.objectContaining({ setting: 'temperature' })]);
    const body = server.received[0]!.body;
    expect(body).toMatchObject({ model: 'gpt-5-mini', instructions: 'sys', store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'high' }, max_output_tokens: 1000, stream: true });
    expect(body.temperature).toBeUndefined();

    await model.generate({
      system: 'sys',
      messages: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: one.text, reasoning: one.reasoning },
        { role: 'user', content: 'q2' },
      ],
    });
    const input = server.received[1]!.body.input as { type?: string; role?: string; encrypted_content?: string }[];
    expect(input.map((i) => i.type ?? i.role)).toEqual(['user', 'reasoning', 'assistant', 'user']);
    expect(input[1]!.encrypted_content).toBe('enc:0');
  });

  it('reports a reply whose reasoning used up the output limit as a length stop with no text', async () => {
    const server = await serveResponses(() => ({ text: 'never seen', reasoningTokens: 5000 }));
    const model = createProvider({ provider: 'openai', model: 'o4-mini', baseURL: server.baseURL, api: 'responses', retry: fastRetry });
    const res = await model.generate({ messages: [{ role: 'user', content: 'think hard' }], maxOutputTokens: 2000 });
    expect(res.finishReason).toBe('length');
    expect(res.text).toBe('');
    expect(res.usage.reasoningTokens).toBe(2000);
    expect(res.usage.outputTokens).toBe(2000);
  });

  it('reads cached input tokens from input_tokens_details', async () => {
    const server = await serveResponses(() => 'ok');
    const model = createProvider({ provider: 'openai', model: 'gpt-5', baseURL: server.baseURL, api: 'responses', retry: fastRetry });
    const system = 'stable instructions '.repeat(500);
    await model.generate({ system, messages: [{ role: 'user', content: 'a' }] });
    const two = await model.generate({ system, messages: [{ role: 'user', content: 'b' }] });
    expect(two.usage.cachedInputTokens).toBeGreaterThanOrEqual(2048);
    expect(costUsd('gpt-5', two.usage)).toBeCloseTo(((two.usage.inputTokens - two.usage.cachedInputTokens!) * 1.25 + two.usage.cachedInputTokens! * 0.125 + two.usage.outputTokens * 10) / 1e6, 10);
  });
});

describe('in-process mock model', () => {
  it('records requests, answers from a function, and stops at the output cap like a real model', async () => {
    const model = new MockLanguageModel({ modelId: 'mock', doGenerate: (req, i) => (i === 0 ? 'first' : 'x'.repeat(400)) });
    expect((await model.generate({ messages: [{ role: 'user', content: 'hello' }] })).text).toBe('first');
    const capped = await model.generate({ messages: [{ role: 'user', content: 'more' }], maxOutputTokens: 10 });
    expect(capped).toMatchObject({ text: 'x'.repeat(40), finishReason: 'length', usage: { outputTokens: 10 } });
    expect(model.calls.map((c) => c.messages[0]!.content)).toEqual(['hello', 'more']);
  });

});

describe('provider config', () => {
  it('needs an API key from the environment unless a base URL is given', () => {
    expect(() => createProvider({ provider: 'openai', model: 'gpt-4o', env: {} })).toThrow(/OPENAI_API_KEY is not set/);
    expect(() => createProvider({ provider: 'anthropic', model: 'claude-sonnet-4-5', env: {} })).toThrow(/ANTHROPIC_API_KEY is not set/);
    expect(createProvider({ provider: 'openai', model: 'gpt-4o', env: { OPENAI_API_KEY: 'sk-x' } }).modelId).toBe('gpt-4o');
  });

  it('rejects an unknown provider', () => {
    expect(() => createProvider({ provider: 'cohere' as ProviderName, model: 'x', baseURL: 'http://127.0.0.1:1' })).toThrow(/unknown provider "cohere"/);
  });
});

describe('retry policy', () => {
  it('reads retry-after as seconds, as an HTTP date, and retry-after-ms first', () => {
    const h = (o: Record<string, string>) => ({ headers: new Headers(o) });
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(h({}))).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
    expect(backoffDelay(1, new Error('x'), opts)).toBe(50);
    expect(backoffDelay(3, new Error('x'), opts)).toBe(200);
    expect(backoffDelay(10, new Error('x'), opts)).toBe(1000);
    expect(backoffDelay(1, { headers: new Headers({ 'retry-after': '60' }) }, opts)).toBe(1000);
  });
});

describe('prices', () => {
  it('prices exact names, dated snapshots and -latest aliases of them, and provider-prefixed names; never a shorter prefix', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6, cachedInput: 0.075 });
    expect(priceFor('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10, cachedInput: 1.25 });
    expect(priceFor('openai/gpt-4.1-mini')).toEqual({ input: 0.4, output: 1.6, cachedInput: 0.1 });
    expect(priceFor('claude-sonnet-4-5-20250929')).toEqual({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 });
    expect(priceFor('llama3')).toBeUndefined();
    expect(priceFor('claude-3-5-haiku-latest')).toEqual(priceFor('claude-3-5-haiku'));
    // A longer name is another model, not a snapshot: the pro models cost 10-12× their base model.
    expect(priceFor('gpt-5-pro')).toMatchObject({ input: 15, output: 120 });
    expect(priceFor('gpt-5-pro-2025-10-06')).toMatchObject({ input: 15, output: 120 });
    expect(priceFor('o3-pro')).toMatchObject({ input: 20, output: 80 });
    expect(priceFor('claude-opus-4-6')).toMatchObject({ input: 5, output: 25 });
    expect(priceFor('claude-opus-4-7-20260101')).toMatchObject({ input: 5, output: 25 });
    expect(priceFor('gpt-5-codex-turbo')).toBeUndefined();
    expect(priceFor('gpt-4o-audio-preview')).toBeUndefined();
  });

  it('computes cost per call and honors overrides', () => {
    expect(costUsd('gpt-4o', { inputTokens: 1_000_000, outputTokens: 100_000 })).toBeCloseTo(3.5);
    expect(costUsd('llama3', { inputTokens: 1_000_000, outputTokens: 0 }, { llama3: { input: 0.2, output: 0.2 } })).toBeCloseTo(0.2);
    expect(costUsd('llama3', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(0);
  });
});
