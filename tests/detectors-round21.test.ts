// Overstated findings that round 20's blind review left open on the development sets, each now a check on the
// real runs (tests/fixtures/real names their sources and licenses).
import { describe, expect, it } from 'vitest';
import { byTitle, load } from './helpers/real-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { attemptSeenBy } from '../sandbox/detectors/seen-call.ts';
import { findErrorText } from '../sandbox/detectors/error-text.ts';
import { outcomeFailed } from '../sandbox/detectors/outcomes.ts';
import { createdLater, missingValue } from '../sandbox/detectors/provenance.ts';
import { runsCode } from '../sandbox/detectors/error-signatures.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

describe('ToolBench (round 20): a tool name the model was sent, not one it made up', () => {
  it('is told apart from invented names: DFSDT renames a call to a missing function in the history it sends next', async () => {
    const traces = await load(['tests/fixtures/real/toolbench-dfsdt']);
    // G1_answer__69: the model calls `authenticate_authentication_system` (no such function); the next call it is
    // sent names that call `invalid_hallucination_function_name`, and it then calls that name itself.
    const run = traces.find((t) => t.traceId.includes('G1_answer__69'))!;
    const sentBack = run.spans.find((s) => s.kind === 'llm' && s.messages?.some((m) => m.toolCalls?.some((c) => c.name === 'invalid_hallucination_function_name')));
    expect(sentBack).toBeDefined();
    // What the model emitted keeps the name it sent.
    expect(run.spans.filter((s) => s.kind === 'tool').map((s) => s.tool?.name)).toContain('authenticate_authentication_system');
    const f = byTitle(runDetectors(traces), /^toolbench DFSDT calls \d+ tools that do not exist/);
    expect(f.summary).toMatch(/`invalid_hallucination_function_name` ×3 \(a name its model call was sent before it called it\)/);
    expect(f.rootCause.statement).toMatch(/^The model invents tool names \(`authenticate_authentication_system`/);
    expect(f.rootCause.statement).not.toMatch(/invents tool names \([^)]*invalid_hallucination_function_name/);
    expect(f.rootCause.statement).toMatch(/the model sent back a name it was given, not one it made up/);
    expect(f.fix.summary).not.toMatch(/For each invented name \([^)]*invalid_hallucination_function_name/);
    expect(f.data!.givenNames).toEqual(['invalid_hallucination_function_name']);
  });
});

describe('ToolBench (round 20): retries read across the branches of a search tree', () => {
  it('a model call that backtracked to the root was sent no earlier attempt, so no row of retries runs through it', async () => {
    const traces = await load(['tests/fixtures/real/toolbench-dfsdt']);
    const run = traces.find((t) => t.traceId.includes('G2_answer__10_'))!;
    const calls = run.spans.filter((s) => s.kind === 'tool' && s.tool?.name === 'api_tracking_for_pack_send').sort((a, b) => a.startTime - b.startTime);
    const [before, atRoot] = [calls.at(-3)!, calls.at(-2)!];
    // tool-22's model call was sent the task alone (DFSDT went back to the root): not the attempt before it.
    expect(attemptSeenBy(run, before, atRoot)).toBe(false);
    expect(attemptSeenBy(run, atRoot, calls.at(-1)!)).toBe(true);
    // G2_answer__10 and __119 held rows of 3 only when a root restart was read as a straight run.
    expect(runDetectors(traces).some((f) => /^api_tracking_for_pack_send: retries never succeed/.test(f.title))).toBe(false);
  });
});

describe('InterCode SQL (round 20): a table name formed from the question', () => {
  it('names the table that was not found, not the whole query, and traces it to the task\'s words', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/intercode-sql'])), /^execute: Error executing query: Table '<s>' doesn't exist/);
    // #150 "How many cars …" queried `cars`, #203 `singers`, #408 `visitors` and `tickets`, #545 `car_models` (after
    // SHOW TABLES listed none such), #933 `battles`: each the question's words. #795's `car_data` is in neither the
    // question nor the listing it had just seen (`cars_data`).
    // #545, #408's second query and #795 came after SHOW TABLES had listed the tables (round 22: "rather than looked up"
    // was wrong for them): said as such.
    expect(f.rootCause.statement).toBe("In every failing call the value that was not found is no name an earlier tool output in the run gave: in 6 it is made of the task's own words (e.g. `car_models`); in 1 (e.g. `car_data`) no task text, user message or earlier tool output holds it. In 3 of 7, a call earlier in the run had worked (a listing or lookup the model could have read), and the name is not in any earlier output.");
    expect(f.rootCause.statement).not.toMatch(/SELECT|rather than looked up/);
    expect(f.fix.summary).toMatch(/^Have the agent take such names from what a lookup returned \(list what exists, and use a listed name\)/);
  });
});

