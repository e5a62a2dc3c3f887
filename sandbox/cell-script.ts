// Turns one cell of JavaScript into a script the isolate can run so that
//  - top-level `await` works (the body runs inside an async arrow),
//  - top-level `let`/`const`/`var`/`function`/`class` declarations persist
//    across cells (they become assignments to script-level `var`s, which live
//    on the global object),
//  - the value of the last expression statement is returned.
// A full parser would be heavier than the job needs: a tokenizer that knows
// strings, templates, comments and regex literals is enough to find the
// top-level statements. Every insertion stays on its original line, so line
// numbers in errors are the cell's own.
// Pure: no Node imports (bundled into the child, usable anywhere).

export interface TransformedCell {
  /** Script source. Its completion value is the async function to call. */
  code: string;
  /** Names the cell declares at top level (they persist). */
  declared: string[];
  /** Whether the last statement's value is returned. */
  returnsValue: boolean;
}

type TokType = 'ident' | 'punct' | 'string' | 'template' | 'number' | 'regex';

interface Token {
  type: TokType;
  text: string;
  start: number;
  end: number;
  line: number;
  /** Bracket depth before this token ((), [], {} and template `${`). */
  depth: number;
  /** A line break separates this token from the previous one. */
  nl: boolean;
}

const PUNCT = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '**', '<<', '>>',
];

// After these, a `/` starts a regex rather than a division.
const REGEX_AFTER_WORDS = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else',
  'yield', 'await',
]);

const isIdStart = (c: string) => /[A-Za-z_$\u0080-\uffff]/.test(c);
const isIdPart = (c: string) => /[\w$\u0080-\uffff\u200c\u200d]/.test(c);

class ScanError extends Error {
  constructor(message: string, readonly continues = false) {
    super(message);
  }
}

function tokenize(src: string, info?: { open: number }): Token[] {
  const toks: Token[] = [];
  // Stack of open brackets; 'T' marks a `${` inside a template literal.
  const stack: string[] = [];
  let i = 0;
  let line = 1;
  let sawNl = false;
  const n = src.length;

  const push = (type: TokType, start: number, end: number, startLine: number, depth = stack.length) => {
    toks.push({ type, text: src.slice(start, end), start, end, line: startLine, depth, nl: sawNl });
    sawNl = false;
  };

  // Scans template characters from i (just after ` or the closing } of ${) to
  // the closing backtick or the next `${`. Returns true when it stopped at `${`.
  const scanTemplateChunk = (): boolean => {
    while (i < n) {
      const c = src[i];
      if (c === '\\') { i += 2; continue; }
      if (c === '\n') line++;
      if (c === '`') { i++; return false; }
      if (c === '$' && src[i + 1] === '{') { i += 2; return true; }
      i++;
    }
    throw new ScanError('unterminated template', true);
  };

  const regexAllowed = (): boolean => {
    const prev = toks[toks.length - 1];
    if (!prev) return true;
    if (prev.type === 'ident') return REGEX_AFTER_WORDS.has(prev.text);
    if (prev.type === 'punct') return prev.text !== ')' && prev.text !== ']' && prev.text !== '++' && prev.text !== '--';
    return false;
  };

  while (i < n) {
    const c = src[i];
    if (c === '\n') { line++; sawNl = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff' || c === '\u2028' || c === '\u2029') { i++; continue; }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new ScanError('unterminated comment', true);
      for (let k = i; k < end; k++) if (src[k] === '\n') { line++; sawNl = true; }
      i = end + 2;
      continue;
    }
    const start = i;
    const startLine = line;
    if (c === '"' || c === "'") {
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === '\\') i++;
        else if (src[i] === '\n') throw new ScanError('unterminated string');
        i++;
      }
      if (i >= n) throw new ScanError('unterminated string');
      i++;
      push('string', start, i, startLine);
      continue;
    }
    if (c === '`') {
      i++;
      const depth = stack.length;
      if (scanTemplateChunk()) stack.push('T');
      push('template', start, i, startLine, depth);
      continue;
    }
    if (c >= '0' && c <= '9' || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i++;
      while (i < n && /[\w.]/.test(src[i])) {
        // exponent sign: 1e-5
        if ((src[i] === 'e' || src[i] === 'E') && (src[i + 1] === '-' || src[i + 1] === '+') && !/^0[xX]/.test(src.slice(start, i))) i++;
        i++;
      }
      push('number', start, i, startLine);
      continue;
    }
    if (isIdStart(c) || c === '\\' || c === '#') {
      i++;
      while (i < n && (isIdPart(src[i]) || src[i] === '\\')) i++;
      push('ident', start, i, startLine);
      continue;
    }
    if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < n) {
        const d = src[i];
        if (d === '\n') throw new ScanError('unterminated regex');
        if (d === '\\') { i += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < n && isIdPart(src[i])) i++;
      push('regex', start, i, startLine);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      push('punct', start, i + 1, startLine);
      stack.push(c);
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (open === 'T' && c === '}') {
        // Back inside the template literal: scan to its end or the next ${.
        i++;
        const more = scanTemplateChunk();
        if (more) stack.push('T');
        push('template', start, i, startLine, stack.length - (more ? 1 : 0));
        continue;
      }
      push('punct', start, i + 1, startLine, stack.length);
      i++;
      continue;
    }
    const op = PUNCT.find((p) => src.startsWith(p, i));
    const len = op ? op.length : 1;
    push('punct', start, i + len, startLine);
    i += len;
  }
  if (info) info.open = stack.length;
  return toks;
}

