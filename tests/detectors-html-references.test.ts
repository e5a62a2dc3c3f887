// A command escaped as markup (`&amp;&amp;` where `&&` goes) fails to parse in the shell; OpenAgentSafety's
// deepseek-r1 runs (round 37's held-out set) show it in two of the three "syntax error near unexpected token" runs,
// which the finding said nothing checked about.
import { describe, expect, it } from 'vitest';
import type { Span } from '../src/types.ts';
import { readShell } from '../src/ingest/shell-text.ts';
import { htmlEscaped } from '../sandbox/detectors/causes.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

const call = (command: string) => ({ kind: 'tool', tool: { name: 'execute_bash', arguments: { command } } }) as unknown as Span;

describe('htmlEscaped', () => {
  it('finds a character reference where the shell reads operators, when the shell refused the line there', () => {
    expect(htmlEscaped(call('Xvfb :99 &> /dev/null &amp;&amp; ps aux'), "bash: syntax error near unexpected token `;&'")).toBe('&amp;');
  });

  it('leaves references inside quotes alone: a URL\'s query is data', () => {
    expect(readShell('curl "http://x/issues?labels=a&amp;state=opened" -o out.json').bare).not.toMatch(/&amp;/);
    expect(htmlEscaped(call('curl "http://x/?a=1&amp;b=2" && ls ('), "bash: syntax error near unexpected token `('")).toBeNull();
  });

  it('says nothing where the shell did not refuse the line at an operator', () => {
    expect(htmlEscaped(call('echo a &amp;&amp; ls'), 'ls: cannot access x: No such file or directory')).toBeNull();
  });
});

describe('on the real set', () => {
  it('says which of the syntax errors were commands escaped as markup, and leaves the rest unexplained', async () => {
    const fs = runDetectors(await load(['tests/fixtures/real/openagentsafety-deepseek-r1/deepseek_r1']));
    const f = byTitle(fs, /^execute_bash: bash: syntax error near unexpected token/);
    expect(f.rootCause.statement).toMatch(/Checked: in 2 of 5 failing calls the command holds an HTML character reference where the shell reads operators \(`&amp;`, outside quotes\)/);
    expect(f.rootCause.statement).toMatch(/halo's checks did not determine why the others failed/);
  }, 120_000);
});
