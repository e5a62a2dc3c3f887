// Normalizes error messages so the same failure groups together across runs:
// numbers, ids, uuids, hex, paths, urls, quoted values and durations collapse
// to placeholders. Pure: used by overview, detectors and fingerprints.

const RULES: [RegExp, string][] = [
  [/https?:\/\/[^\s"'<>)]+/g, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\b/g, '<time>'],
  [/\b\d{4}-\d{2}-\d{2}\b/g, '<date>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b[0-9a-f]{12,}\b/gi, '<hex>'],
  // Absolute, or relative with at least two separators (tests/parser/a.ts), so
  // a path collapses whole instead of leaving its first segment behind.
  [/(?:\/|\b[\w.-]+\/)(?:[\w.-]+\/)+[\w.-]*/g, '<path>'],
  [/\b\d+(\.\d+)?\s?(ms|s|sec|seconds|m|min|minutes|h|hours)\b/gi, '<duration>'],
  [/\b[A-Za-z]+[_-]?\d[\w-]*\b/g, '<id>'],
  [/-?\b\d+(\.\d+)?\b/g, '<n>'],
  [/"[^"]{1,80}"/g, '"<s>"'],
  [/'[^']{1,80}'/g, "'<s>'"],
  // An empty quoted value, and one the first line cuts off (MySQL's "near 'SELECT …" quoting a statement that runs
  // on over lines), after a space: the same failure as any other value there (round 35, InterCode SQL).
  [/(?<=\s)''/g, "'<s>'"],
  [/(?<=\s)'[^'\n]{1,80}$/g, "'<s>'"],
  // GNU tools quote `like this' (find, ls, cp in older locales): a value all the same.
  [/`[^`'\n]{1,80}'/g, "`<s>'"],
];

// A shell's error starts with the name it was run as ($0: "/bin/bash", "sh", or
// the "{}" xargs put there), then "-c: line N:" or "line N:": that name is the
// invocation's, not the error's.
// awk says "awk: line 1:" of its own program text: that name is the failing program's.
const SHELL_PREFIX = /^(?![mgn]?awk\s*:)[^\n:]{1,80}?\s*:\s+((?:-c:\s+)?line \d+:)/;

// What varies between two reports of one failure without changing what failed: ids, times, addresses,
// measured durations ("Timeout 467ms exceeded." then "… 468ms …").
const VOLATILE = [...RULES.slice(0, 6), RULES[7]!];

/**
 * A message as it identifies one failure, not a kind of failure: its first line with ids, times and
 * addresses masked but the values it names kept (`KeyError: 'Region'` and `KeyError: 'Score'` differ;
 * so do two line numbers).
 */
export function exactMessage(message: string, maxLength = 300): string {
  let s = (String(message).trim().split('\n')[0] ?? '').replace(SHELL_PREFIX, '<shell>: $1');
  for (const [re, rep] of VOLATILE) s = s.replace(re, rep);
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > maxLength ? s.slice(0, maxLength) : s;
}

export function normalizeMessage(message: string, maxLength = 160): string {
  let s = (String(message).trim().split('\n')[0] ?? '').replace(SHELL_PREFIX, '<shell>: $1');
  for (const [re, rep] of RULES) s = s.replace(re, rep);
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > maxLength ? s.slice(0, maxLength) : s;
}
