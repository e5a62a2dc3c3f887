// Where a failing value came from. A call that fails because a value was not
// found (a user id, an email, a file) has an owner decided by where that value
// first appeared in the run: the user typed it, an earlier tool returned it,
// the task names a file the environment does not hold, or the model wrote it
// with no source before it. Each of those is checked on the run's own text;
// where the run does not record the text needed to check, nothing is claimed.
import type { Span, Trace } from '../../src/types.ts';
import { argumentText, escapeRegExp, stringsIn, textOf } from './text.ts';
import { errorMessage, indexTrace, isErrorSpan, isToolSpan, outcomeRecorded, toolName } from './trace-index.ts';
import { runMemo } from './memo.ts';
import { runsProgram } from './program-lines.ts';

export type ValueSource = 'user' | 'tool' | 'model' | 'environment' | 'task-words' | 'program';

export interface ValueOrigin {
  value: string;
  source: ValueSource;
  /** The earlier tool call whose output held the value (source `tool`). */
  spanId?: string;
  /** Sources `task-words` and `model`: a tool call earlier in the run had worked (a listing the model could have read), so the name was not for want of any lookup. */
  afterLookup?: boolean;
  /** Source `model`: a part of the value the task or the user's message does write, in other letter case (`FooBar` where the call has `foobar`): that spelling. */
  recased?: { asWritten: string; inCall: string };
}

