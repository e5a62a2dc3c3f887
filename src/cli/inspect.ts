// `halo inspect`: the dataset overview a user reads before spending money on
// a model. Text for people, `--json` for scripts (the DatasetOverview schema).
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { loadTraces, resolveInputs, type ReadProgress } from '../ingest/reader.ts';
import { buildOverview, type DatasetOverview } from '../ingest/overview.ts';
import { formatBadRecord, printable } from '../ingest/ingestor.ts';
import type { WindowSpec } from '../ingest/api.ts';
import { collectField, fieldsOption } from './field-option.ts';
import { readOutcomeFiles } from '../ingest/outcomes-file.ts';
import { exitOnParseError } from './exit.ts';

export interface InspectOptions {
  window?: string;
  since?: string;
  until?: string;
  json?: boolean;
  strict?: boolean;
  field?: string[];
  outcomes?: string[];
}

/** Rows shown per table in text output; --json has up to 50. */
const TEXT_ROWS = 15;

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Summarize trace files: formats, traces, agents, models, tools, errors, cost, outcomes.')
    .argument('<files...>', 'trace files, globs or directories (.jsonl, .ndjson, .json, .gz); - for stdin')
    .option('--window <duration>', 'only traces that start in this window, e.g. 7d, 24h, 90m (ends now, or at --until)')
    .option('--since <time>', 'only traces starting at/after this ISO time or relative duration (3d = 3 days ago)')
    .option('--until <time>', "only traces starting before this ISO time, relative duration, or 'latest' (the newest trace)")
    .option('--json', 'print the overview as JSON (schemaVersion 1) instead of text')
    .option('--strict', 'fail on the first bad record instead of counting it')
    .option('--field <canonical=key>', 'map a field of an unknown flat record format, e.g. --field startTime=ts --field traceId=trace (repeatable)', collectField, [])
    .option('--outcomes <file>', 'join outcomes kept outside the traces, by trace, task or instance id: JSONL {id, success | reward}, a SWE-bench harness report, τ-bench results (repeatable)', collectField, [])
    .addHelpText(
      'after',
      `
Examples:
  $ halo inspect traces.jsonl
  $ halo inspect 'logs/**/*.jsonl.gz' --window 7d
  $ halo inspect samples/week --window 7d --until latest --json > overview.json
  $ cat traces.jsonl | halo inspect -

Defaults: all traces (no window). Relative times count back from now; with
--until latest they count back from the newest trace in the data, which is
how data with fixed dates (like the bundled sample) gives the same result on
any day. A trace belongs to the window by its start time (start inclusive,
end exclusive). Bad records are counted and shown at the end; every good
record is kept.

Exit codes:
  0  overview printed
  2  bad usage, unreadable input, or a bad record with --strict`,
    )
    .exitOverride(exitOnParseError)
    .action(async (files: string[], opts: InspectOptions) => {
      if (await rerunWithLargerYoungGeneration(files)) return;
      const progress = process.stderr.isTTY ? progressReporter() : undefined;
      const spec: WindowSpec = {};
      if (opts.window !== undefined) spec.window = opts.window;
      if (opts.since !== undefined) spec.since = opts.since;
      if (opts.until !== undefined) spec.until = opts.until;
      let result;
      try {
        const outcomes = opts.outcomes?.length ? { outcomes: readOutcomeFiles(opts.outcomes) } : {};
        result = await loadTraces(files, { window: spec, strict: opts.strict === true, ...fieldsOption(opts.field), ...outcomes, onProgress: progress?.update });
      } finally {
        progress?.done();
      }
      const overview = buildOverview(result);
      process.stdout.write(opts.json ? `${JSON.stringify(overview, null, 2)}\n` : renderOverview(overview));
    });
}

/**
 * Inputs this big load about 1.7× faster with a 64 MB young generation (V8
 * copies every long-lived span out of a small one; see bench/RESULTS.md,
 * Ingest). The flag only works at process start, so large inputs re-run this
 * command once in a child that has it (gzip counted at 8× its size).
 * HALO_INSPECT_REEXEC_BYTES overrides the threshold. Returns true when the
 * child ran.
 */
const REEXEC_FLAG = '--max-semi-space-size=64';

