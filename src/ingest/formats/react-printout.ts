// ReAct runs as the ReAct paper's notebooks print them (ysymyth/ReAct), parsed
// out of a cell's printed text. Two layouts:
//
// - Question runs (HotpotQA, FEVER: `webthink`): `<index> Claim: …` (or
//   `Question: …`), then numbered `Thought n:` / `Action n:` / `Observation n:`
//   fields (a field runs on over the lines that follow it), then the
//   environment's info as a Python dict (`{'steps': 2, 'answer': …, 'em': 1,
//   'reward': 1, …}`), a running-total line and a rule. When the model's reply
//   held no `Action n:`, the notebook printed `ohh... <reply>` and asked the
//   model again for the action alone: that reply runs on up to the step's
//   `Thought n:` line.
// - WebShop runs (`webshop_run`): a rule, the episode's index alone on a line,
//   then `Action: …` / `Observation: …` pairs (the first action, `reset`, is
//   the harness's, its observation the instruction page), then
//   `<episodes> <mean reward> <success rate> <failure rate>` and a rule. The
//   episode's reward is the environment's `Your score (min 0.0, max 1.0): x`;
//   an episode that ran out of steps has none, and the harness counted it 0,
//   which the running mean records.

import { parsePythonLiteral } from '../python-literal.ts';
import { isObject } from '../values.ts';

export type Dict = Record<string, unknown>;

export interface PrintedStep {
  thought: string | null;
  action: string | null;
  observation: string | null;
  /** A reply the notebook could not split into thought and action (`ohh...`), before it asked for the action alone. */
  unparsed: string | null;
}

export interface PrintedRun {
  layout: 'question' | 'webshop';
  /** The task's index as printed (`3687` for a FEVER claim, `fixed_12` for WebShop episode 12). */
  taskId: string;
  /** The claim or question, or the instruction page. */
  task: string;
  steps: PrintedStep[];
  /** The environment's info dict (question runs). */
  info: Dict | null;
  /** The episode's reward: the environment's score, else what the running mean says the harness counted. */
  reward: number | null;
  rewardFrom: 'info' | 'score' | 'running mean' | null;
}

const QUESTION_OPEN = /^(\d+) ((?:Claim|Question): .*)$/;
const FIELD = /^(Thought|Action|Observation) (\d+): ?(.*)$/;
const UNPARSED = /^ohh\.\.\. ?(.*)$/;
const INFO = /^\{'steps': .*\}\s*$/;
const RULE = /^-{5,}\s*$/;
const EPISODE_INDEX = /^(\d+)\s*$/;
const WEBSHOP_FIELD = /^(Action|Observation): ?(.*)$/;
// `<episodes> <mean reward> <success rate> <failure rate>`: numbers only, so no page text passes for it.
const NUM = String.raw`\d+(?:\.\d+)?(?:e-?\d+)?`;
const RUNNING_TOTALS = new RegExp(`^(\\d+) (${NUM}) ${NUM} ${NUM}\\s*$`);
const SCORE = /^Your score \(min [\d.]+, max [\d.]+\): ([\d.]+)/;

type Open = { step: PrintedStep; key: 'thought' | 'action' | 'observation' | 'unparsed' } | null;

const append = (prev: string | null, line: string): string => (prev === null ? line : `${prev}\n${line}`);

/** Every ReAct run printed in `text`, in order. */
export function parsePrintedRuns(text: string): PrintedRun[] {
  const runs: PrintedRun[] = [];
  let run: PrintedRun | null = null;
  let open: Open = null;
  let afterRule = false;
  // WebShop's running mean, to recover the reward of an episode with no score.
  let mean: { n: number; value: number } | null = null;
  const close = () => {
    if (run !== null) runs.push(run);
    run = null;
    open = null;
  };
  for (const line of text.split(/\r?\n/)) {
    let m: RegExpExecArray | null;
    const wasAfterRule = afterRule;
    afterRule = false;
    if (RULE.test(line)) {
      close();
      afterRule = true;
    } else if (wasAfterRule && (m = EPISODE_INDEX.exec(line)) !== null) {
      run = { layout: 'webshop', taskId: `fixed_${m[1]}`, task: '', steps: [], info: null, reward: null, rewardFrom: null };
    } else if ((m = QUESTION_OPEN.exec(line)) !== null && (run === null || (run as PrintedRun).layout === 'question')) {
      close();
      run = { layout: 'question', taskId: m[1]!, task: m[2]!, steps: [], info: null, reward: null, rewardFrom: null };
    } else if (run === null) {
      continue;
    } else if ((run as PrintedRun).layout === 'question') {
      open = questionLine(run, open, line);
    } else if ((m = RUNNING_TOTALS.exec(line)) !== null && open?.key === 'observation') {
      const r = run as PrintedRun;
      const n = Number(m[1]);
      const value = Number(m[2]);
      if (r.reward === null && Number.isFinite(value)) {
        const before = mean !== null && mean.n === n - 1 ? mean.n * mean.value : n === 1 ? 0 : null;
        if (before !== null) {
          r.reward = Math.round((n * value - before) * 1e9) / 1e9;
          r.rewardFrom = 'running mean';
        }
      }
      mean = { n, value };
      close();
    } else {
      open = webshopLine(run, open, line);
    }
  }
  close();
  // A rule then a number alone, with no action after it, is some other printout.
  return runs.filter((r) => r.steps.length > 0);
}

function questionLine(run: PrintedRun, open: Open, line: string): Open {
  let m: RegExpExecArray | null;
  if (open?.key === 'unparsed' && !/^Thought \d+: /.test(line)) {
    open.step.unparsed = append(open.step.unparsed, line);
    return open;
  }
  if ((m = UNPARSED.exec(line)) !== null) {
    const step: PrintedStep = { thought: null, action: null, observation: null, unparsed: m[1]! };
    run.steps.push(step);
    return { step, key: 'unparsed' };
  }
  if ((m = FIELD.exec(line)) !== null) {
    const key = m[1]!.toLowerCase() as 'thought' | 'action' | 'observation';
    let step = run.steps[run.steps.length - 1];
    // A new step starts at its thought, unless the step holding the unparsed reply is still waiting for it.
    if (step === undefined || (key === 'thought' && (step.thought !== null || step.action !== null))) run.steps.push((step = { thought: null, action: null, observation: null, unparsed: null }));
    step[key] = m[3]!;
    return { step, key };
  }
  if (INFO.test(line)) {
    const info = parsePythonLiteral(line.trim());
    if (isObject(info)) {
      run.info = info;
      if (typeof info.reward === 'number') {
        run.reward = info.reward;
        run.rewardFrom = 'info';
      }
    }
    return null;
  }
  if (open !== null) open.step[open.key] = append(open.step[open.key], line);
  return open;
}

function webshopLine(run: PrintedRun, open: Open, line: string): Open {
  const m = WEBSHOP_FIELD.exec(line);
  if (m === null) {
    if (open !== null) open.step[open.key] = append(open.step[open.key], line);
    return open;
  }
  if (m[1] === 'Action') {
    const step: PrintedStep = { thought: null, action: m[2]!, observation: null, unparsed: null };
    run.steps.push(step);
    return { step, key: 'action' };
  }
  const step = run.steps[run.steps.length - 1];
  if (step === undefined) return open;
  step.observation = m[2]!;
  const score = SCORE.exec(m[2]!);
  if (score !== null) {
    run.reward = Number(score[1]);
    run.rewardFrom = 'score';
  }
  return { step, key: 'observation' };
}
