// Read-only access to the agent's source repository (`--repo`): the file
// listing (honouring .gitignore, without secret files), path checks, reads
// and grep, all bounded. Every path that comes in is untrusted (model
// output): it must name a listed file inside the repository, after symlinks
// are resolved. Nothing here ever writes.
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { IgnoreRules } from './gitignore.ts';
import { isSecretPath } from './secrets.ts';
import { compileGlob } from './glob.ts';
import { InputError } from '../errors.ts';

export const REPO_LIMITS = {
  /** Files listed at most (the walk stops there and says so). */
  maxFiles: 20_000,
  /** Larger files are listed but not read or searched. */
  maxFileBytes: 1024 * 1024,
  maxDepth: 40,
  /** Lines one read() returns at most. */
  maxReadLines: 400,
  maxReadChars: 40_000,
  maxGrepMatches: 200,
  /** Characters of a matched line returned by grep. */
  maxLineChars: 300,
  /** File text kept in memory between calls; past it files are read again each time. */
  maxCachedBytes: 64 * 1024 * 1024,
};

/** A path or repository that cannot be used (code `repo.<reason>`). */
export class RepoError extends InputError {
  constructor(message: string, readonly reason: RepoPathProblem = 'invalid') {
    super(message, { code: `repo.${reason}` });
    this.name = 'RepoError';
  }
}

export type RepoPathProblem = 'outside' | 'secret' | 'not-listed' | 'invalid';

export type PathCheck = { ok: true; path: string; abs: string } | { ok: false; problem: RepoPathProblem; message: string };

export interface GrepMatch {
  path: string;
  line: number;
  text: string;
}

export interface ReadResult {
  path: string;
  from: number;
  to: number;
  totalLines: number;
  text: string;
  truncated: boolean;
}

/** Splits a repo-relative path into segments, or says why it cannot be one. */
export function pathSegments(path: unknown): { ok: true; segments: string[] } | { ok: false; problem: RepoPathProblem; message: string } {
  if (typeof path !== 'string' || path.trim() === '') return { ok: false, problem: 'invalid', message: 'path must be a non-empty string' };
  if (path.includes('\0')) return { ok: false, problem: 'invalid', message: 'path contains a NUL byte' };
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path) || path.startsWith('~')) {
    return { ok: false, problem: 'outside', message: `${path}: absolute paths are outside the repository; use a path relative to its root` };
  }
  const segments = path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, problem: 'outside', message: `${path}: ".." leads outside the repository` };
  if (segments.length === 0) return { ok: false, problem: 'invalid', message: `${path}: names the repository root, not a file` };
  return { ok: true, segments };
}

function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

export class Repo {
  private listing: { files: string[]; set: Set<string>; truncated: boolean } | null = null;
  private texts = new Map<string, string | null>();
  private cachedBytes = 0;

  private constructor(
    /** Real path of the root (symlinks resolved). */
    readonly root: string,
  ) {}

