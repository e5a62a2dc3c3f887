// Reading labels for `halo eval`, from three shapes (sniffed per file):
//   - the documented JSONL format: one LabelLine per labelled error, or per
//     failed run (traceId only);
//   - TRAIL annotation files: {trace_id, errors:[{category, location, …}]};
//   - Who&When run files: {question_ID, history:[…], mistake_agent, mistake_step}.
// Who&When files carry no trace id, only the task and the chat; such labels
// hold `taskId` and `turns` and are matched to a loaded trace later.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { LabelLine } from './labels.ts';
import { InputError } from '../errors.ts';

export interface Label {
  /** Unset until matched, for Who&When labels. */
  traceId?: string;
  spanId?: string;
  agent?: string;
  step?: number;
  category?: string;
  reason?: string;
  /** Who&When: the task and the chat length, to find the trace. */
  taskId?: string;
  turns?: number;
  /** Where the label came from: file and line. */
  source: string;
}

/** Labels or findings that cannot be read: the CLI exits 2 with file and line. */
export class LabelError extends InputError {
  constructor(message: string) {
    super(message, { code: 'eval.bad_input' });
    this.name = 'LabelError';
  }
}

// Some TRAIL annotation files carry no `trace_id`; their file is named after the trace.
const TrailFile = z.object({
  trace_id: z.string().min(1).optional(),
  errors: z.array(z.object({ category: z.string().optional(), location: z.string().optional(), description: z.string().optional() }).passthrough()),
});

const WhoWhenFile = z
  .object({
    history: z.array(z.unknown()),
    mistake_agent: z.string().optional(),
    mistake_step: z.union([z.string(), z.number()]).optional(),
    mistake_reason: z.string().optional(),
    question_ID: z.string().optional(),
    question_id: z.string().optional(),
    task_id: z.string().optional(),
  })
  .passthrough();

function filesUnder(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.(jsonl?|ndjson)$/.test(f))
    .sort()
    .flatMap((f) => filesUnder(join(path, f)));
}

/** The first problem zod found, as `path: message`. */
export function issue(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `${i.path.join('.') || '(root)'}: ${i.message}`;
}

/** Each non-blank line of a JSONL file checked against `schema`; the first bad one is an error naming file and line. */
export function parseJsonLines<T>(file: string, text: string, schema: z.ZodType<T>, what: string): { data: T; line: number }[] {
  const out: { data: T; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new LabelError(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new LabelError(`${file}:${i + 1}: not ${what} (${issue(parsed.error)})`);
    out.push({ data: parsed.data, line: i + 1 });
  });
  return out;
}

function fromJsonl(file: string, text: string): Label[] {
  return parseJsonLines(file, text, LabelLine, 'a label line').map(({ data, line }) => ({ ...data, source: `${file}:${line}` }));
}

/** A TRAIL file's `trace_id`, else its file name without `.json` (`<trace_id>.json`). */
function trailTraceId(file: string, data: { trace_id?: string }): string {
  const id = data.trace_id ?? basename(file).replace(/\.json$/i, '');
  if (!id) throw new LabelError(`${file}: TRAIL annotations without trace_id, and the file name names no trace`);
  return id;
}

function fromDocument(file: string, raw: unknown): Label[] {
  const trail = TrailFile.safeParse(raw);
  if (trail.success) {
    const traceId = trailTraceId(file, trail.data);
    return trail.data.errors.map((e, i) => ({
      traceId,
      ...(e.location ? { spanId: e.location } : {}),
      ...(e.category ? { category: e.category } : {}),
      ...(e.description ? { reason: e.description } : {}),
      source: `${file}#errors[${i}]`,
    }));
  }
  const ww = WhoWhenFile.safeParse(raw);
  if (ww.success && ww.data.mistake_agent !== undefined) {
    const step = Number(ww.data.mistake_step);
    const taskId = ww.data.question_ID ?? ww.data.question_id ?? ww.data.task_id;
    return [
      {
        agent: ww.data.mistake_agent,
        ...(Number.isInteger(step) && step >= 0 ? { step } : {}),
        ...(ww.data.mistake_reason ? { reason: ww.data.mistake_reason } : {}),
        ...(taskId ? { taskId } : {}),
        turns: ww.data.history.length,
        source: file,
      },
    ];
  }
  throw new LabelError(`${file}: not a label file: expected TRAIL annotations {trace_id, errors[]} or a Who&When run {history, mistake_agent, mistake_step}`);
}

export interface LabelSet {
  labels: Label[];
  /** Runs labelled as having no error (a TRAIL file with an empty error list). */
  clean: string[];
}

/** Every label under the given files or folders. */
export function readLabels(paths: string[]): LabelSet {
  const out: Label[] = [];
  const clean: string[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files = filesUnder(p);
    } catch (e) {
      throw new LabelError(`cannot read labels at ${p}: ${(e as Error).message}`);
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (/\.(jsonl|ndjson)$/.test(file)) {
        out.push(...fromJsonl(file, text));
        continue;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw new LabelError(`${file}: not JSON (${(e as Error).message})`);
      }
      const labels = fromDocument(file, raw);
      const trail = labels.length === 0 ? TrailFile.safeParse(raw) : null;
      if (trail?.success) clean.push(trailTraceId(file, trail.data));
      out.push(...labels);
    }
  }
  return { labels: out, clean };
}
