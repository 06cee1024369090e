import { handleAll, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { fullJitterBackoff, type BackoffOptions } from './backoff.js';
import { reasonError, type Listen } from './events.js';

export interface RetryOptions extends BackoffOptions {
  /** Total attempts, the first one included (1 = no retries). */
  maxAttempts: number;
  /** Which errors are worth retrying. Defaults to all. */
  handle?: (error: unknown) => boolean;
}

export interface RetryEvent {
  /** Which retry is about to happen (1 = the first retry, after the first attempt failed). */
  attempt: number;
  /** How long it waits before that retry. */
  delayMs: number;
  /** Why the previous attempt failed. */
  error: unknown;
}

export interface Retry {
  readonly maxAttempts: number;
  /** Runs `fn` (attempt numbers start at 1) until it succeeds, fails with an unhandled error, or attempts run out. */
  execute<T>(fn: (signal: AbortSignal, attempt: number) => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly onRetry: Listen<RetryEvent>;
  /** The last attempt failed; its error is rethrown to the caller. */
  readonly onGiveUp: Listen<{ error: unknown }>;
  /** The underlying cockatiel policy, for composition. */
  readonly policy: RetryPolicy;
}

/** Retries with exponential backoff and full jitter (cockatiel's RetryPolicy). */
export function retryPolicy(options: RetryOptions): Retry {
  const { maxAttempts, handle } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a whole number >= 1 (got ${maxAttempts})`);
  }
  const policy = retry(handle ? handleWhen((error) => handle(error)) : handleAll, {
    // cockatiel counts retries, not attempts
    maxAttempts: maxAttempts - 1,
    backoff: fullJitterBackoff(options),
  });
  return {
    maxAttempts,
    policy,
    execute: (fn, signal) => policy.execute(({ signal: inner, attempt }) => fn(inner, attempt + 1), signal),
    onRetry: (listener) =>
      policy.onRetry((event) => listener({ attempt: event.attempt, delayMs: event.delay, error: reasonError(event) })),
    onGiveUp: (listener) => policy.onGiveUp((reason) => listener({ error: reasonError(reason) })),
  };
}
