// A temporary copy of tests/fixtures/repo with what git would not keep in
// the fixture itself: a .gitignore and the files it ignores, secret files,
// a binary file, and symbolic links (one inside the repository, one out).
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_FIXTURE = fileURLToPath(new URL('../fixtures/repo', import.meta.url));
/** Content of the file outside the repository that no path may reach. */
export const OUTSIDE_SECRET = 'outside-the-repo-3f1c9a';
export const FAKE_KEY = 'sk-proj-FAKEFAKEFAKEFAKEFAKEFAKE0123';

export interface RepoFixture {
  /** The repository root. */
  root: string;
  /** A file next to the repository (outside it). */
  outsideFile: string;
}

export function makeRepoFixture(tmp: string): RepoFixture {
  const root = join(tmp, 'agent-repo');
  cpSync(REPO_FIXTURE, root, { recursive: true });
  const outsideDir = join(tmp, 'outside');
  mkdirSync(outsideDir, { recursive: true });
  const outsideFile = join(outsideDir, 'secret.txt');
  writeFileSync(outsideFile, `${OUTSIDE_SECRET}\nname: 'refund_order'\n`);
  const w = (p: string, text: string | Buffer) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  w('.gitignore', 'build/\n*.log\n!keep.log\n/generated.ts\n');
  w('build/out.ts', "export const T = { name: 'refund_order' };\n");
  w('debug.log', 'ignored\n');
  w('keep.log', 're-included\n');
  w('generated.ts', 'ignored at the root only\n');
  w('agent/generated.ts', 'kept: the rule is anchored to the root\n');
  w('py/.gitignore', '*.pyc\n');
  w('py/cache.pyc', 'ignored by the nested .gitignore\n');
  w('.env', `OPENAI_API_KEY=${FAKE_KEY}\n`);
  w('.env.example', 'OPENAI_API_KEY=\n');
  w('keys/deploy.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  w('.ssh/id_rsa', 'not a real key\n');
  w('config.py', `API_KEY = "${FAKE_KEY}"\nTIMEOUT = 30\n`);
  w('blob.bin', Buffer.from([0x00, 0x01, 0x02, 0x6e, 0x61, 0x6d, 0x65]));
  symlinkSync(outsideFile, join(root, 'outside-link.txt'));
  symlinkSync(outsideDir, join(root, 'outside-dir'));
  symlinkSync(join(root, 'agent', 'tools.ts'), join(root, 'agent', 'inside-link.ts'));
  return { root, outsideFile };
}
