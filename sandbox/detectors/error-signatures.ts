// Error spans grouped by where they happen (tool or span name) and their
// normalized message, so "timeout after 30s on order 123" and "timeout after
// 31s on order 456" are one failure, not two.
import type { FindingInput } from '../../src/findings/schema.ts';
import { HARNESS_REFUSED, type Span, type Trace } from '../../src/types.ts';
import { normalizeMessage } from '../../src/ingest/signature.ts';
import { buildFinding, count, shareText, type Citation, minPatternTraces } from './finding.ts';
import { excerpt, firstLine, textOf } from './text.ts';
import { agentOf, declaredInTrace, errorMessage, indexTrace, isErrorSpan, isToolSpan, outcomeRecorded, toolName, callTarget, dispatchedTool } from './trace-index.ts';
import { BARE_OS_ERROR, failureOf, firstCodeLine, originAgent, originErrors, requestingTurn, squash } from './origin.ts';
import { probeOf, receivingCall } from './received.ts';
import { PROVIDER_CAPACITY } from './provider-capacity.ts';
import { createdLater, openingMessage, recoveredLater, reportedByTask, taskText, valueOrigin, type ValueSource } from './provenance.ts';
import { acknowledges, replyText } from './ignored-errors.ts';
import { jsonErrorText, resultText } from './error-text.ts';
import { emptyResult, outputBody, SEARCH_FOUND_NOTHING } from './nothing-back.ts';
import { outcomeFailed, outcomeJudged, runErrored } from './outcomes.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { join, type JoinRules } from './accumulate.ts';
import { otherProgramFailures } from './program-lines.ts';
import { namedThings, unseenName } from './unseen-names.ts';
import { actionUnparsed, asWritten, htmlEscaped, cutBlock, fenceRan, lostName, sameParse, flattenedCode, helperFrame, mainClass, resentWhole, backendFailure, undefinedName, CODE_KEYS, codeOf, createdEarlier, ranOtherwise, editedFile, missingModule, missingParameter, NO_MODULE, noneFrom, placeholderCredential, prescribedLine } from './causes.ts';

/** The error text part of a group's signature (multi-agent signatures lead with the span). */
function errorSignature0(g: Group): string {
  return g.component.startsWith('agent:') && g.signature.startsWith(g.where) ? g.signature.slice(g.where.length + 1) : g.signature;
}

/** Span names that differ only by a number or an id ("Step 6", "Step 10") name one place. */
export function normalizeSpanName(name: string): string {
  return normalizeMessage(name, 120);
}

