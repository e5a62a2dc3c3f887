// Fixes grounded in the agent's own code (--repo): locations and patches are
// verified like evidence (kept when right, dropped and counted when wrong),
// and offline grounding gives every tool finding on the sample week its
// tool's definition.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.ts';
import { finalizeFindings } from '../src/findings/pipeline.ts';
import type { VerifiedFinding } from '../src/findings/verify.ts';
import type { FixLocation } from '../src/findings/schema.ts';
import { Repo } from '../src/repo/repo.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import type { Script } from './helpers/scripted-models.ts';
import { findingsOf, halorun } from './helpers/cli.ts';
import { buildDoc, renderJiraWiki, renderMarkdown } from '../src/export/body.ts';
import { toAdf } from '../src/export/adf.ts';
import { makeRepoFixture, type RepoFixture } from './helpers/repo-fixture.ts';

const root = new URL('..', import.meta.url).pathname;
const week = join(root, 'samples/week');

let tmp: string;
let fx: RepoFixture;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-repo-fix-'));
  fx = makeRepoFixture(tmp);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The line of escalateTicket in tests/fixtures/repo/agent/handlers.ts, and a patch against it.
const GOOD: FixLocation = { path: 'agent/handlers.ts', line: 6, excerpt: 'export async function escalateTicket(' };
const CLEAN_PATCH = `--- a/agent/handlers.ts
+++ b/agent/handlers.ts
@@ -6,3 +6,4 @@
 export async function escalateTicket(priority: 'low' | 'normal' | 'high' | 'urgent', summary: string): Promise<string> {
+  if (!summary.trim()) throw new Error('escalate_ticket: summary is required');
   return \`\${priority}: \${helper(summary)}\`;
 }
`;
const STALE_PATCH = CLEAN_PATCH.replace('summary: string): Promise<string>', 'summary: string, note?: string): Promise<string>');

function verified(fix: Partial<VerifiedFinding['fix']>, title = 'A finding with a code fix'): VerifiedFinding {
  return {
    title,
    category: 'tool_arguments',
    severity: 'high',
    summary: 's',
    rootCause: { statement: 'r', confidence: 'confirmed' },
    fix: { summary: 'Check the summary before escalating.', kind: 'code', ...fix },
    evidence: [{ traceId: 't1' }],
    key: { component: 'tool:escalate_ticket', signature: title },
    prevalence: { traces: 1, total: 10, share: 0.1 },
    verification: { status: 'verified', evidenceChecked: 1, evidenceDropped: 0, dropped: [], predicate: 'absent', prevalenceSource: 'evidence' },
  };
}

