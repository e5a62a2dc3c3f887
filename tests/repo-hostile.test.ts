// Hostile code against `repo.*`, in the real sandbox: sandbox code may read
// the agent's repository (--repo) and nothing else. Every attempt to read
// outside it (.., absolute paths, symlinks, globs), to read secrets, to write,
// or to stall the parent with a pathological pattern gets an error or
// nothing; the repository is byte-for-byte unchanged afterwards.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { CellResult, Sandbox } from '../src/sandbox/api.ts';
import { FAKE_KEY, makeRepoFixture, OUTSIDE_SECRET, type RepoFixture } from './helpers/repo-fixture.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';

function treeDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      h.update(`${p}\0${st?.mode}\0${st?.size}\0`);
      if (st?.isDirectory() && !name.startsWith('outside')) walk(p);
      else if (st?.isFile()) h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

let tmp: string;
let fx: RepoFixture;
let sandbox: Sandbox;
let before: string;
const outputs: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-repo-hostile-'));
  fx = makeRepoFixture(tmp);
  before = treeDigest(fx.root) + treeDigest(join(tmp, 'outside'));
  sandbox = createSandbox({ files: [TINY], cellTimeoutMs: 2_000, cellDeadlineMs: 20_000, repo: { root: fx.root, secrets: true, patterns: [] } });
  await sandbox.load();
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function run(code: string): Promise<CellResult> {
  const r = await sandbox.run(code);
  outputs.push(JSON.stringify(r));
  return r;
}
const rejects = async (call: string) => run(`let why; try { await ${call}; why = 'READ' } catch (e) { why = String(e.message) } why`);

describe('repo.* in the sandbox', () => {
  it('reads and greps the repository', async () => {
    const files = await run('await repo.files()');
    expect(files.value).toContain('agent/tools.ts');
    const hit = await run("(await repo.grep(/name: 'refund_order'/)).matches");
    expect(hit.value).toContainEqual({ path: 'agent/tools.ts', line: 6, text: "      name: 'refund_order'," });
    const read = await run("(await repo.read('agent/tools.ts', { from: 6, to: 6 })).text");
    expect(read.value).toBe("      name: 'refund_order',");
  });

  it('cannot read outside the repository: .., absolute paths, symlinks out', async () => {
    for (const path of ['../outside/secret.txt', 'agent/../../outside/secret.txt', fx.outsideFile, '/etc/passwd', 'outside-link.txt', 'outside-dir/secret.txt', '..', '.', '']) {
      const r = await rejects(`repo.read(${JSON.stringify(path)})`);
      expect(r.value, path).not.toBe('READ');
      expect(String(r.value), path).toMatch(/outside the repository|not a file|non-empty|root/);
    }
    const globbed = await run("[(await repo.files({ glob: '../**' })).length, (await repo.grep('outside-the-repo', { glob: '**' })).matches.length, (await repo.files()).filter((f) => f.includes('outside')).length]");
    expect(globbed.value).toEqual([0, 0, 0]);
  });

  it('cannot read secret files, and sees secrets in code redacted', async () => {
    for (const path of ['.env', 'keys/deploy.pem', '.ssh/id_rsa']) {
      expect(String((await rejects(`repo.read(${JSON.stringify(path)})`)).value), path).toMatch(/secret/);
    }
    const cfg = await run("(await repo.read('config.py')).text + JSON.stringify(await repo.grep('API_KEY'))");
    expect(cfg.value).toContain('[REDACTED');
    expect(cfg.value).not.toContain(FAKE_KEY);
  });

  it('has no way to write, and its API cannot be re-pointed', async () => {
    const r = await run(`const out = [];
for (const k of ['write', 'writeFile', 'apply', 'patch', 'rm', 'exec']) out.push(typeof repo[k]);
try { repo.read = () => 'x'; } catch (e) { out.push('frozen') }
try { Object.defineProperty(repo, 'write', { value: () => 1 }); } catch (e) { out.push('sealed') }
out`);
    expect(r.value).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'sealed']);
    expect((await run("(await repo.read('agent/tools.ts', { from: 6, to: 6 })).text")).value).toBe("      name: 'refund_order',");
    // Host calls by any other name do not exist; argument shapes outside the API are refused.
    expect(String((await rejects(`repo.read('agent/tools.ts', { from: 1, to: 2, write: 'x' })`)).value)).toMatch(/bad arguments/);
    expect(String((await rejects(`repo.read({ toString() { return '../outside/secret.txt' } })`)).value)).toMatch(/bad arguments/);
    expect(String((await rejects(`llm.constructor('return this')().repo.read('../outside/secret.txt')`)).value)).toMatch(/outside the repository/);
  });

  it('refuses patterns with exponential backtracking instead of stalling', async () => {
    expect(String((await rejects("repo.grep('(a+)+$')")).value)).toMatch(/nested quantifiers/);
    expect(String((await rejects("repo.grep(/(x*)*y/)")).value)).toMatch(/nested quantifiers/);
    expect(String((await rejects("repo.grep('(')")).value)).toMatch(/invalid regular expression/);
    const ok = await run('1 + 1');
    expect(ok.value).toBe(2);
  });

  it('leaves the repository and what lies outside it unchanged, and never shows the outside file', () => {
    expect(treeDigest(fx.root) + treeDigest(join(tmp, 'outside'))).toBe(before);
    expect(outputs.join('\n')).not.toContain(OUTSIDE_SECRET);
    expect(outputs.join('\n')).not.toContain(FAKE_KEY);
  });
});

describe('repo without --repo', () => {
  it('answers every call with how to get one, and reads nothing', async () => {
    const plain = createSandbox({ files: [TINY], cellTimeoutMs: 2_000, cellDeadlineMs: 20_000 });
    try {
      await plain.load();
      const r = await plain.run("let why; try { await repo.read('package.json'); why = 'READ' } catch (e) { why = e.message } why");
      expect(r.value).toMatch(/run halo with --repo PATH/);
    } finally {
      await plain.close();
    }
  }, 60_000);
});
