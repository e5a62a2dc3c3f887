// Commands the shell did not run as the call carries them. A harness that
// builds `bash -c "<command>"` by pasting the command into a string strips its
// double quotes and backslashes, or ends the wrapping at the command's own
// first double quote and hands bash the rest as separate words. Each such call
// fails with an error that reads like the model's (a syntax error, a quote
// left open), so the error and retry findings each see a part of it; this is
// the one finding that says the commands were changed on their way, with what
// the shell itself shows as the evidence (`ranOtherwise`, causes.ts): a line it
// echoes that the command does not hold, a word of the command where bash
// names itself, a quote or parenthesis it found open that the command closes.
// Whether each command would have worked as written is not checked.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Trace } from '../../src/types.ts';
import { buildFinding, count, minPatternTraces, shareText, type Citation } from './finding.ts';
import { ranOtherwise } from './causes.ts';
import { resultText } from './error-text.ts';
import { runsCode } from './error-signatures.ts';
import { excerpt } from './text.ts';
import { indexTrace, isErrorSpan, toolName } from './trace-index.ts';
import { failureOf } from './origin.ts';
import { oneShot, type RunPasses, type TwoStep } from './two-step.ts';

export interface CommandRewrites {
  /** Per tool: the calls whose shell shows it ran something else, and how it shows it. */
  tools: { name: string; calls: number; failed: number; echoed: number; stripped: number; split: number; open: number; citation: Citation; example?: string }[];
}

export interface CommandRewritesOptions {
  minTraces?: number;
}

function observe(t: Trace): CommandRewrites {
  const byTool = new Map<string, CommandRewrites['tools'][number]>();
  for (const s of indexTrace(t).tools) {
    if (!runsCode(s)) continue;
    const result = resultText(s);
    // What ran differs, whether or not the command as written would have failed too: that is this finding's only claim.
    const other = ranOtherwise(s, result, { evenIfOwn: true });
    if (!other) continue;
    const name = toolName(s);
    let g = byTool.get(name);
    if (!g) {
      // The shell's own line is the excerpt: it is what shows the command changed.
      const shown = /^[^\n]*: line \d+:[^\n]*$/m.exec(result)?.[0] ?? result;
      g = { name, calls: 0, failed: 0, echoed: 0, stripped: 0, split: 0, open: 0, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(shown), note: 'what the shell reports here shows it did not run the command the call carries' } };
      byTool.set(name, g);
    }
    g.calls++;
    if (isErrorSpan(s) || failureOf(t, s) !== null) g.failed++;
    if (other.line !== null) {
      g.echoed++;
      if (other.stripped) g.stripped++;
      g.example ??= other.line;
    } else if (other.split !== undefined) g.split++;
    else g.open++;
  }
  return { tools: [...byTool.values()] };
}

export const commandRewriteSteps: TwoStep<CommandRewrites, CommandRewritesOptions> = {
  perRun: (t) => observe(t),
  global: commandRewriteFindings,
  passes: true,
};

export const commandRewrites = oneShot(commandRewriteSteps);

type Group = { runs: string[]; calls: number; failed: number; echoed: number; stripped: number; split: number; open: number; citations: Citation[]; example?: string };

/** One pass over the runs, keeping per tool only the runs that show a changed command. */
function commandRewriteFindings(runs: RunPasses<CommandRewrites>, opts: CommandRewritesOptions): FindingInput[] {
  const groups = new Map<string, Group>();
  let total = 0;
  runs.forEach((r) => {
    total++;
    for (const x of r.obs.tools) {
      let g = groups.get(x.name);
      if (!g) groups.set(x.name, (g = { runs: [], calls: 0, failed: 0, echoed: 0, stripped: 0, split: 0, open: 0, citations: [] }));
      g.runs.push(r.run.traceId);
      g.calls += x.calls;
      g.failed += x.failed;
      g.echoed += x.echoed;
      g.stripped += x.stripped;
      g.split += x.split;
      g.open += x.open;
      g.citations.push(x.citation);
      g.example ??= x.example;
    }
  });
  const out: FindingInput[] = [];
  for (const [name, g] of groups) {
    if (g.runs.length < (opts.minTraces ?? minPatternTraces(total))) continue;
    const how = [
      g.echoed ? `in ${g.echoed} bash echoes a line it ran that the command does not hold${g.stripped ? ` (${g.stripped === g.echoed ? 'each' : `${g.stripped} of them`} the command, or its start, with its double quotes and backslashes removed)` : ''}` : '',
      g.split ? `in ${g.split} bash names a word of the command where it names itself: the command reached \`bash -c\` split into words` : '',
      g.open ? `in ${g.open} bash reports a quote or parenthesis left open that the command as written closes` : '',
    ].filter(Boolean);
    out.push(
      buildFinding({
        title: `\`${name}\`: the shell did not run the command the call carries, in ${count(g.runs.length, 'run')}`,
        category: 'errors_recovery',
        severity: 'high',
        summary:
          `In ${shareText(g.runs.length, total)}, ${count(g.calls, 'call')} to \`${name}\` ran something other than the command the call carries, as the shell's own messages show: ${how.join('; ')}. ` +
          `${g.failed === g.calls ? 'Every one of these calls failed.' : `${g.failed} of these calls failed.`}`,
        rootCause: `What \`${name}\` hands the shell is not the command it was given: the command is changed on its way${g.example ? ` (e.g. the shell ran \`${g.example.length > 100 ? `${g.example.slice(0, 100)}…` : g.example}\`)` : ''}. Whether each command would have worked as written is not checked.`,
        confirmed: true,
        fix: `Make \`${name}\` pass the command to the shell unchanged (as one argument to \`bash -c\` from an argument list, or on the shell's standard input) instead of pasting it into a quoted string, then re-run a cited command as written to see whether it works.`,
        fixKind: 'code',
        component: `tool:${name}`,
        signature: 'command_changed_on_its_way',
        monitor: `Count of \`${name}\` calls whose output shows the shell ran a line the command does not hold, per day.`,
        detector: 'command-rewrites',
        traceIds: g.runs,
        citations: g.citations,
        total,
        data: { tool: name, calls: g.calls, failed: g.failed, echoed: g.echoed, stripped: g.stripped, split: g.split, open: g.open },
      }),
    );
  }
  return out;
}
