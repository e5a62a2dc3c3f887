// Detector accuracy against data whose answers are known: the bundled sample
// week (planted failure modes, samples/ground-truth.json) and real τ-bench
// runs (pass^k must equal what the raw rewards give).
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FindingInput } from '../src/findings/schema.ts';
import type { Trace } from '../src/types.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { detect, runDetectors } from '../sandbox/detectors/index.ts';
import { runOutcomes } from '../sandbox/detectors/outcomes.ts';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { engineClient } from '../src/sandbox/rpc.ts';

// Overridable to check a freshly generated week before it is committed.
const WEEK = process.env.HALO_SAMPLE_WEEK ?? 'samples/week';
const TRUTH = process.env.HALO_SAMPLE_TRUTH ?? 'samples/ground-truth.json';
const TAU = 'samples/tau-bench/gpt-4o-airline.json';

interface GroundTruth {
  traces: number;
  modes: Record<string, { traceIds: string[] }>;
  flakyTasks: string[];
}

/** Which detector findings answer for each planted mode. */
const COVERS: Record<string, (f: FindingInput) => boolean> = {
  invalid_tool_arguments: (f) => f.source === 'detector:tool-arguments' && f.key.signature === 'invalid_json_arguments',
  tool_schema_violation: (f) => f.source === 'detector:tool-arguments' && f.key.signature.startsWith('schema_violation:'),
  unknown_tool: (f) => f.source === 'detector:unknown-tools',
  silent_error: (f) => f.source === 'detector:silent-failures',
  repeated_tool_call: (f) => f.source === 'detector:repeats' && f.key.signature === 'repeated_identical_call',
  loop: (f) => f.source === 'detector:repeats' && f.key.signature === 'tool_call_loop',
  ignored_error: (f) => f.source === 'detector:ignored-errors',
  rate_limit_retry: (f) => f.source === 'detector:retries' && f.key.signature === 'rate_limit_retry',
  retry_exhausted: (f) => f.source === 'detector:retries' && f.key.signature === 'retry_exhausted',
  // The ground truth lists every trace with a failing tool span under tool_error,
  // including those of invalid_tool_arguments, unknown_tool and ignored_error. runDetectors
  // folds error signatures those detectors explain into their findings, so they answer too.
  tool_error: (f) =>
    (f.source === 'detector:error-signatures' && f.key.component.startsWith('tool:')) ||
    f.source === 'detector:unknown-tools' ||
    (f.source === 'detector:tool-arguments' && f.key.signature === 'invalid_json_arguments') ||
    f.source === 'detector:ignored-errors',
  cost_outlier: (f) => f.source === 'detector:outliers' && f.key.signature === 'outlier:cost',
  latency_outlier: (f) => f.source === 'detector:outliers' && f.key.signature === 'outlier:latency',
  flaky_task: (f) => f.source === 'detector:consistency',
};

function evidenceTraces(f: FindingInput): string[] {
  return [...new Set(f.evidence.map((e) => e.traceId))];
}

describe('detectors on the bundled sample week', () => {
  let truth: GroundTruth;
  let traces: Trace[];
  let findings: FindingInput[];

  beforeAll(async () => {
    for (const p of [WEEK, TRUTH]) expect(existsSync(p), `${p} is missing: run \`node samples/generate.mjs --gzip\``).toBe(true);
    truth = JSON.parse(readFileSync(TRUTH, 'utf8'));
    const result = await loadTraces([WEEK]);
    expect(result.stats.badRecords).toBe(0);
    traces = result.traces;
    findings = runDetectors(traces);
  }, 120_000);

  it('loads every trace of the ground truth', () => {
    expect(traces.length).toBe(truth.traces);
  });

  it('covers every planted mode', () => {
    expect(Object.keys(truth.modes).filter((m) => m !== 'failed_task').sort()).toEqual(Object.keys(COVERS).sort());
  });

  it('states failed runs as context, not as a ranked finding: runOutcomes counts exactly the planted failures', () => {
    expect(findings.filter((f) => f.category === 'outcome')).toEqual([]);
    const o = runOutcomes(traces);
    expect(new Set(o.failed)).toEqual(new Set(truth.modes.failed_task!.traceIds));
    const byAgent = Object.fromEntries((o.byAgent ?? []).map((a) => [a.agent, a]));
    const planted = new Map<string, number>();
    for (const t of traces) if (truth.modes.failed_task!.traceIds.includes(t.traceId)) planted.set(t.agentName!, (planted.get(t.agentName!) ?? 0) + 1);
    for (const [agent, n] of planted) expect(byAgent[agent]!.failed, agent).toBe(n);
  });

  for (const mode of Object.keys(COVERS)) {
    it(`${mode}: recall ≥ 0.95 of planted traces, and ≥ 0.9 of each finding's evidence planted`, () => {
      const planted = new Set(truth.modes[mode]!.traceIds);
      expect(planted.size).toBeGreaterThan(0);
      const mapped = findings.filter(COVERS[mode]!);
      expect(mapped.length, `no ${mode} finding`).toBeGreaterThan(0);
      const found = new Set(mapped.flatMap((f) => f.data!.traceIds as string[]));
      const hit = [...planted].filter((id) => found.has(id)).length;
      const missed = [...planted].filter((id) => !found.has(id));
      expect(hit / planted.size, `${mode} recall; missed e.g. ${missed.slice(0, 5).join(', ')}`).toBeGreaterThanOrEqual(0.95);
      for (const f of mapped) {
        const ev = evidenceTraces(f);
        const inside = ev.filter((id) => planted.has(id)).length;
        expect(inside / ev.length, `${mode} precision of "${f.title}"`).toBeGreaterThanOrEqual(0.9);
      }
    });
  }

  it('names the flaky tasks of the ground truth', () => {
    const flaky = findings.filter(COVERS.flaky_task!).flatMap((f) => f.data!.flakyTasks as string[]);
    expect(flaky.sort()).toEqual([...truth.flakyTasks].sort());
  });

  it('keeps background traces clean: no finding cites a trace without a planted mode', () => {
    const plantedAny = new Set(Object.values(truth.modes).flatMap((m) => m.traceIds));
    const strays = findings.flatMap((f) => evidenceTraces(f).filter((id) => !plantedAny.has(id)).map((id) => `${f.title}: ${id}`));
    expect(strays).toEqual([]);
  });

  it('reports each error once: signatures a specific detector explains are folded into it', () => {
    const folded = findings.flatMap((f) => (f.data!.errorSignatures as string[] | undefined) ?? []);
    expect(folded.some((s) => s.includes('Unknown tool'))).toBe(true);
    expect(folded.some((s) => s.includes('could not parse JSON'))).toBe(true);
    const left = findings.filter((f) => f.source === 'detector:error-signatures').map((f) => f.key.signature);
    expect(left.filter((s) => /Unknown tool|could not parse JSON|Rate limit|rate_limit_error/i.test(s))).toEqual([]);
    // Without folding, those signatures are reported on their own.
    const all = runDetectors(traces, { keepExplainedErrors: true }).filter((f) => f.source === 'detector:error-signatures');
    expect(all.length).toBeGreaterThan(left.length);
  });

  it('gives every detector finding with a predicate exact prevalence', () => {
    const withPredicate = findings.filter((f) => f.predicate);
    expect(withPredicate.length).toBeGreaterThan(10);
    for (const f of withPredicate) {
      const pred = new Function(`return (${f.predicate})`)() as (t: Trace) => boolean;
      const matched = traces.filter((t) => pred(t)).map((t) => t.traceId).sort();
      expect(matched, f.title).toEqual([...(f.data!.traceIds as string[])].sort());
    }
  });
});

