// Signals in a scheduled run: before the analysis, each signal the schedule
// lists labels its sample of the schedule's window (reusing stored labels),
// so `outcomeSignal` has this window's labels to stand in for outcomes. A
// signal that cannot run (no model, a provider down) is logged and never
// stops the analysis.
import type { HaloConfig } from '../config/schema.ts';
import type { ModelOptions } from '../config/options.ts';
import type { WindowSpec } from '../ingest/api.ts';
import { resolveMode } from '../analyze.ts';
import { labelRuns } from './run.ts';
import { resolveSignal } from './resolve.ts';

export interface ScheduledSignalsOptions {
  config: HaloConfig;
  names: string[];
  files: string[];
  window: WindowSpec;
  state: string;
  model: ModelOptions;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export async function labelScheduledSignals(opts: ScheduledSignalsOptions): Promise<void> {
  for (const name of opts.names) {
    if (opts.signal?.aborted) return;
    const { mode, reason } = resolveMode({ model: opts.model }, opts.env ?? process.env);
    if (mode === 'offline') {
      opts.log(`warning: signal ${name} not labelled: it is judged by the sub-model and no model is configured (${reason})`);
      continue;
    }
    try {
      const r = await labelRuns({ files: opts.files, window: opts.window, state: opts.state, signal: resolveSignal(name, {}, opts.config), model: opts.model, ...(opts.signal ? { abort: opts.signal } : {}) });
      opts.log(
        `signal ${name}: ${r.chosen.length} of ${r.windowRuns} runs sampled, ${r.reused} labels reused, ${r.labelled.length - r.reused} judged` +
          (r.failed.length ? `, ${r.failed.length} not labelled (${r.failed[0]!.error})` : '') +
          ` · $${r.usage.costUsd.toFixed(4)}`,
      );
    } catch (err) {
      opts.log(`warning: signal ${name} not labelled: ${(err as Error).message}; the analysis goes on`);
    }
  }
}