describe('verifying fix locations and patches', () => {
  it('keeps a correct location and a clean patch', () => {
    const repo = { repo: Repo.open(fx.root), linker: { url: (p: string, l?: number) => `https://github.com/acme/agent/blob/main/${p}#L${l}` } };
    const { findings, counts } = finalizeFindings({ kept: [verified({ locations: [GOOD], patch: CLEAN_PATCH })], droppedFindings: [], droppedEvidence: 0 }, { repo });
    const f = findings[0]!;
    expect(f.fix.locations).toEqual([{ ...GOOD, url: 'https://github.com/acme/agent/blob/main/agent/handlers.ts#L6' }]);
    expect(f.fix.patch).toBe(CLEAN_PATCH);
    expect(f.verification.fix).toEqual({ locationsChecked: 1, locationsDropped: 0, patch: 'applies', dropped: [] });
    expect(f.verification.status).toBe('verified');
    expect(counts).toMatchObject({ droppedLocations: 0, droppedPatches: 0 });
  });

  it('matches excerpts as trace excerpts are: whitespace-normalized, redaction markers from repo.read understood', () => {
    const repo = { repo: Repo.open(fx.root) };
    const locs: FixLocation[] = [
      { path: 'agent/handlers.ts', line: 6, excerpt: 'export   async function\n escalateTicket(' },
      { path: 'config.py', line: 1, excerpt: 'API_KEY = "[REDACTED:openai_key]"' },
      { path: 'config.py', line: 1, excerpt: 'API_KEY = "[REDACTED:openai_key]" # rotated' },
    ];
    const { findings } = finalizeFindings({ kept: [verified({ locations: locs })], droppedFindings: [], droppedEvidence: 0 }, { repo });
    expect(findings[0]!.fix.locations!.map((l) => l.path)).toEqual(['agent/handlers.ts', 'config.py']);
    expect(findings[0]!.verification.fix!.dropped).toEqual([{ path: 'config.py', line: 1, reason: 'excerpt not found on that line' }]);
  });

  it('drops and counts a wrong line, paths outside the repository and a patch that does not apply', () => {
    const repo = { repo: Repo.open(fx.root) };
    const bad: FixLocation[] = [
      { ...GOOD, line: 7 },
      { path: '../outside/secret.txt', line: 1, excerpt: 'outside' },
      { path: fx.outsideFile, line: 1, excerpt: 'outside' },
      { path: 'outside-link.txt', line: 1, excerpt: 'outside' },
      { path: '.env', line: 1, excerpt: 'OPENAI_API_KEY' },
      { ...GOOD, url: 'https://evil.example/phish' },
    ];
    const { findings, counts } = finalizeFindings({ kept: [verified({ locations: bad, patch: STALE_PATCH })], droppedFindings: [], droppedEvidence: 0 }, { repo });
    const f = findings[0]!;
    // The only survivor is the right location, without the link the submission made up.
    expect(f.fix.locations).toEqual([GOOD]);
    expect(f.fix.patch).toBeUndefined();
    expect(f.verification.status).toBe('partial');
    expect(f.verification.fix!.dropped.map((d) => d.reason)).toEqual([
      'excerpt not found on that line',
      'path outside the repository',
      'path outside the repository',
      'path outside the repository',
      'secret file',
      expect.stringMatching(/^patch does not apply: agent\/handlers.ts: hunk 1 .* does not apply/),
    ]);
    expect(counts).toMatchObject({ droppedLocations: 5, droppedPatches: 1 });
  });

  it('drops a patch that reaches outside the repository', () => {
    const repo = { repo: Repo.open(fx.root) };
    const out = '--- a/../outside/secret.txt\n+++ b/../outside/secret.txt\n@@ -1 +1 @@\n-outside-the-repo-3f1c9a\n+changed\n';
    const { findings } = finalizeFindings({ kept: [verified({ patch: out })], droppedFindings: [], droppedEvidence: 0 }, { repo });
    expect(findings[0]!.verification.fix!.dropped[0]!.reason).toMatch(/outside the repository/);
  });

  it('drops code locations when the run has no repository to check them against', () => {
    const { findings, counts } = finalizeFindings({ kept: [verified({ locations: [GOOD], patch: CLEAN_PATCH })], droppedFindings: [], droppedEvidence: 0 });
    expect(findings[0]!.fix.locations).toBeUndefined();
    expect(findings[0]!.fix.patch).toBeUndefined();
    expect(counts).toMatchObject({ droppedLocations: 1, droppedPatches: 1 });
  });
});

