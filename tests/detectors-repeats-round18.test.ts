// What the round-18 blind review found the re-sent-steps finding missed or misnamed (issue 19), each now a check on the
// real runs: AI Scientist's Aider logs (tests/fixtures/real/ai-scientist-aider) and TapeAgents tapes (tapeagents-tapes).
import { describe, expect, it } from 'vitest';
import { byTitle, load } from './helpers/real-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { repeatedSteps } from '../sandbox/detectors/repeated-steps.ts';
import type { Trace } from '../src/types.ts';

const ids = (t: Trace) => repeatedSteps(t).map((r) => `${r.span.spanId.split(':').pop()}<-${r.repeats.spanId.split(':').pop()}`);

describe('re-sent steps, round 18', () => {
  it('Aider: a reply whose SEARCH/REPLACE block fails to match is judged by the edit it became, and a reply cut off part-way says so', async () => {
    const traces = await load(['tests/fixtures/real/ai-scientist-aider/logs']);
    const run = (name: string) => traces.find((t) => t.traceId.includes(name))!;
    // Replies 21–23 send the same \section{Results} SEARCH block again, each a SearchReplaceNoExactMatch. The reply's
    // code is its action; no enclosing step fails, the edit it emitted does.
    expect(ids(run('032548_layerwise_lr_grokking'))).toEqual(expect.arrayContaining(['llm-20<-llm-19', 'llm-21<-llm-20', 'llm-22<-llm-21']));
    // The cited run: the three replies cut off at 4092 output tokens, and five more (replies 36–37, 42–44).
    expect(ids(run('205208_weight_initialization'))).toEqual(['llm-20<-llm-19', 'llm-21<-llm-20', 'llm-22<-llm-21', 'llm-35<-llm-34', 'llm-36<-llm-35', 'llm-41<-llm-40', 'llm-42<-llm-41', 'llm-43<-llm-42']);
    const f = byTitle(runDetectors(traces), /^aider re-sends a failed step nearly unchanged/);
    // 55, not 63: each reply now carries the requests it was sent, so a repeat across a new request (Aider said "Only 3
    // reflections allowed, stopping." and the next request came in) is not one (round 20).
    expect(f.summary).toMatch(/^In 9 of 10 traces .*\(55 such steps\)/);
    // Those three replies end inside a code block never closed, at 4092 output tokens: the cause says so, and the
    // limit, which the log does not record, is not named as if it were.
    expect(f.rootCause.statement).toMatch(/In 3 of the 55 steps \(aider:20240731_205208_weight_initialization_grokking_aider\.txt\) the reply and the one it copies stop part-way through their code \(the last code block is never closed\) after 4092 output tokens each/);
    expect(f.rootCause.statement).toMatch(/the run does not record the output limit its requests set/);
    expect(f.fix.summary).toMatch(/raise the output limit or have the model send smaller actions/);
  });

  it('a ChatDev test run the harness starts after a reply is not the reply\'s code failing', async () => {
    // The reply's code fails only by the calls it emitted: ChatDev's own test runs after each reply are the harness's.
    const traces = await load(['tests/fixtures/real/chatdev-warehouse/logs']);
    expect(traces.flatMap((t) => repeatedSteps(t))).toEqual([]);
  });

  it('TapeAgents: a reflection between two actions does not move the look-back, so two failing calls sent in turn are each a re-send', async () => {
    const traces = await load(['tests/fixtures/real/tapeagents-tapes/tapes']);
    const run = traces.find((t) => t.traceId.includes('014aa1a9'))!;
    // select_option a348 "Walk-in" and a394 "2 - Medium", alternately, 13 TimeoutErrors in a row (tool-6 … tool-18),
    // each act call after a reflect call: 11 re-sends of a call that had already failed.
    expect(ids(run)).toEqual(['llm-18<-llm-14', 'llm-20<-llm-16', 'llm-22<-llm-18', 'llm-24<-llm-20', 'llm-26<-llm-22', 'llm-28<-llm-24', 'llm-30<-llm-26', 'llm-32<-llm-28', 'llm-34<-llm-30', 'llm-36<-llm-34', 'llm-38<-llm-36']);
    const f = byTitle(runDetectors(traces), /^WorkArenaAgent re-sends a failed step nearly unchanged/);
    expect(f.summary).toMatch(/\(11 such steps\)/);
  });

  it('Moatless: the repeats are named for the state whose model sent them, and a run that stopped at the third refusal is not told to stop', async () => {
    const traces = await load(['tests/fixtures/real/moatless-swe-bench-lite/trajs']);
    const found = runDetectors(traces);
    // AgenticLoop is the run; EditCode's model sent the same edit three times ("The code in the replace tag is the same as in the search").
    expect(found.filter((f) => /^AgenticLoop re-sends a failed step/.test(f.title))).toEqual([]);
    const f = byTitle(found, /^EditCode re-sends a failed step nearly unchanged/);
    expect(f.data!.agent).toBe('EditCode');
    expect(f.summary).toMatch(/^In 3 of 57 traces \(5\.3%\) of agent EditCode,.*\(6 such steps\)/);
    // Each run ends with the third failing EditCode call: nothing after it to stop.
    const run = traces.find((t) => t.traceId.endsWith('psf__requests-2674'))!;
    expect(ids(run)).toEqual(['llm-19<-llm-18', 'llm-20<-llm-19']);
    expect(run.spans.at(-1)!.spanId.endsWith(':tool-20')).toBe(true);
    expect(f.fix.summary).not.toMatch(/stop the run/);
    expect(f.fix.summary).toMatch(/each of these runs already ended right after its last repeat, by the third attempt at the same action/);
    // TapeAgents 014aa1a9 also ended right after its last repeat, but after 13 attempts: stopping at the third is still the fix.
    const tape = byTitle(runDetectors(await load(['tests/fixtures/real/tapeagents-tapes/tapes'])), /^WorkArenaAgent re-sends a failed step/);
    expect(tape.fix.summary).toMatch(/stop the run \(or escalate\) when the same action fails a third time/);
  });
});
