// `halo history`: the runs recorded in the state directory, and one finding's
// trajectory across them.
import type { Command } from 'commander';
import { RunHistory, trajectory } from '../history/index.ts';

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('List recorded runs, or show one finding\'s prevalence across runs')
    .option('--state <dir>', 'state directory', '.halo')
    .option('--scope <name>', 'only runs of this schedule ("default" for runs by hand)')
    .option('--finding <fingerprint>', 'show this finding\'s trajectory (a fingerprint prefix is enough)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Examples:
  $ halo history                       # every run, newest last
  $ halo history --scope reliability   # runs of one schedule
  $ halo history --finding 3f9a1c      # one finding across runs

Exit codes: 0 ok, 2 no such finding or unreadable state`,
    )
    .action((opts: { state: string; scope?: string; finding?: string; json?: boolean }) => {
      const history = new RunHistory(opts.state);
      const { runs, corrupted } = history.scan(opts.scope);
      // Named on stderr whatever the output format: a run that vanished from the list would hide a lost record.
      for (const c of corrupted) process.stderr.write(`halo history: run ${c.id} is corrupted: ${c.path}: ${c.reason}\n`);
      if (opts.finding) {
        const points = trajectory(runs, opts.finding);
        if (!points.some((p) => p.present)) {
          process.stderr.write(`halo history: no finding with fingerprint ${opts.finding} in ${opts.state}\n`);
          process.exitCode = 2;
          return;
        }
        if (opts.json) return void process.stdout.write(JSON.stringify(points, null, 2) + '\n');
        const title = points.find((p) => p.title)?.title;
        process.stdout.write(`${title}\n\n`);
        const max = Math.max(...points.map((p) => p.share), 1e-9);
        for (const p of points) {
          const bar = p.present ? '█'.repeat(Math.max(1, Math.round((p.share / max) * 30))) : '·';
          process.stdout.write(`${p.at}  ${p.runId.padEnd(28)} ${p.present ? `${String(p.traces).padStart(6)} traces ${pct(p.share).padStart(6)}` : '   (absent)         '}  ${bar}\n`);
        }
        return;
      }
      if (opts.json) return void process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
      if (!runs.length && !corrupted.length) {
        process.stdout.write(`No runs recorded in ${opts.state} yet. \`halo analyze\` records each run there.\n`);
        return;
      }
      process.stdout.write(`${'finished'.padEnd(25)}${'run'.padEnd(30)}${'scope'.padEnd(14)}${'mode'.padEnd(9)}${'traces'.padStart(8)}${'findings'.padStart(10)}\n`);
      for (const r of runs) {
        process.stdout.write(
          `${r.finishedAt.padEnd(25)}${r.id.padEnd(30)}${r.scope.padEnd(14)}${(r.mode + (r.partial ? '*' : '')).padEnd(9)}${String(r.traces).padStart(8)}${String(r.findings.length).padStart(10)}\n`,
        );
      }
      for (const c of corrupted) process.stdout.write(`${'?'.padEnd(25)}${c.id.padEnd(30)}${'corrupted'.padEnd(14)}(run.json unreadable; see above)\n`);
      if (runs.some((r) => r.partial)) process.stdout.write('* partial: a budget ended the run early\n');
    });
}
