import type { Command } from 'commander';

// Placeholder until the owning issue lands; replaced by the real command.
export function registerRepl(program: Command): void {
  program.command('repl').description('(not yet available)').action(() => {
    process.stderr.write('halo repl: not implemented yet\n');
    process.exit(2);
  });
}
