// Review round 42 (this session's fixes judged blind: 3 true, 6 overstated of 9): what each overstatement needed.
import { describe, expect, it } from 'vitest';
import { stageFailure } from '../sandbox/detectors/program-lines.ts';
import { failureLine } from '../sandbox/detectors/error-text.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('a pipeline whose last stage exited 0', () => {
  it('failed where an earlier stage printed its error (Vicuna #53 tool-0: find | sort, marked valid)', () => {
    const out = "find: paths must precede expression: `boot'\nfind: possible unquoted pattern after predicate `-name'?\n";
    expect(stageFailure(out, 'find /testbed -type f -name "*$1" | sort -u')).toBe("find: paths must precede expression: `boot'");
  });

  it('is not read so for the last stage\'s own lines, a single command, or the shell\'s', () => {
    expect(stageFailure('sort: cannot read: x: No such file or directory', 'cat a | sort x')).toBeNull();
    expect(stageFailure('find: paths must precede expression', 'find . -name *.py')).toBeNull();
    expect(stageFailure('bash: line 1: foo: command not found', 'foo | wc -l')).toBeNull();
  });
});

describe('a program\'s failure line keeps what it failed on', () => {
  it('"find: \'compress\': No such file or directory" whole, not its bare OS error', () => {
    expect(failureLine("find: 'compress': No such file or directory\n")).toBe("find: 'compress': No such file or directory");
    // The shell's own prefix is the invocation's, as before.
    expect(failureLine('sh: 1: jq: command not found')).toBe('jq: command not found');
  });
});

describe('on the real sets', () => {
  it('names a program the environment lacks, not a value the model invented (Vicuna: compress, 3 runs)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/intercode-bash-vicuna'])), /^execute: find: '<s>': No such file or directory$/);
    expect(f.prevalence?.traces ?? (f.data!.traceIds as string[]).length).toBe(3);
    expect(f.rootCause.statement).toMatch(/\(e\.g\. `compress`\) is a program the command runs, which was not found where the command ran it/);
  }, 120_000);

  it('says a repeat\'s answer offered names only where its list is not empty (Reflexion trial 1 #26: "Similar: []")', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/reflexion-hotpotqa-react'])), /sends a call that got nothing back again/);
    expect(f.rootCause.statement).toMatch(/In \d+ of the 13 steps that answer offered other names to try/);
  }, 120_000);

  it('gives the cause it found its own fix (deepseek-r1: HTML character references)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/openagentsafety-deepseek-r1/deepseek_r1'])), /^execute_bash: bash: syntax error near unexpected token/);
    expect(f.fix.summary).toMatch(/^Where the command holds `&amp;`, find whether the model's reply or the parsing of it escaped it/);
    expect(f.fix.summary).toMatch(/Halo could not tell why the others failed, so it prescribes no change for them/);
  }, 120_000);
});

describe('review round 44', () => {
  it('says a program was not found where the command ran it, not that the environment lacks it (text-bison #11: gzip compressed itself), and leaves a path the program came upon itself untraced', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/intercode-bash-text-bison'])), /^execute: find: '<s>': No such file or directory$/);
    expect(f.rootCause.statement).toBe('In 2 of 3 failing calls the value that was not found (e.g. `gzip`) is a program the command runs, which was not found where the command ran it.');
    expect(f.fix.summary).toMatch(/or find what in the run removed or moved it/);
  }, 120_000);
});

describe('a shell that refused a line of the command', () => {
  it('is a failure where a later line set the status to 0, and where the output opens with the echoed command (deepseek-r1: 6 calls, not 3)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/openagentsafety-deepseek-r1/deepseek_r1'])), /^execute_bash: bash: syntax error near unexpected token/);
    expect(f.summary).toMatch(/in 3 of 40 traces \(7\.5%\) \(5 distinct errors, counted where they originate, plus 1 repeat of the same error later in the same run\)/);
  }, 120_000);

  it('does not hide a run\'s context-length error behind it (MINT AgentLM hotpotqa:12 ends on "/bin/bash: import: command not found")', async () => {
    const traces = await load(['tests/fixtures/real/mint-gpt4-feedback-agentlm-70b']);
    const f = byTitle(runDetectors(traces), /InvalidRequestError/);
    expect(f.data!.traceIds).toContain(traces.find((t) => t.traceId.endsWith('hotpotqa:12'))!.traceId);
  }, 120_000);
});