/** An error saying a value or resource was not there, as opposed to a crash or a refusal. */
const NOT_FOUND = /\b(not found|no such (file|directory|user|order|item|record)|does ?n[o']t exist|cannot find|can't find|could not find|unknown (user|id|order|file)|ENOENT|FileNotFoundError|404)\b/i;
/** The path a missing-file error names. */
const MISSING_PATH = /(?:No such file or directory|FileNotFoundError|ENOENT)[^'"\n]*['"]([^'"\n]{3,300})['"]/;
/** A shell's or a command's unquoted report of a missing path (`bash: ./run.sh: No such file or directory`, `cat: x.txt: No such file …`). */
const SHELL_MISSING_PATH = /^(?:[\w.-]+: )?(?:line \d+: )?([^\s:'"]{3,300}): No such file or directory\s*$|^[\w.-]+: ['‘]([^'’\n]{3,300})['’]: No such file or directory\s*$|\bcannot (?:open|access|stat) ['‘]([^'’\n]{3,300})['’][^\n]*No such file or directory/m;
const USER_ROLES = new Set(['user', 'human']);
const SYSTEM_ROLES = new Set(['system', 'developer']);

/** The value a not-found error is about (the path it names, else the argument value it quotes), or null. */
export function missingValue(failed: Span): string | null {
  return notFound(failed)?.value ?? null;
}

/** A not-found error's value, and the path it names when it names one; null when the error is not of that kind. */
function notFound(failed: Span, message?: string): { value: string | null; path?: string } | null {
  // One of several failures of the call (a pipeline's programs, program-lines.ts): that failure's own line first.
  const msg = `${message !== undefined ? `${message}\n` : ''}${errorMessage(failed)}\n${textOf(failed.tool?.result).slice(0, 2000)}`;
  if (!NOT_FOUND.test(msg)) return null;
  const shell = SHELL_MISSING_PATH.exec(msg);
  const path = MISSING_PATH.exec(msg)?.[1] ?? shell?.[1] ?? shell?.[2] ?? shell?.[3];
  return path ? { value: path, path } : { value: valueNamedBy(withoutFrames(msg), leaves(failed.tool?.arguments)) };
}

/** An editor tool's sub-command (`{command: "create", path}`, OpenHands' str_replace_editor): a file operation, not code. */
function fileCommand(s: Span): boolean {
  const a = s.tool?.arguments as Record<string, unknown> | undefined;
  return !!a && typeof a === 'object' && typeof a.command === 'string' && /^\w+$/.test(a.command) && ('path' in a || 'file_path' in a);
}

const CREATES = /\b(write|create|save|new|touch|mkdir|put|upload|add|generate|copy|cp|mv|move|edit|patch|insert|replace)\b/i;

/**
 * A not-found answer the run then acted on by creating what was missing: a later call that worked writes or
 * creates the very value (`File not found: /root/a.csv`, then a write of /root/a.csv). The lookup was a check
 * whether the thing existed, answered, not an attempt that failed.
 */
export function createdLater(t: Trace, failed: Span, runsCode: (s: Span) => boolean): boolean {
  const value = missingValue(failed);
  if (!value || value.length < 3) return false;
  // Only a file tool's write counts: code that writes the missing file may fill it with data it made up (Who&When's
  // experts wrote dummy CSVs under the name they could not find), which is no answer to a check.
  return indexTrace(t).tools.some((s) => s.startTime >= failed.endTime && !isErrorSpan(s) && outcomeRecorded(s) && (!runsCode(s) || fileCommand(s)) && CREATES.test(`${toolName(s)} ${textOf(s.tool?.arguments).slice(0, 2000)}`.replace(/[_-]/g, ' ')) && textOf(s.tool?.arguments).includes(value));
}

/**
 * Where the value a not-found error is about first appeared, or null when the
 * error is not of that kind, the value cannot be told, or the run does not
 * record the text to check it against (no task or user message at all).
 */
export function valueOrigin(t: Trace, failed: Span, message?: string): ValueOrigin | null {
  const found = notFound(failed, message);
  const value = found?.value;
  if (!value) return null;
  const path = found.path;
  // A bare name the command runs as a program (`find … -exec compress {} +` answered "find: 'compress': No such file
  // or directory"): the environment has no such program; it is no file or value anyone named (review round 42).
  if (/^[\w.+-]+$/.test(value) && isToolSpan(failed) && stringsIn(failed.tool?.arguments).some((c) => runsProgram(c, value))) return { value, source: 'program' };
  const said = conversation(t);
  if (!said.user.length) return null;
  // A plain name ("singers", "car_models") met in the question is its wording, not a value the user gave: a name
  // an earlier output listed came from it; else one built of the task's own words was formed from them.
  if (!path && PLAIN_NAME.test(value)) {
    const word = wordPattern(value);
    if (said.system.some((x) => word.test(x))) return null;
    for (const s of indexTrace(t).tools) {
      if (s === failed || s.endTime > failed.startTime) continue;
      if (word.test(textOf(s.tool?.result ?? s.output))) return { value, source: 'tool', spanId: s.spanId };
    }
    const opening = openingMessage(t);
    const task = [...said.user, ...(opening ? [textOf(opening.output)] : [])];
    const looked = indexTrace(t).tools.some((s) => s !== failed && s.endTime <= failed.startTime && !isErrorSpan(s) && outcomeRecorded(s));
    const after = looked ? { afterLookup: true } : {};
    if (nameParts(value).every((p) => task.some((x) => partPattern(p).test(x)) || runTogether(p, task))) return { value, source: 'task-words', ...after };
    return { value, source: 'model', ...after, ...recasedIn(value, task) };
  }
  if (said.user.some((u) => u.includes(value))) return { value, source: path ? 'environment' : 'user' };
  // A group chat's opening message is the task it was started with: a path it names is the task's.
  const opening = openingMessage(t);
  if (opening && textOf(opening.output).includes(value)) return { value, source: path ? 'environment' : 'user' };
  // Given by the developer's instructions: neither the user's, a tool's nor invented.
  if (said.system.some((s) => s.includes(value))) return null;
  for (const s of indexTrace(t).tools) {
    if (s === failed || s.endTime > failed.startTime) continue;
    const out = textOf(s.tool?.result ?? s.output);
    // An output that only echoes its own call's input (an earlier error naming the same path) is no source of it.
    if (out.includes(value) && !argumentText(s).includes(value)) return { value, source: 'tool', spanId: s.spanId };
  }
  // "The model's own call" needs the call to hold it: a path the program came upon itself (find walking into a
  // `/proc` entry that went away) is no value anyone wrote (review round 44).
  if (!stringsIn(failed.tool?.arguments).some((a) => a.includes(value))) return null;
  return { value, source: 'model', ...recasedIn(value, [...said.user, ...(opening ? [textOf(opening.output)] : [])]) };
}

/**
 * A part of the value (a path's segment, a word of a name) that the task's text never writes as the call does but
 * writes in other letter case: the task says `FooBar`, the call has `foobar`. On a case-sensitive system those name
 * different things. Parts of three letters or more, compared as whole words.
 */
function recasedIn(value: string, task: string[]): { recased?: { asWritten: string; inCall: string } } {
  for (const part of value.split(/[^A-Za-z0-9_-]+/)) {
    if (part.length < 3 || !/[A-Za-z]{3}/.test(part)) continue;
    const exact = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(part)}(?![A-Za-z0-9_])`);
    if (task.some((x) => exact.test(x))) continue;
    const any = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(part)}(?![A-Za-z0-9_])`, 'i');
    for (const x of task) {
      const m = any.exec(x);
      if (m && m[0] !== part) return { recased: { asWritten: m[0], inCall: part } };
    }
  }
  return {};
}

/** A name made of letters and underscores only: no digit, dot or space to make it a value someone typed. */
const PLAIN_NAME = /^[A-Za-z]{2,}(?:_[A-Za-z]{2,})*$/;

/** The name as a whole word (not inside a longer identifier). */
function wordPattern(name: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(name)}(?![A-Za-z0-9_])`, 'i');
}

/** A name's words: `car_models` → car, models. */
function nameParts(name: string): string[] {
  return name.split('_').filter(Boolean);
}

/** A word of the task, singular or plural (`model` for `models`, `cars` for `car`, `country` for `countries`). */
function partPattern(part: string): RegExp {
  const y = /[^aeiou]y$/i.test(part) || /[^aeiou]ies$/i.test(part);
  // "es" is a plural ending only after s, x, z, ch and sh (`boxes`); elsewhere the e is the word's (`types`).
  const stem = escapeRegExp(y ? part.replace(/(?:ies|y)$/i, '') : part.replace(/(?<=(?:[sxz]|ch|sh))es$|s$/i, ''));
  return new RegExp(`(?<![A-Za-z0-9_])${stem}${y ? '(?:y|ies)' : '(?:s|es)?'}(?![A-Za-z0-9_])`, 'i');
}

/** A part the task writes as words run together or apart (`highschoolers` for "high schoolers"): its letters, in order, in the task's. */
function runTogether(part: string, task: string[]): boolean {
  if (part.length < 6) return false;
  const letters = part.toLowerCase().replace(/s$/, '');
  return task.some((x) => x.toLowerCase().replace(/[^a-z0-9]+/g, '').includes(letters));
}

/**
 * The message without a traceback's frames: a frame names the script that ran and quotes its code (`File
 * "/workspace/x.py", line 16`), which says where the error was raised, not what was not found.
 */
function withoutFrames(msg: string): string {
  return msg.replace(/^\s*File "[^"\n]*", line \d+[^\n]*\n(?:[ \t]{4,}[^\n]*\n?)*/gm, '');
}

/** The argument value the error message names; the only one when the message names none. */
function valueNamedBy(msg: string, values: string[]): string | null {
  const named = values.filter((v) => msg.includes(v)).sort((a, b) => b.length - a.length);
  if (named.length) return named[0]!;
  // A message that quotes what was not there ("Endpoint '/search/people' does not exist" for a search by
  // keyword) names something no argument holds: the value the call sent is not what was missing.
  const quoted = [...msg.split('\n', 1)[0]!.matchAll(/(['"`])([^'"`\n]{2,200})\1/g)].map((m) => m[2]!);
  if (quoted.length && !quoted.some((q) => values.some((v) => v.includes(q) || v.includes(q.split('.').pop()!)))) return null;
  if (values.length !== 1) return null;
  // The only value is a command or query that holds the quoted name (`Table 'car_1.cars' doesn't exist` for a
  // SELECT … FROM cars): the name is what was not found, not the whole command.
  const v = values[0]!;
  for (const q of quoted) {
    const last = q.split('.').pop()!;
    const part = v.includes(q) ? q : last;
    if (part !== v && PLAIN_NAME.test(part) && wordPattern(part).test(v)) return part;
  }
  // A whole command or query the message does not quote (a bare "No such file or directory" from a pipeline) is not
  // what was missing: something in it was, and the message does not say what.
  if (/\n|\s(?:\||&&|;)\s|\b(?:SELECT|FROM)\b/i.test(v) || v.trim().split(/\s+/).length >= 4) return null;
  return v;
}

/** String and number leaves of a call's arguments that could name something (three characters or more). */
function leaves(args: unknown, out: string[] = [], depth = 0): string[] {
  if (out.length >= 50 || depth > 6) return out;
  if (typeof args === 'string') {
    const s = args.trim();
    if (s.length >= 3 && s.length <= 300) out.push(s);
  } else if (typeof args === 'number' && Number.isFinite(args) && Math.abs(args) >= 100) out.push(String(args));
  else if (Array.isArray(args)) for (const a of args) leaves(a, out, depth + 1);
  else if (args && typeof args === 'object') for (const v of Object.values(args)) leaves(v, out, depth + 1);
  return out;
}

const conversations = runMemo<Trace, { user: string[]; system: string[] }>();

/** What the user (or the task) and the instructions said anywhere in the run. */
function conversation(t: Trace): { user: string[]; system: string[] } {
  let c = conversations.get(t);
  if (c) return c;
  const user = new Set<string>();
  const system = new Set<string>();
  const root = indexTrace(t).root;
  if (root && typeof root.input === 'string' && root.input.trim()) user.add(root.input);
  // In a group chat every agent's turn reaches the others as role "user"; a
  // message that names an agent of the run is that agent's, not the user's.
  const agents = new Set<string>();
  for (const s of t.spans) if (typeof s.agentName === 'string') agents.add(s.agentName);
  for (const s of t.spans) {
    if (!Array.isArray(s.messages)) continue;
    for (const m of s.messages) {
      const text = typeof m.content === 'string' ? m.content : textOf(m.content);
      if (!text) continue;
      const role = String(m.role ?? '').toLowerCase();
      const name = (m as { name?: unknown }).name;
      if (USER_ROLES.has(role) && !(typeof name === 'string' && (agents.has(name) || agents.has(name.replace(/\s*\([^)]*\)\s*$/, ''))))) user.add(text);
      else if (SYSTEM_ROLES.has(role)) system.add(text);
    }
  }
  // A task handed over as a file the user's message names ("Complete the task in /instruction/task.md"): what the
  // agent's read of that file returned is the task's text, the user's words, not a tool's finding.
  for (const text of taskFiles(t, [...user])) user.add(text);
  conversations.set(t, (c = { user: [...user], system: [...system] }));
  return c;
}

