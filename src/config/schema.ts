// halo.config.json: one file holding provider, models, budgets, inputs,
// windows, schedules and exports. Command-line flags override it.
import { z } from 'zod';
import { configShape, MODEL_OPTIONS, RUN_OPTIONS } from './options.ts';
import { Severity } from '../findings/schema.ts';
import { SignalConfig } from '../signals/spec.ts';
import { AlertsConfig } from '../alerts/config.ts';

// The provider, budget and run keys come from the option definitions
// (src/config/options.ts), so a key exists here exactly when its option does.

/**
 * `provider`: a provider section names the provider; without a model it gets
 * that provider's default models (gpt-4.1 + gpt-4.1-mini, claude-sonnet-4-5 +
 * claude-haiku-4-5), as the README says.
 */
export const ProviderConfig = z.strictObject(configShape(MODEL_OPTIONS, 'provider')).required({ name: true });

export const BudgetConfig = z.strictObject(configShape(MODEL_OPTIONS, 'budgets'));

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
    /** Pull what is new from a trace service before each run (as `halo analyze --source`); the top-level value applies when unset. */
    source: RUN_OPTIONS.source.value.optional(),
    sourceUrl: RUN_OPTIONS.sourceUrl.value.optional(),
    sourceProject: RUN_OPTIONS.sourceProject.value.optional(),
    window: RUN_OPTIONS.window.value.optional(),
    until: RUN_OPTIONS.until.value.optional(),
    sinceLastRun: RUN_OPTIONS.sinceLastRun.value.optional(),
    /** Focus for the model ("cost regressions", "tool argument errors"). */
    prompt: RUN_OPTIONS.prompt.value.optional(),
    offline: RUN_OPTIONS.offline.value.optional(),
    out: RUN_OPTIONS.out.value.optional(),
    formats: RUN_OPTIONS.formats.value.optional(),
    budgets: BudgetConfig.optional(),
    /** Export targets (keys of `exports`) to push to after each run; they write (--apply). */
    export: z.array(z.enum(['github', 'linear', 'jira', 'csv'])).optional(),
    /** Run once at start when the last run of this schedule is older than one interval. */
    catchUp: z.boolean().optional(),
    /** Signals (names under `signals`) to label on the schedule's window with the sub-model before each analysis. */
    signals: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const HaloConfig = z
  .object({
    $schema: z.string().optional(),
    provider: ProviderConfig.optional(),
    budgets: BudgetConfig.optional(),
    inputs: z.array(z.string().min(1)).optional(),
    ...configShape(RUN_OPTIONS, 'top'),
    redact: z.strictObject(configShape(RUN_OPTIONS, 'redact')).optional(),
    schedules: z.array(ScheduleConfig).optional(),
    exports: ExportsConfig.optional(),
    /** Classifiers the sub-model applies to runs (`halo signal`, src/signals). */
    signals: z.array(SignalConfig).optional(),
    /** Where scheduled and manual runs post new, regressed and resurfaced findings (src/alerts). */
    alerts: AlertsConfig.optional(),
  })
  .strict();
export type HaloConfig = z.infer<typeof HaloConfig>;
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;
