// A command line read as bash reads its quoting, once for the two questions
// asked of it: which stage runs last (exit-answer.ts: whose exit status the
// harness saw) and whether the command closes every quote and parenthesis it
// opens (causes.ts: a shell reporting one left open ran something else).

export interface ShellText {
  /** The top-level stages, split at `|`, `||`, `&&`, `;` and newlines outside quotes, parentheses and comments. */
  stages: string[];
  /** Every quote and parenthesis opened is closed (a `$(` inside double quotes opens one too). */
  closed: boolean;
  /** The characters outside quotes and comments: where the shell reads operators. */
  bare: string;
}

export function readShell(command: string): ShellText {
  const stages: string[] = [];
  let q: string | null = null;
  // The quoting to return to when each open parenthesis closes: a `$(` inside double quotes starts a command of its
  // own, where quotes and parentheses count again, and its `)` goes back inside the quotes; any other `)` inside
  // double quotes is a character (`"… <(cat x)"`).
  const open: (string | null)[] = [];
  let unbalanced = false;
  let start = 0;
  let bare = '';
  const cut = (end: number, next: number) => {
    stages.push(command.slice(start, end));
    start = next;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (q === null) bare += c;
    if (q === "'") {
      if (c === "'") q = null;
    } else if (q === '"') {
      if (c === '\\') i++;
      else if (c === '"') q = null;
      else if (c === '$' && command[i + 1] === '(') {
        open.push('"');
        q = null;
        i++;
      }
    } else if (c === '\\') i++;
    else if (c === '(') open.push(null);
    else if (c === ')') {
      if (open.length === 0) unbalanced = true;
      else q = open.pop()!;
    }
    else if (c === "'" || c === '"') q = c;
    else if (c === '#' && (i === 0 || /\s/.test(command[i - 1]!))) {
      // A comment runs to the end of its line; the newline still ends the stage.
      const end = command.indexOf('\n', i);
      if (end < 0) {
        cut(i, command.length);
        break;
      }
      stages.push(command.slice(start, i));
      start = end;
      i = end - 1;
    } else if (open.length === 0 && (c === '|' || c === ';' || c === '\n' || (c === '&' && command[i + 1] === '&'))) {
      const double = command[i + 1] === c;
      cut(i, i + (double ? 2 : 1));
      if (double) i++;
    }
  }
  if (start < command.length) stages.push(command.slice(start));
  return { stages: stages.map((s) => s.trim()).filter((s) => s !== ''), closed: !unbalanced && q === null && open.length === 0, bare };
}

/** The command's last stage, trailing separators and a background `&` dropped. */
export function lastStage(command: string): string {
  return (readShell(command).stages.at(-1) ?? '').replace(/[\s;&|]+$/, '').trim();
}

/** Every quote and parenthesis the command opens it closes, read as bash reads them (backslashes, single quotes literal, comments). */
export function quotesClose(command: string): boolean {
  return readShell(command).closed;
}