/** A file path with an extension, absolute or `./`-relative, as a message names it. */
const NAMED_FILE = /(?<![\w/.-])((?:\/|\.\/)[\w./-]*\.[A-Za-z]\w{0,5})(?![\w/-])/g;
const READ_TOOL = /\b(read|view|open|cat|show|get_?file|file_?read)/i;
const READ_COMMAND = /^\s*(?:cat|head|tail|less|more|nl|sed\s+-n\s+\S+)\s+['"]?$/;

/** The results of calls that ran without error reading a file `said` names (the task given as a file). */
function taskFiles(t: Trace, said: string[]): string[] {
  const named = new Set(said.flatMap((x) => [...x.matchAll(NAMED_FILE)].map((m) => m[1]!)));
  if (!named.size) return [];
  const out: string[] = [];
  for (const s of indexTrace(t).tools) {
    if (isErrorSpan(s) || !outcomeRecorded(s)) continue;
    const args = s.tool?.arguments;
    const values = stringsIn(args);
    const file = [...named].find((f) => values.some((v) => v === f || v.includes(f)));
    if (!file) continue;
    const o = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
    const command = typeof o.command === 'string' ? o.command : typeof o.cmd === 'string' ? o.cmd : '';
    const reads = command === 'view' || command === 'read' || (command === '' && READ_TOOL.test(toolName(s))) || (command !== '' && command.includes(file) && READ_COMMAND.test(command.slice(0, command.indexOf(file))));
    if (!reads) continue;
    const text = textOf(s.tool?.result ?? s.output);
    if (text.trim()) out.push(text);
  }
  return out;
}

/**
 * The task as first stated: the run's input when it is text, else the first
 * user message of the earliest model call (later user-role messages are often
 * tool output fed back, so only the first is the task).
 */
export function taskStatement(t: Trace): string {
  const root = indexTrace(t).root;
  if (root && typeof root.input === 'string' && root.input.trim()) return root.input;
  const calls = t.spans.filter((s) => s.kind === 'llm' && Array.isArray(s.messages)).sort((a, b) => a.startTime - b.startTime);
  for (const s of calls) {
    const first = s.messages!.find((m) => USER_ROLES.has(String(m.role ?? '').toLowerCase()));
    if (first) return typeof first.content === 'string' ? first.content : textOf(first.content);
  }
  return '';
}

/**
 * The error is the one the task reports: its exception line (class and
 * message, at least 20 characters) is quoted in the task. Running into it
 * reproduces the reported bug, which is what the task asks for first; it is
 * not a failure of the run.
 */
export function reportedByTask(t: Trace, message: string): boolean {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => /^(?:[\w.]+\.)?[A-Z][A-Za-z]*(?:Error|Exception): \S/.test(l));
  const line = lines[lines.length - 1];
  if (!line || line.length < 20) return false;
  const squash = (x: string) => x.replace(/\s+/g, ' ');
  const task = taskStatement(t);
  return squash(task).includes(squash(line)) || phraseInTask(line.slice(line.indexOf(': ') + 2), task);
}

