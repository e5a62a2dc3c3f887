import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerHistory(program: Command): void {
  program.command('history').description('(not yet available)').action(() => {
    process.stderr.write('halo history: not implemented yet\n');
    process.exit(2);
  });
}