describe('detectors inside the isolate', () => {
  it('give the same findings as in the host (the bundled runtime is the same code)', async () => {
    const sb = createSandbox({ files: [TAU, 'tests/fixtures/halo/medium_traces.jsonl'] });
    try {
      await sb.load();
      const engine = engineClient(sb);
      await engine.runDetectors();
      const inIsolate = await engine.detectedFindings();
      const { traces } = await loadTraces([TAU, 'tests/fixtures/halo/medium_traces.jsonl']);
      const inHost = runDetectors(traces);
      expect(inHost.length).toBeGreaterThan(5);
      expect(inIsolate).toEqual(inHost);
    } finally {
      await sb.close();
    }
  });
});

describe('pass^k on real τ-bench runs', () => {
  interface TauRun { task_id: number; trial: number; reward: number }

  /** C(n,k) exactly, in integers. */
  function binom(n: number, k: number): number {
    if (k < 0 || k > n) return 0;
    let r = 1n;
    for (let i = 0n; i < BigInt(k); i++) r = (r * (BigInt(n) - i)) / (i + 1n);
    return Number(r);
  }

  it('equals C(c,k)/C(n,k) from the raw rewards, per task and on average', async () => {
    const raw: TauRun[] = JSON.parse(readFileSync(TAU, 'utf8'));
    const byTask = new Map<string, number[]>();
    for (const r of raw) byTask.set(String(r.task_id), [...(byTask.get(String(r.task_id)) ?? []), r.reward]);

    const { traces } = await loadTraces([TAU]);
    expect(traces.length).toBe(raw.length);
    const [f, ...rest] = detect.consistency!(traces);
    expect(rest).toEqual([]);
    const tasks = f!.data!.tasks as { taskId: string; trials: number; passes: number; passK: { k: number; value: number }[] }[];
    expect(tasks.map((t) => t.taskId).sort()).toEqual([...byTask.keys()].sort());

    const expectedCurve = [1, 2, 3, 4].map(() => 0);
    for (const t of tasks) {
      const rewards = byTask.get(t.taskId)!;
      const n = rewards.length;
      const c = rewards.filter((r) => r === 1).length;
      expect([t.trials, t.passes]).toEqual([n, c]);
      expect(t.passK.map((p) => p.k)).toEqual([1, 2, 3, 4]);
      t.passK.forEach((p) => {
        const want = binom(c, p.k) / binom(n, p.k);
        expect(p.value).toBeCloseTo(want, 12);
        expectedCurve[p.k - 1]! += want / byTask.size;
      });
    }
    const curve = f!.data!.passK as { k: number; value: number }[];
    curve.forEach((p, i) => expect(p.value).toBeCloseTo(expectedCurve[i]!, 12));
    // The published gpt-4o airline pass^1 of this run: 84 of 200 trials rewarded.
    expect(curve[0]!.value).toBeCloseTo(84 / 200, 12);

    const flaky = [...byTask].filter(([, rs]) => rs.some((r) => r === 1) && rs.some((r) => r !== 1)).map(([id]) => id);
    expect([...(f!.data!.flakyTasks as string[])].sort()).toEqual(flaky.sort());
  });
});
