// `labelRuns()`: one pass of a signal over a window. Load the window in the
// sandbox, choose the runs (the deterministic sample, or the N most recent
// for a dry run), reuse labels stored for this definition, judge the rest
// with the sub-model, store what was judged (not on a dry run) and report
// the labels, and how they agree with recorded outcomes where runs have them.
import type { WindowSpec } from '../ingest/api.ts';
import { readOutcomeFiles } from '../ingest/outcomes-file.ts';
import { createSandbox } from '../sandbox/supervisor.ts';
import { engineClient } from '../sandbox/rpc.ts';
import type { ModelOptions } from '../config/options.ts';
import type { LanguageModel } from '../providers/types.ts';
import { parseRlmConfig } from '../rlm/config.ts';
import { BudgetLedger, type UsageTotals } from '../rlm/budgets.ts';
import { createRunLog } from '../rlm/runlog.ts';
import { checkPrices, modelFactory, subcallSettings } from '../rlm/models.ts';
import { SubcallService } from '../rlm/subcalls.ts';
import { createWarner } from '../rlm/warnings.ts';
import { createRedactor, noRedaction, type RedactOptions } from '../redact.ts';
import { UsageError } from '../errors.ts';
import { judgeRun, SIGNAL_RENDER_BUDGET, type Verdict } from './judge.ts';
import { recentRuns, selectSample } from './sample.ts';
import { SignalStore, type StoredLabel } from './store.ts';
import { agreementWith, type Agreement } from './outcome.ts';
import type { Signal } from './spec.ts';

export interface LabelRunsOptions {
  files: string[];
  window?: WindowSpec;
  fields?: Record<string, string>;
  /** `--outcomes` files: recorded verdicts joined to the runs, for the agreement. */
  outcomes?: string[];
  /** State directory holding the labels (`<state>/signals/<name>.json`). */
  state: string;
  signal: Signal;
  /** Judge the N most recent runs, show them, store nothing. */
  dryRun?: number;
  model?: ModelOptions;
  /** Models to use instead of creating them from `model` (library callers, tests). */
  models?: { sub: LanguageModel };
  logPath?: string;
  redact?: RedactOptions | false;
  onProgress?: (line: string) => void;
  /** Stops the pass (a schedule shutting down): the sandbox is closed, labels judged so far are not stored. */
  abort?: AbortSignal;
}

export interface LabelledRun {
  runId: string;
  label: string;
  reason: string;
  /** Judged in this pass (false: reused from the store). */
  judged: boolean;
}

export interface LabelRunsResult {
  signal: Signal;
  dryRun: boolean;
  /** Runs in the window. */
  windowRuns: number;
  /** Runs chosen (sample or most recent), in selection order. */
  chosen: string[];
  labelled: LabelledRun[];
  reused: number;
  /** Runs judged without a usable label, and why. */
  failed: Verdict[];
  counts: Record<string, number>;
  /** Against recorded verdicts, over every labelled run of the window; null when none carries one or no fail label is set. */
  agreement: Agreement | null;
  usage: UsageTotals;
  subModel: string;
}

/** Runs rendered per trip out of the sandbox: bounds one message's size. */
const RENDER_CHUNK = 50;

