// `halo analyze`: the main job. Parses options, runs `analyze()` (src/analyze.ts),
// prints a short ranked summary and maps the outcome to exit codes.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { estimateLine } from '../rlm/estimate.ts';
import { analyze, AnalyzeInputError, ENABLE_MODEL_HINT, resolveMode, type AnalyzeProgress, type AnalyzeResult } from '../analyze.ts';
import { isMuted, type FindingsFile, type Severity } from '../findings/schema.ts';
import { severityAtLeast } from '../findings/rank.ts';
import { loadConfig, type HaloConfig } from '../config/index.ts';
import { ANALYZE_OPTION_ORDER, MODEL_OPTIONS, RUN_OPTIONS, valuesFromConfig, withDefaults, type ModelOptions, type RunValues } from '../config/options.ts';
import { applyStoredMutes, openHistorySession, runProfile, type HistorySession } from '../history/index.ts';
import { exitCodeOf, isUserError } from '../errors.ts';
import { addOptions, readFlags } from './options.ts';
import { exitOnParseError } from './exit.ts';
import { parseStoreSpec, type StoreSpec } from '../store/open.ts';
import { clickHouseName } from '../store/clickhouse.ts';
import { exitOnSignals } from './interrupt.ts';
import { describeInputs, historyInputs, inputSources, pullForRun } from '../pull/inputs.ts';
import { checkBaselineFits, parseBaseline } from '../compare/baseline.ts';
import { outcomeSignalFrom } from '../signals/resolve.ts';
import { alertSummary, alertTargets, sendAlerts } from '../alerts/index.ts';

/** Every option `halo analyze` has a flag for: its own and the model's. */
export const ANALYZE_OPTIONS = { ...RUN_OPTIONS, ...MODEL_OPTIONS };

/** Flag values over config-file values; records (headers, fields) merge key by key. */
function overlay<T extends Record<string, unknown>>(base: T, top: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const b = out[k];
    const isRecord = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isRecord(b) && isRecord(v) ? { ...(b as object), ...(v as object) } : v;
  }
  return out as T;
}

