// Round 27 (held out, judged blind): KnowAgent's ALFWorld commands were said to "run code" because the reader keeps
// each as `{command}`; a `command` is code only for a tool that runs code by its name (a shell, `execute`, OpenDevin's
// `CmdRunAction`). And the game's "Nothing happens." names no condition to change. Real runs: tests/fixtures/real/README.md.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { byTitle, load } from './helpers/real-findings.ts';

describe('round 27: a game command is not code', () => {
  it('KnowAgent: retries of `put` are rejected commands that name no reason, and the fix is at what answers them', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/knowagent-alfworld']));
    const put = byTitle(found, /^put: retries never succeed/);
    expect(put.rootCause.statement).not.toMatch(/runs code/);
    expect(put.rootCause.statement).toMatch(/Every rejection said only that the call was rejected \(`Nothing happens\.`\), naming no condition to change/);
    expect(put.fix.summary).toMatch(/^Have `put` answer a rejected call with what it rejected and why/);
    // "In a row" counts calls to `put`; the game commands between them are said to be there.
    expect(put.summary).toMatch(/fails on 3 or more of its calls in a row and never succeeds afterwards \(\d+ failed attempts in all; other tools' calls may come between them\)/);
    const go = byTitle(found, /^go: Nothing happens\./);
    expect(go.rootCause.statement).not.toMatch(/What the model had `go` run/);
  });

  it('OpenDevin: CmdRunAction still runs shell commands, and an editor\'s `command: create` is no code (OpenAgentSafety)', async () => {
    const dev = runDetectors(await load(['tests/fixtures/real/dacode-opendevin/logs']));
    const pip = byTitle(dev, /^CmdRunAction: error: metadata-generation-failed/);
    expect(pip.rootCause.statement).not.toMatch(/rejected these calls with a reason of its own/);
    const oas = runDetectors(await load(['tests/fixtures/real/openagentsafety-openhands/gpt-4o']));
    const create = byTitle(oas, /^str_replace_editor: ERROR: Invalid `path` parameter/);
    expect(create.rootCause.statement).toMatch(/`str_replace_editor` rejected these calls with a reason of its own/);
  });

  it('Letta on gpt-oss-20b: a rejection that lists the valid tools makes a called name unknown, and a real name with text run on is said to be one', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/letta-filesystem-gptoss-20b/run_1']));
    // The rejections were four error findings, one per mangled or misspelled name, each blaming a tool that does not exist.
    expect(found.filter((f) => /ToolConstraintError/.test(f.title))).toEqual([]);
    const f = byTitle(found, /^Agent calls \d+ tools that do not exist/);
    expect(f.summary).toMatch(/`sematic_search_files` ×5/);
    expect(f.summary).toMatch(/18 of these names \(21 calls\) are a tool that exists \(`grep_files`, `open_files`, `semantic_search_files`\) with more text run on after its name/);
    // A name that swallowed a whole reply is quoted cut short.
    expect(f.summary.length).toBeLessThan(2500);
    expect(f.fix.summary).toMatch(/the runtime's rejection already lists the valid tools/);
    expect(f.fix.summary).not.toMatch(/reject unknown tool names before execution/);
  });

  it('Letta: outliers state the median itself, and where tokens are recorded per run only, say that rather than how calls shared them', async () => {
    const big = runDetectors(await load(['tests/fixtures/real/letta-filesystem-gptoss-120b/run_1']));
    // 100 runs: the middle two take 3 and 4 steps.
    expect(byTitle(big, /^Agent: steps outliers \(up to 3\.4× typical\)/).summary).toMatch(/against a typical 3\.5 steps \(median of 100 runs\)/);
    const tokens = byTitle(big, /^Agent: tokens outliers/);
    expect(tokens.rootCause.statement).toBe('This run records tokens for the whole run only, not per call: where the excess went is not in the record.');
    expect(tokens.fix.summary).not.toMatch(/Truncate or summarise large tool results/);
    const small = runDetectors(await load(['tests/fixtures/real/letta-filesystem-gptoss-20b/run_1']));
    const slow = byTitle(small, /^Agent: latency outliers/);
    // Spread over calls of like size: no timeout on a slow call is prescribed, there is none.
    expect(slow.rootCause.statement).toMatch(/spreads the excess over calls of like size/);
    expect(slow.fix.summary).toMatch(/^No call stands out, so a timeout on one would not bring these runs back/);
  });

  it('round 28: a bare rejection from a tool other calls got through is the inputs turned down; a long rejection still names a run-on name', async () => {
    const ka = runDetectors(await load(['tests/fixtures/real/knowagent-alfworld']));
    const go = byTitle(ka, /^go: Nothing happens\./);
    expect(go.rootCause.statement).toMatch(/^`go` answered these calls with a rejection that names no condition \(Nothing happens\.\), and other calls to it went through in this window/);
    expect(go.fix.summary).not.toMatch(/defect in the tool/);
    // A search that says it had an error is the tool failing, not a refusal of the inputs (AutoAct).
    const aa = runDetectors(await load(['tests/fixtures/real/autoact-hotpotqa/13b']));
    expect(byTitle(aa, /^BingSearch: bingSearch error/).rootCause.statement).not.toMatch(/rejection that names no condition/);
    const letta = runDetectors(await load(['tests/fixtures/real/letta-filesystem-gptoss-20b/run_1']));
    // 24 runs (as the reviewers recounted): rejections too long to keep the list of valid tools are counted by their run-on names.
    expect(byTitle(letta, /^Agent calls \d+ tools that do not exist/).data!.traceIds).toHaveLength(24);
    // The one repeat ended its run: no reply "moved on" after it with a call that worked.
    expect(byTitle(letta, /re-sends a failed step/).fix.summary).not.toMatch(/moved on after its repeat/);
  });
});

