// Code locations as links: when the repository's git remote is on GitHub, a
// location becomes a blob URL pinned to the checked-out commit, with its
// line. Reads .git by hand (config, HEAD, refs) so it works without git.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** https://github.com/owner/name from the remote URL forms git accepts, else null. */
export function githubWebUrl(remote: string): string | null {
  const m =
    /^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com(?::\d+)?\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(remote.trim()) ??
    /^(?:[^@/]+@)?github\.com:([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(remote.trim());
  return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

function gitDirs(start: string): { work: string; gitDir: string; commonDir: string } | null {
  let dir = start;
  for (;;) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      let gitDir = dotGit;
      if (statSync(dotGit).isFile()) {
        // Worktrees and submodules: ".git" is a file naming the real git dir.
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
        if (!m) return null;
        gitDir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : join(dir, m[1]!.trim());
      }
      let commonDir = gitDir;
      const common = join(gitDir, 'commondir');
      if (existsSync(common)) {
        const c = readFileSync(common, 'utf8').trim();
        commonDir = isAbsolute(c) ? c : join(gitDir, c);
      }
      return { work: dir, gitDir, commonDir };
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function headCommit(gitDir: string, commonDir: string): string | null {
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return null;
  for (const d of [gitDir, commonDir]) {
    const f = join(d, ref);
    if (existsSync(f)) return readFileSync(f, 'utf8').trim();
  }
  const packed = join(commonDir, 'packed-refs');
  if (existsSync(packed)) {
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha && /^[0-9a-f]{40}$/.test(sha)) return sha;
    }
  }
  return null;
}

function originUrl(config: string): string | null {
  let section = '';
  let first: string | null = null;
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    const s = /^\[\s*remote\s+"([^"]+)"\s*\]$/.exec(line);
    if (s) section = s[1]!;
    else if (line.startsWith('[')) section = '';
    const u = /^url\s*=\s*(.+)$/.exec(line);
    if (u && section) {
      if (section === 'origin') return u[1]!.trim();
      first ??= u[1]!.trim();
    }
  }
  return first;
}

export interface RepoLinker {
  /** The web URL of `path` (repo-relative) at `line`. */
  url(path: string, line?: number): string;
}

/** A linker when `root` sits in a git checkout whose remote is on GitHub; else null. */
export function githubLinker(root: string): RepoLinker | null {
  try {
    const git = gitDirs(root);
    if (!git) return null;
    const cfg = join(git.commonDir, 'config');
    if (!existsSync(cfg)) return null;
    const remote = originUrl(readFileSync(cfg, 'utf8'));
    const web = remote ? githubWebUrl(remote) : null;
    if (!web) return null;
    const rev = headCommit(git.gitDir, git.commonDir) ?? 'HEAD';
    const prefix = relative(git.work, root).split(sep).filter(Boolean);
    return {
      url: (path, line) =>
        `${web}/blob/${rev}/${[...prefix, ...path.split('/')].map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`,
    };
  } catch {
    return null;
  }
}
