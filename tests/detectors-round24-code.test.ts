// Round 24's blind reviews of held-out code agents (DA-Code on OpenDevin, MINT on Llama-2, InterCode bash on Vicuna):
// what their overstated and false findings claimed, now checked on the real runs (sources and licenses in
// tests/fixtures/real/README.md).
import { describe, expect, it } from 'vitest';
import { byTitle, load } from './helpers/real-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { failureOf } from '../sandbox/detectors/origin.ts';
import { valueOrigin } from '../sandbox/detectors/provenance.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';

const opendevin = async () =>
  (await loadTraces(['tests/fixtures/real/dacode-opendevin/logs'], { outcomes: readOutcomeFiles(['tests/fixtures/real/dacode-opendevin/opendevin_wo_verbose.json']) })).traces;

describe('DA-Code on OpenDevin (round 24)', () => {
  it('a Python warning (scikit-learn\'s ConvergenceWarning) is not a failure: the cell ran on', async () => {
    const traces = await opendevin();
    const run = traces.find((t) => t.traceId.includes('ml-regression-010'))!;
    // tool-9 printed the warning, then the model's accuracy (0.4075).
    expect(failureOf(run, run.spans.find((s) => s.spanId.endsWith(':tool-9'))!)).toBeNull();
    expect(runDetectors(traces).some((f) => /failed to converge/.test(f.title))).toBe(false);
  });

  it('a module is in the workspace only where the run showed it there before the import failed, not after an install', async () => {
    const found = runDetectors(await opendevin());
    // pandas appeared under site-packages only after `pip install pandas` (dm-csv-011, ml-cluster-009, …).
    expect(found.some((f) => /shows in the workspace \(pandas/.test(f.title))).toBe(false);
    expect(byTitle(found, /Python modules missing from the environment \(pandas in 5\d runs/).data!.traceIds).toHaveLength(52);
  });

  it('a NameError for a name an earlier cell bound, after a `%pip install` restarted the kernel, says so', async () => {
    const f = byTitle(runDetectors(await opendevin()), /NameError: name train_data is not defined/);
    // ml-binary-013: `train_data` bound at tool-4, `%pip install scikit-learn` at tool-8 restarted the kernel.
    expect(f.rootCause.statement).toMatch(/^In every failing call the name the code uses was bound by an earlier call to `IPythonRunCellAction` in the run that ran without error \(e\.g\. `train_data`, bound at tool-4\)/);
    expect(f.rootCause.statement).toMatch(/restarted or interrupted the interpreter \(e\.g\. `%pip install scikit-learn` at tool-8\)/);
    expect(f.rootCause.statement).not.toMatch(/incomplete as it ran/);
  });

  it('names the restart nearest the failure that ran, not an install that failed (ml-binary-002: tool-8 failed, tool-9 restarted)', async () => {
    const f = byTitle(runDetectors(await opendevin()), /NameError: name X is not defined/);
    expect(f.rootCause.statement).toMatch(/at tool-9\)/);
  });
});

describe('a NameError in a runner that starts each block afresh stays the code\'s own (Who&When, AG2)', () => {
  it('no restart in between: the name was never the interpreter\'s to keep', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/whowhen-captainagent/runs'])), /NameError: name perform_web_search is not defined/);
    expect(f.rootCause.statement).toMatch(/incomplete as it ran/);
    expect(f.rootCause.statement).not.toMatch(/restarted/);
  });
});

describe('a code runner\'s own time limit is no transient error', () => {
  it('DA-Code gpt-4o and MINT Llama-2: the code ran past the limit; no backoff prescribed', async () => {
    for (const [path, title] of [
      ['tests/fixtures/real/dacode-da-agent/gpt-4o', /^Python: Action execution time exceeded!/],
      ['tests/fixtures/real/mint-gpt4-feedback-llama2-70b-chat', /^execute: TimeoutError: Timed out after/],
    ] as const) {
      const f = byTitle(runDetectors(await load([path])), title);
      expect(f.rootCause.statement).toMatch(/went past the runner's time limit/);
      expect(f.rootCause.statement).not.toMatch(/transient/);
      expect(f.fix.summary).not.toMatch(/backoff/);
      // Round 25 (MINT mbpp:36, mbpp:63: endless loops on tiny inputs): the fix names loops, not only data size.
      expect(f.fix.summary).toMatch(/a loop whose exit is never reached/);
    }
  });
});

describe('InterCode bash on Vicuna (round 24): an earlier error echoing the same path is not where the path came from', () => {
  it('run #15: the glob the model typed, met again in its own earlier error, is still the model\'s', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-vicuna']);
    const run = traces.find((t) => t.traceId.endsWith('#15'))!;
    const third = run.spans.find((s) => s.spanId.endsWith(':tool-3'))!;
    // The task writes it `FooBar`: the call's lower case is said apart (detectors-recased.test.ts).
    expect(valueOrigin(run, third)).toEqual({ value: '/testbed/dir1/*foobar*', source: 'model', recased: { asWritten: 'FooBar', inCall: 'foobar' } });
  });
});

describe('InterCode bash on Vicuna (round 24): a bare OS error names nothing to group runs by', () => {
  it('"No such file or directory" with no subject is told apart by the program that ran, and names no missing value', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/intercode-bash-vicuna']));
    // #1 tool-6 (a stray `+`), #11 (`compress` not installed), #39 (`< {}`), #56 (counts as file names): five causes
    // under one bare message were one finding.
    expect(found.some((f) => f.title === 'execute: No such file or directory')).toBe(false);
    // Round 25: grouped by a pipeline's first program it was false again (`find … | sha256sum`, `wc`, a redirect): a
    // chain's bare error is its own.
    expect(found.some((f) => /^execute: find: No such file or directory/.test(f.title))).toBe(false);
    for (const f of found) expect(f.rootCause.statement).not.toMatch(/the value that was not found \(e\.g\. `find /);
  });
});
