// `halo exec`: run your own JavaScript against the loaded traces, with the
// same sandbox API a model gets. Output is what the script prints, then the
// value of its last expression (like `node -p`).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createSandbox, DEFAULT_CELL_TIMEOUT_MS } from '../sandbox/supervisor.ts';
import type { CellResult } from '../sandbox/api.ts';
import { addSandboxOptions, loadProgress, sandboxOptionsFrom, type SandboxCliOptions } from './sandbox-options.ts';
import { UsageError } from '../errors.ts';
import { exitOnParseError } from './exit.ts';
import { exitOnSignals } from './interrupt.ts';

interface ExecOptions extends SandboxCliOptions {
  eval?: string;
  json?: boolean;
}

/** Generous: a person reads this, not a model's context window. */
const EXEC_OUTPUT_LIMIT = 1_000_000;


export function registerExec(program: Command): void {
  const cmd = program
    .command('exec')
    .description('Run JavaScript over the traces inside the sandbox, with the same API a model gets.')
    .argument('[script-and-files...]', 'a script file followed by trace files (or only trace files with -e)')
    .option('-e, --eval <code>', 'run this code instead of a script file')
    .option('--json', 'print {ok, output, value, error} as JSON');
  addSandboxOptions(cmd)
    .addHelpText(
      'after',
      `
The script sees: traces, meta, print/console.log, render(trace, {budget}),
detect.* (the built-in detectors). Top-level await works. llm/llmBatch/rlm/
submit need a model and are only available inside \`halo analyze\`.

Examples:
  # How many traces, and how many failed?
  $ halo exec -e 'print(traces.length, traces.filter(t => t.status === "error").length)' traces.jsonl

  # Which tool fails most right after a rate-limit retry?
  $ halo exec -e '
      const n = {};
      for (const t of traces) t.spans.forEach((s, i) => {
        if (!/429|rate.?limit/i.test(s.statusMessage ?? s.error?.message ?? "")) return;
        const next = t.spans.slice(i + 1).find(x => x.kind === "tool");
        if (next?.status === "error") n[next.tool?.name ?? next.name] = (n[next.tool?.name ?? next.name] ?? 0) + 1;
      });
      Object.entries(n).sort((a, b) => b[1] - a[1]).slice(0, 5)' traces.jsonl

  # Median cost per agent over the last week of the bundled sample
  $ halo exec analysis.js samples/week --window 7d --until latest

  # Show one failing trace as a compact tree
  $ halo exec -e 'render(traces.find(t => t.status === "error"), { budget: 3000 })' traces.jsonl

Defaults: all traces (no window), ${DEFAULT_CELL_TIMEOUT_MS / 1000}s of execution per run, heap limit 3x the input
size (at least 512 MB). A run that exceeds its limits is stopped with an error.

Exit codes:
  0  the script ran
  1  the script threw, had a syntax error, or hit a limit
  2  bad usage or unreadable input`,
    )
    .exitOverride(exitOnParseError)
    .action(async (args: string[], opts: ExecOptions) => {
      let code: string;
      let name: string;
      let files: string[];
      if (opts.eval !== undefined) {
        code = opts.eval;
        name = '<eval>';
        files = args;
      } else {
        if (args.length === 0) throw new UsageError('exec: give a script file or -e <code>, then trace files (see halo exec --help)');
        name = args[0];
        files = args.slice(1);
        try {
          code = readFileSync(name, 'utf8');
        } catch (err) {
          throw new UsageError(`exec: cannot read script ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      if (files.length === 0) throw new UsageError('exec: no trace files given (see halo exec --help)');

      const progress = loadProgress();
      const sandbox = createSandbox({ ...sandboxOptionsFrom(files, opts), outputLimit: EXEC_OUTPUT_LIMIT, onProgress: progress.update });
      const keepSignals = exitOnSignals('exec', 'the script was stopped');
      try {
        try {
          await sandbox.load();
        } finally {
          progress.done();
        }
        const result = await sandbox.run(code);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(jsonResult(result), null, 2)}\n`);
        } else {
          process.stdout.write(result.output);
          if (result.ok && result.valueText !== undefined) process.stdout.write(`${result.valueText}\n`);
          if (!result.ok) process.stderr.write(`halo exec: ${describeFailure(name, result)}\n`);
        }
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        keepSignals();
        await sandbox.close();
      }
    });
}

function jsonResult(r: CellResult) {
  return { ok: r.ok, output: r.output, outputLength: r.outputLength, truncated: r.truncated, value: r.value, ...(r.error ? { error: r.error } : {}) };
}

export function describeFailure(name: string, r: CellResult): string {
  const e = r.error;
  if (!e) return 'failed';
  return `${e.line !== undefined ? `${name}:${e.line}: ` : `${name}: `}${e.message}`;
}
