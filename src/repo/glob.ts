// Glob patterns (gitignore lines and repo.grep's `glob`) compiled to RegExps.
// Pure and small: the repo reader must work without git or extra packages.

export interface GlobOptions {
  /** `{a,b}` alternatives (grep globs); gitignore has none. */
  braces?: boolean;
}

/** Source of a RegExp (no anchors) matching `glob` against a `/`-separated path. */
export function globSource(glob: string, opts: GlobOptions = {}): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[++i]!);
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const next = glob[i + 2];
        if (atStart && next === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else if (atStart && next === undefined) {
          out += '.*';
          i += 1;
        } else {
          out += '[^/]*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/\\/g, '\\\\').replace(/]/g, '\\]')}]`;
      i = end;
    } else if (opts.braces && c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (opts.braces && c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (opts.braces && c === ',' && braceDepth > 0) {
      out += '|';
    } else out += escapeChar(c);
  }
  if (braceDepth > 0) throw new Error(`unbalanced "{" in glob "${glob}"`);
  return out;
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/**
 * A matcher for repo.grep's `glob`: without a `/` it matches the file's base
 * name at any depth (`*.py`), with one it matches the whole repo-relative path.
 */
export function compileGlob(glob: string): (path: string) => boolean {
  const re = new RegExp(`^${globSource(glob.replace(/^\.?\//, ''), { braces: true })}$`);
  if (!glob.includes('/')) return (p) => re.test(p.slice(p.lastIndexOf('/') + 1));
  return (p) => re.test(p);
}
