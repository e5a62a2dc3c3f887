// `halo analyze`: the main job. Parses options, runs `analyze()` (src/analyze.ts),
// prints a short ranked summary and maps the outcome to exit codes.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { estimateLine } from '../rlm/estimate.ts';
import {
  analyze,
  AnalyzeInputError,
  ENABLE_MODEL_HINT,
  REPORT_FORMATS,
  resolveMode,
  type AnalyzeProgress,
  type AnalyzeResult,
  type ModelConfig,
  type ReportFormat,
} from '../analyze.ts';
import { isMuted, Severity, type FindingsFile } from '../findings/schema.ts';
import { severityAtLeast } from '../findings/rank.ts';
import { addModelOptions } from './model-options.ts';
import { collectField, fieldsOption } from './field-option.ts';
import { loadConfig, modelConfigFrom, type HaloConfig } from '../config/index.ts';
import { applyStoredMutes, DEFAULT_KEEP, openHistorySession, runProfile, type HistorySession } from '../history/index.ts';
import { isUserError } from '../errors.ts';

interface AnalyzeCliOptions {
  window?: string;
  since?: string;
  until?: string;
  out: string;
  format: string;
  offline?: boolean;
  failOn?: string;
  quiet?: boolean;
  strict?: boolean;
  field?: string[];
  // Options added by the model-driven analysis (see below) arrive here too.
  prompt?: string;
  log?: string;
  redact?: boolean;
  redactPattern?: string[];
  config?: string;
  state: string;
  history: boolean;
  sinceLastRun?: boolean;
  scope: string;
  repo?: string;
  [option: string]: unknown;
}

/** Options this file owns; every other option on the command is model configuration. */
const OWN_OPTIONS = new Set([
  'window', 'since', 'until', 'out', 'format', 'offline', 'failOn', 'quiet', 'strict', 'field', 'prompt', 'log', 'redact', 'redactPattern',
  'config', 'state', 'history', 'sinceLastRun', 'scope', 'repo', 'context', 'estimate',
]);

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

function usageError(message: string): AnalyzeInputError {
  return new AnalyzeInputError(message);
}

function parseFormats(text: string): ReportFormat[] {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!parts.length) throw usageError('--format needs at least one of json, md, html');
  for (const p of parts) {
    if (!REPORT_FORMATS.includes(p as ReportFormat)) throw usageError(`--format: unknown format "${p}" (use json, md, html)`);
  }
  return parts as ReportFormat[];
}

