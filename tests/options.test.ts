// The option definitions (src/config/options.ts) are the one source of the
// analyze flags, the config-file keys, the library's model options and the
// engine's defaults. These tests hold the derived parts to it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { ANALYZE_OPTIONS, analyzeOptionsFrom, registerAnalyze } from '../src/cli/analyze.ts';
import { attributeOf, valueFromFlag } from '../src/cli/options.ts';
import { ANALYZE_OPTION_ORDER, checkModelOptions, configPath, MODEL_OPTIONS, RUN_OPTIONS, withDefaults, type OptionDef } from '../src/config/options.ts';
import { BudgetConfig, HaloConfig, ProviderConfig } from '../src/config/schema.ts';
import { ConfigError, parseConfig } from '../src/config/index.ts';
import { analyze } from '../src/analyze.ts';
import { parseRlmConfig } from '../src/rlm/config.ts';
import { DEFAULT_LIMITS } from '../src/rlm/budgets.ts';
import { HaloError, UsageError } from '../src/errors.ts';
import { analyzeFlags } from './helpers/flags.ts';
import { halorun } from './helpers/cli.ts';

const defs: Record<string, OptionDef> = ANALYZE_OPTIONS;

function analyzeCommand(): Command {
  const program = new Command();
  registerAnalyze(program);
  return program.commands.find((c) => c.name() === 'analyze')!;
}

