// `analyze(options)`: one run of Halo end to end, as the CLI and scheduled runs
// call it. Load the window into the sandbox, run the detectors there, let a
// model investigate when one is configured, verify everything inside the
// isolate, then merge, rank and fingerprint in the parent and write reports.
//
// The parent never holds the dataset: only detector findings, verification
// results, the overview and the bounded report data come out of the isolate.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WindowSpec } from './ingest/api.ts';
import { resolveWindow, WindowError } from './ingest/window.ts';
import { formatBadRecord } from './ingest/ingestor.ts';
import type { LoadSummary, Sandbox, SandboxOptions } from './sandbox/api.ts';
import type { StoreSpec } from './store/open.ts';
import { clickHouseName } from './store/clickhouse.ts';
import { createSandbox } from './sandbox/supervisor.ts';
import { engineClient, type EngineClient } from './sandbox/rpc.ts';
import type { DatasetOverview } from './ingest/overview.ts';
import { createPhaseRunner, type PhaseEvent } from './phases.ts';
import { createRunLog } from './rlm/runlog.ts';
import { isMuted, type FindingInput, type FindingsFile } from './findings/schema.ts';
import type { VerifyResult } from './findings/verify.ts';
import { finalizeFindings } from './findings/pipeline.ts';
import type { RunOutcomes } from './findings/impact.ts';
import { verifyInSandbox, DEFAULT_PREDICATE_TIMEOUT_MS } from './findings/verify-in-sandbox.ts';
import { verifyDetectedInPieces } from './findings/verify-detected.ts';
import { groundFindings, type SystemPrompts } from './findings/verify-fix.ts';
import { openRunRepo, RepoError, type RunRepo } from './repo/context.ts';
import { buildFindingsFile, renderFindingsJson } from './report/json.ts';
import { renderMarkdownReport } from './report/markdown.ts';
import { renderHtmlReport } from './report/html.ts';
import { outDirProblem, writeReportSet } from './report/write.ts';
import { DEFAULT_LIMITS } from './rlm/budgets.ts';
import { createHostRouter, parseRlmConfig, runRecursiveAnalysis, type RecursiveAnalysisResult } from './rlm/loop.ts';
import type { RunEstimate } from './rlm/estimate.ts';
import { createRedactor, noRedaction, redactDeep, type RedactOptions } from './redact.ts';
import { ENGINE_VERSION } from './version.ts';
import { HaloError, InputError, isUserError, messageOf, UsageError } from './errors.ts';
import { readOutcomeFiles } from './ingest/outcomes-file.ts';
import type { OutcomeTable } from './ingest/outcomes.ts';
import { checkModelOptions, type ModelOptions } from './config/options.ts';
import type { LanguageModel } from './providers/types.ts';
import type { BaselineSpec } from './compare/baseline.ts';
import type { CompareOptions } from './compare/compare.ts';
import { runComparison, type ComparisonRun } from './compare/run.ts';
import { agreementText, outcomesWithSignal, type OutcomeSignal, type SignalCoverage } from './signals/outcome.ts';

export type ReportFormat = 'json' | 'md' | 'html';
export const REPORT_FORMATS: ReportFormat[] = ['json', 'md', 'html'];
const REPORT_FILES: Record<ReportFormat, string> = { json: 'findings.json', md: 'report.md', html: 'report.html' };
const DIAGNOSES_FILE = 'diagnoses.jsonl';

/** The model seam (src/config/options.ts MODEL_OPTIONS). Keys come from the environment, never from here. */
export type ModelConfig = ModelOptions;

