// Overstated findings that rounds 22 and 23's blind reviews left open, each now a check on the real runs
// (tests/fixtures/real names their sources and licenses).
import { describe, expect, it } from 'vitest';
import { byTitle, load } from './helpers/real-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { resultText, statusFieldFailure } from '../sandbox/detectors/error-text.ts';
import { cutBlock, fenceRan } from '../sandbox/detectors/causes.ts';

describe('DA-Code on claude-3-opus (round 23): severity follows what the runs show', () => {
  it('an error the next call fixed in every run is low, also where the value was made of the task\'s words', async () => {
    const f = byTitle(runDetectors(await load(['tests/fixtures/real/dacode-da-agent-claude3opus/claude-3-opus-20240229'])), /^Python: FileNotFoundError: \[Errno <n>\] No such file or directory: '<s>' \(the next call ran without error each time\)/);
    // dm-csv-056 tool-2 → tool-4 and ml-cluster-016 tool-2 → tool-4: each fixed by the next Python call.
    expect(f.data!.traceIds).toHaveLength(2);
    expect(f.data!.recoveredEach).toBe(true);
    expect(f.severity).toBe('low');
  });
});

describe('LiveMCPBench (round 22): a failure the tool reports in its own result', () => {
  it('is read through the gateway\'s MCP result, so the call after a validation error did not handle it', async () => {
    const traces = await load(['tests/fixtures/real/livemcpbench-copilot']);
    // 6b7fc66e tool-15: the span's status is ok (the copilot's `isError=False`), but the text-editor server's own
    // result inside it, per file, says `"result": "error"` with its reason.
    const run = traces.find((t) => t.traceId.includes('6b7fc66e'))!;
    const span = run.spans.find((s) => s.spanId.endsWith(':tool-15'))!;
    expect(span.status).not.toBe('error');
    expect(statusFieldFailure(resultText(span))).toBe('End line must be greater than or equal to start line');
    const found = runDetectors(traces);
    const f = byTitle(found, /^execute-tool → text-editor\/edit_text_file_contents: Input validation error: '<s>' is a required property/);
    // The reviewer: after 6b7fc66e tool-14 and 4d7582c4 tool-27 the next call returned that error; neither was handled.
    expect(f.summary).not.toMatch(/were handled/);
    expect(f.data!.recovered).toBe(0);
    const stated = byTitle(found, /^execute-tool → text-editor\/edit_text_file_contents: End line must be greater than or equal to start line/);
    expect((stated.data!.traceIds as string[]).map((id) => id.slice(13, 21)).sort()).toEqual(['4d7582c4', '6b7fc66e']);
  });

  it('reads a status field at the top level or in every entry of a per-item map, and nothing else', () => {
    expect(statusFieldFailure('{"result": "error", "reason": "no such line"}')).toBe('no such line');
    expect(statusFieldFailure('{"success": false, "message": "quota exceeded"}')).toBe('quota exceeded');
    expect(statusFieldFailure('{"a.md": {"result": "error", "reason": "x"}, "b.md": {"result": "ok"}}')).toBeNull();
    expect(statusFieldFailure('{"status": "ok", "data": {"result": "error"}}')).toBeNull();
    expect(statusFieldFailure('{"content": [{"type": "text", "text": "{\\"status\\": \\"failed\\"}"}], "isError": false}')).toBe('status: failed');
  });
});

describe('DA-Code on claude-3-opus (round 23): code the model did not finish is not "the agent\'s code"', () => {
  const opus = 'tests/fixtures/real/dacode-da-agent-claude3opus/claude-3-opus-20240229';
  it('a SyntaxError where the reply stops inside its code block, or where the reply\'s fence ran as code, says so', async () => {
    const traces = await load([opus]);
    // dm-csv-026 tool-11: the 4,372-character reply opens ```python and never closes it; the harness ran its code up
    // to `sql =`. ml-binary-004 tool-7: two code blocks ran as one file; Python points at the ``` line between them.
    const run = traces.find((t) => t.traceId.includes('dm-csv-026'))!;
    // Round 25: the code that ran (643 characters, up to `sql =`) stops well before the reply does: the harness's parse cut it.
    expect(cutBlock(run, run.spans.find((s) => s.spanId.endsWith(':tool-11'))!)).toMatchObject({ reply: 4372 });
    expect(cutBlock(run, run.spans.find((s) => s.spanId.endsWith(':tool-11'))!)!.after).toBeGreaterThan(2000);
    // tool-14's reply closes its block: not cut.
    expect(cutBlock(run, run.spans.find((s) => s.spanId.endsWith(':tool-14'))!)).toBeNull();
    const two = traces.find((t) => t.traceId.includes('ml-binary-004'))!;
    const merged = two.spans.find((s) => s.spanId.endsWith(':tool-7'))!;
    expect(fenceRan(merged, resultText(merged))).toBe(true);
    const f = byTitle(runDetectors(traces), /^Python: SyntaxError: invalid syntax/);
    expect(f.rootCause.statement).not.toMatch(/the code that failed is the agent's/);
    expect(f.rootCause.statement).toMatch(/In 1 of them the model's reply never closes the code block that ran \(it opens a fence it never closes; 4372 characters\)/);
    expect(f.rootCause.statement).toMatch(/the code that ran stops well before the reply does, where the harness's parse of the unclosed block stopped/);
    expect(f.rootCause.statement).toMatch(/the error comes from a Markdown fence \(```\) inside the code that ran \(Python points at the fence line/);
  });

  it('a call the harness refused as a repeat is not the tool failing', async () => {
    const f = byTitle(runDetectors(await load([opus])), /^Python: The action is the same as the last one/);
    expect(f.summary).toMatch(/^The harness refused calls to the tool `Python`/);
    expect(f.rootCause.statement).toMatch(/^The harness refused to run these calls, so `Python` never ran them/);
    // dm-csv-026 tool-13, 16, 17, 18: replies that differ from the one before, parsed into the same action (round 25's
    // reviewer: 4 of 5; ml-binary-004 tool-10 re-sent the same reply).
    expect(f.rootCause.statement).toMatch(/In 4 of the 5 refusals \(repeats included\) the model's reply differed from its reply before, but the action the harness parsed from it was the same/);
  });
});
