// Shared by the benchmarks: options, the generated ≥ 1 GB week, the raw
// limit every ratio is measured against (one definition, so ingest and
// sandbox compare against the same thing), and writing one section of
// bench/RESULTS.md without touching the others.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const argv = process.argv.slice(2);
export const GB = 1e9;
export const MB = 1e6;

/** The value after `--name`, or `dflt`. */
export function arg(name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function jsonlFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.jsonl$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The JSONL files of the benchmark week (`--data DIR`, default bench/data/week),
 * generating a ≥ 1 GB OTLP week first when the default directory holds less,
 * and building dist/ when it is missing.
 */
export function benchWeek(label) {
  const dataDir = arg('--data', join(root, 'bench/data/week'));
  let files = jsonlFiles(dataDir);
  let bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  if (bytes < GB && !argv.includes('--data')) {
    console.error(`bench ${label}: generating a ≥ 1 GB OTLP week in ${dataDir} …`);
    const gen = spawnSync(process.execPath, [join(root, 'samples/generate.mjs'), '--out', dataDir, '--format', 'otlp', '--scale-bytes', '1g', '--quiet'], { stdio: 'inherit' });
    if (gen.status !== 0) process.exit(gen.status ?? 1);
    files = jsonlFiles(dataDir);
    bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  }
  if (!existsSync(join(root, 'dist/index.js'))) {
    const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
  return { dataDir, files, bytes };
}

/**
 * The raw limit: read + indexOf line split + JSON.parse per line, nothing
 * kept. Big reads amortize carrying the partial last line into the next chunk,
 * so this is as fast as a plain JSONL loop gets.
 */
export async function rawPass(files) {
  let lines = 0;
  for (const file of files) {
    let rest = '';
    for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 })) {
      const text = rest + chunk.toString('utf8');
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        if (nl > start) {
          JSON.parse(text.slice(start, nl));
          lines++;
        }
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = text.slice(start);
    }
    if (rest.trim()) {
      JSON.parse(rest);
      lines++;
    }
  }
  return lines;
}

/** Reads every file once so no measured pass pays for the disk. */
export async function warmPageCache(files) {
  for (const file of files) for await (const _ of createReadStream(file, { highWaterMark: 8 << 20 }));
}

/** Replaces (or appends) the `## title` section of bench/RESULTS.md, leaving the others alone. */
export function writeResultsSection(title, section) {
  const resultsPath = join(root, 'bench/RESULTS.md');
  const current = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmarks\n';
  const re = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?(?=\\n## |$)`);
  const body = section.trimEnd() + '\n';
  writeFileSync(resultsPath, re.test(current) ? current.replace(re, () => body) : `${current.trimEnd()}\n\n${body}`);
  return resultsPath;
}

/**
 * Times `fn` in wall seconds and in CPU seconds of this process (user +
 * system, all threads): on a shared machine CPU time is what stays comparable
 * between two passes when other processes come and go.
 */
export async function time(fn) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, secs: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

/** A `## title` section: an intro paragraph and a two-column measure/value table. */
export function tableSection(title, intro, rows) {
  return [`## ${title}`, '', intro, '', '| measure | value |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`), ''].join('\n');
}

/** A process's peak resident set (VmHWM) in kB, or null once it has exited. */
export function hwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The direct children of a process (the sandbox child of an analyze). */
export function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {}
  }
  return out;
}
