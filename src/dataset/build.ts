// `buildDataset()`: eval cases from a findings.json. The findings' affected
// runs are looked up in the traces they came from (in the sandbox), their
// inputs read, the cases chosen (src/dataset/select.ts) on top of the
// dataset already at `out`, and every requested format written.
import { existsSync, readFileSync } from 'node:fs';
import type { WindowSpec } from '../ingest/api.ts';
import { readOutcomeFiles } from '../ingest/outcomes-file.ts';
import { createSandbox } from '../sandbox/supervisor.ts';
import { engineClient, type RunCaseInputs } from '../sandbox/rpc.ts';
import { FindingsFile, isMuted, type Severity } from '../findings/schema.ts';
import { severityAtLeast } from '../findings/rank.ts';
import { affectedIds } from '../findings/pipeline.ts';
import { writeFileAtomic } from '../history/atomic.ts';
import { createRedactor, redactDeep, type RedactOptions } from '../redact.ts';
import { InputError, UsageError } from '../errors.ts';
import { readCases } from './case.ts';
import { selectCases, type FindingForCases, type Selection } from './select.ts';
import { formatPath, renderCases, type DatasetFormat } from './formats.ts';

export interface DatasetOptions {
  /** The findings.json the cases come from. */
  findings: string;
  /** Trace files; default: the files the findings' run analyzed (run.options.files). */
  files?: string[];
  window?: WindowSpec;
  fields?: Record<string, string>;
  outcomes?: string[];
  /** The dataset file (JSONL). An existing one is read first and its cases kept, unless `fresh`. */
  out: string;
  formats?: DatasetFormat[];
  /** Cases per finding, those already in the dataset included. */
  perFinding?: number;
  /** Only these findings: fingerprints (or a prefix of one) or ids (F3). */
  only?: string[];
  /** Findings below this severity make no cases (default medium: low ones are mostly failures recovered each time). */
  minSeverity?: Severity;
  fresh?: boolean;
  /** Langfuse dataset name. */
  datasetName?: string;
  redact?: RedactOptions | false;
}

export interface DatasetResult {
  selection: Selection;
  written: Partial<Record<DatasetFormat, string>>;
  /** Findings cases were made for. */
  findings: number;
  /** Affected runs not found in the traces given (another window, other files). */
  missingRuns: number;
}

export const DEFAULT_PER_FINDING = 3;
export const DEFAULT_MIN_SEVERITY: Severity = 'medium';
/** Runs whose inputs are read per trip out of the sandbox. */
const CHUNK = 500;

function readFindings(path: string): FindingsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code ? `cannot read it (${code})` : `not valid JSON (${(err as Error).message})`}`, { code: 'dataset.findings' });
  }
  const parsed = FindingsFile.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InputError(`${path}: not a Halo findings.json (${i.path.join('.') || '(root)'}: ${i.message})`, { code: 'dataset.findings' });
  }
  return parsed.data;
}

function chosenFindings(file: FindingsFile, only: string[] | undefined, minSeverity: Severity, path: string): FindingsFile['findings'] {
  // Outcome summaries say which runs failed, not why: every failed run would "exemplify" them.
  const usable = file.findings.filter((f) => !isMuted(f) && f.category !== 'outcome' && (only?.length || severityAtLeast(f.severity, minSeverity)));
  if (!only?.length) return usable;
  const picked = usable.filter((f) => only.some((o) => f.id === o || f.fingerprint.startsWith(o)));
  const unknown = only.filter((o) => !usable.some((f) => f.id === o || f.fingerprint.startsWith(o)));
  if (unknown.length) throw new UsageError(`--finding ${unknown.join(', ')}: no such finding in ${path} (muted and outcome findings make no cases)`, { code: 'dataset.finding' });
  return picked;
}

export async function buildDataset(opts: DatasetOptions): Promise<DatasetResult> {
  const file = readFindings(opts.findings);
  const findings = chosenFindings(file, opts.only, opts.minSeverity ?? DEFAULT_MIN_SEVERITY, opts.findings);
  const recorded = file.run.options.files;
  const files = opts.files?.length ? opts.files : Array.isArray(recorded) ? recorded.filter((f): f is string => typeof f === 'string') : [];
  if (!files.length) throw new UsageError(`no trace files: ${opts.findings} does not name the files its run read; pass them`, { code: 'dataset.files' });
  const previous = !opts.fresh && existsSync(opts.out) ? readCases(opts.out) : [];

  const wanted = [...new Set(findings.flatMap((f) => affectedIds(f)))];
  const sandbox = createSandbox({
    files,
    ...(opts.window ? { window: opts.window } : {}),
    ...(opts.fields && Object.keys(opts.fields).length ? { fields: opts.fields } : {}),
    ...(opts.outcomes?.length ? { outcomes: readOutcomeFiles(opts.outcomes) } : {}),
  });
  const runs = new Map<string, RunCaseInputs>();
  try {
    await sandbox.load();
    const engine = engineClient(sandbox, { timeoutMs: 120_000 });
    for (let i = 0; i < wanted.length; i += CHUNK) for (const r of await engine.runInputs(wanted.slice(i, i + CHUNK))) runs.set(r.traceId, r);
  } finally {
    await sandbox.close().catch(() => {});
  }
  // Inputs are trace text: secrets in them are redacted like everything Halo writes.
  if (opts.redact !== false) {
    const redact = createRedactor(opts.redact ?? {});
    for (const [id, r] of runs) runs.set(id, redactDeep(r, redact));
  }

  const forCases: FindingForCases[] = findings.map((f) => ({
    fingerprint: f.fingerprint,
    id: f.id,
    title: f.title,
    category: f.category,
    severity: f.severity,
    fix: f.fix.summary,
    affected: affectedIds(f),
    excerpts: new Map(f.evidence.filter((e) => e.excerpt).map((e) => [e.traceId, e.excerpt!] as const).reverse()),
  }));
  const selection = selectCases(forCases, runs, { perFinding: opts.perFinding ?? DEFAULT_PER_FINDING, addedIn: file.run.id, previous });
  const written: DatasetResult['written'] = {};
  for (const format of new Set<DatasetFormat>(['jsonl', ...(opts.formats ?? [])])) {
    const path = formatPath(opts.out, format);
    writeFileAtomic(path, renderCases(selection.cases, format, { datasetName: opts.datasetName ?? 'halo-evals' }));
    written[format] = path;
  }
  return { selection, written, findings: findings.length, missingRuns: wanted.filter((id) => !runs.has(id)).length };
}
