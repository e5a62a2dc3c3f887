// A ReAct text action (`Search[Nick Park]`, `click[Buy Now]`) as a tool call:
// the name before the brackets, the text inside as its one argument, named by
// the environment's convention. Shared by the readers of ReAct's printed runs.

export type Dict = Record<string, unknown>;

/** The argument names of Wikipedia-tool ReAct agents (HotpotQA, FEVER). */
export const WIKI_ARGUMENTS: Readonly<Record<string, string>> = { Search: 'entity', Lookup: 'keyword', Finish: 'answer' };

/**
 * `Search[Nick Park]` → the tool and its argument. Text that is no `Name[…]` stays the input of a tool
 * named for what it opens with: the name before a bracket (`Lookup[X] on another site`), else its first word.
 */
export function parseAction(text: string, argumentNames: Readonly<Record<string, string>>): { name: string; args: Dict } {
  const m = /^\s*([A-Za-z_][\w-]*)\[([\s\S]*)\]\s*$/.exec(text);
  if (m === null) return { name: /^\s*([A-Za-z_][\w-]*)\[/.exec(text)?.[1] ?? (text.trim().split(/\s+/, 1)[0] || 'action'), args: { input: text.trim() } };
  return { name: m[1]!, args: { [argumentNames[m[1]!] ?? 'input']: m[2]! } };
}