export function spanComponent(s: Span): string {
  if (isToolSpan(s)) return `tool:${callTarget(s)}`;
  if (s.kind === 'llm') return `model:${s.model ?? s.name}`;
  const name = String(s.name ?? '');
  // An HTTP call is its method and endpoint (ids and the query left out): two endpoints are two places, whatever the normalizer makes of URLs.
  const http = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:https?:\/\/)?([^\s?#]+)/.exec(name);
  if (http) return `span:${http[1]} ${http[2]!.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}(?=\/|$)/gi, '/<id>').replace(/\/\d+(?=\/|$)/g, '/<n>')}`;
  return `span:${normalizeSpanName(name)}`;
}

// An exception class named in the text ("… due to: TypeError: …",
// "litellm.RateLimitError: …") identifies the failure; what follows it is the
// occurrence's own detail. A bare "Error:" is not a class.
const EXCEPTION_CLASS = /\b[A-Za-z_][\w.]*[a-z](?:Error|Exception|Exit|Interrupt)\b/;
// Code quoted by an interpreter's message ("failed at line '<code>' due to")
// is the occurrence, not the failure.
const QUOTED_CODE = /\b(at|on) line '[\s\S]*?'(?=\s+due to\b)/;

// A traceback names its exception on a line of its own, last; other mentions
// (a `raise ValueError(` in a quoted code line) are the code, not the failure.
const EXCEPTION_LINE = /^[ \t]*((?:[A-Za-z_][\w]*\.)*[A-Za-z_]*[a-z](?:Error|Exception|Exit|Interrupt))\b(?=:|[ \t]*$)/gm;

function exceptionClass(msg: string): { name: string; start: number } | null {
  let last: RegExpExecArray | null = null;
  for (const m of msg.matchAll(EXCEPTION_LINE)) last = m;
  if (last) {
    // Keep what precedes the traceback only when it is short (an "exitcode: 1" status line).
    const before = msg.slice(0, last.index).split('\n')[0]!;
    return { name: last[1]!, start: before.length <= 80 ? before.length : 0 };
  }
  const m = EXCEPTION_CLASS.exec(msg);
  return m ? { name: m[0], start: m.index } : null;
}

/** A code runner's error: its exception line (class and message), normalized, else the generic signature. */
function codeErrorSignature(s: Span, message: string): string {
  // An OS error with no subject (a bare "No such file or directory" from a program deep in a pipeline) says nothing of
  // what was missing: across runs it would merge unrelated failures. The program the command starts with tells them apart.
  const bare = message.split('\n')[0]!.trim();
  if (BARE_OS_ERROR.test(bare)) {
    const command = codeOf(s).trim();
    // In a pipeline or a chain any of its programs may have said it: the whole command, not a guess at one of them.
    if (/[|;&]|\s-exec\b|\bxargs\b|[<>]/.test(command)) return `${bare} (from \`${command.replace(/\s+/g, ' ').slice(0, 200)}\`)`;
    const program = /^\s*(?:sudo\s+)?([\w./+-]+)/.exec(command)?.[1]?.split('/').pop();
    if (program) return `${program}: ${bare}`;
  }
  // A class names the exception (ValueError, pkg.KeyError); a harness's "Error executing query: …" names none, and its
  // quoted values (a column, a table) are the occurrence's own: the generic signature collapses them.
  const line = message.split('\n').map((l) => l.trim()).filter((l) => /^(?:[\w.]+\.)?[A-Za-z_]+(?:Error|Exception)\b/.test(l)).pop();
  if (!line || /^(?:[\w.]+\.)?(ModuleNotFoundError|ImportError)\b/.test(line) && /No module named/.test(line)) return errorSignature(s, message);
  // Quoted names (the attribute, the key, the type) are what the failure is about: keep them.
  // File names and paths are each run's own value (an invented file differs per run): those collapse.
  const quoted: string[] = [];
  // A class of the agent's own script (`__main__.MyModel`) is the occurrence's name, not the failure.
  // Data quoted back (a date "2009", a format "%Y-%m-%d") is the occurrence's value, not a name: it collapses too.
  const masked = line.replace(/\b__main__\.\w+/g, '__main__.<class>').replace(/(['"])([^'"\n]{1,80})\1/g, (m, _q: string, inner: string) => (/[./\\%]/.test(inner) || !/[A-Za-z]/.test(inner) ? m : `\uE000${String.fromCharCode(97 + Math.min(quoted.push(m) - 1, 25))}\uE001`));
  // Restored without their quotes: a finding's key normalizes quoted values away, and these names are the point.
  return normalizeMessage(masked.replace(/\s+/g, ' '), 160).replace(/\uE000([a-z])\uE001/g, (_, c: string) => (quoted[c.charCodeAt(0) - 97] ?? '').slice(1, -1));
}

/**
 * A framework step's error that runs the model's code ("Code execution failed
 * at line '…' due to: InterpreterError: Import of numpy is not allowed",
 * "Code parsing failed on line 5 due to: SyntaxError"): for code that ran,
 * the class alone merges unrelated failures (a banned import, an undefined
 * name, indexing None), so what the message says is kept, first clause only, its values collapsed; the module of a refused
 * import is the occurrence, refusing imports is the failure.
 */
function stepErrorSignature(msg: string): string | null {
  const m = /^(Code (?:execution|parsing) failed)\b[^\n]*?\bdue to: ((?:[\w]+\.)*[A-Za-z_]*(?:Error|Exception))\b(?::[ \t]*([^\n]*))?/.exec(msg.replace(QUOTED_CODE, '$1 line <code>'));
  if (!m) return null;
  // Code that did not parse is one failure whatever the parser's wording ("invalid syntax",
  // "unterminated string literal" are the same broken quoting as often as not); code that
  // ran and failed is as many failures as its messages.
  if (m[1] === 'Code parsing failed') return `${m[1]} due to: ${m[2]}`;
  let detail = (m[3] ?? '').trim();
  if (!detail) detail = /\nError: ([^\n]+)/.exec(msg)?.[1] ?? '';
  detail = detail.replace(/\s*\(<unknown>, line \d+\)\s*$/, '').replace(/\s*\(detected at line \d+\)/, '');
  detail = detail.replace(/^Import (of|from) [\w.]+ is not allowed\b.*$/, 'Import of <module> is not allowed');
  // First clause: what follows (the object's repr, the allowed list) is the occurrence's own.
  detail = detail.split(/(?<=[a-z)])[.:](?:\s|$)/)[0]!.slice(0, 100);
  const head = `${m[1]} due to: ${m[2]}`;
  // Values collapse (quoted names, counts); words such as "UTF-16" stay as they are.
  const norm = detail.replace(/'[^'\n]{1,80}'|"[^"\n]{1,80}"/g, "'<s>'").replace(/(?<![\w-])\d{2,}(?![\w-])/g, '<n>').replace(/\s+/g, ' ').trim();
  return norm ? `${head}: ${norm}` : head;
}

const NO_MESSAGE = 'error status without message';
/** A normalized message that is a number and nothing else. */
const ONLY_A_NUMBER = /^\s*(?:<n>|-?\d+(?:\.\d+)?)\s*$/;

// A count's noun in the plural ("2 tokens") is the same error as in the singular; a verb after a number ("516 has")
// is no plural, and cutting its s misquotes the message ("ha").
const COUNTED_PLURAL = /<n> (?!(?:ha|wa|doe|i|thi|it)s\b)(\w+?)s\b/g;

export function errorSignature(s: Span, message?: string): string {
  const raw = message ?? errorMessage(s);
  const type = s.error?.type;
  if (!isToolSpan(s)) {
    const step = stepErrorSignature(raw);
    if (step) return step;
  }
  const msg = (jsonErrorText(raw) ?? raw).replace(QUOTED_CODE, '$1 line <code>');
  const cls = exceptionClass(msg);
  // A missing module is named by the failure itself: one missing package across runs is one cause, two are two.
  const missing = cls && /^(ModuleNotFoundError|ImportError)$/.test(cls.name.split('.').pop()!) ? /No module named '([\w.]+)'/.exec(msg)?.[1] : undefined;
  // Unquoted: a key's normalization collapses quoted values, and the module is what tells two causes apart.
  if (missing) return `${cls!.name}: No module named ${missing}`;
  const head = cls ? `${msg.slice(0, cls.start).trimEnd()} ${cls.name}`.trim() : msg;
  // A trailing parenthesised detail (a parser's position, an errno) varies
  // between occurrences of one failure; keep it out of the signature.
  const norm = head ? normalizeMessage(head.replace(/\s+/g, ' ')).replace(/\s*\([^()]*\)\s*$/, '').replace(COUNTED_PLURAL, '<n> $1') : '';
  return norm || (type ? `type:${type}` : NO_MESSAGE);
}

interface Group {
  component: string;
  signature: string;
  /** The span/tool/model the error is raised in. */
  where: string;
  traces: Set<string>;
  spans: number;
  citations: Citation[];
  occurrences: Occurrence[];
  /** Occurrences the next model call was sent (its input holds the error text). */
  received: number;
  /** Occurrences followed, at some point later in the run, by a call to the same place that worked. */
  laterOk: number;
  /** Errors one of the next two calls to the same place got past. */
  soonOk: number;
  /** The longest time one failing call took before it failed (a hung call waits out its timeout). */
  longestMs: number;
  /** Occurrences after which some later call in the run worked (the run went on). */
  wentOn: number;
  /** The runs in which each agent's calls hit the error (first occurrence or a later repeat). */
  agents: Map<string, Set<string>>;
  /** Occurrences whose tool reported that what it ran failed (a test verdict, a non-zero exit), not that it broke. */
  reported: number;
  /** Occurrences run by an executor for another agent's turn (`role: 'requested'` recorded). */
  requested: number;
  /** Occurrences the agent got past: the next call to the same tool or model worked and the error did not come back later in the run. */
  recovered: number;
  /** Failures whose next call ran without error on data its code, or the turn that asked for it, calls made up (simulated, synthetic, dummy). */
  madeUp: number;
  /** Failures whose next call ran without error but got nothing back (empty, [], None, "not found"). */
  emptyNext: number;
  /** The same error again from a call sent in the same step as the first (parallel calls), not later. */
  together: number;
  /** Every run of the group records what its model calls were sent: "no model was sent it" can be checked. */
  inputsRecorded: boolean;
  /** In multi-agent runs, the agent each occurrence belongs to (its emitting model, or the turn that asked for it); `unowned` counts the rest. */
  owners: Map<string, number>;
  unowned: number;
  /** Occurrences the model's next reply spoke of (said it failed, named the tool or the error): what it said is not checked to be a fix. */
  acknowledged: number;
  /** Same error text again later in the same run: counted, not cited again. */
  repeats: number;
  /** Runs that failed (error status or failed outcome) with no later call to the same tool or model working after the error. */
  stoodRuns: Set<string>;
  /** Of those, runs where nothing else failed after it either: the error is where the run ended. */
  endedRuns: Set<string>;
  /** Where the value a not-found error is about came from, per occurrence that could be told. */
  origins: Map<ValueSource, { count: number; example: string; afterLookup: number; recased: number; recasedExample?: { asWritten: string; inCall: string } }>;
  /** Causes checked on the occurrences' own records (causes.ts). */
  checked: Checked;
  /** The tool runs whatever code or command the model gives it (a shell, an interpreter). */
  runner: boolean;
  /** Formed by a checked cause (a missing module, a placeholder credential, a None), not by one error message. */
  byCause: boolean;
  /** What a failed assertion is a verdict of (`assertionScope`): its failures group only within it. */
  scope?: string;
}

interface Checked {
  /** Environment-missing modules: runs per module. */
  modules: Map<string, Set<string>>;
  /** Modules the run shows as a folder or file of the workspace (causes.ts \`workspacePath\`): per module, the path shown in each run. */
  workspace: Map<string, Map<string, string>>;
  /** Runs where the agent installed a missing module later. */
  installed: Set<string>;
  /** The missing modules some run installed later (pip/conda/uv) without failing: packages that exist to install. */
  installedModules: Set<string>;
  /** Missing modules the agent's own code imported and a later install command of its fetched. */
  fetchedModules: Set<string>;
  /** Occurrences whose missing module the agent's own code named; of those, ones it had created. */
  agentModule: number;
  createdModule: number;
  /** Occurrences leaving out parameters the error names; of those, ones the declaration marks required. */
  params: Map<string, number>;
  paramsDeclared: number;
  /** Of those, occurrences whose declaration says so only in a description, not in the schema's `required`. */
  paramsProse: number;
  /** Occurrences whose tool declaration the run does not record. */
  paramsUndeclared: number;
  paramsChecked: number;
  /** Occurrences whose failing line the task prescribes, with one example. */
  prescribed: number;
  prescribedRuns: Set<string>;
  prescribedLine?: string;
  /** The placeholder credential / the None-returning call, for groups formed by that cause. */
  placeholder?: string;
  noneFrom?: string;
  /** Modules a step's code imported that the interpreter refused; occurrences whose instructions list the authorized imports. */
  imports: Set<string>;
  importsListed: number;
  /** Refused imports that name a tool the run has (`from final_answer import final_answer`). */
  importedTools: Set<string>;
  /** Occurrences whose failing frame is in a file the agent's own calls wrote or edited earlier; one example. */
  edited: number;
  editedFile?: string;
  /** Occurrences where the service behind the tool failed (causes.ts `backendFailure`): a transport or server error; every call failing alike from one point on. One example text. */
  backendTransport: number;
  backendOutage: number;
  backendText?: string;
  /** Calls whose reply the harness could not parse as an action (`halo.action_unparsed`), and what was missing. */
  unparsed: number;
  unparsedHow: Set<string>;
  /** Of the unparsed calls, those whose next call of the tool is the same action whole (resentWhole). */
  resentWhole: number;
  /** Code runs whose reply ends inside the block that ran (causes.ts `cutBlock`), with the replies' lengths; runs whose error points at a Markdown fence in the code (`fenceRan`). */
  cutReply: number;
  cutChars: number[];
  fenceRan: number;
  /** NameErrors for a name an earlier call to the same interpreter bound and ran, restarted in between (causes.ts `lostName`): where, and what restarted it. */
  lostNames: number;
  lost: { name: string; boundAt: string; restartAt: string; restart: string }[];
  /** Failures that are their run's last step: nothing ran after them. */
  lastStep: number;
  /** Failed calls (not code runners) whose arguments name a thing (`drawer 7`, `pers-0016`), and those naming one nothing the run was told before mentions (unseen-names.ts); one example. */
  named: number;
  unseen: number;
  unseenExample?: string;
  /** Calls the harness refused to run (`HARNESS_REFUSED`): they never reached the tool. */
  refused: number;
  /** Refusals, repeats in the run included, where the reply differed from the one before but the action parsed from it did not (`sameParse`). */
  sameParse: number;
  /** Of the cut replies, those whose code that ran stops well before the reply ends: the parse, not the reply, stopped there. */
  cutShort: number;
  /** Calls whose shell says it ran a line the call does not hold; of those, the command with its quotes and backslashes removed. One example. */
  ranOther: number;
  ranStripped: number;
  /** Commands holding an HTML character reference where the shell reads operators, refused at one (causes.ts `htmlEscaped`); one such reference. */
  htmlRefs: number;
  htmlRef?: string;
  /** Of ranOther, how many show it by bash naming a word of the command where it names itself; one such word. */
  ranSplit: number;
  ranSplitWord?: string;
  /** NameErrors for a name the code that ran uses and never binds (causes.ts `undefinedName`), and the names. */
  undefinedNames: number;
  names: Set<string>;
  /** Code that could not be parsed and reached the runner as one line reading as lines joined by spaces (causes.ts `flattenedCode`); of those, ones whose emitting reply holds it with line breaks, or as one line too. One example. */
  flat: number;
  flatReplyBroken: number;
  flatReplyOneLine: number;
  flatExample?: string;
  /** Calls the source records as the harness parsed them, with no reply text that holds them (causes.ts `asWritten`). */
  notAsWritten: number;
  ranLine?: string;
  /** Missing-parameter calls whose emitting message names the parameter it then left out. */
  paramsNamed: number;
  /** Missing-parameter calls that sent it as an empty string. */
  paramsEmpty: number;
  /** Occurrences whose code is the code a group chat's opening message (the task brief) gives. */
  fromTask: number;
  /** Errors whose own text says rate limit or usage quota (the signature may have masked the words, as in a JSON body). */
  rateLimited: number;
  rateLimitedText?: string;
  /** Errors naming a `__main__` class the agent's own writing defines (causes.ts `mainClass`); one example. */
  mainClass: number;
  mainClassName?: string;
  /** Tracebacks that end inside a module the code imports and no call of the run wrote (causes.ts `helperFrame`); one example. */
  helper: number;
  helperAt?: { file: string; func: string };
  /** Errors that say the account the call is made with is not subscribed to what it called, or its plan leaves it out; one example. */
  subscription: number;
  subscriptionText?: string;
  /** Errors that say the service refused the credentials (401/403, bad_credentials, invalid api key); one example. */
  credentials: number;
  credentialsText?: string;
  /** "Already exists" errors for a path the agent's own earlier call created; one example. */
  selfCreated: number;
  selfCreatedPath?: string;
  /** Missing modules the agent's script imported that an earlier output shows the repository's own code importing. */
  repoImports: Set<string>;
  /** Occurrences whose None-returning function the task or instructions name (a helper the agents are given). */
  noneGiven: number;
  /** Occurrences whose output holds printed text besides the traceback: the function printed what it found. */
  nonePrinted: number;
}

const newChecked = (): Checked => ({ modules: new Map(), workspace: new Map(), installed: new Set(), installedModules: new Set(), fetchedModules: new Set(), agentModule: 0, createdModule: 0, params: new Map(), paramsDeclared: 0, paramsProse: 0, paramsUndeclared: 0, paramsChecked: 0, paramsNamed: 0, paramsEmpty: 0, unparsed: 0, unparsedHow: new Set(), resentWhole: 0, cutReply: 0, cutChars: [], fenceRan: 0, lostNames: 0, lost: [], lastStep: 0, named: 0, unseen: 0, refused: 0, sameParse: 0, cutShort: 0, ranOther: 0, ranStripped: 0, htmlRefs: 0, ranSplit: 0, notAsWritten: 0, flat: 0, flatReplyBroken: 0, flatReplyOneLine: 0, undefinedNames: 0, names: new Set(), backendTransport: 0, backendOutage: 0, selfCreated: 0, credentials: 0, subscription: 0, helper: 0, mainClass: 0, rateLimited: 0, fromTask: 0, prescribed: 0, prescribedRuns: new Set(), noneGiven: 0, nonePrinted: 0, repoImports: new Set(), imports: new Set(), importsListed: 0, importedTools: new Set(), edited: 0 });

/**
 * A tool that runs something (tests, a script, the agent's code) and reports
 * its failure: the text says the run failed, not the tool. Its fix is in what
 * was run, not in the tool.
 */
const REPORTED_FAILURE = /\b(\d+ tests? failed|tests? failed|exit(?:ed)? (?:with )?(?:status|code) [1-9]\d*|exitcode: ?[1-9]\d*|non-zero exit|returned non-zero|Traceback \(most recent call last\))/i;

/**
 * A span a finding attributes the failure to. `role: 'received'` marks the
 * model call that was sent the failure (its text is in the call's input): the
 * step where the agent reacts to it; `role: 'repeated'` the earlier step whose
 * action a later one repeats; `role: 'requested'` the turn, in a multi-agent
 * run, whose request failed (the code an executor ran). `of` is the span the
 * role relates to.
 */
export interface Occurrence {
  traceId: string;
  spanId: string;
  role?: 'received' | 'repeated' | 'requested';
  of?: string;
}

/** Every span a finding attributes the failure to is recorded, up to this many. */
export const MAX_OCCURRENCES = 1000;

/** One run's error groups (as the whole window's would be if it held this run alone), and what the wording needs of it. */
export interface SignatureRun {
  groups: Group[];
  userValuesHandled: number;
  untracedNone: { traceId: string; code: string }[];
  /** The run ended well (no run error, no failed outcome). */
  endedOk: boolean;
  /** Every module a failure of the run says is missing, whatever group the failure went to. */
  missingModules: string[];
  /** The tools a call in the run went through without failing (`tool:<name>`). */
  worked: string[];
}

type SignatureOptions = { minTraces?: number; maxFindings?: number };

export const errorSignatureSteps: TwoStep<SignatureRun, SignatureOptions> = {
  perRun: signaturesOfRun,
  global: signatureFindings,
  passes: true,
};

export const errorSignatures = oneShot(errorSignatureSteps);

function signaturesOfRun(t: Trace): SignatureRun {
  const groups = new Map<string, Group>();
  // A value the user gave that was not found, after which the agent got a corrected call through: handled well, not a defect.
  let userValuesHandled = 0;
  // NoneType errors whose failing value was not traced to a call: told apart from the traced ones, never counted as them.
  const untracedNone: { traceId: string; code: string }[] = [];
  const missingModules = new Set<string>();
  // The run's failures, gathered as the one-window loop gathered each run (the block keeps that loop body's lines as they were).
  {
    // One failure counts once, where it originates: ancestors that re-raise it
    // are left out, and the same error text twice in one run is one occurrence.
    const seenText = new Map<string, Group>();
    const firstOf = new Map<string, Span>();
    for (const s of originErrors(t)) for (const message of failuresOf(t, s)) {
      // A missing module behind the error the traceback ends in ("The above exception was the direct cause",
      // "During handling of the above exception"): a RuntimeError raised because an import failed is that import's failure.
      const behind = message !== null && isToolSpan(s) ? moduleBehind(message, resultText(s)) : undefined;
      // Every module a failure says is missing, whatever group (or none) the failure goes to below.
      const named = NO_MODULE.exec(behind ?? message ?? '')?.[1];
      if (named) missingModules.add(named);
      // The run's own top-level error repeats a failing step's; count the step. Where it reports no step's failure
      // and says the model refused the request for its length (a harness that crashed on a model call past the
      // context window, which no span records), it is the failure itself and counts; other run-level errors
      // (a harness's own abort) are not yet worded as checked causes, so they stay out.
      if (s.spanId === t.rootSpanId && t.spans.length > 1 && (repeatsStep(t, s, message) || !CONTEXT_LIMIT.test(message ?? ''))) continue;
      if (message === null) continue;
      const text = `${spanComponent(s)}\u0000${message.trim()}`;
      const seen = seenText.get(text);
      if (seen) {
        // Calls the model sent together in one step are not a repeat later in the run.
        const step = stepOf(t, s);
        if (step !== undefined && step === stepOf(t, firstOf.get(text)!)) seen.together++;
        else seen.repeats++;
        if (s.error?.type === HARNESS_REFUSED && sameParse(t, s)) seen.checked.sameParse++;
        // Another agent that hit the same error later in the run is one of the agents it happened to.
        addAgentRun(seen, originAgent(t, s) ?? agentOf(t), t.traceId);
        continue;
      }
      // Reproducing the bug the task reports is the task's first step, not a failure.
      if (isToolSpan(s) && reportedByTask(t, message)) continue;
      // A not-found answer the run then acted on by creating what was missing answered a check whether it existed.
      if (isToolSpan(s) && createdLater(t, s, runsCode)) continue;
      const valueFrom = isToolSpan(s) ? valueOrigin(t, s, message) : null;
      if (valueFrom?.source === 'user' && recoveredLater(t, s)) {
        userValuesHandled++;
        continue;
      }
      // In a multi-agent run the failure belongs to the agent it starts with;
      // a model call refused for capacity (rate limit, overload, 5xx) starts at
      // the provider, whose limits every agent shares: it stays with the model.
      const capacity = spanComponent(s).startsWith('model:') && PROVIDER_CAPACITY.test(errorSignature(s, message));
      const origin = capacity ? undefined : originAgent(t, s);
      const code = isToolSpan(s) ? codeOf(s) : '';
      // A code runner's failures are told apart by their message, not their class alone.
      let sig = isToolSpan(s) && runsCode(s) ? codeErrorSignature(s, message) : errorSignature(s, message);
      // A traceback whose exception line the trace does not hold names no failure to group by.
      if (/^Traceback \(most recent call last\):?$/.test(sig.trim())) continue;
      // Nor does a code runner's failure that says nothing: what it ran had nothing else in common (a missing
      // program, a grep without a match, an exit code that was the program's answer).
      // Nor an output that is only a number: a count the program printed (`grep -c` finding no match prints 0 and exits 1).
      if ((sig === NO_MESSAGE || ONLY_A_NUMBER.test(sig)) && isToolSpan(s) && runsCode(s)) continue;
      // A cause the record shows groups its failures, whatever agent or message they came with.
      const module = isToolSpan(s) ? missingModule(t, s, behind ?? message) : null;
      const placeholder = isToolSpan(s) ? placeholderCredential(t, s, message, code) : null;
      const none = isToolSpan(s) && !placeholder ? noneFrom(message, resultText(s), code) : null;
      if (isToolSpan(s) && !none && NONE_ERROR.test(message)) untracedNone.push({ traceId: t.traceId, code });
      let byCause = true;
      if (module?.inWorkspace) sig = 'ModuleNotFoundError: modules of the workspace not on the import path';
      else if (module?.source === 'environment') sig = 'ModuleNotFoundError: modules missing from the environment';
      else if (placeholder) sig = 'a placeholder credential in the code that ran';
      else if (none) sig = `${none}() returned None`;
      else byCause = false;
      // One group per failure across agents; the agent is named when one agent owns every occurrence (decided at the end).
      const component = spanComponent(s);
      const signature = sig;
      // A failed assertion is a check's verdict on a value, and its message quotes the values ("Expected True but got
      // False"): the same words in runs of different tasks are different checks failing for different reasons, so
      // such failures group only within one task (or one assert statement, where the run names no task).
      const check = !byCause && isToolSpan(s) && runsCode(s) && /^AssertionError\b/.test(sig) ? assertionScope(t, code) : null;
      const id = `${component}\u0000${signature}${check ? `\u0000${check}` : ''}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { component, signature, where: spanComponent(s), traces: new Set(), spans: 0, citations: [], occurrences: [], received: 0, agents: new Map(), reported: 0, requested: 0, recovered: 0, madeUp: 0, emptyNext: 0, wentOn: 0, laterOk: 0, soonOk: 0, longestMs: 0, together: 0, inputsRecorded: true, owners: new Map(), unowned: 0, acknowledged: 0, repeats: 0, stoodRuns: new Set(), endedRuns: new Set(), origins: new Map(), checked: newChecked(), runner: isToolSpan(s) && runsCode(s), byCause, ...(check ? { scope: check } : {}) }));
      const ck = g.checked;
      if (module?.inWorkspace) {
        (ck.workspace.get(module.module) ?? ck.workspace.set(module.module, new Map()).get(module.module)!).set(t.traceId, module.inWorkspace);
        if (module.source === 'agent') ck.agentModule++;
      } else if (module?.source === 'environment') {
        (ck.modules.get(module.module) ?? ck.modules.set(module.module, new Set()).get(module.module)!).add(t.traceId);
        if (module.installedLater) {
          ck.installed.add(t.traceId);
          ck.installedModules.add(module.module);
        }
        if (module.repoImports) ck.repoImports.add(module.module);
        if (module.agentNamed) ck.fetchedModules.add(module.module);
      } else if (module) {
        ck.agentModule++;
        if (module.created) ck.createdModule++;
      }
      if (placeholder) ck.placeholder ??= placeholder;
      if (none) {
        ck.noneFrom = none;
        if (taskText(t).some((x) => x.includes(none.split('.').pop()!))) ck.noneGiven++;
        // What the output holds once the status line and the traceback are taken out.
        const printed = resultText(s).replace(/^exitcode:[^\n]*\n?/m, '').replace(/Code output:\s*/, '').replace(/Traceback \(most recent call last\):[\s\S]*?^\w*(?:Error|Exception)[^\n]*$/m, '');
        if (printed.replace(/\s+/g, '').length >= 200) ck.nonePrinted++;
      }
      const param = missingParameter(t, s, message);
      if (param) {
        ck.paramsChecked++;
        for (const p of param.params) ck.params.set(p, (ck.params.get(p) ?? 0) + 1);
        if (param.declaredRequired) ck.paramsDeclared++;
        if (param.declaredRequired && param.inProseOnly) ck.paramsProse++;
        if (param.declaredRequired === null) ck.paramsUndeclared++;
        if (param.namedInReply) ck.paramsNamed++;
        if (param.sentEmpty) ck.paramsEmpty++;
      }
      // Code the reply never finished, or the reply's markup run as code, is not the code the model wrote.
      const cut = isToolSpan(s) && runsCode(s) ? cutBlock(t, s) : null;
      const fence = cut === null && isToolSpan(s) && runsCode(s) && fenceRan(s, resultText(s));
      if (cut !== null) {
        ck.cutReply++;
        ck.cutChars.push(cut.reply);
        if (cut.after > 20) ck.cutShort++;
      }
      if (fence) ck.fenceRan++;
      // The run's last step: no model call or tool call starts after it, so no model was sent its error.
      // (In a run with a model call before it: a run of bare tool calls has no model to send anything to.)
      const steps = indexTrace(t).steps;
      if (steps.some((x) => x.kind === 'llm' && x.startTime <= s.startTime) && !steps.some((x) => x !== s && x.startTime >= s.endTime)) ck.lastStep++;
      if (isToolSpan(s) && !runsCode(s) && namedThings(s).length) {
        ck.named++;
        const unseen = unseenName(t, s);
        if (unseen) {
          ck.unseen++;
          ck.unseenExample ??= unseen;
        }
      }
      if (s.error?.type === HARNESS_REFUSED) {
        ck.refused++;
        if (sameParse(t, s)) ck.sameParse++;
      }
      const edited = isToolSpan(s) && cut === null && !fence ? editedFile(t, s, resultText(s)) : null;
      if (edited) {
        ck.edited++;
        ck.editedFile ??= edited;
      }
      const refused = /\bImport (?:of|from) ([\w.]+) is not allowed\b/.exec(message)?.[1];
      if (refused) {
        ck.imports.add(refused);
        if (declaredInTrace(t).has(refused) || indexTrace(t).tools.some((x) => toolName(x) === refused)) ck.importedTools.add(refused);
        // The instructions carry the allowed list when they name imports and quote the modules the error lists as allowed.
        const allowed = [...(/Authori[sz]ed imports are: \[([^\]]*)\]/.exec(message)?.[1] ?? '').matchAll(/'([\w.*]+)'/g)].map((x) => x[1]!).slice(0, 5);
        if (allowed.length >= 3 && taskText(t).some((x) => /\bimports?\b/i.test(x) && allowed.every((m) => x.includes(`'${m}'`)))) ck.importsListed++;
      }
      // Code the chat's opening message (the task brief) gave, run before any agent wrote code: the task's, not a model's.
      const opening = isToolSpan(s) ? openingMessage(t) : undefined;
      const codeLine = opening ? firstCodeLine(s.tool?.arguments) : null;
      if (opening && codeLine && squash(textOf(opening.output)).includes(codeLine)) ck.fromTask++;
      if (RATE_LIMITED.test(message)) {
        ck.rateLimited++;
        // A provider's JSON body says what was exceeded in its "message": quote that, not the wrapper around it.
        const said = /"message"\s*:\s*"([^"]{5,400})"/.exec(message)?.[1];
        ck.rateLimitedText ??= firstLine((said ?? message).replace(/<[^>]*>/g, ''), said ? 160 : 120);
      }
      if (!placeholder && CREDENTIALS_REFUSED.test(message)) {
        ck.credentials++;
        ck.credentialsText ??= CREDENTIALS_REFUSED.exec(message)![0];
      }
      // What the service answered may be printed beside the exception rather than in it (a helper printing the response).
      const answered = NOT_SUBSCRIBED.exec(message) ?? (isToolSpan(s) ? NOT_SUBSCRIBED.exec(resultText(s)) : null);
      if (answered) {
        ck.subscription++;
        ck.subscriptionText ??= answered[0];
      }
      const own = isToolSpan(s) ? mainClass(t, s, message) : null;
      if (own) {
        ck.mainClass++;
        ck.mainClassName ??= own;
      }
      const helper = isToolSpan(s) && runsCode(s) ? helperFrame(t, s, resultText(s)) : null;
      if (helper) {
        ck.helper++;
        ck.helperAt ??= helper;
      }
      const backend = backendFailure(t, s, message, isToolSpan(s) && runsCode(s));
      if (backend) {
        if (backend.kind === 'transport') ck.backendTransport++;
        else ck.backendOutage++;
        ck.backendText ??= backend.text;
      }
      const unparsed = isToolSpan(s) ? actionUnparsed(s) : null;
      if (unparsed) {
        ck.unparsed++;
        ck.unparsedHow.add(unparsed);
        if (resentWhole(t, s)) ck.resentWhole++;
      }
      if (isToolSpan(s) && !asWritten(t, s)) ck.notAsWritten++;
      const flat = isToolSpan(s) ? flattenedCode(t, s, message) : null;
      if (flat) {
        ck.flat++;
        ck.flatExample ??= flat.example;
        if (flat.replyBroken === true) ck.flatReplyBroken++;
        if (flat.replyBroken === false) ck.flatReplyOneLine++;
      }
      const unbound = undefinedName(t, s, message);
      const lost = unbound ? lostName(t, s, unbound) : null;
      if (lost) {
        ck.lostNames++;
        ck.lost.push({ name: unbound!, boundAt: lost.boundAt.spanId, restartAt: lost.restartAt.spanId, restart: firstLine(codeOf(lost.restartAt).trim(), 60) });
      } else if (unbound) {
        ck.undefinedNames++;
        ck.names.add(unbound);
      }
      const other = isToolSpan(s) ? ranOtherwise(s, resultText(s)) : null;
      if (other) {
        ck.ranOther++;
        if (other.stripped) ck.ranStripped++;
        if (other.line !== null) ck.ranLine ??= other.line;
        if (other.split !== undefined) {
          ck.ranSplit++;
          ck.ranSplitWord ??= other.split;
        }
      }
      const escaped = isToolSpan(s) && runsCode(s) ? htmlEscaped(s, message) : null;
      if (escaped) {
        ck.htmlRefs++;
        ck.htmlRef ??= escaped;
      }
      const ownFile = isToolSpan(s) ? createdEarlier(t, s, message) : null;
      if (ownFile) {
        ck.selfCreated++;
        ck.selfCreatedPath ??= ownFile;
      }
      const prescribed = prescribedLine(t, message);
      if (prescribed) {
        ck.prescribed++;
        ck.prescribedRuns.add(t.traceId);
        ck.prescribedLine ??= prescribed;
      }
      seenText.set(text, g);
      if (origin && !byCause) g.owners.set(origin, (g.owners.get(origin) ?? 0) + 1);
      else g.unowned++;
      if (!recordsInputs(t)) g.inputsRecorded = false;
      firstOf.set(text, s);
      g.spans++;
      const fate = fateOf(t, s, message);
      if (fate.handled) g.recovered++;
      if (fate.madeUp) g.madeUp++;
      if (fate.empty) g.emptyNext++;
      if (fate.acknowledged) g.acknowledged++;
      if (fate.stood) g.stoodRuns.add(t.traceId);
      if (indexTrace(t).steps.some((x) => x !== s && x.startTime >= s.endTime && !isErrorSpan(x) && outcomeRecorded(x) && failureOf(t, x) === null)) g.wentOn++;
      if (fate.endedRun) g.endedRuns.add(t.traceId);
      if (fate.laterOk) g.laterOk++;
      if (fate.soonOk) g.soonOk++;
      g.longestMs = Math.max(g.longestMs, s.endTime - s.startTime);
      if (valueFrom) {
        const o = g.origins.get(valueFrom.source) ?? g.origins.set(valueFrom.source, { count: 0, example: valueFrom.value, afterLookup: 0, recased: 0 }).get(valueFrom.source)!;
        o.count++;
        if (valueFrom.afterLookup) o.afterLookup++;
        if (valueFrom.recased) {
          o.recased++;
          o.recasedExample ??= valueFrom.recased;
        }
      }
      if (isToolSpan(s) && (REPORTED_FAILURE.test(message) || REPORTED_FAILURE.test(textOf(s.tool?.result).slice(0, 2000)))) g.reported++;
      if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: s.spanId });
      // The turn whose request failed (an expert's code that the executor ran): where the named agent acted.
      const asked = requestingTurn(t, s);
      if (asked) g.requested++;
      if (asked && g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: asked.spanId, role: 'requested', of: s.spanId });
      // A message too short to look for ("Bad Request") is looked for as the result the call returned.
      const reader = receivingCall(t, s, probeOf(message) ?? (isToolSpan(s) ? probeOf(resultText(s)) : null));
      if (reader) {
        g.received++;
        if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: reader.spanId, role: 'received', of: s.spanId });
      }
      if (!g.traces.has(t.traceId)) {
        g.traces.add(t.traceId);
      }
      // Capacity errors are listed by the agent whose call was refused.
      addAgentRun(g, origin ?? (capacity ? originAgent(t, s) : undefined) ?? agentOf(t), t.traceId);
      if (g.citations.length < 50) {
        g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: verbatim(s, message) });
      }
    }
  }
  const worked = new Set<string>();
  for (const x of indexTrace(t).tools) if (!isErrorSpan(x) && failureOf(t, x) === null) worked.add(spanComponent(x));
  return { groups: [...groups.values()], userValuesHandled, untracedNone, endedOk: !runErrored(t) && !outcomeFailed(t), missingModules: [...missingModules], worked: [...worked] };
}

/**
 * How a run's group joins the window's (accumulate.ts): citations and
 * occurrences stop where the loop stopped adding them, the None-returning call
 * is the last one assigned, and "every run records its inputs" holds only
 * while each run's does.
 */
const JOIN_RULES: JoinRules = { caps: { citations: 50, occurrences: MAX_OCCURRENCES }, last: ['noneFrom'], every: ['inputsRecorded'] };

/**
 * The global step in one pass over the runs, joining each run's groups as it goes and keeping nothing else of a run
 * but the few facts below, so that a week's runs are never held whole.
 */
function signatureFindings(given: RunPasses<SignatureRun>, opts: SignatureOptions): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<SignatureRun>[]) : given;
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const maxFindings = opts.maxFindings ?? 30;
  const groups = new Map<string, Group>();
  let userValuesHandled = 0;
  const untracedNone: { traceId: string; code: string }[] = [];
  // A module listed as missing counts every run of the finding where a failure named it missing, also where that
  // failure went elsewhere (a script of the agent's own importing it): "numpy in 1 run" where it was missing in 2 is wrong.
  const missingIn = new Map<string, string[]>();
  // "The run failed" tells something only where runs can succeed: in a set where none ended well, no error is the one that sank its runs.
  let someEndedOk = false;
  // A tool that some call got through in the window checks its inputs; one no call got through may be what is broken.
  const worked = new Set<string>();
  // Runs that passed their task by their own verdict: an error in every one of a group's runs was got past, whatever the next call showed.
  // Only a group's own runs are asked (a run is in a group's traces only through its own groups), so only runs with a group are kept.
  const passed = new Set<string>();
  runs.forEach(({ run, obs }) => {
    for (const g of obs.groups) {
      const id = `${g.component}\u0000${g.signature}${g.scope ? `\u0000${g.scope}` : ''}`;
      groups.set(id, join(groups.get(id), g, JOIN_RULES));
    }
    userValuesHandled += obs.userValuesHandled;
    for (const u of obs.untracedNone) untracedNone.push(u);
    for (const m of obs.missingModules) (missingIn.get(m) ?? missingIn.set(m, []).get(m)!).push(run.traceId);
    if (obs.endedOk) someEndedOk = true;
    for (const w of obs.worked) worked.add(w);
    if (obs.groups.length > 0 && outcomeJudged(run) && !outcomeFailed(run)) passed.add(run.traceId);
  });
  // (What to install is still decided by the runs where the environment lacked it: ck.modules.)
  const listed = new Map<Group, Map<string, Set<string>>>();
  for (const g of groups.values()) {
    if (!g.checked.modules.size) continue;
    const named = new Map<string, Set<string>>();
    for (const [m, ids] of g.checked.modules) named.set(m, new Set([...ids, ...(missingIn.get(m) ?? []).filter((id) => g.traces.has(id))]));
    listed.set(g, named);
  }
  const ranked = [...groups.values()].filter((g) => g.traces.size >= minTraces).sort((a, b) => b.traces.size - a.traces.size);
  return ranked.slice(0, maxFindings).map((g) => {
    const where = g.where.replace(/^(tool|model|span):/, '');
    const kind = g.where.startsWith('tool:') ? 'tool' : g.where.startsWith('model:') ? 'model call' : 'span';
    // Named for its agent when one agent owns every occurrence; a failure several agents hit is one finding listing them.
    const byAgent = g.owners.size === 1 && g.unowned === 0 ? [...g.owners.keys()][0]! : null;
    if (byAgent) {
      g.component = `agent:${byAgent}`;
      g.signature = `${g.where} ${g.signature}`;
    }
    const named = [...g.agents].map(([a, runs]) => [a, runs.size] as const).filter(([a]) => a !== 'unknown').sort((a, b) => b[1] - a[1]);
    const agents = named.length ? ` Agents: ${named.map(([a, n]) => `${a} (${count(n, 'run', 'runs')})`).join(', ')}.` : '';
    const rateLimited = RATE_LIMITED.test(g.signature) || g.checked.rateLimited === g.spans;
    const cause = causeOf(g, where, kind, rateLimited, worked.has(g.where));
    const passedEach = g.recovered !== g.spans && [...g.traces].every((id) => passed.has(id));
    const recoveredEach = g.recovered === g.spans || passedEach;
    const handled = `handled: the next call to \`${where}\` ran without error and the error did not come back in the run (whether that call got what the failed one was for is not checked)`;
    return buildFinding({
      title: (byAgent ? `${byAgent}${where === byAgent ? '' : ` → ${where}`}: ${firstLine(errorSignature0(g), 110)}` : `${where}: ${g.checked.modules.size ? `Python modules missing from the environment (${moduleList(listed.get(g) ?? g.checked.modules, 4)})` : g.checked.workspace.size ? `Python modules not found that the run shows in the workspace (${moduleList(workspaceRuns(g.checked), 4)})` : firstLine(g.signature, 120)}`) + (passedEach ? ' (every run with it passed its task)' : recoveredEach ? ' (the next call ran without error each time)' : ''),
      category: 'errors_recovery',
      // Handled each time: what it costs is the extra calls, not the run. High
      // only when, in most of its runs, the error was the end of the road: no
      // later call to the same place worked and the run failed.
      // A made-up value fixed by the next call is low too: a next call that ran on made-up data is not counted as handled (madeUp).
      // Errors no model call was sent and after which every run went on did nothing the run shows: low.
      // Every error got past by a later call to the same place, none the end of a run: what it cost is steps, not the run.
      // A grader's verdict that the answer was wrong is how a run fails, not a failure beside it: its runs failing more is
      // close to what it means, so its severity is not raised by them (round 35: MINT's "Your answer is wrong." at critical).
      severity: cause.graded && !recoveredEach ? 'medium' : recoveredEach || (g.soonOk === g.spans && g.repeats === 0 && g.stoodRuns.size === 0) || (g.received === 0 && g.inputsRecorded && g.stoodRuns.size === 0 && g.wentOn === g.spans) ? 'low' : g.traces.size / Math.max(1, runs.length) >= 0.05 && someEndedOk && g.endedRuns.size * 2 > g.traces.size ? 'high' : 'medium',
      summary: `${g.checked.refused === g.spans ? `The harness refused calls to the ${kind} \`${where}\`` : cause.graded ? `The grader \`${where}\` judged the proposed answer wrong` : `The ${kind} \`${where}\` failed`}${byAgent ? ` on ${byAgent}'s calls` : ''} ${g.byCause ? `(${g.checked.modules.size ? `Python modules missing: ${moduleList(listed.get(g) ?? g.checked.modules, 8)}` : g.checked.workspace.size ? `Python modules not found: ${moduleList(workspaceRuns(g.checked), 8)}` : g.signature})` : `with "${firstLine(errorSignature0(g), 160)}"`} in ${shareText(g.traces.size, runs.length)} (${count(g.spans, 'distinct error', 'distinct errors')}, counted where they originate${g.repeats ? `, plus ${count(g.repeats, 'repeat', 'repeats')} of the same error later in the same run` : ''}${g.together ? `, ${g.repeats ? 'and ' : 'plus '}${count(g.together, 'more', 'more')} from calls sent in the same step as the first` : ''}${g.received ? `; the model was sent ${g.received === g.spans ? 'each' : `${g.received} of them`} in its next call` : ''}${g.recovered ? `; ${g.recovered === g.spans ? 'each was' : `${g.recovered} of them ${g.recovered === 1 ? 'was' : 'were'}`} ${handled}` : ''}${g.madeUp ? `; ${g.madeUp} ${g.madeUp === 1 ? 'was' : 'were'} followed by a call that ran without error on data its code, or the turn that asked for it, calls made up (simulated, synthetic, dummy): not counted as handled` : ''}${g.emptyNext ? `; ${g.emptyNext} ${g.emptyNext === 1 ? 'was' : 'were'} followed by a call that ran without error but got nothing back (no output from code that prints, [], None, "not found" or its own error message): not counted as handled` : ''}${g.stoodRuns.size ? `; in ${count(g.stoodRuns.size, 'run', 'runs')} no later call to it worked and the run failed` : ''}${g.soonOk === g.spans && g.repeats === 0 && !recoveredEach ? `; after each, one of the next two calls to it ran without error` : ''}).${byAgent ? ` ${ownerSentence(g, byAgent)}` : agents}${untracedText(g, untracedNone)}`,
      rootCause: cause.rootCause,
      fix: passedEach
        ? `Every run with it went on to pass its task: the error cost steps, not the outcome. Where the extra steps matter: ${cause.fix.charAt(0).toLowerCase()}${cause.fix.slice(1)}`
        : recoveredEach ? `Each of these was ${handled}. Where the extra calls or what the next call did matter: ${cause.fix.charAt(0).toLowerCase()}${cause.fix.slice(1)}` : cause.fix,
      fixKind: cause.kind,
      component: g.component,
      signature: `error:${g.signature}`,
      monitor: `Count of \`${where}\` errors matching "${firstLine(g.signature, 80)}" per day.`,
      detector: 'error-signatures',
      traceIds: g.traces,
      citations: g.citations,
      total: runs.length,
      data: {
        component: g.component, signature: g.signature, spans: g.spans, repeats: g.repeats, together: g.together, madeUp: g.madeUp, emptyNext: g.emptyNext, laterOk: g.laterOk, longestMs: g.longestMs, received: g.received, recovered: g.recovered, acknowledged: g.acknowledged, stoodRuns: g.stoodRuns.size, endedRuns: g.endedRuns.size, ...(recoveredEach ? { recoveredEach: true } : g.recovered * 2 >= g.spans ? { recoveredMostly: true } : {}), agents: Object.fromEntries([...g.agents].map(([a, runs]) => [a, runs.size])), occurrences: g.occurrences,
        ...(g.origins.size ? { valueOrigins: Object.fromEntries([...g.origins].map(([k, v]) => [k, v.count])) } : {}),
        // Its cause says where the missing values came from; a retry finding over the same calls does not, so it is not folded there.
        ...(cause.fromOrigins ? { causeFromOrigins: true } : {}),
        ...(cause.graded ? { graded: true, noImpact: true, circular: true, severityFixed: true } : {}),
        ...(userValuesHandled ? { userValuesHandled } : {}),
      },
    });
  });
}

/**
 * An excerpt of the failure as the span holds it: the error message, or for a
 * failure read from the span's text, that text where the failure line (or a
 * provider's "Error code: NNN") stands.
 */
function verbatim(s: Span, message: string): string | undefined {
  if (!message) return undefined;
  const raw = isToolSpan(s) ? resultText(s) : textOf(s.output);
  const own = errorMessage(s);
  // The message itself, the detail after a bare "ERROR:" heading, or a provider's status line.
  const detail = message.replace(/^\W*(error|exception|fatal|failed|failure)\W*\s+/i, '');
  for (const text of [own, raw]) {
    if (!text) continue;
    for (const probe of [message, detail]) {
      const at = text.indexOf(probe);
      if (at >= 0) return excerpt(text, at);
    }
    const at = text.search(/\bError code: [45]\d\d\b/);
    if (at >= 0) return excerpt(text, at);
  }
  return own ? excerpt(own) : undefined;
}

/**
 * A tool that runs whatever code or command it is given: each call is a
 * different program, so what identifies a failure is the error's own text,
 * not its exception class alone (two scripts' AttributeErrors are two
 * failures).
 */
export function runsCode(s: Span): boolean {
  const args = s.tool?.arguments;
  const named = RUNNER_NAME.test(toolName(s).replace(/_/g, ' ')) || CAMEL_RUNNER.test(toolName(s));
  if (args && typeof args === 'object' && !Array.isArray(args)) {
    if (CODE_ONLY_KEYS.some((k) => k in args)) return true;
    // A `command` is code only for a tool that runs code by its name: a text game's `go` or `put` takes a command
    // for the game (KnowAgent on ALFWorld, round 27: "`put` runs code" was said of household actions).
    if (named && CODE_KEYS.some((k) => k in args)) return true;
  }
  // A gateway running another tool (`execute-tool` with a tool name and its parameters) runs that tool, not code.
  if (dispatchedTool(s) !== null) return false;
  return named;
}
// Words of a tool name that say it runs code; a CamelCase action class named for a runner (OpenDevin's `CmdRunAction`,
// `IPythonRunCellAction`), not one that merely holds the word (Moatless' `SearchCode`).
const RUNNER_NAME = /\b(exec|execute|bash|shell|python|terminal|interpreter|code|run_?command|ipython|sh|cmd)\b/i;
const CAMEL_RUNNER = /^(Cmd|IPython|Bash|Shell|Python)[A-Z]/;
const CODE_ONLY_KEYS = ['code', 'script', 'shell'];

/** What a failed assertion is a verdict of: the run's task, else the assert statement the code ran, else nothing known. */
function assertionScope(t: Trace, code: string): string | null {
  if (t.taskId) return `task:${t.taskId}`;
  const line = /^\s*assert\b(.*)$/m.exec(code)?.[1];
  return line ? `assert:${line.replace(/\s+/g, ' ').trim()}` : null;
}

/**
 * What became of a failure, as the spans after it show: handled when the next
 * call to the same tool or model worked and the same error did not come back
 * later in the run (a reply that only talks about it is not a fix: runs sink
 * after acknowledging); acknowledged when the model's next reply spoke of it;
 * the end of the road when no later call to the same place worked and the
 * run failed.
 */
/** A call's failure as its first failure line gives it, then the first error line of each other program its command ran. */
function failuresOf(t: Trace, s: Span): (string | null)[] {
  const primary = failureOf(t, s);
  if (primary === null || !isToolSpan(s) || !runsCode(s)) return [primary];
  return [primary, ...otherProgramFailures(resultText(s), codeOf(s), primary)];
}

function fateOf(t: Trace, s: Span, message: string): { handled: boolean; madeUp: boolean; empty: boolean; acknowledged: boolean; stood: boolean; endedRun: boolean; laterOk: boolean; soonOk: boolean } {
  const c = spanComponent(s);
  const steps = indexTrace(t).steps;
  // A framework step ("Step 5") is not among the model and tool calls: its later namesakes are found among all spans.
  const pool = steps.includes(s) ? steps : [...t.spans].sort((a, b) => a.startTime - b.startTime);
  // A later call whose outcome the source never recorded says nothing either way: it neither handled nor repeated the failure.
  // Nor does a code runner's call that sent no code (an empty command: round 35's StarChat "handled" by one).
  const later = pool.filter((x) => x !== s && x.startTime >= s.endTime && spanComponent(x) === c && outcomeRecorded(x) && !(isToolSpan(x) && runsCode(x) && codeOf(x).trim() === ''));
  // Read the same way the failure itself was (a generic status resolved to the error it reports).
  const failure = later.map((x) => failureOf(t, x) ?? (isErrorSpan(x) ? 'error' : null));
  // The same error, as the finding groups errors: by its signature, not its exact text (a SyntaxError on another line is the same error back).
  const sigFor = (x: Span, m: string) => (isToolSpan(x) && runsCode(x) ? codeErrorSignature(x, m) : errorSignature(x, m));
  const own = sigFor(s, message);
  const same = (x: Span, f: string) => f.trim() === message.trim() || sigFor(x, f) === own;
  // A later call whose output reports this error among other programs' has it back.
  const recurs = later.some((x, i) => failure[i] !== null && failuresOf(t, x).some((f) => f !== null && same(x, f)));
  // A next call that ran on data its code (or the turn that asked for it) says is made up got nothing the failed one was for.
  const madeUp = later.length > 0 && failure[0] === null && madeUpData(t, later[0]!) && !madeUpData(t, s);
  // A next call that ran but got nothing back (empty, [], None, "not found") did not get what the failed one was for either.
  const empty = later.length > 0 && failure[0] === null && !madeUp && isToolSpan(later[0]!) && gotNothing(t, later[0]!);
  const handled = later.length > 0 && failure[0] === null && !recurs && !madeUp && !empty;
  // The run's end is this failure's only if nothing later failed otherwise (a provider outage at the last step ends it instead).
  const otherLater = steps.some((x) => x !== s && x.startTime >= s.endTime && spanComponent(x) !== c && (isErrorSpan(x) || (isToolSpan(x) && failureOf(t, x) !== null)));
  const stood = !failure.some((f) => f === null) && (runErrored(t) || outcomeFailed(t));
  const endedRun = stood && !later.some((x, i) => failure[i] !== null && !failuresOf(t, x).some((f) => f !== null && same(x, f))) && !otherLater;
  let acknowledged = false;
  if (isToolSpan(s)) {
    const reply = steps.find((x) => x.kind === 'llm' && x.startTime >= s.endTime && replyText(x).trim() !== '');
    const cls = namedClass(message);
    acknowledged = reply !== undefined && (acknowledges(reply, toolName(s)) || (cls !== undefined && replyText(reply).includes(cls.split('.').pop()!)));
  }
  return { handled, madeUp, empty, acknowledged, stood, endedRun, laterOk: failure.some((f) => f === null), soonOk: failure.slice(0, 2).some((f) => f === null) };
}

/**
 * A call that ran but got nothing back: its result says it holds nothing, or
 * code that prints printed nothing (a search loop whose `print` never ran).
 */
function gotNothing(t: Trace, s: Span): boolean {
  const body = outputBody(resultText(s));
  if (body !== '') return emptyResult(body);
  const asked = requestingTurn(t, s);
  return printingPython(codeOf(s)) || (asked !== undefined && printingPython(/```(?:python|py)\n([\s\S]*?)```/.exec(textOf(asked.output))?.[1] ?? ''));
}

/**
 * Python source (not a shell command: one that writes a script with a heredoc
 * prints nothing by design) that prints at top level or in a loop: silence
 * from it means nothing reached the print.
 */
function printingPython(code: string): boolean {
  if (!/\bprint\s*\(/.test(code)) return false;
  return !code.split('\n').some((l) => SHELL_LINE.test(l));
}

const SHELL_LINE = /^\s*(?:cd|cat|python3?|pip3?|ls|echo|grep|sed|git|find|bash|sh|export|pytest|rm|mkdir|cp|mv|touch|head|tail|apt(?:-get)?|npm|node|curl|wget)\b(?!\s*[=(.\[])|<<|&&/;

// Made-up data, said as such: "a simulated dataset", "synthetic sample data", "dummy values" (not "simulate the logic", a test double).
const MADE_UP = /\b(simulated|synthetic|dummy|hypothetical|fake|made[- ]up|mock(?:ed)?|placeholder)\s+(?:\w+\s+)?(data(?:set|frame)?s?|values|results|records|responses|prices|numbers|figures|table)\b(?!\s+(?:structure|type|class|model)s?\b)/i;

/** A tool call's code, or the turn that asked for it, says the data it works on is made up. */
function madeUpData(t: Trace, s: Span): boolean {
  if (!isToolSpan(s)) return false;
  const asked = requestingTurn(t, s);
  return MADE_UP.test(codeOf(s)) || (asked !== undefined && MADE_UP.test(textOf(asked.output)));
}

/** Some model call in the run records what it was sent (messages or input beyond its own reply). */
function recordsInputs(t: Trace): boolean {
  return t.spans.some((x) => x.kind === 'llm' && ((Array.isArray(x.messages) && x.messages.some((m) => m.role !== 'assistant')) || textOf(x.input).trim() !== ''));
}

const RATE_LIMITED = /\b429\b|rate.?limit|too many requests|quota|usage limit|limit exceeded|throttl/i;

// A service saying the account a call is made with does not have what it called: not subscribed, or its plan leaves it out.
const NOT_SUBSCRIBED = /\b(?:(?:you are|you're|account is) not subscribed to (?:this|the) (?:API|endpoint|service|plan)|(?:is )?(?:disabled|not available|unavailable) (?:for|on|in) your (?:subscription|plan)|your (?:current )?(?:subscription|plan) does not (?:include|allow|cover|support)[^.\n]{0,40}|(?:requires|upgrade to) a (?:paid|higher|premium|pro) (?:plan|subscription|tier))\b/i;

// A service refusing the call's credentials, in the words APIs use (the status alone can be a permissions rule, so a word must say it).
const CREDENTIALS_REFUSED = /\b(bad_credentials|invalid[_ ]api[_ ]key|incorrect api key|invalid[_ ]token|invalid_auth|authentication[_ ](?:failed|error|required)|unauthori[sz]ed|not authenticated)\b/i;

const NONE_ERROR = /'NoneType' object (is not (iterable|subscriptable)|has no attribute)/;

/**
 * NoneType errors in code that calls the group's None-returning function,
 * whose failing value halo did not trace to that call (stored in a dict,
 * passed through a loop): said apart, so the traced count is exact and the
 * rest is not hidden.
 */
function untracedText(g: Group, untraced: { traceId: string; code: string }[]): string {
  const fn = g.checked.noneFrom;
  if (!fn) return '';
  const call = new RegExp(`(^|[^\\w.])${fn.replace(/\./g, '\\.')}\\s*\\(`);
  const more = untraced.filter((u) => call.test(u.code));
  if (!more.length) return '';
  const runs = new Set(more.map((u) => u.traceId));
  return ` ${count(more.length, 'more NoneType error', 'more NoneType errors')} (in ${count(runs.size, 'run', 'runs')}, ${[...runs].slice(0, 3).join(', ')}${runs.size > 3 ? ', …' : ''}) came from code that calls \`${fn}(…)\`, where halo did not trace the failing value to that call: not counted above.`;
}

/** The ModuleNotFoundError line a chained traceback holds before the exception it ends in, when that one names no module. */
function moduleBehind(message: string, result: string): string | undefined {
  if (NO_MODULE.test(message) || !/\n(?:The above exception was the direct cause of the following exception|During handling of the above exception, another exception occurred):/.test(result)) return undefined;
  return NO_MODULE.exec(result)?.[0];
}

/** The model call a span's step began with: the last model call that started before it (undefined when none did). */
function stepOf(t: Trace, s: Span): Span | undefined {
  let last: Span | undefined;
  for (const x of indexTrace(t).steps) {
    if (x.startTime > s.startTime || x === s) break;
    if (x.kind === 'llm') last = x;
  }
  return last;
}

function addAgentRun(g: Group, agent: string, traceId: string): void {
  (g.agents.get(agent) ?? g.agents.set(agent, new Set()).get(agent)!).add(traceId);
}

/**
 * Install what several runs lacked and some run installed. A module only one
 * run lacked may come from something that run set up (a settings entry, an
 * optional backend): named, not prescribed. One no run installed is not known
 * to be a package at all.
 */
function fixForModules(ck: Checked): string {
  const ms = [...ck.modules].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  // A later install that worked shows a package exists to install; without one, a package the environment lacks and
  // a folder of the repository off the import path fail alike, and nothing in the runs tells which.
  const known = ms.filter(([m]) => ck.installedModules.has(m));
  const shared = known.filter(([, runs]) => runs.size >= 2).slice(0, 8).map(([m]) => `\`${m}\``);
  const once = known.filter(([, runs]) => runs.size < 2).slice(0, 8).map(([m]) => `\`${m}\``);
  const unknown = ms.filter(([m]) => !ck.installedModules.has(m)).slice(0, 8).map(([m]) => `\`${m}\``);
  const install = shared.length ? `Install the packages that provide ${shared.join(', ')} in the environment the agent's commands run in (or point the agent at the interpreter that has them), so runs do not spend steps on setup or stop at it.` : '';
  const check = once.length ? `${install ? ' ' : ''}${once.join(', ')} ${once.length > 1 ? 'were' : 'was'} missing in one run only: read ${once.length > 1 ? 'those runs' : 'that run'} for whether the agent's own setup pulled ${once.length > 1 ? 'them' : 'it'} in before installing ${once.length > 1 ? 'them' : 'it'}.` : '';
  const open = unknown.length ? `${install || check ? ' ' : ''}No call in the runs installed ${unknown.join(', ')} or showed where ${unknown.length > 1 ? 'they are' : 'it is'}: whether ${unknown.length > 1 ? 'each is' : 'it is'} a package the environment lacks or a module of the repository that was not on the import path is not checked, so read the cited runs before installing anything.` : '';
  return install + check + open;
}

/** The runs each workspace module was not found in. */
function workspaceRuns(ck: Checked): Map<string, Set<string>> {
  return new Map([...ck.workspace].map(([m, paths]) => [m, new Set(paths.keys())]));
}

/** Missing modules with the runs each failed in, most first. */
function moduleList(modules: Map<string, Set<string>>, max: number): string {
  const ms = [...modules].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  const shown = ms.slice(0, max).map(([m, runs]) => `${m} in ${count(runs.size, 'run', 'runs')}`).join(', ');
  return ms.length > max ? `${shown}, and ${ms.length - max} more` : shown;
}

/** Who made the failing call in a multi-agent run, as the spans show it. */
function ownerSentence(g: Group, agent: string): string {
  if (g.requested === g.spans) return `In these multi-agent runs ${agent} wrote what failed: an executor ran it for ${agent}'s turn.`;
  if (g.requested === 0) return `In these multi-agent runs the failing call was emitted by ${agent}'s own model.`;
  return `In these multi-agent runs the failures belong to ${agent}: ${g.requested} of ${g.spans} ran for its turn in an executor, the rest were emitted by its own model.`;
}

const CODE_FAILED = /\b(code (parsing|execution) failed|InterpreterError|SyntaxError|IndentationError|NameError)\b/i;
const TRANSIENT = /timeout|timed out|unavailable|\b50[234]\b|connection|reset|temporar/i;
// A lookup's answer that it could not find what it was asked for ("Could not find that page, please try again."): like
// "no results", it says the call ran and matched nothing, not which side is wrong.
const COULD_NOT_FIND = /\b(?:could ?n[o'’]t|can ?n[o'’]t|unable to) find\b/i;
const RUN_TIME_LIMIT = /\btime(?:d)? ?out\b|\btimeout\b|time limit|execution time exceeded|took too long/i;
const NETWORK_WORDS = /connect|socket|network|\bhost\b|HTTP|urlopen|ConnectTimeout|ReadTimeout|requests\.|DNS|SSL/i;
// A connection that could not be made or was dropped (not a slow service answering late).
const NETWORK = /\b(?:Connection(?:Error|RefusedError|ResetError)?|ConnectTimeout|ReadTimeout|MaxRetryError|NewConnectionError|URLError|socket\.timeout|TimeoutError: \[Errno)\b|connection (?:timed out|refused|reset|aborted)/i;
// An HTTP status and its reason phrase, and nothing else.
const REASON_ONLY = /^\s*(?:(?:HTTP\/[\d.]+\s+)?(?:<n>|\d{3})\s+)?(?:Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Unprocessable Entity|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\.?\s*$/i;
// A per-day limit counts too, unless the error says when to try again within minutes (a rolling window that backoff waits out).
const QUOTA = /quota|usage limit|monthly|billing|insufficient_quota|out of credits?|credit balance|daily (?:rate )?limit|per day(?![^\n]*try again in\s+\d)/i;
const SOURCE_TEXT: Record<ValueSource, string> = {
  model: "appears first in the model's own call: no task text, user message or earlier tool output in the run holds it",
  user: "came from the user's own message, and no later call with a corrected value succeeded",
  tool: 'came from an earlier tool call\'s output',
  environment: 'is named by the task, and the environment did not provide it',
  'task-words': "is no name an earlier tool output in the run gave, but is made of the task's own words: a name formed from the task's wording",
  // Not "the environment lacks it": an earlier command may have removed it (review round 44: a `find / -exec gzip`
  // that compressed gzip itself).
  program: 'is a program the command runs, which was not found where the command ran it',
};

/**
 * The cause and fix a group's spans support, and nothing more: where the
 * failing value came from when every traced origin agrees, what the tool
 * reported, how often a later call got through; otherwise what the error
 * says, without guessing at a reason.
 */
/** The first exception class a message names (`KeyError`, `openai.error.InvalidRequestError`). */
function namedClass(message: string): string | undefined {
  return /\b([A-Za-z_][\w.]*(?:Error|Exception))\b/.exec(message)?.[1];
}

/** The run's top-level error reports a failing step: the run stopped at one, or it says what one said (its first line, or its exception class). */
function repeatsStep(t: Trace, root: Span, message: string | null): boolean {
  const own = message ?? '';
  const ownClass = namedClass(own);
  // A run that stopped at a failing step: its own error reports that stop (retries given up on, "run aborted").
  const steps = indexTrace(t).steps;
  const last = steps.reduce<Span | undefined>((a, x) => (a === undefined || x.endTime >= a.endTime ? x : a), undefined);
  // A refusal for the request's length names its own cause, which a failing step before it is not (MINT AgentLM
  // hotpotqa:12: a shell's "command not found" last, then the harness's context-length error).
  if (last !== undefined && (isErrorSpan(last) || failureOf(t, last) !== null) && !CONTEXT_LIMIT.test(own)) return true;
  return originErrors(t).some((x) => {
    if (x.spanId === root.spanId) return false;
    const m = failureOf(t, x) ?? '';
    const first = m.trim().split('\n', 1)[0]!;
    return (first !== '' && own.includes(first)) || (ownClass !== undefined && namedClass(m) === ownClass);
  });
}

// A task's grader rejecting the answer a call proposed.
const GRADED_WRONG = /^(?:your |the )?(?:proposed |submitted )?(?:answer|solution) (?:is|was) (?:wrong|incorrect|not correct)\b/i;

// A provider refusing a request for its length ("maximum context length is 4097 tokens", context_length_exceeded, "prompt is too long").
const CONTEXT_LIMIT = /maximum context length|context[_ ]length[_ ]exceeded|context window|prompt is too long|input is too long for (?:the )?model/i;

/** A cause, and whether it was read from where the missing values came from (provenance.ts), which a retry finding does not say. */
type Cause = { rootCause: string; fix: string; kind: FindingInput['fix']['kind']; fromOrigins?: true; graded?: true };

function causeOf(g: Group, where: string, kind: string, rateLimited: boolean, workedElsewhere: boolean): Cause {
  const sig = firstLine(errorSignature0(g), 80);
  const ck = g.checked;
  const each = (n: number) => (n === g.spans ? 'every failing call' : `${n} of ${g.spans} failing calls`);
  // A grader's verdict on a proposed answer ("Your answer is wrong."): the call did what it is for, and what failed is the
  // answer, which halo does not check against the task.
  if (kind === 'tool' && GRADED_WRONG.test(g.signature))
    return {
      rootCause: `\`${where}\` grades the answer a call proposes, and judged these wrong (${sig}): a verdict on the answer as the grader read it, not a failure of the call. Why they were judged wrong (the answer itself, or how it was taken from the reply or graded), halo's checks did not determine.`,
      fix: `Halo could not tell why these answers were judged wrong, so it prescribes no change to \`${where}\`: compare a cited answer with the task and the steps that led to it.`,
      kind: 'eval',
      graded: true,
    };
  // The provider refused the request for its length, in the error's own words: the conversation outgrew the model's window.
  const window = g.citations.filter((c) => CONTEXT_LIMIT.test(c.excerpt ?? ''));
  if (window.length && window.length === g.citations.length) {
    const all = g.citations.length === g.spans;
    return {
      rootCause: `${all ? 'Every' : `Each of the ${g.citations.length} cited`} failure says the request was longer than the model's context window (e.g. "${firstLine(window[0]!.excerpt!, 160)}"): what the run had sent the model by then no longer fit.`,
      fix: `Keep each request within the model's context window: trim or summarize earlier turns (long observations first) or reserve fewer tokens for the completion, or use a model with a longer window; and end such a run with that reason rather than an exception.`,
      kind: 'config',
    };
  }
  if (ck.modules.size) {
    const installed = ck.installed.size;
    return {
      rootCause: ck.fetchedModules.size ? fetchedModulesCause(ck) : `The commands failed with ModuleNotFoundError for modules that code already in the environment imports (${[...ck.modules.keys()].slice(0, 8).join(', ')}${ck.modules.size > 8 ? `, and ${ck.modules.size - 8} more` : ''}), and the Python that ran it does not have them${ck.repoImports.size ? `: ${[...ck.repoImports].map((m) => `\`${m}\``).join(', ')} the agent's own script imported too, and an earlier output shows the repository's code importing ${ck.repoImports.size > 1 ? 'them' : 'it'}; nothing the agent wrote names the others` : '; nothing the agent wrote in the run names them'}.${installed ? ` In ${count(installed, 'run', 'runs')} the agent installed one itself later on.` : ''}`,
      fix: fixForModules(ck),
      kind: 'config',
    };
  }
  if (ck.workspace.size) {
    const shown = [...ck.workspace].slice(0, 4).map(([m, paths]) => `\`${[...paths.values()][0]}\``);
    const named = ck.agentModule ? ` In ${ck.agentModule === g.spans ? 'each' : `${ck.agentModule} of them`} the agent's own command or script names the module.` : '';
    return {
      rootCause: `In ${each(g.spans)} the module the import could not find is a folder or file that the run's own output shows in the workspace (${shown.join(', ')}), and no earlier call of the agent created it: the Python that ran the command did not have the folder holding it on its import path. Nothing shows a package missing from the environment.${named}`,
      fix: `Have the agent put the folder that holds the module on the import path of the Python it runs (run from that folder, or set PYTHONPATH to it) instead of installing a package of that name; the cited outputs show where the module is.`,
      kind: 'prompt',
    };
  }
  if (ck.placeholder)
    return {
      rootCause: `The code that failed holds a placeholder credential (e.g. \`${ck.placeholder}\`) instead of a real one, in ${each(g.spans)}: the service rejected it, or the code raised on it.`,
      fix: `Give the agents real credentials through the environment and name the variable in their instructions (or a tool that is already authenticated), and tell them to report a missing credential instead of writing a placeholder.`,
      kind: 'config',
    };
  if (ck.noneFrom) {
    const given = ck.noneGiven === g.spans;
    const printed = ck.nonePrinted === g.spans;
    return {
      rootCause: `In ${each(g.spans)} the failing line uses the value \`${ck.noneFrom}(…)\` returned, and it was None${printed ? '; each output also holds text printed before the failure (the call printed what it found and returned nothing)' : ''}${given ? `; \`${ck.noneFrom}\` is named in the task or the agents' instructions, as a function they are given` : ''}.`,
      fix: printed
        ? `Make \`${ck.noneFrom}\` return what it prints (or say where the agents are told about it that it prints its results and returns None), so code that iterates over its result works.`
        : given
          ? `Make \`${ck.noneFrom}\` return its result (or raise an error saying why it has none), and say what it returns where the agents are told about it.`
          : `Have the agent check what \`${ck.noneFrom}(…)\` returned before using it, and decide what to do when it is None instead of going on without the data.`,
      kind: printed || given ? 'code' : 'prompt',
    };
  }
  // Every run hit it on the task's own line: the prescribed call fails there, whatever else the model tried after.
  if (ck.prescribedRuns.size === g.traces.size)
    return {
      rootCause: `In ${each(ck.prescribed)} the failing line is code the task gives verbatim (\`${firstLine(ck.prescribedLine ?? '', 100)}\`): the call the instructions prescribe failed in this environment (${sig}), not code the model made up.`,
      fix: `Fix the prescribed call or the environment it runs in (the cited line reproduces it), and tell the agent in the task what to do when it fails.`,
      kind: 'config',
    };
  if (ck.fromTask === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the code that ran is code the chat's opening message (the task brief it was started with) gives, run before any agent wrote its own (${sig}): the task's code failed, not code an agent wrote.`,
      fix: `Fix the code in the task brief (or leave code out of it and let the agents write their own), since every run started from it hits the same error.`,
      kind: 'config',
    };
  // The traceback ends in code the environment provides (a helper the code imports, which no call wrote): raised there.
  if (g.runner && ck.helper === g.spans && ck.helperAt) {
    const at = `\`${ck.helperAt.func}\` in \`${ck.helperAt.file}\``;
    const refused = ck.subscription === g.spans ? ` Each output also says "${ck.subscriptionText}": the service the helper calls does not give the account it calls with that API.` : '';
    // A name the helper's own line uses and nothing bound is the helper's defect whatever it was passed; other errors
    // raised there may come from what the agent passed it, which is not checked.
    const ownName = /^(?:[\w.]+\.)?NameError\b/.test(errorSignature0(g));
    return {
      rootCause: `In ${each(g.spans)} the traceback ends inside ${at} (${sig}), a module the code that ran imports and that no call of the run wrote: the error is raised in code the environment provides, not in the agent's own lines.${refused}${ownName ? ` A NameError there is a name the helper's own line uses that is not defined where it runs, whatever the helper was passed.` : refused ? '' : ' Whether what the agent passed it led to the error is not checked.'}`,
      fix: refused
        ? `Subscribe the account ${at} calls with to that API (or stop offering the helper), and have the helper raise an error that says what the service answered instead of failing on the missing field; the agent's code only called it.`
        : ownName
          ? `Fix ${at} (define or import the name its line uses); the agent's code only called it.`
          : `Read a cited call for what the agent passed to ${at} before changing either: if the input was valid, fix the helper (or have it raise an error that says what it needs); if not, tell the agents what it takes.`,
      kind: refused || ownName ? 'code' : 'eval',
    };
  }
  if (ck.subscription === g.spans && g.runner)
    return {
      rootCause: `In ${each(g.spans)} the output of what \`${where}\` ran says "${ck.subscriptionText}": the service that code called does not give the account it calls with this API or endpoint, and no other input gets past it.`,
      fix: `Subscribe the account that code calls with to that API (or a plan that includes it), or tell the agent it is not available; nothing the agent sends changes this answer.`,
      kind: 'config',
    };
  if (ck.subscription === g.spans)
    return {
      rootCause: `In ${each(g.spans)} \`${where}\` answered that the account it is called with does not have this API or endpoint (the error says "${ck.subscriptionText}"): its subscription, not the call's inputs or the agent's reasoning, is what failed, and no other input gets past it.${g.received ? '' : ' No model call was sent these errors.'}`,
      fix: `Subscribe the account \`${where}\` uses to that API (or a plan that includes the endpoint), or stop offering the tool to the agent while it has none; nothing the agent sends changes this answer.`,
      kind: 'config',
    };
  if (ck.credentials === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the service refused the credentials the call carried (the error says \`${ck.credentialsText}\`): the call's authentication, not its other inputs or the agent's reasoning, is what failed.${g.received ? '' : ' No model call was sent these errors.'}`,
      fix: `Give \`${where}\` valid credentials in the environment it runs in (check the key or token it reads and its scope), or turn the call off where nothing in the run depends on it.`,
      kind: 'config',
    };
  if (ck.selfCreated === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the path the error says already exists was created by the agent's own earlier call in the same run (e.g. \`${ck.selfCreatedPath}\`): the agent is creating again a file it made itself.${g.repeats ? ` The same error came back ${count(g.repeats, 'more time', 'more times')} in the same runs.` : ''}`,
      fix: `Tell the agent that a file it already created is edited (or overwritten with an explicit command), not created again; where the tool allows it, have \`${where}\`'s error say which command edits an existing file.`,
      kind: 'prompt',
    };
  if (ck.paramsChecked === g.spans) {
    const params = [...ck.params.keys()].map((p) => `\`${p}\``).join(', ');
    const declared = ck.paramsDeclared === g.spans;
    // The model's message before the call named what the call then left out: it was not for want of being told.
    // A key sent as "" is not left out, and a schema's `required` does not refuse it (minLength does).
    const leaveOut = ck.paramsEmpty === 0 ? 'leave out' : ck.paramsEmpty === g.spans ? 'send empty' : `leave out or send empty (${ck.paramsEmpty} of ${g.spans} empty)`;
    const named = ck.paramsNamed ? ` In ${ck.paramsNamed === g.spans ? 'each' : `${ck.paramsNamed} of them`} the model's own message that emitted the call names the parameter it then left out.` : '';
    if (declared && ck.paramsProse > 0)
      return {
        rootCause: `In ${each(g.spans)} the arguments ${leaveOut} ${params}, which the error names as required; the declaration of \`${where}\` the model was offered says so only in ${ck.params.size > 1 ? 'their descriptions' : 'its description'}, not in the schema's \`required\`.${named}`,
        fix: `Make the requirement part of the schema, not prose (a schema per command, e.g. \`oneOf\` on \`command\` with ${params} in \`required\`), and turn on strict tool calls (constrained decoding) so a call without ${ck.params.size > 1 ? 'them' : 'it'} cannot be emitted${ck.paramsEmpty ? ` (with \`minLength: 1\`, since ${ck.paramsEmpty === g.spans ? 'these calls send' : 'some of these calls send'} it empty)` : ''}; \`${where}\`'s error already names the missing field.`,
        kind: 'tool_schema',
      };
    return {
      rootCause: `In ${each(g.spans)} the arguments ${leaveOut} ${params}, which the error names as required${declared ? `, and the declaration of \`${where}\` the model was offered already lists ${ck.params.size > 1 ? 'them' : 'it'} as required` : ''}.${named}`,
      fix: declared
        ? `The model was told ${params} ${ck.params.size > 1 ? 'are' : 'is'} required and left ${ck.params.size > 1 ? 'them' : 'it'} out anyway: turn on strict tool-call schemas (structured outputs) so such calls cannot be emitted.`
        : ck.paramsUndeclared === g.spans
          ? `Check that the schema of \`${where}\` given to the model names ${params} as required, with the exact field names (halo found no declaration of it in the run's spans), and validate calls against it before running them.`
          : `Declare ${params} as required in \`${where}\`'s schema (with a description), so the model is told before it calls, and validate calls against it.`,
      kind: declared ? 'config' : 'tool_schema',
    };
  }
  if (ck.agentModule === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the missing module is one a command or script the model wrote names${ck.createdModule === 0 ? ', and no earlier call in the run creates a file or folder by that name' : ''}.`,
      fix: `Have the agent use only modules the environment has (or install them first), and create a module of its own (or put its folder on the import path) before naming it in imports or settings.`,
      kind: 'prompt',
    };
  const origins = [...g.origins];
  const traced = origins.reduce((n, [, o]) => n + o.count, 0);
  // Names formed from the task's words and values with no source at all are both the model's own, as checked.
  const formed = g.origins.get('task-words');
  const unsourced = g.origins.get('model');
  if (origins.length === 2 && formed && unsourced && traced * 2 >= g.spans) {
    const share = traced === g.spans ? `every failing call` : `${traced} of ${g.spans} failing calls`;
    return {
      rootCause: `In ${share} the value that was not found is no name an earlier tool output in the run gave: in ${formed.count} it is made of the task's own words (e.g. \`${firstLine(formed.example, 80)}\`); in ${unsourced.count} (e.g. \`${firstLine(unsourced.example, 80)}\`) no task text, user message or earlier tool output holds it.${lookedText(formed.afterLookup + unsourced.afterLookup, formed.count + unsourced.count)}`,
      fix: `Have the agent take such names from what a lookup returned (list what exists, and use a listed name) instead of forming them from the task's wording or assuming them; make \`${where}\`'s not-found error list what does exist, so the next call can use it.`,
      kind: 'prompt',
      fromOrigins: true,
    };
  }
  if (origins.length === 1 && traced * 2 >= g.spans) return { ...originCause(origins[0]!, traced, g.spans, where), fromOrigins: true };
  // A usage quota (a monthly cap, a billing limit) does not lift with backoff: pacing is no fix for it.
  if (rateLimited && QUOTA.test(ck.rateLimitedText ?? g.signature))
    return {
      rootCause: `\`${where}\` rejected these calls because a usage quota ran out (${ck.rateLimitedText ? `the error says "${ck.rateLimitedText}"` : sig})${g.recovered ? `; ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : ''}.${g.received || !g.inputsRecorded ? '' : ' No model call was sent these errors.'}`,
      fix: `Raise the quota or plan of the account \`${where}\` uses, or send it less${g.received || !g.inputsRecorded ? '' : `; where nothing in the run depends on \`${where}\` (an upload of traces or telemetry), turning it off also ends them`}. Retrying with backoff does not help until the quota resets.`,
      kind: 'config',
    };
  if (rateLimited)
    return {
      rootCause: `\`${where}\` rejected these calls for its rate limit or usage quota (${ck.rateLimitedText ? `the error says "${ck.rateLimitedText}"` : sig})${g.recovered ? `; ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : ''}.${g.received || !g.inputsRecorded ? '' : ' No model call was sent these errors.'}`,
      fix: `Pace calls to \`${where}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if rejections keep growing${g.received || !g.inputsRecorded ? '' : `; where nothing in the run depends on \`${where}\` (an upload of traces or telemetry), turning it off also ends them`}.`,
      kind: 'config',
    };
  // The service behind the tool failed, whatever was sent: the fix is there, not in the inputs or the prompt.
  const backend = ck.backendTransport + ck.backendOutage;
  if (backend === g.spans) return backendCause(g, where);
  // The reply did not hold the action in the form the harness parses: its format failed, not a command.
  if (ck.unparsed === g.spans) {
    // Stopped part-way and then sent whole: the model writes the format; something cut the reply.
    const cut = ck.resentWhole
      ? ` In ${ck.resentWhole === g.spans ? (g.spans === 1 ? 'it' : 'each') : `${ck.resentWhole} of them`} the action stops part-way and the model's next action is the same one whole: ${ck.resentWhole === 1 ? 'that reply was' : 'those replies were'} cut off before the action ended, which the format does not explain.`
      : '';
    const tell = `have the harness answer an action it cannot parse by saying what was missing (${unparsedWhat(ck)}) instead of "${sig}"`;
    return {
      rootCause: `In ${each(g.spans)} the model's reply did not write the action in the form the harness parses (${unparsedWhat(ck)})${cut ? `.${cut}` : `: what failed is the action's format, not a command.`}`,
      fix:
        ck.resentWhole === g.spans
          ? `Find what cuts these replies before the action ends (a stop sequence or an output limit in the harness's model calls), since the next action shows the model writing the format; and ${tell}.`
          : `Show the model the exact action format in its instructions${ck.resentWhole ? ` (for the replies cut off, find what cuts them: a stop sequence or an output limit)` : ''}, and ${tell}.`,
      kind: ck.resentWhole === g.spans ? 'config' : 'prompt',
    };
  }
  // What ran is not what the call holds: the harness changed it on the way to the shell.
  if (ck.ranOther === g.spans)
    return {
      rootCause: `In ${each(g.spans)} what the shell ran is not the command the call carries${ranWhat(ck, g.spans)}: the command was changed on its way to the shell (whether it would have failed as written is not checked).`,
      fix: `Make \`${where}\` pass commands to the shell as written${ck.ranStripped === g.spans ? ' (keep their double quotes and backslashes)' : ''}, then re-run a cited command as written to see whether it works.`,
      kind: 'code',
    };
  // Markup's escaping in a command: the shell cannot read `&amp;&amp;` as `&&`. Who escaped it (the model, or what
  // parsed its reply into the call) is not on record apart, so the fix names both places to look.
  if (g.runner && ck.htmlRefs === g.spans)
    return {
      rootCause: `In ${each(g.spans)} ${htmlWhat(ck)}: the command failed as the call carries it, escaped (whether the model wrote the references or what parsed its reply into the call made them is not checked).`,
      fix: `Find where \`${ck.htmlRef}\` came from: if the model's replies hold it, tell the model to write shell operators as plain characters; if the harness's parsing of the reply escapes them, unescape character references before running the command.`,
      kind: 'code',
    };
  // Code that reached the runner as one line, reading as lines joined by spaces: Python cannot parse it, and where
  // the line breaks were lost decides the fix. The model's reply, when the run has it, tells.
  if (ck.flat === g.spans) {
    const example = `e.g. \`${ck.flatExample}${(ck.flatExample ?? '').length >= 80 ? '…' : ''}\``;
    const joined = `the code reached \`${where}\` as one line, with runs of spaces where line breaks and indentation would be (${example}), and Python cannot parse those lines as one`;
    if (ck.flatReplyBroken === g.spans)
      return {
        rootCause: `In ${each(g.spans)} ${joined}; the model's reply that emitted the call holds the same code with its line breaks: they were lost between the reply and \`${where}\`, so what failed is not the code the model wrote.`,
        fix: `Make what takes the code from the model's reply to \`${where}\` (the harness's action parsing, or how the call is recorded and replayed) keep its line breaks; the model's instructions are not what to change.`,
        kind: 'code',
      };
    if (ck.flatReplyOneLine === g.spans)
      return {
        rootCause: `In ${each(g.spans)} ${joined}; the model's reply that emitted the call holds it as one line too: the model wrote it so.`,
        fix: `Have the model put each statement of the code it sends on its own line (show the expected format with a multi-line example in its instructions).`,
        kind: 'prompt',
      };
    return {
      rootCause: `In ${each(g.spans)} ${joined}. ${ck.flatReplyBroken || ck.flatReplyOneLine ? `Only ${ck.flatReplyBroken + ck.flatReplyOneLine} of the model's replies that emitted them record the code` : `These runs do not record the model's reply with the code`}, so whether the model wrote it as one line or its line breaks were lost on the way to \`${where}\` is not known.`,
      fix: `Compare a cited action with the model's raw reply: if the reply has the line breaks, make the harness keep them when it takes the code from the reply; if it does not, have the model put each statement on its own line.`,
      kind: 'eval',
    };
  }
  // A code runner that reports a connection failure reports the code's own network call: the runner worked.
  if (g.runner && TRANSIENT.test(g.signature) && NETWORK.test(g.signature))
    return {
      rootCause: `The code the agent had \`${where}\` run failed on its own network call (${sig}): the host it tried to reach did not answer; \`${where}\` ran the code and reported the failure. ${g.recovered ? `${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back; whether it reached the same host is not checked)` : 'None was handled: the next call to it failed too, there was none, or the error came back'}.`,
      fix: `Have the agent's code set a timeout on its network calls and handle a failed connection (say so, or get the data another way) instead of assuming the host answers; if runs need that host, check that the environment can reach it.`,
      kind: 'prompt',
    };
  // A code runner's own time limit: the code it was given ran too long. Nothing transient about it, and calling again
  // runs the same work (a network call's timeout inside the code is read above as the code's network failure).
  if (g.runner && RUN_TIME_LIMIT.test(g.signature) && !NETWORK_WORDS.test(g.signature))
    return {
      rootCause: `In ${each(g.spans)} the code the agent had \`${where}\` run went past the runner's time limit (${sig}), and the runner stopped it${g.recovered ? `; ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : ''}${g.repeats ? `; it came back ${count(g.repeats, 'more time', 'more times')} later in the same runs` : ''}. What made the code slow (a loop, a model fit, the data's size), halo's checks did not determine.`,
      fix: `Have the agent check what could keep its code running before sending it (a loop whose exit is never reached, the size of the data or of the work) and print progress as it goes; if such work is expected, raise \`${where}\`'s time limit. Retrying runs the same work again.`,
      kind: 'prompt',
    };
  if (TRANSIENT.test(g.signature)) {
    // Transient by its words only: where the same error came back in the run, or a time limit fired and nothing
    // later got past it, calling again is what was already done, and a timeout is what failed.
    const timedOut = /\btime(?:d)? ?out\b|\btimeout\b/i.test(g.signature);
    const persisted = g.repeats > 0 || (timedOut && g.recovered === 0);
    return {
      rootCause: `\`${where}\` failed with an error that reads as transient (${sig})${g.repeats ? `, but it came back ${count(g.repeats, 'more time', 'more times')} later in the same runs` : ''}; ${g.recovered ? `${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : 'none was handled: the next call to it failed too, there was none, or the error came back'}.`,
      fix: persisted
        ? `Find why calls to \`${where}\` ${timedOut ? 'run past their time limit' : 'keep failing'} (the service behind it, the host it reaches, or what the cited calls asked it to do) before adding retries: ${g.repeats ? 'calling again met the same error' : 'no later call got past it'}. Return a clear, model-readable error so the agent can go another way.`
        : `Give \`${where}\` a timeout and a bounded retry with jittered backoff, and return a clear, model-readable error when retries are exhausted.`,
      kind: 'code',
    };
  }
  // The harness turned the calls away: the tool never ran them, so nothing about the tool or the code is shown.
  if (ck.refused === g.spans) {
    const all = g.spans + g.repeats + g.together;
    const same = ck.sameParse ? ` In ${ck.sameParse === all ? (all === 1 ? 'it' : `each of the ${all} refusals (repeats included)`) : `${ck.sameParse} of the ${all} refusals (repeats included)`} the model's reply differed from its reply before, but the action the harness parsed from it was the same: what the harness took from the reply, not the model, repeated.` : '';
    return {
      rootCause: `The harness refused to run these calls, so \`${where}\` never ran them; its message says why (${sig}).${same}`,
      fix: ck.sameParse === all
        ? `Find why the harness parses different replies into one action (where its parse of the reply stops), and have it say what it parsed when it refuses.`
        : ck.sameParse
        ? `Where the replies differed, find why the harness parsed them into one action; elsewhere, have the agent change its action when the harness refuses it (the refusal already says why).`
        : `Have the agent change its action when the harness refuses it (the refusal already says why), and have the harness say what it would need instead.`,
      kind: ck.sameParse === all ? 'code' : 'prompt',
    };
  }
  // The code that ran is not code the model finished: its reply stopped inside the block, or the reply's markup ran with it.
  if (g.runner && ck.cutReply + ck.fenceRan === g.spans) {
    const cutText = ck.cutReply
      ? `${ck.cutReply === g.spans ? (g.spans === 1 ? 'the' : 'each') : `in ${ck.cutReply} of them the`} model's reply never closes the code block that ran (it opens a fence it never closes; ${ck.cutReply === 1 ? `${ck.cutChars[0]} characters` : `${Math.min(...ck.cutChars)}–${Math.max(...ck.cutChars)} characters`}), so the code that ran is not a block the model finished${ck.cutShort ? `; in ${ck.cutShort === ck.cutReply ? (ck.cutReply === 1 ? 'it' : 'each') : ck.cutShort} the code that ran stops well before the reply does, where the harness's parse of the unclosed block stopped` : ''}${ck.cutShort < ck.cutReply ? `; ${ck.cutShort ? 'elsewhere ' : ''}the code ends where the reply ends. The records keep no stop reason, so whether an output limit or the model ended the reply is not known` : ''}`
      : '';
    const fenceText = ck.fenceRan ? `${ck.fenceRan === g.spans ? (g.spans === 1 ? 'the' : 'in each the') : `in ${ck.fenceRan} of them the`} error comes from a Markdown fence (\`\`\`) inside the code that ran (Python points at the fence line; a shell finds its backticks an unclosed command substitution): the reply's markup went into the program` : '';
    return {
      rootCause: `${[cutText, fenceText].filter(Boolean).map((x) => x.charAt(0).toUpperCase() + x.slice(1)).join('. ')}.`,
      fix: [
        ck.cutReply ? `${ck.cutShort < ck.cutReply ? 'Find what ends these replies part-way (the output limit of the agent\'s model calls, or a stop sequence) or have the agent write long code in parts, and h' : 'H'}ave the harness refuse a code block that is not closed instead of running part of it` : '',
        ck.fenceRan ? 'have the harness take one code block per action and strip Markdown fences from the code it runs, or tell the model to send one code block per reply' : '',
      ].filter(Boolean).join('; ').replace(/^./, (c) => c.toUpperCase()) + '.',
      kind: ck.cutReply ? 'config' : 'code',
    };
  }
  if (g.runner && ck.edited === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the traceback ends in code the agent wrote: a file its own commands wrote or edited earlier in the run, or code given inline in the command (e.g. ${ck.editedFile === 'the command itself' ? 'a `python -c` command' : `\`${ck.editedFile}\``}): the code that failed is the agent's.`,
      fix: `Have the agent check what it writes before running it (compile or lint an edited file, keep a backup and restore it when an edit breaks the file), and read the traceback's last frame before its next edit.`,
      kind: 'prompt',
    };
  // The error is about a class the agent's own script defines: its code, whichever library's check raised it.
  if (g.runner && ck.mainClass === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the error names a class of \`__main__\` (e.g. \`__main__.${ck.mainClassName}\`), the program the command ran as a script, and the agent's own calls wrote that class's definition: what the error says of it (${sig}) is about code the agent wrote.`,
      fix: `Have the agent give the class in its script what the error says it lacks, or test through the project's own test setup rather than a standalone script; the error already names what is missing.`,
      kind: 'prompt',
    };
  // The code uses a name it never binds: incomplete as written, whatever the environment holds.
  // The name was there before: an earlier call bound it and ran, so the code leaned on the interpreter's state, which was gone.
  if (g.runner && ck.lostNames > 0 && ck.lostNames + ck.undefinedNames === g.spans) {
    const ex = ck.lost[0]!;
    const short = (id: string) => id.slice(id.lastIndexOf(':') + 1);
    const lostText = `${ck.lostNames === g.spans ? (g.spans === 1 ? 'the failing call' : 'every failing call') : `${ck.lostNames} of ${g.spans} failing calls`} the name the code uses was bound by an earlier call to \`${where}\` in the run that ran without error (e.g. \`${ex.name}\`, bound at ${short(ex.boundAt)}): the code relied on what the interpreter held from before`;
    const restartText = `; in ${ck.lostNames === 1 ? 'it' : 'each'} a call in between restarted or interrupted the interpreter (e.g. \`${ex.restart}\` at ${short(ex.restartAt)}), which clears what it held`;
    return {
      rootCause: `In ${lostText}${restartText}.${ck.undefinedNames ? ` In ${ck.undefinedNames} the code uses ${[...ck.names].slice(0, 3).map((n) => `\`${n}\``).join(', ')}, which neither it nor an earlier call that ran without error binds: incomplete as it ran.` : ''}`,
      fix: `Have the agent run its imports and definitions again after anything that restarts the interpreter (a package install from a cell, an interrupted call), or install packages before the work starts; where the harness restarts the interpreter on an install, say so in the agent's instructions.`,
      kind: 'prompt',
    };
  }
  if (g.runner && ck.undefinedNames === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the code that ran uses ${[...ck.names].slice(0, 4).map((n) => `\`${n}\``).join(', ')} and neither defines, imports nor assigns ${ck.names.size > 1 ? 'them' : 'it'} anywhere in it: the code was incomplete as it ran.`,
      fix: `Have the agent import or define every name its code uses in the code it sends to run (${[...ck.names].slice(0, 4).map((n) => `\`${n}\``).join(', ')} here), rather than rely on an earlier block or an assumed environment.`,
      kind: 'prompt',
    };
  // A shell or interpreter runs what the model wrote: the failure is in that code, in what reached
  // the runner of it, or in the environment, and which one is not something the error line tells.
  // Halo says so and prescribes nothing that presumes one of them.
  if (g.runner) {
    const partly = [
      ck.unparsed ? `in ${ck.unparsed} of ${g.spans} failing calls the model's reply did not write the action in the form the harness parses (${unparsedWhat(ck)})` : '',
      ck.ranOther ? `in ${ck.ranOther} of ${g.spans} what the shell ran is not the command the call carries${ranWhat(ck, ck.ranOther)}` : '',
      ck.htmlRefs ? `in ${ck.htmlRefs} of ${g.spans} failing calls ${htmlWhat(ck)}` : '',
      // Where the missing values came from, each source on its own where they differ (review round 42: a program the
      // environment lacks beside a path the model made up, which no one cause covered).
      ...[...g.origins].map(([source, o]) => `in ${o.count} of ${g.spans} failing calls the value that was not found (e.g. \`${firstLine(o.example, 80)}\`) ${SOURCE_TEXT[source]}`),
    ].filter(Boolean);
    const told = partly.length ? ` Checked: ${partly.join('; ')}.` : '';
    // "The others" only where a check said why some failed; where the values came from is not why.
    const toldWhy = ck.unparsed || ck.ranOther || ck.htmlRefs || g.origins.has('program');
    // What the checks did find gets its own remedy ahead of the rest (review round 42: a cause found, no fix for it).
    const remedies = [
      ck.unparsed ? `Where the reply did not parse, show the model the exact action format` : '',
      ck.ranOther ? `where what ran is not the command, make \`${where}\` pass commands to the shell as written` : '',
      ck.htmlRefs ? `where the command holds \`${ck.htmlRef}\`, find whether the model's reply or the parsing of it escaped it, and write or unescape shell operators as plain characters` : '',
      g.origins.has('program') ? `where a program the command runs was not found, check whether the environment has it (install it, or find what in the run removed it) and have the agent check which programs exist (\`command -v <name>\`) first` : '',
    ].filter(Boolean).map((x, i) => (i === 0 ? x.replace(/^w/, 'W') : x));
    // Where the source keeps only the harness's parse of each reply, what the model wrote is not known either.
    const parsed = ck.notAsWritten === g.spans ? ` These runs record each command as the harness parsed it from the model's reply, not the reply itself, so whether what ran is what the model wrote is not known.` : '';
    return {
      rootCause: `What the model had \`${where}\` run failed with this error (${sig}) in ${count(g.traces.size, 'run', 'runs')}; halo's checks did not determine why${toldWhy ? ' the others failed' : ''} (the command itself, a change to it on its way to \`${where}\`, or the environment it ran in).${told}${parsed}`,
      fix: `${remedies.join('; ')}${remedies.length ? '. ' : ''}Halo could not tell why ${toldWhy ? 'the others' : 'these'} failed, so it prescribes no change${toldWhy ? ' for them' : ''}: read the cited commands and their output first, for whether the command, a change to it on its way to \`${where}\`, or the environment is at fault.`,
      kind: 'eval',
      // A missing program is a cause the retry finding does not say: both stand.
      ...(g.origins.has('program') ? { fromOrigins: true as const } : {}),
    };
  }
  if (g.reported === g.spans)
    return {
      rootCause: `\`${where}\` ran what it was given and reported that it failed (${sig}); halo's checks did not determine why what ran failed.`,
      fix: `Have the agent read the reported failure and fix what it ran before going on, or say the task is unfinished; keep \`${where}\`'s output naming what failed and why, so the model can act on it.`,
      kind: 'prompt',
    };
  if (kind === 'span' && ck.imports.size && ck.importsListed === g.spans)
    return {
      rootCause: `The model's code imported modules the interpreter does not allow (${[...ck.imports].slice(0, 6).map((m) => `\`${m}\``).join(', ')}), in ${each(g.spans)}, although the agent's instructions already list the authorized imports.${ck.importedTools.size ? ` ${[...ck.importedTools].map((m) => `\`${m}\``).join(', ')} ${ck.importedTools.size > 1 ? 'are tools' : 'is a tool'} the agent already has, imported as a module.` : ''}`,
      fix: `The allowed list is already in the instructions: ${ck.imports.size > ck.importedTools.size ? `if the tasks need ${[...ck.imports].filter((m) => !ck.importedTools.has(m)).map((m) => `\`${m}\``).join(', ')}, add ${ck.imports.size - ck.importedTools.size > 1 ? 'them' : 'it'} to the executor's authorized imports; otherwise ` : ''}say next to that list that tools are called directly, never imported, and that an import outside the list fails the step.`,
      kind: 'config',
    };
  if (kind === 'span' && CODE_FAILED.test(g.signature))
    return {
      rootCause: `The code the model wrote for these steps failed when the framework parsed or ran it (${sig})${g.received === g.spans ? '; the model was sent each error, with the failing line, in its next call' : ''}.`,
      fix: g.received !== g.spans
        ? `Send the model the full error and the failing line when a step's code fails, so its next step can correct it.`
        : /^Code parsing failed/.test(errorSignature0(g).replace(/^Step <n>:?\s*/, ''))
          ? `The parse error and the failing line already reach the model. If these steps matter, read the cited code for what it was writing when it broke (long text inside string literals is a common case) and give the agent a way to do that without writing it as code (a file-writing or patch tool).`
          : `The error and the failing line already reach the model; halo's checks did not determine why the code was wrong, so read the cited steps (what the model assumed about the function or value it used) before changing its instructions.`,
      kind: 'prompt',
    };
  // Every one ended its run: no model was sent the error, so neither what it says nor the agent's next move is the story.
  if (kind === 'tool' && ck.lastStep === g.spans && g.received === 0)
    return {
      rootCause: `In ${each(g.spans)} the call is its run's last step: nothing ran after it, so no model call was sent this error (${sig}) and the run ended there. Halo's checks did not determine what ended the runs (a step, time or budget limit, or the harness stopping them).`,
      fix: `Find why the runs ended at these calls (the harness's step, time or budget limits, or how it stops a run) before changing the agent: the agent was never sent this error.`,
      kind: 'config',
    };
  // A rejection that names no condition ("Nothing happens.", "Invalid action!") from a tool other inputs got through:
  // the inputs were turned down, and the answer gives the agent nothing to change (KnowAgent on ALFWorld, round 28: the
  // fix had been aimed at a game working as designed).
  // An answer that speaks of an error ("bingSearch error, please try again") is the tool failing, not a refusal; an HTTP
  // status alone is said as before.
  if (kind === 'tool' && backend === 0 && workedElsewhere && !statesAReason(g.signature) && !REASON_ONLY.test(sig) && !HTTP_STATUS_ONLY.test(g.signature) && !/error|fail|exception|Errno|Traceback/i.test(g.signature))
  {
    // What the run had shown the agent is on record; a call naming something it never showed is the model's own doing.
    // Said where it is more than a stray case (a tenth of the calls, two at least).
    const unseen = ck.unseen >= 2 && ck.unseen * 10 >= g.spans ? ` In ${ck.unseen} of the ${g.spans} calls counted above, the call names something nothing its run was told before it mentions (e.g. \`${ck.unseenExample}\`: no user or system message in the run, no input and no earlier result holds it).` : '';
    const mostlyUnseen = ck.unseen * 2 > g.spans;
    return {
      rootCause: `\`${where}\` answered these calls with a rejection that names no condition (${sig}), and other calls to it went through in this window: what it turned down was these inputs, and its answer does not say what was wrong with them.${unseen}`,
      fix: mostlyUnseen
        ? `Have the agent name only what its run has shown it: in ${ck.unseen} of these ${g.spans} calls the model named something no earlier message or result held. Say so in its instructions (act only on objects an observation has listed), or check each call's names against what the run has shown before sending it.`
        : `Read the cited calls against the state their run was in (what earlier results listed, what the agent held or where it was) for what made them impossible, and have the agent check that state before it sends such a call; an answer from \`${where}\` that says why it refuses would let it correct the next one.`,
      kind: 'prompt',
    };
  }
  // A tool's own plain-language rejection (no exception, nothing transient): it checked the
  // inputs against a rule and said which; the inputs, not the tool, are what the calls got wrong.
  // That needs the tool to work for other inputs (some call to it got through in the window) and
  // the error to state a rule: an HTTP status alone ("Bad Request") states none.
  if (kind === 'tool' && backend === 0 && !REASON_ONLY.test(sig) && !HTTP_STATUS_ONLY.test(g.signature) && statesAReason(g.signature) && !/[A-Za-z](Error|Exception)\b|\bErrno\b|Error running tool|Traceback|has no attribute|is not defined|No module named|An error occurred/.test(g.signature)) {
    if (!workedElsewhere)
      return {
        rootCause: `\`${where}\` failed with this error (${sig}) in ${count(g.traces.size, 'run', 'runs')}, and no call to it went through in any run here: the spans do not show it working for any input, so whether the inputs or the tool (its service, its access) led to the error is not something they tell.`,
        fix: `Call \`${where}\` by hand with one cited input and with an input known to work: if neither goes through, fix the tool or its access, or stop offering it to the agent; if only the cited one fails, tell the agent in the tool's description what input it takes.`,
        kind: 'code',
      };
    // A search that answers it found nothing ran and matched nothing: no condition was broken, and whether the query or
    // what the tool searches is at fault is not in the spans.
    if ((SEARCH_FOUND_NOTHING.test(firstLine(g.signature, 200)) || COULD_NOT_FIND.test(firstLine(g.signature, 200))) && !/^\s*error\b/i.test(g.signature))
      return {
        rootCause: `\`${where}\` answered these calls that it found nothing (${sig}): the calls ran and matched nothing. Whether the queries asked for something that is not there or the tool missed what is, halo's checks did not determine.`,
        fix: `Halo could not tell why these found nothing, so it prescribes no change: compare a cited query with what it should have matched, for whether the query or what \`${where}\` searches is at fault.`,
        kind: 'eval',
      };
    return {
      rootCause: `\`${where}\` rejected these calls with a reason of its own (${sig}): the inputs broke a condition the tool checks, and the error states it; nothing in the spans shows the tool misbehaving.`,
      fix: `Have the agent check that condition before calling \`${where}\` (against what earlier tool results and its instructions say, where they hold it), and when a call is rejected, change the input the error names or tell the user${g.repeats ? ' rather than send the same call again' : ''}.`,
      kind: 'prompt',
    };
  }
  // A provider saying the model asked for does not exist: the name in the configuration, not the prompt or the provider.
  if (kind === 'model call' && /\bmodel_not_found\b|\bmodel [`'"]?[\w./:-]+[`'"]? does not exist\b|\bunknown model\b|\bnot_found_error\b[^\n]*\bmodel\b/i.test(g.signature))
    return {
      rootCause: `The provider answered that the model these calls asked for (\`${where}\`) does not exist or is not available to the key (${sig}): the model name in the calls, not the prompt, is what failed.`,
      fix: `Check the model name \`${where}\` in the configuration against the provider's model list (and the key's access to it); fail at start-up when a configured model is not available, instead of on the first call.`,
      kind: 'config',
    };
  // No model call was sent these errors: what made the call (the framework, the run's own code) is where it is handled.
  const modelSaw = g.received > 0 || !g.inputsRecorded;
  // Some of the failures are the service's (checked); the rest are not told.
  const partly = backend ? ` In ${backend} of ${g.spans} failing calls the service behind \`${where}\` failed (${backendWhat(ck)}).` : '';
  return {
    rootCause: `\`${where}\` failed with the same error in ${g.traces.size} runs (${sig}); halo's checks did not determine whether the inputs or the ${kind} led to it${backend ? ' in the others' : ''}.${partly}${modelSaw ? '' : ` No model call was sent ${g.spans > 1 ? 'any of these errors' : 'this error'}.`}`,
    fix: modelSaw
      ? `Reproduce one cited span's input against \`${where}\` to tell a bad input from a defect in the ${kind}, fix that, and return an error message the model can act on.`
      : `Reproduce one cited span's input against \`${where}\` to tell a bad input from a defect in the ${kind}, and fix it where the call is made: no model was sent the error, so nothing in the agent's instructions can act on it.`,
    kind: 'code',
  };
}

/** Of n failing calls whose name the model formed or assumed, how many came after a call that had worked (a listing it could have read). */
function lookedText(looked: number, n: number): string {
  if (looked === 0) return " No call in those runs had worked before the failing one: the name was not looked up.";
  return ` In ${looked === n ? 'each' : `${looked} of ${n}`}, a call earlier in the run had worked (a listing or lookup the model could have read), and the name is not in any earlier output.`;
}

/**
 * Missing modules some of which the agent's own code imported and an install command of its later fetched: each kind
 * said as checked (the package exists, the environment lacked it; the repository's code imports it; nothing names it).
 */
function fetchedModulesCause(ck: Checked): string {
  const quote = (ms: Iterable<string>) => [...ms].slice(0, 8).map((m) => `\`${m}\``).join(', ');
  const fetched = [...ck.fetchedModules];
  const repo = [...ck.repoImports].filter((m) => !ck.fetchedModules.has(m));
  const rest = [...ck.modules.keys()].filter((m) => !ck.fetchedModules.has(m) && !ck.repoImports.has(m));
  const parts = [`${quote(fetched)} the agent's own code imported, and an install command it ran later fetched ${fetched.length > 1 ? 'them' : 'it'}: the package exists, the environment lacked it`];
  if (repo.length) parts.push(`${quote(repo)} the agent's own script imported too, and an earlier output shows the repository's code importing ${repo.length > 1 ? 'them' : 'it'}`);
  if (rest.length) parts.push(`nothing the agent wrote in the run names ${quote(rest)}`);
  return `The commands failed with ModuleNotFoundError for modules the Python that ran them does not have (${quote(ck.modules.keys())}): ${parts.join('; ')}.${ck.installed.size ? ` In ${count(ck.installed.size, 'run', 'runs')} the agent installed one itself later on.` : ''}`;
}

/** What showed the service failing, in a finding's words. */
function backendWhat(ck: Checked): string {
  const parts: string[] = [];
  if (ck.backendTransport) parts.push(`${ck.backendTransport === 1 ? 'one error is' : `${ck.backendTransport} errors are`} a transport or server failure${ck.backendText && ck.backendOutage === 0 ? `: "${ck.backendText}"` : ''}`);
  if (ck.backendOutage) parts.push(`${ck.backendOutage === 1 ? 'one call failed' : `${ck.backendOutage} calls failed`} where every later call of its run failed with the same error, calls that had worked earlier in the run among them`);
  return parts.join('; ');
}

/**
 * Every failure of the group is the service's, as checked (causes.ts
 * `backendFailure`): what the agent sent is not what failed, so the fix is in
 * the tool or what it calls, never in the prompt.
 */
function backendCause(g: Group, where: string): { rootCause: string; fix: string; kind: FindingInput['fix']['kind'] } {
  const ck = g.checked;
  return {
    rootCause: `The service behind \`${where}\` failed, not the inputs: ${backendWhat(ck)}.${g.recovered ? ` ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back).` : ''}`,
    fix: `Fix what \`${where}\` calls (its endpoint, server or network route; a cited call reproduces it), or take the tool out of the agent's list while it is down, and have the tool report such failures as the service's, so the agent can tell them from a rejection of what it sent. Changing the agent's instructions does not fix it.`,
    kind: 'code',
  };
}

