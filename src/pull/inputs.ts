// What a run read, said in words for the report and the run history: files,
// what `halo collect` received, or a pull from a trace service. Pull and
// collect directories are recognised by where they live in the state
// directory, so a scheduled job that names them as inputs is described the
// same way as one that pulls.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface InputSource {
  kind: 'files' | 'collect' | 'pull';
  /** The path as given. */
  path: string;
  /** For a pull: the service. */
  source?: string;
}

/** Each input's kind: `<state>/collect` is the receiver's, `<state>/pull/<service>-<key>` a pull's. */
export function inputSources(files: string[], stateDir: string): InputSource[] {
  const state = resolve(stateDir);
  return files.map((f) => {
    if (f === '-') return { kind: 'files', path: f };
    const abs = resolve(f);
    if (abs === `${state}/collect` || (basename(abs) === 'collect' && existsSync(`${abs}/../store.duckdb`))) return { kind: 'collect', path: f };
    if (basename(dirname(abs)) === 'pull') {
      const m = /^(langfuse|langsmith|phoenix)-[0-9a-f]{10}$/.exec(basename(abs));
      if (m) return { kind: 'pull', path: f, source: m[1]! };
    }
    return { kind: 'files', path: f };
  });
}

/** One line: `files (3)`, `halo collect (.halo/collect)`, `pull from langfuse`. */
export function describeInputs(sources: InputSource[]): string {
  const parts: string[] = [];
  const files = sources.filter((s) => s.kind === 'files');
  for (const s of sources) {
    if (s.kind === 'collect') parts.push(`OTLP received by halo collect (${s.path})`);
    if (s.kind === 'pull') parts.push(`pulled from ${s.source} (${s.path})`);
  }
  if (files.length) parts.push(files.length === 1 ? `files (${files[0]!.path})` : `files (${files.length} inputs)`);
  return parts.join(' + ');
}

/** A pull directory with nothing in it yet (a first pull that found no records). */
export function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).every((n) => !n.endsWith('.jsonl'));
}
