// `halo compare`: this window against a baseline, per agent, task, tool and
// model, with intervals; significant regressions printed as verified findings.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { compare } from '../compare/index.ts';
import { checkBaselineFits, parseBaseline } from '../compare/baseline.ts';
import { COMPARE_DEFAULTS } from '../compare/compare.ts';
import { comparisonTable } from '../compare/text.ts';
import { loadConfig } from '../config/index.ts';
import { exitCodeOf, isUserError, UsageError } from '../errors.ts';
import { exitOnParseError } from './exit.ts';
import { parseFieldOptions } from '../ingest/field-mapping.ts';

interface Flags {
  baseline?: string;
  baselineInputs?: string[];
  window?: string;
  since?: string;
  until?: string;
  outcomes?: string[];
  field?: string[];
  alpha: string;
  minEffect: string;
  minRuns: string;
  state: string;
  json?: boolean;
  out?: string;
  all?: boolean;
  failOnRegression?: boolean;
  config?: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function number(text: string, flag: string, lo: number, hi: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new UsageError(`${flag} ${text}: expected a number from ${lo} to ${hi}`);
  return n;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Compare this window of runs with a baseline: success, steps, tokens, cost and latency per agent, task, tool and model')
    .argument('[files...]', 'trace files, directories or globs; default: "inputs" from the config file')
    .option('--baseline <spec>', 'previous (the same length just before this window), <from>..<to>, or a run id from halo history')
    .option('--baseline-inputs <file>', 'read the baseline from these files instead (another release or model); repeatable', collect)
    .option('--window <duration>', 'this window, e.g. 7d')
    .option('--since <time>', 'this window\'s start: ISO time or relative')
    .option('--until <time>', 'this window\'s end: ISO time, relative, or "latest"')
    .option('--outcomes <file>', 'join outcomes kept outside the traces (repeatable)', collect)
    .option('--field <canonical=key>', 'map a field of an unknown flat record format (repeatable)', collect)
    .option('--alpha <p>', 'family-wise error rate over all tests (Holm)', String(COMPARE_DEFAULTS.alpha))
    .option('--min-effect <share>', 'smallest change worth a verdict: relative for medians (0.1 = 10%), points for success (0.1 = 10 points)', String(COMPARE_DEFAULTS.minEffect))
    .option('--min-runs <n>', 'runs each side needs for a group to be tested', String(COMPARE_DEFAULTS.minRuns))
    .option('--state <dir>', 'run history, for a run id baseline', '.halo')
    .option('--all', 'list every tested row, not only the changes')
    .option('--json', 'print {comparison, findings} as JSON')
    .option('--out <file>', 'also write {comparison, findings} as JSON to this file')
    .option('--fail-on-regression', 'exit 1 when a verified regression is found')
    .option('--config <file>', 'config file (for "inputs")')
    .exitOverride(exitOnParseError)
    .addHelpText(
      'after',
      `
Examples:
  $ halo compare traces/ --window 7d --baseline previous
  $ halo compare samples/week2 --baseline-inputs samples/week --until latest
  $ halo compare traces/ --window 24h --baseline 20261130T060000Z-1a2b3c --json

A change is called only when it is significant after Holm's correction over every test
(agents × tasks × metrics, tools and models) and at least --min-effect. Rates: Wilson
intervals, Newcombe's interval of the difference, a two-proportion test. Steps, tokens,
cost, latency: medians with order-statistic intervals, a seeded bootstrap interval of the
change, Mann-Whitney's test. Regressions become findings citing the runs that show them,
verified like every finding; \`halo analyze --baseline\` adds them to the report.

Exit codes: 0 ok, 1 a regression with --fail-on-regression, 2 bad usage or input, 3 internal error`,
    )
    .action(async (files: string[], flags: Flags) => {
      try {
        const { config } = loadConfig(flags.config);
        if (!files.length) files = config.inputs ?? [];
        if (!files.length) throw new UsageError('no input files: pass trace files, directories or globs, or set "inputs" in halo.config.json');
        const baseline = parseBaseline(flags.baseline, { inputs: flags.baselineInputs ?? [], stateDir: flags.state });
        const window = Object.fromEntries((['window', 'since', 'until'] as const).filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]!]));
        checkBaselineFits(baseline, window);
        const result = await compare({
          files,
          window,
          baseline,
          ...(flags.outcomes?.length ? { outcomes: flags.outcomes } : {}),
          ...(flags.field?.length ? { fields: parseFieldOptions(flags.field) } : {}),
          compare: {
            alpha: number(flags.alpha, '--alpha', 1e-9, 0.5),
            minEffect: number(flags.minEffect, '--min-effect', 0, 10),
            minRuns: Math.round(number(flags.minRuns, '--min-runs', 2, 1e9)),
          },
          onWarning: (m) => process.stderr.write(`halo compare: warning: ${m}\n`),
        });
        const json = JSON.stringify({ comparison: result.comparison, findings: result.findings }, null, 2) + '\n';
        if (flags.out) writeFileSync(flags.out, json);
        if (flags.json) process.stdout.write(json);
        else process.stdout.write(comparisonTable(result.comparison, result.findings, { all: Boolean(flags.all) }));
        if (flags.failOnRegression && result.findings.length) process.exitCode = 1;
      } catch (err) {
        const code = isUserError(err) ? 2 : exitCodeOf(err);
        process.stderr.write(`halo compare: ${code === 3 ? 'internal error: ' : ''}${(err as Error)?.message ?? String(err)}\n`);
        process.exitCode = code;
      }
    });
}