/** `--context FILE`: its text, or a usage error naming the file. */
function readContext(file: string | undefined): { context?: string } {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`--context ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!text.trim()) throw usageError(`--context ${file}: the file is empty`);
  return { context: text };
}

/** `--store memory` keeps today's path (files streamed into the isolate); anything else is a store. */
function storeOption(text: string, stateDir: string): { store?: StoreSpec } {
  const spec = parseStoreSpec(text, stateDir);
  return spec.backend === 'memory' ? {} : { store: spec };
}

/** `--source`: pull what is new first (src/pull/inputs.ts); an estimate pulls nothing. */
async function pullFirst(opts: RunValues, quiet: boolean): Promise<string[]> {
  const say = (line: string) => quiet || process.stderr.write(`halo analyze: ${line}\n`);
  if (opts.estimate) {
    say(`--estimate: nothing is pulled from ${opts.source}`);
    return [];
  }
  const cfg = { source: opts.source!, ...(opts.sourceUrl ? { url: opts.sourceUrl } : {}), ...(opts.sourceProject ? { project: opts.sourceProject } : {}) };
  return pullForRun(cfg, { stateDir: opts.state, ...(opts.window ? { window: opts.window } : {}), ...(opts.since ? { since: opts.since } : {}), log: say });
}

function usageError(message: string): AnalyzeInputError {
  return new AnalyzeInputError(message);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Progress on stderr: one rewritten line for a person at a terminal; for cron
 * and CI logs (not a terminal), one plain line per phase.
 */
/**
 * The options of one run: flags the user typed over the config file over the
 * definitions' defaults.
 */
export function analyzeOptionsFrom(flags: { run: Record<string, unknown>; model: Record<string, unknown> }, config: HaloConfig): { opts: RunValues; model: ModelOptions } {
  const fileRun = valuesFromConfig(RUN_OPTIONS, config);
  // --since opens a window of its own; the config's "window" would narrow it.
  if (flags.run.since !== undefined) delete fileRun.window;
  return {
    opts: withDefaults(RUN_OPTIONS, overlay(fileRun, flags.run)),
    model: overlay(valuesFromConfig(MODEL_OPTIONS, config), flags.model),
  };
}

function progressPrinter(mode: 'tty' | 'lines' | 'off') {
  if (mode === 'off') return { onProgress: undefined, done: () => {} };
  const started = performance.now();
  let live = false;
  let modelSeen = false;
  const line = (text: string, final: boolean) => {
    if (mode === 'lines') {
      if (final) process.stderr.write(`halo analyze: ${text}\n`);
      return;
    }
    process.stderr.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    live = !final;
  };
  return {
    onProgress: (e: AnalyzeProgress) => {
      switch (e.stage) {
        case 'load': {
          const secs = (performance.now() - started) / 1000;
          const rate = secs >= 1 ? ` · ${(e.bytesRead / 1e6 / secs).toFixed(1)} MB/s` : '';
          line(`loading ${mb(e.bytesRead)} / ${mb(e.bytesTotal)} MB${rate}`, false);
          break;
        }
        case 'loaded':
          line(`loaded ${e.traces.toLocaleString('en-US')} traces (${e.spans.toLocaleString('en-US')} spans) in ${(e.loadMs / 1000).toFixed(1)}s`, true);
          break;
        case 'detectors':
          if (e.found === undefined) line('running detectors…', false);
          else line(`detectors: ${e.found} candidate finding${e.found === 1 ? '' : 's'}`, true);
          break;
        case 'model':
          if (mode === 'lines' && !modelSeen) line('model-driven analysis started', true);
          modelSeen = true;
          line(e.line, false);
          break;
        case 'verify':
          if (e.kept === undefined) {
            if (e.checked !== undefined && e.total !== undefined) line(`verifying: ${e.checked.toLocaleString('en-US')} of ${e.total.toLocaleString('en-US')} runs`, false);
            break;
          }
          line(`verified: ${e.kept} finding${e.kept === 1 ? '' : 's'} kept of ${e.submitted} submitted`, true);
          break;
        case 'report':
          break;
      }
    },
    done: () => {
      if (live) process.stderr.write('\n');
      live = false;
    },
  };
}

/**
 * What an offline run leaves unused, said rather than silently dropped:
 * options that only a model reads, and model settings under --offline.
 */
export function offlineNotes(opts: Pick<RunValues, 'prompt' | 'context' | 'offline'>, model: ModelOptions, reason: string): string[] {
  const notes: string[] = [];
  const unused = [opts.prompt !== undefined && '--prompt', opts.context !== undefined && '--context'].filter(Boolean);
  if (unused.length) {
    notes.push(`${unused.join(' and ')} ${unused.length === 1 ? 'is' : 'are'} read only by a model, and this run is offline (${reason}): ignored`);
  }
  const set = Object.keys(model);
  if (opts.offline && set.length) notes.push(`--offline: the model settings (${set.join(', ')}) are ignored`);
  return notes;
}

/** Exit code when there was nothing to judge: --fail-on can neither pass nor fail. */
export const NO_DATA_EXIT = 4;

function noDataReason(result: AnalyzeResult): string {
  const st = result.load.stats;
  if (st.records === 0 && st.badRecords > 0) return `no readable record in the input (${st.badRecords} bad record${st.badRecords === 1 ? '' : 's'})`;
  if (st.records === 0) return 'the input holds no records';
  if (st.outsideWindow > 0) return `no traces in the window (${st.outsideWindow.toLocaleString('en-US')} outside it)`;
  return 'no traces in the input';
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function summaryText(result: AnalyzeResult, top = 10): string {
  const { file } = result;
  const traces = typeof file.dataset.traces === 'number' ? file.dataset.traces : result.load.traces;
  const lines: string[] = [];
  const shown = file.findings.filter((f) => !isMuted(f));
  const muted = file.findings.length - shown.length;
  const n = shown.length;
  lines.push(
    `${n} finding${n === 1 ? '' : 's'} in ${traces.toLocaleString('en-US')} traces (${result.mode}: ${result.modeReason})` +
      (file.run.partial ? ` — partial: ${file.run.partialReason ?? 'a budget ran out'}` : '') +
      (muted ? ` (+${muted} muted)` : ''),
  );
  if (n) {
    lines.push('');
    const withStatus = shown.some((f) => f.status || f.muted);
    const rows = shown.slice(0, top).map((f) => [
      String(f.rank),
      f.severity,
      f.category,
      `${f.prevalence.traces} (${(f.prevalence.share * 100).toFixed(1)}%)`,
      ...(withStatus ? [f.muted?.resurfaced ? 'resurfaced' : (f.status ?? '')] : []),
      f.title.replace(/\s+/g, ' ').slice(0, 100),
    ]);
    const head = ['#', 'SEVERITY', 'CATEGORY', 'TRACES', ...(withStatus ? ['STATUS'] : []), 'FINDING'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) lines.push('  ' + r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  '));
    if (n > top) lines.push(`  … and ${n - top} more in the reports`);
    // Without this, a medium finding above a high one reads like a sorting bug.
    lines.push('  (ranked by severity × share of traces affected × confidence, × failure-rate difference when runs carry outcomes)');
  }
  const resolved = file.resolved?.length ?? 0;
  if (resolved) lines.push('', `${resolved} finding${resolved === 1 ? '' : 's'} from the previous run ${resolved === 1 ? 'is' : 'are'} gone (resolved): ${file.resolved!.slice(0, 3).map((r) => r.title).join('; ')}${resolved > 3 ? '; …' : ''}`);
  const paths = Object.values(result.outputs).map((p) => relative(process.cwd(), p!) || p!);
  if (paths.length) lines.push('', `Wrote ${paths.join(', ')}`);
  return lines.join('\n') + '\n';
}

function failing(file: FindingsFile, threshold: Severity | null): number {
  if (!threshold) return 0;
  return file.findings.filter((f) => !isMuted(f) && severityAtLeast(f.severity, threshold)).length;
}

export function registerAnalyze(program: Command): Command {
  const cmd = program
    .command('analyze')
    .description('Find the failure modes that recur across runs and write findings.json, report.md and report.html')
    .argument('[files...]', 'trace files, directories or globs (.jsonl, .json, .gz; - for stdin); default: "inputs" from the config file');
  // Flags, help and defaults come from the option definitions (src/config/options.ts).
  addOptions(cmd, ANALYZE_OPTIONS, ANALYZE_OPTION_ORDER);
  return cmd
    // Bad usage exits 2 like every other input error (commander's default is 1,
    // which CI gates would read as "findings over the threshold").
    .exitOverride(exitOnParseError)
    .addHelpText(
      'after',
      `
Modes:
  With no model configured (no --provider/--model/--base-url and no OPENAI_API_KEY or
  ANTHROPIC_API_KEY in the environment) the deterministic detectors analyze the traces
  offline. With a model, a root model also investigates the traces in the sandbox and
  its findings are verified and merged with the detectors'. --offline forces the former.

Outputs (in --out):
  findings.json  the findings, validated against schema/findings.schema.json
  report.md      ranked table, then each finding with evidence, root cause, fix, monitor
  report.html    self-contained page with charts and trace drill-down

Examples:
  $ halo analyze samples/week --window 7d --until latest
  $ halo analyze traces/*.jsonl.gz --window 24h --out reports/ --format json,md
  $ halo analyze traces.jsonl --window 24h --offline --fail-on high --quiet   # CI gate

Exit codes:
  0  success
  1  a finding at or above --fail-on exists
  2  bad usage or unreadable input
  3  internal error
  4  with --fail-on: nothing to judge (no traces in the window, or no readable record);
     the previous reports are kept`,
    )
    .addHelpText(
      'after',
      `
Model-driven analysis:
  $ OPENAI_API_KEY=... halo analyze traces.jsonl --window 7d --model gpt-4.1 --sub-model gpt-4.1-mini --log run.jsonl
  $ ANTHROPIC_API_KEY=... halo analyze traces/ --provider anthropic --prompt "why do bookings fail?" --max-usd 2
  $ halo analyze traces.jsonl --base-url http://localhost:11434/v1 --model qwen3:32b --max-turns 12
  API keys are read from OPENAI_API_KEY / ANTHROPIC_API_KEY in this process only; the sandbox never sees them.
  When a budget runs out, the model is asked once for what it has and the report is marked partial.`,
    )
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const quiet = cmd.getOptionValue('quiet') === true;
      const printer = progressPrinter(quiet ? 'off' : process.stderr.isTTY ? 'tty' : 'lines');
      let history: HistorySession | null = null;
      let continuesFrom: string | null = null;
      const keepSignals = exitOnSignals('analyze', 'the reports were left as they were and the run was not recorded');
      try {
        const flags = readFlags(cmd, RUN_OPTIONS);
        const modelFlags = readFlags(cmd, MODEL_OPTIONS);
        const { config, warnings } = loadConfig(flags.config as string | undefined);
        for (const w of warnings) process.stderr.write(`halo analyze: warning: ${w}\n`);
        const { opts, model } = analyzeOptionsFrom({ run: flags, model: modelFlags }, config);
        const storeSpec = opts.estimate ? null : parseStoreSpec(opts.store, opts.state);
        // A ClickHouse table (named without its password) is the input itself.
        const table = storeSpec?.backend === 'clickhouse' ? clickHouseName(storeSpec) : null;
        const fromTable = table !== null;
        if (!files.length && !fromTable) files = config.inputs ?? [];
        if (opts.source) files = [...files, ...(await pullFirst(opts, quiet))];
        if (!files.length && !fromTable) throw usageError('no input files: pass trace files, directories or globs, or set "inputs" in halo.config.json');
        const sources = inputSources(files, opts.state);
        const failOn: Severity | null = opts.failOn ?? null;
        // Checked before any work: a bad alert URL or a missing secret is a usage error, not a surprise at the end.
        const alerts = opts.estimate ? null : alertTargets(config.alerts, { ...(opts.alertWebhook ? { webhook: opts.alertWebhook } : {}), ...(opts.alertSlack ? { slack: opts.alertSlack } : {}), ...(opts.reportUrl ? { reportUrl: opts.reportUrl } : {}) });
        const window: Record<string, string> = Object.fromEntries(
          (['window', 'since', 'until'] as const).filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]!]),
        );
        const stateDir = opts.state;
        // An estimate writes nothing: no history, no store, no log.
        if (opts.history && !opts.estimate) {
          // Pulled and received inputs are named by what they are, so the history says which.
          const profile = runProfile({ ...window, ...(opts.sinceLastRun ? { sinceLastRun: true } : {}) }, [...historyInputs(sources), ...(table ? [table] : [])]);
          history = openHistorySession(stateDir, opts.scope, { profile, keep: opts.keep });
          if (history.notice) process.stderr.write(`halo analyze: notice: ${history.notice}\n`);
          if (history.warning && !quiet) process.stderr.write(`halo analyze: warning: ${history.warning}\n`);
          if (opts.sinceLastRun && history.since !== null) {
            window.since = new Date(history.since).toISOString();
            continuesFrom = window.since;
            delete window.window;
          }
        } else if (opts.sinceLastRun) {
          throw usageError('--since-last-run needs run history (drop --no-history)');
        }
        const baseline = opts.baseline || opts.baselineInputs?.length ? parseBaseline(opts.baseline, { inputs: opts.baselineInputs ?? [], stateDir }) : null;
        if (baseline) checkBaselineFits(baseline, window);
        const patterns = opts.redactPatterns ?? [];
        const { mode, reason } = resolveMode({ offline: Boolean(opts.offline), model });
        if (mode === 'offline' && !quiet) {
          for (const note of offlineNotes(opts, model, reason)) process.stderr.write(`halo analyze: note: ${note}\n`);
        }
        const result = await analyze({
          files,
          window,
          out: opts.out,
          formats: [...opts.formats],
          offline: Boolean(opts.offline),
          strict: Boolean(opts.strict),
          ...(opts.fields && Object.keys(opts.fields).length ? { fields: opts.fields } : {}),
          ...(opts.outcomes?.length ? { outcomes: opts.outcomes } : {}),
          ...(opts.outcomeSignal ? { outcomeSignal: outcomeSignalFrom(opts.outcomeSignal, config, stateDir) } : {}),
          ...(opts.estimate ? {} : storeOption(opts.store, stateDir)),
          // --offline ignores the model settings: a half-set provider must not fail an offline run.
          ...(Object.keys(model).length && !opts.offline ? { model } : {}),
          ...(opts.prompt ? { focus: opts.prompt } : {}),
          ...readContext(opts.context),
          ...(opts.estimate ? { estimate: true } : {}),
          ...(opts.allowOfflineFallback ? { allowOfflineFallback: true } : {}),
          ...(opts.repo ? { repo: opts.repo } : {}),
          ...(opts.log && !opts.estimate ? { logPath: opts.log } : {}),
          ...(baseline ? { baseline } : {}),
          redact: !opts.redact && !patterns.length ? false : { secrets: opts.redact, patterns },
          recordOptions: { input: table ? `ClickHouse table ${table}` : describeInputs(sources), ...(failOn ? { failOn } : {}), ...(history ? { scope: opts.scope } : {}) },
          beforeWrite: (f: FindingsFile) => applyStoredMutes(stateDir, history ? history.beforeWrite(f) : f),
          // An estimate starts no analysis: it says so only through its estimate line.
          ...(opts.estimate ? {} : { onProgress: printer.onProgress }),
          onWarning: (m) => {
            printer.done();
            // An empty --since-last-run window is the normal "nothing new yet", not a bad window.
            if (continuesFrom && m.startsWith('no traces in the window')) m = `no traces newer than the last run (${continuesFrom}); this run is not recorded`;
            process.stderr.write(`halo analyze: warning: ${m}\n`);
          },
        });
        if (result.estimate) {
          printer.done();
          process.stdout.write(`${estimateLine(result.estimate)}\n`);
          return;
        }
        history?.commit(result.file);
        printer.done();
        if (alerts && result.load.traces > 0) {
          if (!history) process.stderr.write('halo analyze: warning: alerts not sent: they need run history to know what is new (drop --no-history)\n');
          else {
            const outcomes = await sendAlerts({ file: result.file, targets: alerts, stateDir, scope: opts.scope, reportPath: result.outputs.html ?? result.outputs.md ?? result.outputs.json ?? null, log: (l) => process.stderr.write(`halo analyze: ${l}\n`) });
            for (const line of alertSummary(outcomes)) if (!quiet || line.includes('failed')) process.stderr.write(`halo analyze: ${line}\n`);
          }
        }
        if (result.load.traces === 0 && failOn) {
          process.stderr.write(`halo analyze: --fail-on ${failOn} cannot pass or fail: ${noDataReason(result)}; the previous reports were kept\n`);
          process.exitCode = NO_DATA_EXIT;
          return;
        }
        if (!quiet) process.stdout.write(summaryText(result));
        if (!quiet && result.mode === 'offline' && result.modeReason === 'no model configured') {
          process.stderr.write(`\n${ENABLE_MODEL_HINT}\n`);
        }
        const over = failing(result.file, failOn);
        if (over > 0) {
          process.stderr.write(`halo analyze: ${over} finding${over === 1 ? '' : 's'} at or above --fail-on ${failOn}\n`);
          process.exitCode = 1;
        }
      } catch (err) {
        printer.done();
        // A model that was never reached is the provider's failure (exit 1), shown even under --quiet.
        const code = isUserError(err) ? 2 : exitCodeOf(err);
        process.stderr.write(`halo analyze: ${code === 3 ? 'internal error: ' : ''}${(err as Error)?.message ?? String(err)}\n`);
        process.exitCode = code;
      } finally {
        keepSignals();
        history?.release();
      }
    });
}
