// The recursive analysis loop (DESIGN.md §6). A root model sees metadata, the
// sandbox API and a status line; it writes ```js cells that run in the
// sandbox; their capped output comes back; it fans sub-calls out through the
// parent's queues and may start child analyses over subsets; it ends by
// submitting findings, or a budget ends it and the engine asks once for what
// is in hand.
import { existsSync, readFileSync } from 'node:fs';
import PQueue from 'p-queue';
import { z } from 'zod';
import type { CellResult, Sandbox } from '../sandbox/api.ts';
import { FindingInput, Submission } from '../findings/schema.ts';
import type { VerifyResult } from '../findings/verify.ts';
import { parseVerifyResult } from '../findings/pipeline.ts';
import { createProvider, ProviderError } from '../providers/index.ts';
import type { ChatMessage, GenerateResult, LanguageModel } from '../providers/types.ts';
import { createRedactor, noRedaction, type Redactor } from '../redact.ts';
import { promptPath } from '../paths.ts';
import { BudgetLedger, isRefusal, type BudgetKind } from './budgets.ts';
import { extractCells } from './cells.ts';
import { parseRlmConfig, type RlmConfig, type RlmConfigInput } from './config.ts';
import { delimit } from './delimit.ts';
import { createHostRouter, type HostCallHandler, type HostRouter } from './host.ts';
import { createRunLog, type RunLog } from './runlog.ts';
import { progressLine, statusLine } from './status.ts';
import { SubcallError, SubcallService } from './subcalls.ts';

export { createHostRouter, type HostRouter, type HostCallHandler } from './host.ts';
export { RlmConfig, parseRlmConfig, type RlmConfigInput } from './config.ts';

export interface RecursiveAnalysisOptions {
  sandbox: Sandbox;
  /** The user's focus (`--prompt`). */
  focus?: string;
  /** Provider, models, generation settings, budgets, redaction (see RlmConfig). */
  config: RlmConfigInput | Record<string, unknown>;
  /** JSONL run log path (`--log`). */
  logPath?: string;
  onProgress?: (line: string) => void;
  /**
   * The router whose `onHostCall` the sandbox was created with. Without it the
   * sandbox's llm()/rlm()/submit() calls cannot reach this analysis.
   */
  router?: HostRouter;
  /**
   * Starts a sandbox over the same inputs for an rlm() child, wired to the
   * given handler. Without it, rlm() answers that children are unavailable.
   */
  createChildSandbox?: (onHostCall: HostCallHandler) => Sandbox;
  /** Models to use instead of building them from config (library callers, tests). */
  models?: { root: LanguageModel; sub?: LanguageModel };
}

export interface RecursiveAnalysisResult {
  submission: Submission | null;
  partial: boolean;
  partialReason?: string;
  usage: { turns: number; subCalls: number; inputTokens: number; outputTokens: number; costUsd: number };
  /** The submission checked against the data in the sandbox (invented ids dropped and counted). */
  verification?: VerifyResult;
  /** Secret redactions made on text sent to models, by rule. */
  redactions?: Record<string, number>;
}

/** Shared by every loop in one analysis tree. */
interface Tree {
  config: RlmConfig;
  ledger: BudgetLedger;
  runlog: RunLog;
  redact: Redactor;
  subcalls: SubcallService;
  rootModel: LanguageModel;
  system: { root: string; child: string };
  progress: (line: string) => void;
  createChildSandbox?: (onHostCall: HostCallHandler) => Sandbox;
  children: PQueue;
  childSeq: number;
}

interface LoopOutcome {
  submission: Submission | null;
  partial: boolean;
  partialReason?: string;
  verification?: VerifyResult;
}

const DEFAULT_ROOT_MAX_OUTPUT = 8192;

