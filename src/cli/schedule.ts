// `halo schedule`: runs the config's schedules until stopped. Each schedule is
// a cron expression with its own window, focus, history scope and exports.
import type { Command } from 'commander';
import { loadConfig, type HaloConfig, type ScheduleConfig } from '../config/index.ts';
import { RunHistory } from '../history/index.ts';
import { Scheduler, type SchedulerEvent } from '../schedule/scheduler.ts';
import { runScheduledAnalysis, type Exporter } from '../schedule/job.ts';
import { exporterFromConfig } from '../schedule/exporter.ts';
import { UsageError } from '../errors.ts';
import { exitOnSignals } from './interrupt.ts';

function stamp(): string {
  return new Date().toISOString();
}

function describe(e: SchedulerEvent): string {
  switch (e.type) {
    case 'start':
      return `${e.job}: run started (${e.reason})`;
    case 'finish':
      return `${e.job}: run ${e.ok ? 'finished' : `failed: ${e.error}`} in ${(e.ms / 1000).toFixed(1)}s`;
    case 'skip':
      return `${e.job}: tick skipped: ${e.reason}`;
    case 'next':
      return `${e.job}: next run ${e.at ? e.at.toISOString() : 'never'}`;
  }
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('Run the schedules from halo.config.json until stopped (SIGTERM/SIGINT finish or abort the current runs cleanly)')
    .option('--config <file>', 'config file', 'halo.config.json')
    .option('--only <names>', 'comma-separated schedule names to run (default: all)')
    .option('--once <name>', 'run one schedule now, then exit (for crontab, systemd timers and CI)')
    .option('--list', 'print the schedules and their next run times, then exit')
    .option('--grace <seconds>', 'on SIGTERM, how long to let current runs finish before aborting them', '60')
    .addHelpText(
      'after',
      `
Each schedule in the config has a name, a cron expression (5 fields, or 6 with seconds;
read in UTC unless the schedule sets "timezone"), and optionally its own inputs, window, prompt, budgets,
sinceLastRun, offline and export targets. A tick that arrives while the previous run of
the same schedule is still going is skipped, not queued. With "catchUp": true a schedule
whose last run is older than its last scheduled time runs once at start. Runs are recorded
in the state directory under the schedule's name, so each schedule has its own history.

Examples:
  $ halo schedule                               # all schedules in ./halo.config.json
  $ halo schedule --only reliability --config /etc/halo/halo.config.json
  $ halo schedule --once cost                   # one run now (from crontab or a CronJob)
  $ halo schedule --list

Each schedule holds its own lock while it runs (<state>/locks/<name>.lock): a tick that
finds it held by another run is skipped with a notice and tried again at the next tick.

Exit codes: 0 stopped cleanly or --once succeeded, 1 --once run failed, 2 bad config or usage,
or --once found the schedule locked by another run`,
    )
    .action(async (opts: { config: string; only?: string; once?: string; list?: boolean; grace: string }) => {
      const { config, warnings } = loadConfig(opts.config);
      for (const w of warnings) process.stderr.write(`halo schedule: warning: ${w}\n`);
      const all = config.schedules ?? [];
      const only = opts.only ? new Set(opts.only.split(',').map((s) => s.trim())) : null;
      const chosen = all.filter((s) => !only || only.has(s.name));
      for (const name of [...(only ?? []), ...(opts.once ? [opts.once] : [])]) {
        if (!all.some((s) => s.name === name)) throw new UsageError(`no schedule named "${name}" in ${opts.config}`);
      }
      if (!chosen.length) throw new UsageError(`${opts.config} has no schedules`);
      const log = (line: string) => process.stderr.write(`${stamp()} ${line}\n`);
      const exporter: Exporter = await exporterFromConfig({ stateDir: config.state ?? '.halo', log });
      const history = new RunHistory(config.state ?? '.halo');
      const byName = new Map<string, ScheduleConfig>(chosen.map((s) => [s.name, s]));
      const run = (cfg: HaloConfig) => async (job: { name: string }, signal: AbortSignal) => {
        await runScheduledAnalysis({ config: cfg, schedule: byName.get(job.name)!, signal, exporter, log });
      };

      const scheduler = new Scheduler({
        jobs: chosen.map((s) => ({ name: s.name, cron: s.cron, ...(s.timezone ? { timezone: s.timezone } : {}), ...(s.catchUp ? { catchUp: true } : {}) })),
        run: run(config),
        lastRun: (job) => {
          const last = history.last(job.name);
          return last ? new Date(last.finishedAt) : null;
        },
        onEvent: (e) => {
          if (e.type === 'finish' && !e.ok) process.exitCode = opts.once ? 1 : process.exitCode;
          // Locked by another run is a usage condition, exit 2 as documented, not a failed run.
          if (e.type === 'skip' && e.locked && opts.once) process.exitCode = 2;
          if (!opts.list) log(describe(e));
        },
      });

      if (opts.list) {
        for (const s of chosen) {
          const { Cron } = await import('croner');
          const next = new Cron(s.cron, { paused: true, ...(s.timezone ? { timezone: s.timezone } : {}) }).nextRun();
          process.stdout.write(`${s.name.padEnd(20)} ${s.cron.padEnd(18)} next ${next?.toISOString() ?? 'never'}  window ${s.sinceLastRun ? 'since last run' : (s.window ?? config.window ?? 'all')}  export ${(s.export ?? []).join(',') || '-'}\n`);
        }
        return;
      }
      if (opts.once) {
        const keepSignals = exitOnSignals('schedule', `the run of ${opts.once} was stopped and not recorded; its reports were left as they were`);
        try {
          await scheduler.trigger(opts.once, 'manual');
        } finally {
          keepSignals();
        }
        return;
      }

      const graceMs = Math.max(0, Number(opts.grace) || 0) * 1000;
      let stopping: Promise<void> | null = null;
      const stop = (signal: string) => {
        if (stopping) return;
        log(`${signal}: stopping${scheduler.busy.length ? `; letting ${scheduler.busy.join(', ')} finish (up to ${graceMs / 1000}s)` : ''}`);
        stopping = scheduler.stop(graceMs).then(() => {
          log('stopped');
          process.exit(process.exitCode ?? 0);
        });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      scheduler.start();
      log(`scheduler started: ${chosen.map((s) => `${s.name} (${s.cron})`).join(', ')}`);
      // Croner's timers keep the process alive until stop().
    });
}