export interface AnalyzeOptions {
  files: string[];
  window?: WindowSpec;
  /** Output directory (default `./halo-report`). */
  out?: string;
  /** Reports to write (default all three). */
  formats?: ReportFormat[];
  /** Never call a model, even when one is configured. */
  offline?: boolean;
  /** Fail on the first bad record instead of counting it. */
  strict?: boolean;
  /** Field mapping for flat records of an unknown exporter (canonical field → source key). */
  fields?: Record<string, string>;
  /** Files of outcomes kept outside the traces (JSONL rows, SWE-bench reports, τ-bench results), joined by trace, task or instance id. */
  outcomes?: string[];
  /**
   * A signal's stored labels (`--outcome-signal`, src/signals): they stand in as
   * outcomes for impact when no run carries one; otherwise their agreement with
   * the recorded outcomes is reported.
   */
  outcomeSignal?: OutcomeSignal;
  /** Provider/model/budgets for the model-driven analysis. */
  model?: ModelConfig;
  /**
   * Language models to use instead of creating them from `model`: your own
   * provider, or a MockLanguageModel in tests. `sub` defaults to `root`.
   */
  models?: { root: LanguageModel; sub?: LanguageModel };
  /** The agent's source repository (`--repo`): read-only, fixes are grounded in it and checked against it. */
  repo?: string;
  /** Keep traces in a store between runs (DESIGN.md §10); default: read the files into the sandbox each run. */
  store?: StoreSpec;
  /** The user's focus for the model (`--prompt`). */
  focus?: string;
  /** What the agent is for, its tools, known issues (`--context FILE`'s text): shown to the model as data. */
  context?: string;
  /** Estimate the model run's tokens and dollars on this window and stop before any model request (`--estimate`). */
  estimate?: boolean;
  /**
   * A configured model that is never reached fails the run (ModelUnreachableError);
   * with this, the run reports the detector findings instead, with a warning.
   */
  allowOfflineFallback?: boolean;
  /** JSONL run log of the model-driven analysis (`--log`). */
  logPath?: string;
  /** Secrets in reports are redacted unless this is `false`. */
  redact?: boolean | RedactOptions;
  /** Where the mode decision looks for API keys (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Sandbox tuning (heap limit, timeouts) for large inputs. */
  sandbox?: Pick<SandboxOptions, 'memoryLimitMb' | 'cellTimeoutMs' | 'cellDeadlineMs' | 'outputLimit'>;
  /** CPU time for each engine step in the isolate (detectors, verification, report data). */
  engineTimeoutMs?: number;
  /** Recorded in findings.json (`run.options`); no secrets. */
  recordOptions?: Record<string, unknown>;
  onProgress?: (event: AnalyzeProgress) => void;
  onWarning?: (message: string) => void;
  /**
   * Called with the finished findings file before any report is written, e.g.
   * to mark findings new/recurring/regressed from run history. The returned
   * file is what the reports show; it is validated again.
   */
  beforeWrite?: (file: FindingsFile) => FindingsFile | Promise<FindingsFile>;
  /** Aborting kills the sandbox child and rejects (the scheduler's shutdown path). */
  signal?: AbortSignal;
  /** Compare this window with a baseline (`--baseline`): significant regressions become findings, the report gets a comparison section. */
  baseline?: BaselineSpec;
  /** Thresholds of that comparison (alpha, minimum effect, runs needed). */
  compare?: CompareOptions;
}

/** Every key of AnalyzeOptions (tsc keeps the two equal), so a misspelt option is rejected, not ignored. */
const ANALYZE_OPTION_KEYS: Record<keyof AnalyzeOptions, true> = {
  files: true, window: true, out: true, formats: true, offline: true, strict: true, fields: true, outcomes: true, outcomeSignal: true, model: true, models: true, repo: true, store: true, focus: true, context: true,
  estimate: true, allowOfflineFallback: true, logPath: true, redact: true, env: true, sandbox: true, engineTimeoutMs: true, recordOptions: true, onProgress: true, onWarning: true,
  beforeWrite: true, signal: true, baseline: true, compare: true,
};

export type AnalyzeProgress =
  | { stage: 'load'; bytesRead: number; bytesTotal: number; file: string }
  | { stage: 'loaded'; traces: number; spans: number; loadMs: number }
  | { stage: 'detectors'; found?: number }
  | { stage: 'model'; line: string }
  | { stage: 'verify'; submitted?: number; kept?: number; checked?: number; total?: number }
  | { stage: 'report'; format: ReportFormat; path: string }
  /** A phase started, ended or failed (from the phase runner; `ms` is its wall time). */
  | ({ stage: 'phase' } & PhaseEvent);

export interface AnalyzeResult {
  file: FindingsFile;
  mode: 'offline' | 'model';
  /** Why this mode: `--offline`, no model configured, or the configured model. */
  modeReason: string;
  /** Paths written, by format. */
  outputs: Partial<Record<ReportFormat, string>>;
  warnings: string[];
  load: LoadSummary;
  /** Milliseconds per phase, for benchmarks (`report` includes finalizing and the history hook). */
  timings: { load: number; detectors: number; model: number; verify: number; report: number; total: number };
  /** With `estimate`: the expected cost of the model run (no reports are written). */
  estimate?: RunEstimate;
}