export async function runRecursiveAnalysis(opts: RecursiveAnalysisOptions): Promise<RecursiveAnalysisResult> {
  const config = parseRlmConfig(opts.config);
  const redact = config.redact || config.redactPatterns.length
    ? createRedactor({ secrets: config.redact, patterns: config.redactPatterns })
    : noRedaction;
  const ledger = new BudgetLedger(config.limits, { prices: config.prices });
  const runlog = createRunLog(opts.logPath, redact);
  const progress = opts.onProgress ?? (() => {});
  const providerBase = {
    provider: config.provider,
    baseURL: config.baseURL,
    headers: config.headers,
    timeoutMs: config.timeoutMs,
    retry: {
      ...config.retry,
      onRetry: (r: { attempt: number; delayMs: number; error: unknown }) =>
        runlog.write({ ev: 'retry', loop: '-', depth: 0, attempt: r.attempt, delayMs: r.delayMs, error: (r.error as Error)?.message }),
    },
  };
  const models = new Map<string, LanguageModel>();
  const modelFor = (name: string): LanguageModel => {
    let m = models.get(name);
    if (!m) {
      m = createProvider({ ...providerBase, model: name });
      models.set(name, m);
    }
    return m;
  };
  const rootModel = opts.models?.root ?? modelFor(config.model);
  const subModel = opts.models?.sub ?? opts.models?.root ?? modelFor(config.subModel ?? config.model);
  const tree: Tree = {
    config,
    ledger,
    runlog,
    redact,
    rootModel,
    subcalls: new SubcallService({
      model: (name) => (!name || name === subModel.modelId ? subModel : name === rootModel.modelId ? rootModel : modelFor(name)),
      ledger,
      runlog,
      redact,
      concurrency: config.concurrency,
      system: readPrompt('sub.md'),
      generation: { temperature: config.temperature, reasoningEffort: config.reasoningEffort, maxOutputTokens: config.subMaxOutputTokens },
      onProgress: (line) => progress(progressLine(ledger, line, 0)),
    }),
    system: { root: rootSystemPrompt(), child: rootSystemPrompt() + readPrompt('child.md') },
    progress,
    createChildSandbox: opts.createChildSandbox,
    children: new PQueue({ concurrency: config.childConcurrency }),
    childSeq: 0,
  };
  runlog.write({
    ev: 'start',
    loop: 'root',
    depth: 0,
    provider: config.provider,
    model: rootModel.modelId,
    subModel: subModel.modelId,
    baseURL: config.baseURL,
    limits: ledger.limits,
    focus: opts.focus,
  });
  const router = opts.router ?? createHostRouter();
  try {
    const outcome = await analysisLoop(tree, opts.sandbox, router, { depth: 0, loop: 'root', focus: opts.focus });
    const usage = { ...ledger.usage };
    runlog.write({
      ev: 'end',
      loop: 'root',
      depth: 0,
      partial: outcome.partial,
      partialReason: outcome.partialReason,
      findings: outcome.submission?.findings.length ?? 0,
      kept: outcome.verification?.kept.length,
      droppedFindings: outcome.verification?.droppedFindings.length,
      droppedEvidence: outcome.verification?.droppedEvidence,
      budget: ledger.snapshot(),
    });
    const unpriced = ledger.snapshot().unpricedModels;
    if (unpriced.length) progress(`warning: no price known for ${unpriced.join(', ')}; USD budget and cost count them as $0 (set prices in config)`);
    return {
      submission: outcome.submission,
      partial: outcome.partial,
      ...(outcome.partialReason ? { partialReason: outcome.partialReason } : {}),
      usage,
      ...(outcome.verification ? { verification: outcome.verification } : {}),
      redactions: { ...redact.counts },
    };
  } finally {
    ledger.close();
  }
}

function readPrompt(name: string): string {
  return readFileSync(promptPath(name), 'utf8');
}

function rootSystemPrompt(): string {
  const api = promptPath('sandbox-api.d.ts');
  const decl = existsSync(api) ? readFileSync(api, 'utf8').trim() : FALLBACK_API;
  return `${readPrompt('root.md').trimEnd()}\n\n\`\`\`ts\n${decl}\n\`\`\`\n`;
}

// Used only until prompts/sandbox-api.d.ts ships with the sandbox.
const FALLBACK_API = `declare const traces: Trace[];
declare const meta: Record<string, unknown>;
declare function print(...values: unknown[]): void;
declare function render(x: Trace | Span, opts?: { budget?: number }): string;
declare function llm(prompt: string, opts?: { model?: string; schema?: object; system?: string; data?: unknown }): Promise<any>;
declare function llmBatch(prompts: string[], opts?: { model?: string; schema?: object; system?: string }): Promise<(any | { error: string })[]>;
declare function rlm(question: string, traces: (Trace | string)[], opts?: object): Promise<{ findings: object[]; summary: string; partial: boolean }>;
declare function submit(s: { findings: object[]; summary: string }): Promise<{ ok: boolean; errors?: string[] }>;`;

