// CSV for Jira's and Linear's importers (RFC 4180: CRLF rows, fields quoted
// when they hold a comma, quote, CR or LF, quotes doubled).
//
// Titles, summaries and labels carry trace content, and these files get opened
// in Excel, LibreOffice and Sheets as often as they get imported: a text cell
// that starts like a formula is neutralised with a leading single quote
// (OWASP's CSV injection advice). Numbers halo writes itself are typed as
// numbers so they are never quoted.
import { writeFileSync } from 'node:fs';
import type { Finding, FindingsFile } from '../findings/schema.ts';
import { buildDoc, contentDigest, prevalenceOf, renderJiraWiki, renderMarkdown } from './body.ts';
import { labelsFor, priorityFor } from './labels.ts';
import type { ExportOutcome, Mapping, PlanItem } from './types.ts';
import { UsageError } from '../errors.ts';

export interface CsvSettings {
  out: string;
  flavor?: 'jira' | 'linear';
}

const JIRA_PRIORITY = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' } as const;
const LINEAR_PRIORITY = { critical: 'Urgent', high: 'High', medium: 'Medium', low: 'Low', info: 'No priority' } as const;

/** A cell: text (guarded against formula injection) or a number halo computed itself (written as is). */
export type CsvCell = string | number;

// = + - @ start a formula; tab and CR are OWASP's other two. Leading whitespace
// before one of them is guarded too, because importers and spreadsheets trim
// cells before deciding what they are.
const FORMULA_START = /^\s*[=+\-@]|^[\t\r]/;

/** Text cell as a spreadsheet will evaluate it: formula-looking text gets a leading `'`, everything else is unchanged. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function csvField(cell: CsvCell): string {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new Error(`csv: cannot write ${cell} as a number`);
    return String(cell);
  }
  const value = neutralizeFormula(cell);
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: CsvCell[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A priority from the defaults or --priority-map: a number (Linear's 0–4, given as "2" on the command line) stays a number. */
function priorityCell(p: string | number | undefined): CsvCell {
  if (typeof p === 'number') return p;
  if (p === undefined) return '';
  return /^-?\d+(\.\d+)?$/.test(p.trim()) ? Number(p.trim()) : p;
}

export function csvRows(findings: Finding[], runId: string, flavor: 'jira' | 'linear', mapping: Mapping): CsvCell[][] {
  if (flavor === 'linear') {
    const rows = findings.map((f) => [f.title, renderMarkdown(buildDoc(f, runId)), priorityCell(priorityFor(f, mapping, LINEAR_PRIORITY)), labelsFor(f, mapping).join(','), 'Todo']);
    return [['Title', 'Description', 'Priority', 'Labels', 'Status'], ...rows];
  }
  // Jira takes several labels as repeated "Labels" columns, and labels cannot contain spaces.
  const labels = findings.map((f) => [...labelsFor(f, mapping), `halo-${f.fingerprint}`].map((l) => l.replace(/\s+/g, '-')));
  const width = Math.max(1, ...labels.map((l) => l.length));
  const header = ['Summary', 'Description', 'Issue Type', 'Priority', ...Array.from({ length: width }, () => 'Labels')];
  const rows = findings.map((f, i): CsvCell[] => [
    f.title,
    renderJiraWiki(buildDoc(f, runId)),
    'Bug',
    priorityCell(priorityFor(f, mapping, JIRA_PRIORITY)),
    ...Array.from({ length: width }, (_, j) => labels[i]![j] ?? ''),
  ]);
  return [header, ...rows];
}

/** CSV has no remote state: every selected finding is a row ("create"); the file is written even without --apply. */
export function writeCsvExport(file: FindingsFile, findings: Finding[], opts: Partial<CsvSettings> & Mapping): ExportOutcome {
  if (!opts.out) throw new UsageError('csv: pass --out <file.csv>');
  const flavor = opts.flavor ?? 'jira';
  const mapping: Mapping = { ...(opts.labels ? { labels: opts.labels } : {}), ...(opts.labelMap ? { labelMap: opts.labelMap } : {}), ...(opts.priorityMap ? { priorityMap: opts.priorityMap } : {}) };
  const csv = toCsv(csvRows(findings, file.run.id, flavor, mapping));
  writeFileSync(opts.out, csv);
  const at = new Date().toISOString();
  const plan: PlanItem[] = findings.map((f) => {
    const doc = buildDoc(f, file.run.id);
    return {
      fingerprint: f.fingerprint,
      title: f.title,
      severity: f.severity,
      action: 'create',
      reason: `row in ${opts.out}`,
      finding: f,
      content: { title: f.title, markdown: renderMarkdown(doc), doc, labels: labelsFor(f, mapping), digest: contentDigest(f), prevalence: prevalenceOf(f) },
    };
  });
  const destination = `csv:${opts.out}`;
  return {
    destination,
    plan,
    results: { target: 'csv', destination, at, applied: true, items: Object.fromEntries(plan.map((p) => [p.fingerprint, { action: 'create', title: p.title, digest: p.content.digest, at }])) },
    text: `Wrote ${plan.length} ${flavor} import rows to ${opts.out}\n`,
    requests: [],
    errors: 0,
    pending: 0,
  };
}