describe('LiveMCPBench (round 21, first judged held out): a gateway tool that runs other tools', () => {
  it('names the tool the gateway ran, does not read it as running code, and gives no backoff fix to a timeout that came back', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/livemcpbench-copilot/annotation']));
    // `execute-tool` takes {server_name, tool_name, params}: the 34 "required property" errors are text-editor's two tools'.
    const get = byTitle(found, /^execute-tool → text-editor\/get_text_file_contents: Input validation error: '<s>' is a required property/);
    const edit = byTitle(found, /^execute-tool → text-editor\/edit_text_file_contents: Input validation error: '<s>' is a required property/);
    expect(get.fix.summary).toMatch(/schema of `execute-tool → text-editor\/get_text_file_contents`/);
    expect((edit.data!.traceIds as string[]).length + (get.data!.traceIds as string[]).length).toBeGreaterThanOrEqual(8);
    expect(found.some((f) => /^execute-tool: /.test(f.title))).toBe(false);
    // osm-mcp-server failing to reach its host is not "the code the agent had execute-tool run".
    const geo = byTitle(found, /^execute-tool → osm-mcp-server\/geocode_address: /);
    expect(`${geo.rootCause.statement} ${geo.fix.summary}`).not.toMatch(/agent's code|code the agent/);
    // start_process timed out again when called again (2 repeats): calling again is what was done.
    const start = byTitle(found, /^execute-tool → desktop-commander\/start_process: Tool call timed out\./);
    expect(start.rootCause.statement).toMatch(/but it came back 2 more times later in the same runs/);
    expect(start.fix.summary).toMatch(/^Find why calls to `execute-tool → desktop-commander\/start_process` run past their time limit/);
    expect(start.fix.summary).not.toMatch(/jittered backoff/);
  });
});

describe('round 21, first judged held out: what a failure is and what became of it', () => {
  it('a statistic named "… Error" and its value is a measurement the code printed, not an error (DA-Code)', async () => {
    expect(findErrorText('Mean Absolute Error: 50.48853439336329')).toBeNull();
    expect(findErrorText('Standard error: 0.31')).toBeNull();
    expect(findErrorText('Error: 404 page not found')).not.toBeNull();
    expect(findErrorText('Fatal error: cannot open file')).not.toBeNull();
    const found = runDetectors(await load(['tests/fixtures/real/dacode-da-agent/gpt-4o']));
    expect(found.some((f) => /^Python: Error: <n>/.test(f.title))).toBe(false);
    // ml-regression-003's KeyError is about 'Weekly_Sales', not the script whose frame the traceback names.
    const key = byTitle(found, /^Python: KeyError: "<s>"/);
    expect(key.rootCause.statement).not.toMatch(/feature_engineering\.py|data_preprocessing\.py/);
  });

  it('a failed call the next reply routed around with another tool, or the last reply admits, is not ignored (LiveMCPBench)', async () => {
    // Judged a success, these runs are not "ignored" at all (tests/detectors-ignored-verdict.test.ts); without their
    // verdicts of success, the routing rule alone decides.
    const traces = (await load(['tests/fixtures/real/livemcpbench-copilot/annotation'])).map((t) => (t.outcome?.success === true ? { ...t, outcome: null } : t));
    const f = byTitle(runDetectors(traces), /^Agent ignores failed `execute-tool` calls/);
    // 71a7a42a: after the editor failed, the next reply searched for another tool (route worked) and the answer says the document could not be made.
    expect((f.data!.traceIds as string[]).some((id) => id.includes('71a7a42a'))).toBe(false);
    expect(f.data!.traceIds).toHaveLength(1);
    expect(f.rootCause.statement).not.toMatch(/as if it had worked/);
  });
});

