// What a user's runs leave in their checkout stays out of git: the default
// report folder and the run history.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ignored = readFileSync(new URL('../.gitignore', import.meta.url), 'utf8').split('\n').map((l) => l.trim());

describe('.gitignore', () => {
  it('covers halo-report/ and .halo/, which the Quickstart writes', () => {
    expect(ignored).toContain('halo-report/');
    expect(ignored).toContain('.halo/');
  });
});
