// halo.config.json: one file holding provider, models, budgets, inputs,
// windows, schedules and exports. Command-line flags override it.
import { z } from 'zod';

const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);

export const ProviderConfig = z
  .object({
    name: z.enum(['openai', 'anthropic']),
    model: z.string().min(1),
    subModel: z.string().min(1).optional(),
    baseUrl: z.string().url().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    reasoningEffort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
    /** OpenAI: 'responses' or 'chat' (default: by endpoint and model). */
    api: z.enum(['chat', 'responses']).optional(),
    /** Anthropic: cache the system prompt and conversation prefix (default true). */
    promptCaching: z.boolean().optional(),
    /** USD per 1M tokens, overriding the built-in price table. */
    prices: z
      .record(
        z.string(),
        z.object({
          input: z.number().nonnegative(),
          output: z.number().nonnegative(),
          cachedInput: z.number().nonnegative().optional(),
          cacheWrite: z.number().nonnegative().optional(),
        }),
      )
      .optional(),
  })
  .strict();

export const BudgetConfig = z
  .object({
    maxTurns: z.number().int().positive().optional(),
    maxDepth: z.number().int().nonnegative().optional(),
    maxSubcalls: z.number().int().nonnegative().optional(),
    maxTokens: z.number().int().positive().optional(),
    maxUsd: z.number().positive().optional(),
    maxWallSeconds: z.number().positive().optional(),
    concurrency: z.number().int().positive().optional(),
    /** Time limit for one finding's predicate over the window. */
    predicateTimeoutSeconds: z.number().positive().optional(),
    /** Matched, uncited traces per predicate the sub-model judges (0 = no audit). */
    auditSample: z.number().int().nonnegative().max(200).optional(),
    /** Rounds in which the model may repair findings that did not verify. */
    reviewRounds: z.number().int().nonnegative().max(10).optional(),
  })
  .strict();

/** Which findings an export sends; the same for every target. */
const findingSelection = {
  top: z.number().int().positive().optional(),
  minSeverity: Severity.optional(),
};

export const GithubExport = z
  .object({
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
    apiUrl: z.string().url().optional(),
    labels: z.array(z.string()).optional(),
    ...findingSelection,
  })
  .strict();
export const LinearExport = z
  .object({
    team: z.string().min(1),
    apiUrl: z.string().url().optional(),
    labels: z.array(z.string()).optional(),
    ...findingSelection,
  })
  .strict();
export const JiraExport = z
  .object({
    project: z.string().min(1),
    site: z.string().url(),
    apiUrl: z.string().url().optional(),
    issueType: z.string().optional(),
    labels: z.array(z.string()).optional(),
    ...findingSelection,
  })
  .strict();
export const CsvExport = z
  .object({ out: z.string().min(1), flavor: z.enum(['jira', 'linear']).optional(), ...findingSelection })
  .strict();

export const ExportsConfig = z
  .object({ github: GithubExport.optional(), linear: LinearExport.optional(), jira: JiraExport.optional(), csv: CsvExport.optional() })
  .strict();

export const ScheduleConfig = z
  .object({
    name: z.string().regex(/^[\w.-]+$/, 'letters, digits, dot, dash or underscore'),
    cron: z.string().min(1),
    /** IANA time zone for the cron expression; default UTC. */
    timezone: z.string().optional(),
    inputs: z.array(z.string().min(1)).min(1).optional(),
    window: z.string().optional(),
    /** Window end: ISO time, relative, or "latest" (the newest trace in the data). */
    until: z.string().optional(),
    sinceLastRun: z.boolean().optional(),
    /** Focus for the model ("cost regressions", "tool argument errors"). */
    prompt: z.string().optional(),
    offline: z.boolean().optional(),
    out: z.string().optional(),
    formats: z.array(z.enum(['json', 'md', 'html'])).optional(),
    budgets: BudgetConfig.optional(),
    /** Export targets (keys of `exports`) to push to after each run; they write (--apply). */
    export: z.array(z.enum(['github', 'linear', 'jira', 'csv'])).optional(),
    /** Run once at start when the last run of this schedule is older than one interval. */
    catchUp: z.boolean().optional(),
  })
  .strict();

export const HaloConfig = z
  .object({
    $schema: z.string().optional(),
    provider: ProviderConfig.optional(),
    budgets: BudgetConfig.optional(),
    inputs: z.array(z.string().min(1)).optional(),
    /** Field mapping for flat records of an unknown exporter: canonical field → source key (like --field). */
    fields: z.record(z.string(), z.string().min(1)).optional(),
    window: z.string().optional(),
    /** Window end: ISO time, relative, or "latest" (the newest trace in the data). */
    until: z.string().optional(),
    out: z.string().optional(),
    formats: z.array(z.enum(['json', 'md', 'html'])).optional(),
    state: z.string().optional(),
    /** Runs kept per history scope in `state`; older ones are deleted. */
    keep: z.number().int().positive().optional(),
    /** The agent's source repository (like --repo): fixes are grounded in it and checked against it. */
    repo: z.string().min(1).optional(),
    /** A text file describing the agent (like --context): purpose, tools, known issues; shown to the model as data. */
    context: z.string().min(1).optional(),
    redact: z.object({ enabled: z.boolean().optional(), patterns: z.array(z.string()).optional() }).strict().optional(),
    failOn: Severity.optional(),
    schedules: z.array(ScheduleConfig).optional(),
    exports: ExportsConfig.optional(),
  })
  .strict();
export type HaloConfig = z.infer<typeof HaloConfig>;
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;