describe('DA-Code (round 21, first judged held out): partial credit and a package the agent fetched', () => {
  it('a partial score is no failure, and a package the agent imported and then installed is the environment\'s gap', async () => {
    const { traces } = await loadTraces(['tests/fixtures/real/dacode-da-agent/gpt-4o'], { outcomes: readOutcomeFiles(['tests/fixtures/real/dacode-da-agent/GPT-4o_result.json']) });
    const found = runDetectors(traces);
    // data-sa-010 and -018 imported sympy, dm-csv-026 sqlalchemy; each ran `pip install` for it later, which worked.
    const mods = byTitle(found, /^Python: Python modules missing from the environment \(sympy in 2 runs, sqlalchemy in 1 run\)/);
    // dm-csv-026 had first read a provided script that imports sqlalchemy: the repository's dependency, said as such.
    expect(mods.rootCause.statement).toMatch(/`sympy` the agent's own code imported, and an install command it ran later fetched it: the package exists, the environment lacked it; `sqlalchemy` the agent's own script imported too/);
    expect(mods.rootCause.statement).not.toMatch(/nothing the agent wrote/);
    expect(mods.fix.summary).toMatch(/^Install the packages that provide `sympy` in the environment/);
    // The timeouts' runs scored 0, 0.57 and 1: one failed, not three.
    const slow = byTitle(found, /^Python: Action execution time exceeded!/);
    const runs = traces.filter((t) => (slow.data!.traceIds as string[]).includes(t.traceId));
    expect(runs.map((t) => outcomeFailed(t)).filter(Boolean)).toHaveLength(1);
  });
});

describe('LDB (round 21, first judged held out: no findings; the reviewer counted 82 failed runs stalling)', () => {
  it('a program the model regenerates unchanged and that fails the same visible test again is a re-sent step', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/ldb-debugger/results']));
    const f = byTitle(found, /^ldb \(gpt-3\.5-turbo-0613\) re-sends a failed step nearly unchanged and it fails the same way/);
    // Counted from the raw records by the finding's own rule: a program (not the seed) equal to one of the 3 programs
    // before it whose first failed test it fails again.
    let runs = 0;
    for (const file of ['humaneval', 'mbpp']) {
      const lines = gunzipSync(readFileSync(`tests/fixtures/real/ldb-debugger/results/ldb/${file}/gpt-3.5-turbo-0613/results.jsonl.gz`)).toString().split('\n').filter(Boolean);
      for (const line of lines) {
        const r = JSON.parse(line) as { implementations: string[]; test_feedback: string[][] };
        const first = (i: number) => (Array.isArray(r.test_feedback[i]) ? r.test_feedback[i]![0] : undefined);
        const hit = r.implementations.some((code, i) => i > 0 && first(i) !== undefined && [i - 1, i - 2, i - 3].some((j) => j >= 1 && r.implementations[j] === code && first(j) === first(i)));
        if (hit) runs++;
      }
    }
    expect(f.data!.traceIds).toHaveLength(runs);
  });
});

describe('round 21, first judged held out: a fix that prescribes what the run already did', () => {
  it('an unknown tool whose call the next call recovered from says so, and asks for no rejection the runtime already gives (FireAct)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/fireact-hotpotqa/trajs'])), /calls unknown tool `click`/);
    // gpt#457: `click` was rejected, and the next turn's search went through.
    expect(f.summary).toMatch(/`click` ×1\. It was followed by a tool call that ran without failing\./);
    expect(f.fix.summary).toMatch(/the runtime already rejects them, and the next call worked each time \(what the run did after that is not checked here\)\.$/);
    expect(f.fix.summary).not.toMatch(/so the model corrects itself in the same run/);
  });

  it('a repeat after which the run moved on, with no third attempt, is low and gets no "stop at the third" fix (OpenAgentSafety)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/openagentsafety-openhands/gpt-4o'])), /^openhands re-sends a failed step nearly unchanged/);
    // db-credential and issue-reporting each sent a failed step once more, then changed approach.
    expect(f.severity).toBe('low');
    expect(f.fix.summary).toMatch(/^Each of these runs moved on after its repeat, with no third attempt at the same action/);
  });
});

describe('DA-Code (round 21): a call made again after an install is a fresh try', () => {
  it('the steps outlier does not count dm-csv-026\'s re-run after `pip install sqlalchemy` as a call already made', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/dacode-da-agent/gpt-4o'])), /^da-agent: steps outliers/);
    expect(f.rootCause.statement).not.toMatch(/dm-csv-026/);
    // It did send the same call twice, after the install: said as such (round 22 found "none twice" false).
    expect(f.rootCause.statement).toMatch(/none of them makes the same call \(tool and arguments\) twice without a call in between that could change what it runs against/);
  });
});

