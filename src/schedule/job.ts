// One scheduled run: analyze the schedule's window (or everything since its
// last run), record it in the schedule's own history scope, then push the
// findings to the schedule's export targets.
import { join } from 'node:path';
import { analyze, type AnalyzeResult } from '../analyze.ts';
import type { HaloConfig, ScheduleConfig } from '../config/schema.ts';
import { modelConfigFrom, scheduleWindow } from '../config/apply.ts';
import { RUN_OPTIONS, valuesFromConfig, withDefaults } from '../config/options.ts';
import { openHistorySession, runProfile } from '../history/session.ts';
import { applyStoredMutes } from '../history/mutes.ts';
import type { FindingsFile } from '../findings/schema.ts';
import { alertSummary, alertTargets, sendAlerts } from '../alerts/index.ts';
import { issueUrls } from '../export/state.ts';
import { describeInputs, historyInputs, inputSources, pullForRun } from '../pull/inputs.ts';
import { outcomeSignalFrom } from '../signals/resolve.ts';
import { labelScheduledSignals } from '../signals/scheduled.ts';
import { parseStoreSpec } from '../store/open.ts';
import { clickHouseName } from '../store/clickhouse.ts';

export type ExportTarget = NonNullable<ScheduleConfig['export']>[number];

/** Pushes one run's findings to a tracker; `settings` is that target's `exports.<target>` section. */
export type Exporter = (target: ExportTarget, settings: Record<string, unknown>, file: FindingsFile, signal: AbortSignal) => Promise<string>;

export interface ScheduledRunOptions {
  config: HaloConfig;
  schedule: ScheduleConfig;
  signal: AbortSignal;
  exporter?: Exporter;
  log?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/** Fingerprint → issue URL from the export state of the schedule's targets (unreadable state: no links). */
function exportedIssues(stateDir: string, targets: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of targets) {
    try {
      for (const [fp, url] of issueUrls(join(stateDir, 'exports', `${t}.json`))) if (!out.has(fp)) out.set(fp, url);
    } catch {
      // The export itself reports a damaged state file.
    }
  }
  return out;
}

export async function runScheduledAnalysis(opts: ScheduledRunOptions): Promise<AnalyzeResult> {
  const { config, schedule: s, signal } = opts;
  const log = opts.log ?? (() => {});
  let files = s.inputs ?? config.inputs ?? [];
  // The config's run options over their defaults, as `halo analyze` reads them.
  const run = withDefaults(RUN_OPTIONS, valuesFromConfig(RUN_OPTIONS, config));
  // A job reads files, what halo collect received (its directory named in inputs), a pull, or both.
  const source = s.source ?? (s.inputs ? undefined : run.source);
  if (source) {
    const url = s.sourceUrl ?? run.sourceUrl;
    const project = s.sourceProject ?? run.sourceProject;
    const w = scheduleWindow(config, s);
    files = [...files, ...(await pullForRun({ source, ...(url ? { url } : {}), ...(project ? { project } : {}) }, { stateDir: run.state, ...(w ? { window: w } : {}), log: (l) => log(`${s.name}: ${l}`), ...(opts.env ? { env: opts.env } : {}), signal }))];
  }
  const store = parseStoreSpec(run.store, run.state, opts.env ?? process.env);
  // A ClickHouse table (named without its password) is the input itself.
  const table = store.backend === 'clickhouse' ? clickHouseName(store) : null;
  if (!files.length && table === null) throw new Error(`schedule "${s.name}": no inputs (set "inputs" or "source" on the schedule or at the top of the config)`);
  const input = table !== null ? `ClickHouse table ${table}` : describeInputs(inputSources(files, run.state));
  // The history names what the job read (files, halo collect, a pull, a table), as `halo analyze` does.
  const profile = runProfile(
    { ...(s.sinceLastRun ? { sinceLastRun: true } : {}), ...(scheduleWindow(config, s) ? { window: scheduleWindow(config, s)! } : {}) },
    [...historyInputs(inputSources(files, run.state)), ...(table !== null ? [table] : [])],
  );
  const session = openHistorySession(run.state, s.name, { keep: run.keep, profile });
  if (session.notice) log(`${s.name}: notice: ${session.notice}`);
  if (s.offline && s.prompt) log(`${s.name}: note: "prompt" is read only by a model, and this schedule is offline: ignored`);
  try {
    const window: Record<string, string> = {};
    if (s.sinceLastRun && session.since !== null) window.since = new Date(session.since).toISOString();
    else {
      const w = scheduleWindow(config, s);
      if (w) window.window = w;
      const until = s.until ?? config.until;
      if (until) window.until = until;
    }
    if (s.signals?.length && table !== null) log(`${s.name}: note: signals label runs read from files; with ${table} they are not labelled`);
    else if (s.signals?.length) {
      await labelScheduledSignals({ config, names: s.signals, files, window, state: run.state, model: modelConfigFrom(config, s.budgets), ...(opts.env ? { env: opts.env } : {}), signal, log: (l) => log(`${s.name}: ${l}`) });
    }
    const result = await analyze({
      files,
      window,
      out: s.out ?? join(run.out, s.name),
      formats: s.formats ?? [...run.formats],
      offline: Boolean(s.offline),
      ...(s.offline ? {} : { model: modelConfigFrom(config, s.budgets) }),
      ...(s.prompt ? { focus: s.prompt } : {}),
      ...(run.outcomeSignal ? { outcomeSignal: outcomeSignalFrom(run.outcomeSignal, config, run.state) } : {}),
      ...(config.repo ? { repo: config.repo } : {}),
      ...(config.redact?.enabled === false ? { redact: false } : config.redact?.patterns ? { redact: { patterns: config.redact.patterns } } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(store.backend !== 'memory' ? { store } : {}),
      recordOptions: { schedule: s.name, input },
      beforeWrite: (f) => applyStoredMutes(run.state, session.beforeWrite(f)),
      signal,
      onWarning: (m) => log(`${s.name}: warning: ${m}`),
    });
    const recorded = session.commit(result.file);
    log(`${s.name}: ${result.file.findings.length} findings over ${result.load.traces} traces from ${input} (${result.mode}) → ${result.outputs.json ?? Object.values(result.outputs)[0] ?? '(no files)'}`);
    for (const target of s.export ?? []) {
      signal.throwIfAborted();
      const settings = config.exports?.[target];
      if (!settings || !opts.exporter) {
        log(`${s.name}: export ${target} skipped: ${settings ? 'exporting is not available' : `no exports.${target} settings`}`);
        continue;
      }
      try {
        log(`${s.name}: export ${target}: ${await opts.exporter(target, settings as Record<string, unknown>, result.file, signal)}`);
      } catch (err) {
        // The analysis stands; the next run's upsert catches up.
        log(`${s.name}: export ${target} failed: ${(err as Error).message}`);
      }
    }
    // After the exports, so an alert can link the tracker issue of each finding.
    if (recorded && config.alerts) {
      try {
        const targets = alertTargets(config.alerts, {}, opts.env ?? process.env);
        if (targets) {
          const outcomes = await sendAlerts({ file: result.file, targets, stateDir: run.state, scope: s.name, issues: exportedIssues(run.state, s.export ?? []), reportPath: result.outputs.html ?? result.outputs.md ?? result.outputs.json ?? null, log: (l) => log(`${s.name}: ${l}`), signal });
          for (const line of alertSummary(outcomes)) log(`${s.name}: ${line}`);
        }
      } catch (err) {
        // Alerts never fail the run they report on.
        log(`${s.name}: alerts failed: ${(err as Error).message}`);
      }
    }
    return result;
  } finally {
    session.release();
  }
}
