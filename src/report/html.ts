// report.html: one self-contained page (inline CSS, inline SVG, one inline
// script, the data as JSON) that works offline. Every string from the traces
// or a model goes through esc() or into the JSON block; the script renders
// with textContent. A Content-Security-Policy with the script's hash blocks
// any network use and any script that is not ours, as a second line of defence.
import { LEVEL_TEXT, levelOf, verificationSummary } from '../findings/levels.ts';
import { createHash } from 'node:crypto';
import { isMuted, type Finding, type FindingsFile } from '../findings/schema.ts';
import type { Histogram, ReportData } from './data.ts';
import { parseReportData } from './data-schema.ts';
import { REPORT_LIMITS } from './data.ts';
import { categoryToken, histogramChart, horizontalBars, passKLines, stackedBarsByDay, SERIES_COUNT, thinPoint } from './html/charts.ts';
import { CLIENT_JS } from './html/client.ts';
import { esc, jsonForScript } from './html/escape.ts';
import { safeHref } from './code.ts';
import { fmtInt, fmtMs, fmtPct, fmtTime, fmtUsd } from './html/format.ts';
import { STYLES } from './html/styles.ts';
import { comparisonHtml, COMPARISON_STYLES } from '../compare/html.ts';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** Citations drawn per finding (findings.json keeps them all); keeps a 100-finding page small. */
const EVIDENCE_SHOWN = 50;
/** Characters of an excerpt shown, and carried for highlighting. */
const EXCERPT_SHOWN = 600;

const LOGO = `<svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><ellipse cx="16" cy="9" rx="11" ry="4" fill="none" stroke="var(--accent)" stroke-width="2.5"/><circle cx="16" cy="20" r="7" fill="var(--accent)" opacity=".85"/></svg>`;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function header(file: FindingsFile, data: ReportData): string {
  const r = file.run;
  const window = data.range ? `traces ${fmtTime(data.range.start)} → ${fmtTime(data.range.end)}` : 'no traces in the window';
  const opt = r.options as Record<string, unknown>;
  const windowSpec = typeof opt.window === 'string' ? ` (window ${opt.window})` : '';
  const pills = [
    `<span class="pill">${r.mode === 'model' ? 'model-driven analysis' : 'offline detectors'}</span>`,
    r.partial ? `<span class="pill warn" title="${esc(r.partialReason ?? '')}">partial result${r.partialReason ? `: ${esc(r.partialReason)}` : ''}</span>` : '',
  ].join('');
  return `<header class="top">
  <div>
    <div class="brand">${LOGO}<span>Halo</span><span class="sub">failure analysis</span></div>
    <div class="runmeta"><span>run <code>${esc(r.id)}</code></span><span>${esc(fmtTime(r.startedAt))}</span><span>${esc(window)}${esc(windowSpec)}</span><span>engine ${esc(r.engineVersion)}</span></div>
  </div>
  <div class="runmeta">${pills}</div>
</header>`;
}

