// OpenHands events keep what each model response cost: the response's `usage` in `tool_call_metadata`, and
// `llm_metrics` (the newest token usage, the session's accumulated cost). Without them the report said no run
// records tokens or cost, and token and cost outliers could not be checked, though the files hold both.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';

const GPT4O = fileURLToPath(new URL('./fixtures/real/openagentsafety-openhands/gpt-4o/', import.meta.url));
const MULTI = fileURLToPath(new URL('./fixtures/real/openhands/multi-swe-bench-output.jsonl', import.meta.url));

type Event = { llm_metrics?: { accumulated_cost?: number; token_usages?: { prompt_tokens: number; completion_tokens: number; response_id: string }[] } };

describe('OpenHands model usage', () => {
  it("a run's cost is the session's last accumulated cost, and every response's tokens are kept once", async () => {
    const { traces } = await loadTraces([GPT4O]);
    for (const file of readdirSync(GPT4O)) {
      const events = JSON.parse(gunzipSync(readFileSync(GPT4O + file)).toString('utf8')) as Event[];
      const metered = events.filter((e) => e.llm_metrics?.accumulated_cost !== undefined);
      const trace = traces.find((t) => t.taskId === file.replace(/^traj_/, '').replace(/\.json\.gz$/, ''))!;
      const last = metered.length > 0 ? metered[metered.length - 1]!.llm_metrics!.accumulated_cost! : 0;
      if (last > 0) expect(trace.costUsd).toBeCloseTo(last, 9);
      const llm = trace.spans.filter((s) => s.kind === 'llm');
      // One response is one model call of the run, however many of its actions (events) repeat its usage.
      const responses = new Map(metered.flatMap((e) => e.llm_metrics!.token_usages!.slice(-1)).map((u) => [u.response_id, u]));
      expect(trace.tokens?.input ?? 0).toBe([...responses.values()].reduce((n, u) => n + u.prompt_tokens, 0));
      expect(trace.tokens?.output ?? 0).toBe([...responses.values()].reduce((n, u) => n + u.completion_tokens, 0));
      expect(llm.filter((s) => s.tokens !== null).length).toBe(responses.size);
    }
  });

  it('a session whose accumulated cost stays 0 has no price, not a free model: its calls record no cost', async () => {
    const { traces } = await loadTraces([MULTI]);
    expect(traces).toHaveLength(3);
    const llm = traces.flatMap((t) => t.spans.filter((s) => s.kind === 'llm'));
    expect(llm.some((s) => s.tokens !== null && s.tokens.input > 0)).toBe(true);
    expect(llm.every((s) => s.costUsd === null)).toBe(true);
  });
});
