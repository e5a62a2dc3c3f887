// Round 26's blind review of DA-Code on Qwen2-72B (held out until then): two overstated claims about the harness's
// refusals, now checked on the real runs (sources and licenses in tests/fixtures/real/README.md).
import { describe, expect, it } from 'vitest';
import { byTitle } from './helpers/real-findings.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';

const qwen = async () =>
  (await loadTraces(['tests/fixtures/real/dacode-da-agent-qwen2-72b/Qwen2-72B-Instruct'], { outcomes: readOutcomeFiles(['tests/fixtures/real/dacode-da-agent-qwen2-72b/Qwen2-72B-Instruct_result.json']) })).traces;

describe('DA-Code on Qwen2-72B (round 26): the harness\'s refusals', () => {
  it('a refusal is no attempt at the tool: retries count only calls that ran', async () => {
    const f = byTitle(runDetectors(await qwen()), /^Python: retries never succeed/);
    // dm-csv-059 tool-15 and ml-regression-021 tool-18 were refused as the same action: 45 counted before, 42 ran.
    expect(f.summary).toMatch(/\(42 failed attempts in all;/);
  });

  it('replies whose code blocks are the same, around a reworded Thought, repeated their code themselves', async () => {
    const f = byTitle(runDetectors(await qwen()), /^Python: The action is the same as the last one/);
    // dm-csv-059 llm-17, plot-line-002 llm-10, …: only the Thought text differed (the reviewer: 4 of 4 such cases).
    expect(f.rootCause.statement).not.toMatch(/In 4 of the 6 refusals/);
    expect(f.rootCause.statement).toMatch(/In 1 of the 6 refusals \(repeats included\) the model's reply differed/);
  });
});