describe('code locations and patches in tracker bodies', () => {
  it('links locations to GitHub and shows the patch as a diff block', () => {
    const repo = { repo: Repo.open(fx.root), linker: { url: (p: string, l?: number) => `https://github.com/acme/agent/blob/${'b'.repeat(40)}/${p}#L${l}` } };
    const { findings } = finalizeFindings({ kept: [verified({ locations: [GOOD], patch: CLEAN_PATCH })], droppedFindings: [], droppedEvidence: 0 }, { repo });
    const doc = buildDoc(findings[0]!, 'run-1');
    const url = `https://github.com/acme/agent/blob/${'b'.repeat(40)}/agent/handlers.ts#L6`;
    const md = renderMarkdown(doc);
    expect(md).toContain(`[\`agent/handlers.ts:6\`](${url})`);
    expect(md).toContain('```diff\n--- a/agent/handlers.ts\n+++ b/agent/handlers.ts\n@@ -6,3 +6,4 @@');
    expect(renderJiraWiki(doc)).toContain(`[{{agent/handlers.ts:6}}|${url}]`);
    expect(renderJiraWiki(doc)).toContain('{noformat}\n--- a/agent/handlers.ts');
    const adf = JSON.stringify(toAdf(doc));
    expect(adf).toContain(`{"type":"link","attrs":{"href":"${url}"}}`);
    expect(adf).toContain('{"type":"codeBlock","attrs":{"language":"diff"}');
  });

  it('never turns a patch into markup that escapes its block', () => {
    const repo = { repo: Repo.open(fx.root) };
    const sneaky = CLEAN_PATCH.replace("throw new Error('escalate_ticket: summary is required');", 'throw new Error("````\\n<!-- halo:fingerprint=0000000000000000 --> {noformat}");');
    const { findings } = finalizeFindings({ kept: [verified({ patch: sneaky })], droppedFindings: [], droppedEvidence: 0 }, { repo });
    expect(findings[0]!.fix.patch).toBe(sneaky);
    const md = renderMarkdown(buildDoc(findings[0]!, 'run-1'));
    const fence = /^(`{3,})diff$/m.exec(md)![1]!;
    expect(fence.length).toBeGreaterThan(4);
    expect(renderJiraWiki(buildDoc(findings[0]!, 'run-1')).match(/\{noformat\}/g)).toHaveLength(2);
  });
});

describe('a scripted model citing code through repo.* in the sandbox', () => {
  it('keeps the location it found with repo.grep and its clean patch; drops and counts the wrong ones', async () => {
    const base = (over: Record<string, unknown>) => ({
      category: 'errors_recovery',
      severity: 'high',
      summary: 'Escalations fail.',
      rootCause: { statement: 'No check before escalating.', confidence: 'hypothesis' },
      evidence: [{ traceId: '__TRACE__' }],
      ...over,
    });
    const submission = {
      summary: 'Code fixes.',
      findings: [
        base({ title: 'Grounded fix', key: { component: 'tool:escalate_ticket', signature: 'grounded' }, fix: { summary: 'Check the summary.', kind: 'code', locations: ['__HIT__'], patch: CLEAN_PATCH } }),
        base({
          title: 'Ungrounded fix',
          key: { component: 'tool:escalate_ticket', signature: 'ungrounded' },
          fix: {
            summary: 'Change things that are not there.',
            kind: 'code',
            locations: [
              { ...GOOD, line: 7 },
              { path: '../outside/secret.txt', line: 1, excerpt: 'outside' },
              { path: fx.outsideFile, line: 1, excerpt: 'outside' },
              { path: 'outside-link.txt', line: 1, excerpt: 'outside' },
            ],
            patch: STALE_PATCH,
          },
        }),
      ],
    };
    const seen: string[] = [];
    const script: Script = (req) => {
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      seen.push(req.messages.at(-1)!.content);
      if (turn === 0) {
        return "Where is escalate_ticket implemented?\n```js\nconst hits = await repo.grep('escalateTicket', { glob: '*.ts' });\nconst src = await repo.read(hits.matches[0].path, { from: hits.matches[0].line, to: hits.matches[0].line + 2 });\nconst bad = traces.find(t => t.status === 'error');\nprint(JSON.stringify(hits.matches[0]), src.text);\n```";
      }
      const code = `const s = JSON.parse(${JSON.stringify(JSON.stringify(submission))}.replaceAll('__TRACE__', bad.traceId));
s.findings[0].fix.locations = [{ path: hits.matches[0].path, line: hits.matches[0].line, excerpt: hits.matches[0].text }];
submit(s);`;
      return 'Submitting.\n```js\n' + code + '\n```';
    };
    const server = await startOpenAIServer(script);
    try {
      const out = join(tmp, 'model');
      const file = readdirSync(week).find((f) => f.startsWith('support'))!;
      const result = await analyze({
        files: [join(week, file)],
        window: { window: '7d', until: 'latest' },
        out,
        formats: ['json', 'md'],
        env: {},
        repo: fx.root,
        model: { provider: 'openai', model: 'root-model', baseUrl: server.baseURL, retry: { maxRetries: 0 } },
      });
      expect(result.warnings).toEqual([]);
      // the cell's repo.grep/read output reached the model
      expect(seen[1]).toContain('"path":"agent/handlers.ts","line":6');
      expect(seen[1]).toContain('return `${priority}: ${helper(summary)}`;');
      // The review round told the model which fix parts did not hold, before the report dropped them.
      expect(seen[2]).toMatch(/"Ungrounded fix".*\n(.*\n)*  fix location \.\.\/outside\/secret\.txt:1 dropped: /);
      expect(seen[2]).toMatch(/  fix dropped: patch does not apply: /);
      expect(seen[2]).not.toMatch(/"Grounded fix": .*\n  fix location/);
      const written = findingsOf(out);
      const good = written.findings.find((f) => f.title === 'Grounded fix')!;
      expect(good.fix.locations).toEqual([{ path: 'agent/handlers.ts', line: 6, excerpt: expect.stringContaining('export async function escalateTicket(') }]);
      expect(good.fix.patch).toBe(CLEAN_PATCH);
      expect(good.verification.fix).toMatchObject({ locationsChecked: 1, locationsDropped: 0, patch: 'applies' });
      const bad = written.findings.find((f) => f.title === 'Ungrounded fix')!;
      expect(bad.fix.locations ?? []).toEqual([]);
      expect(bad.fix.patch).toBeUndefined();
      expect(bad.verification.fix).toMatchObject({ locationsChecked: 4, locationsDropped: 4, patch: 'dropped' });
      expect(written.verification).toMatchObject({ droppedLocations: 4, droppedPatches: 1 });
      const md = readFileSync(join(out, 'report.md'), 'utf8');
      expect(md).toContain('```diff\n--- a/agent/handlers.ts');
      expect(md).toMatch(/4 locations and 1 patch dropped/);
    } finally {
      await server.close();
    }
  }, 180_000);
});

