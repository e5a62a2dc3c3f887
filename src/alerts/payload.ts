// What an alert says. By default only what halo computed: titles, severity,
// category, counts, impact and the verified trace ids, and where the report
// is. Summaries, root causes and fixes quote trace content, so they go out
// only with `includeDetails`. Titles are built from trace content too (tool
// and agent names): Slack gets them escaped so a name cannot mention
// @channel or forge a link.
import { createHash } from 'node:crypto';
import type { Finding, FindingsFile } from '../findings/schema.ts';
import type { AlertState } from './config.ts';

export const MAX_TRACE_IDS = 10;
/** Block Kit allows 50 blocks per message; a header, a context and two per finding leave room for 20. */
export const MAX_SLACK_FINDINGS = 20;

export interface AlertItem {
  finding: Finding;
  state: AlertState;
}

export interface AlertContext {
  file: FindingsFile;
  scope: string;
  /** A URL, or the report's path on this machine. */
  report: string | null;
  includeDetails: boolean;
  /** Fingerprint → tracker issue URL, when the run exported the finding. */
  issues: Map<string, string>;
}

/** Stable per destination and set of finding states: a receiver can drop a repeat delivery by it. */
export function deliveryId(dest: string, items: AlertItem[]): string {
  const key = items.map((i) => `${i.finding.fingerprint}:${i.state}`).sort().join(',');
  return createHash('sha256').update(`${dest}|${key}`).digest('hex').slice(0, 32);
}

/** The trace ids a finding's verification kept, first the cited ones. */
function traceIds(f: Finding): string[] {
  const ids = new Set(f.evidence.map((e) => e.traceId));
  return [...ids].slice(0, MAX_TRACE_IDS);
}

export function webhookPayload(items: AlertItem[], ctx: AlertContext) {
  return {
    type: 'halo.alert',
    version: 1,
    deliveryId: deliveryId('webhook', items),
    run: { id: ctx.file.run.id, scope: ctx.scope, finishedAt: ctx.file.run.finishedAt, mode: ctx.file.run.mode, traces: (ctx.file.dataset as { traces?: number }).traces ?? null },
    report: ctx.report,
    findings: items.map(({ finding: f, state }) => ({
      fingerprint: f.fingerprint,
      state,
      title: f.title,
      severity: f.severity,
      category: f.category,
      prevalence: f.prevalence,
      ...(f.impact ? { impact: { difference: f.impact.difference, interval: f.impact.interval, rateWith: f.impact.rateWith, rateWithout: f.impact.rateWithout } } : {}),
      verification: f.verification.level ?? f.verification.status,
      traceIds: traceIds(f),
      ...(ctx.issues.has(f.fingerprint) ? { issue: ctx.issues.get(f.fingerprint) } : {}),
      ...(ctx.includeDetails ? { summary: f.summary, rootCause: f.rootCause.statement, fix: f.fix.summary } : {}),
    })),
  };
}

/** Slack mrkdwn: &, < and > escaped (Slack's own rule), so text is shown, never read as a mention or link. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const STATE_LABEL: Record<AlertState, string> = { new: 'New', regressed: 'Regressed', resurfaced: 'Resurfaced' };

function impactLine(f: Finding): string {
  const i = f.impact;
  if (!i) return '';
  const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))}`;
  return ` · impact ${pts(i.difference)} pts failure rate (95% ${pts(i.interval[0])} to ${pts(i.interval[1])})`;
}

/** A link Slack renders: `<url|label>`, with the characters that would end it percent-encoded. */
const slackLink = (url: string, label: string) => `<${url.replace(/[<>|]/g, encodeURIComponent)}|${label}>`;

function issueLink(url: string | undefined): string {
  return url && /^https?:\/\//i.test(url) ? ` · ${slackLink(url, 'issue')}` : '';
}

function reportLink(report: string | null): string {
  if (!report) return 'no report was written';
  return /^https?:\/\//i.test(report) ? slackLink(report, 'Open the report') : `Report: \`${slackEscape(report).replace(/`/g, "'")}\``;
}

export function slackPayload(items: AlertItem[], ctx: AlertContext) {
  const shown = items.slice(0, MAX_SLACK_FINDINGS);
  const n = items.length;
  const headline = `Halo: ${n} finding${n === 1 ? '' : 's'} ${n === 1 ? 'needs' : 'need'} attention (${ctx.scope})`;
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150), emoji: false } }];
  for (const { finding: f, state } of shown) {
    const ids = traceIds(f).slice(0, 3).map((id) => `\`${slackEscape(id).replace(/`/g, "'")}\``).join(', ');
    const lines = [
      `*${STATE_LABEL[state]} · ${f.severity}* · ${slackEscape(f.category)} — *${slackEscape(f.title)}*`,
      `${f.prevalence.traces} of ${f.prevalence.total} runs (${pct(f.prevalence.share)})${impactLine(f)} · e.g. ${ids}${issueLink(ctx.issues.get(f.fingerprint))}`,
    ];
    if (ctx.includeDetails) lines.push(`_Fix:_ ${slackEscape(f.fix.summary).slice(0, 1500)}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } });
  }
  const more = n > shown.length ? ` · ${n - shown.length} more in the report` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${reportLink(ctx.report)} · run ${slackEscape(ctx.file.run.id)}${more}` }] });
  // `text` is the notification's fallback: titles only.
  const text = `${headline}: ${shown.map((i) => `${STATE_LABEL[i.state]}: ${slackEscape(i.finding.title)}`).join('; ')}`.slice(0, 3000);
  return { text, blocks };
}
