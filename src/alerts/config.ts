// Alert settings: the `alerts` section of halo.config.json and the
// `--alert-webhook` / `--alert-slack` flags. Webhook URLs (a Slack incoming
// webhook's URL is its credential) and signing secrets may come from the
// environment by name, so the config file can be committed without them.
import { z } from 'zod';
import { durationMs } from '../config/options.ts';
import { Severity } from '../findings/schema.ts';
import { UsageError } from '../errors.ts';

export const ALERT_STATES = ['new', 'regressed', 'resurfaced'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

const url = z.string().url().refine((u) => /^https?:\/\//i.test(u), { error: 'must be an http(s) URL' });
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

const Destination = {
  /** The URL itself, or the name of the environment variable holding it. */
  url: url.optional(),
  urlEnv: envName.optional(),
};

export const AlertsConfig = z
  .object({
    webhook: z
      .object({
        ...Destination,
        /** Environment variable holding the HMAC secret: requests carry X-Halo-Signature. */
        secretEnv: envName.optional(),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
    slack: z.object(Destination).strict().optional(),
    /** Which states alert (default all three). */
    states: z.array(z.enum(ALERT_STATES)).min(1).optional(),
    minSeverity: Severity.optional(),
    /** Send each finding's summary, root cause and fix too (trace content); default: titles, numbers and trace ids only. */
    includeDetails: z.boolean().optional(),
    /** Where readers find the report (a URL the run's report is published at); default: the report's path on this machine. */
    reportUrl: z.string().min(1).optional(),
    /** Longest time all alerts of one run may take, retries included ("30s"). */
    timeout: z.string().optional(),
  })
  .strict();
export type AlertsConfig = z.infer<typeof AlertsConfig>;

export interface AlertTargets {
  webhook?: { url: string; secret?: string; headers?: Record<string, string> };
  slack?: { url: string };
  states: AlertState[];
  minSeverity?: Severity;
  includeDetails: boolean;
  reportUrl?: string;
  timeoutMs: number;
}

export const DEFAULT_ALERT_TIMEOUT_MS = 30_000;

function fromEnv(name: string | undefined, env: Record<string, string | undefined>, what: string): string | undefined {
  if (!name) return undefined;
  const v = env[name];
  if (!v) throw new UsageError(`${what}: environment variable ${name} is not set`, { code: 'alerts.config' });
  return v;
}

/**
 * The destinations of one run: flags over the config's section; null when
 * there are none. Throws UsageError for a URL that is missing or malformed.
 */
export function alertTargets(
  config: AlertsConfig | undefined,
  flags: { webhook?: string; slack?: string; reportUrl?: string },
  env: Record<string, string | undefined> = process.env,
): AlertTargets | null {
  const c = config ?? {};
  const webhookUrl = flags.webhook ?? c.webhook?.url ?? fromEnv(c.webhook?.urlEnv, env, 'alerts.webhook.urlEnv');
  const slackUrl = flags.slack ?? c.slack?.url ?? fromEnv(c.slack?.urlEnv, env, 'alerts.slack.urlEnv');
  if (!webhookUrl && !slackUrl) return null;
  for (const [what, u] of [['--alert-webhook', webhookUrl], ['--alert-slack', slackUrl]] as const) {
    if (u !== undefined && !url.safeParse(u).success) throw new UsageError(`${what}: "${u.replace(/\/[^/]*$/, '/…')}" is not an http(s) URL`, { code: 'alerts.config' });
  }
  const secret = fromEnv(c.webhook?.secretEnv, env, 'alerts.webhook.secretEnv');
  return {
    ...(webhookUrl ? { webhook: { url: webhookUrl, ...(secret ? { secret } : {}), ...(c.webhook?.headers ? { headers: c.webhook.headers } : {}) } } : {}),
    ...(slackUrl ? { slack: { url: slackUrl } } : {}),
    states: c.states ?? [...ALERT_STATES],
    ...(c.minSeverity ? { minSeverity: c.minSeverity } : {}),
    includeDetails: c.includeDetails === true,
    ...((flags.reportUrl ?? c.reportUrl) ? { reportUrl: flags.reportUrl ?? c.reportUrl } : {}),
    timeoutMs: c.timeout ? durationMs(c.timeout) : DEFAULT_ALERT_TIMEOUT_MS,
  };
}
