// What the model read back from its steps: the model call that was sent a
// failure (cited as `role: 'received'`), outputs that list a string one
// character per item (detect.stringAsList), and both steps of a repeat. On
// small hand-built traces (smolagents-shaped: a "Step N" span holds the model
// call and carries the observation as its output) and on the copied TRAIL runs.
import { describe, expect, it } from 'vitest';
import type { Message, Span, Trace } from '../src/types.ts';
import { span as makeSpan, trace as makeTrace } from './helpers/factories.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { detect } from '../sandbox/detectors/index.ts';
import { characterItems, characterListings } from '../sandbox/detectors/string-as-list.ts';
import { modelInputText, probeOf, receivingCall } from '../sandbox/detectors/received.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import type { Occurrence } from '../sandbox/detectors/error-signatures.ts';

const SYSTEM: Message = { role: 'system', content: 'You solve tasks with code.' };
const TASK: Message = { role: 'user', content: 'Fix the bug.' };

interface StepSpec {
  /** What the model answered in this step. */
  reply: string;
  /** What running it returned (the step's output), or the error it raised. */
  observation?: string;
  error?: string;
  /** Leave the previous step's observation out of this step's model input. */
  notSent?: boolean;
}

/** A smolagents-shaped run: root → agent → "Step N" (observation as output) → model call (history as messages). */
function codeRun(id: string, steps: StepSpec[]): Trace {
  const t0 = 1_000_000;
  const spans: Span[] = [
    makeSpan({ traceId: id, spanId: `${id}-root`, parentId: null, name: 'process_item', kind: 'other', startTime: t0, endTime: t0 + 100_000 }),
    makeSpan({ traceId: id, spanId: `${id}-agent`, parentId: `${id}-root`, name: 'CodeAgent.run', kind: 'agent', startTime: t0, endTime: t0 + 100_000 }),
  ];
  const history: Message[] = [SYSTEM, TASK];
  steps.forEach((st, i) => {
    const start = t0 + (i + 1) * 1000;
    const stepId = `${id}-step${i + 1}`;
    spans.push(
      makeSpan({
        traceId: id, spanId: stepId, parentId: `${id}-agent`, name: `Step ${i + 1}`, kind: 'chain', startTime: start, endTime: start + 900,
        output: st.observation ?? null, status: st.error ? 'error' : 'ok', error: st.error ? { type: 'AgentExecutionError', message: st.error } : null,
      }),
    );
    const sent = st.notSent && history.length > 2 ? history.slice(0, -1) : history;
    spans.push(
      makeSpan({
        traceId: id, spanId: `${id}-llm${i + 1}`, parentId: stepId, name: 'LiteLLMModel.__call__', kind: 'llm', model: 'm', startTime: start + 1, endTime: start + 500,
        messages: [...sent, { role: 'assistant', content: st.reply }], output: JSON.stringify({ role: 'assistant', content: st.reply }),
      }),
    );
    history.push({ role: 'assistant', content: st.reply }, { role: 'tool-call', content: `Calling tools: python_interpreter ${i + 1}` });
    history.push({ role: 'tool-response', content: `Call id: call_${i + 1}\nObservation:\n${st.error ? `Error: ${st.error}` : (st.observation ?? '')}` });
  });
  return makeTrace(spans, { agentName: 'CodeAgent', startTime: t0, endTime: t0 + 100_000, durationMs: 100_000 });
}

const code = (body: string) => `Thought: next.\nCode:\n\`\`\`py\n${body}\n\`\`\`<end_code>`;

