// The issue body for one finding, as a small block document that renders to
// Markdown (GitHub, Linear, CSV) or Atlassian Document Format (Jira). Trace
// excerpts are untrusted: they are escaped, shortened and never become markup,
// mentions or markers.
import { verificationSummary } from '../findings/levels.ts';
import { createHash } from 'node:crypto';
import type { Finding } from '../findings/schema.ts';
import { fencedBlock, safeHref } from '../report/code.ts';

export const MAX_EVIDENCE = 10;
const EXCERPT_CHARS = 240;

/** `href` is only ever an engine-made link (a code location's GitHub URL), never finding text. */
export type Inline = { text: string; code?: boolean; strong?: boolean; href?: string };
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'bullets'; items: Inline[][] }
  /** Preformatted text (a fix's patch as a diff block). */
  | { kind: 'code'; language: string; text: string }
  | { kind: 'marker'; fingerprint: string; digest: string; prevalence: string };

export function fingerprintMarker(fp: string): string {
  return `<!-- halo:fingerprint=${fp} -->`;
}

const FP_RE = /<!-- halo:fingerprint=([0-9a-f]{16}) -->/g;
const STATE_RE = /halo:digest=([0-9a-f]{16})(?: prevalence=(\d+\/\d+))?/g;

function lastMatch(re: RegExp, text: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  for (const m of text.matchAll(re)) last = m as RegExpExecArray;
  return last;
}

/** Fingerprint, digest and prevalence written by halo into a body (the last marker wins: ours is at the end). */
export function parseMarkers(body: string | null | undefined): { fingerprint?: string; digest?: string; prevalence?: string } {
  if (!body) return {};
  const fp = lastMatch(FP_RE, body);
  const st = lastMatch(STATE_RE, body);
  return { ...(fp ? { fingerprint: fp[1]! } : {}), ...(st ? { digest: st[1]! } : {}), ...(st?.[2] ? { prevalence: st[2] } : {}) };
}

export function prevalenceOf(f: Finding): string {
  return `${f.prevalence.traces}/${f.prevalence.total}`;
}

/**
 * What an update would change. Run ids and ranks move every run; a digest
 * over what the issue shows keeps "nothing new" a skip, not a comment.
 */
export function contentDigest(f: Finding): string {
  const ids = [...new Set(f.evidence.map((e) => e.traceId))].slice(0, MAX_EVIDENCE);
  const fields: unknown[] = [f.title, f.severity, f.category, f.prevalence.traces, f.prevalence.total, f.summary, f.rootCause.statement, f.fix.summary, f.monitor ?? '', ids];
  // Only fixes that carry code change the digest, so existing issues without them are not re-commented.
  if (f.fix.locations?.length || f.fix.patch) fields.push((f.fix.locations ?? []).map((l) => `${l.path}:${l.line}`), f.fix.patch ?? '');
  const data = JSON.stringify(fields);
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** At most MAX_EVIDENCE distinct traces, each with its first excerpt. */
export function boundedEvidence(f: Finding): Array<{ traceId: string; spanId?: string; excerpt?: string }> {
  const out: Array<{ traceId: string; spanId?: string; excerpt?: string }> = [];
  const seen = new Set<string>();
  for (const e of f.evidence) {
    if (seen.has(e.traceId)) continue;
    seen.add(e.traceId);
    const excerpt = e.excerpt ?? e.note;
    out.push({ traceId: e.traceId, ...(e.spanId ? { spanId: e.spanId } : {}), ...(excerpt ? { excerpt: oneLine(excerpt, EXCERPT_CHARS) } : {}) });
    if (out.length === MAX_EVIDENCE) break;
  }
  return out;
}

/** " · estimated, 95% 40–61 traces" when the prevalence is an audit's estimate. */
function prevalenceInterval(f: Finding): string {
  const i = f.prevalence.interval;
  return i ? ` · prevalence estimated, 95% ${i.low}–${i.high} traces` : '';
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
}

export function buildDoc(f: Finding, runId: string): Block[] {
  const ev = boundedEvidence(f);
  const distinct = new Set(f.evidence.map((e) => e.traceId)).size;
  const blocks: Block[] = [
    { kind: 'paragraph', content: [{ text: f.summary }] },
    {
      kind: 'paragraph',
      content: [
        { text: 'Prevalence:', strong: true },
        { text: ` ${f.prevalence.traces} of ${f.prevalence.total} traces (${pct(f.prevalence.share)}) · severity ${f.severity} · ${f.category}${f.status ? ` · ${f.status}` : ''} · run ` },
        { text: runId, code: true },
      ],
    },
    {
      kind: 'paragraph',
      content: [{ text: 'Verification:', strong: true }, { text: ` ${verificationSummary(f.verification)}${prevalenceInterval(f)}` }],
    },
    { kind: 'heading', text: `Evidence (${ev.length} of ${Math.max(distinct, f.prevalence.traces)} traces)` },
    {
      kind: 'bullets',
      items: ev.map((e) => [
        { text: e.traceId, code: true },
        ...(e.spanId ? [{ text: ' span ' }, { text: e.spanId, code: true }] : []),
        ...(e.excerpt ? [{ text: `: “${e.excerpt}”` }] : []),
      ]),
    },
    { kind: 'heading', text: 'Root cause' },
    { kind: 'paragraph', content: [{ text: `${f.rootCause.statement} (${f.rootCause.confidence})` }] },
    { kind: 'heading', text: 'Fix' },
    { kind: 'paragraph', content: [{ text: `${f.fix.summary} (${f.fix.kind})` }] },
    ...fixCodeBlocks(f),
  ];
  if (f.monitor) blocks.push({ kind: 'heading', text: 'Monitor' }, { kind: 'paragraph', content: [{ text: f.monitor }] });
  blocks.push({ kind: 'marker', fingerprint: f.fingerprint, digest: contentDigest(f), prevalence: prevalenceOf(f) });
  return blocks;
}

const MAX_PATCH_CHARS = 8000;

/** A fix's verified code locations (linked when the repo is on GitHub) and its patch as a diff block. */
function fixCodeBlocks(f: Finding): Block[] {
  const blocks: Block[] = [];
  const locs = f.fix.locations ?? [];
  if (locs.length) {
    blocks.push({
      kind: 'bullets',
      items: locs.map((l) => [
        { text: `${l.path}:${l.line}`, code: true, ...(l.url ? { href: l.url } : {}) },
        { text: ` ${oneLine(l.excerpt, 120)}` },
      ]),
    });
  }
  if (f.fix.patch) {
    const p = f.fix.patch.length > MAX_PATCH_CHARS ? `${f.fix.patch.slice(0, MAX_PATCH_CHARS)}\n… (patch cut; see findings.json)` : f.fix.patch;
    blocks.push({ kind: 'code', language: 'diff', text: p });
  }
  return blocks;
}

/** Markdown-escape untrusted text: no markup, no HTML (so no fake markers), no @-mentions, no block syntax. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_\[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u200b')
    .replace(/^(\s*)([#+=-]|\d+[.)])/gm, '$1\\$2');
}

function inlineCode(s: string): string {
  const clean = s.replace(/`/g, 'ˋ').replace(/\s+/g, ' ');
  return `\`${clean}\``;
}

function inlineMd(parts: Inline[]): string {
  return parts
    .map((p) => {
      const t = p.code ? inlineCode(p.text) : p.strong ? `**${escapeMarkdown(p.text)}**` : escapeMarkdown(p.text);
      const href = safeHref(p.href);
      return href ? `[${t}](${href})` : t;
    })
    .join('');
}

/** `visibleMarker`: for trackers whose Markdown drops HTML comments (Linear). */
export function renderMarkdown(blocks: Block[], opts: { visibleMarker?: boolean } = {}): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(`### ${escapeMarkdown(b.text)}`);
    else if (b.kind === 'paragraph') out.push(inlineMd(b.content));
    else if (b.kind === 'bullets') out.push(b.items.map((i) => `- ${inlineMd(i)}`).join('\n'));
    else if (b.kind === 'code') out.push(fencedBlock(b.text, b.language));
    else if (opts.visibleMarker) out.push(`---\n\n${inlineCode(`halo:fingerprint=${b.fingerprint} halo:digest=${b.digest} prevalence=${b.prevalence}`)}`);
    else out.push(`${fingerprintMarker(b.fingerprint)}\n<!-- halo:digest=${b.digest} prevalence=${b.prevalence} -->`);
  }
  return out.join('\n\n') + '\n';
}

