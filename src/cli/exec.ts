import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerExec(program: Command): void {
  program.command('exec').description('(not yet available)').action(() => {
    process.stderr.write('halo exec: not implemented yet\n');
    process.exit(2);
  });
}
