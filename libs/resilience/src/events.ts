import type { IDisposable } from 'cockatiel';

/** Returned by every `on…` subscription; call `dispose()` to unsubscribe. */
export type Subscription = IDisposable;

export type Listen<T> = (listener: (event: T) => void) => Subscription;

export const noSubscription: Subscription = { dispose: () => undefined };

/** The error inside a cockatiel failure reason (we never filter on results, so it is always an error). */
export function reasonError(reason: { error: Error } | { value: unknown }): unknown {
  return 'error' in reason ? reason.error : reason.value;
}

export const neverAbortedSignal: AbortSignal = new AbortController().signal;
