import { describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../src/config/index.ts';
import { modelConfigFrom } from '../src/config/apply.ts';
import { parseRlmConfig } from '../src/rlm/config.ts';

const good = {
  provider: { name: 'openai', model: 'gpt-4.1', subModel: 'gpt-4.1-mini' },
  budgets: { maxUsd: 5, maxTurns: 20 },
  inputs: ['traces/*.jsonl'],
  window: '7d',
  schedules: [
    { name: 'reliability', cron: '0 * * * *', window: '1h', prompt: 'tool failures', export: ['github'] },
    { name: 'cost', cron: '0 6 * * *', window: '24h', prompt: 'cost regressions' },
  ],
  exports: { github: { repo: 'acme/agents', minSeverity: 'high', top: 5 } },
};

function errorOf(value: unknown): string {
  try {
    parseConfig(JSON.stringify(value, null, 2));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('halo.config.json', () => {
  it('accepts a full config', () => {
    const c = parseConfig(JSON.stringify(good));
    expect(c.schedules?.map((s) => s.name)).toEqual(['reliability', 'cost']);
    expect(c.exports?.github?.repo).toBe('acme/agents');
  });

  it('names the path of a bad field', () => {
    expect(errorOf({ ...good, budgets: { maxUsd: -1 } })).toMatch(/^halo\.config\.json: budgets\.maxUsd: /);
    expect(errorOf({ ...good, provider: { name: 'gemini', model: 'x' } })).toMatch(/provider\.name: /);
    expect(errorOf({ ...good, exports: { github: { repo: 'not a repo' } } })).toMatch(/exports\.github\.repo: expected owner\/name/);
  });

  it('rejects unknown keys, naming them', () => {
    expect(errorOf({ ...good, provder: {} })).toMatch(/\(root\): .*provder/);
  });

  it('validates cron expressions and export references', () => {
    expect(errorOf({ ...good, schedules: [{ name: 'x', cron: 'every hour' }] })).toMatch(/schedules\[0\]\.cron: invalid cron expression "every hour"/);
    expect(errorOf({ ...good, schedules: [{ name: 'x', cron: '* * * * *', export: ['jira'] }] })).toMatch(/schedules\[0\]\.export\[0\]: "jira" has no settings/);
    expect(errorOf({ ...good, schedules: [good.schedules[1], good.schedules[1]] })).toMatch(/schedules\[1\]\.name: duplicate/);
  });

  it('a provider without a model gets that provider\'s documented default models', () => {
    const noKeys = { OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined };
    const anthropic = parseRlmConfig(modelConfigFrom(parseConfig(JSON.stringify({ provider: { name: 'anthropic' } }))), noKeys);
    expect([anthropic.provider, anthropic.model, anthropic.subModel]).toEqual(['anthropic', 'claude-sonnet-4-5', 'claude-haiku-4-5']);
    const openai = parseRlmConfig(modelConfigFrom(parseConfig(JSON.stringify({ provider: { name: 'openai', maxOutputTokens: 2000 } }))), noKeys);
    expect([openai.provider, openai.model, openai.subModel]).toEqual(['openai', 'gpt-4.1', 'gpt-4.1-mini']);
  });

  it('a missing required key is named in words, not in zod\'s', () => {
    const msg = errorOf({ provider: { model: 'gpt-4.1' } });
    expect(msg).toBe('halo.config.json: provider.name: is required');
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(() => parseConfig('{\n  "window": "7d",\n  oops\n}')).toThrow(/^halo\.config\.json:3:3: invalid JSON/);
  });
});
