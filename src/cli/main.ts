// The `halo` command. Each subcommand lives in its own module and registers
// itself on the program; this file only wires them together.
import { Command, CommanderError } from 'commander';
import { ENGINE_VERSION } from '../version.ts';
import { registerInspect } from './inspect.ts';
import { registerExec } from './exec.ts';
import { registerRepl } from './repl.ts';
import { registerAnalyze } from './analyze.ts';
import { registerReplay } from './replay.ts';
import { registerHistory } from './history.ts';
import { registerExport } from './export.ts';
import { registerSchedule } from './schedule.ts';
import { HaloError } from '../errors.ts';
import { registerEval } from './eval.ts';
import { registerMute } from './mute.ts';
import { registerStore } from './store.ts';
import { registerCollect } from './collect.ts';
import { registerPull } from './pull.ts';
import { registerCompare } from './compare.ts';
import { registerSignal } from './signal.ts';
import { registerDataset } from './dataset.ts';
import { exitOnParseError } from './exit.ts';

const program = new Command('halo')
  .description('Cross-run failure analysis of AI-agent traces.')
  .version(ENGINE_VERSION)
  .addHelpText(
    'after',
    `
Examples:
  $ halo inspect samples/week --window 7d --until latest
  $ halo analyze traces.jsonl --window 7d --out reports/
  $ halo exec -e 'print(traces.length)' traces.jsonl
  $ halo eval halo-report/findings.json --labels labels.jsonl --traces traces.jsonl

Exit codes:
  0  success
  1  findings at or above --fail-on severity (analyze), or a script error (exec)
  2  bad usage or unreadable input
  3  internal error`,
  );

registerInspect(program);
registerAnalyze(program);
registerExec(program);
registerRepl(program);
registerReplay(program);
registerHistory(program);
registerExport(program);
registerSchedule(program);
registerEval(program);
registerMute(program);
registerStore(program);
registerCollect(program);
registerPull(program);
registerCompare(program);
registerSignal(program);
registerDataset(program);

// A mistyped flag gets the error, commander's nearest known flag, and one line
// pointing at --help, not 150 lines of help that scroll the error away.
program.showHelpAfterError(`Run 'halo --help' for the commands.`).exitOverride(exitOnParseError);
for (const cmd of program.commands) cmd.showHelpAfterError(`Run 'halo ${cmd.name()} --help' for its options.`);

program.parseAsync(process.argv).catch((err: unknown) => {
  // commander's own errors (help shown, unknown option) carry their exit code.
  const code = HaloError.isInstance(err) || err instanceof CommanderError ? err.exitCode : 3;
  process.stderr.write(`halo: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(code);
});
