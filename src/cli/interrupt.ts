// SIGINT and SIGTERM end a command cleanly: one line saying so, then exit
// with the shell's code for the signal (130, 143). Exiting runs the 'exit'
// hooks that kill sandbox children (src/sandbox/supervisor.ts) and release
// held locks (src/history/lock.ts). Reports are only ever swapped in whole,
// so the ones on disk stay as they were.

const CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Until the returned function is called, SIGINT/SIGTERM print
 * `halo <command>: interrupted (SIGTERM); <what>` and exit.
 */
export function exitOnSignals(command: string, what: string, signals: ReadonlyArray<keyof typeof CODES> = ['SIGINT', 'SIGTERM']): () => void {
  const handlers = signals.map((signal) => {
    const handler = () => {
      process.stderr.write(`\nhalo ${command}: interrupted (${signal}); ${what}\n`);
      process.exit(CODES[signal]);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
