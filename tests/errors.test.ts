import { describe, expect, it } from 'vitest';
import { HaloError, InputError, InternalError, UsageError, exitCodeOf, isUserError } from '../src/errors.ts';
import { WindowError, parseDuration } from '../src/ingest/window.ts';
import { ConfigError } from '../src/config/load.ts';
import { LockedError } from '../src/history/lock.ts';
import { ExportHttpError } from '../src/export/http.ts';
import { ProviderError } from '../src/providers/types.ts';
import { SandboxError } from '../src/sandbox/supervisor.ts';
import { fileURLToPath } from 'node:url';
import { halorun } from './helpers/cli.ts';

describe('error hierarchy', () => {
  it('every error that crosses a module is a HaloError with the exit code of its kind', () => {
    const cases: [unknown, string, number][] = [
      [new UsageError('x'), 'usage', 2],
      [new InputError('x'), 'input', 2],
      [new InternalError('x'), 'internal', 3],
      [new WindowError('bad window'), 'usage', 2],
      [new ConfigError('bad config'), 'usage', 2],
      [new LockedError('/tmp/lock', 'pid 1'), 'usage', 2],
      [new ExportHttpError('POST', 'http://127.0.0.1/x', 500, 'boom'), 'provider', 1],
      [new ProviderError({ provider: 'openai', model: 'm', message: 'refused', retryable: false, attempts: 1 }), 'provider', 1],
      [new SandboxError('bad traces', 'input'), 'input', 2],
      [new SandboxError('crashed'), 'internal', 3],
    ];
    for (const [err, kind, code] of cases) {
      expect(HaloError.isInstance(err)).toBe(true);
      expect((err as HaloError).kind).toBe(kind);
      expect(exitCodeOf(err)).toBe(code);
      expect(isUserError(err)).toBe(code === 2);
    }
  });

  it('anything else is internal, and a look-alike object is not a HaloError', () => {
    expect(exitCodeOf(new Error('bug'))).toBe(3);
    expect(exitCodeOf('thrown string')).toBe(3);
    expect(HaloError.isInstance({ exitCode: 2, kind: 'usage', message: 'duck' })).toBe(false);
    expect(isUserError(Object.assign(new Error('x'), { exitCode: 2 }))).toBe(false);
  });

  it('keeps a stable code and the cause', () => {
    const cause = new Error('root');
    const e = new InputError('cannot read', { code: 'ingest.unreadable', cause });
    expect(e.code).toBe('ingest.unreadable');
    expect(e.cause).toBe(cause);
    expect(new UsageError('x').code).toBe('usage');
    expect(() => parseDuration('seven days', '--window')).toThrow(WindowError);
  });

  it('the CLI maps kinds to exit codes: bad usage exits 2 with the message', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const r = halorun(root, ['analyze', 'samples/week', '--window', 'fortnight', '--no-history']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--window/);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
