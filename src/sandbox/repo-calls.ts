// Serves sandbox code's `repo.files / repo.grep / repo.read` calls inside the
// sandbox child, next to the isolate, so a pathological search pattern stalls
// only the child (whose wall-clock deadline the parent enforces), never the
// parent. Arguments are untrusted: checked against the contract (rpc.ts), every path checked by
// Repo (inside the repository, listed, not secret), output bounded and
// redacted like trace text. There is no call that writes.
import { z } from 'zod';
import { Repo, REPO_LIMITS } from '../repo/repo.ts';
import { compileGlob } from '../repo/glob.ts';
import { createRedactor, noRedaction, type Redactor } from '../redact.ts';
import { hostCallDispatcher } from './rpc.ts';

export const RepoAccess = z.object({
  root: z.string().min(1),
  /** Redaction of repo text, as for traces: built-in secret rules and user patterns. */
  secrets: z.boolean(),
  patterns: z.array(z.string()),
});
export type RepoAccess = z.infer<typeof RepoAccess>;

// Nested quantifiers ((a+)+, (a*)*, (a|a)*...) backtrack exponentially.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{?]/;

function compilePattern(p: string | { source: string; flags: string }): RegExp {
  const source = typeof p === 'string' ? p : p.source;
  const flags = typeof p === 'string' ? '' : p.flags.replace(/[^imsu]/g, '');
  if (NESTED_QUANTIFIER.test(source)) throw new Error('repo.grep(): nested quantifiers such as (a+)+ are not allowed (they can take exponential time); simplify the pattern');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new Error(`repo.grep(): invalid regular expression: ${(err as Error).message}`);
  }
}

export type RepoCallHandler = (name: string, args: unknown[]) => unknown;

/** A handler for `repo.*` host calls; throws Errors whose message the sandbox code sees. */
export function createRepoCalls(access: RepoAccess | undefined): RepoCallHandler {
  let repo: Repo | null = null;
  const redact: Redactor = access && (access.secrets || access.patterns.length) ? createRedactor({ secrets: access.secrets, patterns: access.patterns }) : noRedaction;
  const open = () => {
    if (!access) throw new Error('repo is not available: run halo with --repo PATH to give the analysis read-only access to the agent\'s source');
    return (repo ??= Repo.open(access.root));
  };
  return hostCallDispatcher(
    {
      'repo.files': (opts) => {
        const files = open().files();
        return opts?.glob ? files.filter(compileGlob(opts.glob)) : files;
      },
      'repo.grep': (p, opts) => {
        const r = open().grep(compilePattern(p), { ...(opts?.glob ? { glob: opts.glob } : {}), ...(opts?.max ? { maxMatches: opts.max } : {}) }, redact);
        return r.truncated ? { matches: r.matches, truncated: true, note: `stopped at ${r.matches.length} matches (max ${REPO_LIMITS.maxGrepMatches}); narrow the pattern or glob` } : r;
      },
      'repo.read': (path, opts) => open().read(path, opts ?? {}, redact),
    },
    (name) => {
      throw new Error(`${name}() does not exist; repo has files(), grep() and read()`);
    },
  );
}
