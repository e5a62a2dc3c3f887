// `halo signal`: apply a plain-language classifier to a window's runs with
// the sub-model. `--dry-run N` judges the N most recent runs and shows the
// labels and reasons, storing nothing; otherwise the deterministic sample is
// labelled, reusing labels already stored, and the labels are kept in the
// state directory for `analyze --outcome-signal`.
import { Command, Option } from 'commander';
import { loadConfig } from '../config/index.ts';
import { MODEL_OPTIONS, RUN_OPTIONS } from '../config/options.ts';
import { analyzeOptionsFrom } from './analyze.ts';
import { resolveMode } from '../analyze.ts';
import { exitCodeOf, isUserError, UsageError } from '../errors.ts';
import { labelRuns, requireModel, type LabelRunsResult } from '../signals/run.ts';
import { resolveSignal } from '../signals/resolve.ts';
import { sampleText } from '../signals/spec.ts';
import { agreementText } from '../signals/outcome.ts';
import { addOptions, readFlags } from './options.ts';
import { exitOnParseError } from './exit.ts';

const SIGNAL_RUN_OPTIONS = ['window', 'since', 'until', 'fields', 'outcomes', 'config', 'state', 'log', 'quiet', 'redact', 'redactPatterns'] as const;

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

function report(r: LabelRunsResult): string {
  const out: string[] = [];
  const s = r.signal;
  const head = r.dryRun
    ? `signal "${s.name}" (dry run, nothing stored): ${r.chosen.length} most recent of ${r.windowRuns} runs judged by ${r.subModel}`
    : `signal "${s.name}": ${r.chosen.length} of ${r.windowRuns} runs in the sample (${sampleText(s.sample)}); ${r.reused} labels reused, ${r.chosen.length - r.reused} judged by ${r.subModel}`;
  out.push(head, `  question: ${s.question}`, `  labels: ${s.labels.join(', ')}${s.fail.length ? ` (fail: ${s.fail.join(', ')})` : ''}`, '');
  if (r.dryRun) {
    const width = Math.min(40, Math.max(6, ...r.chosen.map((id) => id.length)));
    const byId = new Map(r.labelled.map((l) => [l.runId, l]));
    const why = new Map(r.failed.map((f) => [f.runId, f.error]));
    for (const id of r.chosen) {
      const l = byId.get(id);
      out.push(`  ${id.slice(0, width).padEnd(width)}  ${l ? `${l.label.padEnd(12)} ${l.reason}` : `(no label) ${why.get(id) ?? ''}`}`);
    }
    out.push('');
  }
  out.push(`  ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(' · ')}${r.failed.length ? ` · not labelled ${r.failed.length}` : ''}`);
  if (!r.dryRun && r.failed.length) {
    const reasons = new Map<string, number>();
    for (const f of r.failed) reasons.set(f.error ?? 'no answer', (reasons.get(f.error ?? 'no answer') ?? 0) + 1);
    for (const [why, n] of [...reasons].slice(0, 5)) out.push(`    ${n} not labelled: ${why}`);
    out.push('    (they are judged again on the next run)');
  }
  if (r.agreement) out.push(`  The signal ${agreementText(r.agreement)}.`);
  else if (s.fail.length) out.push('  No labelled run carries a recorded outcome, so agreement cannot be measured here.');
  const u = r.usage;
  out.push(`  spent: ${u.subCalls} sub-calls · ${u.inputTokens + u.outputTokens} tokens · $${u.costUsd.toFixed(4)}`);
  return out.join('\n') + '\n';
}

