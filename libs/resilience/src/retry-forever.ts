import type { IBackoff } from 'cockatiel';
import { fullJitterBackoff, type BackoffOptions } from './backoff.js';
import { OperationAbortedError } from './errors.js';
import { neverAbortedSignal } from './events.js';

export interface RetryForeverOptions extends BackoffOptions {
  /** Stops the loop; the promise then rejects with OperationAbortedError. */
  signal?: AbortSignal;
  /** Called after each failure, before waiting (for logs/metrics). Must not throw. */
  onError?: (error: unknown, info: { operation: string; attempt: number; delayMs: number }) => void;
}

/** Resolves after `ms`, or early once `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * For background loops such as "connect to the database until it comes
 * back": calls `fn` until it succeeds, waiting a full-jitter exponential
 * backoff (default 100 ms doubling up to 30 s) between attempts.
 *
 * The delays come from cockatiel's ExponentialBackoff. The loop itself is not
 * cockatiel's RetryPolicy because that sleeps on a timer the AbortSignal
 * cannot cut short, so a stopped loop would hold shutdown for up to
 * `maxDelayMs`; here abort ends the wait at once.
 */
export async function retryForever<T>(
  operation: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: RetryForeverOptions = {},
): Promise<T> {
  const { signal = neverAbortedSignal, onError, initialDelayMs = 100, maxDelayMs = 30_000 } = options;
  const factory = fullJitterBackoff({ initialDelayMs, maxDelayMs });
  const aborted = (): OperationAbortedError => new OperationAbortedError(operation, { cause: signal.reason });
  let backoff: IBackoff<unknown> | undefined;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw aborted();
    try {
      return await fn(signal);
    } catch (error) {
      if (signal.aborted) throw aborted();
      backoff = backoff ? backoff.next(undefined) : factory.next();
      onError?.(error, { operation, attempt, delayMs: backoff.duration });
      await pause(backoff.duration, signal);
    }
  }
}
