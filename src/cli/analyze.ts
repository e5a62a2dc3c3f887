import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerAnalyze(program: Command): void {
  program.command('analyze').description('(not yet available)').action(() => {
    process.stderr.write('halo analyze: not implemented yet\n');
    process.exit(2);
  });
}
