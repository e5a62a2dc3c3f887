// Window comparison inside a run: this window's run rows come from the run's
// own sandbox; the baseline is loaded in a second sandbox (read from the
// files, never from the run's store, which the first sandbox holds), its rows
// taken and the sandbox closed. The comparison's findings are verified in the
// run's sandbox like any other finding.
import type { Sandbox, SandboxOptions } from '../sandbox/api.ts';
import { createSandbox } from '../sandbox/supervisor.ts';
import { engineClient } from '../sandbox/rpc.ts';
import type { VerifyResult } from '../findings/verify.ts';
import { verifyInSandbox } from '../findings/verify-in-sandbox.ts';
import type { RunMetric } from './types.ts';
import type { Comparison } from './schema.ts';
import { compareWindows, type CompareOptions } from './compare.ts';
import { comparisonFindings } from './findings.ts';
import { baselineWindow, type BaselineSpec } from './baseline.ts';
import type { WindowSpec } from '../ingest/api.ts';

export interface ComparisonRun {
  comparison: Comparison;
  verified: VerifyResult;
  baselineWindow: WindowSpec;
}

export interface RunComparisonInput {
  /** The run's sandbox, holding this window. */
  sandbox: Sandbox;
  /** How the run's sandbox was made: the baseline's is made the same way (files, mapping, outcomes, limits). */
  sandboxOptions: SandboxOptions;
  /** This window as the load resolved it. */
  window: { start: string | null; end: string | null };
  baseline: BaselineSpec;
  options?: CompareOptions;
  timeoutMs?: number;
  signal?: AbortSignal;
  onWarning?: (m: string) => void;
}

export async function loadRunMetrics(opts: SandboxOptions, timeoutMs: number, signal?: AbortSignal): Promise<RunMetric[]> {
  const { onHostCall: _h, onProgress: _p, store: _s, repo: _r, ...rest } = opts;
  const sandbox = createSandbox(rest);
  const stop = () => void sandbox.close().catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await sandbox.load();
    return await engineClient(sandbox, { timeoutMs, deadlineMs: timeoutMs * 2 }).runMetrics();
  } finally {
    signal?.removeEventListener('abort', stop);
    await sandbox.close().catch(() => {});
  }
}

export async function runComparison(input: RunComparisonInput): Promise<ComparisonRun> {
  const timeoutMs = input.timeoutMs ?? 600_000;
  const cur = await engineClient(input.sandbox, { timeoutMs, deadlineMs: timeoutMs * 2 }).runMetrics();
  const window = baselineWindow(input.baseline, input.window);
  let base = await loadRunMetrics({ ...input.sandboxOptions, files: input.baseline.files ?? input.sandboxOptions.files, window }, timeoutMs, input.signal);
  let current = cur;
  const sameFiles = !input.baseline.files;
  const notes: string[] = [];
  if (sameFiles) {
    // Runs without timestamps fall in every window: in both, they would make two windows look alike.
    const undated = cur.filter((r) => r.start === null).length + base.filter((r) => r.start === null).length;
    if (undated) {
      current = cur.filter((r) => r.start !== null);
      base = base.filter((r) => r.start !== null);
      notes.push(`${undated} run${undated === 1 ? '' : 's'} without timestamps (in both windows) left out of the comparison; compare releases by their files with --baseline-inputs.`);
    }
  }
  const label = input.baseline.label ?? 'the baseline';
  const comparison = compareWindows(base, current, { ...input.options, labels: { baseline: label, current: 'this window' } });
  comparison.notes.push(...notes);
  const findings = comparisonFindings({ comparison, base, cur: current, baselineName: label, datedOnly: current.length < cur.length });
  const verified = await verifyInSandbox(input.sandbox, findings, { timeoutMs: Math.min(timeoutMs, 120_000) });
  if (verified.droppedFindings.length) input.onWarning?.(`comparison: ${verified.droppedFindings.length} finding(s) failed verification: ${verified.droppedFindings.map((d) => d.reason).join('; ')}`);
  return { comparison, verified, baselineWindow: window };
}