/** The HTML-escaped commands, in a finding's words. */
function htmlWhat(ck: Checked): string {
  return `the command holds an HTML character reference where the shell reads operators (\`${ck.htmlRef}\`, outside quotes), and the shell refused it at that point: bash reads \`&amp;\` as \`&\` followed by \`amp;\`, not as \`&\``;
}

/** What the harness could not parse in the replies, in a finding's words. */
function unparsedWhat(ck: Checked): string {
  return [...ck.unparsedHow].join('; ');
}

/** How the line that ran differs from the command, when the difference is checked, and an example. */
function ranWhat(ck: Checked, n: number): string {
  const stripped = ck.ranStripped === n ? ': it is the command with its double quotes and backslashes removed' : '';
  // Where the shell echoed no line, what it said was a quote left open that the command closes.
  if (ck.ranLine) return `${stripped} (e.g. the shell ran \`${firstLine(ck.ranLine, 100)}\`)`;
  // Where the shell echoed no line, it named a word of the command where it names itself, or found a quote left open that the command closes.
  const split = `bash names a word of the command (e.g. \`${firstLine(ck.ranSplitWord ?? '', 60)}\`) where it names itself: the command reached \`bash -c\` split into words`;
  const open = 'the shell reports a quote or parenthesis left open, and the command as written closes every one it opens';
  return ` (${ck.ranSplit === n ? split : ck.ranSplit ? `in ${ck.ranSplit} ${split}; in the rest ${open}` : open})`;
}