/** An error the user caused (bad option, unreadable input): the CLI exits 2. */
/** A model was configured and never answered: the run is not what was asked for, so it fails (exit 1) unless offline fallback is allowed. */
export class ModelUnreachableError extends HaloError {
  constructor(message: string) {
    super('provider', message, { code: 'analyze.model_unreachable' });
    this.name = 'ModelUnreachableError';
  }
}

export class AnalyzeInputError extends InputError {
  constructor(message: string) {
    super(message, { code: 'analyze.input' });
    this.name = 'AnalyzeInputError';
  }
}

export const ENABLE_MODEL_HINT =
  'Model-driven analysis is off because no model is configured. To let a model investigate the traces, set ' +
  'OPENAI_API_KEY or ANTHROPIC_API_KEY (or pass --provider/--model, or --base-url for a local OpenAI-compatible server). ' +
  '--offline keeps it off.';

export function resolveMode(
  opts: Pick<AnalyzeOptions, 'offline' | 'model' | 'models'>,
  env: Record<string, string | undefined> = process.env,
): { mode: 'offline' | 'model'; reason: string } {
  if (opts.offline) return { mode: 'offline', reason: '--offline' };
  if (opts.models) return { mode: 'model', reason: `given model ${opts.models.root.provider}/${opts.models.root.modelId}` };
  const m = opts.model ?? {};
  const baseUrl = m.baseUrl;
  if (m.provider || m.model || baseUrl) {
    return { mode: 'model', reason: `configured model ${[m.provider, m.model].filter(Boolean).join('/') || String(baseUrl)}` };
  }
  if (env.OPENAI_API_KEY) return { mode: 'model', reason: 'OPENAI_API_KEY is set' };
  if (env.ANTHROPIC_API_KEY) return { mode: 'model', reason: 'ANTHROPIC_API_KEY is set' };
  return { mode: 'offline', reason: 'no model configured' };
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The `--outcomes` files as the table the ingest joins; an unreadable or malformed file is the user's error. */
function readOutcomes(paths: string[]): OutcomeTable {
  try {
    return readOutcomeFiles(paths);
  } catch (err) {
    if (err instanceof InputError) throw new AnalyzeInputError(err.message);
    throw err;
  }
}

/** Checks options that can be checked before any work starts. Throws AnalyzeInputError. */
export function validateAnalyzeOptions(opts: AnalyzeOptions): void {
  const unknown = Object.keys(opts).filter((k) => !Object.prototype.hasOwnProperty.call(ANALYZE_OPTION_KEYS, k));
  if (unknown.length) throw new UsageError(`analyze(): unknown option${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}`, { code: 'options.invalid' });
  if (opts.model !== undefined) checkModelOptions(opts.model, 'model');
  if (opts.store?.backend === 'clickhouse') {
    // The table is the input: files beside it would be a second, silently different input.
    if (opts.files.length) throw new AnalyzeInputError(`--store ${clickHouseName(opts.store)} reads the table; pass no input files with it (got ${opts.files[0]})`);
  } else if (!opts.files.length) throw new AnalyzeInputError('no input files: pass one or more trace files, directories or globs');
  for (const f of opts.files) {
    // Globs and stdin are resolved by the reader; plain paths must exist now.
    if (f === '-' || /[*?[\]{}]/.test(f)) continue;
    // A link that cannot be followed (a symlink loop) exists: the reader skips it, saying why, as inspect does.
    if (!existsSync(f) && !isLink(f)) throw new AnalyzeInputError(`cannot read ${f}: no such file or directory`);
  }
  try {
    resolveWindow(opts.window ?? {}, { now: Date.now(), latest: Date.now() });
  } catch (err) {
    if (err instanceof WindowError) throw new AnalyzeInputError(err.message);
    throw err;
  }
  if (opts.repo !== undefined && !(existsSync(opts.repo) && statSync(opts.repo).isDirectory())) {
    throw new AnalyzeInputError(`--repo ${opts.repo}: not a directory`);
  }
  for (const f of opts.formats ?? []) {
    if (!REPORT_FORMATS.includes(f)) throw new AnalyzeInputError(`unknown report format "${f}": use json, md or html`);
  }
}

function runId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

const EMPTY_RESULT: VerifyResult = { kept: [], droppedFindings: [], droppedEvidence: 0 };

export { verifyInSandbox } from './findings/verify-in-sandbox.ts';

/**
 * The detectors' verified findings as short lines for the root model, most
 * prevalent first and capped, so the root prompt does not grow with the data.
 */
export function priorFindingLines(result: VerifyResult, max = 25): string[] {
  return [...result.kept]
    .sort((a, b) => b.prevalence.traces - a.prevalence.traces)
    .slice(0, max)
    .map((f) => `${f.severity} · ${f.category} · ${f.prevalence.traces} traces · ${f.title.replace(/\s+/g, ' ').slice(0, 160)} · ${f.key.component}/${f.key.signature}`.slice(0, 300));
}

/** `--predicate-timeout` and `--max-wall` as the model engine reads them, for the fallback verification. */
function verifyLimitsOf(model: ModelConfig | undefined): { predicateTimeoutMs: number; maxWallMs: number } {
  try {
    const c = parseRlmConfig({ model: 'x', ...(model ?? {}) }, {});
    return { predicateTimeoutMs: c.predicateTimeoutMs, maxWallMs: c.limits.maxWallMs ?? DEFAULT_LIMITS.maxWallMs };
  } catch {
    return { predicateTimeoutMs: DEFAULT_PREDICATE_TIMEOUT_MS, maxWallMs: DEFAULT_LIMITS.maxWallMs };
  }
}

function recordableOptions(opts: AnalyzeOptions): Record<string, unknown> {
  const model = opts.model
    ? Object.fromEntries(Object.entries(opts.model).filter(([k]) => !/key|token|secret|password|header/i.test(k)))
    : undefined;
  return {
    files: opts.files,
    ...(opts.window ?? {}),
    formats: opts.formats ?? REPORT_FORMATS,
    offline: Boolean(opts.offline),
    ...(model ? { model } : {}),
    ...(opts.focus ? { focus: opts.focus } : {}),
    ...(opts.repo ? { repo: opts.repo } : {}),
    ...(opts.recordOptions ?? {}),
  };
}

/** What the report says about impact: present, or why not, and which verdicts it used. */
function outcomeCoverage(o: RunOutcomes, signal: SignalCoverage | null): NonNullable<FindingsFile['outcomes']> {
  const base = {
    judged: o.judged.length,
    failed: o.failed.length,
    ...(o.byAgent?.length ? { byAgent: o.byAgent } : {}),
    ...(signal ? { source: signal.usedAsOutcome ? ('signal' as const) : ('runs' as const), signal } : {}),
  };
  if (o.judged.length === 0) {
    const why = signal
      ? `No run carries an outcome and the signal "${signal.name}" labelled none of this window's runs${signal.fail.length ? '' : ' (it names no fail label)'}`
      : 'No run carries an outcome (reward, success or verdict)';
    return { ...base, note: `${why}, so findings state no impact and are ranked by prevalence.` };
  }
  const judgedBy = signal?.usedAsOutcome ? `runs labelled by the signal "${signal.name}"` : 'judged runs';
  if (o.failed.length === 0 || o.failed.length === o.judged.length)
    return { ...base, note: `All ${o.judged.length} ${judgedBy} ${o.failed.length ? 'failed' : 'passed'}: with nothing to compare, findings state no impact and are ranked by prevalence.` };
  if (signal?.usedAsOutcome) return { ...base, note: `No run carries a recorded outcome: impact uses the signal "${signal.name}" (${signal.labelled} labelled runs; fail labels ${signal.fail.join(', ')}).` };
  if (signal?.agreement) return { ...base, note: `Impact uses the recorded outcomes. The signal "${signal.name}" ${agreementText(signal.agreement)}.` };
  return base;
}

function offlineSummary(file: Pick<FindingsFile, 'findings'>, traces: number, detectors: number): string {
  const n = file.findings.length;
  const top = file.findings.slice(0, 3).map((f) => `${f.title} (${f.prevalence.traces} traces)`);
  return (
    `Offline analysis: the deterministic detectors reported ${detectors} candidate finding${detectors === 1 ? '' : 's'} over ${traces.toLocaleString('en-US')} traces; ` +
    `${n} survived verification, merging and ranking.` +
    (top.length ? ` Top: ${top.join('; ')}.` : '')
  );
}

/** The part of a finding the report data needs (keeps the expression small). */
function reportInput(f: FindingsFile['findings'][number]) {
  const ids = f.data?.traceIds;
  return {
    evidence: f.evidence.map((e) => ({ traceId: e.traceId, ...(e.spanId ? { spanId: e.spanId } : {}) })),
    category: f.category,
    fingerprint: f.fingerprint,
    key: f.key,
    title: f.title,
    severity: f.severity,
    prevalence: f.prevalence,
    ...(Array.isArray(ids) ? { data: { traceIds: ids } } : {}),
  };
}

/** Fails before any work when the reports could not be written there. */
function checkOutDir(outDir: string, given: string): void {
  const problem = outDirProblem(outDir);
  if (problem) throw new AnalyzeInputError(`--out ${given}: cannot write reports there: ${problem}`);
}

/** What every phase of one run shares. */
interface RunContext {
  opts: AnalyzeOptions;
  started: Date;
  mode: 'offline' | 'model';
  reason: string;
  formats: ReportFormat[];
  outDir: string;
  engineTimeoutMs: number;
  redactOpts: RedactOptions | null;
  redact: (s: string) => string;
  repo: RunRepo | null;
  router: ReturnType<typeof createHostRouter>;
  sandboxOptions: SandboxOptions;
  sandbox: Sandbox;
  engine: EngineClient;
  warn: (m: string) => void;
  progress: (e: AnalyzeProgress) => void;
}

/** What the load leaves for the later phases: the overview and outcomes are taken before any model code runs. */
interface Loaded {
  load: LoadSummary;
  dataset: DatasetOverview;
  outcomes: RunOutcomes;
  /** The outcome signal's coverage, when one was given. */
  signal: SignalCoverage | null;
  systemPrompts: SystemPrompts;
}

async function loadPhase(ctx: RunContext): Promise<Loaded> {
  const { sandbox, engine, opts, warn, progress } = ctx;
  let load: LoadSummary;
  try {
    load = await sandbox.load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (isUserError(err) || code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new AnalyzeInputError(messageOf(err));
    throw err;
  }
  progress({ stage: 'loaded', traces: load.traces, spans: load.spans, loadMs: load.loadMs });
  if (load.stats.badRecords > 0) {
    const first = load.stats.badExamples[0];
    warn(`${load.stats.badRecords} bad record${load.stats.badRecords === 1 ? '' : 's'} skipped` + (first ? `; first: ${formatBadRecord(first)}` : ''));
  }
  // Repairs (duplicate ids, parent cycles, invalid UTF-8) and far-off timestamps.
  for (const n of load.stats.notices ?? []) warn(n);
  if (load.traces === 0) {
    const windowed = opts.window && Object.values(opts.window).some((v) => v !== undefined);
    warn(
      windowed
        ? 'no traces in the window: check --window/--since/--until (or use --until latest for data with old timestamps)'
        : 'no traces found in the input',
    );
  }
  const recorded = await engine.outcomes();
  const withSignal = opts.outcomeSignal ? outcomesWithSignal(recorded, await engine.runIndex(), opts.outcomeSignal) : null;
  return {
    load,
    dataset: await engine.overview(),
    outcomes: withSignal?.outcomes ?? recorded,
    signal: withSignal?.signal ?? null,
    systemPrompts: ctx.repo ? await engine.systemPrompts() : {},
  };
}

async function detectorsPhase(ctx: RunContext): Promise<number> {
  ctx.progress({ stage: 'detectors' });
  const found = await ctx.engine.runDetectors();
  ctx.progress({ stage: 'detectors', found });
  for (const m of await ctx.engine.detectorErrors()) ctx.warn(`${m}; the other detectors' findings stand`);
  return found;
}

async function modelPhase(ctx: RunContext, detectorResult: VerifyResult): Promise<RecursiveAnalysisResult | null> {
  const { opts, redactOpts } = ctx;
  try {
    return await runRecursiveAnalysis({
      sandbox: ctx.sandbox,
      router: ctx.router,
      createChildSandbox: (onHostCall, subset) => createSandbox({ ...ctx.sandboxOptions, ...subset, onHostCall }),
      ...(opts.focus ? { focus: opts.focus } : {}),
      ...(opts.context ? { context: opts.context } : {}),
      ...(opts.estimate ? { estimateOnly: true } : {}),
      priorFindings: priorFindingLines(detectorResult),
      ...(opts.models ? { models: opts.models } : {}),
      ...(ctx.repo ? { fix: ctx.repo.fix } : {}),
      // Text bound for a model is redacted by the same rules as the reports.
      config: {
        ...(opts.models
          ? { provider: opts.models.root.provider, model: opts.models.root.modelId, subModel: (opts.models.sub ?? opts.models.root).modelId }
          : {}),
        ...(opts.model ?? {}),
        redact: redactOpts ? redactOpts.secrets !== false : false,
        redactPatterns: (redactOpts?.patterns ?? []).map((p) => (typeof p === 'string' ? p : p.source)),
      },
      ...(opts.logPath ? { logPath: opts.logPath } : {}),
      onProgress: (line) => ctx.progress({ stage: 'model', line }),
    });
  } catch (err) {
    if (isUserError(err)) throw new AnalyzeInputError(messageOf(err));
    // A run never ends with nothing: the detector findings still stand.
    ctx.warn(`model-driven analysis failed, reporting the detector findings only: ${messageOf(err)}`);
    return null;
  } finally {
    ctx.router.detach();
  }
}

/** The engine could not verify the submission (e.g. a predicate that never returns): verify finding by finding, inside the run's wall budget. */
function verifyFallback(ctx: RunContext, modelRun: RecursiveAnalysisResult, modelStarted: number): Promise<VerifyResult> {
  const limits = verifyLimitsOf(ctx.opts.model);
  return verifyInSandbox(ctx.sandbox, modelRun.submission!.findings, {
    predicateTimeoutMs: limits.predicateTimeoutMs,
    deadline: modelStarted + limits.maxWallMs,
    timeoutMs: Math.min(ctx.engineTimeoutMs, 120_000),
  });
}

async function comparePhase(ctx: RunContext, loaded: Loaded): Promise<ComparisonRun | null> {
  const { opts } = ctx;
  if (!opts.baseline || loaded.load.traces === 0) return null;
  const w = loaded.dataset.window;
  return runComparison({
    sandbox: ctx.sandbox,
    sandboxOptions: ctx.sandboxOptions,
    window: { start: w?.start ?? null, end: w?.end ?? null },
    baseline: opts.baseline,
    ...(opts.compare ? { options: opts.compare } : {}),
    timeoutMs: ctx.engineTimeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onWarning: ctx.warn,
  });
}

function finalizePhase(
  ctx: RunContext,
  loaded: Loaded,
  parts: { detectorResult: VerifyResult; modelResult: VerifyResult; detected: number; modelRun: RecursiveAnalysisResult | null; compared?: ComparisonRun | null },
): FindingsFile {
  const { opts, mode, redactOpts, redact } = ctx;
  const { modelRun } = parts;
  const { findings: finalized, counts } = finalizeFindings([parts.detectorResult, parts.modelResult, ...(parts.compared ? [parts.compared.verified] : [])], { outcomes: loaded.outcomes, repo: ctx.repo?.fix ?? null });
  ctx.progress({ stage: 'verify', submitted: counts.submitted, kept: counts.kept });
  const findings = redactOpts ? finalized.map((f) => redactDeep(f, redact)) : finalized;
  const partial = Boolean(modelRun?.partial) || (mode === 'model' && !modelRun?.submission);
  const summary =
    mode === 'model' && modelRun?.submission ? redact(modelRun.submission.summary) : offlineSummary({ findings }, loaded.load.traces, parts.detected);
  const coverage = outcomeCoverage(loaded.outcomes, loaded.signal);
  return buildFindingsFile({
    run: {
      id: runId(ctx.started),
      startedAt: ctx.started.toISOString(),
      finishedAt: new Date().toISOString(),
      engineVersion: ENGINE_VERSION,
      mode,
      partial,
      ...(partial ? { partialReason: modelRun?.partialReason ?? (modelRun ? 'the model did not submit findings' : 'the model-driven analysis failed') } : {}),
      options: recordableOptions(opts),
      ...(modelRun ? { usage: modelRun.usage } : {}),
    },
    dataset: { ...loaded.dataset },
    summary: coverage.note ? `${summary} ${coverage.note}` : summary,
    outcomes: coverage,
    verification: counts,
    findings,
    ...(parts.compared ? { comparison: redactOpts ? redactDeep(parts.compared.comparison, redact) : parts.compared.comparison } : {}),
  });
}

async function historyPhase(ctx: RunContext, file: FindingsFile): Promise<FindingsFile> {
  if (!ctx.opts.beforeWrite) return file;
  const { schemaVersion: _v, ...rest } = await ctx.opts.beforeWrite(file);
  return buildFindingsFile(rest);
}

async function reportPhase(ctx: RunContext, file: FindingsFile, load: LoadSummary, modelRun: RecursiveAnalysisResult | null): Promise<AnalyzeResult['outputs']> {
  const { opts, formats, redactOpts, redact, outDir } = ctx;
  const outputs: AnalyzeResult['outputs'] = {};
  if (load.traces === 0) {
    // An empty window says nothing about the agent: the last real reports stay.
    ctx.warn(`reports not written: nothing to report, so ${opts.out ?? 'halo-report'} keeps the previous run's reports`);
    return outputs;
  }
  const set: Array<{ format: ReportFormat; name: string; text: string }> = [];
  const add = (format: ReportFormat, text: string) => set.push({ format, name: REPORT_FILES[format], text });
  if (formats.includes('json')) add('json', renderFindingsJson(file));
  if (formats.includes('md')) add('md', renderMarkdownReport(file));
  if (formats.includes('html')) {
    const raw = await ctx.engine.reportData(file.findings.filter((f) => !isMuted(f)).map(reportInput));
    // Embedded trace content gets the same redaction as the findings.
    add('html', renderHtmlReport(file, redactOpts ? redactDeep(raw, redact) : raw));
  }
  // Per-run diagnoses from diagnose() in the model loop, one JSON line each, for `halo eval`.
  const diagnoses = (modelRun?.diagnoses ?? []).map((d) => (redactOpts ? redactDeep(d, redact) : d));
  const extra = diagnoses.length ? [{ name: DIAGNOSES_FILE, text: diagnoses.map((d) => JSON.stringify(d)).join('\n') + '\n' }] : [];
  try {
    writeReportSet(outDir, [...set, ...extra], [...Object.values(REPORT_FILES), DIAGNOSES_FILE]);
  } catch (err) {
    throw new AnalyzeInputError(`--out ${opts.out ?? 'halo-report'}: cannot write the reports (${messageOf(err)})`);
  }
  for (const r of set) {
    outputs[r.format] = join(outDir, r.name);
    ctx.progress({ stage: 'report', format: r.format, path: outputs[r.format]! });
  }
  return outputs;
}

export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  validateAnalyzeOptions(opts);
  const outDir = resolve(opts.out ?? 'halo-report');
  checkOutDir(outDir, opts.out ?? 'halo-report');
  const warnings: string[] = [];
  const progress = opts.onProgress ?? (() => {});
  const { mode, reason } = resolveMode(opts, opts.env ?? process.env);
  if (opts.estimate && mode !== 'model') throw new AnalyzeInputError(`--estimate prices a model run, and this run is offline (${reason}); configure a model`);
  const redactOpts = opts.redact === false ? null : opts.redact === true || opts.redact === undefined ? {} : opts.redact;
  const redact = redactOpts ? createRedactor(redactOpts) : noRedaction;
  let repo: RunRepo | null = null;
  try {
    repo = opts.repo ? openRunRepo(opts.repo, redactOpts) : null;
  } catch (err) {
    if (err instanceof RepoError) throw new AnalyzeInputError(err.message);
    throw err;
  }
  // llm()/llmBatch()/rlm()/submit() from the isolate arrive through the
  // router; the model engine attaches its handler while it runs.
  const router = createHostRouter();
  const sandboxOptions: SandboxOptions = {
    ...(repo ? { repo: repo.access } : {}),
    files: opts.files,
    ...(opts.window ? { window: opts.window } : {}),
    ...(opts.strict ? { strict: true } : {}),
    ...(opts.fields && Object.keys(opts.fields).length ? { fields: opts.fields } : {}),
    ...(opts.outcomes?.length ? { outcomes: readOutcomes(opts.outcomes) } : {}),
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.sandbox ?? {}),
    onHostCall: router.onHostCall,
  };
  opts.signal?.throwIfAborted();
  const phases = createPhaseRunner({
    onEvent: (e) => progress({ stage: 'phase', ...e }),
    ...(opts.logPath ? { log: createRunLog(opts.logPath, redact) } : {}),
  });
  const sandbox = createSandbox({ ...sandboxOptions, onProgress: (p) => progress({ stage: 'load', ...p }) });
  const onAbort = () => void sandbox.close().catch(() => {});
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const engineTimeoutMs = opts.engineTimeoutMs ?? 600_000;
  const ctx: RunContext = {
    opts,
    started: new Date(),
    mode,
    reason,
    formats: opts.formats?.length ? [...new Set(opts.formats)] : REPORT_FORMATS,
    outDir,
    engineTimeoutMs,
    redactOpts,
    redact,
    repo,
    router,
    sandboxOptions,
    sandbox,
    engine: engineClient(sandbox, { timeoutMs: engineTimeoutMs, deadlineMs: engineTimeoutMs * 2 }),
    warn: (m) => {
      warnings.push(m);
      opts.onWarning?.(m);
    },
    progress,
  };
  const timings = (): AnalyzeResult['timings'] => {
    const t = phases.timings();
    return { load: t.load, detectors: t.detectors, model: t.model, verify: t.verify, report: t.finalize + t.history + t.report, total: t.total };
  };

  try {
    const loaded = await phases.run('load', () => loadPhase(ctx));
    const detected = await phases.run('detectors', () => detectorsPhase(ctx));
    // Offline grounding: tool and prompt findings get their place in the agent's code.
    const ground = (r: VerifyResult) => (repo ? groundFindings(r, repo.fix, loaded.systemPrompts) : r);
    const detectorResult = ground(await phases.run('verify', () => verifyDetectedInPieces(ctx.engine, { onProgress: (checked, total) => progress({ stage: 'verify', checked, total }) })));

    let modelRun: RecursiveAnalysisResult | null = null;
    let modelResult: VerifyResult = EMPTY_RESULT;
    if (mode === 'model') {
      const modelStarted = Date.now();
      modelRun = await phases.run('model', () => modelPhase(ctx, detectorResult));
      if (modelRun && !modelRun.modelReached && !opts.estimate) {
        const why = `the model was never reached (${modelRun.partialReason ?? 'no reply'})`;
        if (!opts.allowOfflineFallback) {
          throw new ModelUnreachableError(`${why}; no model analysis ran and nothing was written. Check the provider settings, or pass --allow-offline-fallback to report the detector findings instead`);
        }
        ctx.warn(`${why}; reporting the detector findings only (--allow-offline-fallback)`);
      }
      if (modelRun?.verification) modelResult = modelRun.verification;
      else if (modelRun?.submission) modelResult = await phases.run('verify', () => verifyFallback(ctx, modelRun!, modelStarted));
    }

    const compared = opts.baseline && !opts.estimate ? await phases.run('compare', () => comparePhase(ctx, loaded)) : null;
    let file = await phases.run('finalize', () => finalizePhase(ctx, loaded, { detectorResult, modelResult: ground(modelResult), detected, modelRun, compared }));
    const { load } = loaded;
    // An estimate spends nothing and records nothing: no history, no reports.
    if (opts.estimate) {
      return { file, mode, modeReason: reason, outputs: {}, warnings, load, timings: timings(), ...(modelRun?.estimate ? { estimate: modelRun.estimate } : {}) };
    }
    file = await phases.run('history', () => historyPhase(ctx, file));
    const outputs = await phases.run('report', () => reportPhase(ctx, file, load, modelRun));
    return { file, mode, modeReason: reason, outputs, warnings, load, timings: timings() };
  } catch (err) {
    if (opts.signal?.aborted) throw new Error(`analysis aborted: ${messageOf(opts.signal.reason ?? 'stopped')}`);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await sandbox.close().catch(() => {});
  }
}
