import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep } from '../src/redact.ts';

describe('redaction', () => {
  const redact = createRedactor();

  it.each([
    ['openai key', 'key=sk-proj-abcdefghijklmnopqrstuvwx1234', 'sk-proj-abcdefghijklmnopqrstuvwx1234', 'openai_key'],
    ['anthropic key', 'use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv now', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv', 'anthropic_key'],
    ['github token', 'token ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'github_token'],
    ['aws key', 'AKIAIOSFODNN7EXAMPLE in env', 'AKIAIOSFODNN7EXAMPLE', 'aws_access_key'],
    ['bearer', 'Authorization: Bearer abc.def-ghi_jkl123456', 'abc.def-ghi_jkl123456', 'bearer'],
    ['url password', 'postgres://admin:hunter2secret@db.internal:5432/app', 'hunter2secret', 'password'],
    [
      'jwt',
      'cookie eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJhbGciOiJIUzI1NiJ9',
      'jwt',
    ],
    ['password assignment', '{"password": "correct-horse-battery"}', 'correct-horse-battery', 'secret'],
  ])('removes a %s', (_name, text, secret, label) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(`[REDACTED:${label}]`);
  });

  it('keeps the surrounding text and ordinary content', () => {
    expect(redact('Bearer abcdefghijklmnop1234 was rejected')).toBe('Bearer [REDACTED:bearer] was rejected');
    expect(redact('postgres://admin:pw123456@db/x')).toBe('postgres://admin:[REDACTED:password]@db/x');
    const plain = 'The flight UA123 to SFO was cancelled; task-ask about skiing; sk-short';
    expect(redact(plain)).toBe(plain);
  });

  it('labels an Anthropic key as Anthropic, not OpenAI', () => {
    expect(redact('sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxx')).toBe('[REDACTED:anthropic_key]');
  });

  it('is idempotent', () => {
    const once = redact('Bearer abcdefghijklmnop1234 and password=hunter2hunter2 and sk-abcdefghijklmnopqrstuvwxyz');
    expect(redact(once)).toBe(once);
  });

  it('applies user patterns and counts replacements', () => {
    const r = createRedactor({ patterns: ['CUST-\\d{6}'] });
    expect(r('customer CUST-123456 and CUST-654321')).toBe('customer [REDACTED] and [REDACTED]');
    expect(r.counts.pattern_1).toBe(2);
  });

  it('rejects an invalid user pattern with a message naming it', () => {
    expect(() => createRedactor({ patterns: ['(unclosed'] })).toThrow(/--redact-pattern "\(unclosed" is not a valid regular expression/);
  });

  it('can turn built-in rules off while keeping user patterns', () => {
    const r = createRedactor({ secrets: false, patterns: [/internal-\w+/] });
    expect(r('sk-abcdefghijklmnopqrstuvwxyz internal-host')).toBe('sk-abcdefghijklmnopqrstuvwxyz [REDACTED]');
  });

  it('redacts every string in nested data', () => {
    const out = redactDeep({ a: ['Bearer abcdefghijklmnop1234'], b: { c: 'ok', n: 3 } }, redact);
    expect(out).toEqual({ a: ['Bearer [REDACTED:bearer]'], b: { c: 'ok', n: 3 } });
  });
});
