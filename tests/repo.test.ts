// Read-only repository access (src/repo): the listing honours .gitignore and
// leaves out secrets and links out of the repository, every path is checked,
// reads and searches are bounded and redacted, tool definitions and prompts
// are found in the shapes agents write them, and patches are checked by a
// strict unified-diff applier.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repo, REPO_LIMITS } from '../src/repo/repo.ts';
import { IgnoreRules } from '../src/repo/gitignore.ts';
import { compileGlob } from '../src/repo/glob.ts';
import { isSecretPath } from '../src/repo/secrets.ts';
import { findPromptText, findToolDefinition } from '../src/repo/definitions.ts';
import { checkPatch, parsePatch } from '../src/repo/patch.ts';
import { githubLinker, githubWebUrl } from '../src/repo/links.ts';
import { createRedactor } from '../src/redact.ts';
import { FAKE_KEY, makeRepoFixture, OUTSIDE_SECRET, type RepoFixture } from './helpers/repo-fixture.ts';

let tmp: string;
let fx: RepoFixture;
let repo: Repo;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-repo-'));
  fx = makeRepoFixture(tmp);
  repo = Repo.open(fx.root);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('file listing', () => {
  it('honours .gitignore (nested, negated, anchored, directory rules) and leaves out secrets and links out', () => {
    const files = repo.files();
    for (const f of ['agent/tools.ts', 'agent/schemas.ts', 'py/tools.py', 'schemas/fetch_url.schema.json', 'keep.log', 'agent/generated.ts', '.env.example', '.gitignore', 'agent/inside-link.ts', 'config.py']) {
      expect(files, f).toContain(f);
    }
    for (const f of ['build/out.ts', 'debug.log', 'generated.ts', 'py/cache.pyc', '.env', 'keys/deploy.pem', '.ssh/id_rsa', 'outside-link.txt']) {
      expect(files, f).not.toContain(f);
    }
    expect(files.some((f) => f.startsWith('outside-dir'))).toBe(false);
    expect(files).toEqual([...files].sort());
  });

  it('matches gitignore patterns the way git does', () => {
    const rules = IgnoreRules.empty().with('', 'node_modules/\n**/dist\n/only-root.txt\ndocs/**/draft-*.md\n*.tmp\n!important.tmp\n').with('sub', 'local.txt\n');
    expect(rules.ignores('node_modules', true)).toBe(true);
    expect(rules.ignores('pkg/node_modules', true)).toBe(true);
    expect(rules.ignores('node_modules', false)).toBe(false); // a file, and the rule is for directories
    expect(rules.ignores('a/b/dist', true)).toBe(true);
    expect(rules.ignores('only-root.txt', false)).toBe(true);
    expect(rules.ignores('x/only-root.txt', false)).toBe(false);
    expect(rules.ignores('docs/a/b/draft-1.md', false)).toBe(true);
    expect(rules.ignores('docs/final.md', false)).toBe(false);
    expect(rules.ignores('x.tmp', false)).toBe(true);
    expect(rules.ignores('important.tmp', false)).toBe(false);
    expect(rules.ignores('sub/local.txt', false)).toBe(true);
    expect(rules.ignores('local.txt', false)).toBe(false);
  });

  it('knows secret files by name', () => {
    for (const p of ['.env', 'app/.env.production', 'id_rsa', 'keys/id_ed25519.pub', 'certs/server.pem', 'a.key', '.npmrc', 'home/.aws/credentials', 'x/.ssh/config']) expect(isSecretPath(p), p).toBe(true);
    for (const p of ['.env.example', 'src/env.ts', 'keyboard.ts', 'docs/keys.md', 'README.md']) expect(isSecretPath(p), p).toBe(false);
  });

  it('matches grep globs against the base name, or the whole path when they hold a slash', () => {
    expect(compileGlob('*.py')('a/b/tools.py')).toBe(true);
    expect(compileGlob('*.{ts,py}')('a/x.ts')).toBe(true);
    expect(compileGlob('agent/*.ts')('agent/tools.ts')).toBe(true);
    expect(compileGlob('agent/*.ts')('x/agent/tools.ts')).toBe(false);
    expect(compileGlob('**/tools.*')('py/tools.py')).toBe(true);
  });
});

