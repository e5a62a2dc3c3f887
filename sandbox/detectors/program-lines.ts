// A pipeline's programs write their errors to one stream, in whatever order they
// happen to run: `find … | sort -k 1.0` may print sort's complaint before find's.
// Counting a call only by the first failure line its output holds then counts
// each such error in some of the runs it happened in (review round 37: find in 10
// of 16 calls, awk 12 of 13, wc 8 of 9). Each program's own first error line is
// an error of the call.

// "<program>: <message>", as GNU tools, awk and the shell print them (the shell by the path it was run as: /bin/bash).
const PROGRAM_LINE = /^(?:\/[\w.+-]+)*\/?([A-Za-z_][\w.+-]{0,40}): (.+)$/;
// Words a diagnostic is made of. A warning, a progress note or a program's answer is not among them.
const DIAGNOSTIC = /\b(?:error|fail(?:ed|ure)?|unexpected|cannot|can't|not found|no such|denied|invalid|missing|unable|refused|timed out|illegal|unknown|unrecognized|requires an argument|must|extra operand|missing operand|not permitted|is a directory|not a directory|bad|expected)\b/i;
const SHELL = /^(?:ba|da|z|k)?sh$/;
const NOT_A_FAILURE = /^(?:warning|note|info|hint)\b/i;
// A driver passing on a child's failure (make's "*** [build] Error 2", xargs' "exited with status 255") reports the
// child's error again, which the output already holds: not another error.
const RELAYED = /^\*\*\*|\bexit(?:ed)? (?:with )?(?:status|code) \d+|\bterminated by signal\b/i;

/** The program a failure line names first (`find: paths must…` → find), or undefined. */
export function programOf(line: string): string | undefined {
  return PROGRAM_LINE.exec(line.trim())?.[1];
}

/** The command runs this program: its name stands where a command does (after a pipe, `;`, `&&`, `$(`, `xargs`, `-exec`, or first). */
function runsProgram(code: string, program: string): boolean {
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
  const seen = new Set([first]);
  const out: string[] = [];
  for (const raw of result.split('\n').slice(0, 400)) {
    const line = raw.trim();
    const m = PROGRAM_LINE.exec(line);
    if (!m) continue;
    const program = m[1]!;
    if (seen.has(program)) continue;
    // The shell names itself by whatever it was run as; any other program must be one the command runs.
    if (NOT_A_FAILURE.test(m[2]!) || RELAYED.test(m[2]!) || !DIAGNOSTIC.test(m[2]!) || !(SHELL.test(program) || runsProgram(code, program))) continue;
    seen.add(program);
    out.push(line.slice(0, 500));
  }
  return out;
}