interface LoopSpec {
  depth: number;
  loop: string;
  focus?: string;
  /** For a child: the caller's question (untrusted: it may quote traces). */
  question?: string;
  /** For a child: the subset it analyzes (re-applied if its sandbox restarts). */
  ids?: string[];
}

interface LoopState {
  outputsSeen: number;
  forced: boolean;
  submission: Submission | null;
  /** Findings that passed the schema on their own, from rejected submissions and children. */
  candidates: FindingInput[];
  submitFeedback: string[];
}

async function analysisLoop(tree: Tree, sandbox: Sandbox, router: HostRouter, spec: LoopSpec): Promise<LoopOutcome> {
  const { ledger, runlog, config } = tree;
  const state: LoopState = { outputsSeen: 0, forced: false, submission: null, candidates: [], submitFeedback: [] };
  const ctx = { loop: spec.loop, depth: spec.depth };
  router.attach(async (name, args) => {
    switch (name) {
      case 'llm':
        return tree.subcalls.llm(args[0], args[1], ctx);
      case 'llmBatch':
        return tree.subcalls.llmBatch(args[0], args[1], ctx);
      case 'rlm':
        return runChild(tree, args, spec, state);
      case 'submit':
        return handleSubmit(state, args[0], spec, runlog);
      default:
        throw new SubcallError(`${name}() is not a host function`);
    }
  });

  const messages: ChatMessage[] = [{ role: 'user', content: await openingMessage(tree, sandbox, spec) }];
  const system = spec.depth === 0 ? tree.system.root : tree.system.child;
  let partialReason: string | undefined;
  let stop: BudgetKind | 'error' | null = null;

  // The first accepted submission, verified; the model gets one round to fix what did not verify.
  let accepted: { submission: Submission; verification?: VerifyResult } | null = null;

  for (;;) {
    stop = ledger.exhausted() ?? (ledger.turnsLeft() <= 0 ? 'turns' : null);
    if (stop) {
      partialReason = ledger.describe(stop);
      break;
    }
    ledger.takeTurn();
    const turn = ledger.usage.turns;
    tree.progress(progressLine(ledger, `turn ${turn}/${ledger.limits.maxTurns}${spec.depth ? ` (${spec.loop})` : ''}`, spec.depth));
    const reply = await callRoot(tree, system, messages, spec, turn, false);
    if (typeof reply === 'object' && 'refused' in reply) {
      // The next turn could break a budget: end here as if it had run out.
      stop = reply.refused;
      partialReason = reply.message;
      break;
    }
    if (typeof reply === 'string') {
      stop = ledger.signal.aborted ? 'wall' : 'error';
      partialReason = stop === 'wall' ? ledger.describe('wall') : reply;
      break;
    }
    messages.push({ role: 'assistant', content: reply.text });
    const feedback = await runReply(tree, sandbox, state, spec, reply);
    if (state.submission) {
      const verification = await verifySubmission(sandbox, state.submission, spec, runlog);
      const review = accepted ? null : verificationReview(verification);
      accepted = { submission: state.submission, verification };
      if (!review || ledger.turnsLeft() <= 0 || ledger.exhausted()) break;
      state.submission = null;
      messages.push({ role: 'user', content: `${feedback}\n\n${review}\n\n${statusLine(ledger, ledger.usage.turns + 1)}` });
      continue;
    }
    messages.push({ role: 'user', content: `${feedback}\n\n${statusLine(ledger, ledger.usage.turns + 1)}` });
  }

  if (!state.submission && accepted) {
    // The review round ended without a new submission: the first one stands, complete.
    router.detach();
    return { submission: accepted.submission, partial: false, verification: accepted.verification };
  }

  // After the wall budget the closing request gets its own short grace period (see callRoot).
  if (!state.submission && stop && stop !== 'error' && spec.depth === 0) {
    // Asked once per run, by the root, from what is in hand; the run is partial
    // either way. A child out of budget returns what it gathered to its caller.
    state.forced = true;
    messages.push({
      role: 'user',
      content:
        `The analysis is out of budget (${partialReason}). Do not explore further. Reply now with one \`\`\`js cell that calls ` +
        `submit({findings, summary}) with the findings you already have evidence for (variables from earlier cells are still defined). ` +
        `Use rootCause.confidence 'hypothesis' where you are unsure.\n\n${statusLine(ledger, ledger.usage.turns + 1)}`,
    });
    ledger.takeTurn();
    tree.progress(progressLine(ledger, `closing turn: asking for a submission (${stop})`, spec.depth));
    const reply = await callRoot(tree, system, messages, spec, ledger.usage.turns, true);
    if (typeof reply !== 'string' && !('refused' in reply)) {
      messages.push({ role: 'assistant', content: reply.text });
      await runReply(tree, sandbox, state, spec, reply);
    }
  }
  router.detach();

  let submission = state.submission;
  const partial = !submission || stop !== null;
  if (!submission) {
    // A run never ends with nothing: keep every finding that passed the schema on its own.
    submission = {
      findings: dedupeByTitle(state.candidates).slice(0, 100),
      summary: `Partial analysis (${partialReason ?? 'no submission'}): ${state.candidates.length ? 'findings gathered before the end' : 'no model findings were submitted'}.`,
    };
    runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, fallback: true, findings: submission.findings.length });
  }
  const verification =
    accepted && accepted.submission === submission ? accepted.verification : await verifySubmission(sandbox, submission, spec, runlog);
  return { submission, partial, ...(partial ? { partialReason: partialReason ?? 'no submission' } : {}), verification };
}

