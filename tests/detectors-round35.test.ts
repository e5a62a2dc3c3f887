// Round 35's blind reviews of held-out InterCode bash runs (StarChat): claims that read wider than their check.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('InterCode bash on StarChat (round 35)', () => {
  it('a timeout among the attempts is said, not denied; an empty command handles nothing', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-starchat']);
    const findings = runDetectors(traces);
    const retries = byTitle(findings, /^execute: retries never succeed/);
    // Run 59's first attempts timed out: "no … timeout in them" was false.
    expect(retries.rootCause.statement).not.toMatch(/no rate limit, overload, 5xx or timeout in them/);
    expect(retries.rootCause.statement).toMatch(/in 1 of 13 runs some did: a rate limit, overload, 5xx or timeout/);
    // Run 46's "handled" error was followed by an empty command, which sent nothing.
    const fence = byTitle(findings, /unexpected EOF while looking for matching ``'/);
    expect(fence.summary).not.toMatch(/was handled/);
    const run46 = traces.find((t) => t.traceId.endsWith('#46'))!;
    const empties = run46.spans.filter((s) => s.kind === 'tool' && String((s.tool?.arguments as { command?: string }).command ?? '').trim() === '');
    expect(empties.length).toBeGreaterThan(0);
  });
});

describe('what ran is not what the model wrote, where the shell echoes no line (review round 36)', () => {
  it('a quote or parenthesis the shell found open that the command closes: the harness\'s bash -c "…" (StarChat #10, #12)', async () => {
    const { quotesClose } = await import('../src/ingest/shell-text.ts');
    expect(quotesClose('grep -qf -- "^$(cat /testbed/a.txt)$" /testbed/b.txt')).toBe(true);
    expect(quotesClose("echo \"it's\" # don't")).toBe(true);
    expect(quotesClose('echo "unclosed')).toBe(false);
    expect(quotesClose('echo $(ls')).toBe(false);
    const traces = await load(['tests/fixtures/real/intercode-bash-starchat']);
    const retries = byTitle(runDetectors(traces), /^execute: retries never succeed/);
    expect(retries.rootCause.statement).toMatch(/^In 3 of 13 runs at every attempt what the shell ran is not the command the call carries/);
    // A command carrying a Markdown fence: bash reads its backticks as a command substitution left open.
    const fence = byTitle(runDetectors(traces), /unexpected EOF while looking for matching ``'/);
    expect(fence.rootCause.statement).toMatch(/^In each the error comes from a Markdown fence/);
    expect(fence.fix.summary).toMatch(/strip Markdown fences/);
  });
});
