// The recursive analysis loop (DESIGN.md §6). A root model sees metadata, the
// sandbox API and a status line; it writes ```js cells that run in the
// sandbox; their capped output comes back; it fans sub-calls out through the
// parent's queues and may start child analyses over subsets; it ends by
// submitting findings, or a budget ends it and the engine asks once for what
// is in hand.
import PQueue from 'p-queue';
import { randomUUID } from 'node:crypto';
import type { CellResult, Sandbox } from '../sandbox/api.ts';
import { hostCallDispatcher } from '../sandbox/rpc.ts';
import type { Submission } from '../findings/schema.ts';
import type { VerifyResult } from '../findings/verify.ts';
import { ProviderError } from '../providers/index.ts';
import { checkPrices, modelFactory, subcallSettings } from './models.ts';
import type { ChatMessage, GenerateResult, LanguageModel } from '../providers/types.ts';
import { createRedactor, noRedaction } from '../redact.ts';
import { BudgetLedger, isRefusal, type BudgetKind, type Reservation, type UsageTotals } from './budgets.ts';
import { extractCells } from './reply-cells.ts';
import { parseRlmConfig, type RlmConfigInput } from './config.ts';
import { runChild, runChildren, narrowTo, ROOT_RESERVE_TURNS } from './children.ts';
import { formatCell } from './format.ts';
import { createHostRouter, type HostCallHandler, type HostRouter } from './host.ts';
import { openingMessage, readPrompt, rootSystemPrompt } from './opening.ts';
import { createRunLog } from './runlog.ts';
import { createWarner } from './warnings.ts';
import { compactIfNeeded, contextOverflow, contextWindowFor, windowAfterOverflow } from './compact.ts';
import { runDiagnose } from './diagnose.ts';
import { estimateLine, estimateRun, type RunEstimate } from './estimate.ts';
import type { DiagnosisLine } from '../eval/labels.ts';
import { promptChars, settleModelCall } from './model-call.ts';
import { costLine, progressLine, statusLine } from './status.ts';
import { SubcallError, SubcallService } from './subcalls.ts';
import { dedupeByKey, handleSubmit, verificationReview, verifySubmission } from './submission.ts';
import type { LoopOutcome, LoopSpec, LoopState, Tree } from './tree.ts';
import { UsageError } from '../errors.ts';
import { verifyFixes, type FixContext } from '../findings/verify-fix.ts';

export { createHostRouter, type HostRouter, type HostCallHandler } from './host.ts';
export { parseRlmConfig, type RlmConfig, type RlmConfigInput } from './config.ts';
export { verificationReview } from './submission.ts';
export { capHeadTail, compactJson, overviewText } from './format.ts';

export interface RecursiveAnalysisOptions {
  sandbox: Sandbox;
  /** The user's focus (`--prompt`). */
  focus?: string;
  /**
   * One line per finding the detectors already made (bounded by the caller),
   * shown to the root so it deepens and explains them instead of recounting.
   */
  priorFindings?: string[];
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
  createChildSandbox?: (onHostCall: HostCallHandler, subset?: { tracesJson: string }) => Sandbox;
  /** The agent's repository (--repo): fix locations and patches are checked against it before the review round. */
  fix?: FixContext | null;
  /**
   * What the user says about the agent and its data (`--context`): its
   * purpose, tools, known issues. Shown to the root as data, delimited.
   */
  context?: string;
  /** Measure the opening prompt, estimate the run's cost, and stop before the first model request (`--estimate`). */
  estimateOnly?: boolean;
  /** Models to use instead of building them from config (library callers, tests). */
  models?: { root: LanguageModel; sub?: LanguageModel };
}

export interface RecursiveAnalysisResult {
  submission: Submission | null;
  partial: boolean;
  partialReason?: string;
  usage: UsageTotals;
  /** The submission checked against the data in the sandbox (invented ids dropped and counted). */
  verification?: VerifyResult;
  /** Secret redactions made on text sent to models, by rule. */
  redactions?: Record<string, number>;
  /** Provider warnings (settings a provider could not honour), each once. */
  warnings?: string[];
  /** Per-run diagnoses from diagnose() calls (written to diagnoses.jsonl). */
  diagnoses?: DiagnosisLine[];
  /** The cost estimate made from the measured opening prompt before the first turn. */
  estimate?: RunEstimate;
  /** Whether the root model answered at least once (false: it was never reached). */
  modelReached: boolean;
}

/** How long a loop's turn keeps retrying a transient provider failure (within the wall budget). */
export const TURN_RETRY_HORIZON_MS = 5 * 60_000;
/** Turns in a row that may fail for good (after their retries) before a loop stops and asks for its closing submission. */
export const MAX_FAILED_TURNS = 2;