// Words an error message shares with any text about errors: they tell no failure from another.
const GENERIC_WORDS = new Set('error errors exception failed fails failure invalid not the and for with was were has have had can cannot could unable object attribute type value name line file none this that from into when while but got expected'.split(' '));

/**
 * The task words the error's own way: the longest run of plain words in the
 * error's message (no value, number or quote inside it, words such as
 * "failed" or "invalid" trimmed from its ends), three words and 15
 * characters at least, stands in the task as one phrase. A database's
 * "FOREIGN KEY constraint failed" where the issue says "the foreign key
 * constraint … does correctly fail" is the reported bug, worded by another
 * layer (the driver, not the issue's ORM); "Expected 5 but got 3" has no such
 * run and is never the task's.
 */
function phraseInTask(detail: string, task: string): boolean {
  let best: string[] = [];
  for (const run of detail.split(/[^A-Za-z_\s]+/)) {
    const words = run.trim().split(/\s+/).filter(Boolean);
    while (words.length && GENERIC_WORDS.has(words[0]!.toLowerCase())) words.shift();
    while (words.length && GENERIC_WORDS.has(words.at(-1)!.toLowerCase())) words.pop();
    if (words.length > best.length) best = words;
  }
  if (best.length < 3 || best.join(' ').length < 15) return false;
  return new RegExp(`(^|[^A-Za-z0-9_])${best.join('\\s+')}([^A-Za-z0-9_]|$)`, 'i').test(task);
}

