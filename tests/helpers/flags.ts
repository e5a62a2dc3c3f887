// `halo analyze`'s flags parsed the way the command parses them (generated
// options, commander, then the definitions' checks), without running it.
import { Command } from 'commander';
import { addOptions, readFlags } from '../../src/cli/options.ts';
import { ANALYZE_OPTIONS } from '../../src/cli/analyze.ts';
import { ANALYZE_OPTION_ORDER, MODEL_OPTIONS, RUN_OPTIONS } from '../../src/config/options.ts';

export function analyzeFlags(argv: string[]) {
  const cmd = new Command('analyze').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  addOptions(cmd, ANALYZE_OPTIONS, ANALYZE_OPTION_ORDER);
  cmd.parse(argv, { from: 'user' });
  return { run: readFlags(cmd, RUN_OPTIONS), model: readFlags(cmd, MODEL_OPTIONS) };
}
