// Loading a real set and picking a finding by title, for the tests that check detector claims on tests/fixtures/real.
import type { FindingInput } from '../../src/findings/schema.ts';
import { loadTraces } from '../../src/ingest/reader.ts';

export const load = async (paths: string[]) => (await loadTraces(paths)).traces;

/** The first finding whose title matches, or an error listing every title (so a renamed finding is easy to see). */
export function byTitle(fs: FindingInput[], re: RegExp): FindingInput {
  const f = fs.find((x) => re.test(x.title));
  if (!f) throw new Error(`no finding matches ${re}: ${fs.map((x) => x.title).join(' | ')}`);
  return f;
}
