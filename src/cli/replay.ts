import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerReplay(program: Command): void {
  program.command('replay').description('(not yet available)').action(() => {
    process.stderr.write('halo replay: not implemented yet\n');
    process.exit(2);
  });
}
