// report.md: a ranked table, then each finding with its evidence, root cause,
// fix and how to monitor it, then what verification dropped and why. Trace
// content is untrusted: every string from a finding is escaped, excerpts go in
// code spans whose fences cannot be closed from inside.
import { comparisonMarkdown } from '../compare/text.ts';
import { isMuted, type Finding, type FindingsFile } from '../findings/schema.ts';
import { verificationSummary } from '../findings/levels.ts';
import { fencedBlock, safeHref } from './code.ts';
import { groupProblems, type Problem } from '../findings/problems.ts';

const PREVALENCE_SOURCE: Record<string, string> = {
  predicate: 'counted by re-running the finding\'s predicate over every trace',
  audit: 'estimated: the predicate\'s matches scaled by the precision a sub-model audit measured on a random sample of them',
  detector: 'counted from the detector\'s affected traces',
  evidence: 'counted from the cited traces',
};

/** Inline text: no raw HTML, no links or images, no stray code spans. */
export function mdText(text: string): string {
  return String(text)
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`[\]*_])/g, '\\$1');
}

function oneLine(text: string): string {
  return String(text).replace(/\s+/g, ' ').trim();
}

/** A table cell: one line, pipes escaped. */
export function mdCell(text: string): string {
  return mdText(oneLine(text)).replace(/\|/g, '\\|');
}

/** A code span that holds any text: the fence is longer than any backtick run inside. */
export function mdCode(text: string, max = 300): string {
  let s = oneLine(text);
  if (s.length > max) s = s.slice(0, max - 1) + '…';
  if (s === '') return '` `';
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  // Inside a table a pipe would still end the cell, even in a code span.
  return `${fence}${pad}${s.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** Paragraphs: escaped, and a line cannot start a heading, list or quote. */
function mdBlock(text: string): string {
  return String(text)
    .split(/\n{2,}/)
    .map((p) => mdText(p.trim()).replace(/^([#>+-]|\d+\.)/gm, '\\$1'))
    .filter((p) => p !== '')
    .join('\n\n');
}

function pct(share: number): string {
  const p = share * 100;
  // Small shares keep two decimals so 1 of 3,000 does not read as 0%.
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toFixed(2)}%`;
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function isoOrNull(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v).toISOString();
  if (typeof v === 'string' && v) return v;
  return null;
}

function datasetLines(dataset: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const win = (dataset.window ?? null) as { start?: unknown; end?: unknown } | null;
  if (win && (win.start != null || win.end != null)) {
    lines.push(`- **Window:** ${isoOrNull(win.start) ?? 'beginning of data'} → ${isoOrNull(win.end) ?? 'end of data'}`);
  }
  const files = Array.isArray(dataset.files) ? (dataset.files as { file?: string; name?: string; bytes?: number }[]) : [];
  if (files.length) {
    // `files` is capped (the overview lists the first few and counts the rest in
    // `omitted.files`); the total bytes are `dataset.bytes`, over every file read.
    const omitted = (dataset.omitted as { files?: unknown } | undefined)?.files;
    const total = files.length + (typeof omitted === 'number' ? omitted : 0);
    const names = files.slice(0, 5).map((f) => mdCode(String(f.file ?? f.name ?? '?'), 120));
    const bytes = typeof dataset.bytes === 'number' ? dataset.bytes : files.reduce((n, f) => n + (typeof f.bytes === 'number' ? f.bytes : 0), 0);
    lines.push(`- **Files:** ${total} (${names.join(', ')}${total > 5 ? ', …' : ''})${bytes ? `, ${(bytes / 1e6).toFixed(1)} MB` : ''}`);
  }
  const counts: string[] = [];
  if (typeof dataset.traces === 'number') counts.push(`${int(dataset.traces)} traces`);
  if (typeof dataset.spans === 'number') counts.push(`${int(dataset.spans)} spans`);
  if (counts.length) lines.push(`- **Data:** ${counts.join(', ')}`);
  const unchecked = Array.isArray(dataset.unchecked) ? (dataset.unchecked as { check?: unknown; reason?: unknown }[]) : [];
  if (unchecked.length) lines.push(`- **Not checked on this data:** ${unchecked.map((u) => `${mdText(String(u.check))} (${mdText(String(u.reason))})`).join('; ')}`);
  const bad = (dataset.badRecords ?? (dataset.bad as { records?: number } | undefined)?.records) as unknown;
  if (typeof bad === 'number' && bad > 0) lines.push(`- **Bad records:** ${int(bad)} (skipped; see \`halo inspect\`)`);
  // What the ingest repaired, joined or could not tell (runs claiming one id, joined outcomes, undated runs).
  const notices = Array.isArray(dataset.notices) ? dataset.notices.filter((n): n is string => typeof n === 'string') : [];
  for (const n of notices.slice(0, 8)) lines.push(`- **Note:** ${mdText(n)}`);
  return lines;
}

/**
 * How runs ended, per agent: context for the findings, never a finding of its
 * own (that N runs failed is what the outcomes say, not something found).
 */
function outcomeLines(o: FindingsFile['outcomes']): string[] {
  if (!o) return [];
  const agents = (o.byAgent ?? []).filter((a) => a.failed > 0 || a.errored > 0);
  const lines: string[] = [];
  if (agents.length) {
    const parts = agents.slice(0, 8).map((a) => {
      const bits = [];
      if (a.judged) bits.push(`${int(a.failed)} of ${int(a.judged)} judged runs failed (${pct(a.failed / a.judged)})`);
      if (a.errored) bits.push(`${int(a.errored)} of ${int(a.runs)} runs ended in an error with no verdict`);
      return `${mdText(a.agent === 'unknown' ? 'runs without an agent name' : a.agent)}: ${bits.join('; ')}`;
    });
    lines.push(`- **Outcomes:** ${parts.join(' · ')}${agents.length > 8 ? ` · and ${agents.length - 8} more agents` : ''}`);
  } else if (o.judged) lines.push(`- **Outcomes:** ${int(o.failed)} of ${int(o.judged)} judged runs failed`);
  if (o.note) lines.push(`- **Impact:** ${mdText(o.note)}`);
  return lines;
}

function verificationLine(f: Finding): string {
  const v = f.verification;
  const parts = [verificationSummary(v), `${v.evidenceChecked} citation${v.evidenceChecked === 1 ? '' : 's'} checked`, `${v.evidenceDropped} dropped`];
  if (v.excerptsFound) parts.push(`${v.excerptsFound} excerpt${v.excerptsFound === 1 ? '' : 's'} found`);
  if (v.predicate !== 'absent' && v.predicate !== 'timeout') parts.push(`predicate ${v.predicate}`);
  const s = v.specificity;
  if (s) parts.push(`predicate matches ${int(s.matched)} of ${int(s.total)} traces, ${s.citedMatched} of ${s.cited} cited`);
  let line = parts.map((p) => mdText(p)).join(', ');
  if (v.predicateError) line += ` (${mdText(oneLine(v.predicateError))})`;
  if (v.fix && (v.fix.locationsChecked || v.fix.patch !== 'absent')) {
    line += `; code: ${v.fix.locationsChecked - v.fix.locationsDropped} of ${v.fix.locationsChecked} location${v.fix.locationsChecked === 1 ? '' : 's'} verified${v.fix.patch === 'absent' ? '' : `, patch ${v.fix.patch}`}`;
    const why = [...new Set(v.fix.dropped.map((d) => d.reason))].slice(0, 3);
    if (why.length) line += ` (dropped: ${mdText(oneLine(why.join('; ')))})`;
  }
  return line;
}

function findingSection(f: Finding): string {
  const out: string[] = [];
  out.push(`### ${f.rank}. ${mdText(oneLine(f.title))}`);
  const tags = [`**${f.severity}**`, f.category, `fingerprint ${mdCode(f.fingerprint)}`];
  if (f.status) tags.push(f.status);
  if (f.muted?.resurfaced) tags.push(`**resurfaced** (muted at ${pct(f.muted.baselineShare ?? 0)}: ${mdText(oneLine(f.muted.reason))})`);
  out.push(tags.join(' · '));
  out.push(mdBlock(f.summary));
  const items: string[] = [];
  items.push(
    `- **Prevalence:** ${f.prevalence.interval ? '≈' : ''}${int(f.prevalence.traces)} of ${int(f.prevalence.total)} traces (${pct(f.prevalence.share)})${f.prevalence.interval ? `, 95% ${int(f.prevalence.interval.low)}–${int(f.prevalence.interval.high)}` : ''}, ${PREVALENCE_SOURCE[f.verification.prevalenceSource] ?? f.verification.prevalenceSource}`,
  );
  if (f.trend && f.trend.length) {
    items.push(`- **Trend (earlier runs):** ${f.trend.map((t) => pct(t.share)).join(' → ')} → ${pct(f.prevalence.share)} now`);
  }
  items.push(`- **Root cause (${f.rootCause.confidence}):** ${mdText(oneLine(f.rootCause.statement))}`);
  items.push(`- **Fix (${f.fix.kind}):** ${mdText(oneLine(f.fix.summary))}`);
  for (const l of f.fix.locations ?? []) {
    const where = mdCode(`${l.path}:${l.line}`, 200);
    const href = safeHref(l.url);
    items.push(`  - ${href ? `[${where}](${href})` : where} ${mdCode(l.excerpt, 160)}`);
  }
  if (f.monitor) items.push(`- **How to monitor:** ${mdText(oneLine(f.monitor))}`);
  items.push(`- **Component:** ${mdCode(f.key.component, 120)} · **signature:** ${mdCode(f.key.signature, 200)}`);
  if (f.source) items.push(`- **Source:** ${mdText(f.source)}`);
  items.push(`- **Verification:** ${verificationLine(f)}`);
  out.push(items.join('\n'));
  if (f.fix.patch) out.push(`**Patch** (applies cleanly to the repository as analyzed)\n\n${fencedBlock(f.fix.patch, 'diff')}`);

  const ev = ['**Evidence**', '', '| Trace | Span | Excerpt |', '|---|---|---|'];
  for (const e of f.evidence) {
    const excerpt = [e.excerpt ? mdCode(e.excerpt) : '', e.note ? `_${mdCell(e.note)}_` : ''].filter(Boolean).join(' — ');
    ev.push(`| ${mdCode(e.traceId, 80)} | ${e.spanId ? mdCode(e.spanId, 80) : ''} | ${excerpt} |`);
  }
  out.push(ev.join('\n'));
  return out.join('\n\n');
}

function rankedTable(findings: Finding[]): string {
  const withStatus = findings.some((f) => f.status);
  const head = ['#', 'Severity', 'Category', 'Finding', 'Affected traces', ...(withStatus ? ['Status'] : [])];
  const rows = [`| ${head.join(' | ')} |`, `|${head.map((h) => (h === '#' || h === 'Affected traces' ? '---:' : '---')).join('|')}|`];
  for (const f of findings) {
    const cells = [
      String(f.rank),
      f.severity,
      f.category,
      `[${mdCell(f.title)}](#${anchor(f)})${f.verification.status === 'unverified' ? ' _(unverified)_' : ''}`,
      `${f.prevalence.interval ? '≈' : ''}${int(f.prevalence.traces)} (${pct(f.prevalence.share)})`,
      ...(withStatus ? [f.status ?? ''] : []),
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

/** GitHub's heading anchor for `### <rank>. <title>`. */
function anchor(f: Finding): string {
  return `${f.rank}-${oneLine(f.title)}`
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function verificationSection(file: FindingsFile): string {
  const v = file.verification;
  const out: string[] = ['## Verification'];
  out.push(
    `Every citation was checked against the data: the trace and span must exist, the excerpt must occur in the span, and a predicate must hold for the trace. ` +
      `Each finding names the strongest check it passed: cited (ids exist) < excerpts found < predicate exact < audited. ` +
      `${int(v.submitted)} finding${v.submitted === 1 ? '' : 's'} submitted → ${int(v.kept)} kept; ${int(v.merged)} merged into others; ` +
      `${int(v.droppedFindings)} dropped whole; ${int(v.droppedEvidence)} citation${v.droppedEvidence === 1 ? '' : 's'} dropped.`,
  );
  if (v.droppedLocations !== undefined) {
    out.push(
      `Code locations in fixes were checked against the repository (--repo): the path must name a file inside it and the line must hold the excerpt; a patch must apply cleanly. ` +
        `${int(v.droppedLocations)} location${v.droppedLocations === 1 ? '' : 's'} and ${int(v.droppedPatches ?? 0)} patch${v.droppedPatches === 1 ? '' : 'es'} dropped.`,
    );
  }
  if (v.dropped && v.dropped.length) {
    out.push(['Dropped findings:', '', ...v.dropped.slice(0, 50).map((d) => `- ${mdText(oneLine(d.title))}: ${mdText(oneLine(d.reason))}`)].join('\n'));
    if (v.dropped.length > 50) out.push(`…and ${v.dropped.length - 50} more.`);
  }
  const reasons = new Map<string, number>();
  for (const f of file.findings) {
    for (const d of f.verification.dropped) {
      const r = d.reason.startsWith('predicate threw') ? 'predicate threw' : d.reason;
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
  }
  if (reasons.size) {
    out.push(
      [
        'Citations dropped from kept findings, by reason:',
        '',
        ...[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `- ${mdText(r)}: ${int(n)}`),
      ].join('\n'),
    );
  }
  return out.join('\n\n');
}

/** How many problems lead the report; the rest follow in one line each. */
export const TOP_PROBLEMS = 10;

/**
 * The week as a short list: related findings under one problem, the most
 * important first, each pointing at its findings below.
 */
function problemsSection(findings: Finding[]): string[] {
  const problems = groupProblems(findings);
  // Nothing to shorten: a few findings, each its own problem, read as they are.
  if (problems.length < 2 || (problems.length === findings.length && findings.length <= TOP_PROBLEMS)) return [];
  const byRank = new Map(findings.map((f) => [f.rank, f]));
  const link = (rank: number) => {
    const f = byRank.get(rank);
    return f ? `[#${rank}](#${anchor(f)})` : `#${rank}`;
  };
  const line = (p: Problem, i: number) => {
    const where = p.components.slice(0, 4).map((c) => mdText(c)).join(', ') + (p.components.length > 4 ? `, +${p.components.length - 4} more` : '');
    return `${i + 1}. **${mdText(p.title)}** — ${p.severity} · ${int(p.traces)} run${p.traces === 1 ? '' : 's'} · ${where} · finding${p.ranks.length === 1 ? '' : 's'} ${p.ranks.slice(0, 8).map(link).join(', ')}${p.ranks.length > 8 ? ', …' : ''}`;
  };
  const out = [`## Top problems (${Math.min(TOP_PROBLEMS, problems.length)} of ${problems.length})`, 'Related findings grouped by the kind of failure; each problem links to its findings below.', problems.slice(0, TOP_PROBLEMS).map(line).join('\n')];
  if (problems.length > TOP_PROBLEMS) out.push(`Also: ${problems.slice(TOP_PROBLEMS).map((p) => `${mdText(p.title)} (${p.ranks.map(link).join(', ')})`).join('; ')}.`);
  return out;
}

/** Muted findings: one line each, after the main list (src/history/mutes.ts). */
function mutedSection(muted: Finding[]): string[] {
  if (!muted.length) return [];
  return [
    `## Muted (${muted.length})`,
    'Left out of the list above, gates and exports until their share grows past the threshold (`halo mute list`, `halo unmute`).',
    muted.map((f) => `- ${mdText(oneLine(f.title))} (${mdCode(f.fingerprint)}, ${pct(f.prevalence.share)} of traces, back at ${pct(f.muted?.resurfaceShare ?? 1)}): ${mdText(oneLine(f.muted?.reason ?? ''))}`).join('\n'),
  ];
}

export function renderMarkdownReport(full: FindingsFile): string {
  const muted = full.findings.filter(isMuted);
  const file = muted.length ? { ...full, findings: full.findings.filter((f) => !isMuted(f)) } : full;
  const { run } = file;
  const out: string[] = ['# Halo report'];
  const runLines = [
    `- **Run:** ${mdCode(run.id)} · ${run.mode === 'offline' ? 'offline (deterministic detectors)' : 'model-driven'} · ${run.startedAt} · engine ${mdText(run.engineVersion)}`,
    // Files, what halo collect received, or a pull from a trace service (set by the CLI).
    ...(typeof run.options.input === 'string' && run.options.input ? [`- **Input:** ${mdText(run.options.input)}`] : []),
    ...datasetLines(file.dataset),
    ...outcomeLines(file.outcomes),
  ];
  if (run.partial) runLines.push(`- **Partial result:** ${mdText(oneLine(run.partialReason ?? 'a budget ran out before the analysis finished'))}`);
  if (run.usage) {
    runLines.push(
      `- **Model usage:** ${run.usage.turns} turns, ${run.usage.subCalls} sub-calls, ${int(run.usage.inputTokens)} in / ${int(run.usage.outputTokens)} out tokens, $${run.usage.costUsd.toFixed(2)}`,
    );
  }
  out.push(runLines.join('\n'));
  if (file.summary.trim()) out.push(mdBlock(file.summary));

  out.push(...problemsSection(file.findings));
  if (file.comparison) out.push(...comparisonMarkdown(file.comparison, full, { cell: mdCell, text: mdText }));
  out.push(`## Findings (${file.findings.length})`);
  if (file.findings.length === 0) {
    out.push('No failure mode survived verification in this window.');
  } else {
    out.push(
      file.findings.some((f) => f.impact)
        ? 'Ranked by severity weight × share of affected traces × confidence (confirmed 1.0, hypothesis 0.7) × how much more often its runs fail than the other judged runs (the difference, at least 0.001, which is also what a finding none of whose runs has a verdict gets; a finding whose runs failing is close to what it says takes the median of the others).'
        : 'Ranked by severity weight × share of affected traces × confidence (confirmed 1.0, hypothesis 0.7).',
      rankedTable(file.findings),
      ...file.findings.map(findingSection),
    );
  }
  out.push(...mutedSection(muted));
  if (file.resolved && file.resolved.length) {
    out.push(
      '## Resolved since the last run',
      file.resolved.map((r) => `- ${mdText(oneLine(r.title))} (${mdCode(r.fingerprint)}, last seen ${mdText(r.lastSeen)})`).join('\n'),
    );
  }
  out.push(verificationSection(file));
  return out.join('\n\n') + '\n';
}
