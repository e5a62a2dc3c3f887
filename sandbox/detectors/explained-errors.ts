// Error-signature findings that a more specific detector already explains:
// "Unknown tool: browse" errors are the unknown-tools finding, "could not
// parse JSON" errors are the invalid-arguments finding, 429s that a retry got
// past are the rate-limit finding, "Error in code parsing" is the
// output-format finding. runDetectors folds these into the specific
// finding (keeping the signature in its data) so one failure is reported once.
import type { FindingInput } from '../../src/findings/schema.ts';
import { OUTPUT_FORMAT_ERROR } from './output-format.ts';

/** Share of an error finding's traces the specific finding must cover. */
const COVERED = 0.9;

function covers(specific: FindingInput, error: FindingInput): boolean {
  const comp = error.key.component;
  const tool = comp.startsWith('tool:') ? comp.slice(5) : null;
  switch (specific.source) {
    case 'detector:unknown-tools':
      return tool != null && Object.hasOwn((specific.data?.tools as object) ?? {}, tool);
    case 'detector:tool-arguments':
      return specific.key.signature === 'invalid_json_arguments' && tool != null && Object.hasOwn((specific.data?.tools as object) ?? {}, tool);
    case 'detector:retries':
      // An error whose cause was read from where its missing values came from (names the model formed from the task's
      // words, never looked up) says what the retry finding cannot: both stand (round 35, InterCode SQL).
      return specific.key.component === comp && error.data?.causeFromOrigins !== true;
    case 'detector:output-format':
      return OUTPUT_FORMAT_ERROR.test(error.key.signature);
    default:
      return false;
  }
}

export function foldExplainedErrors(findings: FindingInput[]): FindingInput[] {
  const specific = findings.filter((f) => f.source === 'detector:unknown-tools' || f.source === 'detector:tool-arguments' || f.source === 'detector:retries' || f.source === 'detector:output-format');
  const traceSets = new Map(specific.map((f) => [f, new Set(f.data?.traceIds as string[])]));
  return findings.filter((f) => {
    if (f.source !== 'detector:error-signatures') return true;
    const ids = (f.data?.traceIds as string[]) ?? [];
    if (!ids.length) return true;
    for (const g of specific) {
      if (!covers(g, f)) continue;
      const set = traceSets.get(g)!;
      const inside = ids.filter((id) => set.has(id)).length;
      if (inside / ids.length < COVERED) continue;
      const data = g.data!;
      const signatures = (data.errorSignatures as string[] | undefined) ?? [];
      data.errorSignatures = [...signatures, `${f.key.component} ${f.key.signature}`];
      return false;
    }
    return true;
  });
}
