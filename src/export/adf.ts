// Atlassian Document Format (Jira Cloud REST v3 descriptions and comments)
// from the exporter's block document. ADF text nodes are data, so untrusted
// excerpts need no escaping here.
import type { Block, Inline } from './body.ts';

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
}
export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

function text(i: Inline): AdfNode | null {
  // ADF rejects empty text nodes.
  if (!i.text) return null;
  const marks: NonNullable<AdfNode['marks']> = [...(i.code ? [{ type: 'code' }] : []), ...(i.strong ? [{ type: 'strong' }] : [])];
  // ADF does not allow a link mark together with a code mark: the link wins.
  if (i.href && /^https:\/\//.test(i.href)) return { type: 'text', text: i.text, marks: [...marks.filter((m) => m.type !== 'code'), { type: 'link', attrs: { href: i.href } }] };
  return { type: 'text', text: i.text, ...(marks.length ? { marks } : {}) };
}

function paragraph(content: Inline[]): AdfNode {
  return { type: 'paragraph', content: content.map(text).filter((n): n is AdfNode => n !== null) };
}

export function toAdf(blocks: Block[]): AdfDoc {
  const content: AdfNode[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') content.push({ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: b.text }] });
    else if (b.kind === 'paragraph') content.push(paragraph(b.content));
    else if (b.kind === 'bullets') {
      if (b.items.length) content.push({ type: 'bulletList', content: b.items.map((i) => ({ type: 'listItem', content: [paragraph(i)] })) });
    } else if (b.kind === 'code') {
      if (b.text) content.push({ type: 'codeBlock', attrs: { language: b.language }, content: [{ type: 'text', text: b.text }] });
    } else {
      // Jira has no hidden comments; the marker is a small visible footer that the exporter parses back.
      content.push({ type: 'rule' }, paragraph([{ text: `halo:fingerprint=${b.fingerprint} halo:digest=${b.digest} prevalence=${b.prevalence}`, code: true }]));
    }
  }
  return { version: 1, type: 'doc', content };
}

/** All text of an ADF document, for parsing our footer back. */
export function adfText(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as AdfNode;
  const own = typeof n.text === 'string' ? n.text : '';
  return own + (Array.isArray(n.content) ? n.content.map(adfText).join('\n') : '');
}
