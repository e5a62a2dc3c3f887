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

/** Files whose path says they hold tools come first among equal scores. */
function pathBonus(path: string): number {
  return /tool|function|schema|action/i.test(path) ? 0.5 : 0;
}

/** The line that defines tool `name` in the repository, or null. */
export function findToolDefinition(repo: Repo, name: string): CodeHit | null {
  if (!name || name.length > 200) return null;
  const patterns = toolPatterns(name);
  const alt = camel(name);
  let best: (CodeHit & { score: number }) | null = null;
  for (const { path, lines } of sourceTexts(repo)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.includes(name) && !line.includes(alt)) continue;
      for (const p of patterns) {
        if (!p.re.test(line)) continue;
        if (p.decorated && !lines.slice(Math.max(0, i - 4), i).some((l) => DECORATOR.test(l))) continue;
        const score = p.score + pathBonus(path);
        if (!best || score > best.score) best = { path, line: i + 1, excerpt: excerptOf(line), kind: p.kind, score };
        break;
      }
    }
  }
  if (!best) return null;
  const { score: _s, ...hit } = best;
  return hit;
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
