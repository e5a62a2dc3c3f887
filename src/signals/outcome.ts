// A signal as an outcome: its fail labels say which labelled runs failed, so
// impact can be computed where runs record no verdict; and where they do,
// how often the signal agrees with the recorded verdict (with a 95% Wilson
// interval) tells a user how far to trust it as a stand-in.
import { wilson, type RunOutcomes } from '../findings/impact.ts';

export interface Agreement {
  /** Runs carrying both a recorded verdict and a label. */
  runs: number;
  agree: number;
  rate: number;
  interval: [number, number];
  /** failed/passed by the recorded verdict × by the signal. */
  confusion: { bothFailed: number; signalFailedOnly: number; outcomeFailedOnly: number; bothPassed: number };
  method: 'wilson-95';
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Agreement of the signal's fail labels with the recorded verdicts, over the
 * runs that have both; null when none do or the signal names no fail label.
 */
export function agreementWith(labels: Iterable<readonly [string, string]>, fail: readonly string[], recorded: ReadonlyMap<string, boolean | null>): Agreement | null {
  if (!fail.length) return null;
  const failSet = new Set(fail);
  const c = { bothFailed: 0, signalFailedOnly: 0, outcomeFailedOnly: 0, bothPassed: 0 };
  for (const [run, label] of labels) {
    const real = recorded.get(run);
    if (real == null) continue;
    const said = failSet.has(label);
    if (said && real) c.bothFailed++;
    else if (said) c.signalFailedOnly++;
    else if (real) c.outcomeFailedOnly++;
    else c.bothPassed++;
  }
  const runs = c.bothFailed + c.signalFailedOnly + c.outcomeFailedOnly + c.bothPassed;
  if (!runs) return null;
  const agree = c.bothFailed + c.bothPassed;
  const [lo, hi] = wilson(agree, runs);
  return { runs, agree, rate: round(agree / runs), interval: [round(lo), round(hi)], confusion: c, method: 'wilson-95' };
}

export function agreementText(a: Agreement): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    `agrees with the recorded outcomes on ${a.agree} of ${a.runs} runs (${pct(a.rate)}, 95% interval ${pct(a.interval[0])}–${pct(a.interval[1])}); ` +
    `it called ${a.confusion.signalFailedOnly} passing run${a.confusion.signalFailedOnly === 1 ? '' : 's'} failed and ${a.confusion.outcomeFailedOnly} failing run${a.confusion.outcomeFailedOnly === 1 ? '' : 's'} passed`
  );
}

/** The labelled runs of the window as outcomes: judged = labelled, failed = given a fail label. */
export function signalOutcomes(labels: Iterable<readonly [string, string]>, fail: readonly string[], windowRuns: ReadonlySet<string>): RunOutcomes {
  const failSet = new Set(fail);
  const judged: string[] = [];
  const failed: string[] = [];
  for (const [run, label] of labels) {
    if (!windowRuns.has(run)) continue;
    judged.push(run);
    if (failSet.has(label)) failed.push(run);
  }
  return { judged, failed };
}

/** A signal given to analyze for outcomes (`--outcome-signal`): its stored labels for the current definition. */
export interface OutcomeSignal {
  name: string;
  fail: string[];
  labels: Array<readonly [string, string]>;
}

export interface SignalCoverage {
  name: string;
  fail: string[];
  labelled: number;
  usedAsOutcome: boolean;
  agreement?: Agreement;
}

/**
 * The outcomes impact uses: the recorded ones when any run carries one (the
 * signal's agreement with them is reported), else the signal's labels.
 */
export function outcomesWithSignal(
  recorded: RunOutcomes,
  index: ReadonlyArray<{ traceId: string; failed: boolean | null }>,
  sig: OutcomeSignal,
): { outcomes: RunOutcomes; signal: SignalCoverage } {
  const windowRuns = new Set(index.map((r) => r.traceId));
  const labels = sig.labels.filter(([run]) => windowRuns.has(run));
  const base = { name: sig.name, fail: sig.fail, labelled: labels.length };
  if (recorded.judged.length > 0 || !sig.fail.length) {
    const agreement = agreementWith(labels, sig.fail, new Map(index.map((r) => [r.traceId, r.failed])));
    return { outcomes: recorded, signal: { ...base, usedAsOutcome: false, ...(agreement ? { agreement } : {}) } };
  }
  const own = signalOutcomes(labels, sig.fail, windowRuns);
  return { outcomes: { ...own, ...(recorded.byAgent ? { byAgent: recorded.byAgent } : {}), source: `signal:${sig.name}` }, signal: { ...base, usedAsOutcome: true } };
}
