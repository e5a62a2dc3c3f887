// A signal: a classifier in plain words that the sub-model applies to runs,
// for outcomes the traces do not record ("did the user get frustrated?",
// "completed / partial / failed / abandoned"). Given on the command line or in
// halo.config.json's `signals`; checked here, with errors naming the field.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UsageError } from '../errors.ts';

const LABEL = /^[a-z0-9][a-z0-9 _-]{0,39}$/;
const labelName = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => LABEL.test(s), { error: 'a label is 1-40 letters, digits, spaces, "_" or "-"' });

/** How many runs to judge: a share of the window, every run, or a fixed count. */
export type SampleSpec = { rate: number } | { count: number };

export function parseSample(value: string | number): SampleSpec {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1) return { count: value };
    throw new UsageError(`sample ${value}: a count is a whole number of runs (1 or more); a share is written "25%"`);
  }
  const v = value.trim().toLowerCase();
  if (v === 'all') return { rate: 1 };
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(v);
  if (pct) {
    const rate = Number(pct[1]) / 100;
    if (rate > 0 && rate <= 1) return { rate };
  } else if (/^\d+$/.test(v) && Number(v) >= 1) return { count: Number(v) };
  throw new UsageError(`sample "${value}": use a share such as "10%", "25%" or "all", or a count of runs such as 200`);
}

export function sampleText(s: SampleSpec): string {
  return 'count' in s ? `${s.count} runs` : s.rate === 1 ? 'all runs' : `${+(s.rate * 100).toFixed(2)}% of runs`;
}

export const SignalConfig = z
  .object({
    name: z.string().regex(/^[\w.-]{1,60}$/, 'letters, digits, dot, dash or underscore (up to 60)'),
    /** The question the judge answers about each run, in plain words. */
    question: z.string().trim().min(3).max(2000),
    /** The labels it may answer with; absent: a yes/no question. */
    labels: z.array(labelName).min(2).max(20).optional(),
    /** Labels that mean the run failed: with them the signal can stand in as the outcome for impact. */
    fail: z.array(labelName).min(1).optional(),
    /** "10%" (default), "25%", "all", or a count of runs. */
    sample: z.union([z.string(), z.number()]).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const labels = s.labels ?? ['yes', 'no'];
    if (new Set(labels).size !== labels.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must differ' });
    for (const f of s.fail ?? []) if (!labels.includes(f)) ctx.addIssue({ code: 'custom', path: ['fail'], message: `"${f}" is not one of the labels (${labels.join(', ')})` });
    if (s.fail && s.fail.length >= labels.length) ctx.addIssue({ code: 'custom', path: ['fail'], message: 'at least one label must mean the run did not fail' });
    if (s.sample !== undefined) {
      try {
        parseSample(s.sample);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['sample'], message: (err as Error).message });
      }
    }
  });
export type SignalConfig = z.input<typeof SignalConfig>;

export const DEFAULT_SAMPLE: SampleSpec = { rate: 0.1 };

/** A checked signal, ready to judge with. */
export interface Signal {
  name: string;
  question: string;
  labels: string[];
  fail: string[];
  sample: SampleSpec;
  /** Identity of the question and its labels: stored labels count only for the same definition. */
  definition: string;
}

export function definitionHash(question: string, labels: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([question.trim(), [...labels]])).digest('hex').slice(0, 12);
}

/** Checks a definition (from flags or the config); a bad one is a UsageError naming the field. */
export function parseSignal(raw: unknown, where = 'signal'): Signal {
  const r = SignalConfig.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new UsageError(lines.join('\n'), { code: 'signal.invalid' });
  }
  const labels = r.data.labels ?? ['yes', 'no'];
  return {
    name: r.data.name,
    question: r.data.question,
    labels,
    fail: r.data.fail ?? [],
    sample: r.data.sample === undefined ? DEFAULT_SAMPLE : parseSample(r.data.sample),
    definition: definitionHash(r.data.question, labels),
  };
}
