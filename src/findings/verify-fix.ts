// Verification of fixes that point into the agent's own code (--repo), held
// to the same standard as trace evidence: a location survives only when its
// path names a file inside the repository (no `..`, not absolute, no symlink
// out, not a secret) and its line holds its excerpt (whitespace-normalized as
// trace excerpts are); a patch survives only when it applies cleanly to the
// repository as it is. What fails is dropped and counted with a reason.
// Runs in the parent: it reads files, and runs no model code.
//
// Also grounds findings without a model: a finding about a tool gets the
// tool's definition, one about a prompt the line where the system prompt seen
// in its traces is written.
import type { VerifiedFinding, VerifyResult } from './verify.ts';
import { findExcerpt, haystack, normalizeWhitespace } from './excerpt.ts';
import type { FixLocation, FixVerification } from './schema.ts';
import { pathSegments, RepoError, splitLines, type Repo } from '../repo/repo.ts';
import { checkPatch, PatchError } from '../repo/patch.ts';
import { findPromptText, findToolDefinitions, type CodeHit } from '../repo/definitions.ts';
import type { RepoLinker } from '../repo/links.ts';
import { isSecretPath } from '../repo/secrets.ts';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export interface FixContext {
  repo: Repo;
  linker?: RepoLinker | null;
}

export interface FixCounts {
  droppedLocations: number;
  droppedPatches: number;
}

type Dropped = FixVerification['dropped'][number];

const REASONS: Record<string, string> = {
  outside: 'path outside the repository',
  secret: 'secret file',
  'not-listed': 'no such file in the repository',
  invalid: 'invalid path',
};

/**
 * The excerpt occurs on `line` (a multi-line excerpt runs over the next
 * lines), matched exactly as trace excerpts are: whitespace-normalized, and
 * read()'s redaction markers understood.
 */
function holdsExcerpt(lines: string[], line: number, excerpt: string): boolean {
  if (normalizeWhitespace(excerpt) === '') return false;
  const span = Math.max(1, excerpt.split('\n').length);
  return findExcerpt(haystack([lines.slice(line - 1, line - 1 + span).join('\n')]), excerpt).found;
}

/** Checks one location; returns the kept location (with its link) or why it was dropped. */
export function checkLocation(loc: FixLocation, ctx: FixContext): { ok: true; location: FixLocation } | { ok: false; reason: string } {
  const c = ctx.repo.check(loc.path);
  if (!c.ok) return { ok: false, reason: REASONS[c.problem] ?? c.message };
  const text = ctx.repo.text(c.path);
  if (text === null) return { ok: false, reason: 'binary or oversized file' };
  const lines = splitLines(text);
  if (!Number.isInteger(loc.line) || loc.line < 1 || loc.line > lines.length) return { ok: false, reason: `line ${loc.line} is past the end of the file (${lines.length} lines)` };
  if (!holdsExcerpt(lines, loc.line, loc.excerpt)) return { ok: false, reason: 'excerpt not found on that line' };
  const { url: _untrusted, ...rest } = loc;
  const location: FixLocation = { ...rest, path: c.path };
  const url = ctx.linker?.url(c.path, loc.line);
  if (url) location.url = url;
  return { ok: true, location };
}

/** Current text of a repo file for the patch checker; null when the patch may create it. */
function patchRead(ctx: FixContext, path: string): string | null {
  const seg = pathSegments(path);
  if (!seg.ok) throw new PatchError(`${path}: ${REASONS[seg.problem] ?? seg.message}`);
  const rel = seg.segments.join('/');
  if (isSecretPath(rel)) throw new PatchError(`${rel}: secret file`);
  const abs = join(ctx.repo.root, ...seg.segments);
  if (!existsSync(abs)) {
    // A new file: its nearest existing directory must be inside the repository.
    let dir = dirname(abs);
    while (!existsSync(dir)) dir = dirname(dir);
    const real = realpathSync(dir);
    if (real !== ctx.repo.root && !real.startsWith(ctx.repo.root + sep)) throw new PatchError(`${rel}: path outside the repository`);
    return null;
  }
  const c = ctx.repo.check(rel);
  if (!c.ok) throw new PatchError(`${rel}: ${REASONS[c.problem] ?? c.message}`);
  const text = ctx.repo.text(c.path);
  if (text === null) throw new PatchError(`${rel}: binary or oversized file`);
  return text;
}