/**
 * Whether typed input is unfinished and a REPL should read another line:
 * open brackets, an open template literal or block comment. (A line ending
 * in a backslash is the REPL's own convention and is handled there.)
 */
export function isIncomplete(code: string): boolean {
  const info = { open: 0 };
  try {
    tokenize(code, info);
  } catch (e) {
    return e instanceof ScanError && e.continues;
  }
  return info.open > 0;
}

// Tokens that cannot begin a statement on a fresh line: the line continues the previous one.
const CONTINUES = new Set([
  '.', '?.', '(', '[', ',', '?', ':', '=', '+', '-', '*', '/', '%', '**', '==', '===', '!=', '!==', '<', '>', '<=',
  '>=', '&&', '||', '??', '&', '|', '^', '<<', '>>', '>>>', '=>', '+=', '-=', '*=', '/=', '%=', '**=', '&=', '|=',
  '^=', '<<=', '>>=', '>>>=', '&&=', '||=', '??=', ')', ']', '}',
]);
const CONTINUE_WORDS = new Set(['in', 'instanceof', 'of', 'else', 'catch', 'finally']);
// Tokens after which the statement cannot have ended.
const OPEN_ENDED = new Set([
  '.', '?.', '(', '[', '{', ',', '?', ':', '=', '+', '-', '*', '/', '%', '**', '==', '===', '!=', '!==', '<', '>',
  '<=', '>=', '&&', '||', '??', '&', '|', '^', '<<', '>>', '>>>', '=>', '!', '~', '...', '+=', '-=', '*=', '/=',
  '%=', '**=', '&=', '|=', '^=', '<<=', '>>=', '>>>=', '&&=', '||=', '??=',
]);
const OPEN_ENDED_WORDS = new Set(['new', 'typeof', 'void', 'delete', 'await', 'in', 'instanceof', 'of', 'return', 'throw', 'yield', 'extends', 'case']);

const STATEMENT_WORDS = new Set([
  'if', 'for', 'while', 'do', 'switch', 'try', 'return', 'throw', 'break', 'continue', 'const', 'let', 'var',
  'function', 'class', 'import', 'export', 'debugger', 'with', 'else', 'catch', 'finally', 'case', 'default',
]);