describe('path checks', () => {
  it('rejects paths outside the repository: "..", absolute, through a symlink', () => {
    expect(repo.check('../outside/secret.txt')).toMatchObject({ ok: false, problem: 'outside' });
    expect(repo.check('agent/../../outside/secret.txt')).toMatchObject({ ok: false, problem: 'outside' });
    expect(repo.check(fx.outsideFile)).toMatchObject({ ok: false, problem: 'outside' });
    expect(repo.check('/etc/passwd')).toMatchObject({ ok: false, problem: 'outside' });
    expect(repo.check('C:\\Windows\\win.ini')).toMatchObject({ ok: false, problem: 'outside' });
    expect(repo.check('outside-link.txt')).toMatchObject({ ok: false, problem: 'outside' });
    expect(repo.check('outside-dir/secret.txt')).toMatchObject({ ok: false, problem: 'outside' });
  });

  it('rejects secrets, ignored files and directories; accepts listed files and links that stay inside', () => {
    expect(repo.check('.env')).toMatchObject({ ok: false, problem: 'secret' });
    expect(repo.check('keys/deploy.pem')).toMatchObject({ ok: false, problem: 'secret' });
    expect(repo.check('build/out.ts')).toMatchObject({ ok: false, problem: 'not-listed' });
    expect(repo.check('agent')).toMatchObject({ ok: false, problem: 'not-listed' });
    expect(repo.check('')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(repo.check(42)).toMatchObject({ ok: false, problem: 'invalid' });
    expect(repo.check('./agent/tools.ts')).toMatchObject({ ok: true, path: 'agent/tools.ts' });
    expect(repo.check('agent/inside-link.ts')).toMatchObject({ ok: true, path: 'agent/inside-link.ts' });
  });
});

describe('read and grep', () => {
  const redact = createRedactor();

  it('reads a line range, bounded, with secrets redacted like trace text', () => {
    const r = repo.read('agent/tools.ts', { from: 6, to: 7 });
    expect(r).toMatchObject({ path: 'agent/tools.ts', from: 6, to: 7, truncated: false });
    expect(r.text).toBe("      name: 'refund_order',\n      description: 'Refund all or part of an order.',");
    const all = repo.read('agent/tools.ts', { from: 1, to: 1_000_000 });
    expect(all.to).toBe(all.totalLines);
    const cfg = repo.read('config.py', {}, redact);
    expect(cfg.text).not.toContain(FAKE_KEY);
    expect(cfg.text).toContain('[REDACTED');
    expect(() => repo.read('.env')).toThrow(/secret/);
    expect(() => repo.read('../outside/secret.txt')).toThrow(/outside the repository/);
    expect(() => repo.read('blob.bin')).toThrow(/binary/);
  });

  it('caps a read at its line limit and says so', () => {
    const big = join(fx.root, 'big.txt');
    writeFileSync(big, Array.from({ length: REPO_LIMITS.maxReadLines + 50 }, (_, i) => `line ${i + 1}`).join('\n'));
    const r = Repo.open(fx.root).read('big.txt', { from: 1, to: REPO_LIMITS.maxReadLines + 50 });
    expect(r.to).toBe(REPO_LIMITS.maxReadLines);
    expect(r.truncated).toBe(true);
    rmSync(big);
  });

  it('greps listed files only, with a glob, returning path, line and text', () => {
    const hits = repo.grep(/refund_order/, {}, redact).matches;
    expect(hits).toContainEqual({ path: 'agent/tools.ts', line: 6, text: "      name: 'refund_order'," });
    expect(hits.some((h) => h.path.startsWith('build/') || h.path.includes('outside'))).toBe(false);
    expect(repo.grep('def ', { glob: '*.py' }).matches.every((h) => h.path.endsWith('.py'))).toBe(true);
    expect(repo.grep(OUTSIDE_SECRET).matches).toEqual([]);
    const keyHits = repo.grep('API_KEY', {}, redact).matches;
    expect(keyHits.length).toBeGreaterThan(0);
    expect(JSON.stringify(keyHits)).not.toContain(FAKE_KEY);
    const capped = repo.grep(/./, { maxMatches: 3 });
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.matches).toHaveLength(3);
  });
});

