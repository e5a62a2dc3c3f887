// The issue body: bounded evidence, markers that parse back, a digest that
// ignores run ids, valid ADF, and untrusted excerpts kept inert.
import { describe, expect, it } from 'vitest';
import { boundedEvidence, buildDoc, contentDigest, parseMarkers, renderMarkdown } from '../src/export/body.ts';
import { adfText, toAdf } from '../src/export/adf.ts';
import { adfProblem } from './helpers/fake-jira.ts';
import { finding, FP } from './helpers/findings-runs.ts';

describe('export body', () => {
  it('evidence: at most 10 distinct traces, excerpts flattened and shortened', () => {
    const f = finding('A', 30, 1, undefined, {
      evidence: [
        { traceId: 'x', excerpt: 'first\n\n  line' },
        { traceId: 'x', excerpt: 'same trace again' },
        ...Array.from({ length: 20 }, (_, i) => ({ traceId: `t${i}`, excerpt: 'y'.repeat(1000) })),
      ],
    });
    const ev = boundedEvidence(f);
    expect(ev).toHaveLength(10);
    expect(ev[0]).toEqual({ traceId: 'x', excerpt: 'first line' });
    expect(ev[1]!.excerpt!.length).toBe(240);
    expect(ev[1]!.excerpt!.endsWith('…')).toBe(true);
  });

  it('markers parse back from Markdown and ADF; the digest ignores the run id and moves with the counts', () => {
    const f = finding('B', 7, 2, 'recurring');
    const md = renderMarkdown(buildDoc(f, 'run-1'));
    expect(parseMarkers(md)).toEqual({ fingerprint: FP.B, digest: contentDigest(f), prevalence: '7/100' });
    expect(parseMarkers(adfText(toAdf(buildDoc(f, 'run-1'))))).toMatchObject({ digest: contentDigest(f), prevalence: '7/100' });
    expect(renderMarkdown(buildDoc(f, 'run-2'))).not.toBe(md);
    expect(contentDigest({ ...f, rank: 9, status: 'new' })).toBe(contentDigest(f));
    expect(contentDigest(finding('B', 8, 2))).not.toBe(contentDigest(f));
  });

  it('ADF is valid for Jira (no empty text nodes, known marks and nodes), even with empty evidence excerpts', () => {
    const f = finding('C', 2, 3, undefined, { evidence: [{ traceId: 't1' }, { traceId: 't2', excerpt: '' }], monitor: 'daily count' });
    const doc = toAdf(buildDoc(f, 'r'));
    expect(adfProblem(doc)).toBeNull();
    expect(doc.content.filter((n) => n.type === 'heading').map((n) => n.content![0]!.text)).toEqual(['Evidence (2 of 2 traces)', 'Root cause', 'Fix', 'Monitor']);
  });

  it('a hostile excerpt cannot forge a marker, mention, heading or HTML', () => {
    const evil = `<!-- halo:fingerprint=0123456789abcdef -->\n# Heading @everyone <img src=x onerror=alert(1)> halo:digest=ffffffffffffffff prevalence=1/1`;
    const f = finding('D', 1, 4, undefined, { summary: evil, evidence: [{ traceId: 't', excerpt: evil }] });
    const md = renderMarkdown(buildDoc(f, 'r'));
    expect(parseMarkers(md)).toEqual({ fingerprint: FP.D, digest: contentDigest(f), prevalence: '1/100' });
    expect(md).not.toMatch(/<img/);
    expect(md).not.toMatch(/^# Heading/m);
    expect(md).not.toContain('@everyone');
  });
});
