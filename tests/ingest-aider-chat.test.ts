// Aider chat histories (tests/fixtures/real/ai-scientist-aider): the AI
// Scientist driving Aider through an idea's experiments and write-up, one
// history per idea, read as plain text.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/ai-scientist-aider/', import.meta.url));
const load = () => loadTraces([join(DIR, 'logs')], {});

const byTask = (traces: Trace[], task: string): Trace => traces.find((t) => t.taskId === task)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);

describe('AI Scientist Aider chat histories', () => {
  it('10 runs, one per history file, named by file, the session start kept', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(10);
    expect(traces.every((t) => t.source.format === 'aider-chat' && t.agentName === 'aider')).toBe(true);
    const t = byTask(traces, '20240725_214144_rl_lr_adaptation');
    expect(t.traceId).toBe('aider:20240725_214144_rl_lr_adaptation_aider.txt');
    expect(root(t).attributes['aider.chat_started']).toBe('2024-07-25 21:41:45');
    expect(root(t).input).toMatch(/^Your goal is to implement the following idea: Reinforcement Learning for Dynamic Learning Rate Adaptation/);
    // No verdict is in the histories (the reviews beside them are not joined).
    expect(traces.every((t) => t.outcome === null || t.outcome === undefined)).toBe(true);
    expect(traces.reduce((n, x) => n + ofKind(x, 'llm').length, 0)).toBe(549);
  });

  it('a reply with SEARCH/REPLACE blocks is an edit call answered by what Aider printed; the token report counts that reply', async () => {
    const { traces } = await load();
    const t = byTask(traces, '20240725_214144_rl_lr_adaptation');
    const llm = ofKind(t, 'llm');
    expect(llm[0]!.tokens).toEqual({ input: 10207, output: 1220, total: 11427 });
    expect(llm[0]!.costUsd).toBeCloseTo(0.069335, 6);
    expect(llm[0]!.output).toMatch(/^### Experiment Plan/);
    const edits = ofKind(t, 'tool');
    expect(edits.every((s) => s.tool!.name === 'edit')).toBe(true);
    expect(edits[0]!.tool!.arguments).toEqual({ files: ['q_learning_agent.py', 'experiment.py'], blocks: 4 });
    expect(String(edits[0]!.tool!.result)).toMatch(/^Allow creation of new file q_learning_agent\.py\? yes\nApplied edit to q_learning_agent\.py\nApplied edit to experiment\.py/);
    // The linter's complaints after an applied edit are a result, not a failure.
    expect(edits[0]!.status).toBe('ok');
    expect(edits[0]!.attributes['aider.lint_errors']).toBe(true);
    expect(edits[0]!.attributes['aider.applied']).toEqual(['q_learning_agent.py', 'experiment.py']);
    // The harness's report of the experiment it ran is the next user message.
    const users = root(t).messages!.filter((m) => m.role === 'user');
    expect(users.filter((m) => m.content.startsWith('Run failed with the following error'))).toHaveLength(1);
  });

  it('an edit Aider could not apply is a failed call; Aider giving up is marked', async () => {
    const { traces } = await load();
    const t = byTask(traces, '20240725_214144_rl_lr_adaptation');
    const failed = ofKind(t, 'tool').filter((s) => s.status === 'error');
    expect(failed).toHaveLength(25);
    expect(failed[0]!.error).toEqual({ type: 'edit_format', message: 'The LLM did not conform to the edit format.' });
    expect(ofKind(t, 'tool').filter((s) => s.attributes['aider.reflections_exhausted'] === true)).toHaveLength(5);
    expect(traces.reduce((n, x) => n + ofKind(x, 'tool').filter((s) => s.status === 'error').length, 0)).toBe(124);
  });

  it('a model call that raised (Anthropic rate limit) is a failed llm span with no reply', async () => {
    const { traces } = await load();
    const t = byTask(traces, '20240804_022805_data_augmentation_grokking');
    const failed = ofKind(t, 'llm').filter((s) => s.status === 'error');
    expect(failed).toHaveLength(8);
    expect(failed[0]!.error!.type).toBe('litellm.RateLimitError');
    expect(failed[0]!.error!.message).toMatch(/^Unexpected error: litellm\.RateLimitError: AnthropicException - .*rate_limit_error/);
    expect(failed[0]!.output).toBe('');
    expect(traces.reduce((n, x) => n + ofKind(x, 'llm').filter((s) => s.status === 'error').length, 0)).toBe(33);
  });

  it('each model call carries what the log shows it was sent since the previous reply: a refused request, then the next request', async () => {
    const { traces } = await load();
    const t = byTask(traces, '20240804_022805_data_augmentation_grokking');
    const calls = ofKind(t, 'llm');
    const sent = (s: Span) => (s.messages ?? []).filter((m) => m.role !== 'assistant').map((m) => m.content);
    // Raw line 1417: "Please fill in the Introduction …" is refused for the daily limit; the next request refines it instead.
    const refused = calls.find((s) => s.status === 'error' && sent(s).some((c) => /fill in the Introduction/.test(c)))!;
    expect(refused).toBeDefined();
    const next = calls[calls.indexOf(refused) + 1]!;
    expect(sent(next).some((c) => /criticize and refine only the Introduction/i.test(c))).toBe(true);
    expect(sent(next).some((c) => /fill in the Introduction/.test(c))).toBe(true);
    // A reply that answers an edit result was sent that result.
    expect(calls.some((s) => (s.messages ?? []).some((m) => m.role === 'tool'))).toBe(true);
  });
});