export async function runRecursiveAnalysis(opts: RecursiveAnalysisOptions): Promise<RecursiveAnalysisResult> {
  const config = parseRlmConfig(opts.config);
  const redact = config.redact || config.redactPatterns.length
    ? createRedactor({ secrets: config.redact, patterns: config.redactPatterns })
    : noRedaction;
  const ledger = new BudgetLedger(config.limits, { prices: config.prices });
  const runlog = createRunLog(opts.logPath, redact);
  const progress = opts.onProgress ?? (() => {});
  const modelFor = modelFactory(config, runlog);
  const warnings: string[] = [];
  const warn = createWarner(runlog, progress, warnings);
  const rootModel = opts.models?.root ?? modelFor(config.model);
  const subModel = opts.models?.sub ?? opts.models?.root ?? modelFor(config.subModel ?? config.model);
  checkPrices([rootModel.modelId, subModel.modelId], config, (m) => warn([{ type: 'other', message: m }], { loop: 'root', depth: 0, model: rootModel.modelId }));
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
      ...subcallSettings(config),
      onProgress: (line) => progress(progressLine(ledger, line, 0)),
      onWarning: warn,
    }),
    system: (() => {
      const root = rootSystemPrompt({ ...ledger.limits, subMaxOutputTokens: config.subMaxOutputTokens });
      return { root, child: root + readPrompt('child.md') };
    })(),
    progress,
    warn,
    createChildSandbox: opts.createChildSandbox,
    fix: opts.fix ?? null,
    children: new PQueue({ concurrency: config.childConcurrency }),
    childSeq: 0,
    runId: randomUUID().slice(0, 8),
    rootTurnUsd: 0,
    subModelId: subModel.modelId,
    diagnoses: new Map(),
    runLoop: (sandbox, router, spec) => analysisLoop(tree, sandbox, router, spec),
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
    const prior = opts.priorFindings?.length ? opts.priorFindings.join('\n') : undefined;
    const outcome = await analysisLoop(tree, opts.sandbox, router, {
      depth: 0,
      loop: 'root',
      focus: opts.focus,
      ...(prior ? { priorFindings: prior } : {}),
      ...(opts.context ? { context: opts.context } : {}),
      ...(opts.estimateOnly ? { estimateOnly: true } : {}),
    });
    const usage = { ...ledger.usage, cost: { ...ledger.usage.cost } };
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
    progress(`model spend: ${costLine(ledger.usage)}`);
    const unpriced = ledger.snapshot().unpricedModels;
    if (unpriced.length) progress(`warning: no price known for ${unpriced.join(', ')}; USD budget and cost count them as $0 (set prices in config)`);
    return {
      submission: outcome.submission,
      partial: outcome.partial,
      ...(outcome.partialReason ? { partialReason: outcome.partialReason } : {}),
      usage,
      ...(outcome.verification ? { verification: outcome.verification } : {}),
      redactions: { ...redact.counts },
      warnings,
      diagnoses: [...tree.diagnoses.values()],
      ...(tree.estimate ? { estimate: tree.estimate } : {}),
      modelReached: tree.modelReached === true,
    };
  } finally {
    ledger.close();
  }
}