function configError(value: unknown): ConfigError {
  try {
    parseConfig(JSON.stringify(value));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

async function rejection(p: Promise<unknown>): Promise<HaloError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(HaloError.isInstance(err)).toBe(true);
  return err as HaloError;
}

describe('one definition per option', () => {
  it('every flag of halo analyze is a defined option, and every defined flag is on the command', () => {
    const onCommand = analyzeCommand().options.map((o) => o.long!).sort();
    const defined = Object.values(defs)
      .flatMap((d) => (d.flag ? [new Option(d.flag).long!, ...(d.negate ? [`--no-${new Option(d.flag).long!.slice(2)}`] : [])] : []))
      .sort();
    expect(onCommand).toEqual(defined);
    // The help order names each flagged option once, so none can be left out of the command.
    const flagged = Object.keys(defs).filter((k) => defs[k]!.flag).sort();
    expect([...ANALYZE_OPTION_ORDER].sort()).toEqual(flagged);
    // Each flag reads back into the option it was generated from.
    for (const [key, d] of Object.entries(defs)) if (d.flag) expect(analyzeCommand().options.some((o) => o.attributeName() === attributeOf(d)), key).toBe(true);
  });

  it('the config file has exactly the keys the definitions place there', () => {
    const keysOf = (o: { shape: Record<string, unknown> }) => Object.keys(o.shape).sort();
    const placed = (place: string) =>
      Object.entries(defs)
        .filter(([, d]) => d.config === place)
        .map(([k, d]) => d.configKey ?? k)
        .sort();
    expect(keysOf(ProviderConfig)).toEqual(placed('provider'));
    expect(keysOf(BudgetConfig)).toEqual(placed('budgets'));
    const top = keysOf(HaloConfig).filter((k) => !['$schema', 'provider', 'budgets', 'inputs', 'redact', 'schedules', 'exports', 'signals', 'alerts'].includes(k));
    expect(top).toEqual(placed('top'));
    expect(configPath(MODEL_OPTIONS, 'provider')).toEqual(['provider', 'name']);
    expect(configPath(RUN_OPTIONS, 'redactPatterns')).toEqual(['redact', 'patterns']);
  });

  it('one wall-time name and one set of reasoning efforts, from flag to config to library', () => {
    expect(analyzeFlags(['--max-wall', '90s']).model).toEqual({ maxWall: '90s' });
    expect(parseConfig(JSON.stringify({ budgets: { maxWall: '90s' } })).budgets).toEqual({ maxWall: '90s' });
    expect(parseRlmConfig({ model: 'm', maxWall: '90s' }, {}).limits.maxWallMs).toBe(90_000);
    for (const effort of ['none', 'xhigh', 'max'] as const) {
      expect(analyzeFlags(['--reasoning-effort', effort]).model).toEqual({ reasoningEffort: effort });
      expect(parseConfig(JSON.stringify({ provider: { name: 'openai', model: 'o4-mini', reasoningEffort: effort } })).provider?.reasoningEffort).toBe(effort);
      expect(checkModelOptions({ reasoningEffort: effort })).toEqual({ reasoningEffort: effort });
    }
  });
});

describe('unknown options are rejected, naming them', () => {
  it('in halo.config.json, at the top and inside a section', () => {
    const top = configError({ windw: '7d' });
    expect(top.message).toMatch(/^halo\.config\.json: \(root\): .*windw/);
    expect(top.kind).toBe('usage');
    expect(configError({ budgets: { maxTurn: 5 } }).message).toMatch(/^halo\.config\.json: budgets: .*maxTurn/);
    expect(configError({ provider: { name: 'openai', model: 'm', maxTurns: 5 } }).message).toMatch(/provider: .*maxTurns/);
  });

  it('in the library: a top-level option of analyze() and a model option', async () => {
    const top = await rejection(analyze({ files: ['nowhere.jsonl'], modle: { model: 'm' } } as never));
    expect(top).toBeInstanceOf(UsageError);
    expect(top.message).toBe('analyze(): unknown option "modle"');
    const model = await rejection(analyze({ files: ['nowhere.jsonl'], model: { model: 'm', maxTurn: 5 } as never }));
    expect(model).toBeInstanceOf(UsageError);
    expect(model.message).toBe('model.maxTurn: unknown option');
    // The engine's own entry point checks the same way.
    expect(() => parseRlmConfig({ model: 'm', baseURL: 'http://x' } as never, {})).toThrow(/baseURL: unknown option/);
  });
});

describe('bad values are rejected, naming the option', () => {
  it('on the command line', () => {
    expect(() => analyzeFlags(['--max-turns', '0'])).toThrow(/^--max-turns: must be at least 1 \(got "0"\)$/);
    expect(() => analyzeFlags(['--max-turns', 'abc'])).toThrow(/^--max-turns: "abc" is not a number$/);
    expect(() => analyzeFlags(['--max-turns', '2.5'])).toThrow(/^--max-turns: must be a whole number/);
    expect(() => analyzeFlags(['--audit-sample', '500'])).toThrow(/^--audit-sample: must be at most 200/);
    expect(() => analyzeFlags(['--keep', '0'])).toThrow(/^--keep: must be at least 1/);
    expect(() => analyzeFlags(['--format', 'json,pdf'])).toThrow(/^--format: unknown format "pdf"/);
    expect(() => analyzeFlags(['--field', 'when=ts'])).toThrow(/--field when=ts: unknown canonical field "when"/);
    expect(() => analyzeFlags(['--reasoning-effort', 'extreme'])).toThrow(/--reasoning-effort.*'extreme' is invalid/);
    expect(() => analyzeFlags(['--max-usd', '-1'])).toThrow(UsageError);
    expect(() => analyzeFlags(['--max-usd', '-1'])).toThrow(/^--max-usd: must be more than 0/);
  });

  it('in halo.config.json', () => {
    expect(configError({ provider: { name: 'openai', model: 'm', reasoningEffort: 'extreme' } }).message).toMatch(
      /^halo\.config\.json: provider\.reasoningEffort: unknown reasoning effort "extreme" \(use none, minimal, low, medium, high, xhigh, max\)$/,
    );
    expect(configError({ budgets: { maxTurns: 0 } }).message).toBe('halo.config.json: budgets.maxTurns: must be at least 1');
    expect(configError({ budgets: { maxWall: 90 } }).message).toMatch(/^halo\.config\.json: budgets\.maxWall: must be a duration such as "30m"/);
    expect(configError({ schedules: [{ name: 'a', cron: '* * * * *', budgets: { maxUsd: 0 } }] }).message).toBe('halo.config.json: schedules[0].budgets.maxUsd: must be more than 0');
  });

  it('in the library', async () => {
    const err = await rejection(analyze({ files: ['nowhere.jsonl'], model: { reasoningEffort: 'extreme' as never } }));
    expect(err.message).toMatch(/^model\.reasoningEffort: unknown reasoning effort "extreme"/);
    expect(() => checkModelOptions({ maxTurns: 0 })).toThrow(/^model\.maxTurns: must be at least 1$/);
  });

  it('end to end: exit 2 and the option in the message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-options-'));
    const bad = halorun(dir, ['analyze', 'none.jsonl', '--max-turns', '0', '-q']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('halo analyze: --max-turns: must be at least 1 (got "0")\n');
    writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ budgets: { maxTurns: 5, maxTurn: 3 } }));
    const conf = halorun(dir, ['analyze', 'none.jsonl', '-q']);
    expect(conf.code).toBe(2);
    expect(conf.stderr).toMatch(/halo\.config\.json: budgets: .*maxTurn/);
  });
});

