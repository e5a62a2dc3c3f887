// Code cells in a model reply: fenced ```js / ```javascript blocks (the
// prompts ask for those). Other fences (json, text, ts) are prose, not code.

export interface ExtractedCells {
  cells: string[];
  /** A js fence was opened but never closed (usually a reply cut at max tokens). */
  unterminated: boolean;
}

const OPEN = /^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(js|javascript|mjs)\b[^\n]*$/i;

export function extractCells(reply: string): ExtractedCells {
  const lines = reply.split(/\r?\n/);
  const cells: string[] = [];
  let unterminated = false;
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) {
      // Skip over non-js fences so a ```js inside them is not taken as code.
      const other = /^[ \t]{0,3}(`{3,}|~{3,})/.exec(lines[i]!);
      if (other) {
        const fence = other[1]!;
        i++;
        while (i < lines.length && !lines[i]!.trim().startsWith(fence)) i++;
      }
      continue;
    }
    const fence = open[1]!;
    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const t = lines[i]!.trim();
      if (t.startsWith(fence[0]!.repeat(fence.length)) && /^(`{3,}|~{3,})$/.test(t)) {
        closed = true;
        break;
      }
      body.push(lines[i]!);
    }
    if (!closed) {
      unterminated = true;
      break;
    }
    const code = body.join('\n');
    if (code.trim()) cells.push(code);
  }
  return { cells, unterminated };
}
