// Reads `--outcomes` files into the table the ingest joins (outcomes.ts).
// Host side: the table crosses into the sandbox as plain data.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { parseOutcomes, type OutcomeTable } from './outcomes.ts';

export function readOutcomeFiles(paths: string[]): OutcomeTable {
  const table: OutcomeTable = { files: [], entries: [] };
  for (const p of paths) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(`${p}: ${code === 'ENOENT' ? 'no such outcomes file' : `cannot read the outcomes file (${code ?? (err as Error).message})`}`);
    }
    try {
      table.entries.push(...parseOutcomes(text, p));
    } catch (err) {
      throw new InputError((err as Error).message);
    }
    table.files.push(p);
  }
  return table;
}
