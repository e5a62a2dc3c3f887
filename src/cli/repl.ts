// `halo repl`: an interactive prompt over the loaded traces. Each entry is a
// sandbox cell, so variables persist between entries exactly as they do for
// a model. Reads piped input too (one entry per complete statement).
import { appendFileSync, chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { isIncomplete } from '../../sandbox/cell-script.ts';
import { engineClient } from '../sandbox/rpc.ts';
import { createSandbox, DEFAULT_CELL_TIMEOUT_MS } from '../sandbox/supervisor.ts';
import type { Sandbox } from '../sandbox/api.ts';
import { addSandboxOptions, loadProgress, sandboxOptionsFrom, type SandboxCliOptions } from './sandbox-options.ts';
import { describeFailure } from './exec.ts';
import { UsageError } from '../errors.ts';
import { exitOnParseError } from './exit.ts';
import { exitOnSignals } from './interrupt.ts';

const HISTORY_FILE = '.halo_repl_history';
const HISTORY_MAX = 1000;
const REPL_OUTPUT_LIMIT = 200_000;

export const REPL_HELP = `The sandbox API:
  traces                         Trace[] — the window's traces (spans as a tree via parentId)
  meta                           overview: counts, window, agents, models, tools, error taxonomy
  print(...v) / console.log(...) output (capped head + tail)
  render(traceOrSpan, {budget})  compact text of a trace
  detect.<name>(traces)          built-in detectors: {detectors}
  llm / llmBatch / rlm / submit  model calls: only inside \`halo analyze\` with a model

Variables declared with const/let/function/class persist between entries.
Top-level await works. An entry continues while brackets are open or a line
ends with \\.

Commands:
  .help   this text
  .exit   leave (or Ctrl-D)
  Ctrl-C  stop the running entry (the sandbox restarts: variables are lost)

Try:
  traces.filter(t => t.status === 'error').length
  meta.errors.slice(0, 5)
  render(traces.find(t => t.status === 'error'), { budget: 2000 })`;

export function registerRepl(program: Command): void {
  const cmd = program
    .command('repl')
    .description('Interactive JavaScript prompt over the traces, inside the sandbox.')
    .argument('<files...>', 'trace files, globs or directories (.jsonl, .ndjson, .json, .gz)');
  addSandboxOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ halo repl traces.jsonl --window 7d
  halo> const failed = traces.filter(t => t.outcome?.success === false)
  halo> failed.length
  halo> meta.tools.sort((a, b) => b.errorRate - a.errorRate).slice(0, 3)
  halo> .help

  $ echo 'traces.length' | halo repl samples/week

Defaults: all traces, ${DEFAULT_CELL_TIMEOUT_MS / 1000}s of execution per entry. History is kept in
~/${HISTORY_FILE}, readable only by you (it holds what you typed about your traces).
Ctrl-C stops a running entry; the sandbox restarts with the traces reloaded.

Exit codes:
  0  left with .exit or Ctrl-D
  2  bad usage or unreadable input`,
    )
    .exitOverride(exitOnParseError)
    .action(async (files: string[], opts: SandboxCliOptions) => {
      if (files.includes('-')) throw new UsageError('repl: reads your input from stdin, so traces cannot come from stdin (-)');
      const progress = loadProgress();
      const sandbox = createSandbox({ ...sandboxOptionsFrom(files, opts), outputLimit: REPL_OUTPUT_LIMIT, onProgress: progress.update });
      // Ctrl-C is the prompt's own key (see replLoop); SIGTERM ends the session.
      const keepSignals = exitOnSignals('repl', 'the session ended', ['SIGTERM']);
      try {
        let summary;
        try {
          summary = await sandbox.load();
        } finally {
          progress.done();
        }
        const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
        if (interactive) {
          process.stdout.write(`${summary.traces.toLocaleString('en-US')} traces, ${summary.spans.toLocaleString('en-US')} spans loaded. Type .help for the API, .exit to leave.\n`);
        }
        await replLoop(sandbox, { input: process.stdin, output: process.stdout, interactive, historyFile: interactive ? historyPath() : null });
      } finally {
        keepSignals();
        await sandbox.close();
      }
    });
}

function historyPath(): string | null {
  try {
    return join(homedir(), HISTORY_FILE);
  } catch {
    return null;
  }
}

function loadHistory(path: string | null): string[] {
  if (!path || !existsSync(path)) return [];
  try {
    // readline wants newest first.
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_MAX).reverse();
  } catch {
    return [];
  }
}

/** Appends one entry to the history file, which only its owner may read (entries quote trace content). */
export function appendHistory(path: string, entry: string): void {
  appendFileSync(path, `${entry.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
  // A file made before this rule, or under a loose umask, is tightened too.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}

export interface ReplIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A person at a terminal: prompts, line editing, and Ctrl-C as a key. */
  interactive: boolean;
  historyFile: string | null;
}

/** Reads entries until .exit, end of input, or a second Ctrl-C at an idle prompt. */
export async function replLoop(sandbox: Sandbox, io: ReplIo): Promise<void> {
  const { interactive, historyFile: hist } = io;
  const out = io.output;
  // Before the interface exists: lines read while we await would be lost.
  const helpText = await engineClient(sandbox)
    .detectorNames()
    .then((names) => REPL_HELP.replace('{detectors}', names.join(', ')))
    .catch(() => REPL_HELP.replace('{detectors}', ''));
  const rl = createInterface({
    input: io.input,
    output: out,
    terminal: interactive,
    history: loadHistory(hist),
    historySize: HISTORY_MAX,
    prompt: interactive ? 'halo> ' : '',
  });

  let buffer: string[] = [];
  let entry = 0;
  const prompt = () => {
    rl.setPrompt(interactive ? (buffer.length ? '  ... ' : 'halo> ') : '');
    rl.prompt();
  };

  let interrupted = false;
  let running = false;
  const stopCell = () => {
    if (running && sandbox.interrupt()) out.write('\n(interrupting: restarting the sandbox…)\n');
  };
  rl.on('SIGINT', () => {
    if (running) return stopCell();
    if (buffer.length) {
      buffer = [];
      out.write('\n');
      prompt();
      return;
    }
    if (interrupted) {
      // The prompt promised this: a second Ctrl-C leaves.
      out.write('\n');
      rl.close();
      return;
    }
    interrupted = true;
    out.write('\n(press Ctrl-C again or type .exit to leave)\n');
    prompt();
  });

  prompt();
  for await (const raw of rl) {
    interrupted = false;
    if (!buffer.length) {
      const cmd = raw.trim();
      if (cmd === '.exit') break;
      if (cmd === '.help') {
        out.write(`${helpText}\n`);
        prompt();
        continue;
      }
      if (cmd === '') {
        prompt();
        continue;
      }
      if (cmd.startsWith('.') && /^\.[a-z]+$/.test(cmd)) {
        out.write(`unknown command ${cmd}; try .help\n`);
        prompt();
        continue;
      }
    }
    let line = raw;
    const continued = line.endsWith('\\');
    if (continued) line = line.slice(0, -1);
    buffer.push(line);
    const code = buffer.join('\n');
    if (continued || isIncomplete(code)) {
      prompt();
      continue;
    }
    buffer = [];
    entry++;
    if (hist) {
      try {
        appendHistory(hist, code);
      } catch {
        // History is a convenience; a read-only home must not stop the session.
      }
    }
    // Without a terminal, Ctrl-C arrives as a signal rather than a key; only while an entry runs is it ours.
    running = true;
    process.on('SIGINT', stopCell);
    let r;
    try {
      r = await sandbox.run(code);
    } finally {
      running = false;
      process.off('SIGINT', stopCell);
    }
    out.write(r.output);
    if (r.ok && r.valueText !== undefined) out.write(`${r.valueText}\n`);
    if (!r.ok) out.write(`${describeFailure(`entry ${entry}`, r)}\n`);
    prompt();
  }
  if (buffer.length) {
    // Input ended inside an unfinished entry: run it so its error is shown.
    const r = await sandbox.run(buffer.join('\n'));
    out.write(r.output);
    if (!r.ok) out.write(`${describeFailure(`entry ${entry + 1}`, r)}\n`);
  }
  rl.close();
}
