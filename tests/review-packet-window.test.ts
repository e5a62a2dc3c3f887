// A run whose record is one long text (Reflexion's trial log holds a hundred runs in one string): the packet shows
// the part of it where the cited span's own text is, not the log's start (review round 41 found every span showing
// only the first 2,000 characters of the file).
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { boundPacket, buildReviewPackets } from '../src/eval/review-packet.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import type { FindingsFile } from '../src/findings/schema.ts';

describe('packets of a run held in one long text', () => {
  it('show each cited span\'s window of the log, with where it is, and keep the log out of the run\'s header', async () => {
    const dir = 'tests/fixtures/real/reflexion-hotpotqa-reflexion';
    const { traces } = await loadTraces([dir]);
    const found = runDetectors(traces).filter((f) => /Lookup: The last page Searched was not found/.test(f.title));
    expect(found).toHaveLength(1);
    // The packet reads a finding's id, rank, title, evidence and key: the detector's own finding, numbered.
    const file = { findings: found.map((f, i) => ({ ...f, id: `F${i + 1}`, rank: i + 1 })) } as unknown as FindingsFile;
    const [packet] = await buildReviewPackets(file, traces, [dir], { seed: 1, tracesPerFinding: 3, spansPerTrace: 6 });
    const bounded = boundPacket(packet!);
    for (const t of bounded.traces) {
      expect(JSON.stringify(t.recordFacts)).toMatch(/text of \d+ characters/);
      for (const c of t.cited) {
        const part = JSON.stringify(c.raw[0]!.value);
        expect(part).toMatch(/\[characters \d+–\d+ of \d+, around this span's text\]/);
        // The span's own observation is within what a reviewer sees once the packet is cut to size.
        expect(part).toContain('The last page Searched was not found');
      }
    }
  }, 120_000);
});
