// `compare(options)`: two windows of runs side by side, without the rest of an
// analysis (no detectors, no model). This window is loaded in a sandbox, the
// baseline in a second one; the comparison's findings are verified against
// this window and finalized (fingerprints, ranks) like any others.
import type { WindowSpec } from '../ingest/api.ts';
import { createSandbox } from '../sandbox/supervisor.ts';
import { engineClient } from '../sandbox/rpc.ts';
import { finalizeFindings } from '../findings/pipeline.ts';
import type { Finding } from '../findings/schema.ts';
import { readOutcomeFiles } from '../ingest/outcomes-file.ts';
import { InputError } from '../errors.ts';
import type { Comparison } from './schema.ts';
import type { CompareOptions } from './compare.ts';
import type { BaselineSpec } from './baseline.ts';
import { runComparison } from './run.ts';

export { compareWindows, COMPARE_DEFAULTS, type CompareOptions } from './compare.ts';
export { parseBaseline, type BaselineSpec } from './baseline.ts';
export { Comparison, ComparisonRow } from './schema.ts';
export type { RunMetric } from './types.ts';

export interface CompareRunOptions {
  files: string[];
  window?: WindowSpec;
  baseline: BaselineSpec;
  outcomes?: string[];
  fields?: Record<string, string>;
  compare?: CompareOptions;
  onWarning?: (m: string) => void;
  signal?: AbortSignal;
}

export interface CompareResult {
  comparison: Comparison;
  /** Significant regressions, verified against this window and ranked. */
  findings: Finding[];
  /** The baseline's window as loaded. */
  baselineWindow: WindowSpec;
  traces: number;
}

export async function compare(opts: CompareRunOptions): Promise<CompareResult> {
  const sandboxOptions = {
    files: opts.files,
    ...(opts.window ? { window: opts.window } : {}),
    ...(opts.fields && Object.keys(opts.fields).length ? { fields: opts.fields } : {}),
    ...(opts.outcomes?.length ? { outcomes: readOutcomeFiles(opts.outcomes) } : {}),
  };
  const sandbox = createSandbox(sandboxOptions);
  const stop = () => void sandbox.close().catch(() => {});
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    const load = await sandbox.load();
    if (load.traces === 0) throw new InputError('no traces in this window: nothing to compare (check --window/--since/--until, or --until latest for data with old timestamps)', { code: 'compare.empty' });
    const overview = await engineClient(sandbox).overview();
    const run = await runComparison({
      sandbox,
      sandboxOptions,
      window: { start: overview.window?.start ?? null, end: overview.window?.end ?? null },
      baseline: opts.baseline,
      ...(opts.compare ? { options: opts.compare } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    });
    const outcomes = await engineClient(sandbox).outcomes();
    const { findings } = finalizeFindings([run.verified], { outcomes, repo: null });
    return { comparison: run.comparison, findings, baselineWindow: run.baselineWindow, traces: load.traces };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await sandbox.close().catch(() => {});
  }
}
