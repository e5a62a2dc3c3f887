// Streaming with an idle timeout: a long reply (a reasoning model thinking for
// minutes) is fine as long as bytes keep coming; a stream that goes silent
// for `idleMs` is aborted and retried like a timeout. The SDK's own timeout
// only covers the wait for the response headers.
import { StreamError } from './types.ts';


export interface IdleGuard {
  /** Aborts on the caller's signal or after `idleMs` without progress. */
  readonly signal: AbortSignal;
  /** Progress: restart the idle clock. */
  touch(): void;
  /** Stops the clock; returns a retryable timeout error when it fired, else the original error. */
  explain(error: unknown): unknown;
  /**
   * Stops the clock; throws when the stream ended because of an abort. The
   * SDKs end a stream's iteration quietly on abort, which would otherwise
   * pass a cut-off reply for a whole one.
   */
  done(): void;
}

export function idleGuard(idleMs: number, outer?: AbortSignal): IdleGuard {
  const controller = new AbortController();
  let fired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fired = true;
      controller.abort();
    }, idleMs);
    timer.unref?.();
  };
  const onOuter = () => controller.abort(outer!.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuter, { once: true });
  arm();
  const stop = () => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  };
  const explain = (error: unknown) => {
    stop();
    if (!fired) return error;
    return new StreamError(`the stream was idle for ${Math.round(idleMs / 1000)}s`, { name: 'IdleTimeout', connectionError: true, timedOut: true, cause: error });
  };
  return {
    signal: controller.signal,
    touch: arm,
    explain,
    done() {
      stop();
      if (controller.signal.aborted) throw explain(controller.signal.reason ?? new Error('aborted'));
    },
  };
}
