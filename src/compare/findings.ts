// Significant regressions of a comparison as findings in the normal schema:
// each cites the runs of this window that show it (the failed runs for a
// drop in success; for a rise, the runs past the baseline's 90th percentile)
// and carries a predicate the engine re-runs over the window, so it is
// verified like every other finding. Every sentence states a number the
// comparison computed from the runs; nothing is guessed about why.
import type { FindingInput, Severity, Category } from '../findings/schema.ts';
import type { RunMetric } from './types.ts';
import type { Comparison, ComparisonRow, MetricName } from './schema.ts';
import { groupLabel, inGroup, metricValue } from './compare.ts';
import { quantile } from './stats.ts';
import { agentSteps } from '../eval/steps.ts';
import { AGENT_EXPR } from '../ingest/agent-identity.ts';
import { OUTCOME_FAILED_EXPR } from '../../sandbox/detectors/outcomes.ts';

const MAX_EVIDENCE = 20;
const lit = (v: unknown) => JSON.stringify(v);

const DATED = '!((t.spans.find((s) => s.spanId === t.rootSpanId) || {}).attributes || {})["halo.synthetic_time"]';
const callMean = (match: string) =>
  `((t) => { if (!${DATED}) return null; let n = 0, ms = 0; for (const s of t.spans) if (${match} && typeof s.durationMs === "number") { n++; ms += s.durationMs; } return n ? ms / n : null; })(t)`;
const TOOL_NAME = '((s.tool && typeof s.tool.name === "string" && s.tool.name) || (typeof s.name === "string" ? s.name : "") || "(unnamed)")';

/** The per-run value of a metric as an expression over `t`, computed the way sandbox/run-metrics.ts computes it. */
function valueExpr(row: ComparisonRow): string {
  const g = row.group;
  switch (row.metric) {
    case 'steps':
      return `(${agentSteps.toString()})(t).steps`;
    case 'tokens':
      return '(t.tokens && typeof t.tokens.total === "number" ? t.tokens.total : 0)';
    case 'cost':
      return '(typeof t.costUsd === "number" ? t.costUsd : 0)';
    case 'latency':
      return `(${DATED} && typeof t.durationMs === "number" ? t.durationMs : null)`;
    case 'toolLatency':
      return callMean(`(s.kind === "tool" || s.tool != null) && ${TOOL_NAME} === ${lit(g.tool)}`);
    case 'modelLatency':
      return callMean(`!(s.kind === "tool" || s.tool != null) && s.kind === "llm" && s.model === ${lit(g.model)}`);
    case 'modelCost':
      return `t.spans.reduce((c, s) => !(s.kind === "tool" || s.tool != null) && s.kind === "llm" && s.model === ${lit(g.model)} && typeof s.costUsd === "number" ? c + s.costUsd : c, 0)`;
    case 'success':
      return OUTCOME_FAILED_EXPR;
  }
}

function groupExpr(row: ComparisonRow): string {
  const parts: string[] = [];
  if (row.group.agent !== undefined) parts.push(`${AGENT_EXPR} === ${lit(row.group.agent)}`);
  if (row.group.task !== undefined) parts.push(`t.taskId === ${lit(row.group.task)}`);
  return parts.join(' && ');
}

const NOUN: Record<MetricName, string> = {
  success: 'success rate', steps: 'steps per run', tokens: 'tokens per run', cost: 'cost per run', latency: 'run duration',
  toolLatency: 'time per call', modelLatency: 'time per call', modelCost: 'cost per run',
};

const CATEGORY: Record<MetricName, Category> = {
  success: 'outcome', steps: 'trajectory', tokens: 'cost', cost: 'cost', latency: 'latency', toolLatency: 'latency', modelLatency: 'latency', modelCost: 'cost',
};

function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return a >= 100 ? Math.round(n).toLocaleString('en-US') : a >= 10 ? n.toFixed(1).replace(/\.0$/, '') : String(Number(n.toPrecision(3)));
}

