// A pipeline's programs write their errors to one stream, in whatever order they
// happen to run: `find … | sort -k 1.0` may print sort's complaint before find's.
// Counting a call only by the first failure line its output holds then counts
// each such error in some of the runs it happened in (review round 37: find in 10
// of 16 calls, awk 12 of 13, wc 8 of 9). Each distinct error line of a program
// the command runs is an error of the call; and a pipeline whose last stage
// exited 0 failed where an earlier stage printed one (review round 42).
import { readShell } from '../../src/ingest/shell-text.ts';

// "<program>: <message>", as GNU tools, awk and the shell print them (the shell by the path it was run as: /bin/bash).
const PROGRAM_LINE = /^(?:\/[\w.+-]+)*\/?([A-Za-z_][\w.+-]{0,40}): (.+)$/;
// Words a diagnostic is made of. A warning, a progress note or a program's answer is not among them.
const DIAGNOSTIC = /\b(?:error|fail(?:ed|ure)?|unexpected|cannot|can't|not found|no such|denied|invalid|missing|unable|refused|timed out|illegal|unknown|unrecognized|requires an argument|must|extra operand|missing operand|not permitted|is a directory|not a directory|bad|expected)\b/i;
/** How a shell names itself in its messages: `bash`, `/bin/bash`, `sh`. */
export const SHELL = /^(?:\/[\w./-]*\/)?(?:ba|da|z|k)?sh$/;
const NOT_A_FAILURE = /^(?:warning|note|info|hint)\b/i;
// A driver passing on a child's failure (make's "*** [build] Error 2", xargs' "exited with status 255") reports the
// child's error again, which the output already holds: not another error.
const RELAYED = /^\*\*\*|\bexit(?:ed)? (?:with )?(?:status|code) \d+|\bterminated by signal\b/i;

/** The program a failure line names first (`find: paths must…` → find), or undefined. */
export function programOf(line: string): string | undefined {
  return PROGRAM_LINE.exec(line.trim())?.[1];
}

/** The command runs this program: its name stands where a command does (after a pipe, `;`, `&&`, `$(`, `xargs`, `-exec`, or first). */
export function runsProgram(code: string, program: string): boolean {
  const name = program.replace(/[.+]/g, '\\$&');
  return new RegExp(`(?:^|[|;&(\\n\`]|\\$\\(|\\bxargs(?:\\s+-\\S+)*|\\s-exec|\\bsudo)\\s*(?:\\S*/)?${name}(?=[\\s;|&)]|$)`, 'm').test(code);
}

/**
 * The first error line of each program the command runs, other than the one the
 * primary failure line names: only when the primary itself is a program's line
 * (the output is a command's stderr, not a traceback or a harness's message).
 */
export function otherProgramFailures(result: string, code: string, primary: string): string[] {
  const first = programOf(primary.split('\n')[0] ?? '');
  // "ValueError: …" reads like a program's line and is an exception's.
  if (!first || /(?:Error|Exception|Warning|Exit|Interrupt)$/.test(first)) return [];
  // Lines that differ only in their values (two paths find could not read) are one error; two different errors of
  // one program are two (find's "paths must precede expression" and its "'compress': No such file").
  const seen = new Set([shape(primary.split('\n')[0]!)]);
  const out: string[] = [];
  for (const line of errorLines(result, code)) {
    if (seen.has(shape(line)) || out.length >= 5) continue;
    seen.add(shape(line));
    out.push(line);
  }
  return out;
}

/** A line's wording with its quoted values and numbers masked. */
function shape(line: string): string {
  return line.replace(/(['"`‘])[^'"`’\n]*['"’]/g, '<s>').replace(/\d+/g, '<n>');
}

/** The error lines of programs the command runs (the shell by any name), in output order. */
function errorLines(result: string, code: string): string[] {
  const out: string[] = [];
  for (const raw of result.split('\n').slice(0, 400)) {
    const line = raw.trim();
    const m = PROGRAM_LINE.exec(line);
    if (!m) continue;
    const program = m[1]!;
    // The shell names itself by whatever it was run as; any other program must be one the command runs.
    if (NOT_A_FAILURE.test(m[2]!) || RELAYED.test(m[2]!) || !DIAGNOSTIC.test(m[2]!) || !(SHELL.test(program) || runsProgram(code, program))) continue;
    out.push(line.slice(0, 500));
  }
  return out;
}

/**
 * A pipeline's status is its last stage's: a call marked as working whose output holds the error line of a program
 * an earlier stage runs (`find … | sort` printing "find: paths must precede expression") failed in that stage.
 * The first such line, or null.
 */
export function stageFailure(result: string, code: string): string | null {
  const stages = readShell(code).stages;
  if (stages.length < 2) return null;
  const last = /^\s*(?:sudo\s+)?(?:\S*\/)?([\w.+-]+)/.exec(stages.at(-1)!)?.[1];
  return errorLines(result, code).find((l) => programOf(l) !== last && !SHELL.test(programOf(l) ?? '')) ?? null;
}
