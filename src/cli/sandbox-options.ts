// Options shared by `halo exec` and `halo repl`: which traces to load and the
// limits of the sandbox they are loaded into.
import { InvalidArgumentError, type Command } from 'commander';
import type { WindowSpec } from '../ingest/api.ts';
import type { SandboxOptions } from '../sandbox/api.ts';
import { DEFAULT_CELL_TIMEOUT_MS } from '../sandbox/supervisor.ts';
import { Repo } from '../repo/repo.ts';

export interface SandboxCliOptions {
  window?: string;
  since?: string;
  until?: string;
  timeout?: number;
  memory?: number;
  strict?: boolean;
  repo?: string;
}

const positive = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number`);
  return n;
};

export function addSandboxOptions(cmd: Command): Command {
  return cmd
    .option('--window <duration>', 'only traces that start in this window, e.g. 7d, 24h, 90m (ends now, or at --until)')
    .option('--since <time>', 'only traces starting at/after this ISO time or relative duration')
    .option('--until <time>', "only traces starting before this ISO time, relative duration, or 'latest'")
    .option('--timeout <seconds>', `time limit for running code, per cell (default ${DEFAULT_CELL_TIMEOUT_MS / 1000})`, positive('--timeout'))
    .option('--memory <MB>', 'sandbox heap limit (default: 3x the input size, at least 512)', positive('--memory'))
    .option('--strict', 'fail on the first bad record instead of counting it')
    .option('--repo <dir>', "the agent's source repository, readable (never writable) as repo.files/grep/read");
}

export function sandboxOptionsFrom(files: string[], o: SandboxCliOptions): SandboxOptions {
  const window: WindowSpec = {};
  if (o.window !== undefined) window.window = o.window;
  if (o.since !== undefined) window.since = o.since;
  if (o.until !== undefined) window.until = o.until;
  const opts: SandboxOptions = { files, window, strict: o.strict === true };
  if (o.timeout !== undefined) {
    opts.cellTimeoutMs = Math.round(o.timeout * 1000);
    opts.cellDeadlineMs = opts.cellTimeoutMs + 30_000;
  }
  if (o.memory !== undefined) opts.memoryLimitMb = Math.round(o.memory);
  // Opened here so a bad path fails before any trace loads (RepoError: exit 2).
  if (o.repo !== undefined) opts.repo = { root: Repo.open(o.repo).root, secrets: true, patterns: [] };
  return opts;
}

/** A one-line progress meter on stderr while the traces load (TTY only). */
export function loadProgress(): { update: SandboxOptions['onProgress']; done: () => void } {
  if (!process.stderr.isTTY) return { update: undefined, done: () => {} };
  let drawn = false;
  let last = 0;
  const mb = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      drawn = true;
      process.stderr.write(`\r\x1b[Kloading ${mb(p.bytesRead)}${p.bytesTotal ? ` / ${mb(p.bytesTotal)}` : ''} · ${p.file}`);
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