/** A metric's value with its unit. */
export function formatValue(metric: MetricName, v: number): string {
  switch (metric) {
    case 'success':
      return `${Math.round(v * 100)}%`;
    case 'steps':
      return `${fmtNum(v)} steps`;
    case 'tokens':
      return `${fmtNum(v)} tokens`;
    case 'cost':
    case 'modelCost':
      return `$${Math.abs(v) < 0.01 ? v.toFixed(4) : v.toFixed(2)}`;
    default:
      return Math.abs(v) >= 60_000 ? `${(v / 60_000).toFixed(1)} min` : Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
  }
}

const signed = (metric: MetricName, v: number) => (v >= 0 ? '+' : '−') + formatValue(metric, Math.abs(v));
/** A value without its trailing count unit, for the second end of a range ("4–5 steps"). */
export const bare = (m: MetricName, v: number) => formatValue(m, v).replace(/ (steps|tokens)$/, '');
const range = (m: MetricName, lo: number, hi: number) => `${bare(m, lo)}–${formatValue(m, hi)}`;
const signedRange = (m: MetricName, lo: number, hi: number) => `${(lo >= 0 ? '+' : '−') + bare(m, Math.abs(lo))} to ${signed(m, hi)}`;
/** A threshold shown with enough digits to tell it from the median next to it. */
const precise = (m: MetricName, v: number) => (m === 'cost' || m === 'modelCost' ? `$${Number(v.toPrecision(3))}` : formatValue(m, v));
/** Signed whole percentage points; a change that rounds to zero has no sign. */
export const signedPoints = (v: number) => {
  const r = Math.round(v * 100);
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r)}`;
};
const points = (v: number) => `${signedPoints(v)} points`;
const pointsRange = (lo: number, hi: number) => `${signedPoints(lo)} to ${signedPoints(hi)} points`;
export const pText = (p: number) => (p < 1e-15 ? '< 1e-15' : p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2))));
/** "p = 0.003" or "p < 1e-15". */
const pIs = (p: number) => (p < 1e-15 ? 'p < 1e-15' : `p = ${pText(p)}`);

/** One sentence of a row's numbers, as the report table states them. */
export function rowSentence(row: ComparisonRow, c: Pick<Comparison, 'tests'>): string {
  const b = row.baseline;
  const cu = row.current;
  const m = row.metric;
  const test = `${pIs(row.p)}; ${pIs(row.pAdjusted)} after Holm's correction over ${c.tests} test${c.tests === 1 ? '' : 's'}`;
  if (m === 'success') {
    return (
      `Success rate ${formatValue(m, b.value)} (${b.k}/${b.n}) in the baseline, ${formatValue(m, cu.value)} (${cu.k}/${cu.n}) in this window: ` +
      `${points(row.change.value)} (95% interval ${pointsRange(row.change.low, row.change.high)}; ${test}).`
    );
  }
  const rel = row.change.relative === null ? '' : ` (${row.change.relative >= 0 ? '+' : '−'}${Math.abs(Math.round(row.change.relative * 100))}%)`;
  return (
    `Median ${NOUN[m]} ${formatValue(m, b.value)} (95% interval ${range(m, b.low, b.high)}, ${b.n} runs) in the baseline, ` +
    `${formatValue(m, cu.value)} (${range(m, cu.low, cu.high)}, ${cu.n} runs) in this window: ${signed(m, row.change.value)}${rel}, ` +
    `bootstrap 95% interval ${signedRange(m, row.change.low, row.change.high)} (Mann-Whitney ${test}).`
  );
}

function severityOf(row: ComparisonRow): Severity {
  if (row.metric === 'success') return row.change.high <= -0.1 ? 'high' : 'medium';
  return (row.change.relative ?? 0) >= 1 ? 'high' : 'medium';
}

/** Mean calls per run of each tool, for the group's runs. */
function callsPerRun(rows: RunMetric[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) for (const [name, t] of Object.entries(r.tools)) out.set(name, (out.get(name) ?? 0) + t[0]);
  for (const [k, v] of out) out.set(k, v / Math.max(1, rows.length));
  return out;
}

