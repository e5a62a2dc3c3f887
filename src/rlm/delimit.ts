// Untrusted text (trace content, cell output) enters model prompts only inside
// named delimiters. Any delimiter tag inside the content is neutralized so the
// content cannot close its block and pose as instructions.

export function neutralizeTags(text: string, tags: string[]): string {
  let out = text;
  for (const tag of tags) {
    out = out.replace(new RegExp(`<(/?)\\s*${tag}\\b`, 'gi'), (_m, slash: string) => `‹${slash}${tag}`);
  }
  return out;
}

const UNTRUSTED_TAGS = ['trace_data', 'cell_output', 'dataset_overview', 'dataset_context', 'detector_findings', 'instructions', 'question'];

/** Wraps untrusted text in `<tag>…</tag>`, neutralizing every Halo delimiter inside it. */
export function delimit(tag: string, text: string): string {
  return `<${tag}>\n${neutralizeTags(text, UNTRUSTED_TAGS)}\n</${tag}>`;
}
