// `halo replay <log>`: a readable account of a run from its JSONL run log —
// each turn's reply, the cells it ran and their output, sub-calls, children,
// submissions and where the budget stood.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { RunLogEvent } from '../rlm/runlog.ts';
import { InputError } from '../errors.ts';
import { parseJsonLines } from '../json-lines.ts';

export interface ReplayOptions {
  /** Show sub-call prompts and replies, and full texts instead of excerpts. */
  verbose?: boolean;
  /** Lines kept per text block when not verbose. */
  maxLines?: number;
}

export function parseRunLog(text: string, file: string): RunLogEvent[] {
  const events = parseJsonLines(text, file, RunLogEvent, 'a Halo run-log event');
  if (events.length === 0) throw new InputError(`${file}: the run log is empty`);
  return events;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const tok = (n: number) =>
  n >= 1_000_000 ? `${(n / 1e6).toFixed(2)}M` : n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n.toLocaleString('en-US');
const usd = (n: number) => `$${n.toFixed(4)}`;
const secs = (ms: number) =>
  ms >= 120_000 ? `${Math.round(ms / 60_000)}m` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`;

function block(text: unknown, indent: string, maxLines: number): string {
  if (typeof text !== 'string' || !text) return '';
  const lines = text.replace(/\s+$/, '').split('\n');
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`] : lines;
  return shown.map((l) => indent + l).join('\n');
}

