// `halo eval`: how right are the findings? Scores a findings.json (or a
// run's per-run diagnoses.jsonl) against labelled runs: recall by category at
// trace, step and span level, precision, and agent/step accuracy on
// multi-agent labels (src/eval/score.ts says what counts as a hit).
import type { Command } from 'commander';
import { loadTraces } from '../ingest/reader.ts';
import { readLabels, LabelError } from '../eval/read-labels.ts';
import { isUserError } from '../errors.ts';
import { readPredictions } from '../eval/read-predictions.ts';
import type { Counts } from '../eval/score.ts';
import { evaluate, type Comparison, type FullEval } from '../eval/evaluate.ts';
import type { Trace } from '../types.ts';
import { exitOnParseError } from './exit.ts';

interface EvalOptions {
  labels: string[];
  traces?: string[];
  top?: string;
  json?: boolean;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Score findings.json or diagnoses.jsonl against labelled runs: recall by category, precision, agent/step accuracy, next to a naive baseline.')
    .argument('<findings>', 'a findings.json written by halo analyze, or a diagnoses.jsonl (one {traceId, spanId?, agent?, step?} per line)')
    .requiredOption('--labels <paths...>', 'label files or folders: JSONL label lines, TRAIL annotation folders, Who&When run files')
    .option('--traces <files...>', 'the labelled traces (needed for step-level scores and to match Who&When runs)')
    .option('--top <n>', 'score only the n best-ranked findings')
    .option('--json', 'print the scores as JSON')
    .addHelpText(
      'after',
      `
Label JSONL, one line per labelled error or per failed run (traceId only):
  {"traceId": "t1", "spanId": "s7", "agent": "planner", "step": 3, "category": "Tool-related", "reason": "…"}

What counts as a hit: trace = the labelled run is among a finding's affected
runs; step = a finding cites a span in the same step as the labelled span (the
span's halo.step, else its ancestor just below the run's agent span); span = a
finding cites the labelled span. Runs given with --traces but not labelled
count as not failed. Recall counts labels (a run may hold several); "runs"
counts labelled runs.

With --traces, the same labels also score the findings without the outcome
summary (category outcome: "N runs failed" affects every failed run by
construction) and a naive baseline: every failing span below the run span,
plus the next model call after it. Findings that only match the baseline
found nothing a grep would not.

Examples:
  $ halo analyze runs/ --offline --out out/ && halo eval out/findings.json --labels annotations/ --traces runs/
  $ halo eval diagnoses.jsonl --labels labels.jsonl --traces runs/ --json

Exit codes:
  0  scores printed
  2  unreadable findings, labels or traces`,
    )
    .exitOverride(exitOnParseError)
    .action(async (findingsPath: string, opts: EvalOptions) => {
      try {
        let predictions = readPredictions(findingsPath);
        if (opts.top !== undefined) {
          const n = Number(opts.top);
          if (!Number.isInteger(n) || n < 1) throw new LabelError(`--top ${opts.top}: expected a positive whole number`);
          predictions = predictions.filter((p) => p.rank <= n);
        }
        const labels = readLabels(opts.labels);
        let traces: Trace[] = [];
        if (opts.traces?.length) traces = (await loadTraces(opts.traces)).traces;
        const report = evaluate(predictions, labels, traces);
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderEval(report, traces.length > 0));
      } catch (err) {
        if (isUserError(err)) {
          process.stderr.write(`halo eval: ${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
    });
}

const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);
const frac = (a: number, b: number) => `${a}/${b} (${pct(b ? a / b : null)})`;

function row(name: string, c: Counts): string {
  return `  ${name.padEnd(34)} ${String(c.labels).padStart(6)}  ${frac(c.trace, c.labels).padEnd(16)} ${frac(c.step, c.labels).padEnd(16)} ${c.withSpan ? frac(c.span, c.withSpan) : '–'}`;
}

function versus(name: string, c: Comparison): string {
  const o = c.recall.overall;
  const p = c.precision;
  return `  ${name.padEnd(26)} ${frac(c.recall.runs.affected, c.recall.runs.labelled).padEnd(18)} ${frac(o.trace, o.labels).padEnd(18)} ${frac(o.step, o.labels).padEnd(18)} ${(o.withSpan ? frac(o.span, o.withSpan) : '–').padEnd(18)} ${frac(p.labelledSteps, p.citedSteps).padEnd(21)} ${frac(p.failedRuns, p.affectedRuns)}`;
}

export function renderEval(r: FullEval, withTraces: boolean): string {
  const out: string[] = [];
  out.push(`Labels     ${r.labels.total} labels (${r.labels.matched} matched to a run, ${r.labels.unmatched} not) in ${r.labels.runs} labelled runs`);
  out.push(`Findings   ${r.predictions}`);
  if (!withTraces) out.push('           (no --traces: step-level scores use only labels and claims that carry a step; no baseline)');
  out.push('');
  out.push(`Recall (denominator: labels; labelled runs with an affected finding: ${frac(r.recall.runs.affected, r.recall.runs.labelled)} runs)`);
  out.push(`  ${'category'.padEnd(34)} ${'labels'.padStart(6)}  ${'trace'.padEnd(16)} ${'step'.padEnd(16)} span (labels naming a span)`);
  out.push(row('all', r.recall.overall));
  for (const [cat, c] of Object.entries(r.recall.byCategory).sort((a, b) => b[1].labels - a[1].labels)) out.push(row(cat, c));
  out.push('');
  const p = r.precision;
  out.push('Precision');
  out.push(`  cited steps that hold a label    ${frac(p.labelledSteps, p.citedSteps)} steps`);
  out.push(`  cited spans in a labelled step   ${frac(p.stepHits, p.citedSpans)} spans`);
  out.push(`  cited spans that are labelled    ${frac(p.spanHits, p.citedSpans)} spans`);
  out.push(`  affected runs labelled failed    ${frac(p.failedRuns, p.affectedRuns)} runs`);
  out.push('');
  out.push('Against the naive baseline (same labels; recall over labels, precision over cited steps and affected runs)');
  out.push(`  ${''.padEnd(26)} ${'labelled runs hit'.padEnd(18)} ${'trace recall'.padEnd(18)} ${'step recall'.padEnd(18)} ${'span recall'.padEnd(18)} ${'cited steps labelled'.padEnd(21)} affected runs failed`);
  out.push(versus('findings', r));
  out.push(versus('without outcome summary', r.withoutOutcome));
  if (r.baseline) out.push(versus('naive baseline', r.baseline));
  else out.push('  naive baseline             (needs --traces)');
  if (r.attribution) {
    const a = r.attribution;
    out.push('');
    out.push('Attribution (runs labelled with an agent or step)');
    out.push(`  runs with a located finding      ${frac(a.predicted, a.runs)} runs`);
    out.push(`  agent correct                    ${frac(a.agentCorrect, a.runs)} runs`);
    out.push(`  step correct                     ${frac(a.stepCorrect, a.runs)} runs`);
  }
  out.push('');
  out.push('Per finding (runs: affected runs labelled failed; spans: cited spans in a labelled step)');
  for (const f of r.perPrediction.slice(0, 15)) {
    out.push(`  ${String(f.rank).padStart(3)}  runs ${frac(f.failedAffected, f.affected).padEnd(14)} steps ${frac(f.stepHits, f.cited).padEnd(14)} ${f.title.replace(/\s+/g, ' ').slice(0, 70)}`);
  }
  return `${out.join('\n')}\n`;
}
