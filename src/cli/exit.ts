// commander reports its own parse errors (an unknown option, a missing
// argument) as CommanderErrors: those are usage errors. Shown help and the
// version are not errors at all.
import type { CommanderError } from 'commander';

const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

export function exitOnParseError(err: CommanderError): never {
  // Help shown because no command was given is bad usage (commander marks it with exit code 1).
  process.exit(NOT_ERRORS.has(err.code) && err.exitCode === 0 ? 0 : 2);
}
