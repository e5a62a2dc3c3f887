// After folding: capacity errors of one model call that no retry finding
// explains — a rate limit here, an overload or 5xx there — are one root cause
// (the provider refuses calls under load) with one fix (pace, back off, fall
// back). They become one finding that lists its variants. Errors a retries
// finding already explains were folded into it before this runs.
import type { FindingInput } from '../../src/findings/schema.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { firstLine } from './text.ts';

export const PROVIDER_CAPACITY = /\b(429|500|502|503|504|529)\b|rate.?limit|too many requests|overload|throttl|RateLimitError|InternalServerError|ServiceUnavailable|APIConnectionError|APITimeoutError|Timeout(Error)?\b|timed out/i;

function isCapacity(f: FindingInput): boolean {
  return f.source === 'detector:error-signatures' && f.key.component.startsWith('model:') && PROVIDER_CAPACITY.test(f.key.signature);
}

export function groupProviderCapacity(findings: FindingInput[]): FindingInput[] {
  const groups = new Map<string, FindingInput[]>();
  for (const f of findings) if (isCapacity(f)) (groups.get(f.key.component) ?? groups.set(f.key.component, []).get(f.key.component)!).push(f);
  const replaced = new Map<FindingInput, FindingInput | null>();
  for (const [component, parts] of groups) {
    if (parts.length < 2) continue;
    const where = component.slice('model:'.length);
    const ids = new Set(parts.flatMap((p) => (p.data?.traceIds as string[]) ?? []));
    const total = parts[0]!.prevalence?.total ?? ids.size;
    const variants = parts
      .map((p) => [String(p.key.signature).replace(/^error:/, ''), ((p.data?.traceIds as string[]) ?? []).length] as const)
      .sort((a, b) => b[1] - a[1]);
    // Round-robin so each variant keeps some of its citations.
    const queues = parts.map((p) => [...p.evidence]);
    const citations: Citation[] = [];
    while (queues.some((q) => q.length)) for (const q of queues) if (q.length) citations.push(q.shift()!);
    // What became of each failure, as the parts counted it: the next call to the model worked and the error did not come back.
    const spans = parts.reduce((n, p) => n + Number(p.data?.spans ?? 0), 0);
    const recovered = parts.reduce((n, p) => n + Number(p.data?.recovered ?? 0), 0);
    // Got through later: a call to it worked at some point after each failure (a client retrying until one did).
    const laterOk = parts.reduce((n, p) => n + Number(p.data?.laterOk ?? 0), 0);
    const allLater = spans > 0 && laterOk === spans;
    const longestS = Math.round(Math.max(0, ...parts.map((p) => Number(p.data?.longestMs ?? 0))) / 1000);
    const wait = longestS >= 60 ? ` The longest failed call took ${longestS} s before it failed.` : '';
    const fate = recovered === spans && spans > 0
      ? `each time the next call to it ran without error and the error did not come back`
      : allLater
        ? `each was followed later in the run by a call to it that worked (${recovered ? `${recovered} of ${spans} by the next call, with the error not coming back` : 'not always the next one'})`
        : recovered > 0
          ? `${recovered} of ${spans} were followed by a next call to it that ran without error, with the error not coming back; the others were not`
          : `none was followed by a next call to it that ran without error`;
    const merged = buildFinding({
      title: `${where}: ${allLater ? 'calls refused for capacity, then got through' : 'model provider unavailable'} (${variants.map(([v]) => firstLine(v, 40)).join('; ')})`,
      category: 'errors_recovery',
      severity: allLater ? 'low' : parts.some((p) => p.severity === 'high') ? 'high' : 'medium',
      summary: `Calls to the model behind \`${where}\` failed for capacity reasons in ${shareText(ids.size, total)}. As: ${variants.map(([v, n]) => `"${firstLine(v, 80)}" (${n} run${n === 1 ? '' : 's'})`).join(', ')}.`,
      rootCause: `The provider refused or failed these model calls for capacity reasons (rate limit, overload, 5xx, timeouts; the error messages are cited); ${fate}.${wait}`,
      fix: allLater
        ? `These calls got through on a later attempt: what they cost is the waiting and the extra calls. ${longestS >= 60 ? `Set the client's request timeout well under ${longestS} s so a hung call fails fast and is retried; pace` : 'Pace'} model calls to the provider's limits (a client-side rate limiter), and fall back to another deployment or model when a call keeps failing.`
        : `${recovered === spans && spans > 0 ? 'Each was handled by the next call; where the extra calls and waiting matter: ' : ''}Pace model calls to the provider's limits (a client-side rate limiter), retry 429, overloaded and 5xx errors with jittered backoff honouring retry-after, and fall back to another deployment or model when retries run out.`,
      fixKind: 'config',
      component,
      signature: 'error:provider_capacity',
      monitor: `Count of \`${where}\` calls failing with rate-limit, overload or 5xx errors, per day.`,
      detector: 'error-signatures',
      traceIds: ids,
      citations,
      total,
      data: {
        component,
        signature: 'provider_capacity',
        variants: Object.fromEntries(variants),
        spans,
        recovered,
        laterOk,
        occurrences: parts.flatMap((p) => (p.data?.occurrences as unknown[]) ?? []),
      },
    });
    replaced.set(parts[0]!, merged);
    for (const p of parts.slice(1)) replaced.set(p, null);
  }
  if (replaced.size === 0) return findings;
  return findings.flatMap((f) => (replaced.has(f) ? (replaced.get(f) ? [replaced.get(f)!] : []) : [f]));
}
