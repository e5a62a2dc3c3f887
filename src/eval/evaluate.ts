// `halo eval`'s full score: the findings, the same findings without the plain
// outcome summary ("N runs failed", category `outcome`, which affects every
// failed run by construction and so inflates trace recall), and the naive
// baseline (src/eval/baseline.ts), all scored on the same labels and traces.
import type { Trace } from '../types.ts';
import { naiveBaseline } from './baseline.ts';
import type { LabelSet } from './read-labels.ts';
import { scoreFindings, type EvalReport, type Prediction } from './score.ts';

export type Comparison = Pick<EvalReport, 'predictions' | 'recall' | 'precision'>;

export interface FullEval extends EvalReport {
  withoutOutcome: Comparison;
  /** Null without traces: the baseline reads the spans. */
  baseline: (Comparison & { cited: number }) | null;
}

const pick = (r: EvalReport): Comparison => ({ predictions: r.predictions, recall: r.recall, precision: r.precision });

export function evaluate(predictions: Prediction[], set: LabelSet, traces: Trace[]): FullEval {
  const engine = scoreFindings(predictions, set, traces);
  const withoutOutcome = pick(scoreFindings(predictions.filter((p) => p.category !== 'outcome'), set, traces));
  let baseline: FullEval['baseline'] = null;
  if (traces.length) {
    const b = naiveBaseline(traces);
    baseline = { ...pick(scoreFindings([b], set, traces)), cited: b.claims.length };
  }
  return { ...engine, withoutOutcome, baseline };
}