/** Verifies one finding's fix; a fix without locations or patch is returned untouched. */
export function verifyFix(f: VerifiedFinding, ctx: FixContext | null): { finding: VerifiedFinding; counts: FixCounts } {
  const counts: FixCounts = { droppedLocations: 0, droppedPatches: 0 };
  const given = Array.isArray(f.fix.locations) ? f.fix.locations : [];
  const patch = typeof f.fix.patch === 'string' && f.fix.patch.trim() !== '' ? f.fix.patch : undefined;
  if (!ctx && given.length === 0 && !patch) return { finding: f, counts };
  const dropped: Dropped[] = [];
  const kept: FixLocation[] = [];
  const seen = new Set<string>();
  for (const loc of given) {
    let r: ReturnType<typeof checkLocation>;
    try {
      r = ctx ? checkLocation(loc, ctx) : { ok: false, reason: 'no repository to check against (run with --repo)' };
    } catch (err) {
      r = { ok: false, reason: err instanceof RepoError ? err.message : `could not be checked: ${(err as Error)?.message ?? err}` };
    }
    if (r.ok) {
      const k = `${r.location.path}:${r.location.line}`;
      if (!seen.has(k)) kept.push(r.location);
      seen.add(k);
    } else {
      dropped.push({ ...(typeof loc?.path === 'string' ? { path: loc.path.slice(0, 500) } : {}), ...(Number.isFinite(loc?.line) ? { line: loc.line } : {}), reason: r.reason });
    }
  }
  counts.droppedLocations = dropped.length;
  let patchState: FixVerification['patch'] = 'absent';
  if (patch) {
    const r = ctx ? checkPatch(patch, { read: (p) => patchRead(ctx, p) }) : { ok: false as const, reason: 'no repository to check against (run with --repo)' };
    if (r.ok) patchState = 'applies';
    else {
      patchState = 'dropped';
      counts.droppedPatches = 1;
      dropped.push({ reason: `patch does not apply: ${r.reason}` });
    }
  }
  const { locations: _l, patch: _p, ...fixRest } = f.fix;
  const fix = { ...fixRest, ...(kept.length ? { locations: kept } : {}), ...(patchState === 'applies' ? { patch } : {}) };
  const fixVerification: FixVerification = { locationsChecked: given.length, locationsDropped: counts.droppedLocations, patch: patchState, dropped };
  const verification = { ...f.verification, fix: fixVerification };
  if (dropped.length) verification.status = 'partial';
  return { finding: { ...f, fix, verification }, counts };
}

/** Checks every kept finding's fix in a verification result (the pipeline's hook). */
export function verifyFixes(result: VerifyResult, ctx: FixContext | null): { result: VerifyResult; counts: FixCounts } {
  const counts: FixCounts = { droppedLocations: 0, droppedPatches: 0 };
  const kept = result.kept.map((f) => {
    const r = verifyFix(f, ctx);
    counts.droppedLocations += r.counts.droppedLocations;
    counts.droppedPatches += r.counts.droppedPatches;
    return r.finding;
  });
  return { result: { ...result, kept }, counts };
}

// ---- grounding without a model ------------------------------------------------

/** System prompts seen in the traces, by agent name (from the isolate, taken before model code runs). */
export type SystemPrompts = Record<string, string[]>;

const MAX_TOOL_LOCATIONS = 3;

/** The tools a finding is about: its component, or the tools its detector data names. */
export function toolsOf(f: VerifiedFinding): string[] {
  const out: string[] = [];
  const comp = /^tool:(.+)$/.exec(f.key.component)?.[1];
  if (comp) out.push(comp);
  const d = f.data ?? {};
  if (typeof d.tool === 'string') out.push(d.tool);
  if (d.tools && typeof d.tools === 'object' && !Array.isArray(d.tools)) out.push(...Object.keys(d.tools as object));
  return [...new Set(out)];
}

function agentOf(f: VerifiedFinding): string | null {
  const comp = /^agent:(.+)$/.exec(f.key.component)?.[1];
  if (comp) return comp;
  return typeof f.data?.agent === 'string' ? f.data.agent : null;
}

function isAboutPrompt(f: VerifiedFinding): boolean {
  return f.fix.kind === 'prompt' || f.category === 'tool_selection';
}

/**
 * Attaches code locations to findings that have none: the definitions of the
 * tools they are about, and the system prompt's text for prompt findings.
 * The locations still go through verifyFix like any other.
 */
export function groundFindings(result: VerifyResult, ctx: FixContext, prompts: SystemPrompts = {}): VerifyResult {
  const toolHits = findToolDefinitions(ctx.repo, result.kept.filter((f) => !f.fix.locations?.length).flatMap(toolsOf));
  const promptCache = new Map<string, CodeHit | null>();
  const tool = (name: string) => toolHits.get(name) ?? null;
  const prompt = (agent: string) => {
    if (!promptCache.has(agent)) {
      let hit: CodeHit | null = null;
      for (const p of prompts[agent] ?? []) if ((hit = findPromptText(ctx.repo, p))) break;
      promptCache.set(agent, hit);
    }
    return promptCache.get(agent)!;
  };
  const kept = result.kept.map((f) => {
    if (f.fix.locations?.length) return f;
    const hits: CodeHit[] = [];
    for (const name of toolsOf(f)) {
      const h = tool(name);
      if (h) hits.push(h);
      if (hits.length >= MAX_TOOL_LOCATIONS) break;
    }
    const agent = agentOf(f);
    if (agent && isAboutPrompt(f)) {
      const h = prompt(agent);
      if (h) hits.unshift(h);
    }
    if (hits.length === 0) return f;
    const locations = hits.map(({ path, line, excerpt }) => ({ path, line, excerpt }));
    return { ...f, fix: { ...f.fix, locations } };
  });
  return { ...result, kept };
}
