import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerExport(program: Command): void {
  program.command('export').description('(not yet available)').action(() => {
    process.stderr.write('halo export: not implemented yet\n');
    process.exit(2);
  });
}
