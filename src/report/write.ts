// Writing the report set (findings.json, report.md, report.html) as one unit:
// every file goes to a temporary directory first and the set is swapped in
// together, so a run killed mid-write never leaves findings.json from one run
// beside report.html from another. Also the up-front check that --out is
// usable, done by trying rather than inferring (pseudo file systems such as
// /proc answer existence and access checks in ways that make inference lie,
// and Node's recursive mkdir can spin forever on them).
import { chmodSync, closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface ReportFile {
  name: string;
  text: string;
}

const MAX_DEPTH = 64;

/** The nearest ancestor of `path` that exists (stat, never a recursive walk that can loop). */
function nearestExisting(path: string): { dir: string; missing: string[] } {
  const missing: string[] = [];
  let dir = path;
  for (let i = 0; i < MAX_DEPTH; i++) {
    try {
      statSync(dir);
      return { dir, missing };
    } catch {
      const up = dirname(dir);
      if (up === dir) break;
      missing.unshift(basename(dir));
      dir = up;
    }
  }
  return { dir, missing };
}

/**
 * Why reports cannot go to `outDir`, or null. Tries to make (and remove) a
 * directory where the reports would go, so the answer is what the file system
 * does, not what its permission bits suggest.
 */
export function outDirProblem(outDir: string): string | null {
  const { dir } = nearestExisting(outDir);
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    return `${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (!st.isDirectory()) return dir === outDir ? 'it is a file, not a directory' : `${dir} is a file, not a directory`;
  try {
    const probe = mkdtempSync(join(dir, '.halo-probe-'));
    rmdirSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `${dir} is not writable` : `cannot create files in ${dir} (${code ?? (err as Error).message})`;
  }
  return null;
}

/** mkdir -p one level at a time (no recursive mkdir: it can loop on pseudo file systems). */
export function makeDirs(path: string): void {
  const { dir, missing } = nearestExisting(path);
  let at = dir;
  for (const part of missing) {
    at = join(at, part);
    try {
      mkdirSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function writeDurable(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    /* not every platform can fsync a directory */
  }
}

/**
 * A fresh staging directory in `dir`. Not mkdtemp: that makes it 0700, and a
 * staging directory that is swapped in becomes the report folder, which a web
 * server or another user may need to read. mkdir applies the user's umask,
 * as any new folder gets; an existing report folder's mode is copied over it.
 */
function makeStaging(dir: string, prefix: string, keepModeOf: string): string {
  for (;;) {
    const path = join(dir, `${prefix}${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      chmodSync(path, statSync(keepModeOf).mode & 0o7777);
    } catch {
      /* no report folder yet: the umask's mode stands */
    }
    return path;
  }
}

/**
 * Writes `files` into `outDir` as one set and returns their paths. When
 * `outDir` holds nothing but an earlier report set, the directory itself is
 * swapped (two renames, no moment with a mixed set); when it holds other
 * files too (say `--out .`), each report is renamed into place with
 * findings.json last, so a findings.json is never newer than its reports.
 */
export function writeReportSet(outDir: string, files: ReportFile[], reportNames: readonly string[]): string[] {
  const parent = dirname(outDir);
  makeDirs(parent);
  let staging: string;
  let sibling = true;
  try {
    staging = makeStaging(parent, `.${basename(outDir)}.halo-new-`, outDir);
  } catch {
    // The parent is not ours to write (e.g. --out /srv/reports with /srv read-only): stage inside.
    makeDirs(outDir);
    staging = makeStaging(outDir, '.halo-new-', outDir);
    sibling = false;
  }
  try {
    for (const f of files) writeDurable(join(staging, f.name), f.text);
    fsyncDir(staging);
    let existing: string[] | null = null;
    try {
      existing = readdirSync(outDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const onlyReports = existing !== null && existing.every((n) => reportNames.includes(n) || n.startsWith('.halo-new-'));
    if (sibling && existing === null) {
      renameSync(staging, outDir);
    } else if (sibling && onlyReports) {
      const old = mkdtempSync(join(parent, `.${basename(outDir)}.halo-old-`));
      renameSync(outDir, join(old, 'set'));
      renameSync(staging, outDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      // findings.json is what tools read first: it goes last.
      const order = [...files].sort((a, b) => Number(a.name === 'findings.json') - Number(b.name === 'findings.json'));
      for (const f of order) renameSync(join(staging, f.name), join(outDir, f.name));
      rmSync(staging, { recursive: true, force: true });
    }
    fsyncDir(parent);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return files.map((f) => join(outDir, f.name));
}
