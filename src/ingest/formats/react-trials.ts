// ReAct runs as Reflexion's HotpotQA trial logs keep them (plain text, many
// runs a file): each trial opens with `BEGIN TRIAL <n>` and its summary, then
// sections of CORRECT, INCORRECT and HALTED agents; each run there is
// `Question: …`, numbered `Thought n:` / `Action n:` / `Observation n:` lines
// (a field runs on over the lines that follow it), then `Correct answer: …`.
//
// A run is the question (user), each step's thought with its action as a tool
// call (`Search[Nick Park]` → tool `Search`, arguments `{entity}`; `Lookup` →
// `{keyword}`, `Finish` → `{answer}`, any other name → `{input}`, the raw
// action kept) and the observation as its result. The section is the outcome:
// CORRECT a success, INCORRECT and HALTED (the agent ran out of steps) a
// failure, labelled so; the reference answer is kept on the run. Reflexion
// lists a run that both halted and missed under INCORRECT and again under
// HALTED: one run, labelled with both. The logs record no model and no times
// (one second per message, said).
//
// In a Reflexion trial after the first, a question the agent failed before
// carries Reflexion's header (`… You have attempted to answer following
// question before and failed. …`) and a `Reflections:` block, the reflections
// written after the failed attempts: the user turn keeps them as the log has
// them, the task is the question alone (so the attempts of one question are
// one task), and the block is kept on the run. A reflection may run over
// several `- ` lines, so the block is not counted into reflections.
import type { Message } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { wideHash, type RecordSource } from '../identity.ts';
import { REACT_TRIALS_KEY } from '../text-logs.ts';
import { str } from '../values.ts';
import { RecordError, type InputFormat } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';
import { WIKI_ARGUMENTS, parseAction } from './react-actions.ts';
import { packedActions, resultTurn } from './wiki-env.ts';

type Dict = Record<string, unknown>;
type Section = 'correct' | 'incorrect' | 'halted';

interface Step {
  n: number;
  thought: string | null;
  action: string | null;
  observation: string | null;
}

interface Run {
  trial: number;
  index: number;
  sections: Section[];
  question: string;
  steps: Step[];
  answer: string | null;
}

const TRIAL = /^BEGIN TRIAL (\d+)\s*$/;
const SECTION = /^-+ BEGIN (CORRECT|INCORRECT|HALTED) AGENTS -+\s*$/;
const FIELD = /^(Thought|Action|Observation) (\d+): ?(.*)$/;
const REFLEXION_HEADER = 'You have attempted to answer following question before and failed.';

// The question as asked, and the reflections Reflexion put after it (null when none).
function splitQuestion(text: string): { question: string; reflections: string | null } {
  const at = text.indexOf(REFLEXION_HEADER);
  if (at < 0) return { question: text.trim(), reflections: null };
  const block = /\nReflections:\n([\s\S]*)$/.exec(text.slice(at));
  return { question: text.slice(0, at).trim(), reflections: block === null ? null : block[1]!.trim() };
}

