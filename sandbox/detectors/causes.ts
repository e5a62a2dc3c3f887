// Causes a failing call's own record can show, each checked on the run's
// text: a Python module the environment lacks (and who named it), a required
// parameter the call left out (and whether the tool's declaration already
// said so), the task's own prescribed code failing, a placeholder credential
// in what ran, a helper's None being used, the service behind a tool failing
// (a transport error, or every call failing alike from one point on, calls
// that had worked among them). A cause is stated only when its
// check holds; otherwise nothing is claimed about why.
import type { Span, Trace } from '../../src/types.ts';
import { escapeRegExp, stringsIn, textOf } from './text.ts';
import { PACKED } from '../../src/ingest/formats/wiki-env.ts';
import { callKey, indexTrace, isErrorSpan, isToolSpan, toolName } from './trace-index.ts';
import { failureOf } from './origin.ts';
import { declarationFor, emittingCall } from './owner.ts';
import { taskText } from './provenance.ts';
import { runMemo } from './memo.ts';
import { quotesClose, readShell } from '../../src/ingest/shell-text.ts';
import { SHELL } from './program-lines.ts';

export interface MissingModule {
  module: string;
  /** `agent`: a command or script the model wrote names it; `environment`: nothing the agent wrote does. */
  source: 'agent' | 'environment';
  /** A later call installed it (pip/conda/uv) and did not fail. */
  installedLater: boolean;
  /** Source `agent`: an earlier call created a file or folder by that name. */
  created: boolean;
  /** Source `environment` although the agent's code names it: an earlier output shows the repository's own code importing it. */
  repoImports?: boolean;
  /** Source `environment` although the agent's code names it: a later install command the agent ran fetched it. */
  agentNamed?: boolean;
  /** The run shows a folder or file of that name in the workspace (outside installed packages), which no call of the agent made before: the path shown. */
  inWorkspace?: string;
}

export const NO_MODULE = /\b(?:ModuleNotFoundError|ImportError): No module named '([\w.]+)'/;

/** What the model wrote before or at `s`: tool-call arguments (commands, scripts, code). */
function writtenBefore(t: Trace, s: Span): string[] {
  // Tool-call arguments, and what the models said: frameworks where agents write code in their messages (ChatDev, group chats) run it from there.
  const tools = indexTrace(t).tools.filter((x) => x === s || x.startTime < s.startTime).map((x) => textOf(x.tool?.arguments));
  const said = t.spans.filter((x) => x.kind === 'llm' && x.endTime <= s.startTime).map((x) => textOf(x.output));
  return [...tools, ...said];
}

function wordIn(text: string, word: string): boolean {
  return new RegExp(`(^|[^\\w.])${word.replace(/\./g, '\\.')}(?![\\w])`).test(text);
}

// Import names whose package is published under another name (`import imblearn` is `pip install imbalanced-learn`).
const DISTRIBUTIONS: Record<string, string[]> = {
  imblearn: ['imbalanced-learn'], sklearn: ['scikit-learn'], skimage: ['scikit-image'], cv2: ['opencv-python', 'opencv-python-headless', 'opencv-contrib-python'],
  PIL: ['pillow'], yaml: ['pyyaml'], bs4: ['beautifulsoup4'], dateutil: ['python-dateutil'], dotenv: ['python-dotenv'],
  docx: ['python-docx'], pptx: ['python-pptx'], fitz: ['pymupdf'], Crypto: ['pycryptodome'], jwt: ['pyjwt'], attr: ['attrs'],
  serial: ['pyserial'], magic: ['python-magic'], google: ['google-api-python-client', 'protobuf'], OpenSSL: ['pyopenssl'],
};

export function missingModule(t: Trace, s: Span, message: string): MissingModule | null {
  const module = NO_MODULE.exec(message)?.[1];
  if (!module) return null;
  // A submodule ('django.contrib.migrations') is its own failure: the package may well be there.
  const written = writtenBefore(t, s);
  // "No module named 'a.b'; 'a' is not a package": something shadowed the package (a mock, a file named like it), nothing is missing.
  const shadowed = new RegExp(`No module named '${module.replace(/\./g, '\\.')}'; '[\\w.]+' is not a package`).test(message);
  const later = indexTrace(t).tools.filter((x) => x.startTime >= s.endTime && !isErrorSpan(x));
  const names = [module, ...(DISTRIBUTIONS[module.split('.')[0]!] ?? [])].map((n) => n.replace(/[-_]/g, '[-_]'));
  const install = new RegExp(`\\b(pip3?|python3? -m pip|conda|mamba|uv(?: pip)?|poetry)\\s+(install|add)\\b[^\\n]*?(^|[\\s'"=])(?:${names.join('|')})(?![\\w-])`, 'i');
  const installedLater = later.some((x) => install.test(textOf(x.tool?.arguments)));
  let source: MissingModule['source'] = shadowed || written.some((w) => wordIn(w, module)) ? 'agent' : 'environment';
  // A package an install command later fetched (and that command worked) is one the environment lacked, whoever's
  // script imported it: the index had it, the environment did not.
  let repoImports = false;
  if (source === 'agent' && !shadowed && repositoryImports(t, s, module)) {
    // The agent's script imports it, but so does the code under work: a dependency the environment should have had.
    source = 'environment';
    repoImports = true;
  }
  const fetched = source === 'agent' && !shadowed && installedLater;
  if (fetched) source = 'environment';
  const created = written.some((w) => new RegExp(`(^|[\\s/'"])${module}(\\.py\\b|/)|\\b(mkdir|touch)\\b[^\\n]*\\b${module}\\b`).test(w));
  // What an install later fetched was not in the workspace: what shows it there afterwards is the install's result.
  const inWorkspace = installedLater ? undefined : workspacePath(t, module, s);
  return { module, source, installedLater, created, ...(repoImports ? { repoImports } : {}), ...(fetched ? { agentNamed: true } : {}), ...(inWorkspace ? { inWorkspace } : {}) };
}