/** Indexes of tokens that begin a top-level statement. */
function statementStarts(toks: Token[]): number[] {
  const starts: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.depth !== 0) continue;
    if (t.type === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}')) continue;
    if (k === 0) { starts.push(k); continue; }
    const prev = toks[k - 1];
    if (prev.depth === 0 && prev.type === 'punct' && prev.text === ';') { starts.push(k); continue; }
    const closesBlock = prev.type === 'punct' && prev.text === '}' && prev.depth === 0;
    if (!t.nl && !closesBlock) continue;
    if (t.type === 'punct' && CONTINUES.has(t.text)) continue;
    if (t.type === 'template') continue;
    if (t.type === 'ident' && CONTINUE_WORDS.has(t.text)) continue;
    if (prev.type === 'punct' && OPEN_ENDED.has(prev.text)) continue;
    if (prev.type === 'ident' && OPEN_ENDED_WORDS.has(prev.text) && prev.depth === 0) continue;
    starts.push(k);
  }
  return starts;
}

/** Binding names in a declaration target (identifier, object or array pattern). */
function bindingNames(toks: Token[], from: number, to: number, out: string[]): void {
  if (from >= to) return;
  const first = toks[from];
  if (first.type === 'ident' && to - from === 1) { out.push(first.text); return; }
  if (first.type !== 'punct' || (first.text !== '{' && first.text !== '[')) return;
  const isObject = first.text === '{';
  const inner = first.depth + 1;
  // Split the pattern's elements at its own commas.
  let k = from + 1;
  const end = to - 1; // the closing bracket
  while (k < end) {
    let e = k;
    while (e < end && !(toks[e].depth === inner && toks[e].type === 'punct' && toks[e].text === ',')) e++;
    element(k, e);
    k = e + 1;
  }

  function element(a: number, b: number) {
    if (a >= b) return; // hole
    if (toks[a].type === 'punct' && toks[a].text === '...') { target(a + 1, b); return; }
    if (isObject) {
      // key: target, or shorthand name (= default)
      let colon = -1;
      for (let j = a; j < b; j++) if (toks[j].depth === inner && toks[j].type === 'punct' && toks[j].text === ':') { colon = j; break; }
      if (colon >= 0) target(colon + 1, b);
      else if (toks[a].type === 'ident') out.push(toks[a].text);
      return;
    }
    target(a, b);
  }
  function target(a: number, b: number) {
    // Strip a default: target = value
    let eq = b;
    for (let j = a; j < b; j++) if (toks[j].depth === inner && toks[j].type === 'punct' && toks[j].text === '=') { eq = j; break; }
    bindingNames(toks, a, eq, out);
  }
}

interface Edit { at: number; text: string; remove?: number }

/** Index one past the last token of the top-level statement that begins at `s`. */
function statementEnd(toks: Token[], starts: number[], s: number): number {
  const next = starts.find((x) => x > s) ?? toks.length;
  let end = next;
  for (let k = s; k < next; k++) if (toks[k].depth === 0 && toks[k].type === 'punct' && toks[k].text === ';') { end = k; break; }
  return end;
}

function isDeclarationStart(toks: Token[], k: number): 'lexical' | 'function' | 'class' | null {
  const t = toks[k];
  if (t.type !== 'ident') return null;
  if (t.text === 'const' || t.text === 'var') return 'lexical';
  if (t.text === 'let') {
    const nx = toks[k + 1];
    if (nx && (nx.type === 'ident' || (nx.type === 'punct' && (nx.text === '[' || nx.text === '{')))) return 'lexical';
    return null;
  }
  if (t.text === 'function') return 'function';
  if (t.text === 'async' && toks[k + 1]?.text === 'function' && !toks[k + 1].nl) return 'function';
  if (t.text === 'class') return 'class';
  return null;
}

/**
 * Rewrites a cell. `canCompile(script)` tells whether a candidate script
 * parses; it guards the completion-value rewrite (the tokenizer's view of
 * statement boundaries is a heuristic, the engine's parser is the truth).
 */
