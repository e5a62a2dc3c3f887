// Splits a JSON document — one top-level array, or a sequence of top-level
// values — into the source text of each element, streaming over string
// chunks. Each element then goes through JSON.parse on its own, so a corrupt
// element is reported at its index and every other element is kept (a token
// parser stops at the first error and drops whatever it had buffered), and
// the scan runs several times faster than a token parser. Pure.

export interface ElementSink {
  /** One element's JSON text on a single line (line breaks outside strings became spaces). */
  element(text: string, index: number): void;
  /** An element that is bad on its face (e.g. a line break inside a string). */
  bad(index: number, reason: string): void;
  /** A problem with the document around the elements (text after the array, ...). */
  warn(message: string): void;
}

const enum C {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Comma = 44,
  Backslash = 92,
  OpenBracket = 91,
  CloseBracket = 93,
  OpenBrace = 123,
  CloseBrace = 125,
}

const isSpace = (c: number) => c === C.Space || c === C.LF || c === C.CR || c === C.Tab || c === 0xfeff;

export class ElementSplitter {
  /** Nesting depth inside the current element (0 = between elements). */
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Inside the top-level array (array mode), between or within elements. */
  private inArray = false;
  private parts: string[] = [];
  private inElement = false;
  private newlines = false;
  private brokenString = false;
  private index = 0;
  private trailing = false;

  constructor(
    private readonly mode: 'array' | 'values',
    private readonly sink: ElementSink,
  ) {}

  /** Elements emitted (or reported bad) so far. */
  get count(): number {
    return this.index;
  }

  push(text: string): void {
    const len = text.length;
    let start = this.inElement ? 0 : -1;
    // Next line break positions, found lazily (-2 = not searched yet, -1 = none left).
    let lf = -2;
    let cr = -2;
    for (let i = 0; i < len; i++) {
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          continue;
        }
        // Most of a trace is string content: jump to the next quote instead of
        // visiting every character, then decide whether it is escaped.
        const q = text.indexOf('"', i);
        const end = q === -1 ? len : q;
        if (!this.brokenString) {
          if (lf !== -1 && lf < i) lf = text.indexOf('\n', i);
          if (cr !== -1 && cr < i) cr = text.indexOf('\r', i);
          if ((lf !== -1 && lf < end) || (cr !== -1 && cr < end)) this.brokenString = true;
        }
        let backslashes = 0;
        for (let k = end - 1; k >= i && text.charCodeAt(k) === C.Backslash; k--) backslashes++;
        if (q === -1) {
          this.escape = backslashes % 2 === 1;
          break;
        }
        if (backslashes % 2 === 0) this.inString = false;
        i = q;
        continue;
      }
      const c = text.charCodeAt(i);
      if (!this.inElement) {
        if (isSpace(c)) continue;
        if (this.mode === 'array' && !this.inArray) {
          if (c === C.OpenBracket) {
            this.inArray = true;
            continue;
          }
          if (!this.trailing) this.sink.warn(`unexpected text after the JSON array (after element ${this.index - 1}); ignored`);
          this.trailing = true;
          return;
        }
        if (this.mode === 'array' && c === C.CloseBracket) {
          // `[]`, or the end after a trailing comma (tolerated).
          this.inArray = false;
          continue;
        }
        if (this.mode === 'array' && c === C.Comma) {
          this.sink.bad(this.index++, 'invalid JSON: empty array element');
          continue;
        }
        this.inElement = true;
        start = i;
      }
      switch (c) {
        case C.Quote:
          this.inString = true;
          break;
        case C.OpenBrace:
        case C.OpenBracket:
          this.depth++;
          break;
        case C.CloseBrace:
        case C.CloseBracket:
          if (this.depth > 0) {
            this.depth--;
            if (this.depth === 0 && this.mode === 'values') {
              this.end(text, start, i + 1);
              start = -1;
            }
            break;
          }
          // A `]` at depth 0 closes the array (array mode) and ends the element.
          if (this.mode === 'array' && c === C.CloseBracket) {
            this.end(text, start, i);
            start = -1;
            this.inArray = false;
          }
          break;
        case C.Comma:
          if (this.depth === 0 && this.mode === 'array') {
            this.end(text, start, i);
            start = -1;
          }
          break;
        case C.LF:
        case C.CR:
          this.newlines = true;
          break;
        default:
          // A top-level primitive in values mode ends at whitespace.
          if (this.mode === 'values' && this.depth === 0 && isSpace(text.charCodeAt(i + 1))) {
            this.end(text, start, i + 1);
            start = -1;
          }
      }
    }
    if (this.inElement && start >= 0) this.parts.push(text.slice(start));
  }

  /** Call at the end of input: reports an element or array cut short. */
  finish(): void {
    if (this.inElement) {
      if (this.depth > 0 || this.inString) {
        this.sink.bad(this.index++, 'invalid JSON: the document ends inside this element (truncated file?)');
        this.reset();
      } else {
        this.end('', 0, 0);
      }
    }
    if (this.mode === 'array' && this.inArray) this.sink.warn('the JSON array is not closed (truncated file?)');
  }

  private end(text: string, start: number, stop: number): void {
    this.parts.push(text.slice(start, stop));
    let element = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    if (this.brokenString) this.sink.bad(this.index++, 'invalid JSON: a line break inside a string');
    else {
      // Outside strings, line breaks are only whitespace.
      if (this.newlines) element = element.replace(/[\r\n]+/g, ' ');
      element = element.trimEnd();
      if (element.length === 0) this.sink.bad(this.index++, 'invalid JSON: empty array element');
      else this.sink.element(element, this.index++);
    }
    this.reset();
  }

  private reset(): void {
    this.parts = [];
    this.inElement = false;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.newlines = false;
    this.brokenString = false;
  }
}
