// What a run read, said in words for the report and the run history: files,
// what `halo collect` received, or a pull from a trace service. Pull and
// collect directories are recognised by where they live in the state
// directory, so a scheduled job that names them as inputs is described the
// same way as one that pulls.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseDuration } from '../ingest/window.ts';
import { runPull } from './pull.ts';
import type { SourceConfig, SourceEnv } from './sources.ts';

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

/**
 * A run's pull (`--source`, or a schedule's "source"): what is new is pulled,
 * and the pull directory (every pull so far; the window picks the runs) is
 * returned as an input, or nothing while no pull has found a record. A first
 * pull reaches back as far as the window.
 */
export async function pullForRun(
  cfg: SourceConfig,
  opts: { stateDir: string; window?: string; since?: string; log: (line: string) => void; env?: SourceEnv; signal?: AbortSignal },
): Promise<string[]> {
  const reach = opts.window ? parseDuration(opts.window, 'window') : opts.since && !Number.isNaN(Date.parse(opts.since)) ? Date.now() - Date.parse(opts.since) : 7 * 86_400_000;
  const r = await runPull(cfg, { stateDir: opts.stateDir, sinceMs: reach, ...(opts.env ? { env: opts.env } : {}), http: { log: opts.log, ...(opts.signal ? { signal: opts.signal } : {}) } });
  opts.log(`pulled ${r.records} new record${r.records === 1 ? '' : 's'} from ${cfg.source} (${r.pages} page${r.pages === 1 ? '' : 's'}, ${r.from} to ${r.to})`);
  return isEmptyDir(r.dir) ? [] : [r.dir];
}

/** Inputs as the run history's profile names them: files by path, pulls and received traces by what they are. */
export function historyInputs(sources: InputSource[]): string[] {
  return sources.map((s) => (s.path === '-' ? s.path : s.kind === 'files' ? resolve(s.path) : `${s.kind === 'pull' ? `pull from ${s.source}` : 'halo collect'}: ${resolve(s.path)}`));
}