/** The comment on a recurring (update) or regressed (reopen) finding. */
export function changeComment(f: Finding, runId: string, action: 'update' | 'reopen', was?: string): Block[] {
  const now = `${f.prevalence.traces} of ${f.prevalence.total} traces (${pct(f.prevalence.share)})`;
  const prev = was ? ` (previously ${was.replace('/', ' of ')} traces)` : '';
  const lead =
    action === 'reopen'
      ? `Halo saw this failure again after the issue was closed: ${now} in run ${runId}${prev}. Reopening.`
      : `Halo saw this failure again in run ${runId}: ${now}${prev}. The description has the latest evidence.`;
  const ids = boundedEvidence(f).map((e) => e.traceId);
  const latest: Inline[] = [{ text: 'Latest traces: ' }];
  ids.forEach((id, i) => latest.push(...(i ? [{ text: ', ' }] : []), { text: id, code: true }));
  return [
    { kind: 'paragraph', content: [{ text: lead }] },
    { kind: 'paragraph', content: latest },
  ];
}

/** Jira wiki markup (what Jira's CSV importer renders in Description), with untrusted text escaped. */
export function renderJiraWiki(blocks: Block[]): string {
  const esc = (s: string) => s.replace(/[\\{}\[\]*_|!^~+\-#?]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
  const code = (s: string) => s.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')).replace(/\s+/g, ' ');
  const inline = (parts: Inline[]) =>
    parts
      .map((p) => {
        const t = p.code ? `{{${code(p.text)}}}` : p.strong ? `*${esc(p.text).trim()}*` : esc(p.text);
        const href = safeHref(p.href);
        return href ? `[${t}|${href}]` : t;
      })
      .join('');
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(`h3. ${esc(b.text)}`);
    else if (b.kind === 'paragraph') out.push(inline(b.content));
    else if (b.kind === 'bullets') out.push(b.items.map((i) => `* ${inline(i)}`).join('\n'));
    // {noformat} shows text as is; only its own closing tag could end it early.
    else if (b.kind === 'code') out.push(`{noformat}\n${b.text.replace(/\{noformat\}/gi, '{ noformat}').replace(/\n$/, '')}\n{noformat}`);
    else out.push(`----\n{{halo:fingerprint=${b.fingerprint} halo:digest=${b.digest} prevalence=${b.prevalence}}}`);
  }
  return out.join('\n\n') + '\n';
}
