// Alerts after a run: post the findings that are new, regressed or resurfaced
// to a JSON webhook and/or a Slack incoming webhook. Never blocks the run: all
// posts share one deadline, retries (429 with Retry-After, 5xx, dropped
// connections) happen inside it, and a failure is a warning, never an error.
// What was posted is recorded per finding state (ledger.ts), so a finding
// is not posted again in the same state; what failed is tried again next run.
import { createHmac } from 'node:crypto';
import { createHttp, ExportHttpError } from '../export/http.ts';
import type { FindingsFile } from '../findings/schema.ts';
import { messageOf } from '../errors.ts';
import type { AlertTargets } from './config.ts';
import { AlertLedger, type Destination } from './ledger.ts';
import { deliveryId, slackPayload, webhookPayload, type AlertContext, type AlertItem } from './payload.ts';

export { AlertsConfig, alertTargets, ALERT_STATES, type AlertTargets, type AlertState } from './config.ts';
export { AlertLedger, alertState } from './ledger.ts';

export interface SendAlertsOptions {
  file: FindingsFile;
  targets: AlertTargets;
  stateDir: string;
  scope: string;
  /** The report's path when no reportUrl is configured. */
  reportPath?: string | null;
  /** Fingerprint → tracker issue URL (a schedule's exports), linked from each finding. */
  issues?: Map<string, string>;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Test seam: the wait between attempts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface AlertOutcome {
  destination: Destination;
  /** Findings posted in this run. */
  sent: number;
  /** Findings already posted in their state, not posted again. */
  skipped: number;
  error?: string;
}

/** A destination named without its URL: a Slack webhook's path is its credential. */
function label(dest: Destination, url: string): string {
  try {
    return `${dest} (${new URL(url).host})`;
  } catch {
    return dest;
  }
}

async function post(dest: Destination, url: string, payload: unknown, headers: Record<string, string>, o: { signal: AbortSignal; log: (l: string) => void; sleep?: SendAlertsOptions['sleep']; remainingMs: () => number }): Promise<void> {
  const name = label(dest, url);
  const hide = (s: string) => s.split(url).join(name);
  const http = createHttp({
    maxRetries: 4,
    // A wait longer than the time left cannot end in a delivery within this run.
    maxWaitMs: Math.max(0, o.remainingMs()),
    timeouts: { connectMs: 5_000, headersMs: 10_000, totalMs: 15_000 },
    signal: o.signal,
    ...(o.sleep ? { sleep: o.sleep } : {}),
    log: (line) => o.log(`alerts: ${hide(line)}`),
  });
  try {
    const res = await http<unknown>('POST', url, payload, { headers: { 'user-agent': 'halo-alerts', ...headers } });
    // Slack answers a good post with the text "ok"; anything else was not posted.
    if (dest === 'slack' && String(res.body).trim() !== 'ok') throw new Error(`Slack answered HTTP ${res.status} "${String(res.body).slice(0, 100)}", not "ok"`);
  } catch (err) {
    if (o.signal.aborted) throw new Error(`${name}: not delivered within the alert deadline`);
    throw new Error(hide(err instanceof ExportHttpError ? err.message : messageOf(err)));
  }
}

export async function sendAlerts(opts: SendAlertsOptions): Promise<AlertOutcome[]> {
  const { file, targets } = opts;
  const log = opts.log ?? (() => {});
  const ledger = new AlertLedger(opts.stateDir, opts.scope);
  if (ledger.damaged) log(`alerts: warning: ${ledger.damaged}`);
  ledger.closeEpisodes(file);
  const deadline = Date.now() + targets.timeoutMs;
  const signal = AbortSignal.any([AbortSignal.timeout(targets.timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
  const ctx: AlertContext = { file, scope: opts.scope, report: targets.reportUrl ?? opts.reportPath ?? null, includeDetails: targets.includeDetails, issues: opts.issues ?? new Map() };
  const dests: Array<{ dest: Destination; url: string }> = [
    ...(targets.webhook ? [{ dest: 'webhook' as const, url: targets.webhook.url }] : []),
    ...(targets.slack ? [{ dest: 'slack' as const, url: targets.slack.url }] : []),
  ];
  const one = async ({ dest, url }: { dest: Destination; url: string }): Promise<AlertOutcome> => {
    const items: AlertItem[] = ledger.pending(dest, file, targets);
    const skipped = ledger.eligible(file, targets) - items.length;
    if (!items.length) return { destination: dest, sent: 0, skipped };
    let payload: unknown;
    const headers: Record<string, string> = { 'x-halo-delivery': deliveryId(dest, items) };
    if (dest === 'webhook') {
      payload = webhookPayload(items, ctx);
      Object.assign(headers, targets.webhook?.headers ?? {});
      if (targets.webhook?.secret) {
        const ts = String(Math.floor(Date.now() / 1000));
        // The body as the client sends it (JSON.stringify of the same object).
        const sig = createHmac('sha256', targets.webhook.secret).update(`${ts}.${JSON.stringify(payload)}`).digest('hex');
        Object.assign(headers, { 'x-halo-timestamp': ts, 'x-halo-signature': `sha256=${sig}` });
      }
    } else payload = slackPayload(items, ctx);
    try {
      await post(dest, url, payload, headers, { signal, log, ...(opts.sleep ? { sleep: opts.sleep } : {}), remainingMs: () => deadline - Date.now() });
    } catch (err) {
      return { destination: dest, sent: 0, skipped, error: messageOf(err) };
    }
    ledger.markSent(dest, items, file.run.id);
    return { destination: dest, sent: items.length, skipped };
  };
  return Promise.all(dests.map(one));
}

/** One line per destination for the run's log. */
export function alertSummary(outcomes: AlertOutcome[]): string[] {
  return outcomes.map((o) =>
    o.error
      ? `alerts: ${o.destination} failed (${o.error}); its findings will be sent with the next run`
      : `alerts: ${o.destination}: ${o.sent} finding${o.sent === 1 ? '' : 's'} posted${o.skipped ? `, ${o.skipped} already alerted in their state` : ''}`,
  );
}