/** Whether `halo inspect` should re-run itself with REEXEC_FLAG for these inputs. */
export async function needsLargerYoungGeneration(files: string[], execArgv = process.execArgv, env = process.env): Promise<boolean> {
  const threshold = Number(env.HALO_INSPECT_REEXEC_BYTES ?? 64 * 1024 * 1024);
  if (execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return false;
  let bytes = 0;
  try {
    for (const f of await resolveInputs(files)) bytes += f.path !== null && f.name.toLowerCase().endsWith('.gz') ? f.size * 8 : f.size;
  } catch {
    return false; // the normal path reports the input error
  }
  return bytes >= threshold;
}

async function rerunWithLargerYoungGeneration(files: string[]): Promise<boolean> {
  if (!process.argv[1] || !(await needsLargerYoungGeneration(files))) return false;
  const child = spawnSync(process.execPath, [...process.execArgv, REEXEC_FLAG, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = child.status ?? 3;
  return true;
}

function progressReporter() {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update: (p: ReadProgress) => {
      const now = Date.now();
      if (now - lastDraw < 200) return;
      lastDraw = now;
      drawn = true;
      const secs = Math.max(0.001, (now - started) / 1000);
      const total = p.bytesTotal > 0 ? ` / ${bytes(p.bytesTotal)}` : '';
      process.stderr.write(`\r\x1b[Kreading ${bytes(p.bytesRead)}${total} · ${bytes(p.bytesRead / secs)}/s · ${p.file}`);
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

// ---- text rendering ------------------------------------------------------

export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const int = (n: number) => n.toLocaleString('en-US');
const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);
const usd = (n: number) => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return int(n);
}

function ms(n: number): string {
  if (n < 1000) return `${Math.round(n)}ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)}s`;
  if (n < 3_600_000) return `${(n / 60_000).toFixed(1)}m`;
  return `${(n / 3_600_000).toFixed(1)}h`;
}

const shortTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')}`;

/** Trace content is untrusted: escape control characters (terminal escapes) and cut long cells. */
const cell = (s: string, max = 48) => printable(s, max).replace(/… \(\d+ chars\)$/, '…');

function table(headers: string[], rows: string[][], numeric: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `  ${r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')}`.trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function section<T>(title: string, items: T[], omitted: number, headers: string[], numeric: boolean[], row: (x: T) => string[]): string {
  if (items.length === 0) return '';
  const shown = items.slice(0, TEXT_ROWS);
  const more = items.length - shown.length + omitted;
  return `\n${title}\n${table(headers, shown.map(row), numeric)}${more > 0 ? `\n  … ${int(more)} more (see --json)` : ''}\n`;
}

/** Distinct warnings or bad-record reasons shown before "… N other". */
const WARNING_GROUPS = 5;

function groupBy<T>(items: T[], key: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return [...m].sort((a, b) => b[1].length - a[1].length);
}

/** File warnings grouped by text: one line per distinct warning with a count and the first few files. */
function summarizeWarnings(files: DatasetOverview['files']): string {
  const pairs: { file: string; warning: string }[] = [];
  for (const f of files) for (const w of f.warnings ?? []) pairs.push({ file: f.file, warning: w });
  let text = '';
  const groups = groupBy(pairs, (p) => p.warning.replace(/\d+/g, '#'));
  for (const [, list] of groups.slice(0, WARNING_GROUPS)) {
    const warning = list[0]!.warning;
    const shown = list.slice(0, 3).map((p) => cell(p.file, 60));
    const more = list.length > 3 ? ` and ${int(list.length - 3)} more` : '';
    text += list.length === 1 ? `warning: ${shown[0]}: ${cell(warning, 200)}\n` : `warning: ${int(list.length)} files: ${cell(warning, 200)} (${shown.join(', ')}${more})\n`;
  }
  if (groups.length > WARNING_GROUPS) text += `warning: … ${int(groups.length - WARNING_GROUPS)} other warnings (see --json)\n`;
  return text;
}

/** Renders the overview as aligned text for a terminal. */
export function renderOverview(o: DatasetOverview): string {
  const out: string[] = [];
  const kv = (k: string, v: string) => out.push(`  ${k.padEnd(11)}${v}`);
  out.push('Dataset');
  kv('Files', `${int(o.files.length + o.omitted.files)} · ${bytes(o.bytes)} · ${int(o.records)} records${o.badRecords.count ? ` · ${int(o.badRecords.count)} bad` : ''}`);
  kv('Traces', `${int(o.traces)} · ${int(o.spans)} spans${o.window.outsideWindow ? ` · ${int(o.window.outsideWindow)} outside the window` : ''}`);
  if (o.window.start !== null || o.window.end !== null) kv('Window', `${o.window.start ?? '…'} → ${o.window.end ?? '…'} (start inclusive, end exclusive)`);
  if (o.timeRange) kv('Time range', `${shortTime(o.timeRange.start)} → ${shortTime(o.timeRange.end)} UTC (trace starts)`);
  if (o.durationMs) kv('Duration', `p50 ${ms(o.durationMs.p50)} · p95 ${ms(o.durationMs.p95)} · max ${ms(o.durationMs.max)}`);
  const kinds = Object.entries(o.spanKinds).sort((a, b) => b[1] - a[1]);
  if (kinds.length) kv('Span kinds', kinds.map(([k, n]) => `${k} ${int(n)}`).join(' · '));
  kv('Errors', `${int(o.errorSpans)} error spans in ${int(o.errorTraces)} traces (${pct(o.traces ? o.errorTraces / o.traces : null)})`);
  kv('Tokens', `in ${compact(o.tokens.input)} · out ${compact(o.tokens.output)} · total ${compact(o.tokens.total)}`);
  kv('Cost', usd(o.costUsd));
  const oc = o.outcomes;
  if (oc.success + oc.failure > 0 || oc.rewarded > 0) {
    const parts = [`${int(oc.success)} success · ${int(oc.failure)} failure · ${int(oc.unknown)} unknown (${pct(oc.successRate)} success)`];
    if (oc.meanReward !== null) parts.push(`mean reward ${oc.meanReward.toFixed(3)}`);
    kv('Outcomes', parts.join(' · '));
  }
  if (oc.tasks > 0) kv('Tasks', `${int(oc.tasks)} · ${int(oc.tasksWithSeveralTrials)} with several trials · ${int(oc.flakyTasks)} flaky (pass and fail)`);
  let text = `${out.join('\n')}\n`;

  text += section('Files', o.files, o.omitted.files, ['FILE', 'BYTES', 'RECORDS', 'BAD', 'FORMATS'], [false, true, true, true, false], (f) => [
    cell(f.file, 60),
    bytes(f.bytes),
    int(f.records),
    int(f.bad),
    Object.entries(f.formats)
      .map(([k, n]) => `${k} ${int(n ?? 0)}`)
      .join(', ') + (f.warnings?.length ? ` (${f.warnings.join('; ')})` : ''),
  ]);
  text += section('Agents', o.agents, o.omitted.agents, ['AGENT', 'TRACES', 'ERRORS', 'ERROR RATE', 'FAILED'], [false, true, true, true, true], (a) => [
    cell(a.name),
    int(a.traces),
    int(a.errorTraces),
    pct(a.errorRate),
    int(a.failed),
  ]);
  text += section('Models', o.models, o.omitted.models, ['MODEL', 'CALLS', 'IN', 'OUT', 'COST'], [false, true, true, true, true], (m) => [
    cell(m.model),
    int(m.calls),
    compact(m.tokens.input),
    compact(m.tokens.output),
    usd(m.costUsd),
  ]);
  text += section('Tools', o.tools, o.omitted.tools, ['TOOL', 'CALLS', 'ERRORS', 'ERROR RATE', 'ARGUMENTS'], [false, true, true, true, false], (t) => [
    cell(t.name),
    int(t.calls),
    int(t.errors),
    pct(t.errorRate),
    cell([...t.arguments, ...(t.positional ? ['(positional)'] : [])].join(', '), 60),
  ]);
  text += section('Errors (error spans by span name and normalized message)', o.errors, o.omitted.errors, ['COUNT', 'TRACES', 'SPAN', 'MESSAGE', 'EXAMPLE TRACE'], [true, true, false, false, false], (e) => [
    int(e.count),
    int(e.traces),
    cell(e.span, 32),
    cell(e.message || '(no message)', 60),
    cell(e.exampleTraceIds[0] ?? '', 40),
  ]);
  if (o.unchecked?.length) {
    text += `\nNot checked on this data (the detectors stay silent here):\n`;
    for (const u of o.unchecked) text += `  ${cell(u.check, 80)}: ${cell(u.reason, 200)}\n`;
  }

  const bad = o.badRecords;
  if (bad.count > 0) {
    const first = bad.examples[0];
    text += `\n${int(bad.count)} bad record${bad.count === 1 ? '' : 's'} in ${int(bad.files)} file${bad.files === 1 ? '' : 's'}${first ? `; first: ${cell(formatBadRecord(first), 400)}` : ''}\n`;
    // One line per kind of reason (many files often fail the same way), with where it happened first.
    const groups = bad.reasons;
    for (const g of groups.slice(0, WARNING_GROUPS)) {
      text += `  ${int(g.count)}× ${cell(g.reason, 300)} (${cell(g.where.join(', '), 160)}${g.count > g.where.length ? ', …' : ''})\n`;
    }
    if (groups.length > WARNING_GROUPS) text += `  … ${int(groups.length - WARNING_GROUPS)} other kinds of reason (see --json)\n`;
  }
  text += summarizeWarnings(o.files);
  for (const n of o.notices ?? []) text += `note: ${cell(n, 300)}\n`;
  if (o.traces === 0) text += `\nNo traces${o.window.outsideWindow ? ' in the window' : ''}.\n`;
  return text;
}
