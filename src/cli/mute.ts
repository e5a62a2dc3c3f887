// `halo mute <fingerprint> --reason …`, `halo unmute <fingerprint>`, `halo mute list`:
// known, accepted findings leave the reports' main list, gates and exports
// until they grow (src/history/mutes.ts).
import type { Command } from 'commander';
import { MuteStore, RESURFACE_GROWTH, resurfaceShare, RunHistory, type MuteEntry } from '../history/index.ts';
import { UsageError } from '../errors.ts';

const pct = (share: number | undefined) => (share === undefined ? '?' : `${(share * 100).toFixed(1)}%`);

/** A full fingerprint from a full one or a prefix seen in the run history. */
function resolveFingerprint(history: RunHistory, given: string): { fingerprint: string; title?: string; share?: number } {
  const g = given.toLowerCase();
  if (!/^[0-9a-f]{4,16}$/.test(g)) throw new UsageError(`"${given}" is not a fingerprint (16 hex digits, or a prefix of at least 4 from \`halo history\`)`);
  const seen = new Map<string, { title: string; share: number }>();
  for (const r of history.runs()) for (const f of r.findings) if (f.fingerprint.startsWith(g)) seen.set(f.fingerprint, { title: f.title, share: f.share });
  if (seen.size > 1) throw new UsageError(`fingerprint prefix ${given} matches ${seen.size} findings (${[...seen.keys()].join(', ')}); give more digits`);
  const [fp, info] = [...seen.entries()][0] ?? [];
  if (fp) return { fingerprint: fp, ...info };
  if (g.length !== 16) throw new UsageError(`no finding with fingerprint prefix ${given} in the run history; give all 16 digits to mute it anyway`);
  return { fingerprint: g };
}

function parsePercent(text: string): number {
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError(`--resurface-at must be a percentage of traces in (0, 100], got "${text}"`);
  return n / 100;
}

function listMutes(store: MuteStore, json: boolean): void {
  const mutes = store.list();
  if (json) return void process.stdout.write(JSON.stringify(mutes.map((m) => ({ ...m, resurfaceShare: resurfaceShare(m) ?? null })), null, 2) + '\n');
  if (!mutes.length) return void process.stdout.write(`No muted findings in ${store.path}.\n`);
  for (const m of mutes) {
    process.stdout.write(`${m.fingerprint}  muted ${m.at.slice(0, 10)}  at ${pct(m.baselineShare)}, back at ${pct(resurfaceShare(m))}  ${m.title ?? ''}\n    reason: ${m.reason}\n`);
  }
}

export function registerMute(program: Command): void {
  program
    .command('mute')
    .description('Mute a finding (left out of report lists, gates and exports until it grows), or `mute list`')
    .argument('<fingerprint>', 'the finding\'s fingerprint (or a prefix from `halo history`), or "list"')
    .option('--reason <text>', 'why it is muted (required; shown in the reports and `halo mute list`)')
    .option('--resurface-at <percent>', `bring it back when it affects this share of traces (default: ${RESURFACE_GROWTH}× its share when muted)`)
    .option('--state <dir>', 'state directory', '.halo')
    .option('--json', 'with list: machine-readable output')
    .addHelpText(
      'after',
      `
A muted finding stays in findings.json (marked "muted"), but is left out of
report.md's and report.html's main list, --fail-on and exports. If its share of
traces grows past the threshold it comes back, flagged as resurfaced.

Examples:
  $ halo mute 3f9a1c0d2b4e5f67 --reason "known flaky sandbox tool, fix planned for Q3"
  $ halo mute 3f9a --reason "accepted cost" --resurface-at 5%
  $ halo mute list
  $ halo unmute 3f9a1c0d2b4e5f67

Exit codes: 0 ok, 2 bad usage (no reason, unknown or ambiguous fingerprint)`,
    )
    .action((given: string, opts: { reason?: string; resurfaceAt?: string; state: string; json?: boolean }) => {
      const store = new MuteStore(opts.state);
      if (given === 'list') return listMutes(store, Boolean(opts.json));
      if (!opts.reason?.trim()) throw new UsageError('mute: say why with --reason "…" (it is shown wherever the finding is left out)');
      const found = resolveFingerprint(new RunHistory(opts.state), given);
      const entry: MuteEntry = {
        fingerprint: found.fingerprint,
        reason: opts.reason.trim(),
        at: new Date().toISOString(),
        ...(found.share !== undefined ? { baselineShare: found.share } : {}),
        ...(opts.resurfaceAt ? { resurfaceShare: parsePercent(opts.resurfaceAt) } : {}),
        ...(found.title ? { title: found.title } : {}),
      };
      store.add(entry);
      const back = resurfaceShare(entry);
      process.stdout.write(
        `Muted ${entry.fingerprint}${found.title ? ` (${found.title})` : ''}: ${back !== undefined ? `it comes back if it reaches ${pct(back)} of traces` : 'its threshold is set from the next run that sees it'}.\n`,
      );
    });

  program
    .command('unmute')
    .description('Unmute a finding')
    .argument('<fingerprint>', 'the muted finding\'s fingerprint (a unique prefix is enough)')
    .option('--state <dir>', 'state directory', '.halo')
    .addHelpText('after', '\nExit codes: 0 ok, 2 not muted')
    .action((given: string, opts: { state: string }) => {
      const store = new MuteStore(opts.state);
      const matches = store.list().filter((m) => m.fingerprint.startsWith(given.toLowerCase()));
      if (matches.length !== 1) throw new UsageError(matches.length ? `prefix ${given} matches ${matches.length} muted findings; give more digits` : `${given} is not muted (see \`halo mute list\`)`);
      store.remove(matches[0]!.fingerprint);
      process.stdout.write(`Unmuted ${matches[0]!.fingerprint}.\n`);
    });
}
