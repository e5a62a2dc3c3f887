// Grounding without a model: where in the agent's repository a tool is
// defined, and where a system prompt seen in the traces is written. Candidates
// are scored by how surely the line defines the thing (a tool schema naming
// it beats a function of the same name); the best one wins.
import { normalizeWhitespace } from '../findings/excerpt.ts';
import { splitLines, type Repo } from './repo.ts';

export interface CodeHit {
  path: string;
  line: number;
  /** The line's text (trimmed, capped): what verification finds there. */
  excerpt: string;
  /** What kind of definition the line is. */
  kind: string;
}

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|py|json|ya?ml|toml|md|txt|prompt|j2|jinja|hbs|mustache)$/i;
const MAX_EXCERPT = 240;

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** snake_case / kebab-case → camelCase (refund_order → refundOrder). */
function camel(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

interface Pattern {
  re: RegExp;
  score: number;
  kind: string;
  /** A decorator must appear on one of the few lines above. */
  decorated?: boolean;
}

function toolPatterns(name: string): Pattern[] {
  const n = esc(name);
  const c = esc(camel(name));
  const ids = c === n ? n : `(?:${n}|${c})`;
  return [
    // OpenAI / Anthropic tool JSON, object literals, Python kwargs: name: "x", "name": "x", name="x"
    { re: new RegExp(`["']?\\bname["']?\\s*[:=]\\s*["'\`]${n}["'\`]`), score: 10, kind: 'tool schema' },
    // @tool("x"), @function_tool(name_override="x")
    { re: new RegExp(`@[\\w.]*\\b(?:tool|function_tool)\\s*\\(\\s*(?:name(?:_override)?\\s*=\\s*)?["']${n}["']`), score: 10, kind: 'decorated tool' },
    // @tool / @function_tool over def x(
    { re: new RegExp(`^\\s*(?:async\\s+)?def\\s+${n}\\s*\\(`), score: 9, kind: 'decorated tool', decorated: true },
    // zod / JSON Schema definitions named for the tool
    { re: new RegExp(`\\b${ids}(?:Schema|Params|Parameters|Args|Input)?\\s*[:=]\\s*z\\.object\\(`), score: 8, kind: 'zod schema' },
    { re: new RegExp(`["']title["']\\s*:\\s*["']${n}["']`), score: 7, kind: 'JSON Schema' },
    { re: new RegExp(`\\b(?:tool|defineTool|createTool|tool\\.define)\\s*\\(\\s*["'\`]${n}["'\`]`), score: 8, kind: 'tool schema' },
    // functions named for the tool
    { re: new RegExp(`\\bfunction\\s*\\*?\\s*${ids}\\s*[(<]`), score: 6, kind: 'function' },
    { re: new RegExp(`\\b(?:const|let|var)\\s+${ids}\\s*(?::[^=]+)?=\\s*(?:async\\s*)?(?:\\([^)]*\\)|\\w+)\\s*(?::[^=]+)?=>`), score: 6, kind: 'function' },
    { re: new RegExp(`^\\s*(?:async\\s+)?def\\s+${n}\\s*\\(`), score: 5, kind: 'function' },
    { re: new RegExp(`^\\s*(?:(?:public|private|protected|static|async)\\s+)*${ids}\\s*\\([^)]*\\)\\s*(?::[^{]+)?\\{`), score: 4, kind: 'method' },
  ];
}

const DECORATOR = /^\s*@[\w.]*\b(?:tool|function_tool|register_tool|mcp\.tool|server\.tool|agent\.tool\w*)\b/;

function excerptOf(line: string): string {
  const t = line.trim();
  return t.length > MAX_EXCERPT ? t.slice(0, MAX_EXCERPT) : t;
}

function* sourceTexts(repo: Repo): Generator<{ path: string; lines: string[] }> {
  for (const path of repo.files()) {
    if (!SOURCE_FILE.test(path)) continue;
    const text = repo.text(path);
    if (text !== null) yield { path, lines: splitLines(text) };
  }
}

/** Offsets where each line starts (lines as splitLines counts them). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Files whose path says they hold tools come first among equal scores. */
function pathBonus(path: string): number {
  return /tool|function|schema|action/i.test(path) ? 0.5 : 0;
}

/** The line that defines tool `name` in the repository, or null. */
export function findToolDefinition(repo: Repo, name: string): CodeHit | null {
  return findToolDefinitions(repo, [name]).get(name) ?? null;
}

/**
 * The defining line of each tool, in one pass over the repository: a line is
 * tried against a tool's patterns only when it mentions the tool's name.
 */
export function findToolDefinitions(repo: Repo, names: string[]): Map<string, CodeHit> {
  const wanted = [...new Set(names)].filter((n) => n && n.length <= 200 && /\w/.test(n));
  const out = new Map<string, CodeHit>();
  if (wanted.length === 0) return out;
  const byAlias = new Map<string, string[]>();
  for (const n of wanted) for (const a of new Set([n, camel(n)])) byAlias.set(a, [...(byAlias.get(a) ?? []), n]);
  // Longest first, so "refund_order_v2" is not seen as "refund_order".
  const mention = new RegExp([...byAlias.keys()].sort((a, b) => b.length - a.length).map(esc).join('|'), 'g');
  const patterns = new Map(wanted.map((n) => [n, toolPatterns(n)]));
  const best = new Map<string, CodeHit & { score: number }>();
  for (const path of repo.files()) {
    if (!SOURCE_FILE.test(path)) continue;
    const text = repo.text(path);
    if (text === null) continue;
    // One regex pass over the whole file finds the lines worth trying; most files have none.
    mention.lastIndex = 0;
    const hitLines = new Map<number, Set<string>>();
    let starts: number[] | null = null;
    for (const m of text.matchAll(mention)) {
      starts ??= lineStarts(text);
      const i = lineOf(starts, m.index);
      const set = hitLines.get(i) ?? new Set<string>();
      for (const n of byAlias.get(m[0]) ?? []) set.add(n);
      hitLines.set(i, set);
    }
    if (hitLines.size === 0) continue;
    const lines = splitLines(text);
    for (const [i, seen] of hitLines) {
      const line = lines[i] ?? '';
      for (const n of seen) {
        for (const p of patterns.get(n)!) {
          if (!p.re.test(line)) continue;
          if (p.decorated && !lines.slice(Math.max(0, i - 4), i).some((l) => DECORATOR.test(l))) continue;
          const score = p.score + pathBonus(path);
          const cur = best.get(n);
          if (!cur || score > cur.score || (score === cur.score && cur.path === path && i + 1 < cur.line)) {
            best.set(n, { path, line: i + 1, excerpt: excerptOf(line), kind: p.kind, score });
          }
          break;
        }
      }
    }
  }
  for (const [n, { score: _s, ...hit }] of best) out.set(n, hit);
  return out;
}

/** Sentences of a prompt long enough to identify it. */
function promptProbes(prompt: string): string[] {
  const norm = normalizeWhitespace(prompt);
  const sentences = norm.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter((s) => s.length >= 24);
  const probes = [...sentences];
  // Prompts with no sentence breaks: their opening words.
  if (probes.length === 0 && norm.length >= 24) probes.push(norm.slice(0, 80));
  return probes.slice(0, 12).map((s) => (s.length > MAX_EXCERPT ? s.slice(0, MAX_EXCERPT) : s));
}

/**
 * Where the text of `prompt` (a system prompt seen in the traces) is written
 * in the repository: the first line holding one of its sentences whole.
 */
export function findPromptText(repo: Repo, prompt: string): CodeHit | null {
  const probes = promptProbes(prompt);
  if (probes.length === 0) return null;
  // Earlier sentences identify a prompt better than later boilerplate.
  let best: (CodeHit & { rank: number }) | null = null;
  for (const { path, lines } of sourceTexts(repo)) {
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (raw.length < 24) continue;
      const line = normalizeWhitespace(raw);
      for (let k = 0; k < probes.length && (!best || k < best.rank); k++) {
        if (line.includes(probes[k]!)) {
          best = { path, line: i + 1, excerpt: probes[k]!, kind: 'system prompt', rank: k };
          break;
        }
      }
      if (best?.rank === 0) break;
    }
    if (best?.rank === 0) break;
  }
  if (!best) return null;
  const { rank: _r, ...hit } = best;
  return hit;
}