const modelsOf = (rows: RunMetric[]) => [...new Set(rows.flatMap((r) => Object.keys(r.models)))].sort();

/** What the runs themselves say changed for the group: its models, and the tool whose calls per run rose most. */
function changeContext(row: ComparisonRow, base: RunMetric[], cur: RunMetric[]): string {
  const out: string[] = [];
  const bm = modelsOf(base);
  const cm = modelsOf(cur);
  if (bm.length && cm.length) {
    if (bm.join('\n') !== cm.join('\n')) out.push(`Its model calls went to ${bm.join(', ')} in the baseline and to ${cm.join(', ')} in this window.`);
    else out.push(`It called the same model${cm.length === 1 ? '' : 's'} in both windows (${cm.join(', ')}): this is not a switch of model.`);
  }
  if (row.metric === 'steps' || row.metric === 'tokens' || row.metric === 'cost') {
    const bc = callsPerRun(base);
    const cc = callsPerRun(cur);
    let best: { name: string; from: number; to: number } | null = null;
    for (const [name, to] of cc) {
      const from = bc.get(name) ?? 0;
      if (to - from > 0 && (!best || to - from > best.to - best.from)) best = { name, from, to };
    }
    if (best && best.to - best.from >= 0.5) out.push(`Calls of tool ${best.name} per run rose the most: ${fmtNum(best.from)} → ${fmtNum(best.to)} on average.`);
  }
  return out.join(' ');
}

function successContext(row: ComparisonRow, c: Comparison): string {
  const s = c.rows.find((r) => r.metric === 'success' && r.group.agent === row.group.agent && r.group.task === row.group.task && !row.group.tool && !row.group.model);
  if (!s) return row.group.agent !== undefined ? 'Success could not be compared (the runs carry no outcomes, or too few in one window), so this rise is not weighed against outcomes.' : '';
  if (s.verdict === 'none') return `Its success rate did not change significantly: ${formatValue('success', s.baseline.value)} → ${formatValue('success', s.current.value)}, ${points(s.change.value)} (95% interval ${pointsRange(s.change.low, s.change.high)}), so the same results cost more.`;
  return `Its success rate changed too (${formatValue('success', s.baseline.value)} → ${formatValue('success', s.current.value)}): see that finding.`;
}

export interface ComparisonFindingsInput {
  comparison: Comparison;
  base: RunMetric[];
  cur: RunMetric[];
  /** How the baseline is named in titles ("the previous 7d", "run 2026…"). */
  baselineName: string;
  /** Runs without timestamps were left out of the comparison: the predicates leave them out too. */
  datedOnly?: boolean;
}

/** Share of `ids` that an earlier finding of the same category already cites as affected. */
function restated(ids: string[], category: Category, earlier: FindingInput[]): boolean {
  return earlier.some((f) => {
    if (f.category !== category) return false;
    const seen = new Set(f.data!.traceIds as string[]);
    return ids.filter((id) => seen.has(id)).length >= 0.9 * ids.length;
  });
}

