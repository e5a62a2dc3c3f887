// Flags that say what they do through the real CLI: a mistyped flag gets the
// nearest known one and one line of help, and options an offline run cannot
// use say they are ignored instead of vanishing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, halorun, halorunAsync } from './helpers/cli.ts';

describe('honest flags', () => {
  const tiny = new URL('fixtures/halo/tiny_traces.jsonl', import.meta.url).pathname;

  it('an unknown flag prints the error, the nearest known flag and one line pointing at --help', () => {
    const r = halorun(mkdtempSync(join(tmpdir(), 'halo-flag-')), ['analyze', tiny, '--offlin']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["error: unknown option '--offlin'", '(Did you mean --offline?)', "Run 'halo analyze --help' for its options."]);
    const cmd = halorun(mkdtempSync(join(tmpdir(), 'halo-flag-')), ['anlyze']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr.trim().split('\n')).toEqual(["error: unknown command 'anlyze'", '(Did you mean analyze?)', "Run 'halo --help' for the commands."]);
    // No command at all is bad usage too; asking for help is not.
    expect(halorun(tmpdir(), []).code).toBe(2);
    expect(halorun(tmpdir(), ['--help']).code).toBe(0);
  });

  it('--prompt and --context say they are ignored when the run is offline; --offline ignores model settings, with a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-offline-notes-'));
    writeFileSync(join(dir, 'agent.md'), 'A booking agent.\n');
    const noModel = halorun(dir, ['analyze', tiny, '--out', 'a', '--no-history', '--prompt', 'why do refunds fail?', '--context', 'agent.md']);
    expect(noModel.code, noModel.stderr).toBe(0);
    expect(noModel.stderr).toMatch(/note: --prompt and --context are read only by a model, and this run is offline \(no model configured\): ignored/);

    // A provider without a model is a model setting like any other: --offline sets it aside and says so.
    writeFileSync(join(dir, 'halo.config.json'), JSON.stringify({ provider: { name: 'anthropic' } }));
    const offline = halorun(dir, ['analyze', tiny, '--out', 'b', '--no-history', '--offline', '--max-usd', '2']);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toMatch(/note: --offline: the model settings \(provider, maxUsd\) are ignored/);
    expect(offline.stdout).toMatch(/\(offline: --offline\)/);
    // Without --offline the same config is a model run with Anthropic's default models.
    // (--estimate spends nothing; the key only has to be there.)
    const estimate = await halorunAsync(dir, ['analyze', tiny, '--no-history', '--estimate'], { ...cliEnv, ANTHROPIC_API_KEY: 'sk-ant-test-never-sent' });
    expect(estimate.status, estimate.stderr).toBe(0);
    expect(estimate.stdout).toMatch(/root claude-sonnet-4-5: .* sub-calls claude-haiku-4-5:/);
  });
});