function parse(text: string): Run[] {
  const runs: Run[] = [];
  let trial = 0;
  let section: Section | null = null;
  let run: Run | null = null;
  // The field the next unlabelled line continues.
  let open: { step: Step; key: 'thought' | 'action' | 'observation' } | { run: Run; key: 'question' | 'answer' } | null = null;
  const close = () => {
    if (run !== null) runs.push(run);
    run = null;
    open = null;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw;
    let m: RegExpExecArray | null;
    if ((m = TRIAL.exec(line)) !== null) {
      close();
      trial = Number(m[1]);
      section = null;
    } else if ((m = SECTION.exec(line)) !== null) {
      close();
      section = m[1]!.toLowerCase() as Section;
    } else if (/^#{8,}\s*$/.test(line) || /^Trial summary: /.test(line)) {
      close();
    } else if (line.startsWith('Question: ') && section !== null) {
      close();
      const r: Run = { trial, index: runs.length, sections: [section], question: line.slice('Question: '.length), steps: [], answer: null };
      run = r;
      open = { run: r, key: 'question' };
    } else if (run !== null && (m = FIELD.exec(line)) !== null) {
      const r: Run = run;
      const n = Number(m[2]);
      let step = r.steps[r.steps.length - 1];
      if (step === undefined || step.n !== n) r.steps.push((step = { n, thought: null, action: null, observation: null }));
      const key = m[1]!.toLowerCase() as 'thought' | 'action' | 'observation';
      step[key] = m[3]!;
      open = { step, key };
    } else if (run !== null && line.startsWith('Correct answer: ')) {
      const r: Run = run;
      r.answer = line.slice('Correct answer: '.length);
      open = { run: r, key: 'answer' };
    } else if (open !== null) {
      const o = open as { step: Step; key: 'thought' | 'action' | 'observation' } | { run: Run; key: 'question' | 'answer' };
      if ('step' in o) o.step[o.key] = `${o.step[o.key] ?? ''}\n${line}`;
      else o.run[o.key] = `${o.run[o.key] ?? ''}\n${line}`;
    }
  }
  close();
  // The same run listed under a second section is one run with both labels.
  const seen = new Map<string, Run>();
  const out: Run[] = [];
  for (const r of runs) {
    const key = JSON.stringify([r.trial, r.question, r.steps, r.answer?.trim()]);
    const first = seen.get(key);
    if (first !== undefined) first.sections.push(...r.sections);
    else {
      seen.set(key, r);
      out.push(r);
    }
  }
  return out;
}

function turnsOf(run: Run, traceId: string): Turn[] {
  const turns: Turn[] = [{ message: { role: 'user', content: run.question.trim() } }];
  for (const s of run.steps) {
    const message: Message = { role: 'assistant', content: (s.thought ?? '').trim() };
    if (s.action !== null) {
      const a = parseAction(s.action, WIKI_ARGUMENTS);
      const id = `${traceId}:step-${s.n}`;
      message.toolCalls = [{ id, name: a.name, arguments: a.args }];
      turns.push({ message, rawArguments: [s.action.trim()] });
      if (s.observation !== null) {
        const result = resultTurn(s.observation, s.observation.trimEnd(), id);
        if (result.failed) {
          const packed = packedActions(s.action);
          if (packed !== null) result.attributes = { 'halo.action_unparsed': packed };
        }
        turns.push(result);
      }
    } else turns.push({ message });
  }
  return turns;
}

export function normalizeReactTrials(r: Dict, at?: RecordSource) {
  const text = str(r[REACT_TRIALS_KEY]);
  if (text === null) throw new RecordError(`ReAct trial log record has no \`${REACT_TRIALS_KEY}\` text`);
  const runs = parse(text);
  if (runs.length === 0) throw new RecordError('ReAct trial log holds no run (no `Question:` under a CORRECT, INCORRECT or HALTED section)');
  const file = at?.file ?? wideHash(text);
  return runs.flatMap((run) => {
    const { question, reflections } = splitQuestion(run.question);
    // Within one log a question recurs once per trial: the trial and its place in the log tell runs apart.
    const traceId = `react:${file}:trial-${run.trial}:${run.index}`;
    return buildConversation({
      traceId,
      turns: turnsOf(run, traceId),
      agentName: 'ReAct',
      model: null,
      taskId: question,
      trial: run.trial,
      outcome: outcomeFrom(run.sections.every((x) => x === 'correct'), undefined, run.sections.join('+')),
      attributes: {
        'react.section': run.sections.join('+'),
        ...(run.answer !== null ? { 'react.correct_answer': run.answer.trim() } : {}),
        ...(reflections !== null ? { 'react.reflections': reflections } : {}),
      },
    });
  });
}

export const reactTrials: InputFormat = {
  name: 'react-trials',
  sniff: (r) => typeof r[REACT_TRIALS_KEY] === 'string',
  normalize: (r, _pool, at) => ({ format: 'react-trials', spans: normalizeReactTrials(r, at), wholeTrace: true }),
};
