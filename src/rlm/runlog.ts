// The JSONL run log (`--log`): one line per event of a run, so a run can be
// replayed, audited and debugged afterwards. Writes are synchronous appends so
// a crash loses nothing already logged.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const RunLogEvent = z
  .object({
    /** ISO timestamp. */
    t: z.string(),
    ev: z.enum(['start', 'turn', 'reply', 'cell', 'subcall', 'child', 'submit', 'budget', 'retry', 'warning', 'audit', 'compact', 'diagnose', 'phase', 'signal', 'end']),
    /** Which loop in the tree: "root", "root.1", "root.1.2"... */
    loop: z.string(),
    depth: z.number().int(),
  })
  .catchall(z.unknown());
export type RunLogEvent = z.infer<typeof RunLogEvent>;

export interface RunLog {
  write(ev: Omit<RunLogEvent, 't'> & Record<string, unknown>): void;
}

export const nullRunLog: RunLog = { write() {} };

export function createRunLog(path: string | undefined, redact: (s: string) => string = (s) => s): RunLog {
  if (!path) return nullRunLog;
  mkdirSync(dirname(path), { recursive: true });
  return {
    write(ev) {
      // The log holds prompts and outputs, so it is redacted like everything else.
      const line = redact(JSON.stringify({ t: new Date().toISOString(), ...ev }));
      appendFileSync(path, line + '\n');
    },
  };
}