export function registerSignal(program: Command): Command {
  const cmd = program
    .command('signal')
    .description('Label runs with a plain-language classifier judged by the sub-model (outcomes where traces record none)')
    .argument('[files...]', 'trace files, directories or globs; default: "inputs" from the config file')
    .requiredOption('--name <name>', 'the signal: one under "signals" in halo.config.json, or a new one defined by --question')
    .option('--question <text>', 'what the judge answers about each run, e.g. "Did the user get frustrated?"')
    .addOption(new Option('--labels <list>', 'the labels it answers with, comma-separated (default: yes,no)').argParser(list))
    .addOption(new Option('--fail <list>', 'labels that mean the run failed; lets the signal stand in as the outcome for impact').argParser(list))
    .option('--sample <share|count>', 'runs to judge: a share such as 10%, 25%, 50% or all, or a count of runs (default: 10%)')
    .addOption(new Option('--dry-run <n>', 'judge the N most recent runs, print labels and reasons, store nothing').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--dry-run: "${v}" is not a count of runs from 1 to 1000`);
      return n;
    }))
    .option('--json', 'print the result as JSON');
  addOptions(cmd, RUN_OPTIONS, SIGNAL_RUN_OPTIONS);
  addOptions(cmd, MODEL_OPTIONS, Object.keys(MODEL_OPTIONS));
  return cmd
    .exitOverride(exitOnParseError)
    .addHelpText(
      'after',
      `
Examples:
  $ halo signal traces/ --name frustrated --question "Did the user get frustrated?" --dry-run 20
  $ halo signal traces/ --window 7d --name outcome --question "How did the task end?" \\
      --labels completed,partial,failed,abandoned --fail failed,abandoned --sample 25%
  $ halo analyze traces/ --window 7d --outcome-signal outcome     # impact from the labels

The same runs are sampled every time (a hash of the run id and the signal's name), and a
larger share contains a smaller one. Labels are kept in <state>/signals/<name>.json; a
later run reuses them and judges only runs not yet labelled. Each judgement is a sub-call:
budgeted (--max-subcalls, --max-usd), redacted and written to --log (read it with halo replay).

Exit codes:
  0  labelled (runs the judge could not label are listed, and judged again next time)
  1  the judge labelled none of the runs it was asked about (the first error is shown)
  2  bad usage, no model configured, or unreadable input`,
    )
    .action(async (files: string[], raw: Record<string, unknown>, self: Command) => {
      try {
        const flags = readFlags(self, RUN_OPTIONS);
        const modelFlags = readFlags(self, MODEL_OPTIONS);
        const { config, warnings } = loadConfig(flags.config as string | undefined);
        const { opts, model } = analyzeOptionsFrom({ run: flags, model: modelFlags }, config);
        for (const w of warnings) process.stderr.write(`halo signal: warning: ${w}\n`);
        if (!files.length) files = config.inputs ?? [];
        if (!files.length) throw new UsageError('no input files: pass trace files, directories or globs, or set "inputs" in halo.config.json');
        const { mode, reason } = resolveMode({ model });
        requireModel(mode, reason);
        const signal = resolveSignal(
          String(raw.name),
          { question: raw.question as string | undefined, labels: raw.labels as string[] | undefined, fail: raw.fail as string[] | undefined, sample: raw.sample as string | undefined },
          config,
        );
        const window = Object.fromEntries((['window', 'since', 'until'] as const).filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]!]));
        const patterns = opts.redactPatterns ?? [];
        const quiet = opts.quiet === true;
        const result = await labelRuns({
          files,
          window,
          ...(opts.fields ? { fields: opts.fields } : {}),
          ...(opts.outcomes?.length ? { outcomes: opts.outcomes } : {}),
          state: opts.state,
          signal,
          ...(raw.dryRun ? { dryRun: raw.dryRun as number } : {}),
          model,
          ...(opts.log ? { logPath: opts.log } : {}),
          redact: !opts.redact && !patterns.length ? false : { secrets: opts.redact, patterns },
          ...(quiet ? {} : { onProgress: (line: string) => process.stderr.write(`halo signal: ${line}\n`) }),
        });
        if (raw.json) process.stdout.write(JSON.stringify({ ...result, signal: { ...result.signal } }, null, 2) + '\n');
        else process.stdout.write(report(result));
        // Nothing labelled at all is the judge failing (a wrong URL, a refused key), not a result.
        if (result.chosen.length > result.reused && result.labelled.length === result.reused && result.failed.length > 0) {
          process.stderr.write(`halo signal: no run could be labelled: ${result.failed[0]!.error}\n`);
          process.exitCode = 1;
        }
      } catch (err) {
        const code = isUserError(err) ? 2 : exitCodeOf(err);
        process.stderr.write(`halo signal: ${code === 3 ? 'internal error: ' : ''}${(err as Error)?.message ?? String(err)}\n`);
        process.exitCode = code;
      }
    });
}
