/**
 * Every error that crosses a module boundary is a HaloError: it carries what
 * kind of failure it is (so the CLI picks the exit code in one place) and a
 * stable code a library user can switch on.
 *
 * Recognize them with `HaloError.isInstance(err)` rather than `instanceof`:
 * the CLI bundle, the library bundle and a user's own copy of the package may
 * each hold their own class object (the AI SDK's errors do the same).
 */

const MARKER = Symbol.for('halo.error');

/** usage: bad flags or config (exit 2) · input: data that cannot be read or used (exit 2) ·
 *  provider: a model provider or tracker refused (exit 1) · internal: a bug in halo (exit 3). */
export type HaloErrorKind = 'usage' | 'input' | 'provider' | 'internal';

const EXIT_CODES: Record<HaloErrorKind, number> = { usage: 2, input: 2, provider: 1, internal: 3 };

export interface HaloErrorOptions {
  /** Stable machine-readable code, e.g. `window.bad_duration`. Defaults to the kind. */
  code?: string;
  cause?: unknown;
}

export class HaloError extends Error {
  private readonly [MARKER] = true;
  readonly code: string;

  constructor(
    readonly kind: HaloErrorKind,
    message: string,
    options: HaloErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HaloError';
    this.code = options.code ?? kind;
  }

  /** The process exit code the CLI uses for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  static isInstance(err: unknown): err is HaloError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A flag, option or config value the user must change. */
export class UsageError extends HaloError {
  constructor(message: string, options?: HaloErrorOptions) {
    super('usage', message, options);
    this.name = 'UsageError';
  }
}

/** Input data that cannot be read or used as given (missing file, strict-mode bad record, …). */
export class InputError extends HaloError {
  constructor(message: string, options?: HaloErrorOptions) {
    super('input', message, options);
    this.name = 'InputError';
  }
}

/** Something halo itself got wrong. */
export class InternalError extends HaloError {
  constructor(message: string, options?: HaloErrorOptions) {
    super('internal', message, options);
    this.name = 'InternalError';
  }
}

/** The message of anything thrown (an Error's, else its string form). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for errors the user can fix by changing flags, config or input (exit 2). */
export function isUserError(err: unknown): err is HaloError {
  return HaloError.isInstance(err) && (err.kind === 'usage' || err.kind === 'input');
}

/** The exit code for any thrown value: a HaloError's own, 3 (internal) for anything else. */
export function exitCodeOf(err: unknown): number {
  return HaloError.isInstance(err) ? err.exitCode : 3;
}
