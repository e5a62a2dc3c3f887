// Runs an analysis as named phases: each one is timed, reported as it starts
// and ends (progress events, the run log), and its failure names the phase.
// Timings add up when a phase runs more than once (verification runs after
// the detectors and again after the model).
import type { RunLog } from './rlm/runlog.ts';
import { messageOf } from './errors.ts';

export const PHASES = ['load', 'detectors', 'model', 'verify', 'compare', 'finalize', 'history', 'report'] as const;
export type PhaseName = (typeof PHASES)[number];

export type PhaseEvent =
  | { phase: PhaseName; state: 'start' }
  | { phase: PhaseName; state: 'end'; ms: number }
  | { phase: PhaseName; state: 'failed'; ms: number; error: string };

export interface PhaseRunner {
  run<T>(phase: PhaseName, fn: () => Promise<T> | T): Promise<T>;
  /** Milliseconds spent in each phase so far, and in all of them since the runner was made. */
  timings(): Record<PhaseName | 'total', number>;
}

export function createPhaseRunner(opts: { onEvent?: (e: PhaseEvent) => void; log?: RunLog } = {}): PhaseRunner {
  const t0 = performance.now();
  const spent = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<PhaseName, number>;
  const emit = (e: PhaseEvent) => {
    opts.onEvent?.(e);
    opts.log?.write({ ev: 'phase', loop: 'analyze', depth: 0, ...e, ...('ms' in e ? { ms: Math.round(e.ms) } : {}) });
  };
  return {
    async run(phase, fn) {
      emit({ phase, state: 'start' });
      const t = performance.now();
      try {
        const value = await fn();
        const ms = performance.now() - t;
        spent[phase] += ms;
        emit({ phase, state: 'end', ms });
        return value;
      } catch (err) {
        const ms = performance.now() - t;
        spent[phase] += ms;
        emit({ phase, state: 'failed', ms, error: messageOf(err) });
        throw err;
      }
    },
    timings: () => ({ ...spent, total: performance.now() - t0 }),
  };
}
