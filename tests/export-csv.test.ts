// `halo export csv`: files Jira's and Linear's CSV importers accept, read back
// with an independent RFC 4180 parser.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings } from '../src/export/index.ts';
import { finding, findingsFile, FP } from './helpers/findings-runs.ts';
import { halorunAsync } from './helpers/cli.ts';

/** RFC 4180: fields separated by commas, records by CRLF; quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ',') (row.push(field), (field = ''), i++);
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break outside quotes at ${i}`);
    else (field += c), i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) throw new Error('last record not terminated by CRLF');
  return rows;
}

function cli(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return halorunAsync(cwd, args);
}

const tricky = findingsFile('run-csv', [
  finding('A', 12, 1, 'new', { title: 'Tool "search" fails, then retries', summary: 'Line one, with comma.\nLine two with "quotes".' }),
  finding('B', 3, 2),
  finding('C', 1, 3),
]);

describe('halo export csv', () => {
  it('Jira flavor (CLI): Summary, Description, Issue Type, Priority, repeated Labels; quoting round-trips', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-export-csv-'));
    writeFileSync(join(dir, 'findings.json'), JSON.stringify(tricky));
    const r = await cli(['export', 'csv', '--findings', 'findings.json', '--out', 'out.csv', '--min-severity', 'high', '--label-map', 'critical=p0+urgent'], dir);
    expect(r.status, r.stderr).toBe(0);
    const rows = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
    expect(rows[0]).toEqual(['Summary', 'Description', 'Issue Type', 'Priority', 'Labels', 'Labels', 'Labels', 'Labels']);
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.length === rows[0]!.length)).toBe(true);
    const [, a, b] = rows;
    expect(a![0]).toBe('Tool "search" fails, then retries');
    expect(a![1]).toContain('Line one, with comma. Line two with "quotes".');
    expect(a![1]).toContain('h3. Evidence (10 of 12 traces)');
    expect(a![1]).toContain('* {{trace-A-0}}: “error in A #0”'.replace('#', '\\#'));
    expect(a!.slice(2)).toEqual(['Bug', 'Highest', 'halo', 'p0', 'urgent', `halo-${FP.A}`]);
    expect(b!.slice(2)).toEqual(['Bug', 'High', 'halo', `halo-${FP.B}`, '', '']);
  });

  it('Linear flavor: Title, Description, Priority, Labels, Status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-export-csv-'));
    const out = join(dir, 'linear.csv');
    const res = await exportFindings({ target: 'csv', file: tricky, csv: { out, flavor: 'linear' }, top: 2, labels: ['agent'] });
    expect(res.plan.map((p) => p.action)).toEqual(['create', 'create']);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['Title', 'Description', 'Priority', 'Labels', 'Status']);
    expect(rows).toHaveLength(3);
    expect(rows[1]![0]).toBe('Tool "search" fails, then retries');
    expect(rows[1]![1]).toMatch(/^Line one, with comma\.\nLine two with "quotes"\./);
    expect(rows[1]![1]).toContain(`<!-- halo:fingerprint=${FP.A} -->`);
    expect(rows[1]!.slice(2)).toEqual(['Urgent', 'halo,agent', 'Todo']);
    expect(rows[2]!.slice(2)).toEqual(['High', 'halo,agent', 'Todo']);
  });

  it('csv needs --out', async () => {
    await expect(exportFindings({ target: 'csv', file: tricky })).rejects.toThrow(/csv: pass --out/);
  });
});
