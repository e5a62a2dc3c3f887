// ChatDev 1.x run logs (plain text, one run per file): phases as chain spans,
// each agent's reply as an llm span of that agent, failed OpenAI calls owned
// by the agent whose call was retried, the framework's test runs as tool
// spans. Real logs from OpenBMB/ChatDev's WareHouse (see the fixtures' READMEs).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const real = (p: string) => fileURLToPath(new URL(`./fixtures/real/chatdev-warehouse/logs/${p}`, import.meta.url));
const excerpt = fileURLToPath(new URL('./fixtures/formats/chatdev/article-pic-start.log', import.meta.url));

async function one(path: string): Promise<Trace> {
  const { traces, stats } = await loadTraces([path]);
  expect(stats.badRecords).toBe(0);
  expect(traces).toHaveLength(1);
  return traces[0]!;
}
const childrenOf = (t: Trace, parent: Span) => t.spans.filter((s) => s.parentId === parent.spanId).sort((a, b) => a.startTime - b.startTime);

describe('ChatDev run log', () => {
  it('reads a gzipped log as one run: phases in order, each reply an llm span of its agent with its tokens', async () => {
    const t = await one(real('BMI_Calculator_DefaultOrganization_20230918110521.log.gz'));
    expect(t.source.format).toBe('chatdev');
    expect(t.taskId).toBe('BMI Calculator');
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.input).toBe('Build a BMI calculator application that will take necessary inputs and then will out the BMI');
    const phases = childrenOf(t, root).filter((s) => s.kind === 'chain');
    expect(phases.slice(0, 4).map((s) => s.name)).toEqual(['DemandAnalysis', 'LanguageChoose', 'Coding', 'CodeReviewComment']);
    expect(phases[1]!.output).toBe('<INFO> Python');
    // The log's `[2023-18-09 11:05:21 INFO]` is day before month.
    expect(new Date(root.startTime).toISOString()).toBe('2023-09-18T11:05:21.000Z');

    const [reply] = childrenOf(t, phases[2]!);
    expect(reply!.kind).toBe('llm');
    expect(reply!.agentName).toBe('Programmer');
    expect(reply!.model).toBe('GPT_3_5_TURBO');
    expect(reply!.tokens).toEqual({ input: 567, output: 500, total: 1067 });
    expect(reply!.attributes['chatdev.pair']).toBe('Programmer<->Chief Technology Officer');
    expect(String(reply!.output)).toMatch(/^main\.py/);
    // ChatDev logs the other role's system prompt before the reply: kept apart from it.
    expect(String(reply!.attributes['chatdev.logged_system_message'])).toContain('You are Chief Technology Officer');
  });

  it('a self-reflection chat runs inside the phase it reflects on, which concludes after it', async () => {
    const t = await one(real('BMI_Calculator_DefaultOrganization_20230918110521.log.gz'));
    const env = t.spans.find((s) => s.name === 'EnvironmentDoc')!;
    const reflection = t.spans.find((s) => s.name === 'Reflection')!;
    expect(reflection.parentId).toBe(env.spanId);
    expect(childrenOf(t, reflection).map((s) => s.agentName)).toEqual(['Chief Executive Officer']);
    expect(String(env.output)).toMatch(/^<INFO> Chief Executive Officer: As the Chief Executive Officer, I agree/);
    expect(t.spans.filter((s) => s.name === 'Seminar Conclusion')).toEqual([]);
  });

  it('a plain .log written on Windows: failed OpenAI calls are owned by the agent whose call was retried', async () => {
    const t = await one(excerpt);
    const phase = t.spans.find((s) => s.name === 'LanguageChoose')!;
    const kids = childrenOf(t, phase);
    const failed = kids.filter((s) => s.status === 'error');
    expect(failed.length).toBeGreaterThan(10);
    for (const f of failed) {
      expect(f.kind).toBe('llm');
      expect(f.agentName).toBe('Chief Technology Officer');
      expect(f.error!.type).toBe('rate_limit_exceeded');
      expect(f.error!.message).toMatch(/^Rate limit reached for gpt-4 in organization org-\w+ on tokens per min\. Limit: 10000 \/ min\./);
    }
    expect(failed[0]!.attributes['chatdev.retry_notice']).toMatch(/, retrying in 0 seconds\.\.\.$/);
    const replies = kids.filter((s) => s.status === 'ok');
    expect(replies.map((s) => s.agentName)).toEqual(['Chief Technology Officer', 'Chief Executive Officer']);
    expect(replies[1]!.output).toBe('<INFO> Python');
  });

  it("the framework's test run is a tool span: failed with the error its traceback ends in, ok when it ran clean", async () => {
    const t = await one(real('Article_pic_DefaultOrganization_20231023003059.log.gz'));
    const tests = t.spans.filter((s) => s.name === 'Test Reports').sort((a, b) => a.startTime - b.startTime);
    expect(tests[0]!.kind).toBe('tool');
    expect(tests[0]!.status).toBe('error');
    expect(tests[0]!.error).toEqual({ type: 'ImportError', message: expect.stringMatching(/^ImportError: cannot import name 'ArticleProcessor' from 'article_processor'/) });
    expect(String(tests[0]!.tool!.result)).toMatch(/^Traceback \(most recent call last\):/);
    const passed = (await one(real('BMI_Calculator_DefaultOrganization_20230918110521.log.gz'))).spans.find((s) => s.name === 'Test Reports')!;
    expect(passed.status).toBe('ok');
  });

  it('entries another logger wrote month-first keep the run in one day', async () => {
    const t = await one(real('Tetris_zhuoyundu_20240115181403.log.gz'));
    expect(t.durationMs).toBeLessThan(3_600_000);
  });
});
