// Secrets in trace content (API keys, tokens, passwords in URLs, JWTs, plus
// the user's own patterns) are replaced before any text reaches a model or a
// report. Pure (no Node imports): the same rules can run inside the isolate.

import { UsageError } from './errors.ts';

export interface RedactRule {
  name: string;
  pattern: RegExp;
  /** Replacement; `$1`-style groups keep the non-secret part (e.g. "Bearer "). */
  replace: string;
}

const R = (name: string, pattern: RegExp, replace = `[REDACTED:${name}]`): RedactRule => ({ name, pattern, replace });

/** Ordered: specific token shapes before generic ones, so sk-ant- is not reported as an OpenAI key. */
export const SECRET_RULES: RedactRule[] = [
  R('private_key', /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g),
  R('anthropic_key', /\bsk-ant-[A-Za-z0-9_-]{16,}/g),
  R('openai_key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g),
  R('github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g),
  R('aws_access_key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g),
  R('google_api_key', /\bAIza[0-9A-Za-z_-]{35}\b/g),
  R('slack_token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/g),
  R('stripe_key', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g),
  R('jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g),
  R('bearer', /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi, '$1[REDACTED:bearer]'),
  R('url_password', /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(@)/gi, '$1[REDACTED:password]$2'),
  R(
    'secret_assignment',
    /((?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)["']?\s*[:=]\s*["']?)(?!\[REDACTED)[^\s"',;}&]{6,}/gi,
    '$1[REDACTED:secret]',
  ),
];

export interface RedactOptions {
  /** Built-in secret rules (default true). */
  secrets?: boolean;
  /** Extra user regexes (`--redact-pattern`); strings are compiled with the `g` flag. */
  patterns?: (string | RegExp)[];
}

export interface Redactor {
  (text: string): string;
  /** How many replacements this redactor has made, by rule. */
  readonly counts: Record<string, number>;
  readonly rules: RedactRule[];
}

/** Compiles a user pattern, failing with a message that names it. */
export function compileUserPattern(p: string | RegExp, i = 0): RedactRule {
  if (p instanceof RegExp) return R(`pattern_${i + 1}`, new RegExp(p.source, p.flags.includes('g') ? p.flags : p.flags + 'g'), '[REDACTED]');
  try {
    return R(`pattern_${i + 1}`, new RegExp(p, 'g'), '[REDACTED]');
  } catch (err) {
    throw new UsageError(`--redact-pattern "${p}" is not a valid regular expression: ${(err as Error).message}`);
  }
}

export function createRedactor(opts: RedactOptions = {}): Redactor {
  const rules = [...(opts.secrets === false ? [] : SECRET_RULES), ...(opts.patterns ?? []).map(compileUserPattern)];
  const counts: Record<string, number> = {};
  const redact = ((text: string): string => {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = text;
    for (const rule of rules) {
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (...args) => {
        counts[rule.name] = (counts[rule.name] ?? 0) + 1;
        // Expand $n groups by hand: the replacer form does not do it for us.
        return rule.replace.replace(/\$(\d)/g, (_, n) => String(args[Number(n)] ?? ''));
      });
    }
    return out;
  }) as Redactor;
  Object.defineProperty(redact, 'counts', { value: counts });
  Object.defineProperty(redact, 'rules', { value: rules });
  return redact;
}

/** Redacts every string inside a JSON-like value (keys included), returning a copy. */
export function redactDeep<T>(value: T, redact: (s: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}

/** A redactor that changes nothing (`--no-redact` with no patterns). */
export const noRedaction: Redactor = Object.assign((s: string) => s, { counts: {}, rules: [] }) as Redactor;
