import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerInspect(program: Command): void {
  program.command('inspect').description('(not yet available)').action(() => {
    process.stderr.write('halo inspect: not implemented yet\n');
    process.exit(2);
  });
}
