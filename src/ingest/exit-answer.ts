// Programs whose exit status 1 is an answer, not an error: grep found no
// line, diff and cmp found the files differ, test found the condition false
// (POSIX gives each of them status 1 for that and a higher one for trouble).
// A harness that flags every non-zero exit as an invalid action (InterCode's
// bash environment) flags these answers too; a reader that knows the command
// keeps the flag as `halo.flagged_error` instead of a failure when the
// command's last stage is one of them and its output reports no trouble.

import { lastStage } from './shell-text.ts';

const ANSWERING = new Set(['grep', 'egrep', 'fgrep', 'zgrep', 'rg', 'diff', 'cmp', 'test', '[', '[[']);

// What those programs (and the shell) print when something did go wrong: the program's own "grep: …" line, a missing
// file, a bad option, a shell syntax error, a command that is not there.
const TROUBLE = /(?:^|\n)(?:[\w./-]+: )+[^\n]*(?:no such file|permission denied|not found|invalid|unrecognized|illegal|unmatched|unbalanced|unknown option|syntax error|cannot|can't|missing|is a directory|unexpected|too many arguments|integer expression expected|operator expected)|(?:^|\n)\s*usage:|Traceback \(most recent call last\)|-c: line \d+:|\bsyntax error\b|unexpected EOF|command not found|timed out/i;

/** The program a stage runs: past variable assignments, `sudo`, `command`, `xargs` and its options; its base name. */
function program(stage: string): string | null {
  const words = stage.split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length && /^[A-Za-z_]\w*=/.test(words[i]!)) i++;
  while (i < words.length && /^(?:sudo|command|exec|xargs|time|nice)$/.test(words[i]!)) {
    i++;
    while (i < words.length && words[i]!.startsWith('-')) i++;
  }
  const w = words[i];
  return w === undefined ? null : (w.split('/').pop() ?? w);
}

/**
 * The program whose exit status decides the stage's: its own, or for `find … -exec <cmd> {} +` the command find runs
 * (find exits non-zero when a command it ran in that form did; with `\;` it does not).
 */
function answeringProgram(stage: string): string | null {
  const p = program(stage);
  if (p !== 'find') return p;
  const exec = /\s-exec(?:dir)?\s+(.+?)\s\{\}\s*\+\s*$/.exec(stage);
  return exec ? program(exec[1]!) : p;
}

/** The output of a command reports trouble in the program's or the shell's own words ("xxd: command not found"). */
export function reportsTrouble(output: string): boolean {
  return TROUBLE.test(output);
}

/**
 * The program whose exit status the harness took for a failure when that
 * status is the program's answer (`grep` found no match, `diff` found a
 * difference), or null: the command's last stage runs grep, diff, cmp or
 * test (itself, or through `find -exec … +`) and the output reports no trouble.
 */
export function exitIsAnswer(command: string, output: string): string | null {
  const p = answeringProgram(lastStage(command));
  if (p === null || !ANSWERING.has(p)) return null;
  return reportsTrouble(output) ? null : p;
}
