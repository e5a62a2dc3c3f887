// The label and diagnosis line format shared by `halo eval`, the loop's
// per-run diagnoses (diagnoses.jsonl) and users' own labelled runs. One line
// per labelled error (with spanId and/or step), or per failed run (traceId
// only). The same shape serves both sides so a diagnosis file can be scored
// directly against a label file.
import { z } from 'zod';

export const LabelLine = z.object({
  traceId: z.string().min(1),
  /** The span where the error originates. */
  spanId: z.string().min(1).optional(),
  /** The agent at fault (multi-agent runs). */
  agent: z.string().min(1).optional(),
  /** The step (turn index, `halo.step`) where the error originates. */
  step: z.number().int().nonnegative().optional(),
  /** Free-form category from the labeller's taxonomy (e.g. TRAIL "Formatting Errors"). */
  category: z.string().min(1).optional(),
  reason: z.string().optional(),
});
export type LabelLine = z.infer<typeof LabelLine>;

/** A per-run diagnosis (diagnoses.jsonl) has the same fields as a label line. */
export const DiagnosisLine = LabelLine;
export type DiagnosisLine = LabelLine;
