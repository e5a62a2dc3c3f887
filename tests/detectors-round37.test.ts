// Review round 37: fixes judged again by fresh reviewers, who recounted every count from the raw runs.
import { describe, expect, it } from 'vitest';
import { failureLine } from '../sandbox/detectors/error-text.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('a shell that cannot find the command reports a failure (review round 36, text-bison #17)', () => {
  it('reads "<cmd>: command not found" as the failure, naming the command', () => {
    expect(failureLine('/bin/bash: line 1: xxd: command not found\n0')).toBe('xxd: command not found');
    expect(failureLine('sh: 1: jq: command not found')).toBe('jq: command not found');
    // Prose about a command is not a shell's report.
    expect(failureLine('The command was not found in the manual.')).toBeNull();
  });

  it('counts run 17, whose identical commands each print "xxd: command not found", among the blind repeats', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-text-bison']);
    const repeats = byTitle(runDetectors(traces), /re-sends a failed step nearly unchanged/);
    expect(repeats.data!.traceIds).toContain(traces.find((t) => t.traceId.endsWith('#17'))!.traceId);
    // 18 since a pipeline whose last stage exited 0 fails where an earlier stage printed its error (review round 42).
    expect(repeats.data!.traceIds).toHaveLength(18);
  });
});

describe('a parenthesis inside double quotes is a character (review round 37, Vicuna #3)', () => {
  it('reads `<(echo "… <(cat x)" | md5sum)` as closing what it opens', async () => {
    const { quotesClose, readShell } = await import('../src/ingest/shell-text.ts');
    expect(quotesClose('md5sum <(echo "md5sum <(cat /t/* | sort)" | md5sum)')).toBe(true);
    expect(quotesClose('echo "a)"')).toBe(true);
    // A `$(` inside double quotes still opens a command of its own, whose quotes count again.
    expect(quotesClose('echo "x $(echo ")") y"')).toBe(true);
    expect(quotesClose('echo "$(ls')).toBe(false);
    expect(quotesClose('a ) b')).toBe(false);
    expect(readShell('echo "$(cat x | grep y)" ; ls').stages).toEqual(['echo "$(cat x | grep y)"', 'ls']);
  });

  it('counts the run whose every attempt bash found open, and says only what was checked of the harness', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-vicuna']);
    const findings = runDetectors(traces);
    const retries = byTitle(findings, /^execute: retries never succeed/);
    // #3, #18, #35 and #54 (the reviewer's recount), and #16, where bash names a word of the command as itself.
    expect(retries.rootCause.statement).toMatch(/^In 5 of 24 runs at every attempt what the shell ran is not the command the call carries/);
    // What ran differs; whether the command as written would have run was not checked (#26 appends prose, #34 is invalid as written).
    const token = byTitle(findings, /syntax error near unexpected token/);
    for (const f of [retries, token]) {
      expect(f.rootCause.statement).not.toMatch(/not what the model wrote/);
      expect(f.rootCause.statement).toMatch(/whether it would have failed as written is not checked/);
    }
  });
});

describe('an exit status that is an answer, through find -exec … + (review round 37, Vicuna #41 and #9)', () => {
  it('takes the status of the command find ran in the + form, and a test operator error as trouble', async () => {
    const { exitIsAnswer } = await import('../src/ingest/exit-answer.ts');
    expect(exitIsAnswer(`find /testbed -type f -name "*.php" -exec grep -v '[^0-9a-zA-Z]' {} +`, '')).toBe('grep');
    // With \; find's own status does not follow the command's.
    expect(exitIsAnswer(`find /testbed -name "*.php" -exec grep -v x {} \\;`, '')).toBeNull();
    expect(exitIsAnswer('[ $(ps -p $$ | grep screen) = $$ ]', '/bin/bash: line 1: [: =: unary operator expected\n')).toBeNull();
  });

  it('counts no-match answers alike: 24 runs and 189 attempts, as the reviewer recounted', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-vicuna']);
    const retries = byTitle(runDetectors(traces), /^execute: retries never succeed/);
    expect(retries.data!.traceIds).toHaveLength(24);
    expect(retries.summary).toMatch(/\(189 failed attempts in all;/);
    expect(retries.data!.traceIds).not.toContain(traces.find((t) => t.traceId.endsWith('#41'))!.traceId);
  });
});

describe('a word of the command where bash names itself: the command reached bash -c split into words', () => {
  it('counts it as what ran not being the command, unless the command as written leaves the same quote open', async () => {
    const traces = await load(['tests/fixtures/real/intercode-bash-text-bison', 'tests/fixtures/real/intercode-bash-starchat']);
    const { ranOtherwise } = await import('../sandbox/detectors/causes.ts');
    const { resultText } = await import('../sandbox/detectors/error-text.ts');
    const span = (set: string, run: string, tool: string) => traces.find((t) => t.traceId.includes(set) && t.traceId.endsWith(`#${run}`))!.spans.find((s) => s.spanId.endsWith(`:${tool}`))!;
    // `for i in {1..10}; do echo "hello world"; done & true` runs as written; bash's $0 is "world; done & true".
    const split = span('text-bison', '16', 'tool-9');
    expect(ranOtherwise(split, resultText(split))).toEqual({ line: null, stripped: false, split: 'world; done & true' });
    // StarChat #5 ends in `awk '{print`: its own quote is open, so the failure is the command's, split or not.
    const own = span('starchat', '5', 'tool-2');
    expect(ranOtherwise(own, resultText(own))).toBeNull();
    // bash naming itself is no evidence.
    const plain = { ...own, tool: { ...own.tool!, arguments: { command: "echo 'hi" } } };
    expect(ranOtherwise(plain, "/bin/bash: -c: line 1: unexpected EOF while looking for matching `''")).toBeNull();
    const found = runDetectors(traces.filter((t) => t.traceId.includes('starchat')));
    expect(byTitle(found, /unexpected EOF while looking for matching `''/).rootCause.statement).toMatch(/in 6 of 9 what the shell ran is not the command the call carries/);
  });
});

describe('OpenAgentSafety on deepseek-r1 (held out, judged blind in review round 38)', () => {
  it("reads a failed download by its error, not wget's progress line, and a websocket that would not take the message as the service's failure", async () => {
    const traces = await load(['tests/fixtures/real/openagentsafety-deepseek-r1/deepseek_r1']);
    const found = runDetectors(traces);
    // The status message was wget's first line ("--2025-05-08 12:29:03--  http://…"); the 404s and 401s come after it.
    expect(found.some((f) => /--<time>--/.test(f.title))).toBe(false);
    expect(byTitle(found, /^execute_bash: HTTP request sent, awaiting response\.\.\. <n> Not Found$/).data!.traceIds).toHaveLength(3);
    expect(byTitle(found, /^execute_bash: HTTP request sent, awaiting response\.\.\. <n> Unauthorized$/).data!.traceIds).toHaveLength(2);
    // The coworker-chat server failed whoever the message named: not a condition of the inputs.
    const chat = byTitle(found, /^chat: Failed to send start simulation message to websocket server$/);
    expect(chat.rootCause.statement).toMatch(/^The service behind `chat` failed, not the inputs/);
  });
});