// Words a bare rejection is made of: "Invalid action!", "Bad request", "Error: failed".
// "Nothing happens." (a text game's answer to a command it cannot carry out) names no condition either.
// "No respond due to error." (EasyTool's answer when a call got no response) says no more than that it failed (round 43).
const BARE_WORDS = /^(invalid|illegal|error|errors|failed|failure|fail|bad|wrong|request|action|input|inputs|call|tool|function|command|query|unknown|not|allowed|denied|rejected|forbidden|refused|nothing|happens|happened|no|respond|response|due|to|the|a|an|is|was|this|that|your|please|try|again|s|n)$/i;

/**
 * A rejection states a reason when it says more than that the call was
 * rejected: "Invalid action!" names no condition, so neither "the error
 * states it" nor "change the input the error names" can be said of it.
 */
// A fetch that reports the status a remote server answered ("Failed to fetch <url> - status code 403", "HTTP error: 429"):
// the server's answer, which names no condition of the tool's, and may be the site refusing whatever was sent.
const HTTP_STATUS_ONLY = /^(?:[^\n]{0,60}?)(?:failed to fetch|fetch failed|request failed)?[^\n]*?(?:status(?: code)?|HTTP error)[:\s]*(?:<n>|\d{3})\s*\.?\s*$/i;

