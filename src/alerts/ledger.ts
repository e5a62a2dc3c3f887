// Which finding states have been alerted, per destination, so a finding is
// posted once per state: once when new, once each time it regresses, once
// when a muted finding resurfaces. An episode closes when the finding is
// resolved (or goes back under its mute), so the next regression alerts
// again. Kept per history scope in <state>/alerts/<scope>.json, written
// atomically after each successful post; the run holds its scope's lock.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../history/atomic.ts';
import { severityAtLeast } from '../findings/rank.ts';
import type { Finding, FindingsFile } from '../findings/schema.ts';
import type { AlertState, AlertTargets } from './config.ts';

const Entry = z.object({ state: z.string(), runId: z.string(), at: z.string(), open: z.boolean() });
const LedgerFile = z.object({ version: z.literal(1), destinations: z.record(z.string(), z.record(z.string(), Entry)) });
type LedgerFile = z.infer<typeof LedgerFile>;

export type Destination = 'webhook' | 'slack';

/** The state a finding alerts in this run, or null (recurring, muted, no history). */
export function alertState(f: Pick<Finding, 'status' | 'muted'>): AlertState | null {
  if (f.muted) return f.muted.resurfaced ? 'resurfaced' : null;
  if (f.status === 'new' || f.status === 'regressed') return f.status;
  return null;
}

export class AlertLedger {
  private data: LedgerFile;
  readonly path: string;
  /** Set when the file could not be read: it is started afresh, and the caller says so. */
  readonly damaged: string | null = null;

  constructor(stateDir: string, scope: string) {
    this.path = join(stateDir, 'alerts', `${scope}.json`);
    this.data = { version: 1, destinations: {} };
    if (existsSync(this.path)) {
      try {
        this.data = LedgerFile.parse(JSON.parse(readFileSync(this.path, 'utf8')));
      } catch (err) {
        this.damaged = `${this.path} could not be read (${(err as Error).message.split('\n')[0]}); findings already alerted may be alerted again`;
      }
    }
  }

  private entries(dest: Destination) {
    return (this.data.destinations[dest] ??= {});
  }

  /** Findings of this run in a state that alerts, selected by the targets' states and severity. */
  private selected(file: FindingsFile, targets: Pick<AlertTargets, 'states' | 'minSeverity'>): Array<{ finding: Finding; state: AlertState }> {
    const out: Array<{ finding: Finding; state: AlertState }> = [];
    for (const f of file.findings) {
      const state = alertState(f);
      if (!state || !targets.states.includes(state)) continue;
      if (targets.minSeverity && !severityAtLeast(f.severity, targets.minSeverity)) continue;
      out.push({ finding: f, state });
    }
    return out;
  }

  eligible(file: FindingsFile, targets: Pick<AlertTargets, 'states' | 'minSeverity'>): number {
    return this.selected(file, targets).length;
  }

  /** Findings of this run to post to `dest`: alertable, selected, and not already posted in this state. */
  pending(dest: Destination, file: FindingsFile, targets: Pick<AlertTargets, 'states' | 'minSeverity'>): Array<{ finding: Finding; state: AlertState }> {
    const sent = this.entries(dest);
    const out: Array<{ finding: Finding; state: AlertState }> = [];
    for (const { finding: f, state } of this.selected(file, targets)) {
      const prior = sent[f.fingerprint];
      if (prior && prior.open && prior.state === state) continue;
      out.push({ finding: f, state });
    }
    return out;
  }

  /** Closes episodes this run ended: resolved findings, and resurfaced ones back under their mute. */
  closeEpisodes(file: FindingsFile): void {
    const resolved = new Set((file.resolved ?? []).map((r) => r.fingerprint));
    const quiet = new Set(file.findings.filter((f) => f.muted && !f.muted.resurfaced).map((f) => f.fingerprint));
    let changed = false;
    for (const sent of Object.values(this.data.destinations)) {
      for (const [fp, e] of Object.entries(sent)) {
        if (e.open && (resolved.has(fp) || (e.state === 'resurfaced' && quiet.has(fp)))) {
          e.open = false;
          changed = true;
        }
      }
    }
    if (changed) this.save();
  }

  markSent(dest: Destination, items: Array<{ finding: Finding; state: AlertState }>, runId: string, at = new Date().toISOString()): void {
    const sent = this.entries(dest);
    for (const { finding, state } of items) sent[finding.fingerprint] = { state, runId, at, open: true };
    this.save();
  }

  private save(): void {
    mkdirSync(join(this.path, '..'), { recursive: true });
    writeFileAtomic(this.path, JSON.stringify(this.data, null, 2) + '\n');
  }
}