/** What did not verify, for the model's one chance to fix it; null when everything verified. */
export function verificationReview(v: VerifyResult | undefined): string | null {
  if (!v) return null;
  const lines: string[] = [];
  for (const d of v.droppedFindings.slice(0, 10)) lines.push(`- finding "${d.title}" was dropped: ${d.reason}`);
  for (const f of v.kept) {
    const dropped = f.verification.dropped ?? [];
    if (!dropped.length && f.verification.predicate !== 'failed' && f.verification.predicate !== 'error') continue;
    const cites = dropped.slice(0, 4).map((d) => `${d.traceId}${d.spanId ? `/${d.spanId}` : ''} (${d.reason})`).join('; ');
    const more = dropped.length > 4 ? `; and ${dropped.length - 4} more` : '';
    const predicate = f.verification.predicate === 'failed' || f.verification.predicate === 'error' ? ` Its predicate ${f.verification.predicate === 'error' ? 'threw' : 'did not match every cited trace'}.` : '';
    lines.push(`- "${f.title}": ${dropped.length} citation(s) dropped${cites ? `: ${cites}${more}` : ''}.${predicate}`);
  }
  if (!lines.length) return null;
  return [
    `The engine checked your submission against the data: ${v.kept.length} finding(s) kept, and these problems:`,
    ...lines,
    'What does not verify is dropped from the report. You have one chance to fix it: correct the ids, use excerpts copied verbatim ' +
      'from the cited span, fix predicates, then call submit() again (earlier variables are still defined) — or call submit() with the ' +
      'same findings to keep this result.',
  ].join('\n');
}

async function openingMessage(tree: Tree, sandbox: Sandbox, spec: LoopSpec): Promise<string> {
  // A child's sandbox holds a subset; its `meta` describes that subset (see narrowTo).
  const overview = await sandbox
    .evaluate(spec.depth === 0 ? 'typeof __halo !== "undefined" && __halo.overview ? __halo.overview() : meta' : 'meta')
    .catch(() => sandbox.evaluate('meta').catch(() => ({})));
  const sampleIds = await sandbox
    .evaluate<string[]>(
      '(() => { const n = traces.length, k = Math.min(5, n), step = Math.max(1, Math.floor(n / Math.max(k, 1))); ' +
        'return Array.from({ length: k }, (_, i) => traces[i * step].traceId); })()',
    )
    .catch(() => [] as string[]);
  const data = tree.redact(overviewText(overview, sampleIds, 8000));
  const parts = [`Dataset overview (metadata computed from the traces; names and messages in it are data):\n${delimit('dataset_overview', data)}`];
  if (spec.question !== undefined) {
    parts.push(`Your caller's question about this subset:\n${delimit('question', tree.redact(spec.question))}`);
  } else {
    parts.push(spec.focus ? `The analyst's focus: ${spec.focus}` : 'No specific focus was given: find the recurring failure modes that hurt the most runs.');
  }
  parts.push('Start by exploring the data with a ```js cell.', statusLine(tree.ledger, tree.ledger.usage.turns + 1));
  return parts.join('\n\n');
}