describe('offline grounding on the sample week with the sample agents\' source', () => {
  it('names the definition file and line of the tool in every tool finding, verified', async () => {
    const out = join(tmp, 'offline');
    await analyze({ files: [week], window: { window: '7d', until: 'latest' }, out, formats: ['json', 'md', 'html'], env: {}, offline: true, repo: join(root, 'samples/agents') });
    const file = findingsOf(out);
    expect(file.verification).toMatchObject({ droppedLocations: 0, droppedPatches: 0 });
    const toolFindings = file.findings.filter((f) => f.key.component.startsWith('tool:'));
    expect(toolFindings.length).toBeGreaterThan(20);
    const sources = { 'support-agent': 'support-agent/tools.ts', 'coding-agent': 'coding-agent/tools.ts', 'research-agent': 'research-agent/tools.py' } as Record<string, string>;
    for (const f of toolFindings) {
      const tool = f.key.component.slice('tool:'.length);
      const loc = f.fix.locations?.[0];
      expect(loc, f.title).toBeDefined();
      expect(Object.values(sources), f.title).toContain(loc!.path);
      if (typeof f.data?.agent === 'string') expect(loc!.path, f.title).toBe(sources[f.data.agent]);
      // the line really is the tool's definition: its name field
      const line = readFileSync(join(root, 'samples/agents', loc!.path), 'utf8').split('\n')[loc!.line - 1]!;
      expect(line, f.title).toMatch(new RegExp(`["']?name["']?\\s*:\\s*["']${tool}["']`));
      expect(f.verification.fix, f.title).toMatchObject({ locationsDropped: 0 });
    }
    // agent-level findings about tools name the tools they involve; prompt findings the system prompt
    for (const f of file.findings.filter((x) => x.category === 'tool_arguments' || x.category === 'tool_selection')) {
      expect(f.fix.locations?.length, f.title).toBeGreaterThan(0);
    }
    const unknown = file.findings.find((f) => f.key.signature === 'unknown_tool' && f.key.component === 'agent:support-agent')!;
    expect(unknown.fix.locations![0]).toMatchObject({ path: 'support-agent/prompt.ts', excerpt: 'You are the support assistant for Northwind Outfitters.' });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('`support-agent/tools.ts:51`');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<code>support-agent/tools.ts:51</code>');
  }, 180_000);

  it('gives halo exec the same read-only repo', () => {
    const r = halorun(tmp, ['exec', join(root, 'tests/fixtures/halo/tiny_traces.jsonl'), '--repo', fx.root, '-e', "(await repo.grep('escalateTicket')).matches[0]"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/agent\/handlers\.ts/);
    expect(halorun(tmp, ['exec', join(root, 'tests/fixtures/halo/tiny_traces.jsonl'), '--repo', join(tmp, 'nope'), '-e', '1']).code).toBe(2);
  });

  it('takes the repository from "repo" in halo.config.json', () => {
    const support = readdirSync(week).find((f) => f.startsWith('support'))!;
    const cfg = join(tmp, 'halo.config.json');
    writeFileSync(cfg, JSON.stringify({ repo: join(root, 'samples/agents'), window: '7d' }));
    const out = join(tmp, 'cfg-out');
    const r = halorun(tmp, ['analyze', join(week, support), '--until', 'latest', '--offline', '--no-history', '--format', 'json', '--out', out, '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    const file = findingsOf(out);
    expect(file.run.options.repo).toBe(join(root, 'samples/agents'));
    const refund = file.findings.find((f) => f.key.component === 'tool:refund_order')!;
    expect(refund.fix.locations![0]).toMatchObject({ path: 'support-agent/tools.ts', line: 51 });
  });

  it('exits 2 when --repo is not a directory', () => {
    const r = halorun(tmp, ['analyze', week, '--offline', '--repo', join(tmp, 'no-such-dir')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--repo .*no-such-dir: not a directory/);
  });
});
