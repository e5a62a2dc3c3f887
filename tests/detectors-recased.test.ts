// A value the model's call is the first to hold, which the task does write in other letter case (`FooBar` where the
// call has `foobar`): said as checked. Review rounds 37 (InterCode bash StarChat and Vicuna) found the lower-cased
// names, which the not-found finding only called values with no source.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('values the task writes in other letter case', () => {
  it('says so, with both spellings, where every failing value has a part the task writes otherwise', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/intercode-bash-vicuna'])), /^execute: cp: cannot stat/);
    expect(f.rootCause.statement).toMatch(/The task does write a part of each in other letter case \(e\.g\. `FooBar` where the call has `foobar`\)\.$/);
    expect(f.fix.summary).toMatch(/use names exactly as the task writes them \(letter case included\)/);
  }, 120_000);

  it('counts the ones it holds for, and keeps the general fix, where not all do', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/intercode-bash-davinci003'])), /^execute: cp: cannot stat/);
    expect(f.rootCause.statement).toMatch(/The task does write a part of 2 of them in other letter case/);
    expect(f.fix.summary).toMatch(/^Have the agent look such values up with a tool/);
  }, 120_000);
});