describe('grounding: where tools and prompts are defined', () => {
  const at = (name: string) => {
    const hit = findToolDefinition(repo, name);
    return hit && { path: hit.path, line: hit.line, kind: hit.kind, text: repo.read(hit.path, { from: hit.line, to: hit.line }).text.trim() };
  };

  it('finds OpenAI and Anthropic tool JSON', () => {
    expect(at('refund_order')).toMatchObject({ path: 'agent/tools.ts', line: 6, kind: 'tool schema' });
    expect(at('update_address')).toMatchObject({ path: 'agent/tools.ts', text: "name: 'update_address',", kind: 'tool schema' });
  });

  it('finds zod schemas and TypeScript functions named for the tool', () => {
    expect(at('lookup_order')).toMatchObject({ path: 'agent/schemas.ts', text: 'export const lookupOrderSchema = z.object({', kind: 'zod schema' });
    expect(at('escalate_ticket')).toMatchObject({ path: 'agent/handlers.ts', kind: 'function' });
    expect(at('escalate_ticket')!.text).toMatch(/^export async function escalateTicket\(/);
    expect(at('cancel_order')!.text).toMatch(/^export const cancelOrder = async/);
  });

  it('finds Python @tool and @function_tool definitions, including a name override', () => {
    expect(at('search_kb')).toMatchObject({ path: 'py/tools.py', text: 'def search_kb(query: str, category: str = "billing") -> str:', kind: 'decorated tool' });
    expect(at('web_search')).toMatchObject({ path: 'py/tools.py', kind: 'decorated tool' });
    expect(at('web_search')!.text).toMatch(/^async def web_search\(/);
    expect(at('summarize_text')).toMatchObject({ path: 'py/tools.py', text: '@function_tool(name_override="summarize_text")' });
  });

  it('finds JSON Schema files titled for the tool, and nothing for a tool that is not there', () => {
    expect(at('fetch_url')).toMatchObject({ path: 'schemas/fetch_url.schema.json', text: '"title": "fetch_url",' });
    expect(findToolDefinition(repo, 'get_order_status')).toBeNull();
  });

  it('finds the line where a system prompt seen in the traces is written', () => {
    const prompt = 'You are the support assistant for Northwind Outfitters. Use the tools to look up orders, issue refunds within policy, and escalate when needed. Never invent order data.';
    expect(findPromptText(repo, prompt)).toMatchObject({ path: 'prompts/system.md', line: 3, excerpt: 'You are the support assistant for Northwind Outfitters.' });
    expect(findPromptText(repo, 'A prompt that appears nowhere in this repository at all.')).toBeNull();
  });
});

describe('patch checking', () => {
  const target = { read: (p: string) => (repo.check(p).ok ? repo.text(p) : null) };
  const handlersPatch = (oldStart: number) => `diff --git a/agent/handlers.ts b/agent/handlers.ts
--- a/agent/handlers.ts
+++ b/agent/handlers.ts
@@ -${oldStart},3 +${oldStart},4 @@
 export async function escalateTicket(priority: 'low' | 'normal' | 'high' | 'urgent', summary: string): Promise<string> {
+  if (!summary.trim()) throw new Error('escalate_ticket: summary is required');
   return \`\${priority}: \${helper(summary)}\`;
 }
`;

  it('accepts a patch that applies cleanly, also when its hunk sits a few lines off', () => {
    expect(checkPatch(handlersPatch(6), target)).toEqual({ ok: true, files: ['agent/handlers.ts'] });
    expect(checkPatch(handlersPatch(9), target)).toEqual({ ok: true, files: ['agent/handlers.ts'] });
  });

  it('rejects a patch whose context is not in the file, or whose hunks overlap', () => {
    const wrong = handlersPatch(6).replace("'urgent'", "'critical'");
    expect(checkPatch(wrong, target)).toMatchObject({ ok: false, reason: expect.stringMatching(/hunk 1 .* does not apply/) });
    const twice = handlersPatch(6) + handlersPatch(6).split('\n').slice(3).join('\n');
    expect(checkPatch(twice, target).ok).toBe(false);
  });

  it('rejects malformed diffs with the line that is wrong', () => {
    expect(checkPatch('just prose', target)).toMatchObject({ ok: false, reason: /no "---"\/"\+\+\+" file header/ });
    expect(checkPatch('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n', target)).toMatchObject({ ok: false, reason: /hunk ends early/ });
    expect(checkPatch('--- a/agent/handlers.ts\n+++ b/agent/handlers.ts\n@@ -1 +1 @@\n?x\n', target)).toMatchObject({ ok: false, reason: /line 4: expected a context/ });
    expect(() => parsePatch('@@ -1 +1 @@\n-a\n+b\n')).toThrow(/hunk without/);
  });

  it('creates and deletes files only when that matches the repository', () => {
    const create = '--- /dev/null\n+++ b/agent/new.ts\n@@ -0,0 +1,2 @@\n+export const x = 1;\n+export const y = 2;\n';
    expect(checkPatch(create, target)).toEqual({ ok: true, files: ['agent/new.ts'] });
    expect(checkPatch(create.replace('agent/new.ts', 'agent/tools.ts'), target)).toMatchObject({ ok: false, reason: /already exists/ });
    const text = repo.text('schemas/fetch_url.schema.json')!;
    const lines = text.trimEnd().split('\n');
    const del = `--- a/schemas/fetch_url.schema.json\n+++ /dev/null\n@@ -1,${lines.length} +0,0 @@\n${lines.map((l) => `-${l}`).join('\n')}\n`;
    expect(checkPatch(del, target)).toEqual({ ok: true, files: ['schemas/fetch_url.schema.json'] });
    expect(checkPatch(del.replace(`-1,${lines.length}`, `-1,${lines.length - 1}`).replace(/\n-}\n$/, '\n'), target)).toMatchObject({ ok: false, reason: /deletes it/ });
  });
});

describe('links', () => {
  it('turns GitHub remotes into web URLs, and nothing else', () => {
    expect(githubWebUrl('git@github.com:acme/agent.git')).toBe('https://github.com/acme/agent');
    expect(githubWebUrl('https://github.com/acme/agent')).toBe('https://github.com/acme/agent');
    expect(githubWebUrl('ssh://git@github.com/acme/agent.git')).toBe('https://github.com/acme/agent');
    expect(githubWebUrl('https://gitlab.com/acme/agent.git')).toBeNull();
    expect(githubWebUrl('https://github.com.evil.example/acme/agent')).toBeNull();
  });

  it('links a location to its line at the checked-out commit, from a sub-directory of the checkout', () => {
    const checkout = join(tmp, 'checkout');
    const sha = 'a'.repeat(40);
    mkdirSync(join(checkout, '.git', 'refs', 'heads'), { recursive: true });
    mkdirSync(join(checkout, 'services', 'agent'), { recursive: true });
    writeFileSync(join(checkout, '.git', 'config'), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/agent.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
    writeFileSync(join(checkout, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(checkout, '.git', 'refs', 'heads', 'main'), `${sha}\n`);
    const linker = githubLinker(join(checkout, 'services', 'agent'));
    expect(linker!.url('tools/refund.ts', 12)).toBe(`https://github.com/acme/agent/blob/${sha}/services/agent/tools/refund.ts#L12`);
    expect(githubLinker(fx.root)).toBeNull();
  });
});
