// The HTML report's comparison section: the same rows as report.md, every
// string escaped (group names are agent, task, tool and model names from the
// traces).
import type { Comparison } from './schema.ts';
import { cells, HEAD, header, historyStates, ordered } from './text.ts';
import type { Finding } from '../findings/schema.ts';

export function comparisonHtml(c: Comparison, esc: (s: string) => string, file?: { findings: Pick<Finding, 'title' | 'status' | 'muted'>[]; resolved?: { title: string }[] | undefined }): string {
  const rows = ordered(c, false);
  const table = rows.length
    ? `<div class="cmp-scroll"><table class="cmp"><thead><tr>${HEAD.map((h) => `<th>${esc(h.toLowerCase())}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr class="cmp-${r.verdict}">${cells(r).map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table></div>`
    : '<p class="empty">Nothing could be tested: too few runs on one side.</p>';
  const notes = c.notes.map((n) => `<p class="hint">${esc(n)}</p>`).join('');
  const states = file ? historyStates(file) : [];
  const list = (t: string[]) => (t.length ? `<ul>${t.slice(0, 5).map((x) => `<li>${esc(x)}</li>`).join('')}${t.length > 5 ? `<li>… ${t.length - 5} more</li>` : ''}</ul>` : '—');
  const side = states.some(([, t]) => t.length)
    ? `<div class="cmp-scroll"><table class="cmp cmp-states"><thead><tr>${states.map(([k]) => `<th>${esc(k)}</th>`).join('')}</tr></thead><tbody><tr>${states.map(([, t]) => `<td>${list(t)}</td>`).join('')}</tr></tbody></table></div>`
    : '';
  return `<h2 id="comparison">Comparison with the baseline</h2><div class="card"><p class="hint">${esc(header(c))}</p>${table}${notes}${side}</div>`;
}

export const COMPARISON_STYLES = `.cmp-states td{vertical-align:top;white-space:normal}.cmp-states ul{margin:0;padding-left:1.1em}.cmp-scroll{overflow-x:auto}.cmp{border-collapse:collapse;width:100%;font-size:.85em}.cmp th,.cmp td{text-align:left;padding:.25em .5em;border-bottom:1px solid var(--border);white-space:nowrap}.cmp-worse td{font-weight:600}.cmp-worse td:last-child{color:var(--bad,#b42318)}.cmp-better td:last-child{color:var(--good,#067647)}`;