export function comparisonFindings({ comparison, base, cur, baselineName, datedOnly }: ComparisonFindingsInput): FindingInput[] {
  const out: FindingInput[] = [];
  const total = cur.length;
  // Agents first: a tool's or model's change that is one agent's change, run for run, is stated once, by the agent.
  const rows = [...comparison.rows].sort((a, b) => Number(a.group.agent === undefined) - Number(b.group.agent === undefined));
  for (const row of rows) {
    if (row.verdict !== 'worse') continue;
    const gBase = base.filter((r) => inGroup(row.group, r));
    const gCur = cur.filter((r) => inGroup(row.group, r));
    const label = groupLabel(row.group);
    const m = row.metric;
    const value = (r: RunMetric) => metricValue(m, row.group, r);
    let affected: RunMetric[];
    let predicate: string;
    let shows: string;
    let title: string;
    const gx = [datedOnly ? DATED : '', groupExpr(row)].filter(Boolean).join(' && ');
    if (m === 'success') {
      affected = gCur.filter((r) => r.ok === false);
      predicate = `(t) => ${gx ? `${gx} && ` : ''}${OUTCOME_FAILED_EXPR}`;
      shows = `The ${affected.length} failed run${affected.length === 1 ? '' : 's'} of this window are cited.`;
      title = `${label}: success rate fell from ${formatValue(m, row.baseline.value)} to ${formatValue(m, row.current.value)} against ${baselineName}`;
    } else {
      const baseValues = gBase.map(value).filter((v): v is number => v !== null);
      const threshold = quantile(baseValues, 0.9);
      affected = gCur.filter((r) => (value(r) ?? -Infinity) > threshold).sort((a, b) => value(b)! - value(a)!);
      const baseOver = baseValues.filter((v) => v > threshold).length;
      const expr = valueExpr(row);
      predicate = `(t) => ${gx ? `${gx} && ` : ''}((v) => v !== null && v > ${lit(threshold)})(${expr})`;
      shows =
        `${affected.length} of this window's ${row.current.n} runs (${Math.round((affected.length / Math.max(1, row.current.n)) * 100)}%) are above the baseline's 90th percentile (${precise(m, threshold)}), ` +
        `against ${baseOver} of ${baseValues.length} (${Math.round((baseOver / Math.max(1, baseValues.length)) * 100)}%) in the baseline; they are the runs cited.`;
      const rel = row.change.relative === null ? '' : ` (${row.change.relative >= 0 ? '+' : '−'}${Math.abs(Math.round(row.change.relative * 100))}%)`;
      title = `${label}: median ${NOUN[m]} rose from ${formatValue(m, row.baseline.value)} to ${formatValue(m, row.current.value)}${rel} against ${baselineName}`;
    }
    if (!affected.length) continue;
    if (row.group.agent === undefined && restated(affected.map((r) => r.id), CATEGORY[m], out)) continue;
    const efficiency = m === 'steps' || m === 'tokens' || m === 'cost';
    const context = row.group.tool === undefined && row.group.model === undefined ? changeContext(row, gBase, gCur) : '';
    const summary = [rowSentence(row, comparison), efficiency ? successContext(row, comparison) : '', shows].filter(Boolean).join(' ');
    const component = row.group.tool !== undefined ? row.group.tool : row.group.model !== undefined ? row.group.model : label;
    out.push({
      title: title.slice(0, 200),
      category: CATEGORY[m],
      severity: severityOf(row),
      summary,
      rootCause: {
        statement: context || `The comparison shows when and by how much ${label}'s ${NOUN[m]} changed; the runs do not record why.`,
        confidence: 'hypothesis',
      },
      fix: {
        summary:
          m === 'success'
            ? `Read the cited failed runs against passing runs of the baseline for what changed (prompt, tools, model, release), fix it, and gate the fix on \`halo compare\` against this baseline.`
            : `Read the cited runs against typical runs of the baseline for where the rise in ${NOUN[m]} comes from${efficiency ? ' (which calls repeat or grow)' : ''}, fix that, and gate the fix on \`halo compare\` against this baseline.`,
        kind: m === 'toolLatency' || m === 'modelLatency' || m === 'modelCost' ? 'config' : 'prompt',
      },
      evidence: affected.slice(0, MAX_EVIDENCE).map((r) => ({ traceId: r.id, note: m === 'success' ? 'failed run' : `${formatValue(m, value(r)!)}` })),
      prevalence: { traces: affected.length, total, share: total ? affected.length / total : 0 },
      predicate,
      key: { component, signature: `comparison:${m}-${m === 'success' ? 'down' : 'up'}` },
      // Against "previous", next window's baseline is this one: a rise that stays would read as no change.
      monitor: `Compare later windows with the same baseline (${baselineName}), not with the window before each: a rise that stays reads as no change against itself.`,
      source: 'detector:compare',
      data: { traceIds: affected.map((r) => r.id), comparison: row, ...(m === 'success' ? { noImpact: true } : { severityFixed: true }) },
    });
  }
  return out;
}