function stats(file: FindingsFile, data: ReportData): string {
  const v = file.verification;
  const ds = file.dataset;
  const traces = num(ds.traces) ?? data.totals.traces;
  const spans = num(ds.spans) ?? data.totals.spans;
  const bySev = SEVERITIES.map((s) => [s, file.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const cell = (value: string, label: string, detail = '') =>
    `<div class="stat"><div class="l">${label}</div><div class="v">${value}</div>${detail ? `<div class="d">${detail}</div>` : ''}</div>`;
  const usage = file.run.usage;
  return `<section class="stats" aria-label="Run summary">
${cell(fmtInt(traces), 'Traces', `${fmtInt(spans)} spans · ${fmtInt(data.totals.agents)} agent${data.totals.agents === 1 ? '' : 's'}`)}
${cell(fmtInt(data.totals.errorTraces), 'Traces with errors', traces > 0 ? `${fmtPct(data.totals.errorTraces / traces)} have an error span${data.totals.failedOutcomes > 0 ? ` · ${fmtInt(data.totals.failedOutcomes)} failed outcomes` : ''}` : '')}
${cell(fmtInt(file.findings.length), 'Findings', bySev.map(([s, n]) => `${n} ${s}`).join(' · ') || 'none')}
${cell(`${fmtInt(v.kept)}<span style="font-size:14px;color:var(--muted)"> / ${fmtInt(v.submitted)}</span>`, 'Verified', `${fmtInt(v.droppedFindings)} finding${v.droppedFindings === 1 ? '' : 's'} and ${fmtInt(v.droppedEvidence)} citation${v.droppedEvidence === 1 ? '' : 's'} dropped · ${fmtInt(v.merged)} merged`)}
${usage ? cell(fmtUsd(usage.costUsd), 'Model spend', `${fmtInt(usage.turns)} turns · ${fmtInt(usage.subCalls)} sub-calls · ${fmtInt(usage.inputTokens + usage.outputTokens)} tokens`) : ''}
</section>`;
}

function card(title: string, hint: string, body: string, id: string): string {
  return `<section class="card" id="${id}" aria-labelledby="${id}-h"><h3 id="${id}-h">${title}</h3><p class="hint">${hint}</p>${body}</section>`;
}

function charts(file: FindingsFile, data: ReportData): string {
  const fd = data.failuresByDay;
  const byDay =
    fd.series.length === 0
      ? '<p class="empty">No finding cites a trace in this window.</p>'
      : stackedBarsByDay(fd) +
        `<div class="legend">${fd.series.map((s) => `<span><i class="sw cat-${categoryToken(s.category)}"></i>${esc(s.category)} <b>${fmtInt(s.total)}</b></span>`).join('')}</div>` +
        (fd.outside > 0
          ? `<p class="hint">${fmtInt(fd.outside)} affected trace${fd.outside === 1 ? ' is' : 's are'} dated far outside the rest of the data (a clock off by years?) and not shown here.</p>`
          : '');

  const total = num(file.dataset.traces) ?? data.totals.traces;
  const ranked = file.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.prevalence.traces - a.f.prevalence.traces || a.i - b.i)
    .slice(0, REPORT_LIMITS.topFindings);
  const top =
    ranked.length === 0
      ? '<p class="empty">No findings.</p>'
      : horizontalBars(
          ranked.map(({ f, i }) => ({
            label: f.title,
            value: f.prevalence.traces,
            category: f.category,
            href: `#f-${i + 1}`,
            note: `${fmtInt(f.prevalence.traces)} · ${fmtPct(f.prevalence.share)}`,
          })),
          total,
        );

  const pk =
    data.passK.length === 0
      ? '<p class="empty">No repeated trials: pass^k needs traces with a task id and an outcome, several per task.</p>'
      : passKLines(data.passK) +
        `<div class="legend">${data.passK
          .map((c, i) => {
            // Summarize with the last point most tasks support.
            const solid = c.points.filter((p) => !thinPoint(c, p));
            const last = (solid.length > 0 ? solid : c.points)[(solid.length > 0 ? solid : c.points).length - 1]!;
            return `<span><i class="sw s${i % SERIES_COUNT}"></i>${esc(c.agent)} · ${fmtInt(c.tasks)}${c.allTasks > c.tasks ? ` of ${fmtInt(c.allTasks)}` : ''} tasks tried ${c.trialsMin === c.trialsMax ? `${c.trialsMin}×` : `${c.trialsMin}–${c.trialsMax}×`} · pass^1 ${fmtPct(c.points[0]!.value)} → pass^${last.k} ${fmtPct(last.value)}</span>`;
          })
          .join('')}</div>${
          data.passK.some((c) => c.points.some((p) => thinPoint(c, p)))
            ? '<p class="hint" style="margin-top:6px">Dashed, hollow points: only a few tasks were tried that many times.</p>'
            : ''
        }`;

  const anyCost = data.distributions.some((d) => d.cost !== null);
  const quantiles = (h: Histogram, f: (n: number) => string) =>
    `<div class="q">p50 <b>${esc(f(h.p50))}</b> · p90 <b>${esc(f(h.p90))}</b> · p99 <b>${esc(f(h.p99))}</b></div>`;
  const dist =
    data.distributions.length === 0
      ? '<p class="empty">No traces.</p>'
      : data.distributions
          .map((d) => {
            const lat = d.latency
              ? `<div class="hcell"><div class="hl">latency</div>${histogramChart(d.latency, 'ms', `Latency of ${d.agent}`)}${quantiles(d.latency, fmtMs)}</div>`
              : '';
            const cost = !anyCost
              ? ''
              : d.cost
                ? `<div class="hcell"><div class="hl">cost${d.cost.zeros > 0 ? ` <span>· ${fmtInt(d.cost.zeros)} with none recorded</span>` : ''}</div>${histogramChart(d.cost, 'usd', `Cost of ${d.agent}`)}${quantiles(d.cost, fmtUsd)}</div>`
                : '<div class="hcell"><div class="hl">cost</div><p class="empty">none recorded</p></div>';
            return `<div class="dist-agent"><div class="agent">${esc(d.agent)} <small>${fmtInt(d.traces)} trace${d.traces === 1 ? '' : 's'}</small></div><div class="hrow">${lat}${cost}</div></div>`;
          })
          .join('');
  const distBody = `<div class="dist${anyCost ? '' : ' latency-only'}">${dist}</div>`;
  const distHint = `Per trace, log scale; dashed lines mark p50, p90 and p99.${anyCost ? '' : ' No trace records a cost.'}`;

  return `<h2>Overview</h2>
<div class="grid2">
${card('Failures by category per day', 'Traces affected by a finding, by the day the trace started (UTC). A trace counts once per category.', byDay, 'chart-days')}
${card('Top findings by affected traces', 'Verified prevalence; click a bar to jump to the finding.', top, 'chart-top')}
${card('pass^k per agent', 'Chance that k attempts of the same task all succeed, over tasks tried more than once. A steep fall means the agent is inconsistent.', pk, 'chart-passk')}
${card(anyCost ? 'Cost and latency per agent' : 'Latency per agent', distHint, distBody, 'chart-dist')}
</div>`;
}

function sparkline(values: number[]): string {
  if (values.length < 2) return '';
  const W = 80;
  const H = 20;
  const max = Math.max(1, ...values);
  const d = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${((i / (values.length - 1)) * (W - 4) + 2).toFixed(1)},${(H - 2 - (v / max) * (H - 4)).toFixed(1)}`).join('');
  return `<svg class="trend" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="affected traces over the last ${values.length} runs: ${values.join(', ')}"><path d="${d}"/></svg>`;
}

/** Change against the previous run, e.g. "+12" or "−3"; "=" when flat. */
function trendDelta(values: number[]): string {
  const d = values[values.length - 1]! - values[values.length - 2]!;
  return d === 0 ? '=' : d > 0 ? `+${fmtInt(d)}` : `−${fmtInt(-d)}`;
}

/** Escaped text where `backticked` spans (as detectors and models write them) become <code>. */
function prose(text: string): string {
  return esc(text).replace(/`([^`\n]{1,200})`/g, '<code>$1</code>');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function findingItem(f: Finding, i: number): string {
  const sev = SEVERITIES.includes(f.severity) ? f.severity : 'info';
  // Earlier runs from history, then this one.
  const trendValues = f.trend && f.trend.length > 0 ? [...f.trend.map((p) => p.traces), f.prevalence.traces] : [];
  const evItems = f.evidence
    .slice(0, EVIDENCE_SHOWN)
    .map((e, j) => {
      const ids = `<span class="ev-ids"><span>trace <b>${esc(e.traceId)}</b></span>${e.spanId ? `<span>span <b>${esc(e.spanId)}</b></span>` : ''}</span>`;
      return `<li><button type="button" class="ev-item" data-f="${i}" data-e="${j}" aria-label="Open trace ${esc(e.traceId)}${e.spanId ? ` at span ${esc(e.spanId)}` : ''}"><span class="ev-open" aria-hidden="true">open trace →</span>${ids}${e.excerpt ? `<code class="ev-ex">${esc(clip(e.excerpt, EXCERPT_SHOWN))}</code>` : ''}${e.note ? `<span class="ev-note">${prose(e.note)}</span>` : ''}</button></li>`;
    });
  // A long evidence list folds after the first few; every citation stays one click away.
  const SHOWN = 6;
  const rest = f.evidence.length - evItems.length;
  const restNote = rest > 0 ? `<p class="hint">and ${fmtInt(rest)} more citation${rest === 1 ? '' : 's'} in findings.json</p>` : '';
  const ev =
    evItems.length <= SHOWN + 1
      ? `<ul class="ev">${evItems.join('')}</ul>${restNote}`
      : `<ul class="ev">${evItems.slice(0, SHOWN).join('')}</ul><details class="more"><summary>Show ${fmtInt(evItems.length - SHOWN)} more citations</summary><ul class="ev">${evItems.slice(SHOWN).join('')}</ul>${restNote}</details>`;
  const vf = f.verification;
  const level = esc(LEVEL_TEXT[levelOf(vf)]);
  const verified =
    vf.status === 'verified'
      ? `verified · ${level} · ${fmtInt(vf.evidenceChecked)} citation${vf.evidenceChecked === 1 ? '' : 's'} checked`
      : `${esc(vf.status)} · ${level} · ${fmtInt(vf.evidenceDropped)} of ${fmtInt(vf.evidenceChecked)} citations dropped`;
  const openEvidence = i < 3 ? ' open' : '';
  return `<li class="finding sev-${sev}" id="f-${i + 1}" data-severity="${sev}" data-category="${esc(f.category)}" data-fingerprint="${esc(f.fingerprint)}">
<div class="fhead"><span class="rank">#${i + 1}</span><span class="badge sev-${sev}">${sev}</span><span class="chip cat-${categoryToken(f.category)}">${esc(f.category)}</span>${f.status ? `<span class="chip status-${esc(f.status)}">${esc(f.status)}</span>` : ''}<span class="chip">${verified}</span>${trendValues.length > 1 ? `<span class="chip" title="affected traces in the last ${trendValues.length} runs: ${trendValues.join(', ')}">trend ${sparkline(trendValues)} ${trendDelta(trendValues)}</span>` : ''}</div>
<h3>${esc(f.title)}</h3>
<div class="prev"><span class="bar" aria-hidden="true"><i style="width:${Math.min(100, f.prevalence.share * 100).toFixed(2)}%"></i></span><span>${f.prevalence.interval ? '≈' : ''}<b>${fmtInt(f.prevalence.traces)}</b> of ${fmtInt(f.prevalence.total)} traces (${fmtPct(f.prevalence.share)})${f.prevalence.interval ? ` · 95% ${fmtInt(f.prevalence.interval.low)}–${fmtInt(f.prevalence.interval.high)}` : ''}</span></div>
<p class="hint">${esc(verificationSummary(vf))}</p>
<div class="fbody"><p>${prose(f.summary)}</p>
<dl class="kv">
<dt>Root cause</dt><dd>${prose(f.rootCause.statement)}<span class="tag">${esc(f.rootCause.confidence)}</span></dd>
<dt>Fix</dt><dd>${prose(f.fix.summary)}<span class="tag">${esc(f.fix.kind)}</span>${fixCode(f)}</dd>
${f.monitor ? `<dt>Monitor</dt><dd>${prose(f.monitor)}</dd>` : ''}
<dt>Component</dt><dd><code>${esc(f.key.component)}</code> · <code>${esc(f.key.signature)}</code>${f.source ? ` · from ${esc(f.source)}` : ''} · <code title="fingerprint">${esc(f.fingerprint)}</code></dd>
</dl>
<details class="evidence"${openEvidence}><summary>Evidence: ${fmtInt(f.evidence.length)} citation${f.evidence.length === 1 ? '' : 's'} — open one to see the trace</summary>${ev}</details>
</div></li>`;
}

/** A fix's verified code locations (links when the repo is on GitHub) and its patch. */
function fixCode(f: Finding): string {
  const locs = (f.fix.locations ?? []).map((l) => {
    const where = `<code>${esc(`${l.path}:${l.line}`)}</code>`;
    const href = safeHref(l.url);
    return `<li>${href ? `<a href="${esc(href)}" rel="noreferrer noopener" target="_blank">${where}</a>` : where} <code>${esc(l.excerpt)}</code></li>`;
  });
  const list = locs.length ? `<ul class="ev">${locs.join('')}</ul>` : '';
  const patch = f.fix.patch ? `<details><summary>Patch (applies cleanly)</summary><pre>${esc(f.fix.patch)}</pre></details>` : '';
  return list + patch;
}

function findingsSection(file: FindingsFile): string {
  if (file.findings.length === 0) {
    return `<h2 id="findings">Findings</h2><div class="card"><p class="empty">No findings in this window.</p></div>`;
  }
  const present = SEVERITIES.filter((s) => file.findings.some((f) => f.severity === s));
  const categories = [...new Set(file.findings.map((f) => f.category))].sort();
  return `<h2 id="findings">Findings <span id="finding-count" class="pill">${fmtInt(file.findings.length)} findings</span></h2>
<div class="toolbar" role="search"><input type="search" id="finding-search" placeholder="Filter findings: text, tool, trace id…" aria-label="Filter findings"><span class="seg" aria-label="Severity">${present
    .map((s) => `<button type="button" data-sev="${s}" aria-pressed="false">${s}</button>`)
    .join('')}</span><select id="finding-category" aria-label="Category"><option value="">all categories</option>${categories
    .map((c) => `<option value="${esc(c)}">${esc(c)}</option>`)
    .join('')}</select></div>
<ol class="findings">${file.findings.map((f, i) => findingItem(f, i)).join('\n')}</ol>`;
}

function droppedSection(file: FindingsFile): string {
  const dropped = file.verification.dropped ?? [];
  if (dropped.length === 0) return '';
  return `<h2>Dropped by verification</h2><div class="card resolved"><p class="hint">Submitted findings that did not survive the check against the data.</p><ul>${dropped
    .map((d) => `<li>${esc(d.title)} — ${esc(d.reason)}</li>`)
    .join('')}</ul></div>`;
}

function resolvedSection(file: FindingsFile): string {
  if (!file.resolved || file.resolved.length === 0) return '';
  return `<h2>Resolved since earlier runs</h2><div class="card resolved"><ul>${file.resolved
    .map((r) => `<li>${esc(r.title)} <span class="chip">last seen ${esc(fmtTime(r.lastSeen))}</span> <code>${esc(r.fingerprint)}</code></li>`)
    .join('')}</ul></div>`;
}

/** What the page script needs: the embedded traces and every finding's citations. */
function pageData(file: FindingsFile, data: ReportData) {
  return {
    traces: data.traces,
    limit: REPORT_LIMITS.traces,
    findings: file.findings.map((f) => ({ title: f.title })),
    evidence: file.findings.map((f) =>
      f.evidence.slice(0, EVIDENCE_SHOWN).map((e) => ({ t: e.traceId, s: e.spanId, x: e.excerpt && clip(e.excerpt, EXCERPT_SHOWN), n: e.note })),
    ),
  };
}

function mutedSection(muted: Finding[]): string {
  if (!muted.length) return '';
  return `<h2>Muted</h2><div class="card resolved"><p class="hint">Left out of the list above, gates and exports until their share grows past the threshold.</p><ul>${muted
    .map((f) => `<li>${esc(f.title)} <span class="chip">${esc((f.prevalence.share * 100).toFixed(1))}% of traces</span> <code>${esc(f.fingerprint)}</code> — ${esc(f.muted?.reason ?? '')}</li>`)
    .join('')}</ul></div>`;
}

/** `data` comes from the isolate (`__halo.reportData`); it is validated before use. Muted findings get their own short list. */
export function renderHtmlReport(full: FindingsFile, rawData: ReportData): string {
  const muted = full.findings.filter(isMuted);
  const file = muted.length ? { ...full, findings: full.findings.filter((f) => !isMuted(f)) } : full;
  const data = parseReportData(rawData);
  const scriptHash = createHash('sha256').update(CLIENT_JS).digest('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  const l = data.limits;
  const note =
    l.tracesEmbedded < l.tracesCited || l.spansOmitted > 0 || l.fieldsTruncated > 0
      ? ` Embedded ${fmtInt(l.tracesEmbedded)} of ${fmtInt(l.tracesCited)} cited traces${l.spansOmitted ? `, ${fmtInt(l.spansOmitted)} spans omitted` : ''}${l.fieldsTruncated ? `, ${fmtInt(l.fieldsTruncated)} long texts truncated` : ''} to keep this file small.`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="Halo ${esc(file.run.engineVersion)}">
<link rel="icon" href="data:,">
<title>Halo report · ${fmtInt(file.findings.length)} finding${file.findings.length === 1 ? '' : 's'} · ${esc(fmtTime(file.run.startedAt))}</title>
<style>${STYLES}${file.comparison ? COMPARISON_STYLES : ''}</style>
</head>
<body>
<div class="wrap">
${header(file, data)}
${stats(file, data)}
${file.summary.trim() ? `<div class="summary">${esc(file.summary.trim())}</div>` : ''}
<main>
${charts(file, data)}
${file.comparison ? comparisonHtml(file.comparison, esc, full) : ''}
${findingsSection(file)}
${mutedSection(muted)}
${resolvedSection(file)}
${droppedSection(file)}
</main>
<footer>Generated by Halo ${esc(file.run.engineVersion)} on ${esc(fmtTime(file.run.finishedAt))}. This file is self-contained and works offline.${note}</footer>
</div>
<dialog id="trace-view" class="trace" aria-labelledby="tv-title"></dialog>
<script type="application/json" id="halo-data">${jsonForScript(pageData(file, data))}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}