describe('the model call that received a failure', () => {
  const FAIL = "Code execution failed at line 'import numpy as np' due to: InterpreterError: Import of numpy is not allowed.";

  it('is the next model call outside the failing step, when its newest input holds the error text', () => {
    const t = codeRun('r1', [{ reply: code('import numpy as np'), error: FAIL }, { reply: code('import math') }]);
    const failing = t.spans.find((s) => s.spanId === 'r1-step1')!;
    // The model call inside the failing step ran before the error: it is not where the model read it.
    expect(receivingCall(t, failing, FAIL.slice(0, 80))?.spanId).toBe('r1-llm2');
    expect(modelInputText(t.spans.find((s) => s.spanId === 'r1-llm2')!)).toContain('Error: Code execution failed');
    // The trailing assistant message is the call's own reply, not its input.
    expect(modelInputText(t.spans.find((s) => s.spanId === 'r1-llm2')!)).not.toContain('import math');
  });

  it('is nobody when the next call was not sent the error, or only has it in older history', () => {
    const notSent = codeRun('r2', [{ reply: code('import numpy as np'), error: FAIL }, { reply: code('x = 1'), notSent: true }]);
    expect(receivingCall(notSent, notSent.spans.find((s) => s.spanId === 'r2-step1')!, FAIL.slice(0, 80))).toBeNull();
    // Step 3 fails with the same text as step 1, but step 4's call is not sent step 3's observation: the
    // copy from step 1 further back in its history does not count.
    const older = codeRun('r3', [
      { reply: code('import numpy as np'), error: FAIL },
      { reply: code('y = 2'), observation: 'Execution logs:\n2' },
      { reply: code('import numpy as np'), error: FAIL },
      { reply: code('z = 3'), notSent: true },
    ]);
    expect(receivingCall(older, older.spans.find((s) => s.spanId === 'r3-step1')!, FAIL.slice(0, 80))?.spanId).toBe('r3-llm2');
    expect(receivingCall(older, older.spans.find((s) => s.spanId === 'r3-step3')!, FAIL.slice(0, 80))).toBeNull();
    // Too short a probe proves nothing.
    expect(receivingCall(older, older.spans.find((s) => s.spanId === 'r3-step1')!, 'Error')).toBeNull();
  });

  it('is cited by detect.errorSignatures as a received occurrence of the error it read', () => {
    const traces = ['a', 'b'].map((id) => codeRun(id, [{ reply: code('import numpy as np'), error: FAIL }, { reply: code('import math'), observation: 'ok' }]));
    traces.push(codeRun('c', [{ reply: code('import numpy as np'), error: FAIL }, { reply: code('import math'), notSent: true }]));
    const [f] = detect.errorSignatures!(traces);
    const occ = f!.data!.occurrences as Occurrence[];
    expect(occ.filter((o) => !o.role).map((o) => o.spanId)).toEqual(['a-step1', 'b-step1', 'c-step1']);
    expect(occ.filter((o) => o.role === 'received')).toEqual([
      { traceId: 'a', spanId: 'a-llm2', role: 'received', of: 'a-step1' },
      { traceId: 'b', spanId: 'b-llm2', role: 'received', of: 'b-step1' },
    ]);
    expect(f!.data!.received).toBe(2);
    expect(f!.summary).toContain('the model was sent 2 of them in its next call');
  });
});

describe('detect.stringAsList', () => {
  const TREE = 'Directory structure:\n└── repo\n    ├── README.md';
  const shapes = {
    list: `Tree:\n${JSON.stringify([...TREE.slice(0, 20)]).replace(/"/g, "'").replace(/','/g, "', '")}`,
    perLine: `Tree (first 20 items):\n${[...TREE.slice(0, 20)].join('\n')}\nLast output from code snippet:\nNone`,
    numbered: `Tree:\n${[...TREE.slice(0, 20)].map((c, i) => `${i}: ${c}`).join('\n')}\n`,
    spaced: `Top level: ${[...'Directory'].join(' ')}\n`,
  };

  it('finds each shape of a string listed one character per item', () => {
    for (const [name, text] of Object.entries(shapes)) {
      const at = characterItems(text);
      expect(at, name).not.toBeNull();
      expect(text.slice(at![0], at![1]), name).toMatch(/D.{0,4}i.{0,4}r.{0,4}e/s);
    }
  });

  it('leaves alone columns of digits, flags, box drawing and ordinary text', () => {
    const fine = [
      `Counts:\n${Array.from({ length: 12 }, (_, i) => String(i % 10)).join('\n')}\n`,
      `Flags: ${'TFTFTFTFTF'.split('').join(' ')}\n`,
      `Matrix:\n1 0 0 1 0 1 1 0 1\n`,
      `Tree:\n│\n│\n│\n├\n│\n│\n└\n│\n`,
      `${JSON.stringify(['x', 'y', 'z'])} and ['a', 'b']`,
      'Directory structure:\n└── repo\n    ├── README.md\n    └── setup.py\n',
      '\n\n\n\n\n\n\n\n\n\nblank lines only',
    ];
    for (const text of fine) expect(characterItems(text), text).toBeNull();
  });

  it('cites the step that produced the listing and the model call that read it, in ≥ 2 runs', () => {
    const listing = (id: string, sent = true) =>
      codeRun(id, [
        { reply: code('for x in tree[:20]: print(x)'), observation: shapes.perLine },
        { reply: code('print(tree.splitlines()[:20])'), observation: TREE, notSent: !sent },
      ]);
    const clean = codeRun('ok', [{ reply: code('print(tree.splitlines()[:20])'), observation: TREE }, { reply: code('final_answer(1)') }]);
    expect(detect.stringAsList!([listing('a'), clean])).toEqual([]);
    const traces = [listing('a'), listing('b', false), clean];
    const [f] = detect.stringAsList!(traces);
    expect(f!.data!.traceIds).toEqual(['a', 'b']);
    expect(f!.data!.occurrences).toEqual([
      { traceId: 'a', spanId: 'a-step1' },
      { traceId: 'a', spanId: 'a-llm2', role: 'received', of: 'a-step1' },
      { traceId: 'b', spanId: 'b-step1' },
    ]);
    expect(f!.evidence[0]!.excerpt).toBe([...TREE.slice(0, 20)].join('\n').trim());
    expect(shapes.perLine).toContain(f!.evidence[0]!.excerpt!);
    expect(f!.summary).toContain('2 such steps; 1 of them read back by the model');
  });

  it('counts a listing once where a step only passes on its tool result', () => {
    const t = codeRun('t', [{ reply: code('ls()'), observation: shapes.list }]);
    t.spans.push(makeSpan({ traceId: 't', spanId: 't-tool', parentId: 't-step1', name: 'ls', kind: 'tool', startTime: 1_001_600, endTime: 1_001_700, tool: { name: 'ls', arguments: {}, result: shapes.list } }));
    expect(characterListings(t).map((c) => c.span.spanId)).toEqual(['t-tool']);
  });
});

