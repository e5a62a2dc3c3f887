// Data the HTML report draws, computed next to the traces (inside the isolate,
// so the parent never holds the dataset). Pure: no Node imports, no zod.
//
// Everything here is bounded, because it ends up embedded in one HTML file:
// a million-span week must still give a report of a few MB. Aggregates are
// small by construction (days × categories, agents × buckets); the drill-down
// traces are capped in number, spans per trace, and characters of text.
import type { Trace } from '../types.ts';
import { citedTraces, embedTrace } from './data/embed.ts';
import { distributions, passed, passK } from './data/stats.ts';
import { agentOf, REPORT_DATA_VERSION, REPORT_LIMITS, type ReportData, type ReportFindingInput, type ReportTrace } from './data/types.ts';
import { findTimeOutliers } from '../ingest/time-outliers.ts';

export * from './data/types.ts';
export { histogram } from './data/stats.ts';

const DAY = 86_400_000;

/** A finding's identity across the isolate/parent boundary: fingerprint, else key, else title. */
export function findingRef(f: { fingerprint?: string; key?: unknown; title?: string }, index: number): string {
  if (f.fingerprint) return f.fingerprint;
  const k = f.key as { component?: unknown; signature?: unknown } | undefined;
  if (k && typeof k.component === 'string' && typeof k.signature === 'string') return `${k.component}::${k.signature}`;
  return f.title ? `title::${f.title}` : `#${index}`;
}

/** The traces a finding affects: `data.traceIds` when the detector listed them, else its evidence. */
export function affectedTraceIds(f: ReportFindingInput): string[] {
  const listed = f.data?.traceIds;
  const ids = Array.isArray(listed) && listed.every((x) => typeof x === 'string') ? (listed as string[]) : f.evidence.map((e) => e.traceId);
  return [...new Set(ids)];
}

function isoDay(ms: number): string {
  return new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10);
}

function failuresByDay(traces: Trace[], findings: ReportFindingInput[], byId: Map<string, Trace>): ReportData['failuresByDay'] {
  let lo = Infinity;
  let hi = -Infinity;
  // One host with a broken clock (year 3000, 1970) would stretch the axis over centuries: its traces are left out and counted.
  const strays = findTimeOutliers(traces);
  for (const t of traces) {
    if (!Number.isFinite(t.startTime) || strays.has(t)) continue;
    if (t.startTime < lo) lo = t.startTime;
    if (t.startTime > hi) hi = t.startTime;
  }
  if (lo > hi) return { days: [], bucketDays: 1, series: [], outside: 0 };
  const first = Math.floor(lo / DAY);
  const spanDays = Math.floor(hi / DAY) - first + 1;
  const bucketDays = Math.max(1, Math.ceil(spanDays / REPORT_LIMITS.timeBuckets));
  const n = Math.ceil(spanDays / bucketDays);
  const days = Array.from({ length: n }, (_, i) => isoDay((first + i * bucketDays) * DAY));

  // A trace counts once per category, however many findings of that category cite it.
  const seen = new Map<string, Set<string>>();
  for (const f of findings) {
    let set = seen.get(f.category);
    if (!set) seen.set(f.category, (set = new Set()));
    for (const id of affectedTraceIds(f)) set.add(id);
  }
  const series: ReportData['failuresByDay']['series'] = [];
  const outside = new Set<string>();
  for (const [category, ids] of seen) {
    const counts = new Array<number>(n).fill(0);
    let total = 0;
    for (const id of ids) {
      const t = byId.get(id);
      if (!t || !Number.isFinite(t.startTime)) continue;
      const b = Math.floor((Math.floor(t.startTime / DAY) - first) / bucketDays);
      if (b < 0 || b >= n) {
        outside.add(id);
        continue;
      }
      counts[b]! += 1;
      total += 1;
    }
    if (total > 0) series.push({ category, counts, total });
  }
  series.sort((a, b) => b.total - a.total || a.category.localeCompare(b.category));
  return { days, bucketDays, series, outside: outside.size };
}

function topFindings(findings: ReportFindingInput[], byId: Map<string, Trace>): ReportData['topFindings'] {
  return findings
    .map((f, i) => ({
      ref: findingRef(f, i),
      title: f.title ?? `${f.category} finding`,
      category: f.category,
      severity: f.severity ?? 'info',
      // Verified prevalence when the finding carries it; else what the data shows.
      traces: f.prevalence?.traces ?? affectedTraceIds(f).filter((id) => byId.has(id)).length,
    }))
    .sort((a, b) => b.traces - a.traces || a.title.localeCompare(b.title))
    .slice(0, REPORT_LIMITS.topFindings);
}

/**
 * `findings` are the verified findings (plain JSON); cited traces are embedded for drill-down.
 * `known`: the window's span and error-trace counts when already counted (a stored window's `meta`),
 * so only the cited traces' spans are read.
 */
export function buildReportData(traces: Trace[], findings: ReportFindingInput[], known?: { spans: number; errorTraces: number }): ReportData {
  const byId = new Map<string, Trace>();
  let spans = 0;
  let errorTraces = 0;
  let failedOutcomes = 0;
  let start = Infinity;
  let end = -Infinity;
  const agents = new Set<string>();
  for (const t of traces) {
    byId.set(t.traceId, t);
    if (!known) {
      spans += t.spans.length;
      // Same count as `halo inspect`: a trace with any failed span, not only a failed root.
      if (t.status === 'error' || t.spans.some((s) => s.status === 'error')) errorTraces += 1;
    }
    if (passed(t) === false) failedOutcomes += 1;
    if (Number.isFinite(t.startTime) && t.startTime < start) start = t.startTime;
    const e = Number.isFinite(t.endTime) ? t.endTime : t.startTime;
    if (Number.isFinite(e) && e > end) end = e;
    agents.add(agentOf(t));
  }

  if (known) ({ spans, errorTraces } = known);
  const limits: ReportData['limits'] = { tracesCited: 0, tracesEmbedded: 0, spansOmitted: 0, fieldsTruncated: 0 };
  const { picked, cited } = citedTraces(findings, byId);
  limits.tracesCited = cited;
  const n = Math.max(1, picked.size);
  const textPerTrace = Math.min(REPORT_LIMITS.textPerTrace, Math.floor(REPORT_LIMITS.textTotal / n));
  const spansPerTrace = Math.min(REPORT_LIMITS.spansPerTrace, Math.floor(REPORT_LIMITS.spansTotal / n));
  const embedded: ReportTrace[] = [];
  for (const [id, citedSpans] of picked) embedded.push(embedTrace(byId.get(id)!, citedSpans, spansPerTrace, textPerTrace, limits));
  limits.tracesEmbedded = picked.size;

  return {
    version: REPORT_DATA_VERSION,
    totals: { traces: traces.length, spans, errorTraces, failedOutcomes, agents: agents.size },
    range: start <= end ? { start, end } : null,
    failuresByDay: failuresByDay(traces, findings, byId),
    topFindings: topFindings(findings, byId),
    passK: passK(traces),
    distributions: distributions(traces),
    traces: embedded,
    limits,
  };
}
