// `repo`: read-only access to the agent's source repository (--repo) for
// sandbox code. Every call goes out through the host channel; the sandbox
// child answers it from the files (src/sandbox/repo-calls.ts), so nothing
// here can touch a file system, and there is no call that writes.

import type { HostCallName, HostCalls } from '../src/sandbox/rpc-types.ts';

type HostCall = <K extends HostCallName>(name: K, args: Parameters<HostCalls[K]>) => Promise<unknown>;

export function repoApi(hostCall: HostCall) {
  const files = (opts: { glob?: string } = {}) => hostCall('repo.files', [opts]);
  const grep = (pattern: unknown, opts: { glob?: string; max?: number } = {}) => {
    // RegExp objects do not cross as JSON: send their source and flags.
    const p = pattern instanceof RegExp ? { source: pattern.source, flags: pattern.flags } : pattern;
    // Sandbox code may pass anything; the host checks the arguments (HOST_CALL_ARGS).
    return hostCall('repo.grep', [p as string, opts]);
  };
  const read = (path: unknown, opts: { from?: number; to?: number } = {}) => hostCall('repo.read', [path as string, opts]);
  return Object.freeze({ files, grep, read });
}