function parseFailOn(text: string | undefined): Severity | null {
  if (text === undefined) return null;
  const parsed = Severity.safeParse(text.toLowerCase());
  if (!parsed.success) throw usageError(`--fail-on: unknown severity "${text}" (use critical, high, medium, low or info)`);
  return parsed.data;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Progress on stderr: one rewritten line for a person at a terminal; for cron
 * and CI logs (not a terminal), one plain line per phase.
 */
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
  // Model options (provider, budgets, redaction...) come from ./model-options.ts, listed after these.
  const cmd = program
    .command('analyze')
    .description('Find the failure modes that recur across runs and write findings.json, report.md and report.html')
    .argument('[files...]', 'trace files, directories or globs (.jsonl, .json, .gz; - for stdin); default: "inputs" from the config file')
    .option('--window <duration>', 'analyze traces that started in this window, e.g. 7d, 24h, 90m (default: all traces)')
    .option('--since <time>', 'window start: ISO time or relative (3d = three days ago)')
    .option('--until <time>', 'window end: ISO time, relative, or "latest" (the newest trace in the data)')
    .option('--out <dir>', 'output directory', 'halo-report')
    .option('--format <list>', 'reports to write, comma-separated: json, md, html', 'json,md,html')
    .option('--offline', 'use the deterministic detectors only, even when a model is configured')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists').choices([...Severity.options]))
    .option('--repo <dir>', "the agent's source repository (read-only): fixes cite verified file:line locations and patches in it")
    .option('--strict', 'fail on the first bad record instead of counting and skipping it')
    .option('--field <canonical=key>', 'map a field of an unknown flat record format, e.g. --field startTime=ts (repeatable; "fields" in the config)', collectField, [])
    .option('-q, --quiet', 'print only warnings and errors (no summary table, progress or hints)')
    .option('--config <file>', 'config file (default: ./halo.config.json when present); flags override it')
    .option('--state <dir>', 'run history directory: findings are marked new/recurring/regressed/resolved against earlier runs', '.halo')
    .option('--no-history', 'do not read or record run history')
    .option('--since-last-run', 'analyze only traces newer than the last successful run recorded in --state')
    .option('--scope <name>', 'history scope, so runs hunting different failure classes keep separate histories', 'default')
    .option('--keep <n>', `runs kept per history scope; older ones are deleted (default ${DEFAULT_KEEP}, or "keep" in the config)`)
    // Bad usage exits 2 like every other input error (commander's default is 1,
    // which CI gates would read as "findings over the threshold").
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
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
    .action(async (files: string[], opts: AnalyzeCliOptions, cmd: Command) => {
      const quiet = Boolean(opts.quiet);
      const printer = progressPrinter(quiet ? 'off' : process.stderr.isTTY ? 'tty' : 'lines');
      let history: HistorySession | null = null;
      let continuesFrom: string | null = null;
      try {
        const { config } = loadConfig(opts.config);
        // A flag the user typed wins over the config file; a commander default does not.
        const typed = (key: string) => cmd.getOptionValueSource(key) === 'cli';
        const fromConfig = <K extends keyof HaloConfig>(key: K, flag: string): HaloConfig[K] | undefined =>
          typed(flag) ? undefined : config[key];
        if (!files.length) files = config.inputs ?? [];
        if (!files.length) throw usageError('no input files: pass trace files, directories or globs, or set "inputs" in halo.config.json');
        const formats = fromConfig('formats', 'format') ?? parseFormats(opts.format);
        const failOn = parseFailOn(opts.failOn ?? config.failOn);
        const model: ModelConfig = { ...modelConfigFrom(config) };
        for (const [k, v] of Object.entries(opts)) if (!OWN_OPTIONS.has(k) && v !== undefined) model[k] = v;
        if (opts.log) {
          const { mode, reason } = resolveMode({ offline: Boolean(opts.offline), model });
          if (mode === 'offline') throw usageError(`--log records the model-driven analysis (turns, cells, sub-calls), and this run is offline (${reason}); drop --log, or configure a model`);
        }
        const window: Record<string, string> = Object.fromEntries(
          (['window', 'since', 'until'] as const).filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]!]),
        );
        if (!window.window && !window.since && config.window) window.window = config.window;
        if (!window.until && config.until) window.until = config.until;
        const stateDir = fromConfig('state', 'state') ?? opts.state;
        if (opts.history) {
          const keep = opts.keep !== undefined ? Number(opts.keep) : config.keep;
          if (keep !== undefined && !(Number.isInteger(keep) && keep > 0)) throw usageError(`--keep must be a positive integer, got "${String(opts.keep)}"`);
          const profile = runProfile({ ...window, ...(opts.sinceLastRun ? { sinceLastRun: true } : {}) }, files.map((f) => (f === '-' ? f : resolve(f))));
          history = openHistorySession(stateDir, opts.scope, { profile, ...(keep ? { keep } : {}) });
          if (history.warning && !quiet) process.stderr.write(`halo analyze: warning: ${history.warning}\n`);
          if (opts.sinceLastRun && history.since !== null) {
            window.since = new Date(history.since).toISOString();
            continuesFrom = window.since;
            delete window.window;
          }
        } else if (opts.sinceLastRun) {
          throw usageError('--since-last-run needs run history (drop --no-history)');
        }
        const result = await analyze({
          files,
          window,
          out: fromConfig('out', 'out') ?? opts.out,
          formats,
          offline: Boolean(opts.offline),
          strict: Boolean(opts.strict),
          ...fieldsOption(opts.field, config.fields),
          ...(Object.keys(model).length ? { model } : {}),
          ...(opts.prompt ? { focus: opts.prompt } : {}),
          ...readContext(fromConfig('context', 'context') ?? (opts.context as string | undefined)),
          ...(opts.estimate ? { estimate: true } : {}),
          ...((opts.repo ?? config.repo) ? { repo: (opts.repo ?? config.repo)! } : {}),
          ...(opts.log ? { logPath: opts.log } : {}),
          ...(opts.redact === false && !opts.redactPattern?.length
            ? { redact: false }
            : { redact: { secrets: opts.redact !== false, patterns: opts.redactPattern ?? [] } }),
          ...(config.redact?.enabled === false && !typed('redact') ? { redact: false } : {}),
          recordOptions: { ...(failOn ? { failOn } : {}), ...(history ? { scope: opts.scope } : {}) },
          beforeWrite: (f: FindingsFile) => applyStoredMutes(stateDir, history ? history.beforeWrite(f) : f),
          onProgress: printer.onProgress,
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
        const code = isUserError(err) ? 2 : 3;
        process.stderr.write(`halo analyze: ${code === 3 ? 'internal error: ' : ''}${(err as Error)?.message ?? String(err)}\n`);
        process.exitCode = code;
      } finally {
        history?.release();
      }
    });
  return addModelOptions(cmd);
}
