import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerSchedule(program: Command): void {
  program.command('schedule').description('(not yet available)').action(() => {
    process.stderr.write('halo schedule: not implemented yet\n');
    process.exit(2);
  });
}