async function analysisLoop(tree: Tree, sandbox: Sandbox, router: HostRouter, spec: LoopSpec): Promise<LoopOutcome> {
  const { ledger, runlog, config } = tree;
  const state: LoopState = { outputsSeen: 0, forced: false, submission: null, candidates: [], submitFeedback: [] };
  const ctx = { loop: spec.loop, depth: spec.depth };
  const dispatch = hostCallDispatcher({
      llm: (prompt, opts) => tree.subcalls.llm(prompt, opts, ctx),
      llmBatch: (prompts, opts) => tree.subcalls.llmBatch(prompts, opts, ctx),
      rlm: (...args) => runChild(tree, args, spec, state),
      rlmBatch: (...args) => runChildren(tree, args, spec, state),
      diagnose: (...args) => runDiagnose(tree, args, ctx),
      submit: (submission) => handleSubmit(state, submission, spec, runlog),
  });
  router.attach(async (name, args) => dispatch(name, args));

  const messages: ChatMessage[] = [{ role: 'user', content: await openingMessage(tree, sandbox, spec) }];
  const system = spec.depth === 0 ? tree.system.root : tree.system.child;
  if (spec.depth === 0) {
    tree.estimate = estimateRun({
      systemChars: system.length,
      openingChars: messages[0]!.content.length,
      limits: ledger.limits,
      outputLimit: config.outputLimit,
      rootModel: tree.rootModel.modelId,
      subModel: tree.subModelId,
      provider: config.provider,
      ...(config.prices ? { prices: config.prices } : {}),
    });
    tree.progress(estimateLine(tree.estimate));
    runlog.write({ ev: 'budget', loop: spec.loop, depth: 0, estimate: tree.estimate, message: estimateLine(tree.estimate) });
    if (spec.estimateOnly) {
      router.detach();
      return { submission: null, partial: true, partialReason: 'estimate only: no model request was made' };
    }
  }
  let partialReason: string | undefined;
  let stop: BudgetKind | 'error' | null = null;
  // A child's own share ran out (not the tree's budget): it still gets its closing request.
  let ownStop = false;

  // The last accepted submission, verified; the model gets up to `reviewRounds` rounds to fix what did not verify.
  let accepted: { submission: Submission; verification?: VerifyResult } | null = null;
  let reviews = 0;
  let failedTurns = 0;

  for (;;) {
    stop = ledger.exhausted() ?? (ledger.turnsLeft() <= 0 ? 'turns' : null);
    if (stop) {
      partialReason = ledger.describe(stop);
      break;
    }
    const own = ownBudgetStop(tree, spec);
    if (own) {
      ({ kind: stop, message: partialReason } = own);
      ownStop = true;
      break;
    }
    takeLoopTurn(tree, spec);
    const turn = ledger.usage.turns;
    tree.progress(progressLine(ledger, `turn ${turn}/${ledger.limits.maxTurns}${spec.depth ? ` (${spec.loop})` : ''}`, spec.depth));
    const reply = await callRoot(tree, system, messages, spec, turn, false);
    failedTurns = typeof reply === 'string' ? failedTurns + 1 : 0;
    if (typeof reply === 'object' && 'refused' in reply) {
      // The next turn could break a budget: end here as if it had run out.
      stop = reply.refused;
      partialReason = reply.message;
      ownStop = reply.message.startsWith(`child ${spec.loop} `);
      break;
    }
    if (typeof reply === 'string') {
      // A provider that keeps failing past its retries gets another turn, up to a few in a row.
      if (!ledger.signal.aborted && tree.modelReached && failedTurns < MAX_FAILED_TURNS) continue;
      stop = ledger.signal.aborted ? 'wall' : 'error';
      partialReason = stop === 'wall' ? ledger.describe('wall') : reply;
      break;
    }
    if (sendable(reply)) messages.push(assistantMessage(reply));
    const feedback = await runReply(tree, sandbox, state, spec, reply);
    if (!sendable(reply)) {
      // A refused or empty turn is never replayed (Anthropic rejects an empty
      // assistant message): the note goes with the request it answered.
      const last = messages[messages.length - 1]!;
      messages[messages.length - 1] = { ...last, content: `${last.content}\n\n${feedback}` };
      continue;
    }
    if (state.submission) {
      // Submitting the same findings again keeps the result: no further review.
      const prior = accepted as { submission: Submission; verification?: VerifyResult } | null;
      const same: boolean = prior !== null && JSON.stringify(prior.submission.findings) === JSON.stringify(state.submission.findings);
      const verification: VerifyResult | undefined = same && prior ? prior.verification : await verifySubmission(tree, sandbox, state.submission, spec);
      // The review shows fixes as the report will: locations and patches checked against the repository.
      const reviewed = verification && tree.fix ? verifyFixes(verification, tree.fix).result : verification;
      const review = same || reviews >= config.reviewRounds ? null : verificationReview(reviewed, config.reviewRounds - reviews);
      accepted = { submission: state.submission, verification };
      if (!review || ledger.turnsLeft() <= 0 || ledger.exhausted()) break;
      reviews++;
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
  // A provider that failed for good still gets the closing request: the run submits what it has.
  const closable = stop !== null && (stop !== 'error' || (tree.modelReached === true && !ledger.signal.aborted));
  if (!state.submission && closable && (spec.depth === 0 || (ownStop && childMayClose(tree)))) {
    // Asked once per loop, from what is in hand; the result is partial either
    // way. A child asks within its own share (it kept a turn for this) unless
    // the whole tree is out of budget; then it returns what it gathered.
    state.forced = true;
    messages.push({
      role: 'user',
      content:
        `The analysis is out of budget (${partialReason}). Do not explore further. Reply now with one \`\`\`js cell that calls ` +
        `submit({findings, summary}) with the findings you already have evidence for (variables from earlier cells are still defined). ` +
        `Use rootCause.confidence 'hypothesis' where you are unsure.\n\n${statusLine(ledger, ledger.usage.turns + 1)}`,
    });
    takeLoopTurn(tree, spec);
    tree.progress(progressLine(ledger, `closing turn${spec.depth ? ` (${spec.loop})` : ''}: asking for a submission (${stop})`, spec.depth));
    const reply = await callRoot(tree, system, messages, spec, ledger.usage.turns, true);
    if (typeof reply !== 'string' && !('refused' in reply) && sendable(reply)) {
      messages.push(assistantMessage(reply));
      await runReply(tree, sandbox, state, spec, reply);
    }
  }
  router.detach();

  let submission = state.submission;
  const partial = !submission || stop !== null;
  if (!submission) {
    // A run never ends with nothing: keep every finding that passed the schema on its own.
    submission = {
      findings: dedupeByKey(state.candidates).slice(0, 100),
      summary: `Partial analysis (${partialReason ?? 'no submission'}): ${state.candidates.length ? 'findings gathered before the end' : 'no model findings were submitted'}.`,
    };
    runlog.write({ ev: 'submit', loop: spec.loop, depth: spec.depth, fallback: true, findings: submission.findings.length });
  }
  const verification =
    accepted && accepted.submission === submission ? accepted.verification : await verifySubmission(tree, sandbox, submission, spec);
  return { submission, partial, ...(partial ? { partialReason: partialReason ?? 'no submission' } : {}), verification };
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
  const maxOutputTokens = config.maxOutputTokens;
  const compact = (windowTokens: number, reason: string) => {
    const compacted = compactIfNeeded(system, messages, { windowTokens, maxOutputTokens });
    if (compacted) {
      // Logged with the new text of each cut message, so a replay sees what the model saw.
      runlog.write({ ev: 'compact', loop: spec.loop, depth: spec.depth, turn, reason, ...compacted, contents: compacted.indices.map((i) => messages[i]!.content) });
      tree.progress(progressLine(ledger, `context compacted: ${compacted.charsBefore.toLocaleString('en-US')} → ${compacted.charsAfter.toLocaleString('en-US')} chars`, spec.depth));
    }
    return compacted;
  };
  compact(Math.min(config.contextWindow ?? contextWindowFor(rootModel.modelId), tree.contextLimit ?? Infinity), 'near the context window');
  const generate = () =>
    rootModel.generate({
      system,
      messages,
      maxOutputTokens,
      temperature: config.temperature,
      reasoningEffort: config.reasoningEffort,
      // The conversation grows by appending: its prefix is worth caching, under one key per loop.
      cache: true,
      cacheKey: `halo-${tree.runId}-${spec.loop}`,
      // The closing request still gets a little time after the wall budget ended.
      signal: force ? AbortSignal.timeout(Math.max(30_000, config.timeoutMs ?? 0)) : ledger.signal,
      // A transient failure of a model that has answered before is retried for
      // minutes, never past the wall budget; one never reached fails fast.
      ...(force || !tree.modelReached ? {} : { retryHorizonMs: Math.max(0, Math.min(TURN_RETRY_HORIZON_MS, ledger.remainingWallMs())) }),
    });
  let reservation: Reservation;
  let started: number;
  let result: GenerateResult | null;
  let error: string | undefined;
  let failure: unknown;
  for (let attempt = 1; ; attempt++) {
    const reserved = ledger.reserve(rootModel.modelId, promptChars(system, messages), maxOutputTokens, { force, loop: spec.loop });
    if (isRefusal(reserved)) return reserved;
    reservation = reserved;
    if (spec.depth === 0) tree.rootTurnUsd = reservation.usd;
    started = Date.now();
    result = null;
    error = undefined;
    failure = undefined;
    try {
      result = await generate();
    } catch (err) {
      error = (err as Error).message;
      failure = err;
    }
    // The model's window is smaller than we assumed (an unknown model, a proxy): learn it, compact to fit, try once more.
    const stated = attempt === 1 && error !== undefined ? contextOverflow(error) : null;
    if (stated === null) break;
    tree.contextLimit = windowAfterOverflow(promptChars(system, messages), stated, maxOutputTokens);
    if (!compact(tree.contextLimit, `the model refused the prompt as too long: ${error!.slice(0, 200)}`)) break;
    settleModelCall(ledger, reservation, rootModel.modelId, null, started, spec.loop);
  }
  const usage = settleModelCall(ledger, reservation, rootModel.modelId, result, started, spec.loop);
  if (result) tree.modelReached = true;
  tree.warn(result?.warnings, { loop: spec.loop, depth: spec.depth, model: rootModel.modelId });
  runlog.write({
    ev: 'turn',
    loop: spec.loop,
    depth: spec.depth,
    turn,
    forced: force || undefined,
    model: rootModel.modelId,
    input: messages.at(-1)!.content,
    reply: result?.text,
    ...(result?.reasoningSummary ? { reasoningSummary: result.reasoningSummary } : {}),
    finishReason: result?.finishReason,
    error,
    ...usage,
  });
  if (error) {
    // A configuration mistake (bad key, unknown model, bad URL) on the very
    // first request is the user's to fix, not a partial analysis.
    if (failure instanceof ProviderError && turn === 1 && spec.depth === 0 && isConfigError(failure.status)) {
      throw new UsageError(failure.message);
    }
    tree.progress(`model error: ${error}`);
    return `model error: ${error}`;
  }
  return result!;
}

/** A turn of one loop: counted tree-wide (the turn budget) and for the loop (a child's own share). */
function takeLoopTurn(tree: Tree, spec: LoopSpec): void {
  tree.ledger.takeTurn(spec.loop);
  spec.turnsTaken = (spec.turnsTaken ?? 0) + 1;
}

/** A child's own share ran out: its turns (one kept for its closing request) or its dollars. */
function ownBudgetStop(tree: Tree, spec: LoopSpec): { kind: BudgetKind; message: string } | null {
  if (spec.maxTurns !== undefined && (spec.turnsTaken ?? 0) >= spec.maxTurns - 1) {
    return { kind: 'turns', message: `child turn budget used: ${spec.turnsTaken} of ${spec.maxTurns} turns (the last is for its submission)` };
  }
  const cap = tree.ledger.loopCap(spec.loop);
  if (cap !== undefined && tree.ledger.spentUnder(spec.loop) >= cap) {
    return { kind: 'usd', message: `child USD budget used: $${tree.ledger.spentUnder(spec.loop).toFixed(4)} of $${cap.toFixed(4)}` };
  }
  return null;
}

/** A child may still ask for its submission unless the whole tree is out of budget. */
function childMayClose(tree: Tree): boolean {
  return tree.ledger.exhausted() === null && tree.ledger.turnsLeft() > ROOT_RESERVE_TURNS - 1;
}

/** A reply worth keeping in the conversation: not a refusal, and with text. */
function sendable(reply: GenerateResult): boolean {
  return reply.finishReason !== 'refusal' && reply.text.trim() !== '';
}

function assistantMessage(reply: GenerateResult): ChatMessage {
  return { role: 'assistant', content: reply.text, ...(reply.reasoning?.length ? { reasoning: reply.reasoning } : {}) };
}

function isConfigError(status: number | undefined): boolean {
  return status === 400 || status === 401 || status === 403 || status === 404;
}

/** Runs the cells of one reply and writes the feedback the model gets next. */
async function runReply(tree: Tree, sandbox: Sandbox, state: LoopState, spec: LoopSpec, reply: GenerateResult): Promise<string> {
  const { ledger, runlog, config } = tree;
  const limit = config.maxOutputTokens;
  if (reply.finishReason === 'refusal') {
    return 'Your reply was a refusal. This is a failure analysis of recorded agent traces; continue with a ```js cell.';
  }
  if (!reply.text.trim()) {
    return reply.finishReason === 'length'
      ? `Your reply hit the output limit (${limit} tokens${reply.usage.reasoningTokens ? `, ${reply.usage.reasoningTokens} of them spent reasoning` : ''}) before any text came out, so nothing ran. ` +
          'Reason more briefly and reply with one short ```js cell.'
      : 'Your reply was empty. Continue the analysis with a ```js cell.';
  }
  const { cells, unterminated } = extractCells(reply.text);
  if (cells.length === 0) {
    return unterminated
      ? reply.finishReason === 'length'
        ? `Your reply hit the output limit (${limit} tokens) inside a \`\`\`js cell, so it was cut off and nothing ran. Send shorter cells.`
        : 'Your ```js cell was not closed, so nothing ran. Close each cell with ```.'
      : reply.finishReason === 'length'
        ? `Your reply hit the output limit (${limit} tokens) before any \`\`\`js cell, so nothing ran. Write less prose and start with the cell.`
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
    const text = formatCell(i + 1, cells.length, result, tree.redact, tree.config.outputLimit);
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
  if (unterminated) {
    parts.push(
      reply.finishReason === 'length'
        ? `Your reply hit the output limit (${limit} tokens) inside its last \`\`\`js cell, so that cell was cut off and did not run.`
        : 'Your last ```js cell was not closed, so it did not run.',
    );
  }
  return parts.join('\n\n');
}