  /** Opens a repository directory; throws RepoError when it is not one. */
  static open(dir: string): Repo {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      throw new RepoError(`--repo ${dir}: no such directory`);
    }
    if (!statSync(real).isDirectory()) throw new RepoError(`--repo ${dir}: not a directory`);
    return new Repo(real);
  }

  private inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }

  /** Repo-relative paths of every readable file, sorted; .gitignore'd, secret and out-of-repo files are absent. */
  files(): string[] {
    return this.list().files;
  }

  /** Whether the listing stopped at REPO_LIMITS.maxFiles. */
  get truncated(): boolean {
    return this.list().truncated;
  }

  private list() {
    if (this.listing) return this.listing;
    const files: string[] = [];
    let truncated = false;
    const walk = (dir: string, rel: string, rules: IgnoreRules, depth: number) => {
      if (depth > REPO_LIMITS.maxDepth || truncated) return;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const gi = entries.find((e) => e.name === '.gitignore' && e.isFile());
      if (gi) {
        try {
          rules = rules.with(rel, readFileSync(join(dir, '.gitignore'), 'utf8'));
        } catch {
          // unreadable .gitignore: its rules are unknown, the walk goes on
        }
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (truncated) return;
        const path = rel ? `${rel}/${e.name}` : e.name;
        const abs = join(dir, e.name);
        if (e.name === '.git') continue;
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          // Followed only when it stays inside the repository; directories
          // behind links are not walked (no cycles, no second copies).
          let real: string;
          try {
            real = realpathSync(abs);
          } catch {
            continue;
          }
          if (!this.inside(real)) continue;
          const st = statSync(real);
          if (st.isDirectory()) continue;
          isDir = false;
          isFile = st.isFile();
        }
        if (rules.ignores(path, isDir)) continue;
        if (isDir) walk(abs, path, rules, depth + 1);
        else if (isFile && !isSecretPath(path)) {
          if (files.length >= REPO_LIMITS.maxFiles) {
            truncated = true;
            return;
          }
          files.push(path);
        }
      }
    };
    walk(this.root, '', IgnoreRules.empty(), 0);
    this.listing = { files, set: new Set(files), truncated };
    return this.listing;
  }

  /**
   * Checks an untrusted repo-relative path: inside the repository (no `..`,
   * not absolute, no symlink out), not a secret, and a listed file.
   */
  check(path: unknown): PathCheck {
    const seg = pathSegments(path);
    if (!seg.ok) return seg;
    const rel = seg.segments.join('/');
    const abs = join(this.root, ...seg.segments);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return { ok: false, problem: 'not-listed', message: `${rel}: no such file in the repository` };
    }
    if (!this.inside(real)) return { ok: false, problem: 'outside', message: `${rel}: resolves (through a symbolic link) to a place outside the repository` };
    if (isSecretPath(rel)) return { ok: false, problem: 'secret', message: `${rel}: secret files are not readable` };
    if (!this.list().set.has(rel)) return { ok: false, problem: 'not-listed', message: `${rel}: not a file of the repository (missing, ignored by .gitignore, or a directory)` };
    return { ok: true, path: rel, abs: real };
  }

  /**
   * The raw text of a listed file, or null when it is too large or binary.
   * Throws RepoError for a path that fails check().
   */
  text(path: unknown): string | null {
    const c = this.check(path);
    if (!c.ok) throw new RepoError(c.message, c.problem);
    if (this.texts.has(c.path)) return this.texts.get(c.path)!;
    let text: string | null = null;
    const st = statSync(c.abs);
    if (st.size <= REPO_LIMITS.maxFileBytes) {
      const buf = readFileSync(c.abs);
      text = isBinary(buf) ? null : buf.toString('utf8');
    }
    if (this.cachedBytes + st.size <= REPO_LIMITS.maxCachedBytes) {
      this.texts.set(c.path, text);
      this.cachedBytes += text === null ? 0 : st.size;
    }
    return text;
  }

  /** Lines `from`..`to` (1-based, inclusive) of a file, bounded, through `redact`. */
  read(path: unknown, opts: { from?: unknown; to?: unknown } = {}, redact: (s: string) => string = (s) => s): ReadResult {
    const text = this.text(path);
    const rel = this.check(path) as Extract<PathCheck, { ok: true }>;
    if (text === null) throw new RepoError(`${rel.path}: binary or larger than ${REPO_LIMITS.maxFileBytes} bytes; not readable`);
    const lines = splitLines(text);
    const from = clampInt(opts.from, 1, 1, Math.max(1, lines.length));
    const wantTo = clampInt(opts.to, from + REPO_LIMITS.maxReadLines - 1, from, lines.length);
    let to = Math.min(wantTo, from + REPO_LIMITS.maxReadLines - 1, lines.length);
    let out = lines.slice(from - 1, to).join('\n');
    let truncated = to < wantTo;
    if (out.length > REPO_LIMITS.maxReadChars) {
      const kept = out.slice(0, REPO_LIMITS.maxReadChars).split('\n');
      kept.pop();
      to = from + kept.length - 1;
      out = kept.join('\n');
      truncated = true;
    }
    return { path: rel.path, from, to: Math.max(from - 1, to), totalLines: lines.length, text: redact(out), truncated };
  }

  /**
   * Lines matching `pattern` (a RegExp, or a string searched literally), in
   * listed text files matching `glob`. Matched text goes through `redact`.
   */
  grep(
    pattern: RegExp | string,
    opts: { glob?: string; maxMatches?: number } = {},
    redact: (s: string) => string = (s) => s,
  ): { matches: GrepMatch[]; truncated: boolean } {
    const test = typeof pattern === 'string' ? (l: string) => l.includes(pattern) : (l: string) => {
      pattern.lastIndex = 0;
      return pattern.test(l);
    };
    const inGlob = opts.glob ? compileGlob(opts.glob) : () => true;
    const max = Math.min(opts.maxMatches ?? REPO_LIMITS.maxGrepMatches, REPO_LIMITS.maxGrepMatches);
    const matches: GrepMatch[] = [];
    for (const path of this.files()) {
      if (!inGlob(path)) continue;
      const text = this.text(path);
      if (text === null) continue;
      const lines = splitLines(text);
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.length > 4 * REPO_LIMITS.maxLineChars ? lines[i]!.slice(0, 4 * REPO_LIMITS.maxLineChars) : lines[i]!;
        if (!test(line)) continue;
        if (matches.length >= max) return { matches, truncated: true };
        matches.push({ path, line: i + 1, text: redact(line.slice(0, REPO_LIMITS.maxLineChars)) });
      }
    }
    return { matches, truncated: false };
  }
}

/** Lines of a text file, without their terminators (a final newline adds no empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function clampInt(v: unknown, dflt: number, min: number, max: number): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : dflt;
  return Math.max(min, Math.min(max, n));
}
