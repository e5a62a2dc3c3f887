// A comparison as text: the terminal table of `halo compare` and the report's
// comparison section. Rows with a verdict first; the rest on request.
import type { Finding } from '../findings/schema.ts';
import type { Comparison, ComparisonRow, MetricName } from './schema.ts';
import { groupLabel } from './compare.ts';
import { bare, pText, signedPoints } from './findings.ts';

const METRIC_LABEL: Record<MetricName, string> = {
  success: 'success', steps: 'steps', tokens: 'tokens', cost: 'cost', latency: 'latency', toolLatency: 'time/call', modelLatency: 'time/call', modelCost: 'cost',
};

function changeText(r: ComparisonRow): string {
  const m = r.metric;
  if (m === 'success') {
    return `${signedPoints(r.change.value)} pts [${signedPoints(r.change.low)}, ${signedPoints(r.change.high)}]`;
  }
  const s = (v: number) => `${v >= 0 ? '+' : '−'}${bare(m, Math.abs(v))}`;
  const rel = r.change.relative === null ? '' : ` (${r.change.relative >= 0 ? '+' : '−'}${Math.abs(Math.round(r.change.relative * 100))}%)`;
  return `${s(r.change.value)}${rel} [${s(r.change.low)}, ${s(r.change.high)}]`;
}


function sideText(r: ComparisonRow, side: 'baseline' | 'current'): string {
  const v = r[side];
  return `${bare(r.metric, v.value)} [${bare(r.metric, v.low)}–${bare(r.metric, v.high)}] n=${v.n}`;
}

export function cells(r: ComparisonRow): string[] {
  return [groupLabel(r.group), METRIC_LABEL[r.metric], sideText(r, 'baseline'), sideText(r, 'current'), changeText(r), pText(r.pAdjusted), r.verdict === 'none' ? '' : r.verdict];
}

export const HEAD = ['GROUP', 'METRIC', 'BASELINE', 'THIS WINDOW', 'CHANGE [95% CI]', 'P (HOLM)', 'VERDICT'];

export function ordered(c: Comparison, all: boolean): ComparisonRow[] {
  const rank = { worse: 0, better: 1, none: 2 } as const;
  return c.rows.filter((r) => all || r.verdict !== 'none' || r.group.task === undefined && r.group.tool === undefined && r.group.model === undefined).sort((a, b) => rank[a.verdict] - rank[b.verdict]);
}

export function header(c: Comparison): string {
  const range = (s: { start: string | null; end: string | null }) => (s.start && s.end ? ` (${s.start.slice(0, 16)} to ${s.end.slice(0, 16)})` : '');
  return (
    `Baseline: ${c.baseline.label}, ${c.baseline.runs} runs${range(c.baseline)}. This window: ${c.current.runs} runs${range(c.current)}.\n` +
    `${c.tests} tests; a change is called when significant after Holm's correction (alpha ${c.alpha}) and at least ${Math.round(c.minEffect * 100)}% (points for success); groups need ${c.minRuns} runs a side.`
  );
}

export function comparisonTable(c: Comparison, findings: Finding[], opts: { all?: boolean } = {}): string {
  const lines = [header(c), ''];
  const rows = ordered(c, Boolean(opts.all)).map(cells);
  if (rows.length) {
    const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [HEAD, ...rows]) lines.push('  ' + r.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd());
  } else lines.push('  Nothing could be tested: too few runs on one side.');
  for (const n of c.notes) lines.push('', `Note: ${n}`);
  lines.push('');
  if (!findings.length) lines.push('No significant regression.');
  else {
    lines.push(`${findings.length} regression${findings.length === 1 ? '' : 's'} (verified findings):`);
    for (const f of findings) lines.push(`  ${f.severity.padEnd(7)} ${f.prevalence.traces} runs  ${f.title}  [${f.fingerprint}]`, `          e.g. ${f.evidence.slice(0, 3).map((e) => e.traceId).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

type Escape = (s: string) => string;

type StateView = { findings: Pick<Finding, 'title' | 'status' | 'muted'>[]; resolved?: { title: string }[] | undefined };

/** The run history's states side by side: titles that are new, recurring, regressed or resurfaced, and resolved. */
export function historyStates(file: StateView): Array<[string, string[]]> {
  return [
    ['new', file.findings.filter((f) => f.status === 'new').map((f) => f.title)],
    ['recurring', file.findings.filter((f) => f.status === 'recurring' && !f.muted?.resurfaced).map((f) => f.title)],
    ['regressed or resurfaced', file.findings.filter((f) => f.status === 'regressed' || f.muted?.resurfaced).map((f) => f.title)],
    ['resolved', (file.resolved ?? []).map((r) => r.title)],
  ];
}

/**
 * The report's comparison section (markdown): the table, then the findings by
 * their state in the run history side by side (new, recurring, regressed, resolved).
 */
export function comparisonMarkdown(
  c: Comparison,
  file: { findings: Pick<Finding, 'title' | 'status' | 'source' | 'muted'>[]; resolved?: { title: string }[] | undefined },
  esc: { cell: Escape; text: Escape },
): string[] {
  const out = ['## Comparison with the baseline', esc.text(header(c).replace('\n', ' '))];
  const rows = ordered(c, false);
  if (rows.length) {
    out.push([`| ${HEAD.map((h) => h.toLowerCase()).join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cells(r).map(esc.cell).join(' | ')} |`)].join('\n'));
  }
  for (const n of c.notes) out.push(`Note: ${esc.text(n)}`);
  const regressions = file.findings.filter((f) => f.source?.includes('compare'));
  out.push(regressions.length ? `${regressions.length} significant regression${regressions.length === 1 ? ' is a finding' : 's are findings'} below.` : 'No significant regression.');
  const byState = historyStates(file);
  if (byState.some(([, t]) => t.length)) {
    const list = (t: string[]) => (t.length ? t.slice(0, 5).map(esc.cell).join('<br>') + (t.length > 5 ? `<br>… ${t.length - 5} more` : '') : '—');
    out.push(['| new | recurring | regressed or resurfaced | resolved |', '|---|---|---|---|', `| ${byState.map(([, t]) => list(t)).join(' | ')} |`].join('\n'));
  }
  return out;
}