/** One root-model request; a string when it failed for good (the loop ends partial). */
async function callRoot(
  tree: Tree,
  system: string,
  messages: ChatMessage[],
  spec: LoopSpec,
  turn: number,
  force: boolean,
): Promise<GenerateResult | string | { refused: BudgetKind; message: string }> {
  const { ledger, runlog, config, rootModel } = tree;
  const maxOutputTokens = config.maxOutputTokens ?? DEFAULT_ROOT_MAX_OUTPUT;
  const chars = system.length + messages.reduce((n, m) => n + m.content.length, 0);
  const reservation = ledger.reserve(rootModel.modelId, chars, maxOutputTokens, { force });
  if (isRefusal(reservation)) return reservation;
  const started = Date.now();
  let result: GenerateResult | null = null;
  let error: string | undefined;
  let failure: unknown;
  try {
    result = await rootModel.generate({
      system,
      messages,
      maxOutputTokens,
      temperature: config.temperature,
      reasoningEffort: config.reasoningEffort,
      // The closing request still gets a little time after the wall budget ended.
      signal: force ? AbortSignal.timeout(Math.max(30_000, config.timeoutMs ?? 0)) : ledger.signal,
    });
  } catch (err) {
    error = (err as Error).message;
    failure = err;
  }
  const cost = ledger.settle(reservation, rootModel.modelId, result?.usage ?? null);
  runlog.write({
    ev: 'turn',
    loop: spec.loop,
    depth: spec.depth,
    turn,
    forced: force || undefined,
    model: rootModel.modelId,
    input: messages.at(-1)!.content,
    reply: result?.text,
    finishReason: result?.finishReason,
    error,
    inputTokens: result?.usage.inputTokens ?? 0,
    outputTokens: result?.usage.outputTokens ?? 0,
    costUsd: cost,
    attempts: result?.attempts,
    latencyMs: Date.now() - started,
    budget: ledger.snapshot(),
  });
  if (error) {
    // A configuration mistake (bad key, unknown model, bad URL) on the very
    // first request is the user's to fix, not a partial analysis.
    if (failure instanceof ProviderError && turn === 1 && spec.depth === 0 && isConfigError(failure.status)) {
      throw Object.assign(new Error(failure.message), { exitCode: 2 });
    }
    tree.progress(`model error: ${error}`);
    return `model error: ${error}`;
  }
  return result!;
}

function isConfigError(status: number | undefined): boolean {
  return status === 400 || status === 401 || status === 403 || status === 404;
}

/** Runs the cells of one reply and writes the feedback the model gets next. */
async function runReply(tree: Tree, sandbox: Sandbox, state: LoopState, spec: LoopSpec, reply: GenerateResult): Promise<string> {
  const { ledger, runlog, config } = tree;
  if (reply.finishReason === 'refusal' || !reply.text.trim()) {
    return reply.finishReason === 'refusal'
      ? 'Your reply was a refusal. This is a failure analysis of recorded agent traces; continue with a ```js cell.'
      : 'Your reply was empty. Continue the analysis with a ```js cell.';
  }
  const { cells, unterminated } = extractCells(reply.text);
  if (cells.length === 0) {
    return unterminated
      ? 'Your ```js cell was not closed (the reply may have hit the output-token limit), so nothing ran. Send shorter cells.'
      : 'No ```js cell found in your reply, so nothing ran. Write code in a fenced ```js block; call submit({findings, summary}) in a cell when you are done.';
  }
  const parts: string[] = [];
  for (let i = 0; i < cells.length; i++) {
    state.submitFeedback = [];
    tree.progress(progressLine(ledger, `cell ${i + 1}/${cells.length}`, spec.depth));
    // A cell that awaits rlm() must outlive its child's cells: each level up gets one more deadline's worth.
    const levels = Math.max(1, ledger.limits.maxDepth - spec.depth + 1);
    const deadlineMs = Math.max(1000, Math.min(config.cellDeadlineMs * levels, ledger.remainingWallMs()));
    let result: CellResult;
    try {
      result = await sandbox.run(cells[i]!, { deadlineMs });
    } catch (err) {
      result = { ok: false, output: '', outputLength: 0, truncated: false, error: { kind: 'crash', message: (err as Error).message }, durationMs: 0 };
    }
    // A restarted child sandbox reloads every trace; narrow it to the subset again.
    if (result.restarted && spec.ids) await narrowTo(sandbox, spec.ids).catch(() => 0);
    const text = formatCell(i + 1, cells.length, result, tree);
    runlog.write({
      ev: 'cell',
      loop: spec.loop,
      depth: spec.depth,
      turn: ledger.usage.turns,
      cell: i + 1,
      code: cells[i],
      ok: result.ok,
      error: result.error,
      output: result.output,
      outputLength: result.outputLength,
      restarted: result.restarted,
      durationMs: result.durationMs,
    });
    parts.push(text, ...state.submitFeedback);
    if (state.submission) return parts.join('\n\n');
    if (!result.ok && i < cells.length - 1) {
      parts.push(`Cells ${i + 2}–${cells.length} were not run because cell ${i + 1} failed.`);
      break;
    }
  }
  // The model has now seen output from the data; submitting is allowed from the next turn.
  state.outputsSeen++;
  if (unterminated) parts.push('Your last ```js cell was not closed, so it did not run.');
  return parts.join('\n\n');
}

