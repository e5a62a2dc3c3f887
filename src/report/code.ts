// Rendering helpers for fixes that point into the agent's code (--repo),
// shared by the reports and the tracker bodies.

/** An engine-made https link (a code location's GitHub URL), or null for anything else. */
export function safeHref(href: string | undefined): string | null {
  return href && /^https:\/\/[\w.-]+\/[\w./%#@~+-]*$/.test(href) ? href : null;
}

/** A Markdown fenced block whose fence no line inside can close. */
export function fencedBlock(text: string, language: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}
