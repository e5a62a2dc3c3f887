// MINT results of an open code model (tests/fixtures/real/mint-gpt4-feedback-codellama-34b-instruct): CodeLlama-34b-Instruct
// with gpt-4 feedback, a sample of 80 runs. On MBPP it mostly answers in its own `[PYTHON] … [/PYTHON]` format, which the
// harness cannot act on; twice the record keeps no reply for an action the harness counted (an empty reply is not logged).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { actionCounts, runsPerSet } from './helpers/mint-counts.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/mint-gpt4-feedback-codellama-34b-instruct/', import.meta.url));

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const tools = (t: Trace) => t.spans.filter((s) => s.kind === 'tool');
const unparsed = (t: Trace) => t.spans.filter((s) => s.kind === 'llm' && s.attributes['halo.action_unparsed'] !== undefined);
const harnessMessages = (t: Trace): string[] =>
  (root(t).messages ?? []).filter((m) => m.role === 'user' && m.name === 'harness').map((m) => String(m.content));

describe('MINT results of CodeLlama-34b-Instruct with gpt-4 feedback', () => {
  it('80 runs from three results files, each with its success flag and how it ended', async () => {
    const { traces, stats } = await loadTraces([DIR]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(80);
    expect(traces.every((t) => t.source.format === 'mint' && t.agentName === 'MINT agent')).toBe(true);
    const { runs, solved } = runsPerSet(traces);
    expect(runs).toEqual([37, 12, 31]);
    expect(solved).toEqual([26, 3, 0]);
    const labels = new Map<string, number>();
    for (const t of traces) labels.set(t.outcome!.label!, (labels.get(t.outcome!.label!) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ task_success: 29, max_steps: 33, max_propose_steps: 18 });
    expect(traces.filter((t) => root(t).status === 'error')).toHaveLength(0);
  });

  it('every recorded reply read as the harness counted it; two counted actions have no reply in the record', async () => {
    const counts = actionCounts(DIR);
    const { traces } = await loadTraces([DIR]);
    expect(traces).toHaveLength(counts.size);
    const short: string[] = [];
    for (const t of traces) {
      const calls = tools(t).map((s) => s.tool!.name);
      const c = counts.get(t.taskId!)!;
      expect([calls.filter((n) => n === 'propose_solution').length, calls.filter((n) => n === 'execute').length]).toEqual([c.propose_solution, c.use_tool]);
      if (unparsed(t).length !== c.invalid_action) {
        expect(unparsed(t).length).toBe(c.invalid_action - 1);
        short.push(t.taskId!);
      }
    }
    // MINT logs a reply only when it is not empty (GeneralEnv.step): the two "I don't understand" answers follow one reply.
    expect(short).toEqual(['mbpp:76', 'mbpp:84']);
    for (const id of short) {
      const asked = harnessMessages(byTask(traces, id)).filter((m) => m.startsWith("I don't understand your input."));
      expect(asked.length).toBeGreaterThanOrEqual(2);
    }
    const all = traces.flatMap(tools);
    expect(all.filter((s) => s.tool!.name === 'execute')).toHaveLength(180);
    expect(all.filter((s) => s.tool!.name === 'execute' && s.status === 'error')).toHaveLength(21);
    expect(all.filter((s) => s.tool!.name === 'propose_solution')).toHaveLength(46);
    expect(all.filter((s) => s.tool!.name === 'propose_solution' && s.status === 'error')).toHaveLength(20);
    expect(traces.flatMap(unparsed)).toHaveLength(91);
  });

  it('a [PYTHON] reply holds no action the harness can run: the reply is unparsed and no call is made up for it', async () => {
    const { traces } = await loadTraces([DIR]);
    const mbppReplies = traces.filter((t) => t.taskId!.startsWith('mbpp:')).flatMap((t) => t.spans.filter((s) => s.kind === 'llm'));
    const python = mbppReplies.filter((s) => String(s.output ?? '').includes('[PYTHON]'));
    expect(python).toHaveLength(76);
    // 65 hold neither tag; 7 also hold a closed <execute> block and 4 a closed <solution>, which the harness acted on.
    expect(python.filter((s) => s.attributes['halo.action_unparsed'] === 'no <execute> or <solution> block')).toHaveLength(65);
    expect(python.filter((s) => s.attributes['halo.action_unparsed'] === undefined)).toHaveLength(11);
    // mbpp 16: five [PYTHON] replies, each answered "I don't understand your input", and the run ends at the step limit.
    const t = byTask(traces, 'mbpp:16');
    expect(tools(t)).toHaveLength(0);
    expect(unparsed(t)).toHaveLength(5);
    expect(t.outcome).toEqual({ success: false, label: 'max_steps' });
  });
});