export async function labelRuns(opts: LabelRunsOptions): Promise<LabelRunsResult> {
  const { signal } = opts;
  const redactOpts = opts.redact === false ? null : (opts.redact ?? {});
  const config = parseRlmConfig({
    ...(opts.models ? { model: opts.models.sub.modelId, provider: opts.models.sub.provider } : {}),
    ...(opts.model ?? {}),
    redact: redactOpts ? redactOpts.secrets !== false : false,
    redactPatterns: (redactOpts?.patterns ?? []).map((p) => (typeof p === 'string' ? p : p.source)),
  });
  const redact = redactOpts ? createRedactor({ secrets: config.redact, patterns: config.redactPatterns }) : noRedaction;
  const runlog = createRunLog(opts.logPath, redact);
  const progress = opts.onProgress ?? (() => {});
  const warnings: string[] = [];
  const warn = createWarner(runlog, progress, warnings);
  const sub = opts.models?.sub ?? modelFactory(config, runlog)(config.subModel ?? config.model);
  checkPrices([sub.modelId], config, (m) => progress(`warning: ${m}`));
  const ledger = new BudgetLedger(config.limits, { prices: config.prices });
  const subcalls = new SubcallService({
    model: () => sub,
    ledger,
    runlog,
    redact,
    ...subcallSettings(config),
    onProgress: progress,
    onWarning: warn,
  });
  const loop = opts.dryRun ? `signal.${signal.name}.dry-run` : `signal.${signal.name}`;
  runlog.write({ ev: 'start', loop, depth: 0, provider: sub.provider, model: sub.modelId, subModel: sub.modelId, focus: `signal "${signal.name}": ${signal.question} (${signal.labels.join(' | ')})`, limits: ledger.limits });

  const sandbox = createSandbox({
    files: opts.files,
    ...(opts.window ? { window: opts.window } : {}),
    ...(opts.fields && Object.keys(opts.fields).length ? { fields: opts.fields } : {}),
    ...(opts.outcomes?.length ? { outcomes: readOutcomeFiles(opts.outcomes) } : {}),
  });
  const onAbort = () => void sandbox.close().catch(() => {});
  opts.abort?.addEventListener('abort', onAbort, { once: true });
  try {
    opts.abort?.throwIfAborted();
    const load = await sandbox.load();
    const engine = engineClient(sandbox, { timeoutMs: 120_000 });
    const index = await engine.runIndex();
    const chosen = opts.dryRun ? recentRuns(index, opts.dryRun) : selectSample(index.map((r) => r.traceId), signal.name, signal.sample);
    const store = new SignalStore(opts.state, signal.name);
    const stored = opts.dryRun ? new Map<string, StoredLabel>() : store.labels(signal.definition);
    const todo = chosen.filter((id) => !stored.has(id));
    progress(`signal ${signal.name}: ${load.traces} runs in the window, ${chosen.length} chosen, ${chosen.length - todo.length} already labelled, judging ${todo.length}`);

    const verdicts: Verdict[] = [];
    for (let i = 0; i < todo.length; i += RENDER_CHUNK) {
      const rendered = await engine.renderRuns(todo.slice(i, i + RENDER_CHUNK), SIGNAL_RENDER_BUDGET);
      verdicts.push(...(await Promise.all(rendered.map((r) => judgeRun(signal, r, { subcalls, runlog, loop })))));
    }
    opts.abort?.throwIfAborted();
    runlog.write({ ev: 'signal', loop, depth: 0, name: signal.name, definition: signal.definition, dryRun: Boolean(opts.dryRun), chosen: chosen.length, reused: chosen.length - todo.length, verdicts });

    const at = new Date().toISOString();
    const fresh = verdicts.filter((v): v is Verdict & { label: string; reason: string } => v.label !== undefined);
    const definition = { def: signal.definition, question: signal.question, labels: signal.labels, fail: signal.fail, at };
    if (!opts.dryRun) store.add(definition, fresh.map((v) => ({ run: v.runId, def: signal.definition, label: v.label, reason: redact(v.reason), model: sub.modelId, at })));

    const byId = new Map<string, LabelledRun>();
    for (const id of chosen) {
      const s = stored.get(id);
      if (s) byId.set(id, { runId: id, label: s.label, reason: s.reason, judged: false });
    }
    for (const v of fresh) byId.set(v.runId, { runId: v.runId, label: v.label, reason: redact(v.reason), judged: true });
    const labelled = chosen.map((id) => byId.get(id)).filter((x): x is LabelledRun => x !== undefined);
    const counts: Record<string, number> = Object.fromEntries(signal.labels.map((l) => [l, 0]));
    for (const l of labelled) counts[l.label] = (counts[l.label] ?? 0) + 1;
    // Every labelled run of the window counts for agreement, not only this pass's sample.
    const inWindow = new Set(index.map((r) => r.traceId));
    const windowLabels: Array<[string, string]> = opts.dryRun
      ? labelled.map((l) => [l.runId, l.label])
      : [...store.labels(signal.definition).values()].filter((l) => inWindow.has(l.run)).map((l) => [l.run, l.label]);
    const agreement = agreementWith(windowLabels, signal.fail, new Map(index.map((r) => [r.traceId, r.failed])));
    const usage = { ...ledger.usage, cost: { ...ledger.usage.cost } };
    runlog.write({ ev: 'end', loop, depth: 0, labelled: labelled.length, failed: verdicts.length - fresh.length, ...(agreement ? { agreement } : {}), budget: ledger.snapshot() });
    return {
      signal,
      dryRun: Boolean(opts.dryRun),
      windowRuns: load.traces,
      chosen,
      labelled,
      reused: chosen.length - todo.length,
      failed: verdicts.filter((v) => v.label === undefined),
      counts,
      agreement,
      usage,
      subModel: sub.modelId,
    };
  } finally {
    opts.abort?.removeEventListener('abort', onAbort);
    ledger.close();
    await sandbox.close().catch(() => {});
  }
}

/** A signal needs a judge: without a model there is nothing to label with. */
export function requireModel(mode: 'offline' | 'model', reason: string): void {
  if (mode === 'offline') {
    throw new UsageError(`signals are judged by the sub-model, and no model is configured (${reason}): set OPENAI_API_KEY or ANTHROPIC_API_KEY, or pass --provider/--model/--base-url`);
  }
}