describe('detect.outputFormat', () => {
  const parseError = (prose: string) =>
    `Error in code parsing:\nYour code snippet is invalid, because the regex pattern \`\`\`(?:py|python)?\\n(.*?)\\n\`\`\` was not found in it.\nHere is your code snippet:\n${prose}`;

  it('groups per agent the steps whose model output the framework could not parse, whatever output they quote', () => {
    const traces = [
      codeRun('a', [{ reply: 'I am done: the fix is to widen the indent.', error: parseError('I am done: the fix is to widen the indent.') }, { reply: code('final_answer("x")') }]),
      codeRun('b', [{ reply: code('x = 1'), observation: 'Execution logs:\n1' }, { reply: "Here's the patch:\n```diff\n-a\n+b\n```", error: parseError("Here's the patch:") }, { reply: code('final_answer(1)') }]),
      codeRun('c', [{ reply: 'Final Answer maybe', error: "Could not parse LLM output: `Final Answer maybe`" }]),
      // The action parsed and then failed: not a format violation.
      codeRun('d', [{ reply: code('1/0'), error: "Code execution failed at line '1/0' due to: ZeroDivisionError" }]),
      codeRun('e', [{ reply: code('def f(:'), error: 'Code parsing failed on line 1 due to: SyntaxError' }]),
    ];
    const [f, ...rest] = detect.outputFormat!(traces);
    expect(rest).toEqual([]);
    expect(f!.data!.traceIds).toEqual(['a', 'b', 'c']);
    expect(f!.data!.steps).toBe(3);
    expect(f!.data!.occurrences).toEqual([
      { traceId: 'a', spanId: 'a-step1' },
      { traceId: 'a', spanId: 'a-llm2', role: 'received', of: 'a-step1' },
      { traceId: 'b', spanId: 'b-step2' },
      { traceId: 'b', spanId: 'b-llm3', role: 'received', of: 'b-step2' },
      { traceId: 'c', spanId: 'c-step1' },
    ]);
    for (const e of f!.evidence) expect(traces.find((t) => t.traceId === e.traceId)!.spans.find((s) => s.spanId === e.spanId)!.error!.message).toContain(e.excerpt!);
    expect(f!.summary).toContain('3 such steps; 2 of them sent back to the model');
    // One run is not a pattern.
    expect(detect.outputFormat!([traces[0]!, traces[3]!])).toEqual([]);
  });

  it('takes in the error signature that the same parse error would otherwise make', () => {
    const same = parseError('I am done.');
    const traces = ['a', 'b'].map((id) => codeRun(id, [{ reply: 'I am done.', error: same }, { reply: code('final_answer(1)') }]));
    expect(detect.errorSignatures!(traces)).toHaveLength(1);
    const all = runDetectors(traces);
    expect(all.filter((f) => f.source === 'detector:error-signatures')).toEqual([]);
    const f = all.find((x) => x.source === 'detector:output-format')!;
    expect(f.data!.errorSignatures).toHaveLength(1);
    expect(runDetectors(traces, { keepExplainedErrors: true }).filter((x) => x.source === 'detector:error-signatures')).toHaveLength(1);
  });

  it('finds the one rejected output in the TRAIL runs (below the two-run support by default)', async () => {
    const { traces } = await loadTraces(['tests/fixtures/real/trail-swe/traces']);
    expect(detect.outputFormat!(traces)).toEqual([]);
    const [f] = detect.outputFormat!(traces, { minTraces: 1 });
    expect(f!.data!.traceIds).toEqual(['8ddae19d9258d2d17b1a1b63066f3fd1']);
    const occ = f!.data!.occurrences as Occurrence[];
    const byId = new Map(traces.find((t) => t.traceId === '8ddae19d9258d2d17b1a1b63066f3fd1')!.spans.map((s) => [s.spanId, s]));
    expect(occ.map((o) => [byId.get(o.spanId)!.name, o.role])).toEqual([['Step 23', undefined], ['LiteLLMModel.__call__', 'received']]);
    expect(byId.get(byId.get(occ[1]!.spanId)!.parentId!)!.name).toBe('Step 24');
  });
});

