// A pipeline's programs print their errors to one stream in whatever order they run: each program's first error line
// is an error of the call, not only the output's first (review round 37 on InterCode bash Vicuna: find counted in 10
// of 16 calls, awk 12 of 13, wc 8 of 9).
import { describe, expect, it } from 'vitest';
import { otherProgramFailures } from '../sandbox/detectors/program-lines.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('otherProgramFailures', () => {
  const code = "find /testbed -name \"*$1\" -exec bash -c 'x' -- {} + | sort -u | uniq -d | sort -k 1.0";
  const out = "sort: character offset is zero: invalid field specification '1.0'\nfind: paths must precede expression: `boot'\nfind: possible unquoted pattern after predicate `-name'?\n";

  it('gives the first error line of each other program the command runs', () => {
    expect(otherProgramFailures(out, code, "sort: character offset is zero: invalid field specification '1.0'")).toEqual(["find: paths must precede expression: `boot'"]);
  });

  it('counts the shell by whatever path it was run as, and names awk as awk', () => {
    const result = '/bin/bash: line 1: {}: No such file or directory\nawk: line 1: syntax error at or near )\n';
    expect(otherProgramFailures(result, "xargs -I{} wc -l < {} | awk '{print $1}'", '/bin/bash: line 1: {}: No such file or directory')).toEqual(['awk: line 1: syntax error at or near )']);
  });

  it('leaves out programs the command does not run, warnings, and a driver passing on its child\'s failure', () => {
    const result = 'gcc: error: x.c: No such file\nmake: *** [Makefile:192: build] Error 2\ncurl: warning: deprecated\nperl: cannot open file\n';
    expect(otherProgramFailures(result, 'make build && curl -s x', 'gcc: error: x.c: No such file')).toEqual([]);
  });

  it('says nothing more of an output whose first failure is not a program\'s line (a traceback)', () => {
    expect(otherProgramFailures('ValueError: bad\nls: cannot access x: No such file', 'python a.py; ls x', 'ValueError: bad')).toEqual([]);
  });
});

describe('errors counted per program on a real set (InterCode bash, Vicuna)', () => {
  it('counts each program\'s error in every call that printed it, the reviewer\'s recount', async () => {
    const fs = runDetectors(await load(['tests/fixtures/real/intercode-bash-vicuna']));
    const find = byTitle(fs, /^execute: find: paths must precede expression/);
    // #53 prints sort's complaint first in five of its calls: 4 distinct + 11 repeats (10 before); and calls whose
    // pipeline's last stage exited 0 while find printed its error (#53 tool-0 and tool-1, #30) count too (stageFailure,
    // review round 42): 22 repeats.
    expect(find.summary).toMatch(/4 distinct errors, counted where they originate, plus 22 repeats/);
    // #39's last call prints bash's error first, then awk's: 5 runs and 13 calls.
    const awk = byTitle(fs, /^execute: awk: line <n>: syntax error at or near \)$/);
    expect(awk.summary).toMatch(/in 5 of 60 traces .*5 distinct errors, counted where they originate, plus 8 repeats/);
    // #22's call prints wc's error under awk's first line: 9; #56 tool-4 prints it again where the pipeline exited 0: 10 (review round 42).
    expect(byTitle(fs, /^execute: wc: <n>: No such file or directory$/).summary).toMatch(/3 distinct errors, counted where they originate, plus 7 repeats/);
    // awk's own "line 1:" is not a shell's: no finding calls it <shell>.
    expect(fs.some((f) => /<shell>: line <n>: syntax error at or near \)/.test(f.title))).toBe(false);
  }, 120_000);
});
