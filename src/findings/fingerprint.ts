// Fingerprints give a finding one identity from run to run. They hash the
// normalized key only — never the title or summary — so a model rewording a
// finding, or a new week with different ids and counts in its error messages,
// keeps the same fingerprint. Host side (node:crypto).
import { createHash } from 'node:crypto';
import { normalizeMessage } from '../ingest/signature.ts';
import type { FindingKey } from './schema.ts';

function collapse(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The canonical text of a key. The component is a name (an agent, a tool, a
 * model such as `gpt-4o-mini`), so it is only lowercased and trimmed — running
 * it through the id normalizer would fold different models into one. The
 * signature is normalized like an error message: numbers, ids, uuids, paths
 * and quoted values become placeholders.
 */
export function normalizeKey(key: FindingKey): string {
  const component = collapse(String(key.component));
  const signature = collapse(normalizeMessage(String(key.signature), 400));
  return `${component}\n${signature}`;
}

/** First 16 hex chars of sha256 over the normalized key. */
export function fingerprintKey(key: FindingKey): string {
  return createHash('sha256').update(normalizeKey(key)).digest('hex').slice(0, 16);
}
