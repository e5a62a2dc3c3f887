import { describe, expect, it } from 'vitest';
import { tryParseDuration } from '../src/duration.ts';
import { parseDuration, WindowError } from '../src/ingest/window.ts';
import { durationMs } from '../src/config/options.ts';
import { parseRlmConfig } from '../src/rlm/config.ts';
import { UsageError } from '../src/errors.ts';

describe('one duration grammar', () => {
  it('window and wall budget read the same units, chained parts included', () => {
    for (const [text, ms] of [['90s', 90_000], ['30m', 1_800_000], ['1h30m', 5_400_000], ['7d', 604_800_000], ['1d12h', 129_600_000], ['1500ms', 1_500], ['2w', 1_209_600_000]] as const) {
      expect(parseDuration(text, '--window')).toBe(ms);
      expect(durationMs(text)).toBe(ms);
    }
  });

  it('a bare number is seconds for --max-wall and not a window', () => {
    expect(durationMs('20')).toBe(20_000);
    expect(parseRlmConfig({ model: 'm', maxWall: '20' }, {}).limits.maxWallMs).toBe(20_000);
    expect(() => parseDuration('20', '--window')).toThrow(WindowError);
    expect(tryParseDuration('20')).toBeUndefined();
  });

  it('rejects what is not a duration with the option named', () => {
    expect(() => durationMs('soon')).toThrow(UsageError);
    expect(() => parseRlmConfig({ model: 'm', maxWall: 'soon' }, {})).toThrow(/maxWall: "soon" is not a duration/);
    expect(() => parseDuration('0d', '--window')).toThrow(/longer than zero/);
    expect(() => parseDuration('7 days', '--window')).toThrow(/--window/);
  });
});