describe('detect.repeatedSteps', () => {
  it('cites both steps of a repeat: the one sent again and the one it repeats', () => {
    const patch = code(Array.from({ length: 30 }, (_, i) => `line_${i} = apply_patch("file_${i}.py", offset=${i})`).join('\n'));
    const failed = (line: number) => `Code execution failed at line 'line_${line} = apply_patch(...)' due to: InterpreterError: Forbidden function evaluation: 'apply_patch' is not among the explicitly allowed tools`;
    const runs = ['a', 'b'].map((id) => codeRun(id, [{ reply: patch, error: failed(0) }, { reply: patch, error: failed(1) }]));
    const [f] = detect.repeatedSteps!(runs, { minTraces: 2 });
    expect(f!.data!.occurrences).toEqual([
      { traceId: 'a', spanId: 'a-llm2' },
      { traceId: 'a', spanId: 'a-llm1', role: 'repeated', of: 'a-llm2' },
      { traceId: 'b', spanId: 'b-llm2' },
      { traceId: 'b', spanId: 'b-llm1', role: 'repeated', of: 'b-llm2' },
    ]);
  });

  it('does not call a corrected retry a repeat: a near-copy that fixed the error and worked, or one that fails differently', () => {
    const patch = code(Array.from({ length: 30 }, (_, i) => `line_${i} = apply_patch("file_${i}.py", offset=${i})`).join('\n'));
    const fixed = patch.replace('offset=29', 'offset=29)');
    const syntax = "Code parsing failed on line 30 due to: SyntaxError\nline_29 = apply_patch(\"file_29.py\", offset=29 ^\nError: '(' was never closed";
    const corrected = ['a', 'b'].map((id) => codeRun(id, [{ reply: patch, error: syntax }, { reply: fixed, observation: 'Execution logs:\nNone' }]));
    expect(detect.repeatedSteps!(corrected, { minTraces: 2 })).toEqual([]);
    const other = ['a', 'b'].map((id) => codeRun(id, [{ reply: patch, error: syntax }, { reply: fixed, error: 'Code execution failed at line 3 due to: KeyError: x' }]));
    expect(detect.repeatedSteps!(other, { minTraces: 2 })).toEqual([]);
    // Two successful near-copies are not "without a new approach" either (the identical-calls and loop detectors' ground).
    const ok = ['a', 'b'].map((id) => codeRun(id, [{ reply: patch, observation: 'Execution logs:\nNone' }, { reply: patch, observation: 'Execution logs:\nNone' }]));
    expect(detect.repeatedSteps!(ok, { minTraces: 2 })).toEqual([]);
  });
});

/** A tool-calling chat run (τ-bench shape): model turns with text, each followed by the tool calls it made, if any. */
function chatRun(id: string, turns: { say: string; calls?: { name: string; args: unknown; error?: string }[] }[]): Trace {
  const t0 = 2_000_000;
  const spans: Span[] = [makeSpan({ traceId: id, spanId: `${id}-agent`, parentId: null, name: 'agent', kind: 'agent', startTime: t0, endTime: t0 + 100_000 })];
  turns.forEach((turn, i) => {
    const start = t0 + (i + 1) * 1000;
    spans.push(makeSpan({ traceId: id, spanId: `${id}-llm${i}`, parentId: `${id}-agent`, name: 'assistant turn', kind: 'llm', startTime: start, endTime: start + 100, output: turn.say }));
    (turn.calls ?? []).forEach((c, k) => {
      const s = start + 200 + k * 100;
      spans.push(makeSpan({
        traceId: id, spanId: `${id}-tool${i}-${k}`, parentId: `${id}-agent`, name: c.name, kind: 'tool', startTime: s, endTime: s + 50,
        tool: { name: c.name, arguments: c.args, result: c.error ?? 'ok' }, status: c.error ? 'error' : 'ok', error: c.error ? { type: null, message: c.error } : null,
      }));
    });
  });
  return makeTrace(spans, { startTime: t0, endTime: t0 + 100_000, durationMs: 100_000 });
}

