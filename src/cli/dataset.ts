// `halo dataset`: a small, stable eval set from the findings — the failing
// runs' inputs, what they did, what the fix should make them do — written as
// JSONL and, on request, for promptfoo, Langfuse and Braintrust.
import { Command, Option } from 'commander';
import { exitCodeOf, isUserError, UsageError } from '../errors.ts';
import { buildDataset, DEFAULT_MIN_SEVERITY, DEFAULT_PER_FINDING } from '../dataset/build.ts';
import { Severity } from '../findings/schema.ts';
import { DATASET_FORMATS, type DatasetFormat } from '../dataset/formats.ts';
import { parseFieldOptions } from '../ingest/field-mapping.ts';
import { exitOnParseError } from './exit.ts';

const list = (text: string, prev: string[] = []) => [...prev, ...text.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerDataset(program: Command): Command {
  return program
    .command('dataset')
    .description("Write eval cases from findings: the failing runs' inputs, the behaviour observed and the behaviour the fix should produce")
    .argument('[files...]', 'trace files the findings came from; default: the files recorded in findings.json')
    .option('--findings <file>', 'findings.json to take the cases from', 'halo-report/findings.json')
    .option('--out <file>', 'the dataset (JSONL); when it exists its cases are kept and new ones added', 'halo-evals/cases.jsonl')
    .addOption(new Option('--finding <id>', 'only this finding: a fingerprint (or its prefix) or an id such as F3 (repeatable)').argParser(list))
    .addOption(
      new Option('--per-finding <n>', 'cases per finding, those already in the dataset included').default(DEFAULT_PER_FINDING).argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--per-finding: "${v}" is not a whole number from 1 to 1000`);
        return n;
      }),
    )
    .addOption(
      new Option('--format <list>', `also write these formats beside --out, comma-separated: ${DATASET_FORMATS.filter((f) => f !== 'jsonl').join(', ')}`).argParser((v, prev: string[] = []) => {
        const out = list(v, prev);
        const bad = out.filter((f) => !(DATASET_FORMATS as readonly string[]).includes(f));
        if (bad.length) throw new UsageError(`--format: unknown format ${bad.map((b) => `"${b}"`).join(', ')} (use ${DATASET_FORMATS.join(', ')})`);
        return out;
      }),
    )
    .addOption(new Option('--min-severity <severity>', 'findings below this severity make no cases (a --finding named is always used)').default(DEFAULT_MIN_SEVERITY).choices(Severity.options))
    .option('--fresh', 'start a new dataset instead of adding to the one at --out')
    .option('--dataset-name <name>', 'Langfuse dataset name in the import bodies', 'halo-evals')
    .option('--window <duration>', 'read only traces in this window (the findings name runs by id; default: all)')
    .option('--since <time>', 'window start')
    .option('--until <time>', 'window end, or "latest"')
    .addOption(new Option('--field <canonical=key>', 'field mapping for flat records of an unknown exporter (repeatable)').argParser((v, prev: string[] = []) => [...prev, v]))
    .addOption(new Option('--outcomes <file>', 'outcomes kept outside the traces, to tell failures from near-misses (repeatable)').argParser((v, prev: string[] = []) => [...prev, v]))
    .option('--no-redact', 'do not redact secrets in the runs\' inputs')
    .option('--json', 'print the result as JSON')
    .exitOverride(exitOnParseError)
    .addHelpText(
      'after',
      `
Examples:
  $ halo analyze traces/ --window 7d && halo dataset
  $ halo dataset --findings out/findings.json --out evals/agent.jsonl --per-finding 3 --format promptfoo,braintrust
  $ halo dataset --finding 3f9a1c0d --out evals/refunds.jsonl

Cases are chosen the same way every time: per finding, failed runs first, then runs with no
recorded outcome, then near-misses (runs that showed the failure and still passed), each group
ordered by a hash of the finding's fingerprint and the run id; runs with the same inputs make one
case. Run it again next week with the same --out: every case already there stays as it was and
counts toward --per-finding, so only new findings (or ones not yet full) add cases.

Exit codes:
  0  written
  2  bad usage, or an unreadable findings.json, dataset or trace file`,
    )
    .action(async (files: string[], o: Record<string, any>) => {
      try {
        const window = Object.fromEntries((['window', 'since', 'until'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k] as string]));
        const r = await buildDataset({
          findings: o.findings,
          ...(files.length ? { files } : {}),
          ...(Object.keys(window).length ? { window } : {}),
          ...(o.field?.length ? { fields: parseFieldOptions(o.field) } : {}),
          ...(o.outcomes?.length ? { outcomes: o.outcomes } : {}),
          out: o.out,
          formats: (o.format ?? []) as DatasetFormat[],
          perFinding: o.perFinding,
          ...(o.finding?.length ? { only: o.finding } : {}),
          minSeverity: o.minSeverity,
          fresh: Boolean(o.fresh),
          datasetName: o.datasetName,
          redact: o.redact === false ? false : {},
        });
        const s = r.selection;
        if (o.json) {
          process.stdout.write(JSON.stringify({ written: r.written, kept: s.kept, added: s.added, cases: s.cases.length, findings: r.findings, missingRuns: r.missingRuns, perFinding: s.perFinding }, null, 2) + '\n');
          return;
        }
        process.stdout.write(`${s.cases.length} eval case${s.cases.length === 1 ? '' : 's'} from ${r.findings} finding${r.findings === 1 ? '' : 's'}: ${s.kept} kept from ${o.out}, ${s.added} added\n`);
        const empty = s.perFinding.filter((p) => p.cases === 0);
        if (empty.length) process.stdout.write(`  ${empty.length} finding${empty.length === 1 ? ' has' : 's have'} no case: no affected run with inputs in these traces (${empty.slice(0, 5).map((p) => p.id).join(', ')})\n`);
        if (r.missingRuns) process.stdout.write(`  ${r.missingRuns} affected run${r.missingRuns === 1 ? ' was' : 's were'} not in the traces given\n`);
        process.stdout.write(`Wrote ${Object.values(r.written).join(', ')}\n`);
      } catch (err) {
        const code = isUserError(err) ? 2 : exitCodeOf(err);
        process.stderr.write(`halo dataset: ${code === 3 ? 'internal error: ' : ''}${(err as Error)?.message ?? String(err)}\n`);
        process.exitCode = code;
      }
    });
}
