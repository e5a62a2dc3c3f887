// `halo collect` as a child process (the real CLI), with its stderr lines as
// events a test can wait on.
import { spawn, type ChildProcess } from 'node:child_process';
import { HALO_BIN, cliEnv } from './cli.ts';

export interface CollectProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>/v1/traces */
  endpoint: string;
  lines: string[];
  /** Resolves with the first stderr line from index `from` on that matches. */
  waitFor(re: RegExp, from?: number): Promise<string>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export async function startCollect(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CollectProcess> {
  const child = spawn(HALO_BIN, ['collect', '--port', '0', ...args], { env: { ...cliEnv, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; from: number; resolve: (l: string) => void }[] = [];
  let partial = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  child.stderr!.on('data', (d: Buffer) => {
    partial += d.toString();
    let nl;
    while ((nl = partial.indexOf('\n')) !== -1) {
      lines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
    for (const w of [...waiters]) {
      const hit = lines.slice(w.from).find((l) => w.re.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  const waitFor = (re: RegExp, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const hit = lines.slice(from).find((l) => re.test(l));
      if (hit !== undefined) return resolve(hit);
      waiters.push({ re, from, resolve });
      void exited.then((code) => reject(new Error(`halo collect exited (${code}) before printing ${re}; it said:\n${lines.join('\n')}`)));
    });
  const listening = await waitFor(/listening on/);
  const endpoint = /(http:\/\/\S+\/v1\/traces)/.exec(listening)![1]!;
  return { child, endpoint, lines, waitFor, exited };
}