export function transformCell(code: string, canCompile: (script: string) => boolean): TransformedCell {
  const wrap = (body: string, declared: string[]) =>
    `${declared.length ? `var ${declared.join(', ')}; ` : ''}(async () => {${body}\n})`;

  let toks: Token[];
  try {
    toks = tokenize(code);
  } catch (e) {
    if (!(e instanceof ScanError)) throw e;
    // Leave it to the engine to report the syntax error at its real position.
    return { code: wrap(code, []), declared: [], returnsValue: false };
  }
  const starts = statementStarts(toks);
  const declared: string[] = [];
  const fnNames: string[] = [];
  const edits: Edit[] = [];

  for (const s of starts) {
    const kind = isDeclarationStart(toks, s);
    if (!kind) continue;
    const end = statementEnd(toks, starts, s);
    if (kind === 'lexical') {
      // `const a = 1, {b} = o` → `;(a = 1, {b} = o)`; the `;` keeps a previous
      // line without one from swallowing the parenthesis as a call.
      const names: string[] = [];
      let k = s + 1;
      while (k < end) {
        let e = k;
        while (e < end && !(toks[e].depth === 0 && toks[e].type === 'punct' && toks[e].text === ',')) e++;
        let eq = e;
        for (let j = k; j < e; j++) if (toks[j].depth === 0 && toks[j].type === 'punct' && toks[j].text === '=') { eq = j; break; }
        bindingNames(toks, k, eq, names);
        if (eq === e && e > k) edits.push({ at: toks[e - 1].end, text: ' = undefined' });
        k = e + 1;
      }
      if (!names.length) continue;
      declared.push(...names);
      edits.push({ at: toks[s].start, text: ';(', remove: toks[s].end - toks[s].start });
      edits.push({ at: toks[end - 1].end, text: ')' });
    } else if (kind === 'function') {
      const fnIdx = toks[s].text === 'async' ? s + 1 : s;
      let nameIdx = fnIdx + 1;
      if (toks[nameIdx]?.text === '*') nameIdx++;
      const name = toks[nameIdx];
      if (name?.type === 'ident') fnNames.push(name.text);
    } else {
      const name = toks[s + 1];
      if (name?.type !== 'ident' || name.text === 'extends') continue;
      // The class body ends at the first `}` back at depth 0.
      let close = -1;
      for (let j = s + 1; j < toks.length; j++) if (toks[j].depth === 0 && toks[j].text === '}') { close = j; break; }
      if (close < 0) continue;
      declared.push(name.text);
      edits.push({ at: toks[s].start, text: `;(${name.text} = ` });
      edits.push({ at: toks[close].end, text: ');' });
    }
  }

  const apply = (extra: Edit[]) => {
    const all = [...edits, ...extra].sort((a, b) => a.at - b.at);
    let out = '';
    let pos = 0;
    for (const e of all) {
      out += code.slice(pos, e.at) + e.text;
      pos = e.at + (e.remove ?? 0);
    }
    return out + code.slice(pos);
  };
  // Function declarations hoist inside the cell; publish them before any code runs.
  const prologue = fnNames.map((f) => `globalThis.${f} = ${f}; `).join('');
  const uniq = [...new Set(declared)];

  const last = starts[starts.length - 1];
  if (last !== undefined) {
    const t = toks[last];
    const isStatement = (t.type === 'ident' && STATEMENT_WORDS.has(t.text)) ||
      (t.type === 'ident' && t.text === 'async' && toks[last + 1]?.text === 'function') ||
      (t.type === 'punct' && (t.text === '{' || t.text === ';')) ||
      (t.type === 'ident' && toks[last + 1]?.text === ':' && toks[last + 1]?.depth === 0); // label
    if (!isStatement) {
      const end = statementEnd(toks, starts, last);
      if (end > last) {
        const candidate = wrap(prologue + apply([
          { at: t.start, text: 'return (' },
          { at: toks[end - 1].end, text: ')' },
        ]), uniq);
        if (canCompile(candidate)) return { code: candidate, declared: uniq, returnsValue: true };
      }
    }
  }
  return { code: wrap(prologue + apply([]), uniq), declared: uniq, returnsValue: false };
}
