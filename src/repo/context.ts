// Opens the agent's repository for one analysis run: what fix verification
// checks against (FixContext) and what the sandbox child is told (RepoAccess).
import { Repo, RepoError } from './repo.ts';
import { githubLinker } from './links.ts';
import type { FixContext } from '../findings/verify-fix.ts';
import type { RepoAccess } from '../sandbox/repo-calls.ts';
import type { RedactOptions } from '../redact.ts';

export interface RunRepo {
  fix: FixContext;
  access: RepoAccess;
}

/** Throws RepoError (a user error) when `path` is not a readable directory. */
export function openRunRepo(path: string, redactOpts: RedactOptions | null): RunRepo {
  const repo = Repo.open(path);
  return {
    fix: { repo, linker: githubLinker(repo.root) },
    access: {
      root: repo.root,
      secrets: redactOpts ? redactOpts.secrets !== false : false,
      patterns: (redactOpts?.patterns ?? []).map((p) => (typeof p === 'string' ? p : p.source)),
    },
  };
}

export { RepoError };
