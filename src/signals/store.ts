// Signal labels per run, kept in the state directory beside the run history:
// <state>/signals/<name>.json. A label belongs to the definition it was made
// under (question + labels): changing the question starts over rather than
// mixing answers to two questions. Writes are atomic and made under the
// store lock, so two runs labelling at once lose nothing of each other's.
import { readJsonFile } from '../json-lines.ts';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../history/atomic.ts';
import { acquireLock } from '../history/lock.ts';

export const StoredLabel = z.object({
  run: z.string(),
  /** The definition hash it was judged under (src/signals/spec.ts). */
  def: z.string(),
  label: z.string(),
  reason: z.string(),
  model: z.string(),
  at: z.string(),
});
export type StoredLabel = z.infer<typeof StoredLabel>;

/** A definition labels were made under, so a later run (analyze --outcome-signal) can use them without the config. */
export const StoredDefinition = z.object({ def: z.string(), question: z.string(), labels: z.array(z.string()), fail: z.array(z.string()), at: z.string() });
export type StoredDefinition = z.infer<typeof StoredDefinition>;

const LabelsFile = z.object({ schemaVersion: z.literal(1), name: z.string(), definitions: z.array(StoredDefinition).default([]), labels: z.array(StoredLabel) });
type LabelsFile = z.infer<typeof LabelsFile>;

/** How long a run waits for another run writing the same state directory. */
const LOCK_WAIT_MS = 30_000;

export class SignalStore {
  readonly path: string;
  constructor(
    readonly stateDir: string,
    readonly name: string,
  ) {
    this.path = join(stateDir, 'signals', `${name}.json`);
  }

  /** Every stored label, any definition. */
  all(): StoredLabel[] {
    return this.read().labels;
  }

  /** The definitions labels were stored under, newest last. */
  definitions(): StoredDefinition[] {
    return this.read().definitions;
  }

  /** A damaged file is the user's to fix: it is never overwritten silently. */
  private read(): LabelsFile {
    return (
      readJsonFile(this.path, LabelsFile, 'a signal labels file', { remedy: 'fix it or delete it to label again', code: 'signal.store' }) ?? { schemaVersion: 1, name: this.name, definitions: [], labels: [] }
    );
  }

  /** Labels of one definition, by run id. */
  labels(def: string): Map<string, StoredLabel> {
    return new Map(this.all().filter((l) => l.def === def).map((l) => [l.run, l]));
  }

  /** Adds (or replaces, per run and definition) labels; re-reads under the lock so concurrent runs merge. */
  add(definition: StoredDefinition, labels: StoredLabel[]): void {
    if (!labels.length) return;
    const lock = acquireLock(this.stateDir, { waitMs: LOCK_WAIT_MS });
    try {
      const file = this.read();
      const key = (l: StoredLabel) => `${l.def}\u0000${l.run}`;
      const merged = new Map(file.labels.map((l) => [key(l), l]));
      for (const l of labels) merged.set(key(l), StoredLabel.parse(l));
      const definitions = [...file.definitions.filter((d) => d.def !== definition.def), StoredDefinition.parse(definition)];
      writeFileAtomic(this.path, JSON.stringify({ schemaVersion: 1, name: this.name, definitions, labels: [...merged.values()] }, null, 1) + '\n');
    } finally {
      lock.release();
    }
  }
}
