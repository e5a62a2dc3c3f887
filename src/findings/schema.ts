// Findings schema (DESIGN.md §7). One zod schema is the contract between the
// model, the detectors, verification, reports, history and exporters; it is
// exported as JSON Schema (schema/findings.schema.json) for users.
import { z } from 'zod';
import { Comparison } from '../compare/schema.ts';

export const FINDINGS_SCHEMA_VERSION = 1;

export const Category = z.enum([
  'outcome',
  'tool_selection',
  'tool_arguments',
  'trajectory',
  'errors_recovery',
  'cost',
  'latency',
  'consistency',
  'other',
]);
export type Category = z.infer<typeof Category>;

export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof Severity>;

export const SEVERITY_WEIGHT: Record<Severity, number> = {
  critical: 1,
  high: 0.75,
  medium: 0.5,
  low: 0.25,
  info: 0.1,
};

export const Evidence = z.object({
  traceId: z.string().min(1),
  spanId: z.string().min(1).optional(),
  /** Verbatim text that must occur in the cited span (or trace when no span). */
  excerpt: z.string().max(2000).optional(),
  note: z.string().max(500).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Prevalence = z.object({
  traces: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  share: z.number().min(0).max(1),
  /**
   * Present when `traces` is an estimate (an audit judged a sample of the
   * predicate's matches): the 95% interval of the affected traces.
   */
  interval: z.object({ low: z.number().int().nonnegative(), high: z.number().int().nonnegative() }).optional(),
});
export type Prevalence = z.infer<typeof Prevalence>;

export const FindingKey = z.object({
  /** The component the failure lives in: an agent, a tool, a task, a model. */
  component: z.string().min(1),
  /** Normalized failure signature, e.g. "invalid_json_arguments" or a normalized error message. */
  signature: z.string().min(1),
});
export type FindingKey = z.infer<typeof FindingKey>;

/**
 * What verification checked, weakest to strongest: the cited ids exist
 * (`cited`); the quoted excerpts occur in the cited spans (`excerpts`); a
 * predicate holds on every cited trace and counts prevalence exactly over the
 * window, without matching (nearly) everything (`predicate`); a sub-model
 * judged a random sample of the predicate's uncited matches (`audited`).
 */
export const VerificationLevel = z.enum(['cited', 'excerpts', 'predicate', 'audited']);
export type VerificationLevel = z.infer<typeof VerificationLevel>;

export const Specificity = z.object({
  matched: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  share: z.number().min(0).max(1),
  cited: z.number().int().nonnegative(),
  citedMatched: z.number().int().nonnegative(),
  outsideComponent: z.object({ checked: z.number().int().nonnegative(), outside: z.number().int().nonnegative() }).optional(),
  /** The predicate matches (nearly) the whole window: it cannot carry prevalence on its own. */
  broad: z.boolean(),
  /** Detector findings: the predicate matches exactly the traces the detector listed. */
  exact: z.boolean().optional(),
});
export type Specificity = z.infer<typeof Specificity>;

export const Audit = z.object({
  /** Matched traces that were not cited (the population sampled). */
  uncited: z.number().int().nonnegative(),
  sampled: z.number().int().nonnegative(),
  /** Sampled traces the sub-model judged to show the failure. */
  shows: z.number().int().nonnegative(),
  /** Judgements that failed (errors, invalid replies); not counted either way. */
  failed: z.number().int().nonnegative().default(0),
  /** Estimated precision of the predicate on uncited matches, with its 95% Wilson interval. */
  precision: z.number().min(0).max(1),
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
  model: z.string().optional(),
  seed: z.number().int().optional(),
  /** A few sampled trace ids and the verdicts, for the reader to check. */
  verdicts: z.array(z.object({ traceId: z.string(), shows: z.boolean(), reason: z.string().max(300).optional() })).max(50).default([]),
});
export type Audit = z.infer<typeof Audit>;

// ---- fix locations in the agent's own code (--repo; src/findings/verify-fix.ts) ----
export const FixLocation = z.object({
  /** Path relative to the repository root. */
  path: z.string().min(1).max(500),
  /** 1-based line that holds the excerpt. */
  line: z.number().int().positive(),
  /** Verbatim text on that line (whitespace-normalized like trace excerpts). */
  excerpt: z.string().min(1).max(500),
  /** Web link to the line (set by the engine when the remote is on GitHub; never taken from a model). */
  url: z.string().max(1000).optional(),
});
export type FixLocation = z.infer<typeof FixLocation>;

/** What checking a fix's locations and patch against the repository found. */
export const FixVerification = z.object({
  locationsChecked: z.number().int().nonnegative(),
  locationsDropped: z.number().int().nonnegative(),
  patch: z.enum(['applies', 'dropped', 'absent']),
  dropped: z.array(z.object({ path: z.string().optional(), line: z.number().optional(), reason: z.string() })).default([]),
});
export type FixVerification = z.infer<typeof FixVerification>;
// ---- end fix locations ----

export const Verification = z.object({
  status: z.enum(['verified', 'partial', 'unverified']),
  /** The strongest check this finding passed; see VerificationLevel. */
  level: VerificationLevel.optional(),
  evidenceChecked: z.number().int().nonnegative(),
  evidenceDropped: z.number().int().nonnegative(),
  /** Kept citations whose excerpt was found in the cited span. */
  excerptsFound: z.number().int().nonnegative().optional(),
  /** Why each dropped citation failed (unknown trace, unknown span, excerpt not found, predicate false). */
  dropped: z
    .array(z.object({ traceId: z.string(), spanId: z.string().optional(), reason: z.string() }))
    .default([]),
  predicate: z.enum(['matched', 'failed', 'error', 'timeout', 'absent']).default('absent'),
  prevalenceSource: z.enum(['predicate', 'audit', 'evidence', 'detector']).default('evidence'),
  /** Why the predicate could not be used (did not compile, threw on every trace, timed out). */
  predicateError: z.string().optional(),
  specificity: Specificity.optional(),
  audit: Audit.optional(),
  /** Why an audit the finding needed could not run (no sub-calls left, every judgement failed): it is not verified. */
  unaudited: z.string().max(500).optional(),
  /** Matched traces the finding does not cite (a few), for the reader or the model to look at. */
  uncitedSample: z.array(z.string()).max(20).optional(),

  /** Present when the run had a repository (--repo): how the fix's locations and patch fared. */
  fix: FixVerification.optional(),
});
export type Verification = z.infer<typeof Verification>;

/** What a model (or a detector) submits: no fingerprint, no verification yet. */
export const FindingInput = z.object({
  title: z.string().min(3).max(200),
  category: Category,
  severity: Severity,
  summary: z.string().min(1).max(4000),
  rootCause: z.object({
    statement: z.string().min(1).max(2000),
    confidence: z.enum(['confirmed', 'hypothesis']),
  }),
  fix: z.object({
    summary: z.string().min(1).max(2000),
    kind: z.enum(['prompt', 'tool_schema', 'code', 'config', 'eval']),
    /** Where in the agent's repository the fix goes (checked against --repo; dropped when wrong). */
    locations: z.array(FixLocation).max(20).optional(),
    /** Unified diff against the repository (checked to apply cleanly; dropped when not). */
    patch: z.string().max(20_000).optional(),
  }),
  evidence: z.array(Evidence).min(1).max(200),
  prevalence: Prevalence.optional(),
  /** JS source of `(trace) => boolean`, re-run by the engine to count prevalence exactly. */
  predicate: z.string().max(4000).optional(),
  key: FindingKey,
  /** How to watch for this failure after the fix ships. */
  monitor: z.string().max(1000).optional(),
  /** Which detector or model produced it. */
  source: z.string().max(100).optional(),
  /** Extra detector data (e.g. pass^k curves), kept opaque. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type FindingInput = z.infer<typeof FindingInput>;

// ---- impact (issue 11) -------------------------------------------------------
// How the runs a finding affects fare against the rest, when runs carry
// outcomes. Computed by the engine (src/findings/impact.ts), never submitted.
export const Impact = z.object({
  /** Affected runs that carry a verdict, and how many of them failed. */
  runsWith: z.number().int().nonnegative(),
  failedWith: z.number().int().nonnegative(),
  rateWith: z.number().min(0).max(1),
  /** The other judged runs. */
  runsWithout: z.number().int().nonnegative(),
  failedWithout: z.number().int().nonnegative(),
  rateWithout: z.number().min(0).max(1),
  /** rateWith − rateWithout. */
  difference: z.number().min(-1).max(1),
  /** 95% interval of the difference. */
  interval: z.tuple([z.number(), z.number()]),
  method: z.literal('newcombe-wilson-95'),
  /** Set when the comparison is not every other judged run but those that could have shown the finding (`runs with a failed step`). */
  among: z.string().optional(),
  /** Where the verdicts came from when not the runs' recorded outcomes: `signal:<name>` (a judged classifier, src/signals). */
  source: z.string().optional(),
});
export type Impact = z.infer<typeof Impact>;

/** Whether the window's runs carry outcomes, i.e. whether findings could state impact. */
export const OutcomeCoverage = z.object({
  judged: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Why findings carry no impact, when they do not. */
  note: z.string().optional(),
  /** Per agent: runs, judged, failed, and runs that ended in an error without a verdict. Context, never a ranked finding. */
  byAgent: z
    .array(z.object({ agent: z.string(), runs: z.number().int().nonnegative(), judged: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), errored: z.number().int().nonnegative() }))
    .optional(),
  /** The verdicts impact used: the runs' recorded outcomes, or a signal's labels standing in for them. */
  source: z.enum(['runs', 'signal']).optional(),
  /** The signal given for outcomes (`--outcome-signal`): its labelled runs, and its agreement with recorded outcomes where runs have both. */
  signal: z
    .object({
      name: z.string(),
      fail: z.array(z.string()),
      labelled: z.number().int().nonnegative(),
      usedAsOutcome: z.boolean(),
      agreement: z
        .object({
          runs: z.number().int().nonnegative(),
          agree: z.number().int().nonnegative(),
          rate: z.number().min(0).max(1),
          interval: z.tuple([z.number(), z.number()]),
          confusion: z.object({ bothFailed: z.number().int(), signalFailedOnly: z.number().int(), outcomeFailedOnly: z.number().int(), bothPassed: z.number().int() }),
          method: z.literal('wilson-95'),
        })
        .optional(),
    })
    .optional(),
});
export type OutcomeCoverage = z.infer<typeof OutcomeCoverage>;
// ---- end impact ---------------------------------------------------------------

/** A finding after verification, merge, rank and fingerprint. */
export const Finding = FindingInput.extend({
  id: z.string(),
  prevalence: Prevalence,
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  /** 1-based position in the ranked list (1 = most important). */
  rank: z.number(),
  /** Rank score: severity weight × prevalence share × confidence factor (src/findings/rank.ts). */
  score: z.number().optional(),
  verification: Verification,
  /** Failure rate with vs without this finding, when runs carry outcomes (impact, issue 11). */
  impact: Impact.optional(),
  /** Filled by run history (src/history): new | recurring | regressed. */
  status: z.enum(['new', 'recurring', 'regressed']).optional(),
  /** Prevalence of this fingerprint in earlier runs, oldest first (from run history). */
  trend: z
    .array(z.object({ runId: z.string(), at: z.string(), traces: z.number(), share: z.number() }))
    .optional(),
  /**
   * Set by `halo mute` (src/history/mutes.ts): the finding stays here but is
   * left out of the reports' main list, gates and exports — unless its share
   * grew past `resurfaceShare`, when `resurfaced` is true and it counts again.
   */
  muted: z
    .object({ reason: z.string(), at: z.string(), baselineShare: z.number().optional(), resurfaceShare: z.number().optional(), resurfaced: z.boolean() })
    .optional(),
});
export type Finding = z.infer<typeof Finding>;

/** Muted and not back: left out of report lists, gates and exports. */
export function isMuted(f: Pick<Finding, 'muted'>): boolean {
  return Boolean(f.muted && !f.muted.resurfaced);
}

export const Submission = z.object({
  findings: z.array(FindingInput).max(100),
  summary: z.string().max(8000),
});
export type Submission = z.infer<typeof Submission>;

export const FindingsFile = z.object({
  schemaVersion: z.literal(FINDINGS_SCHEMA_VERSION),
  run: z.object({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    engineVersion: z.string(),
    mode: z.enum(['offline', 'model']),
    partial: z.boolean(),
    partialReason: z.string().optional(),
    options: z.record(z.string(), z.unknown()),
    usage: z
      .object({
        turns: z.number(),
        subCalls: z.number(),
        inputTokens: z.number(),
        outputTokens: z.number(),
        costUsd: z.number(),
      })
      .optional(),
  }),
  /** The dataset overview (same shape as `halo inspect --json`). */
  dataset: z.record(z.string(), z.unknown()),
  summary: z.string(),
  /** Run outcomes in the window: whether findings state impact (impact, issue 11). */
  outcomes: OutcomeCoverage.optional(),
  verification: z.object({
    submitted: z.number().int(),
    kept: z.number().int(),
    droppedFindings: z.number().int(),
    droppedEvidence: z.number().int(),
    merged: z.number().int(),
    /** Findings dropped whole, and why (e.g. every citation named an unknown trace). */
    dropped: z.array(z.object({ title: z.string(), reason: z.string() })).optional(),
    /** Fix locations and patches that failed the repository checks (--repo). */
    droppedLocations: z.number().int().nonnegative().optional(),
    droppedPatches: z.number().int().nonnegative().optional(),
  }),
  findings: z.array(Finding),
  /** This window against a baseline (`--baseline`, src/compare): per agent, task, tool and model, with intervals and tests. */
  comparison: Comparison.optional(),
  /** Findings seen in earlier runs but not in this window (from history). */
  resolved: z
    .array(z.object({ fingerprint: z.string(), title: z.string(), lastSeen: z.string() }))
    .optional(),
});
export type FindingsFile = z.infer<typeof FindingsFile>;
