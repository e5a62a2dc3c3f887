// Muted findings (`halo mute <fingerprint> --reason …`), kept in the state
// directory beside the run history: <state>/mutes.json. A muted finding stays
// in findings.json, marked, but leaves the reports' main list, the gates and
// the exports — until its share of traces grows past a threshold (by default
// half again the share it had when muted), when it comes back, flagged.
import { readJsonFile } from '../json-lines.ts';
import { join } from 'node:path';
import { z } from 'zod';
import type { FindingsFile } from '../findings/schema.ts';
import { writeFileAtomic } from './atomic.ts';

/** A muted finding comes back when its share reaches this multiple of its share when muted. */
export const RESURFACE_GROWTH = 1.5;

export const MuteEntry = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  reason: z.string().min(1),
  at: z.string(),
  /** Share of traces when muted (from the run history, or the first run that saw it muted). */
  baselineShare: z.number().min(0).max(1).optional(),
  /** Explicit share at which it comes back (`--resurface-at`); else baseline × RESURFACE_GROWTH. */
  resurfaceShare: z.number().min(0).max(1).optional(),
  title: z.string().optional(),
});
export type MuteEntry = z.infer<typeof MuteEntry>;
const MutesFile = z.object({ schemaVersion: z.literal(1), mutes: z.array(MuteEntry) });

export class MuteStore {
  readonly path: string;
  constructor(stateDir: string) {
    this.path = join(stateDir, 'mutes.json');
  }

  list(): MuteEntry[] {
    return readJsonFile(this.path, MutesFile, 'a mutes file', { remedy: 'fix it or delete it to unmute everything', code: 'mutes.invalid' })?.mutes ?? [];
  }

  save(mutes: MuteEntry[]): void {
    writeFileAtomic(this.path, JSON.stringify({ schemaVersion: 1, mutes }, null, 2) + '\n');
  }

  /** Adds or replaces the mute of `entry.fingerprint`. */
  add(entry: MuteEntry): void {
    this.save([...this.list().filter((m) => m.fingerprint !== entry.fingerprint), MuteEntry.parse(entry)]);
  }

  /** True when the fingerprint was muted. */
  remove(fingerprint: string): boolean {
    const all = this.list();
    const rest = all.filter((m) => m.fingerprint !== fingerprint);
    if (rest.length === all.length) return false;
    this.save(rest);
    return true;
  }
}

/** The share at which a mute ends, when known. */
export function resurfaceShare(m: MuteEntry): number | undefined {
  return m.resurfaceShare ?? (m.baselineShare !== undefined ? m.baselineShare * RESURFACE_GROWTH : undefined);
}

/**
 * Marks muted findings in `file`. A mute without a baseline takes the share it
 * sees now (returned in `learned`, for the caller to save).
 */
export function applyMutes(file: FindingsFile, mutes: MuteEntry[]): { file: FindingsFile; learned: MuteEntry[] } {
  if (!mutes.length) return { file, learned: [] };
  const byFp = new Map(mutes.map((m) => [m.fingerprint, m]));
  const learned: MuteEntry[] = [];
  const findings = file.findings.map((f) => {
    let m = byFp.get(f.fingerprint);
    if (!m) return f;
    if (m.baselineShare === undefined && m.resurfaceShare === undefined) {
      m = { ...m, baselineShare: f.prevalence.share };
      learned.push(m);
    }
    const at = resurfaceShare(m);
    const resurfaced = at !== undefined && f.prevalence.share >= at && f.prevalence.share > (m.baselineShare ?? 0);
    return {
      ...f,
      muted: {
        reason: m.reason,
        at: m.at,
        ...(m.baselineShare !== undefined ? { baselineShare: m.baselineShare } : {}),
        ...(at !== undefined ? { resurfaceShare: at } : {}),
        resurfaced,
      },
    };
  });
  return { file: { ...file, findings }, learned };
}

/** Applies the state directory's mutes to `file`, saving any baseline learned. */
export function applyStoredMutes(stateDir: string, file: FindingsFile): FindingsFile {
  const store = new MuteStore(stateDir);
  const mutes = store.list();
  const { file: out, learned } = applyMutes(file, mutes);
  if (learned.length) {
    const by = new Map(learned.map((m) => [m.fingerprint, m]));
    store.save(mutes.map((m) => by.get(m.fingerprint) ?? m));
  }
  return out;
}