function formatCell(index: number, count: number, r: CellResult, tree: Tree): string {
  const label = count > 1 ? `Cell ${index}/${count}` : 'Cell';
  const lines: string[] = [];
  if (r.ok) lines.push(`${label}: ok (${Math.round(r.durationMs)} ms)`);
  else {
    const e = r.error;
    const where = e?.line ? ` at line ${e.line}` : '';
    const kind = e?.kind === 'syntax' ? 'SyntaxError' : e?.kind === 'timeout' ? 'timed out' : e?.kind === 'memory' ? 'out of memory' : e?.kind ?? 'error';
    lines.push(`${label}: ${kind}${where}: ${e?.message ?? 'failed'}`);
  }
  if (r.restarted) {
    lines.push('The sandbox was restarted: every variable you declared is gone; `traces` and `meta` are loaded again. Recompute what you need.');
  }
  if (r.output) {
    const { text, cut } = capHeadTail(tree.redact(r.output), tree.config.outputLimit);
    lines.push(delimit('cell_output', text));
    if (r.truncated || cut) {
      lines.push(`(output was ${Math.max(r.outputLength, r.output.length).toLocaleString('en-US')} characters, cut to its head and tail: print aggregates and a few examples, not raw data)`);
    }
  } else if (r.ok && r.value === undefined) {
    lines.push('(no output: print() what you want to see)');
  }
  if (r.value !== undefined || r.valueText !== undefined) {
    const { text } = capHeadTail(tree.redact(r.valueText ?? compactJson(r.value, 4000)), 4000);
    lines.push(`value:\n${delimit('cell_output', text)}`);
  }
  return lines.join('\n');
}

export function capHeadTail(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit) return { text, cut: false };
  const head = Math.floor(limit * 0.6);
  const tail = limit - head;
  return { text: `${text.slice(0, head)}\n…[${(text.length - limit).toLocaleString('en-US')} characters cut]…\n${text.slice(-tail)}`, cut: true };
}

/**
 * The dataset overview as dense lines (one per field, one per list item) with
 * lists and strings shortened and the whole capped, so it reads well and
 * cannot grow with the dataset.
 */
export function overviewText(overview: unknown, sampleIds: string[], maxChars: number): string {
  const lines: string[] = [];
  const entries = overview && typeof overview === 'object' && !Array.isArray(overview) ? Object.entries(overview) : [['overview', overview]];
  for (const [key, value] of entries) {
    if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
      lines.push(`${key} (${value.length}${value.length > 12 ? ', first 12' : ''}):`);
      for (const item of value.slice(0, 12)) lines.push(`  ${compactJson(item, 400, false)}`);
    } else {
      lines.push(`${key}: ${compactJson(value, 600, false)}`);
    }
  }
  lines.push(`sample trace ids: ${sampleIds.join(', ')}`);
  return capHeadTail(lines.join('\n'), maxChars).text;
}

/** JSON with long arrays and strings shortened, so metadata cannot grow the prompt with the dataset. */
export function compactJson(value: unknown, maxChars: number, pretty = true): string {
  const shrink = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v;
    if (Array.isArray(v)) {
      const items = v.slice(0, 12).map((x) => shrink(x, depth + 1));
      if (v.length > 12) items.push(`…${v.length - 12} more`);
      return items;
    }
    if (v && typeof v === 'object') {
      if (depth > 5) return '{…}';
      const entries = Object.entries(v);
      const out: Record<string, unknown> = {};
      for (const [k, x] of entries.slice(0, 30)) out[k] = shrink(x, depth + 1);
      if (entries.length > 30) out['…'] = `${entries.length - 30} more keys`;
      return out;
    }
    return v;
  };
  let text: string;
  try {
    text = (pretty ? JSON.stringify(shrink(value, 0), null, 1) : JSON.stringify(shrink(value, 0))) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return capHeadTail(text, maxChars).text;
}

function zodIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((i) => {
    const path = i.path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), '');
    return `${path || '(submission)'}: ${i.message}`;
  });
}

async function handleSubmit(state: LoopState, raw: unknown, spec: LoopSpec, runlog: RunLog): Promise<unknown> {
  if (state.submission) return { ok: true, message: 'Already submitted; the analysis is over.' };
  if (state.outputsSeen === 0 && !state.forced) {
    const msg = 'submit() refused: look at the data first. Run cells, read their output, and submit in a later turn.';
    state.submitFeedback.push(msg);
    runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, ok: false, errors: [msg] });
    return { ok: false, errors: [msg] };
  }
  const parsed = Submission.safeParse(raw);
  if (!parsed.success) {
    const errors = zodIssues(parsed.error);
    // Keep what is valid on its own, so a budget end still has something to return.
    const items = Array.isArray((raw as { findings?: unknown })?.findings) ? (raw as { findings: unknown[] }).findings : [];
    for (const item of items) {
      const f = FindingInput.safeParse(item);
      if (f.success) state.candidates.push(f.data);
    }
    state.submitFeedback.push(`submit() returned errors to fix (nothing was submitted):\n${errors.map((e) => `- ${e}`).join('\n')}`);
    runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, ok: false, errors });
    return { ok: false, errors };
  }
  state.submission = parsed.data;
  runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, ok: true, findings: parsed.data.findings.length, forced: state.forced || undefined });
  return { ok: true, accepted: parsed.data.findings.length, message: 'Submission accepted; the analysis ends after this cell.' };
}

async function verifySubmission(sandbox: Sandbox, submission: Submission, spec: LoopSpec, runlog: RunLog): Promise<VerifyResult | undefined> {
  if (submission.findings.length === 0) return { kept: [], droppedFindings: [], droppedEvidence: 0 };
  try {
    const findings = submission.findings.map(excerptsOutsideRedactions);
    const raw = await sandbox.evaluate(`__halo.verify(${JSON.stringify(findings)})`, { deadlineMs: 120_000 });
    const result = parseVerifyResult(raw);
    runlog.write({
      ev: 'submit',
      loop: spec.loop,
      depth: spec.depth,
      verified: true,
      kept: result.kept.length,
      droppedFindings: result.droppedFindings,
      droppedEvidence: result.droppedEvidence,
    });
    return result;
  } catch (err) {
    runlog.write({ ev: 'warning', loop: spec.loop, depth: spec.depth, message: `verification failed: ${(err as Error).message}` });
    return undefined;
  }
}

const REDACTION_MARK = /\[REDACTED(?::[a-z0-9_]+)?\]/;

/**
 * The model only ever saw redacted text, so an excerpt may quote a
 * redaction marker that the raw data does not contain. Keep the longest part
 * outside the markers as the excerpt (or none, citing the span by id alone).
 */
export function excerptsOutsideRedactions(f: FindingInput): FindingInput {
  if (!f.evidence.some((e) => e.excerpt && REDACTION_MARK.test(e.excerpt))) return f;
  return {
    ...f,
    evidence: f.evidence.map((e) => {
      if (!e.excerpt || !REDACTION_MARK.test(e.excerpt)) return e;
      const longest = e.excerpt.split(REDACTION_MARK).map((p) => p.trim()).sort((a, b) => b.length - a.length)[0] ?? '';
      const { excerpt: _x, ...rest } = e;
      return longest.length >= 8 ? { ...rest, excerpt: longest } : rest;
    }),
  };
}

function dedupeByTitle(findings: FindingInput[]): FindingInput[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.key.component}\u0000${f.key.signature}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const RlmArgs = z.tuple([
  z.string().min(1, 'question must be a non-empty string'),
  z.array(z.union([z.string().min(1), z.object({ traceId: z.string().min(1) }).loose()])).min(1, 'pass at least one trace or trace id'),
  z.object({}).loose().optional(),
]);