export function statesAReason(signature: string): boolean {
  return signature.split(/[^A-Za-z]+/).filter((w) => w !== '' && !BARE_WORDS.test(w)).length >= 2;
}

/** The cause where one source holds most failing calls' missing values. */
function originCause([source, o]: [ValueSource, { count: number; example: string; afterLookup: number; recased: number; recasedExample?: { asWritten: string; inCall: string } }], traced: number, spans: number, where: string): Cause {
    const share = traced === spans ? `In every failing call` : `In ${traced} of ${spans} failing calls`;
    // The task writing a part of it in other letter case is checked apart: the call changed its case.
    const rc = o.recasedExample;
    const recased = source === 'model' && rc ? ` The task does write ${o.recased === o.count ? (o.count === 1 ? 'a part of it' : 'a part of each') : `a part of ${o.recased} of them`} in other letter case (e.g. \`${rc.asWritten}\` where the call has \`${rc.inCall}\`).` : '';
    const rootCause = `${share} the value that was not found (e.g. \`${firstLine(o.example, 80)}\`) ${SOURCE_TEXT[source]}.${source === 'task-words' ? lookedText(o.afterLookup, o.count) : ''}${recased}`;
    if (source === 'task-words')
      return { rootCause, fix: `Have the agent take such names from what a lookup returned (list what exists, and use a listed name) instead of forming them from the task's wording; make \`${where}\`'s not-found error list what does exist, so the next call can use it.`, kind: 'prompt' };
    if (source === 'model' && rc && o.recased === o.count)
      return { rootCause, fix: `Have the agent use names exactly as the task writes them (letter case included), or look them up with a tool; find whether the model or what carries its reply to \`${where}\` changes their case.`, kind: 'prompt' };
    if (source === 'model')
      return { rootCause, fix: `Have the agent look such values up with a tool, or ask for them, instead of assuming them; make \`${where}\`'s not-found error list what does exist, so the next call can use it.`, kind: 'prompt' };
    if (source === 'program')
      return { rootCause, fix: `Check whether the environment the commands run in has the program: install it if the agent is meant to have it and it is missing, or find what in the run removed or moved it; and have the agent check which programs exist (\`command -v <name>\`) before building a command on one.`, kind: 'config' };
    if (source === 'environment')
      return { rootCause, fix: `Provide the resource the task names in the run's environment (or check it when the run starts and report it missing); have the agent say it is missing instead of working around it.`, kind: 'config' };
    if (source === 'user')
      return { rootCause, fix: `When a value the user gave is not found, have the agent say so and ask the user to confirm it, or look it up another way, before going on.`, kind: 'prompt' };
    // Whether the earlier output was wrong or the agent used a right value in the wrong form or place is not checked.
    return { rootCause, fix: `Compare each cited value with the earlier output it came from: where that output named something that exists in another form or place (a path relative to another folder, a file on another system), have the agent pass it in the form \`${where}\` takes; where the output itself was wrong, fix the tool that produced it.`, kind: 'prompt' };
}
