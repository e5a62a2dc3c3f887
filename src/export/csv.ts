// CSV for Jira's and Linear's importers (RFC 4180: CRLF rows, fields quoted
// when they hold a comma, quote, CR or LF, quotes doubled).
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

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function csvRows(findings: Finding[], runId: string, flavor: 'jira' | 'linear', mapping: Mapping): string[][] {
  if (flavor === 'linear') {
    const rows = findings.map((f) => [f.title, renderMarkdown(buildDoc(f, runId)), String(priorityFor(f, mapping, LINEAR_PRIORITY)), labelsFor(f, mapping).join(','), 'Todo']);
    return [['Title', 'Description', 'Priority', 'Labels', 'Status'], ...rows];
  }
  // Jira takes several labels as repeated "Labels" columns, and labels cannot contain spaces.
  const labels = findings.map((f) => [...labelsFor(f, mapping), `halo-${f.fingerprint}`].map((l) => l.replace(/\s+/g, '-')));
  const width = Math.max(1, ...labels.map((l) => l.length));
  const header = ['Summary', 'Description', 'Issue Type', 'Priority', ...Array.from({ length: width }, () => 'Labels')];
  const rows = findings.map((f, i) => [
    f.title,
    renderJiraWiki(buildDoc(f, runId)),
    'Bug',
    String(priorityFor(f, mapping, JIRA_PRIORITY)),
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