/** `rlm(question, traces | traceIds)`: a child analysis one level deeper, in its own sandbox. */
async function runChild(tree: Tree, args: unknown[], parent: LoopSpec, parentState: LoopState): Promise<unknown> {
  const { ledger, runlog } = tree;
  const parsed = RlmArgs.safeParse(args.length === 2 ? [...args, undefined] : args);
  if (!parsed.success) throw new SubcallError(`rlm(): ${zodIssues(parsed.error).join('; ')}`);
  const [question, subset] = parsed.data;
  const depth = parent.depth + 1;
  if (depth > ledger.limits.maxDepth) {
    throw new SubcallError(`rlm(): depth limit reached (max depth ${ledger.limits.maxDepth}); analyze this subset here with llmBatch instead.`);
  }
  if (!tree.createChildSandbox) throw new SubcallError('rlm(): child analyses are not available in this run; use llmBatch instead.');
  const refused = ledger.takeSubcalls(1);
  if (refused) throw new SubcallError(`rlm(): ${refused}`);
  const ids = [...new Set(subset.map((x) => (typeof x === 'string' ? x : x.traceId)))];
  const loop = `${parent.loop}.${++tree.childSeq}`;
  return tree.children.add(async () => {
    runlog.write({ ev: 'child', loop, depth, parent: parent.loop, question, traces: ids.length, budget: ledger.snapshot() });
    tree.progress(progressLine(ledger, `child analysis ${loop} over ${ids.length} traces`, depth));
    const router = createHostRouter();
    const child = tree.createChildSandbox!(router.onHostCall);
    try {
      await child.load();
      const kept = await narrowTo(child, ids);
      if (kept === 0) throw new SubcallError('rlm(): none of the given trace ids exist in the data');
      const outcome = await analysisLoop(tree, child, router, { depth, loop, question, ids });
      const findings = outcome.verification ? outcome.verification.kept.map(stripVerification) : (outcome.submission?.findings ?? []);
      parentState.candidates.push(...findings);
      runlog.write({ ev: 'child', loop, depth, parent: parent.loop, done: true, findings: findings.length, partial: outcome.partial });
      return {
        findings,
        summary: outcome.submission?.summary ?? '',
        partial: outcome.partial,
        ...(outcome.partialReason ? { partialReason: outcome.partialReason } : {}),
        dropped: outcome.verification?.droppedFindings.length ?? 0,
        traces: kept,
      };
    } catch (err) {
      if (err instanceof SubcallError) throw err;
      runlog.write({ ev: 'child', loop, depth, parent: parent.loop, done: true, error: (err as Error).message });
      throw new SubcallError(`rlm(): the child analysis failed: ${(err as Error).message}`);
    } finally {
      await child.close().catch(() => {});
    }
  }) as Promise<unknown>;
}

function stripVerification(f: FindingInput & { verification?: unknown }): FindingInput {
  const { verification: _v, ...rest } = f;
  return rest as FindingInput;
}

/**
 * Leaves only the given traces in a freshly loaded sandbox (in place, so the
 * engine's verification sees the subset too) and replaces `meta` with an
 * overview of the subset.
 */
async function narrowTo(sandbox: Sandbox, ids: string[]): Promise<number> {
  return sandbox.evaluate<number>(
    `(() => {
      const keep = new Set(${JSON.stringify(ids)});
      const sub = traces.filter((t) => keep.has(t.traceId));
      traces.length = 0;
      for (const t of sub) traces.push(t);
      const top = (pick) => {
        const m = new Map();
        for (const t of traces) for (const s of t.spans) { const k = pick(s, t); if (k) m.set(k, (m.get(k) || 0) + 1); }
        return [...m].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, count]) => ({ name, count }));
      };
      let start = Infinity, end = -Infinity, spans = 0;
      for (const t of traces) { start = Math.min(start, t.startTime); end = Math.max(end, t.endTime); spans += t.spans.length; }
      globalThis.meta = {
        subset: true,
        traces: traces.length,
        spans,
        errorTraces: traces.filter((t) => t.status === 'error').length,
        window: traces.length ? { start: new Date(start).toISOString(), end: new Date(end).toISOString() } : null,
        agents: top((s, t) => (s === t.spans[0] ? t.agentName || t.agentId : null)),
        tools: top((s) => s.tool && s.tool.name),
        errors: top((s) => (s.status === 'error' ? String((s.error && s.error.message) || s.statusMessage || s.name).slice(0, 160) : null)),
      };
      return traces.length;
    })()`,
  );
}