// Where installed packages live: a folder of that name there is the package installed, not the code under work.
const INSTALLED = /(?:site|dist)-packages|\/lib(?:64)?\/python\d|\/usr\/(?:local\/)?lib\/|\.egg\b|\/conda\/pkgs\/|\/\.?venv\//;

/**
 * A folder (or `.py` file) named like a top-level module the import could not
 * find, as a tool's output in the run shows it: a path in a listing, a `find`
 * or a traceback, or an `ls -l` entry. Installed packages' folders do not
 * count, nor one a call of the agent created before the output that shows it.
 * Such a module is part of the workspace: the Python that ran did not have its
 * folder's parent on the import path, whatever is installed.
 */
// A temporary folder is one something made while the run went on, not the workspace.
const TEMPORARY = /(?:^|\/)(?:tmp|temp)[\w.-]*\//i;

// A line that names a path to say it is not there.
const ABSENT = /No such file|cannot access|can't open|not found|does not exist|cannot find|No module named/i;

function lineAt(text: string, i: number): string {
  return text.slice(text.lastIndexOf('\n', i) + 1, (text.indexOf('\n', i) + 1 || text.length + 1) - 1);
}

export function workspacePath(t: Trace, module: string, failed: Span): string | undefined {
  // A submodule not found ('a.b') names a package that was found.
  if (module.includes('.') || module.length < 4) return undefined;
  const path = new RegExp(`(?:^|[\\s'"(\\[=:,])((?:[\\w.~-]*/)*)${module}(/|\\.py\\b)`, 'gm');
  const entry = new RegExp(`^([d-])[rwxsStT-]{9}\\S*\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\d+\\s+.+?\\s${module}(\\.py)?/?\\s*$`, 'm');
  const make = new RegExp(`\\b(?:mkdir|touch|tee|cp|mv|ln)\\b[^\\n]*\\b${module}\\b|>\\s*[\\w./~-]*\\b${module}(?:\\.py|/)`);
  const tools = indexTrace(t).tools;
  for (const x of tools) {
    // What the run showed when the import failed: outputs of calls made before it.
    if (x.startTime >= failed.startTime) break;
    const out = textOf(x.tool?.result);
    if (!out.includes(module)) continue;
    let shown: string | undefined;
    for (const m of out.matchAll(path)) {
      if (INSTALLED.test(m[1]!) || TEMPORARY.test(m[1]!) || ABSENT.test(lineAt(out, m.index!))) continue;
      // A file deeper in the tree is as likely a submodule of a package there (tests/dbshell/test_sqlite.py) as this module:
      // only one at the top, or directly in a folder that conventionally goes on the import path, is taken for it.
      if (m[2] === '.py' && m[1]!.replace(/^\.\//, '') !== '' && !/(?:^|\/)(?:tests?|testing|src|lib)\/$/.test(m[1]!)) continue;
      shown = `${m[1]}${module}${m[2]}`;
      break;
    }
    if (!shown) {
      const e = entry.exec(out);
      if (e && (e[1] === 'd' || e[2])) shown = `${module}${e[2] ?? '/'}`;
    }
    if (!shown) continue;
    // The agent's own folder or file, made before the output that shows it, is the agent's: not the workspace's.
    const made = tools.some((y) => y.startTime <= x.startTime && (make.test(textOf(y.tool?.arguments)) || (/"command":\s*"create"/.test(JSON.stringify(y.tool?.arguments ?? '')) && new RegExp(`\\b${module}(?:\\.py|/)`).test(JSON.stringify(y.tool?.arguments ?? '')))));
    if (!made) return shown;
  }
  return undefined;
}

/**
 * An earlier tool output (a file the agent read) shows code importing the
 * module at the start of a line, and that code is not the agent's own: the
 * line and the one after it are not in anything the agent wrote, and it is
 * not a traceback quoting a frame's source.
 */
function repositoryImports(t: Trace, s: Span, module: string): boolean {
  const esc = module.replace(/\./g, '\\.');
  const line = new RegExp(`^[\\s\\d:|-]*(?:import ${esc}\\b(?!\\.)|from ${esc} import\\b)[^\\n]*`, 'gm');
  const written = indexTrace(t).tools.filter((x) => x.startTime <= s.startTime).flatMap((x) => stringsIn(x.tool?.arguments)).join('\n');
  const norm = (x: string) => x.replace(/^[\s\d:|-]*/gm, '').replace(/\s+/g, ' ').trim();
  const mine = norm(written);
  return indexTrace(t).tools.some((x) => {
    if (x === s || x.endTime > s.startTime) return false;
    const out = textOf(x.tool?.result);
    return [...out.matchAll(line)].some((m) => {
      const before = out.slice(Math.max(0, m.index! - 300), m.index!);
      if (/File "[^"\n]*", line \d+[^\n]*\n\s*$/.test(before)) return false;
      // The line with its nearest non-blank neighbours: code the agent wrote shows up with its own.
      const prev = before.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
      const next = out.slice(m.index! + m[0].length).split('\n').map((l) => l.trim()).filter(Boolean)[0] ?? '';
      return !mine.includes(norm(`${prev}\n${m[0]}\n${next}`));
    });
  });
}

export interface MissingParameter {
  params: string[];
  /** The declaration the calling model was offered lists every one of them as required; null when the run records no declaration of the tool. */
  declaredRequired: boolean | null;
  /** Some of them are required only by a property's description, not the schema's `required`. */
  inProseOnly?: boolean;
  /** The model's own message that emitted the call names one of them: it knew, and the call still left it out. */
  namedInReply?: boolean;
  /** The call carries one of them as an empty string: sent empty, not left out. */
  sentEmpty?: boolean;
}

/** The arguments hold this key, at any depth, as an empty string. */
function emptyKey(v: unknown, key: string, depth = 0): boolean {
  if (depth > 8 || v == null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => emptyKey(x, key, depth + 1));
  return Object.entries(v).some(([k, x]) => (k === key && x === '') || emptyKey(x, key, depth + 1));
}

// Ways tools say a parameter was missing: OpenHands/SWE-agent editors,
// Python's TypeError, JSON Schema validators, pydantic ("dob\n  Field required [type=missing").
const MISSING_PARAM: RegExp[] = [
  /\bParameter [`'"]?(\w+)[`'"]? is required\b/g,
  /\bmissing (?:\d+ )?required (?:positional |keyword-only )?arguments?: ((?:'\w+'(?:,? (?:and )?)?)+)/g,
  /'(\w+)' is a required property/g,
  /^(?:[\w.]+\.)?(\w+)\n\s+Field required \[type=missing/gm,
  /\bMissing required (?:parameter|argument|field|property)s?:? [`'"]?(\w+)/gi,
];

/** Every key anywhere in a value that holds something (a null or empty value is a harness filling in the parameter, not the model sending it). */
function keysOf(v: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 8 || v == null || typeof v !== 'object') return out;
  if (Array.isArray(v)) for (const x of v) keysOf(x, out, depth + 1);
  else
    for (const [k, x] of Object.entries(v)) {
      if (x != null && x !== '') out.add(k);
      keysOf(x, out, depth + 1);
    }
  return out;
}

/**
 * Every parameter a JSON Schema says is required: listed under `required`
 * anywhere, or a property whose own description says it is ("Required
 * parameter of `str_replace` command").
 */
function requiredIn(schema: unknown, out = { listed: new Set<string>(), prose: new Set<string>() }, depth = 0): { listed: Set<string>; prose: Set<string> } {
  if (depth > 10 || schema == null || typeof schema !== 'object') return out;
  if (Array.isArray(schema)) for (const x of schema) requiredIn(x, out, depth + 1);
  else
    for (const [k, x] of Object.entries(schema)) {
      if (k === 'required' && Array.isArray(x)) for (const r of x) if (typeof r === 'string') out.listed.add(r);
      if (k === 'properties' && x && typeof x === 'object')
        for (const [p, d] of Object.entries(x)) if (d && typeof d === 'object' && /\brequired\b/i.test(String((d as { description?: unknown }).description ?? ''))) out.prose.add(p);
      requiredIn(x, out, depth + 1);
    }
  return out;
}

/** The error names parameters as required and the call's arguments hold none of them. */
export function missingParameter(t: Trace, s: Span, message: string): MissingParameter | null {
  if (!isToolSpan(s)) return null;
  const args = s.tool?.arguments;
  if (!args || typeof args !== 'object') return null;
  const text = `${message}\n${textOf(s.tool?.result).slice(0, 4000)}`;
  const params = new Set<string>();
  for (const re of MISSING_PARAM) for (const m of text.matchAll(re)) for (const p of m[1]!.matchAll(/\w+/g)) if (p[0] !== 'and') params.add(p[0]);
  if (!params.size) return null;
  const keys = keysOf(args);
  if ([...params].some((p) => keys.has(p))) return null;
  // Sent, but empty: the model wrote the key with nothing in it (a harness's filled-in nulls are not the model's).
  const sentEmpty = [...params].some((p) => emptyKey(args, p));
  const said = textOf(emittingCall(t, s)?.output);
  const namedInReply = [...params].some((p) => new RegExp(`(^|[^\\w])${p}(?!\\w)`).test(said) && !said.includes(textOf(args)));
  const extra = { ...(namedInReply ? { namedInReply } : {}), ...(sentEmpty ? { sentEmpty } : {}) };
  const decl = declarationFor(t, s);
  if (!decl || decl === 'conflict') return { params: [...params].sort(), declaredRequired: null, ...extra };
  const { listed, prose } = requiredIn(decl.schema);
  const declaredRequired = [...params].every((p) => listed.has(p) || prose.has(p));
  return { params: [...params].sort(), declaredRequired, ...(declaredRequired && [...params].some((p) => !listed.has(p)) ? { inProseOnly: true } : {}), ...extra };
}

/**
 * The line a code runner says failed ("Code execution failed at line 'X' due
 * to") is code the task or the instructions give verbatim: the prescribed
 * call itself failed, not code the model made up.
 */
export function prescribedLine(t: Trace, message: string): string | null {
  const line = /\bat line '([\s\S]{8,400}?)'\s+due to\b/.exec(message)?.[1]?.trim();
  if (!line) return null;
  const norm = (x: string) => x.replace(/\s+/g, '');
  const want = norm(line);
  return taskText(t).some((x) => norm(x).includes(want)) ? line : null;
}

// Credentials a model writes when it has none: YOUR_API_KEY, <your-token>, "your_api_key_here", sk-xxxx.
const PLACEHOLDER = /\b(YOUR_[A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS?)[A-Z0-9_]*|your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret)(?:[-_ ]?here)?|sk-x{4,}|<\s*(?:your[-_ ]?)?(?:api[-_ ]?key|access[-_ ]?token|token|secret)\s*>)\b/;
const CREDENTIAL_ERROR = /\b(api[-_ ]?key|token|credential|unauthori[sz]ed|authenticat|forbidden|401|403|REQUEST_DENIED|invalid key|access denied)/i;

/** What ran (the code or command) holds a placeholder credential, and the error is about credentials or raised by that code. */
export function placeholderCredential(t: Trace, s: Span, message: string, code: string): string | null {
  const hit = PLACEHOLDER.exec(code)?.[1];
  if (!hit) return null;
  const result = `${message}\n${textOf(s.tool?.result ?? s.output).slice(0, 4000)}`;
  return CREDENTIAL_ERROR.test(result) || /\braise\b/.test(code) ? hit : null;
}

/**
 * A NoneType error whose failing line uses a variable the code assigned from
 * one call (`results = perform_web_search(q)` … `for r in results:`): that
 * call returned None. The traceback's failing source line must be in the
 * code that ran.
 */
export function noneFrom(message: string, result: string, code: string): string | null {
  if (!/'NoneType' object (is not (iterable|subscriptable)|has no attribute)/.test(message)) return null;
  // A file name may itself hold quotes (AG2 names scripts after their first comment line).
  const frames = [...result.matchAll(/^\s*File "[^\n]*?", line \d+, in [^\n]*\n\s{2,}(\S[^\n]*)$/gm)];
  const src = frames.at(-1)?.[1]?.trim();
  if (!src || !code.includes(src)) return null;
  const attr = /has no attribute '(\w+)'/.exec(message)?.[1];
  // The variable must be used where None fails the way the message says: iterated, indexed, or its named attribute read.
  const usedAsNone = (v: string) =>
    attr ? new RegExp(`\\b${v}\\s*\\.\\s*${attr}\\b`).test(src)
    : /subscriptable/.test(message) ? new RegExp(`\\b${v}\\s*\\[`).test(src)
    : new RegExp(`\\bin\\s+${v}\\s*(:|$|\\))|\\b(list|tuple|set|sorted|enumerate|zip|len|dict)\\(\\s*${v}\\s*[,)]`).test(src);
  // A call on the failing line itself: `for r in search(q):`, `soup.find('td').text`, `f(x)[0]`.
  const call = '((?:\\w+\\.)*\\w+)\\((?:[^()]|\\([^()]*\\))*\\)';
  const inline = attr ? new RegExp(`${call}\\s*\\.\\s*${attr}\\b`) : /subscriptable/.test(message) ? new RegExp(`${call}\\s*\\[`) : new RegExp(`\\bin\\s+${call}\\s*:`);
  const direct = inline.exec(src)?.[1];
  if (direct) return direct;
  // The last assignment in the code that the failing line uses as None.
  let from: string | null = null;
  for (const m of code.matchAll(/^[ \t]*(\w+)\s*=\s*((?:\w+\.)*\w+)\s*\(/gm)) {
    if (usedAsNone(m[1]!) && !new RegExp(`^[ \\t]*${m[1]}\\s*=`, 'm').test(src)) from = m[2]!;
  }
  return from;
}

/**
 * The call's command or code is the model's own text as written: the source
 * records the call as the model emitted it, or the reply that emitted it holds
 * the command verbatim. False where the source says the call is the harness's
 * record of what it parsed out of the reply (`halo.harness_parsed`: the
 * harness may have changed it on the way) and the reply does not hold it.
 */
export function asWritten(t: Trace, s: Span): boolean {
  if (s.attributes?.['halo.harness_parsed'] !== true) return true;
  const code = squashed(codeOf(s));
  return code !== '' && squashed(textOf(emittingCall(t, s)?.output)).includes(code);
}

const squashed = (x: string) => x.replace(/\s+/g, ' ').trim();

/**
 * The model's reply ends inside the code block that the call ran: the reply
 * opens a fence it never closes, and what ran is that block's text (its last
 * line is in it). The code that failed is not a block the model finished.
 * The reply's length and how much of the block follows what ran (the parse,
 * not the reply, stopped there when much does), or null.
 */
export function cutBlock(t: Trace, s: Span): { reply: number; after: number } | null {
  const reply = textOf(emittingCall(t, s)?.output);
  const fences = reply.match(/```/g)?.length ?? 0;
  if (fences % 2 === 0) return null;
  const last = codeOf(s).trimEnd().split('\n').at(-1)?.trim();
  if (!last || last.length < 3) return null;
  const block = reply.slice(reply.lastIndexOf('```'));
  if (!squashed(block).includes(squashed(last))) return null;
  // Where what ran stops in the reply: at its end (the reply stopped there), or well before it (the parse stopped there).
  const at = block.lastIndexOf(last);
  const after = at < 0 ? 0 : block.slice(at + last.length).trim().length;
  return { reply: reply.length, after };
}

/**
 * A call whose model reply differs from the reply of the call before it to
 * the same tool while the action parsed from both is the same: the harness's
 * parse made them one action.
 */
export function sameParse(t: Trace, s: Span): boolean {
  if (!isToolSpan(s)) return false;
  const before = indexTrace(t).tools.filter((x) => x.startTime < s.startTime && toolName(x) === toolName(s)).at(-1);
  if (!before || codeOf(before) !== codeOf(s) || !codeOf(s)) return false;
  const [a, b] = [textOf(emittingCall(t, before)?.output), textOf(emittingCall(t, s)?.output)];
  if (a === '' || b === '' || squashed(a) === squashed(b)) return false;
  // Replies whose code blocks are the same, around other words (a Thought reworded), repeated their code themselves.
  const blocks = (x: string) => squashed([...x.matchAll(/```[\w-]*\n?([\s\S]*?)(?:```|$)/g)].map((m) => m[1]!).join('\n'));
  return blocks(a) !== blocks(b);
}

/**
 * The line the error shows is a Markdown fence (```) inside the code that
 * ran: the reply's markup went into the program (two blocks run as one file,
 * a fence written into the code). Python points at the fence as the bad
 * syntax.
 */
export function fenceRan(s: Span, result: string): boolean {
  const code = codeOf(s);
  // Python points at the fence line; a shell finds the fence's backticks an unclosed command substitution.
  return (/^\s*File "[^"\n]+", line \d+\n\s*```\w*\s*\n/m.test(result) && /^\s*```/m.test(code)) || (/unexpected EOF while looking for matching ``'/.test(result) && code.includes('```'));
}

/** Argument names under which a call hands over the code or command to run. */
export const CODE_KEYS = ['code', 'command', 'cmd', 'script', 'shell'];

/** What a tool call ran: its code or command argument as written, else its arguments as text. */
export function codeOf(s: Span): string {
  const args = s.tool?.arguments;
  if (args && typeof args === 'object' && !Array.isArray(args)) {
    const o = args as Record<string, unknown>;
    for (const k of CODE_KEYS) if (typeof o[k] === 'string') return o[k] as string;
  }
  return textOf(args);
}

/**
 * An action that stops part-way, sent again whole: the next call of the same
 * tool in the run begins with this call's command (and ends it, or only closes it).
 * The model knew the format; what it wrote was cut before it ended.
 */
export function resentWhole(t: Trace, s: Span): boolean {
  // Several whole actions in one step (wiki-env.ts `packedActions`) did not stop part-way: a longer one next is more actions.
  if (actionUnparsed(s) === PACKED) return false;
  // A call the harness could not parse carries the reply's text, `execute[` and all.
  const squash = (x: string) => squashed(x).replace(/^execute\s*\[\s*/, '');
  const cut = squash(codeOf(s));
  if (cut.length < 8) return false;
  const tools = indexTrace(t).tools;
  const next = tools.slice(tools.indexOf(s) + 1).find((x) => x.tool?.name === s.tool?.name);
  if (!next) return false;
  const whole = squash(codeOf(next));
  return whole.startsWith(cut);
}

/** What the source says the harness could not parse in the reply that made this call (`halo.action_unparsed`), or null. */
export function actionUnparsed(s: Span): string | null {
  const v = s.attributes?.['halo.action_unparsed'];
  return typeof v === 'string' && v !== '' ? v : null;
}


/**
 * The line a shell says it ran (bash's "-c: line N: `…'") is not in the
 * command the call carries: what ran is not what the call holds. `stripped`
 * when that line is the command with its double quotes and backslashes
 * removed (the whole command or its start); `split` when bash names a word
 * of the command where it names itself. Null when the output shows none of these (or a quote left open that
 * the command closes, below).
 */
export function ranOtherwise(s: Span, result: string, opts: { evenIfOwn?: boolean } = {}): { line: string | null; stripped: boolean; split?: string } | null {
  const command = codeOf(s);
  if (!command) return null;
  const line = /-c: line \d+: `([^\n]+)'\s*$/m.exec(result)?.[1];
  if (line && !squashed(command).includes(squashed(line))) return { line, stripped: squashed(command.replace(/["\\]/g, '')).includes(squashed(line)) };
  // bash names itself at the head of its messages (its $0: "bash", "/bin/bash"). A word of the command there means
  // the command reached `bash -c` split into words, and bash ran only the first of them (`bash -c "if … echo "
  // process is running…`): what ran is not the command.
  // A runtime error names the script "<$0>: line N:" without "-c:"; there a bare word may be a program's own name
  // (awk's "awk: line 1: syntax error"), so only a piece that no program is named by (`$(cat`) counts.
  const zero = /^([^\n]{1,80}?): -c: line \d+:/m.exec(result)?.[1]?.trim() ?? /^([^\n]{1,80}?): line \d+:/m.exec(result)?.[1]?.trim().replace(/^[\w./-]+$/, '');
  const word = zero && !SHELL.test(zero) ? new RegExp(`(?:^|[\\s"'])${escapeRegExp(zero)}(?:$|[\\s"'])`) : null;
  // The word as the command holds it, or with the double quotes and backslashes the split took away.
  const open = /unexpected EOF while looking for matching `(["')])'/.exec(result)?.[1];
  // A quote the command as written leaves open fails it the same way, split or not: the failure is the command's.
  // (`evenIfOwn` asks only whether what ran differs, as the finding about the change itself does.)
  const ownOpen = !opts.evenIfOwn && open !== undefined && !quotesClose(command);
  if (word && !ownOpen && (word.test(command) || word.test(command.replace(/["\\]/g, '')))) return { line: null, stripped: false, split: zero! };
  if (line) return null;
  // The shell found a quote left open that the command as written closes (InterCode's `bash -c "<command>"` ends the
  // wrapping at the command's own first double quote): what ran is not the command. Heredocs and fences are left out.
  if (open && !command.includes('<<') && !command.includes('```') && quotesClose(command)) return { line: null, stripped: false };
  return null;
}


/**
 * The file a traceback's last frame is in, when the agent's own calls wrote
 * or edited it earlier in the run (a `sed -i` on it, a heredoc or redirect
 * into it, an editor tool call naming it), or it is the script the failing
 * command itself writes: the code that failed is the agent's. Null otherwise.
 */
export function editedFile(t: Trace, s: Span, result: string): string | null {
  // What ran may not be what the model wrote (a harness's parse of the reply): that the code is the agent's is not shown.
  if (!asWritten(t, s)) return null;
  const frames = [...result.matchAll(/^\s*File "([^\n]+?)", line \d+/gm)].map((m) => m[1]!);
  const last = frames.at(-1);
  if (!last) return null;
  if (last.startsWith('<')) {
    // Code given inline (`python -c "…"`, a heredoc into python, an eval in the agent's own script) is the model's.
    if (!/^<(string|stdin)>$/.test(last)) return null;
    const own = textOf(s.tool?.arguments);
    if (/\bpython[\d.]*\s+(-c\b|-\s*<<)/.test(own) && frames.length === 1) return 'the command itself';
    const caller = frames.slice(0, -1).reverse().find((f) => !f.startsWith('<'));
    return caller ? writtenByAgent(t, s, caller) : null;
  }
  return writtenByAgent(t, s, last);
}

/** The file's base name when the agent's calls up to `s` wrote or edited it (or `s` itself writes it); else null. */
function writtenByAgent(t: Trace, s: Span, file: string): string | null {
  const base = file.split('/').pop()!;
  if (base.length < 4) return null;
  const esc = escapeRegExp(base);
  // The path's last two parts, so a script that names `models.py` of another package is not taken for an edit of this one.
  const tail = file.split('/').slice(-2).join('/');
  const writes = new RegExp(`(sed\\s+-i[^\\n]*|>>?\\s*[^\\s]*|tee\\s+[^\\s]*|cat\\s*>+\\s*[^\\s]*|cp\\s+[^\\n]*|mv\\s+[^\\n]*|"(?:path|file|filename|file_path)"\\s*:\\s*"[^"]*)${esc}\\b`);
  // A Python script that opens the file for writing (`open('…/models.py', 'w')`, `write_text`).
  const pyWrite = /\bopen\([^)\n]*,\s*['"][wa]\+?['"]|\.write_text\(|\bfileinput\.input\([^)]*inplace/;
  for (const x of indexTrace(t).tools) {
    if (x !== s && x.startTime > s.startTime) continue;
    if (!asWritten(t, x)) continue;
    const args = textOf(x.tool?.arguments);
    if (writes.test(args)) return base;
    if (x !== s && args.includes(tail) && pyWrite.test(args)) return base;
    // An editor tool (str_replace_editor, write_file) writing the file.
    if (x !== s && /\b(edit|write|replace|create|patch|insert)/i.test(x.tool?.name ?? '') && args.includes(base)) return base;
  }
  return null;
}

/**
 * The path an "already exists" error names was created by the agent's own
 * earlier call in the run (a create that succeeded, naming that path): the
 * agent is creating again what it made itself. Null otherwise.
 */
export function createdEarlier(t: Trace, s: Span, message: string): string | null {
  if (!/\balready exists\b/i.test(message)) return null;
  const path = /(\/[\w.\/-]*\w|\b[\w-]+\.[A-Za-z]{1,5}\b)/.exec(message)?.[1];
  if (!path || path.length < 4) return null;
  const made = indexTrace(t).tools.some((x) => x !== s && x.endTime <= s.startTime && !isErrorSpan(x) && stringsIn(x.tool?.arguments).some((a) => a === path || a.includes(path)) && /\b(create|write|touch|mkdir|>)/i.test(textOf(x.tool?.arguments)));
  return made ? path : null;
}

/**
 * The call got no answer from the service behind the tool: a redirect loop, a
 * server error (5xx), a connection that failed. Not a rejection of the inputs.
 */
const TRANSPORT = /\bExceeded \d+ redirects?\b|\btoo many redirects\b|\bstatus[_ ]?code\W{0,3}5\d\d\b|\bHTTP(?:\/[\d.]+)?\s+5\d\d\b|\b5\d\d\s+(?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b|\bInternal Server Error\b|\bBad Gateway\b|\bMax retries exceeded\b|\bConnection (?:refused|reset|aborted)\b|\bName or service not known\b|\bgetaddrinfo\b|\bNewConnectionError\b|\bRemoteDisconnected\b|\bE(?:CONNREFUSED|CONNRESET|NOTFOUND)\b|\bfailed to (?:send|connect|reach)\b[^\n]{0,80}\b(?:web)?socket\b/i;

export interface BackendFailure {
  /** `transport`: the error is a transport or server failure; `outage`: from one call on, every call in the run failed alike, calls that had worked before among them. */
  kind: 'transport' | 'outage';
  /** What the error says. */
  text: string;
}

/**
 * The service behind a tool failed, whatever the call sent: its error is a
 * transport or server failure (for a tool that is not a code runner: a
 * runner's text is what the program it ran printed), or the call is part of
 * an outage (`outageOf`). Null when neither is shown.
 */
export function backendFailure(t: Trace, s: Span, message: string, runner: boolean): BackendFailure | null {
  if (!isToolSpan(s)) return null;
  // A JSON-quoted message keeps its line breaks as `\n`, which would hide a word's start.
  const hit = runner ? null : TRANSPORT.exec(message.replace(/\\[nrt]/g, ' '));
  if (hit) return { kind: 'transport', text: hit[0] };
  if (outageOf(t).has(s)) return { kind: 'outage', text: message.trim().split('\n')[0]!.slice(0, 120) };
  return null;
}

const outages = runMemo<Trace, Set<Span>>();

/** An HTTP service's status in an error: the service answered, with a client or server error. */
const HTTP_STATUS = /\b(?:status[_ ]?code\W{0,3}|HTTP(?:\/[\d.]+)?\s+)[45]\d\d\b|\b[45]\d\d (?:Bad Request|Unauthorized|Forbidden|Not Found|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable)\b/i;

/**
 * The run's last tool calls, from the point where every call failed with one
 * and the same error text to the end: an HTTP service's status (an
 * environment's own "invalid action" depends on its state, not on a service),
 * at least 3 calls, not all the same call (another tool or other arguments),
 * and at least one of them a call (tool and arguments) that worked earlier in
 * the run. What the agent sent did not matter there: the same inputs that had
 * worked failed too. Empty otherwise.
 */
export function outageOf(t: Trace): Set<Span> {
  let out = outages.get(t);
  if (out) return out;
  out = new Set();
  const calls = indexTrace(t).tools;
  const text = calls.length ? failureOf(t, calls[calls.length - 1]!)?.trim() : undefined;
  if (text && HTTP_STATUS.test(text)) {
    let start = calls.length - 1;
    while (start > 0 && failureOf(t, calls[start - 1]!)?.trim() === text) start--;
    const tail = calls.slice(start);
    const worked = new Set(calls.slice(0, start).filter((c) => !isErrorSpan(c) && failureOf(t, c) === null).map(callKey));
    if (tail.length >= 3 && new Set(tail.map(callKey)).size >= 2 && tail.some((c) => worked.has(callKey(c)))) out = new Set(tail);
  }
  outages.set(t, out);
  return out;
}

/**
 * A NameError for a name the code that ran uses and nowhere defines, imports
 * or assigns (a `def`, `class`, `import … name`, `as name`, `name =`, a `for`
 * target): the code is incomplete as it ran. Null otherwise, or when what ran
 * may not be what the model wrote (`asWritten`).
 */
export function undefinedName(t: Trace, s: Span, message: string): string | null {
  const name = /\bNameError: name '(\w+)' is not defined/.exec(message)?.[1];
  if (!name || !isToolSpan(s) || !asWritten(t, s)) return null;
  const code = codeOf(s);
  if (!new RegExp(`\\b${name}\\b`).test(code)) return null;
  return binds(code, name) ? null : name;
}

function binds(code: string, name: string): boolean {
  return new RegExp(`\\b(?:def|class)\\s+${name}\\b|\\bimport\\b[^\\n]*\\b${name}\\b|\\bas\\s+${name}\\b|(?:^|[^\\w.])${name}\\s*(?:,[^=\\n]*)?=(?!=)|\\bfor\\b[^\\n]*\\b${name}\\b[^\\n]*\\bin\\b|\\bglobal\\s+[^\\n]*\\b${name}\\b`).test(code);
}

const TIMED_OUT = /\btimed out\b/i;
// What restarts or interrupts an interpreter between calls: a notebook's package install (IPython restarts the kernel
// after `%pip install` in some harnesses), an explicit reset or restart, or a call the harness interrupted for its time.
const RESTARTS = /(?:^|\n)\s*[%!]\s*pip3?\s+install\b|%reset\b|\brestart(?:ed|ing)?\s+(?:the\s+)?kernel\b|\bkernel\s+(?:restart|died)|\btimed out\b[^\n]*\b(?:SIGINT|interrupt)|\bKeyboardInterrupt\b/i;

/**
 * A name the failing code uses without binding it, that an earlier call to
 * the same interpreter bound and ran without error, with a call between them
 * whose code or output restarted or interrupted the interpreter: the code
 * relied on state the interpreter no longer had. The earlier call and the
 * restart nearest the failure; null when the run shows no such pair (a runner
 * that starts each block afresh, AG2's, never held the name).
 */
export function lostName(t: Trace, s: Span, name: string): { boundAt: Span; restartAt: Span } | null {
  const calls = indexTrace(t).tools.filter((x) => x.startTime < s.startTime && toolName(x) === toolName(s));
  let boundAt: Span | undefined;
  for (const x of calls) if (!isErrorSpan(x) && failureOf(t, x) === null && binds(codeOf(x), name)) boundAt = x;
  if (!boundAt) return null;
  // The restart nearest the failure: an install that itself failed restarted nothing, and a later one is what cleared it.
  const restartAt = calls.filter((x) => {
    if (x.startTime <= boundAt!.startTime || !(RESTARTS.test(codeOf(x)) || RESTARTS.test(textOf(x.tool?.result)))) return false;
    const failed = failureOf(t, x);
    return failed === null || TIMED_OUT.test(failed);
  }).at(-1);
  return restartAt ? { boundAt, restartAt } : null;
}

export interface FlatCode {
  /** The start of the one-line code, for the finding's example. */
  example: string;
  /** The model's reply that emitted the call holds the same code with line breaks (true), as one line too (false), or is not recorded or does not hold it (null). */
  replyBroken: boolean | null;
}

// A statement that must start a line of its own, or a block's indented body, after a run of spaces: where a line break
// (and the next line's indentation) stood before something turned it into spaces.
const JOINED = /\S {2,}(?:def|class|import|from|return|for|while|if|elif|else|with|try|except|finally|print|raise)\b|: {2,}\S/;

/**
 * Code a runner could not parse that reached it as one line, though it reads
 * as lines joined by spaces (`import re  def f(s):     return …`): Python
 * cannot parse those lines as one. Whether the model wrote it so or the line
 * breaks were lost on the way is told by the model's reply, when the run
 * records it.
 */
export function flattenedCode(t: Trace, s: Span, message: string): FlatCode | null {
  if (!/SyntaxError|invalid syntax|unexpected indent|IndentationError|unindent does not match/.test(message)) return null;
  const code = codeOf(s).trim();
  if (!code || code.includes('\n') || !JOINED.test(code)) return null;
  const reply = textOf(emittingCall(t, s)?.output);
  let replyBroken: boolean | null = null;
  const words = code.replace(/^```\w*\s*|\s*```$/g, '').split(/\s+/).filter(Boolean).slice(0, 40);
  if (reply.trim() && words.length) {
    const found = new RegExp(words.map(escapeRegExp).join('\\s+')).exec(reply);
    if (found) replyBroken = found[0].includes('\n');
  }
  return { example: code.slice(0, 80), replyBroken };
}

export interface HelperFrame {
  /** The file the traceback ends in, and the function of that frame. */
  file: string;
  func: string;
}

/**
 * The traceback ends inside a module the code that ran imports by name
 * (`from functions import get_youtube_caption`) that no call of the run
 * wrote, outside installed packages: code the environment provides (a helper
 * the agents are given), not the agent's own. Its failure is raised there,
 * whatever the agent passed it.
 */
export function helperFrame(t: Trace, s: Span, result: string): HelperFrame | null {
  const frames = [...result.matchAll(/^\s*File "([^"\n]+?)", line \d+, in ([\w<>]+)/gm)];
  const last = frames.at(-1);
  if (!last || frames.length < 2) return null;
  const file = last[1]!;
  const func = last[2]!;
  if (file.startsWith('<') || func === '<module>' || INSTALLED.test(file)) return null;
  const base = file.split('/').pop()!;
  const mod = /^(\w+)\.py$/.exec(base)?.[1];
  if (!mod) return null;
  const code = codeOf(s);
  if (!new RegExp(`^\\s*(?:from\\s+${mod}\\s+import\\b|import\\s+${mod}\\b)`, 'm').test(code)) return null;
  if (writtenByAgent(t, s, file)) return null;
  return { file: base, func };
}

/**
 * The error names a class of `__main__` (the program the command ran as a
 * script) that the agent's own writing defines (`class Name(` in a call it
 * made, up to the failing one): what the error says of that class is about
 * the agent's code, whichever library raised it.
 */
export function mainClass(t: Trace, s: Span, message: string): string | null {
  const name = /\b__main__\.([A-Za-z_]\w*)/.exec(message)?.[1];
  if (!name) return null;
  const def = new RegExp(`\\bclass\\s+${name}\\s*[(:]`);
  const written = indexTrace(t).tools.filter((x) => x === s || x.startTime < s.startTime).some((x) => def.test(stringsIn(x.tool?.arguments).join('\n')));
  return written ? name : null;
}

// An HTML character reference: what `&`, `<`, `>` and quotes become in markup.
const CHARACTER_REFERENCE = /&(?:amp|lt|gt|quot|apos|#\d{2,3}|#x[\da-f]{2});/i;

/**
 * A command that holds an HTML character reference where the shell reads operators (outside quotes: `&amp;&amp;` for
 * `&&`, `&gt;` for `>`), and a shell that could not parse it at an `&`, `;`, `<` or `>`: bash reads `&amp;` as `&` then
 * `amp;`. The reference found, or null. Inside quotes (a URL's `?a=1&amp;b=2`) it is data, not an operator.
 */
export function htmlEscaped(s: Span, message: string): string | null {
  if (!/syntax error near unexpected token `[^'\n]*[;&<>][^'\n]*'/.test(message)) return null;
  return CHARACTER_REFERENCE.exec(readShell(codeOf(s)).bare)?.[0] ?? null;
}