describe('defaults', () => {
  it('the default --help shows is the default applied', () => {
    const cmd = analyzeCommand().configureHelp({ helpWidth: 10_000 });
    const help = cmd.helpInformation();
    const applied: Record<string, unknown> = { ...withDefaults(RUN_OPTIONS, {}), ...withDefaults(MODEL_OPTIONS, {}) };
    let checked = 0;
    for (const [key, d] of Object.entries(defs)) {
      if (!d.flag || d.defaultHelp || d.default === undefined) continue;
      const line = help.split('\n').find((l) => l.trimStart().startsWith(d.flag!))!;
      if (typeof d.default === 'boolean') {
        // A boolean on by default says "(default)" on its positive flag; `--no-…` flags need none.
        if (!d.flag.includes('--no-')) expect(line, key).toMatch(/\(default\)/);
        expect(applied[key], key).toBe(true);
        continue;
      }
      const shown = /\(default: ([^)]*)\)/.exec(line)?.[1];
      expect(shown, `${key} shows its default`).toBeDefined();
      expect(valueFromFlag(d, d.fromTexts ? [shown!] : shown), key).toEqual(applied[key]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    // The engine's budgets with nothing set are those same defaults in its units.
    const engine = parseRlmConfig({ model: 'm' }, {});
    expect(engine.limits).toEqual(DEFAULT_LIMITS);
    expect(engine.limits.maxWallMs).toBe(30 * 60_000);
    expect(engine).toMatchObject({ maxOutputTokens: 8192, concurrency: 8, auditSample: 12, reviewRounds: 2, predicateTimeoutMs: 30_000, promptCaching: true });
  });

  it('a flag beats the config file, which beats the default; records merge key by key', () => {
    const config = parseConfig(
      JSON.stringify({ out: 'from-config', formats: ['json'], window: '7d', keep: 3, budgets: { maxTurns: 8, maxUsd: 1 }, provider: { name: 'openai', model: 'm', headers: { 'x-a': '1', 'x-b': '2' } } }),
    );
    const { opts, model } = analyzeOptionsFrom(analyzeFlags(['--out', 'from-flag', '--max-turns', '12', '--header', 'x-b=3']), config);
    expect(opts).toMatchObject({ out: 'from-flag', formats: ['json'], window: '7d', keep: 3, state: '.halo', scope: 'default', history: true, redact: true });
    expect(model).toMatchObject({ maxTurns: 12, maxUsd: 1, headers: { 'x-a': '1', 'x-b': '3' } });
    // --since opens its own window: the config's window does not narrow it.
    expect(analyzeOptionsFrom(analyzeFlags(['--since', '3d']), config).opts).toMatchObject({ since: '3d' });
    expect(analyzeOptionsFrom(analyzeFlags(['--since', '3d']), config).opts.window).toBeUndefined();
    expect(analyzeOptionsFrom(analyzeFlags(['--no-redact', '--no-history']), {}).opts).toMatchObject({ redact: false, history: false, out: 'halo-report', keep: 100 });
  });
});

describe('renamed config keys', () => {
  it('maxWallSeconds and predicateTimeoutSeconds still read, with a deprecation warning', () => {
    const warnings: string[] = [];
    const config = parseConfig(JSON.stringify({ budgets: { maxWallSeconds: 90 }, schedules: [{ name: 'a', cron: '* * * * *', budgets: { predicateTimeoutSeconds: 20 } }] }), 'halo.config.json', warnings);
    expect(config.budgets).toEqual({ maxWall: '90s' });
    expect(config.schedules?.[0]?.budgets).toEqual({ predicateTimeout: '20s' });
    expect(warnings).toEqual([
      'halo.config.json: budgets.maxWallSeconds is deprecated; use "maxWall": "90s"',
      'halo.config.json: schedules[0].budgets.predicateTimeoutSeconds is deprecated; use "predicateTimeout": "20s"',
    ]);
    expect(configError({ budgets: { maxWallSeconds: 'soon' } }).message).toMatch(/budgets\.maxWallSeconds: expected a positive number of seconds/);
    expect(configError({ budgets: { maxWallSeconds: 9, maxWall: '9s' } }).message).toMatch(/both "maxWallSeconds" and "maxWall"/);
  });
});
