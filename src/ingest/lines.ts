// Newline splitting for JSONL. indexOf over whole strings is several times
// faster than a regex split or a char loop, and slicing keeps V8 from copying
// until a line is used. Pure: bundled into the isolate as well.

/** Receives one line (without its `\n` or `\r\n`) and its 1-based number. */
export type LineHandler = (line: string, lineNo: number) => void;

const CR = 13;

/**
 * Calls `onLine` for each line of `text`, numbering from `firstLine`. A final
 * line without a trailing newline still counts; a trailing newline does not
 * start an empty line. Returns the number the next line would get.
 */
export function forEachLine(text: string, firstLine: number, onLine: LineHandler): number {
  const len = text.length;
  let lineNo = firstLine;
  let start = 0;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    onLine(text.slice(start, stop), lineNo++);
    start = end + 1;
  }
  return lineNo;
}

/**
 * Splits a stream of string chunks into lines, carrying a partial line from
 * one chunk to the next (including a `\r` whose `\n` arrives in the next chunk).
 */
export class LineSplitter {
  private rest = '';
  private lineNo: number;

  constructor(
    private readonly onLine: LineHandler,
    firstLine = 1,
  ) {
    this.lineNo = firstLine;
  }

  /** Number the next emitted line will get. */
  get nextLine(): number {
    return this.lineNo;
  }

  /** Characters held back while waiting for the end of the current line. */
  get pending(): number {
    return this.rest.length;
  }

  push(chunk: string): void {
    const last = chunk.lastIndexOf('\n');
    if (last === -1) {
      this.rest += chunk;
      return;
    }
    const first = chunk.indexOf('\n');
    if (this.rest.length > 0) {
      this.emit(this.rest + chunk.slice(0, first));
      this.rest = '';
    } else {
      this.emit(chunk.slice(0, first));
    }
    // The slice keeps its final newline so an empty last line is still counted.
    if (last > first) this.lineNo = forEachLine(chunk.slice(first + 1, last + 1), this.lineNo, this.onLine);
    this.rest = chunk.slice(last + 1);
  }

  /** Emits the last line if the input did not end with a newline. */
  end(): void {
    if (this.rest.length > 0) {
      const line = this.rest;
      this.rest = '';
      this.emit(line);
    }
  }

  private emit(line: string): void {
    const n = line.length;
    this.onLine(n > 0 && line.charCodeAt(n - 1) === CR ? line.slice(0, n - 1) : line, this.lineNo++);
  }
}