export function renderReplay(events: RunLogEvent[], opts: ReplayOptions = {}): string {
  const maxLines = opts.verbose ? Infinity : (opts.maxLines ?? 12);
  const out: string[] = [];
  // Sub-calls are summarized per turn unless verbose.
  let pending = { n: 0, inTok: 0, outTok: 0, cost: 0, errors: 0, latency: 0 };
  const flush = (indent: string) => {
    if (pending.n === 0) return;
    out.push(
      `${indent}sub-calls: ${pending.n} · ${tok(pending.inTok)} in / ${tok(pending.outTok)} out · ${usd(pending.cost)}` +
        `${pending.errors ? ` · ${pending.errors} failed` : ''} · slowest ${secs(pending.latency)}`,
    );
    pending = { n: 0, inTok: 0, outTok: 0, cost: 0, errors: 0, latency: 0 };
  };
  for (const e of events) {
    const indent = '  '.repeat(e.depth);
    const ev = e as RunLogEvent & Record<string, any>;
    // Sub-calls are logged while their cell runs; they are shown under it.
    if (e.ev !== 'subcall' && e.ev !== 'cell' && e.ev !== 'retry') flush(indent + '    ');
    switch (e.ev) {
      case 'start': {
        const l = ev.limits ?? {};
        out.push(`Run started ${e.t} · ${ev.provider} ${ev.model} (sub-calls: ${ev.subModel})${ev.baseURL ? ` at ${ev.baseURL}` : ''}`);
        out.push(
          `Limits: ${l.maxTurns} turns · depth ${l.maxDepth} · ${l.maxSubcalls} sub-calls · ${tok(num(l.maxTokens))} tokens · $${l.maxUsd} · ${secs(num(l.maxWallMs))}`,
        );
        if (ev.focus) out.push(`Focus: ${ev.focus}`);
        break;
      }
      case 'turn': {
        out.push('');
        out.push(
          `${indent}── turn ${ev.turn}${ev.forced ? ' (closing: asked for a submission)' : ''} [${e.loop}] · ${tok(num(ev.inputTokens))} in / ${tok(num(ev.outputTokens))} out · ${usd(num(ev.costUsd))} · ${secs(num(ev.latencyMs))}`,
        );
        if (ev.error) out.push(`${indent}  model error: ${ev.error}`);
        else out.push(block(ev.reply, `${indent}  │ `, maxLines));
        break;
      }
      case 'cell': {
        const status = ev.ok ? `ok (${secs(num(ev.durationMs))})` : `failed: ${ev.error?.kind ?? 'error'}: ${ev.error?.message ?? ''}`;
        out.push(`${indent}  ▶ cell ${ev.cell}: ${status}${ev.restarted ? ' · sandbox restarted' : ''}`);
        flush(indent + '    ');
        const o = block(ev.output, `${indent}    `, maxLines);
        if (o) out.push(o);
        break;
      }
      case 'subcall': {
        pending.n++;
        pending.inTok += num(ev.inputTokens);
        pending.outTok += num(ev.outputTokens);
        pending.cost += num(ev.costUsd);
        pending.latency = Math.max(pending.latency, num(ev.latencyMs));
        if (ev.error) pending.errors++;
        if (opts.verbose) {
          out.push(`${indent}    · sub-call ${ev.id} ${ev.model} · ${secs(num(ev.latencyMs))}${ev.error ? ` · error: ${ev.error}` : ''}`);
          out.push(block(ev.prompt, `${indent}      > `, maxLines));
          if (ev.reply) out.push(block(ev.reply, `${indent}      < `, maxLines));
        }
        break;
      }
      case 'child':
        out.push(
          ev.done
            ? ev.error
              ? `${indent}◀ child ${e.loop} failed: ${ev.error}`
              : `${indent}◀ child ${e.loop} done: ${ev.findings} finding(s)${ev.partial ? ' (partial)' : ''}`
            : `${indent}▶ child analysis ${e.loop} over ${ev.traces} traces: ${JSON.stringify(ev.question)}`,
        );
        break;
      case 'submit':
        if (ev.verified) {
          const dropped = Array.isArray(ev.droppedFindings) ? ev.droppedFindings.length : 0;
          out.push(`${indent}  ✔ verified: ${ev.kept} kept · ${dropped} finding(s) dropped · ${ev.droppedEvidence} citation(s) dropped`);
          for (const d of Array.isArray(ev.droppedFindings) ? ev.droppedFindings : []) out.push(`${indent}    - dropped "${d.title}": ${d.reason}`);
          for (const l of Array.isArray(ev.levels) ? ev.levels : []) {
            out.push(`${indent}    · "${l.title}": ${l.level}, ${l.status} · ${l.prevalence?.traces ?? '?'} of ${l.prevalence?.total ?? '?'} traces`);
          }
        } else if (ev.fallback) out.push(`${indent}  ✖ no submission: kept ${ev.findings} finding(s) gathered before the end`);
        else if (ev.ok) out.push(`${indent}  ✔ submitted ${ev.findings} finding(s)${ev.forced ? ' (after the budget ended)' : ''}`);
        else out.push(`${indent}  ✖ submit rejected:\n${(ev.errors ?? []).map((x: string) => `${indent}    - ${x}`).join('\n')}`);
        break;
      case 'audit':
        if (ev.skipped) out.push(`${indent}  ⚖ audit of "${ev.title}" skipped: ${ev.skipped}`);
        else {
          const sample = Array.isArray(ev.sample) ? ev.sample : [];
          const shows = sample.filter((j: { shows?: boolean }) => j.shows === true).length;
          out.push(
            `${indent}  ⚖ audit of "${ev.title}" (seed ${ev.seed}): ${shows} of ${sample.length} uncited matches show it · ` +
              `precision ${Math.round(num(ev.precision) * 100)}% (95% ${Math.round(num(ev.low) * 100)}–${Math.round(num(ev.high) * 100)}%) · ${ev.uncited} uncited matches`,
          );
          if (opts.verbose) for (const j of sample) out.push(`${indent}    ${j.shows ? '✔' : j.error ? '!' : '✖'} ${j.traceId}${j.reason ? `: ${j.reason}` : j.error ? `: ${j.error}` : ''}`);
        }
        break;
      case 'signal': {
        const verdicts: Array<{ runId: string; label?: string; reason?: string; error?: string }> = Array.isArray(ev.verdicts) ? ev.verdicts : [];
        const labelled = verdicts.filter((v) => v.label !== undefined).length;
        out.push(
          `${indent}  ⚑ signal "${ev.name}"${ev.dryRun ? ' (dry run)' : ''}: ${ev.chosen} runs chosen, ${ev.reused} labels reused, ${verdicts.length} judged · ${labelled} labelled, ${verdicts.length - labelled} not`,
        );
        if (opts.verbose) for (const v of verdicts) out.push(`${indent}    ${v.label !== undefined ? `${v.label}` : '!'} ${v.runId}: ${v.reason ?? v.error ?? ''}`);
        break;
      }
      case 'retry':
        out.push(`${indent}  ↻ retry ${ev.attempt} in ${secs(num(ev.delayMs))}: ${ev.error}`);
        break;
      case 'warning':
        out.push(`${indent}  ! ${ev.message ?? (ev.warning ? `${ev.model}: ${ev.warning.setting ? `${ev.warning.setting} not applied: ${ev.warning.details}` : ev.warning.message}` : '')}`);
        break;
      case 'compact':
        out.push(`${indent}  ⇣ context compacted before turn ${ev.turn}: outputs of ${(ev.indices ?? []).length} earlier turn(s) cut, ${num(ev.charsBefore).toLocaleString('en-US')} → ${num(ev.charsAfter).toLocaleString('en-US')} chars (code kept)`);
        break;
      case 'budget':
        out.push(`${indent}  budget: ${ev.message ?? ''}`);
        break;
      case 'phase':
        // The analysis around the model run (load, detectors, verification, reports), one line per phase.
        if (ev.state === 'end') out.push(`phase ${ev.phase}: ${secs(num(ev.ms))}`);
        else if (ev.state === 'failed') out.push(`phase ${ev.phase} FAILED after ${secs(num(ev.ms))}: ${ev.error}`);
        break;
      case 'end': {
        const b = ev.budget ?? {};
        out.push('');
        out.push(
          ev.labelled !== undefined
            ? `Signal run ended ${e.t} · ${ev.labelled} run(s) labelled, ${ev.failed} not`
            : `Run ended ${e.t} · ${ev.partial ? `PARTIAL (${ev.partialReason})` : 'complete'} · ${ev.findings} finding(s) submitted` +
                `${ev.kept !== undefined ? `, ${ev.kept} verified` : ''}`,
        );
        out.push(
          `Spent: ${b.turns} turns · ${b.subCalls} sub-calls · ${tok(num(b.inputTokens))} in${num(b.cachedInputTokens) ? ` (${tok(num(b.cachedInputTokens))} cached)` : ''} / ${tok(num(b.outputTokens))} out · ${usd(num(b.costUsd))}` +
            `${b.cost ? ` (input ${usd(num(b.cost.input))}, cached input ${usd(num(b.cost.cachedInput))}, output ${usd(num(b.cost.output))})` : ''} · ${secs(num(b.elapsedMs))}`,
        );
        break;
      }
    }
  }
  flush('    ');
  return out.filter((l) => l !== '').join('\n').replace(/\n── /g, '\n\n── ') + '\n';
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('Print a readable account of a model-driven run from its JSONL run log (halo analyze --log FILE).')
    .argument('<log>', 'run log written by halo analyze --log')
    .option('-v, --verbose', 'show every sub-call prompt and reply, and full texts', false)
    .option('--max-lines <n>', 'lines shown per reply or output block', (v) => Number.parseInt(v, 10), 12)
    .addHelpText(
      'after',
      `
Examples:
  $ halo analyze traces.jsonl --model gpt-4.1 --log run.jsonl && halo replay run.jsonl
  $ halo replay run.jsonl --verbose | less

Exit codes:
  0  printed
  2  the log is missing, empty or not a Halo run log (the message names the line)`,
    )
    .action((log: string, opts: { verbose: boolean; maxLines: number }) => {
      let text: string;
      try {
        text = readFileSync(log, 'utf8');
      } catch (err) {
        throw new InputError(`cannot read ${log}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      process.stdout.write(renderReplay(parseRunLog(text, log), { verbose: opts.verbose, maxLines: opts.maxLines }));
    });
}
