// The YAML that VCR.py cassettes are written in (PyYAML's block style): block
// mappings and sequences, plain, single- and double-quoted scalars folded
// over lines, `|` literal blocks (`!!binary |` for binary bodies, kept as
// their base64 text), `{}` and `[]`, a closing `...`. Not a general YAML parser: anchors,
// flow collections with content and other tags are refused with the line.

type Value = unknown;

export class YamlSubsetError extends Error {
  constructor(line: number, what: string) {
    super(`line ${line + 1}: ${what}`);
    this.name = 'YamlSubsetError';
  }
}

const INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/;

/** A plain scalar as YAML 1.1 (PyYAML) resolves it. */
function resolvePlain(s: string): Value {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (/^(?:true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(s)) return true;
  if (/^(?:false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(s)) return false;
  if (INT.test(s)) return Number(s.replace(/_/g, ''));
  if (FLOAT.test(s) && /[0-9]/.test(s)) return Number(s.replace(/_/g, ''));
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };

class Parser {
  private readonly lines: string[];
  private i = 0;

  constructor(text: string) {
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    // `...` ends the document; only blank lines may follow it.
    const end = lines.indexOf('...');
    if (end !== -1 && lines.slice(end + 1).every((l) => l.trim() === '')) lines.length = end;
    this.lines = lines;
  }

  parse(): Value {
    this.skipBlank();
    if (this.i < this.lines.length && this.lines[this.i]!.trimEnd() === '---') {
      this.i++;
      this.skipBlank();
    }
    if (this.i >= this.lines.length) return null;
    const v = this.node(this.indentOf(this.i), -1);
    this.skipBlank();
    if (this.i < this.lines.length) throw new YamlSubsetError(this.i, 'unexpected content after the document');
    return v;
  }

  private indentOf(n: number): number {
    const l = this.lines[n]!;
    return l.length - l.trimStart().length;
  }

  private skipBlank(): void {
    while (this.i < this.lines.length && /^\s*(?:#.*)?$/.test(this.lines[this.i]!)) this.i++;
  }

  /** A block node whose first line is line `i`, indented `indent`, under a key indented `parentIndent`. */
  private node(indent: number, parentIndent: number): Value {
    const text = this.lines[this.i]!.slice(indent);
    if (text === '-' || text.startsWith('- ')) return this.sequence(indent);
    // A scalar on the lines after its key.
    if (this.keyOf(text) === null) return this.inlineValue(text, parentIndent);
    return this.mapping(indent, null);
  }

  private sequence(indent: number): Value[] {
    const out: Value[] = [];
    for (;;) {
      this.skipBlank();
      if (this.i >= this.lines.length || this.indentOf(this.i) !== indent) break;
      const line = this.lines[this.i]!;
      const text = line.slice(indent);
      if (!(text === '-' || text.startsWith('- '))) break;
      if (text === '-') {
        this.i++;
        this.skipBlank();
        out.push(this.i < this.lines.length && this.indentOf(this.i) > indent ? this.node(this.indentOf(this.i), indent) : null);
        continue;
      }
      // `- key: value` opens a mapping whose keys sit at indent + 2; `- - x` a sequence there.
      const inner = indent + 2 + (text.slice(2).length - text.slice(2).trimStart().length);
      const rest = line.slice(inner);
      if (rest === '-' || rest.startsWith('- ')) {
        this.lines[this.i] = ' '.repeat(inner) + rest;
        out.push(this.sequence(inner));
      } else if (this.keyOf(rest) !== null) out.push(this.mapping(inner, rest));
      else out.push(this.inlineValue(rest, indent));
    }
    return out;
  }

  /** `key: …` at the start of `s`: the key and what follows the colon, else null. */
  private keyOf(s: string): { key: string; rest: string } | null {
    if (s.startsWith("'") || s.startsWith('"')) {
      const q = s[0]!;
      let j = 1;
      let key = '';
      while (j < s.length) {
        const c = s[j]!;
        if (q === "'" && c === "'" && s[j + 1] === "'") {
          key += "'";
          j += 2;
          continue;
        }
        if (q === '"' && c === '\\') {
          key += ESCAPES[s[j + 1]!] ?? s[j + 1];
          j += 2;
          continue;
        }
        if (c === q) break;
        key += c;
        j++;
      }
      const after = s.slice(j + 1);
      if (after === ':' || after.startsWith(': ')) return { key, rest: after.slice(1).trimStart() };
      return null;
    }
    const m = /^([^\s#'"\-?:,[\]{}][^:]*?|-[^\s:][^:]*?):(?: (.*)|)$/.exec(s);
    if (m === null) return null;
    return { key: m[1]!, rest: (m[2] ?? '').trimStart() };
  }

  /** A block mapping at `indent`; `first` is the text of its first line when it opened after `- `. */
  private mapping(indent: number, first: string | null): Record<string, Value> {
    const out: Record<string, Value> = {};
    let text = first;
    for (;;) {
      if (text === null) {
        this.skipBlank();
        if (this.i >= this.lines.length || this.indentOf(this.i) !== indent) break;
        text = this.lines[this.i]!.slice(indent);
        if (text.startsWith('- ') || text === '-') break;
      }
      const kv = this.keyOf(text);
      if (kv === null) throw new YamlSubsetError(this.i, `expected \`key: value\`, found ${JSON.stringify(text.slice(0, 40))}`);
      if (kv.rest === '' || kv.rest.startsWith('#')) {
        this.i++;
        this.skipBlank();
        if (this.i < this.lines.length && this.indentOf(this.i) > indent) out[kv.key] = this.node(this.indentOf(this.i), indent);
        else if (this.i < this.lines.length && this.indentOf(this.i) === indent && /^-(?: |$)/.test(this.lines[this.i]!.slice(indent))) out[kv.key] = this.sequence(indent);
        else out[kv.key] = null;
      } else out[kv.key] = this.inlineValue(kv.rest, indent);
      text = null;
    }
    return out;
  }

  /** The value that starts on line `i` after a key or `- `; consumes its lines. */
  private inlineValue(rest: string, parentIndent: number): Value {
    let r = rest;
    let binary = false;
    if (r.startsWith('!!binary')) {
      binary = true;
      r = r.slice('!!binary'.length).trimStart();
    } else if (r.startsWith('!') || r.startsWith('&') || r.startsWith('*')) throw new YamlSubsetError(this.i, 'tags, anchors and aliases are not read');
    if (r.startsWith('|') || r.startsWith('>')) return this.blockScalar(r, parentIndent, binary);
    if (binary && (r.startsWith('"') || r.startsWith("'"))) return this.quoted(r, r[0] as '"' | "'").replace(/\s+/g, '');
    if (binary) throw new YamlSubsetError(this.i, '`!!binary` without a literal block or a quoted scalar');
    if (r === '{}' || r === '{ }') return this.done({});
    if (r === '[]' || r === '[ ]') return this.done([]);
    if (r.startsWith('{') || r.startsWith('[')) throw new YamlSubsetError(this.i, 'flow collections are not read');
    if (r.startsWith("'")) return this.quoted(r, "'");
    if (r.startsWith('"')) return this.quoted(r, '"');
    return this.plain(r, parentIndent);
  }

  private done<T>(v: T): T {
    this.i++;
    return v;
  }

  private blockScalar(header: string, parentIndent: number, binary: boolean): string {
    const m = /^([|>])([-+]?)([1-9]?)([-+]?)\s*(?:#.*)?$/.exec(header);
    if (m === null) throw new YamlSubsetError(this.i, `bad block scalar header ${JSON.stringify(header)}`);
    const folded = m[1] === '>';
    const chomp = m[2] || m[4];
    this.i++;
    const body: string[] = [];
    let indent = m[3] ? parentIndent + Number(m[3]) : -1;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.trim() === '') {
        body.push('');
        this.i++;
        continue;
      }
      const ind = l.length - l.trimStart().length;
      if (indent === -1) indent = ind;
      if (ind < indent || ind <= parentIndent) break;
      body.push(l.slice(indent));
      this.i++;
    }
    // Trailing blank lines belong to the chomping, not the text.
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    let text = folded ? body.join('\n').replace(/([^\n])\n(?=[^\n ])/g, '$1 ') : body.join('\n');
    if (binary) return text.replace(/\s+/g, '');
    if (body.length === 0) return chomp === '+' ? '\n'.repeat(trailing) : '';
    if (chomp === '-') return text;
    text += '\n';
    if (chomp === '+') text += '\n'.repeat(trailing);
    return text;
  }

  /** A quoted scalar from `start` (its first line's text) over as many lines as it takes. */
  private quoted(start: string, q: "'" | '"'): string {
    // The value line by line: appending to one long string and reading back its
    // end each line would flatten it every time (quadratic on long bodies).
    const parts: string[] = [];
    let out = '';
    let s = start.slice(1);
    let first = true;
    for (;;) {
      let j = 0;
      let joined = false; // the line ended in `\`: an escaped line break
      // Continuation lines lose their indentation (an escaped space `\ ` after it stays).
      if (!first) s = s.replace(/^[ \t]+/, '');
      while (j < s.length) {
        const c = s[j]!;
        if (q === "'" && c === "'") {
          if (s[j + 1] === "'") {
            out += "'";
            j += 2;
            continue;
          }
          return this.closeQuoted(parts.join('') + out, s.slice(j + 1));
        }
        if (q === '"' && c === '"') return this.closeQuoted(parts.join('') + out, s.slice(j + 1));
        if (q === '"' && c === '\\') {
          const e = s[j + 1];
          if (e === undefined) {
            joined = true;
            break;
          }
          if (e === 'x' || e === 'u' || e === 'U') {
            const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
            out += String.fromCodePoint(parseInt(s.slice(j + 2, j + 2 + n), 16));
            j += 2 + n;
            continue;
          }
          const v = ESCAPES[e];
          if (v === undefined) throw new YamlSubsetError(this.i, `unknown escape \\${e}`);
          out += v;
          j += 2;
          continue;
        }
        out += c;
        j++;
      }
      // The line ends inside the scalar: fold onto the next one.
      this.i++;
      if (this.i >= this.lines.length) throw new YamlSubsetError(this.i - 1, 'unterminated quoted scalar');
      if (!joined) {
        parts.push(out);
        out = '';
        // Trailing blanks go, also back across lines that held nothing else.
        while (parts.length > 0) {
          const last = parts[parts.length - 1]!.replace(/[ \t]+$/, '');
          if (last !== '') {
            parts[parts.length - 1] = last;
            break;
          }
          parts.pop();
        }
        let blanks = 0;
        while (this.i < this.lines.length && this.lines[this.i]!.trim() === '') {
          blanks++;
          this.i++;
        }
        if (this.i >= this.lines.length) throw new YamlSubsetError(this.i - 1, 'unterminated quoted scalar');
        parts.push(blanks > 0 ? '\n'.repeat(blanks) : ' ');
      }
      s = this.lines[this.i]!;
      first = false;
    }
  }

  private closeQuoted(value: string, after: string): string {
    if (after.trim() !== '' && !after.trim().startsWith('#')) throw new YamlSubsetError(this.i, `unexpected ${JSON.stringify(after.trim().slice(0, 20))} after a quoted scalar`);
    this.i++;
    return value;
  }

  /** A plain scalar, folded over the more-indented lines that continue it. */
  private plain(start: string, parentIndent: number): Value {
    const parts = [start.replace(/\s+#.*$/, '').trimEnd()];
    this.i++;
    let blanks = 0;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.trim() === '') {
        blanks++;
        this.i++;
        continue;
      }
      if (l.length - l.trimStart().length <= parentIndent) break;
      const t = l.trim();
      if (t.startsWith('#')) break;
      parts.push((blanks > 0 ? '\n'.repeat(blanks) : ' ') + t);
      blanks = 0;
      this.i++;
    }
    const text = parts.join('');
    return parts.length === 1 ? resolvePlain(text) : text;
  }
}

/** Parses a VCR.py cassette (or any YAML document in that subset). */
export function parseVcrYaml(text: string): unknown {
  return new Parser(text).parse();
}
