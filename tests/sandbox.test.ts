// The sandbox end to end: a real child process and isolate over real fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import type { Sandbox } from '../src/sandbox/api.ts';

const TINY = 'tests/fixtures/halo/tiny_traces.jsonl';
const MEDIUM = 'tests/fixtures/halo/medium_traces.jsonl';

describe('sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = createSandbox({ files: [MEDIUM], cellTimeoutMs: 5000 });
  });
  afterAll(() => sb.close());

  it('loads traces into the isolate', async () => {
    const s = await sb.load();
    expect(s.traces).toBeGreaterThan(10);
    const r = await sb.run('print(traces.length, meta.traces); traces.length');
    console.log(r);
    expect(r.ok).toBe(true);
  });
});