describe('round 22: a not-found answer the run then acted on by creating what was missing', () => {
  it('is a check answered, not a failed attempt (LiveMCPBench get_text_file_contents, OpenAgentSafety decorator)', async () => {
    const traces = await load(['tests/fixtures/real/livemcpbench-copilot/annotation']);
    // 6b7fc66e tool-13 and 4d7582c4 tool-24: "File not found", then an edit that created the file worked.
    const run = traces.find((t) => t.traceId.includes('6b7fc66e'))!;
    const notFound = run.spans.find((s) => s.spanId.endsWith(':tool-13'))!;
    expect(missingValue(notFound)).toBe('/root/markdown/NCT04280705.md');
    expect(createdLater(run, notFound, runsCode)).toBe(true);
    // 90098a9c never managed to write its file: its not-found stays a failure.
    const never = traces.find((t) => t.traceId.includes('90098a9c'))!;
    expect(createdLater(never, never.spans.find((s) => s.spanId.endsWith(':tool-4'))!, runsCode)).toBe(false);
    const found = runDetectors(traces);
    expect(found.some((f) => /get_text_file_contents: retries never succeed/.test(f.title))).toBe(false);
    const oas = runDetectors(await load(['tests/fixtures/real/openagentsafety-openhands/gpt-4o']));
    expect(oas.some((f) => /The path <path> does not exist/.test(f.title))).toBe(false);
  });
});

describe('round 22: a test suite\'s verdict is no failed retry', () => {
  it('LDB\'s visible-test runs that report failed tests are not "retries never succeed" (the runner worked; the program failed)', async () => {
    const found = runDetectors(await load(['tests/fixtures/real/ldb-debugger/results']));
    expect(found.some((f) => /^run_visible_tests: retries never succeed/.test(f.title))).toBe(false);
    expect(found.some((f) => /re-sends a failed step nearly unchanged/.test(f.title))).toBe(true);
  });

  it('an outlier\'s repeated call is counted with nothing in between that could change its result, and said so (Moatless)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/moatless-swe-bench-lite/trajs'])), /^AgenticLoop: steps outliers/);
    expect(f.rootCause.statement).toMatch(/made the same call \(tool and arguments\) again with no call in between that could change what it runs against \(an install, an edit, code run\): up to 3 times/);
  });

  it('a fetch reporting the status a remote server answered states no condition of the tool\'s (LiveMCPBench 403, 429)', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/livemcpbench-copilot/annotation'])), /^execute-tool → fetch\/fetch: Failed to fetch <url> - status code <n>/);
    expect(f.rootCause.statement).not.toMatch(/the inputs broke a condition the tool checks/);
  });
});

describe('DA-Code on claude-3-opus (round 23, held out): a re-sent step fails the same way only with the same failure', () => {
  it('a KeyError on another column, or a mismatch on another line, after the edit fixed the first is not the old failure back', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/dacode-da-agent-claude3opus/claude-3-opus-20240229'])), /^da-agent re-sends a failed step nearly unchanged and it fails the same way/);
    // The reviewer recounted 9 of the 12 steps in 4 of the 6 runs: plot-line-005 ('Country or region' then 'Score') and
    // plot-line-014 (line 10 then line 17) met a new failure of the same kind, as did plot-line-015's llm-5 (its other
    // repeats hold). A measured duration ("Timeout 467ms", then 468ms) is no new failure (TapeAgents keeps its 11 steps).
    expect(f.data!.traceIds).toHaveLength(4);
    expect(f.summary).toMatch(/\(9 such steps\)/);
    for (const id of ['plot-line-005', 'plot-line-014']) expect((f.data!.traceIds as string[]).some((t) => t.endsWith(id))).toBe(false);
  });
});

describe('DA-Code on claude-3-opus (round 23): a package installed under its published name', () => {
  it('`No module named imblearn`, then `pip install imbalanced-learn`, is the environment\'s missing package like the others', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/dacode-da-agent-claude3opus/claude-3-opus-20240229'])), /^Python: Python modules missing from the environment/);
    // The reviewer counted 5 runs: ml-binary-022 installed imbalanced-learn for imblearn.
    expect(f.data!.traceIds).toHaveLength(5);
    expect(f.title).toMatch(/imblearn in 1 run/);
  });
});

describe('DA-Code on claude-3-opus (round 23): data quoted back in an error is the occurrence\'s value', () => {
  it('`time data "2009" doesn\'t match format "%Y-%m-%d"` is the same failure as `time data "23/07/2008" …`', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/dacode-da-agent-claude3opus/claude-3-opus-20240229'])), /^Python: ValueError: time data "<s>" doesn't match format "<s>"/);
    // The reviewer counted 3 runs (ml-regression-004, plot-line-007, plot-line-012).
    expect(f.data!.traceIds).toHaveLength(3);
  });
});