/** The task and the instructions as the run records them: the user's (or the task's) messages and the system prompt. */
export function taskText(t: Trace): string[] {
  let text = tasks.get(t);
  if (text) return text;
  const c = conversation(t);
  // An agent span's input is the task it was handed (smolagents' CodeAgent.run, an SDK's agent span).
  const handed = t.spans.filter((s) => s.kind === 'agent' || s.spanId === t.rootSpanId).map((s) => unjson(textOf(s.input))).filter((x) => x.length > 0);
  const opening = openingMessage(t);
  tasks.set(t, (text = [...c.user, ...c.system, ...handed, ...(opening ? [textOf(opening.output)] : [])]));
  return text;
}

/**
 * A group chat's opening message: the first turn of a run where several
 * agents speak, an agent turn at step 0 that no model call produced and that
 * restates the run's question. It is the task the chat was started with (AG2
 * files the manager's brief under the first expert's name), not that agent's
 * own work.
 */
export function openingMessage(t: Trace): Span | undefined {
  let o = openings.get(t);
  if (o !== undefined) return o ?? undefined;
  const agents = new Set(t.spans.map((s) => s.agentName).filter((a): a is string => typeof a === 'string' && a !== ''));
  // It restates the run's question: an agent's own first turn would not.
  const root = t.spans.find((s) => s.spanId === t.rootSpanId);
  const question = textOf(root?.input).replace(/\s+/g, ' ').trim().slice(0, 80);
  const first = agents.size > 1 && question.length >= 20 ? t.spans.find((s) => s.parentId === t.rootSpanId && s.kind === 'agent' && s.attributes?.['halo.step'] === 0 && textOf(s.input).trim() === '' && textOf(s.output).replace(/\s+/g, ' ').includes(question)) : undefined;
  openings.set(t, first ?? null);
  return first;
}

const openings = runMemo<Trace, Span | null>();

const tasks = runMemo<Trace, string[]>();

/** A JSON-encoded input (`{"task": "…"}`) as the text its strings hold, so code quoted in it reads as written. */
function unjson(text: string): string {
  const x = text.trim();
  if (!/^[[{]/.test(x)) return text;
  try {
    return stringsIn(JSON.parse(x), 6).join('\n');
  } catch {
    return text;
  }
}

/**
 * The agent got past the failure: a later call to the same tool succeeded
 * with different arguments (the corrected value).
 */
export function recoveredLater(t: Trace, failed: Span): boolean {
  const name = toolName(failed);
  const args = argumentText(failed);
  return indexTrace(t).tools.some((s) => s !== failed && s.startTime >= failed.endTime && isToolSpan(s) && toolName(s) === name && !isErrorSpan(s) && outcomeRecorded(s) && argumentText(s) !== args);
}
