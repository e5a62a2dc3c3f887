// .gitignore rules, applied while walking the repository: each directory's
// file adds rules relative to that directory, later rules override earlier
// ones, `!` re-includes, a trailing `/` matches directories only. A directory
// that is ignored is not walked, so nothing inside it can be re-included
// (git behaves the same way).
import { globSource } from './glob.ts';

interface Rule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
  /** Directory (repo-relative, '' for the root) the .gitignore sits in. */
  base: string;
}

export class IgnoreRules {
  private constructor(private readonly rules: Rule[]) {}

  static empty(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** Rules of `base`'s .gitignore added after the inherited ones. */
  with(base: string, text: string): IgnoreRules {
    const added = parseGitignore(text, base);
    return added.length ? new IgnoreRules([...this.rules, ...added]) : this;
  }

  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.base && !path.startsWith(r.base + '/')) continue;
      const rel = r.base ? path.slice(r.base.length + 1) : path;
      if (r.re.test(rel)) ignored = !r.negate;
    }
    return ignored;
  }
}

export function parseGitignore(text: string, base = ''): Rule[] {
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    // Trailing spaces are ignored unless escaped.
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    if (!line) continue;
    // A slash anywhere but the end anchors the pattern to its directory.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    let source: string;
    try {
      source = globSource(line);
    } catch {
      continue;
    }
    const re = new RegExp(anchored ? `^${source}(?:/.*)?$` : `(?:^|/)${source}$`);
    rules.push({ re, negate, dirOnly, base });
  }
  return rules;
}
