// Reasoning models over the wire, with the real openai SDK and loopback
// servers: which models reason, the reasoning summary that keeps a long
// think's stream alive, the idle timeout they get, the token field reasoning
// models need on compatible endpoints (Azure), and --api as a flag.
import { describe, expect, it } from 'vitest';
import { createProvider } from '../src/providers/index.ts';
import { idleTimeoutFor, isReasoningModel, REASONING_IDLE_TIMEOUT_MS } from '../src/providers/openai-responses.ts';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../src/providers/sdk-options.ts';
import { startResponsesServer } from './helpers/loopback-responses.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import { analyzeFlags } from './helpers/flags.ts';
import { UsageError } from '../src/errors.ts';

describe('which models reason', () => {
  it('knows o-series and gpt-5 models reason, and gpt-5-chat-latest does not', () => {
    for (const m of ['o3', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5.1', 'gpt-5-pro', 'openai/o3']) expect(isReasoningModel(m), m).toBe(true);
    for (const m of ['gpt-5-chat-latest', 'gpt-4.1', 'gpt-4o', 'claude-sonnet-4-5']) expect(isReasoningModel(m), m).toBe(false);
  });

  it('gives reasoning models an idle timeout of at least 10 minutes', () => {
    expect(idleTimeoutFor('o3', undefined)).toBe(REASONING_IDLE_TIMEOUT_MS);
    expect(idleTimeoutFor('o3', 30_000)).toBe(REASONING_IDLE_TIMEOUT_MS);
    expect(idleTimeoutFor('o3', 20 * 60_000)).toBe(20 * 60_000);
    expect(idleTimeoutFor('gpt-4.1', undefined)).toBe(DEFAULT_IDLE_TIMEOUT_MS);
  });
});

describe('over the wire', () => {
  it('asks a reasoning model for its reasoning summary (the stream stays alive while it thinks), and sends gpt-5-chat-latest no reasoning options', async () => {
    const server = await startResponsesServer(() => ({ text: 'ok', reasoningTokens: 50 }));
    try {
      const o3 = createProvider({ provider: 'openai', api: 'responses', model: 'o3', baseURL: server.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
      await o3.generate({ messages: [{ role: 'user', content: 'hi' }], reasoningEffort: 'high' });
      const chat = createProvider({ provider: 'openai', api: 'responses', model: 'gpt-5-chat-latest', baseURL: server.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
      await chat.generate({ messages: [{ role: 'user', content: 'hi' }] });
      expect(server.received[0]!.body.reasoning).toEqual({ summary: 'auto', effort: 'high' });
      expect(server.received[1]!.body.reasoning).toBeUndefined();
      expect(server.received[1]!.body.include).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('sends a reasoning model on a compatible endpoint (Azure) max_completion_tokens, other models max_tokens', async () => {
    const server = await startOpenAIServer(() => 'ok');
    try {
      for (const model of ['o3', 'llama-3']) {
        const m = createProvider({ provider: 'openai', api: 'chat', model, baseURL: server.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
        await m.generate({ messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 100 });
      }
      expect(server.received[0]!.body).toMatchObject({ max_completion_tokens: 100 });
      expect(server.received[0]!.body.max_tokens).toBeUndefined();
      expect(server.received[1]!.body).toMatchObject({ max_tokens: 100 });
    } finally {
      await server.close();
    }
  });
});

describe('--api', () => {
  it('is a flag, and an API the provider does not speak is a usage error', () => {
    expect(analyzeFlags(['--api', 'responses']).model).toMatchObject({ api: 'responses' });
    expect(analyzeFlags(['--api', 'messages']).model).toMatchObject({ api: 'messages' });
    expect(() => analyzeFlags(['--api', 'grpc'])).toThrow(/--api/);
    expect(() => createProvider({ provider: 'anthropic', api: 'chat', model: 'claude-sonnet-4-5', apiKey: 'k' })).toThrow(UsageError);
    expect(() => createProvider({ provider: 'openai', api: 'messages', model: 'gpt-4.1', apiKey: 'k' })).toThrow(/Anthropic's API/);
  });
});

describe('prompt caching requests', () => {
  it('caches the stable system prompt for an hour on Anthropic (the newest message keeps 5 minutes), and prices hour-long writes at 2× input', async () => {
    const { startAnthropicServer } = await import('./helpers/loopback-anthropic.ts');
    const { anthropicUsage } = await import('../src/providers/anthropic.ts');
    const { costParts } = await import('../src/providers/prices.ts');
    const server = await startAnthropicServer(() => 'ok');
    try {
      const m = createProvider({ provider: 'anthropic', model: 'claude-sonnet-4-5', baseURL: server.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
      await m.generate({ system: 'stable instructions', messages: [{ role: 'user', content: 'hi' }], cache: true });
      const body = server.received[0]!.body;
      expect(body.system[0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
      expect(body.messages.at(-1).content[0].cache_control).toEqual({ type: 'ephemeral' });
    } finally {
      await server.close();
    }
    const usage = anthropicUsage({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 1_000_000, cache_creation: { ephemeral_1h_input_tokens: 600_000, ephemeral_5m_input_tokens: 400_000 } } as never);
    expect(usage.cacheWrite1hTokens).toBe(600_000);
    // claude-sonnet-4-5: $3 input; 400k at 1.25× + 600k at 2×.
    expect(costParts('claude-sonnet-4-5', usage)!.cacheWrite).toBeCloseTo(0.4 * 3.75 + 0.6 * 6, 6);
  });

  it('sends OpenAI a prompt_cache_key per loop, on Chat Completions and Responses', async () => {
    const chat = await startOpenAIServer(() => 'ok');
    const responses = await startResponsesServer(() => 'ok');
    try {
      await createProvider({ provider: 'openai', api: 'chat', model: 'gpt-4.1', baseURL: chat.baseURL, apiKey: 'k' }).generate({ messages: [{ role: 'user', content: 'x' }], cacheKey: 'halo-ab12-root' });
      await createProvider({ provider: 'openai', api: 'responses', model: 'gpt-4.1', baseURL: responses.baseURL, apiKey: 'k' }).generate({ messages: [{ role: 'user', content: 'x' }], cacheKey: 'halo-ab12-root.1' });
      expect(chat.received[0]!.body.prompt_cache_key).toBe('halo-ab12-root');
      expect(responses.received[0]!.body.prompt_cache_key).toBe('halo-ab12-root.1');
    } finally {
      await chat.close();
      await responses.close();
    }
  });
});

describe('defaults that leave room for reasoning', () => {
  it("raises a reasoning model's output cap to 32k unless the user set one, and --estimate counts its reasoning tokens", async () => {
    const { parseRlmConfig } = await import('../src/rlm/config.ts');
    const { estimateRun, REASONING_TOKENS_PER_TURN } = await import('../src/rlm/estimate.ts');
    const env = { OPENAI_API_KEY: 'k' };
    expect(parseRlmConfig({ provider: 'openai', model: 'o3' }, env).maxOutputTokens).toBe(32_000);
    expect(parseRlmConfig({ provider: 'openai', model: 'o3', maxOutputTokens: 5000 }, env).maxOutputTokens).toBe(5000);
    expect(parseRlmConfig({ provider: 'openai', model: 'gpt-4.1' }, env).maxOutputTokens).toBe(8192);
    const base = { systemChars: 8000, openingChars: 4000, limits: parseRlmConfig({ provider: 'openai', model: 'o3' }, env).limits, outputLimit: 12_000, subModel: 'gpt-5-mini', provider: 'openai' as const };
    const o3 = estimateRun({ ...base, rootModel: 'o3' });
    const plain = estimateRun({ ...base, rootModel: 'gpt-4.1' });
    expect(o3.root.outputTokens - plain.root.outputTokens).toBe(base.limits.maxTurns * REASONING_TOKENS_PER_TURN);
  });
});
