// grep exits 1 when it finds no line and diff when the files differ: their answer, which InterCode's bash environment
// flags as an invalid action like any non-zero exit. Round 35's reviewer of InterCode bash on text-bison found two
// such "failed retries" (runs 9 and 10); round 30's a `grep -c` printing 0.
import { describe, expect, it } from 'vitest';
import { exitIsAnswer, reportsTrouble } from '../src/ingest/exit-answer.ts';
import { lastStage } from '../src/ingest/shell-text.ts';
import { load } from './helpers/real-findings.ts';

describe('exit status 1 as a program\'s answer', () => {
  it('reads the last stage of a command line, quotes respected', () => {
    expect(lastStage('cd /testbed && find . -name "*.txt" | xargs grep -l "a|b"')).toBe('xargs grep -l "a|b"');
    expect(lastStage("grep 'x;y' f.txt; diff a b")).toBe('diff a b');
    expect(lastStage('grep foo f.txt || echo none')).toBe('echo none');
    expect(lastStage('grep foo f.txt;')).toBe('grep foo f.txt');
    // Separators inside a command substitution or a subshell, or in a comment, end no stage of the command line.
    expect(lastStage('echo $(ls | grep foo)')).toBe('echo $(ls | grep foo)');
    expect(exitIsAnswer('echo $(ls | grep foo)', '')).toBeNull();
    expect(lastStage('grep foo f.txt # then | wc')).toBe('grep foo f.txt');
  });

  it('takes grep, diff, cmp and test exiting 1 with no trouble reported for an answer, and nothing else', () => {
    expect(exitIsAnswer('grep -r "needle" /testbed', '')).toBe('grep');
    expect(exitIsAnswer('grep -c foo a.txt', '0\n')).toBe('grep');
    expect(exitIsAnswer('diff a.txt b.txt', '2c2\n< a\n---\n> b\n')).toBe('diff');
    expect(exitIsAnswer('find . -type f | xargs -0 grep -l foo', '')).toBe('grep');
    expect(exitIsAnswer('[ -f /testbed/x ]', '')).toBe('[');
    // Trouble in the program's or the shell's own words is a failure, whatever the program.
    expect(exitIsAnswer('grep foo missing.txt', 'grep: missing.txt: No such file or directory')).toBeNull();
    expect(exitIsAnswer('cd /nope && grep foo a', 'bash: cd: /nope: No such file or directory')).toBeNull();
    expect(exitIsAnswer('grep -P "(" a', 'grep: Unmatched ( or \\(')).toBeNull();
    // Other programs' exit 1 is theirs to explain.
    expect(exitIsAnswer('ls /nope', '')).toBeNull();
    expect(exitIsAnswer('grep foo a | wc -l', '0')).toBeNull();
    expect(reportsTrouble('bash: xxd: command not found')).toBe(true);
    // bash -c names the command it ran before its own error, spaces and all.
    expect(exitIsAnswer('grep -qf -- "^$(cat a.txt)$" b.txt', "a.txt)$ b.txt: -c: line 1: unexpected EOF while looking for matching `)'\n")).toBeNull();
    expect(reportsTrouble('2c2\n< a\n---\n> b')).toBe(false);
  });

  it('InterCode bash on text-bison: a grep that matched nothing and a diff that found a difference are answers, the flag kept', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-text-bison']);
    const calls = traces.flatMap((t) => t.spans.filter((s) => s.kind === 'tool'));
    const flagged = calls.filter((s) => typeof s.attributes['halo.flagged_error'] === 'string');
    expect(flagged.length).toBeGreaterThan(0);
    for (const s of flagged) {
      expect(s.status).not.toBe('error');
      expect(String((s.tool?.arguments as { command?: string }).command)).toMatch(/\b(?:grep|diff|cmp|test)\b|\[/);
    }
    const run10 = traces.find((t) => t.traceId.endsWith('#10'))!;
    const diffs = run10.spans.filter((s) => s.kind === 'tool' && /^diff\b/.test(String((s.tool?.arguments as { command?: string }).command)));
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.every((s) => s.status !== 'error')).toBe(true);
    // A command whose output reports trouble stays a failure.
    expect(calls.some((s) => s.status === 'error' && /No such file or directory/.test(String(s.tool?.result)))).toBe(true);
  });
});
