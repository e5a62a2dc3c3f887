// A strict unified-diff checker: parses a patch and applies it in memory to
// the repository as it is. Context and removed lines must match exactly
// (no fuzz); a hunk may sit at another line than its header says (as with
// `git apply`), but hunks must apply in order without overlapping. Pure
// string work over text the caller provides, so it runs without git.

export interface PatchLine {
  op: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: PatchLine[];
  /** 1-based line of the `@@` header within the patch text. */
  at: number;
}

export interface FilePatch {
  /** Repo-relative path before the change (null: file created). */
  oldPath: string | null;
  /** Repo-relative path after the change (null: file deleted). */
  newPath: string | null;
  hunks: Hunk[];
}

export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function headerPath(line: string, marker: string): string | null {
  let p = line.slice(marker.length).replace(/\t.*$/, '').trim();
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = p.slice(1, -1);
  if (p === '/dev/null') return null;
  // git's a/ and b/ prefixes name the two sides, not directories.
  if (/^[ab]\//.test(p)) p = p.slice(2);
  if (p === '') throw new PatchError(`${marker.trim()} line names no file`);
  return p;
}

/** Parses a unified diff; throws PatchError naming the patch line that is malformed. */
export function parsePatch(text: string): FilePatch[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const files: FilePatch[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.startsWith('--- ')) {
      if (HUNK.test(line)) throw new PatchError(`line ${i + 1}: hunk without a "---"/"+++" file header`);
      i++; // `diff --git`, `index`, mode lines and prose before a file header
      continue;
    }
    const next = lines[i + 1];
    if (next === undefined || !next.startsWith('+++ ')) throw new PatchError(`line ${i + 2}: expected "+++ " after "--- "`);
    const file: FilePatch = { oldPath: headerPath(line, '--- '), newPath: headerPath(next, '+++ '), hunks: [] };
    if (file.oldPath === null && file.newPath === null) throw new PatchError(`line ${i + 1}: both sides are /dev/null`);
    i += 2;
    while (i < lines.length && HUNK.test(lines[i]!)) {
      const m = HUNK.exec(lines[i]!)!;
      const hunk: Hunk = {
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        lines: [],
        at: i + 1,
      };
      i++;
      let oldSeen = 0;
      let newSeen = 0;
      while (oldSeen < hunk.oldLines || newSeen < hunk.newLines) {
        const l = lines[i];
        if (l === undefined) throw new PatchError(`line ${hunk.at}: hunk ends early (expected ${hunk.oldLines} old and ${hunk.newLines} new lines)`);
        // Some editors strip the single space of an empty context line.
        const op = l === '' ? ' ' : l[0];
        if (op === '\\') {
          i++;
          continue;
        }
        if (op !== ' ' && op !== '-' && op !== '+') throw new PatchError(`line ${i + 1}: expected a context, "-" or "+" line inside the hunk`);
        hunk.lines.push({ op, text: l.slice(1) });
        if (op !== '+') oldSeen++;
        if (op !== '-') newSeen++;
        if (oldSeen > hunk.oldLines || newSeen > hunk.newLines) throw new PatchError(`line ${hunk.at}: hunk has more lines than its header counts`);
        i++;
      }
      while (lines[i]?.startsWith('\\')) i++;
      if (!hunk.lines.some((l) => l.op !== ' ')) throw new PatchError(`line ${hunk.at}: hunk changes nothing`);
      file.hunks.push(hunk);
    }
    if (file.hunks.length === 0) throw new PatchError(`line ${i}: file header without hunks`);
    files.push(file);
  }
  if (files.length === 0) throw new PatchError('not a unified diff: no "---"/"+++" file header');
  return files;
}

function linesOf(text: string): string[] {
  const l = text.replace(/\r\n/g, '\n').split('\n');
  if (l.length && l[l.length - 1] === '') l.pop();
  return l;
}

function matchesAt(file: string[], at: number, want: string[]): boolean {
  if (at < 0 || at + want.length > file.length) return false;
  for (let k = 0; k < want.length; k++) if (file[at + k] !== want[k]) return false;
  return true;
}

/** Applies one file's hunks to its current text; returns the new text or throws PatchError. */
export function applyHunks(path: string, current: string, hunks: Hunk[]): string {
  const file = linesOf(current);
  const out: string[] = [];
  let cursor = 0; // first line of `file` not yet copied
  for (const [n, h] of hunks.entries()) {
    const want = h.lines.filter((l) => l.op !== '+').map((l) => l.text);
    // oldLines 0 means "insert after line oldStart".
    const stated = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    let at = -1;
    if (want.length === 0) at = Math.max(stated, cursor);
    else {
      for (let d = 0; d <= file.length; d++) {
        if (stated - d >= cursor && matchesAt(file, stated - d, want)) {
          at = stated - d;
          break;
        }
        if (matchesAt(file, stated + d, want) && stated + d >= cursor) {
          at = stated + d;
          break;
        }
        if (stated - d < cursor && stated + d > file.length) break;
      }
    }
    if (at < 0 || at > file.length) {
      throw new PatchError(`${path}: hunk ${n + 1} (patch line ${h.at}) does not apply: its context and removed lines are not in the file${hunks.length > 1 ? ' after the previous hunk' : ''} as written`);
    }
    out.push(...file.slice(cursor, at));
    for (const l of h.lines) if (l.op !== '-') out.push(l.text);
    cursor = at + want.length;
  }
  out.push(...file.slice(cursor));
  return out.length ? out.join('\n') + '\n' : '';
}

export interface PatchTarget {
  /** Current text of a repo file, null when it does not exist; throws (PatchError or other) for a path that may not be touched. */
  read(path: string): string | null;
}

export type PatchCheck = { ok: true; files: string[] } | { ok: false; reason: string };

/** Whether `patch` applies cleanly to the files `target` reads. Never writes. */
export function checkPatch(patch: string, target: PatchTarget): PatchCheck {
  let parsed: FilePatch[];
  try {
    parsed = parsePatch(patch);
  } catch (err) {
    return { ok: false, reason: `patch is malformed: ${(err as Error).message}` };
  }
  const state = new Map<string, string | null>();
  const current = (p: string) => (state.has(p) ? state.get(p)! : target.read(p));
  const touched: string[] = [];
  try {
    for (const f of parsed) {
      if (f.oldPath !== null && f.newPath !== null && f.oldPath !== f.newPath) {
        throw new PatchError(`${f.oldPath} → ${f.newPath}: renames are not supported`);
      }
      const path = (f.newPath ?? f.oldPath)!;
      const before = f.oldPath === null ? null : current(path);
      if (f.oldPath === null && current(path) !== null) throw new PatchError(`${path}: the patch creates it, but it already exists`);
      if (f.oldPath !== null && before === null) throw new PatchError(`${path}: no such file in the repository`);
      const after = applyHunks(path, before ?? '', f.hunks);
      if (f.newPath === null && after !== '') throw new PatchError(`${path}: the patch deletes it, but the file has lines the patch does not remove`);
      state.set(path, f.newPath === null ? null : after);
      touched.push(path);
    }
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  return { ok: true, files: [...new Set(touched)] };
}