describe('detect.repeatedSteps in tool-calling conversations', () => {
  const long = (what: string) => `I am sorry, but I cannot help with ${what} on an existing reservation under our policy. You may need to contact a human agent for further assistance. Would you like me to transfer you to a human agent now?`;
  const booking = (amount: number) => ({ user_id: 'u1', origin: 'JFK', destination: 'SEA', flight_type: 'one_way', cabin: 'economy', flights: [{ flight_number: 'F1', date: '2024-05-20' }], passengers: [{ first_name: 'A', last_name: 'B', dob: '1990-01-01' }], payment_methods: [{ payment_id: 'card_1', amount }], total_baggages: 0, nonfree_baggages: 0, insurance: 'no' });
  it('does not count a similar reply to the user, or a tool call sent again with changed arguments, as a repeat', () => {
    const runs = ['a', 'b'].map((id) =>
      chatRun(id, [
        { say: long('removing a passenger') },
        { say: long('cancelling a passenger') },
        { say: 'Booking it now.', calls: [{ name: 'book_reservation', args: booking(255), error: 'Error: payment amount does not add up' }] },
        { say: 'Booking it now with the corrected amount.', calls: [{ name: 'book_reservation', args: booking(305) }] },
        // The same successful call again is the identical-calls detector's finding, not a retried failure.
        { say: 'Booking the same again.', calls: [{ name: 'book_reservation', args: booking(305) }] },
      ]),
    );
    expect(detect.repeatedSteps!(runs, { minTraces: 2 })).toEqual([]);
  });
  it('counts a failed tool call sent again with the same arguments', () => {
    const runs = ['a', 'b'].map((id) =>
      chatRun(id, [
        { say: 'Booking it now.', calls: [{ name: 'book_reservation', args: booking(255), error: 'Error: payment amount does not add up' }] },
        { say: 'Let me try that again.', calls: [{ name: 'book_reservation', args: booking(255), error: 'Error: payment amount does not add up' }] },
      ]),
    );
    const [f] = detect.repeatedSteps!(runs, { minTraces: 2 });
    expect(f!.data!.traceIds).toEqual(['a', 'b']);
    expect(f!.evidence.map((e) => e.spanId)).toEqual(['a-llm1', 'b-llm1']);
  });
});

describe('on the copied TRAIL SWE-bench runs', () => {
  it('every received citation is a later model call whose newest input holds the text it received', async () => {
    const { traces } = await loadTraces(['tests/fixtures/real/trail-swe/traces']);
    const byId = new Map(traces.map((t) => [t.traceId, new Map(t.spans.map((s) => [s.spanId, s]))]));
    const found = [...detect.errorSignatures!(traces), ...detect.stringAsList!(traces)];
    let received = 0;
    for (const f of found) {
      for (const o of f.data!.occurrences as Occurrence[]) {
        if (o.role !== 'received') continue;
        received++;
        const spans = byId.get(o.traceId)!;
        const reader = spans.get(o.spanId)!;
        const source = spans.get(o.of!)!;
        expect(reader.kind).toBe('llm');
        expect(reader.startTime).toBeGreaterThanOrEqual(source.endTime);
        const sourceText = source.status === 'error' ? (source.error?.message || source.statusMessage || '') : String(source.output);
        const probe = source.status === 'error' ? probeOf(sourceText)! : sourceText.slice(characterItems(sourceText)![0], characterItems(sourceText)![0] + 80);
        expect(modelInputText(reader)).toContain(probe);
      }
    }
    expect(received).toBeGreaterThan(20);
  });

  it('finds the string walked as a list in real runs, each cited output really listing characters', async () => {
    const { traces } = await loadTraces(['tests/fixtures/real/trail-swe/traces']);
    const [f] = detect.stringAsList!(traces);
    expect(f).toBeDefined();
    expect((f!.data!.traceIds as string[]).length).toBeGreaterThanOrEqual(10);
    const byId = new Map(traces.map((t) => [t.traceId, t]));
    for (const e of f!.evidence) {
      const s = byId.get(e.traceId)!.spans.find((x) => x.spanId === e.spanId)!;
      // The excerpt is the listing itself, not text around it.
      const out = String(s.output);
      const at = characterItems(out)!;
      expect(at).not.toBeNull();
      expect(out.slice(at[0], at[1])).toContain(e.excerpt!);
      expect(e.excerpt!.length).toBeGreaterThanOrEqual(2 * 8 - 1);
    }
  });
});
